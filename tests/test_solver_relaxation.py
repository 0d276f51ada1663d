"""The balance stage's better start: the linear relaxation, and the model kept to the pairs
the relaxation or the current plan uses."""

from __future__ import annotations

import pytest
from ortools.sat.python import cp_model

from rotation.checker import check_plan
from rotation.generate import generate_problem
from rotation.solver.greedy import starting_plans
from rotation.solver.model import build_model
from rotation.solver.relaxation import Relaxation, restricted_model, solve_relaxation
from rotation.solver.solve import plan_from_solution
from rotation.solver.stability import complete_hint, hint_previous
from tests.factory import candidate, post, problem


def _relaxed_optimum(cp: cp_model.CpModel) -> float:
    relaxation = solve_relaxation(cp, seconds=10)
    assert relaxation is not None
    return relaxation.objective


def test_clauses_and_one_of_constraints_go_in_as_sums() -> None:
    cp = cp_model.CpModel()
    a, b, c = (cp.new_bool_var(name) for name in "abc")
    cp.add_bool_or([a, b])
    cp.minimize(3 * a + 2 * b + 5)  # the constant is part of the objective
    assert _relaxed_optimum(cp) == pytest.approx(7)

    cp = cp_model.CpModel()
    a, b, c = (cp.new_bool_var(name) for name in "abc")
    cp.add_exactly_one([a, b, c])
    cp.minimize(5 * a + 4 * b + 6 * c)
    assert _relaxed_optimum(cp) == pytest.approx(4)

    cp = cp_model.CpModel()
    a, b = (cp.new_bool_var(name) for name in "ab")
    cp.add_at_most_one([a, b])
    cp.minimize(-a - b)
    assert _relaxed_optimum(cp) == pytest.approx(-1)


def test_negations_and_implications_go_in() -> None:
    cp = cp_model.CpModel()
    a, b = (cp.new_bool_var(name) for name in "ab")
    cp.add(a >= 1)
    cp.add_bool_or([a.Not(), b])  # a implies b, written as a clause
    cp.minimize(b)
    assert _relaxed_optimum(cp) == pytest.approx(1)

    cp = cp_model.CpModel()
    a, b = (cp.new_bool_var(name) for name in "ab")
    cp.add(a >= 1)
    cp.add_implication(a, b)  # an enforced bool_and
    cp.minimize(b)
    assert _relaxed_optimum(cp) == pytest.approx(1)


def test_a_conditional_linear_constraint_is_left_out_so_the_result_stays_a_relaxation() -> None:
    cp = cp_model.CpModel()
    a = cp.new_bool_var("a")
    x = cp.new_int_var(0, 10, "x")
    cp.add(a >= 1)
    cp.add(x >= 4).only_enforce_if(a)
    cp.minimize(x)
    assert _relaxed_optimum(cp) == pytest.approx(0)  # below the true optimum 4, never above


def test_the_relaxation_bounds_the_balance_stage_from_below() -> None:
    # With the cover held at its best (without it, the cheapest plan seconds nobody).
    given = generate_problem(posts=3, candidates=10, months=24, seed=3)
    built = build_model(given)
    cp = built.model.cp
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = 30
    cover, balance = built.tiers[0], built.tiers[-1]
    cp.minimize(cover.total.expr())
    assert solver.solve(cp) == cp_model.OPTIMAL
    cp.add(cover.total.expr() <= round(solver.objective_value))
    cp.minimize(balance.total.expr())
    relaxed = _relaxed_optimum(cp)
    assert solver.solve(cp) == cp_model.OPTIMAL
    assert relaxed <= solver.objective_value + 1e-6
    assert relaxed > 0  # and it is not a trivial bound


def test_the_restricted_model_leaves_out_the_pairs_neither_uses() -> None:
    # Two people for one post; the plan and the relaxation only use A, so B is left out.
    given = problem(posts=[post("P1")], candidates=[candidate("A"), candidate("B")])
    built = build_model(given)
    model = built.model
    pairs = model.variables.pairs
    person_b = next(p for p, c in enumerate(given.candidates) if c.person == "B")
    plan = [0] * len(model.cp.proto.variables)
    values = [0.0] * len(plan)
    for pair in pairs:
        if pair.person != person_b:
            values[next(iter(pair.hold.values())).index] = 0.5
    trial = restricted_model(model.cp, pairs, Relaxation(values, 0.0), plan)
    assert trial is not None
    trial.minimize(sum(held for pair in pairs for held in pair.hold.values()) * -1)
    solver = cp_model.CpSolver()
    assert solver.solve(trial) == cp_model.OPTIMAL
    for pair in pairs:
        held = [solver.value(var) for var in pair.hold.values()]
        assert (sum(held) == 0) == (pair.person == person_b)

    # When the plan uses B too, no pair is left out: there is nothing to restrict.
    for pair in pairs:
        if pair.person == person_b:
            plan[next(iter(pair.hold.values())).index] = 1
    assert restricted_model(model.cp, pairs, Relaxation(values, 0.0), plan) is None


def test_the_restricted_search_starts_from_the_plan_and_keeps_every_rule() -> None:
    # The restricted model is hinted with the plan, and its plans are plans of the problem.
    given = generate_problem(posts=3, candidates=10, months=24, seed=3)
    built = build_model(given)
    hint_previous(built.model, next(iter(starting_plans(given, 0))))
    plan = complete_hint(built.model, 5)
    assert plan is not None
    cp = built.model.cp
    cp.minimize(built.tiers[-1].total.expr())
    relaxation = solve_relaxation(cp, seconds=10)
    assert relaxation is not None
    trial = restricted_model(cp, built.model.variables.pairs, relaxation, plan)
    assert trial is not None
    assert list(trial.proto.solution_hint.values) == plan
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = 20
    assert solver.solve(trial) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    secondments = plan_from_solution(given, built.model.variables,
                                     list(solver.response_proto.solution))
    assert check_plan(given, secondments).ok
