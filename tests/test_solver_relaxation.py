"""The balance stage's better start and quicker proof: the linear relaxation and its bound,
the model kept to the pairs the relaxation or the current plan uses, and the model narrowed
by the relaxation's reduced costs."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from rotation.checker import check_plan
from rotation.generate import generate_problem
from rotation.solver.greedy import starting_plans
from rotation.solver.model import build_model
from rotation.solver.relaxation import (
    Relaxation,
    _dual_bound,
    restricted_model,
    solve_relaxation,
)
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
    assert _relaxed_optimum(cp) == pytest.approx(0, abs=1e-6)  # below the optimum 4, never above


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


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_the_bound_holds_whatever_prices_the_lp_solver_gives(data: st.DataObject) -> None:
    # The bound is weak duality worked out here, not the LP solver's word: with any prices
    # at all (even nonsense), no 0/1 point that keeps the rows is cheaper than it.
    n = data.draw(st.integers(2, 5))
    small = st.integers(-3, 3)
    costs = np.array(data.draw(st.lists(small, min_size=n, max_size=n)), dtype=float)
    rows = data.draw(st.lists(st.lists(small, min_size=n, max_size=n), min_size=1, max_size=4))
    row_bounds = np.array([data.draw(st.sampled_from([(-np.inf, 1.0), (1.0, np.inf), (0.0, 2.0),
                                                       (1.0, 1.0)])) for _ in rows])
    duals = np.array(data.draw(st.lists(st.floats(-5, 5), min_size=len(rows),
                                        max_size=len(rows))))
    entries: tuple[list[int], list[int], list[float]] = ([], [], [])
    for r, row in enumerate(rows):
        for j, coefficient in enumerate(row):
            if coefficient:
                entries[0].append(r)
                entries[1].append(j)
                entries[2].append(float(coefficient))
    bound, _ = _dual_bound(costs, (np.zeros(n), np.ones(n)), row_bounds, duals, entries)
    for point in itertools.product((0, 1), repeat=n):
        x = np.array(point)
        activity = np.array(rows) @ x
        if np.all(activity >= row_bounds[:, 0]) and np.all(activity <= row_bounds[:, 1]):
            assert bound <= costs @ x


def test_with_the_solvers_prices_the_bound_is_the_relaxations_optimum() -> None:
    cp = cp_model.CpModel()
    a, b, c = (cp.new_bool_var(name) for name in "abc")
    cp.add(2 * a + 2 * b + 2 * c >= 3)  # the relaxation takes 1.5 units, a plan needs 2
    cp.minimize(4 * a + 5 * b + 6 * c)
    relaxation = solve_relaxation(cp, seconds=10)
    assert relaxation is not None
    assert relaxation.objective == pytest.approx(4 + 2.5)
    assert relaxation.objective <= 6.5
    assert not relaxation.proves(9)  # a plan of 9 may yet be beaten by one of 7 ...
    assert relaxation.proves(7)  # ... but nothing beats 7: the next whole number is 6


def _balance_stage(seed: int) -> tuple[Any, cp_model.CpModel, list[int], float]:
    """A small problem's balance stage (cover and pledges held at their best), its starting
    plan (a hand plan) and its optimum."""
    given = generate_problem(posts=3, candidates=10, months=24, seed=seed)
    built = build_model(given)
    hint_previous(built.model, next(iter(starting_plans(given, 0))))
    plan = complete_hint(built.model, 5)
    assert plan is not None
    cp = built.model.cp
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = 30
    for tier in built.tiers[:-1]:
        if not tier.is_constant:
            cp.minimize(tier.total.expr())
            assert solver.solve(cp) == cp_model.OPTIMAL
            cp.add(tier.total.expr() <= round(solver.objective_value))
            plan = list(solver.response_proto.solution)
    cp.minimize(built.tiers[-1].total.expr())
    assert solver.solve(cp) == cp_model.OPTIMAL
    return built, cp, plan, solver.objective_value


@pytest.mark.parametrize("seed", [2, 4])
def test_narrowing_by_reduced_costs_keeps_the_optimum(seed: int) -> None:
    # Seeds whose relaxation is below the optimum, so that a search is still needed.
    built, cp, start, optimum = _balance_stage(seed)
    relaxation = solve_relaxation(cp, seconds=10)
    assert relaxation is not None and not relaxation.proves(optimum)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = 30
    assert solver.solve(cp) == cp_model.OPTIMAL
    best = list(solver.response_proto.solution)
    for plan in (start, best):  # from a poor plan and from the optimum itself
        copy = relaxation.tightened(cp, plan)
        if copy is None:
            assert plan is start  # from the optimum, the room is small enough to narrow
            continue
        # The plan is still a plan of the copy, and nothing better was cut off.
        assert all(low <= plan[index] <= high for index, low, high in _narrowings(cp, copy))
        assert solver.solve(copy) == cp_model.OPTIMAL
        assert solver.objective_value == optimum
        secondments = plan_from_solution(built.model.problem, built.model.variables,
                                         list(solver.response_proto.solution))
        assert check_plan(built.model.problem, secondments).ok


def test_a_relaxation_as_good_as_the_plan_proves_it_optimal() -> None:
    _, cp, _, optimum = _balance_stage(3)  # a seed whose relaxation is tight
    relaxation = solve_relaxation(cp, seconds=10)
    assert relaxation is not None
    assert relaxation.objective <= optimum
    assert relaxation.proves(optimum) and not relaxation.proves(optimum + 1)


def _narrowings(cp: cp_model.CpModel, copy: cp_model.CpModel) -> list[tuple[int, int, int]]:
    """The one-variable ranges the copy adds: (variable index, lowest, highest)."""
    constraints = copy.proto.constraints
    added = [constraints[i] for i in range(len(cp.proto.constraints), len(constraints))]
    return [(c.linear.vars[0], c.linear.domain[0], c.linear.domain[1]) for c in added]


def test_narrowing_moves_each_variable_at_most_the_room_over_its_reduced_cost() -> None:
    cp = cp_model.CpModel()
    x, y, _z = (cp.new_int_var(0, 10, name) for name in "xyz")
    cp.minimize(x - y + 14)
    plan = [2, 9, 0]  # worth 7; with a bound of 0 a better plan has room 6 to spend
    relaxation = Relaxation([0.0, 10.0, 0.0], 0.0, [2.0, -3.0, 0.5])
    copy = relaxation.tightened(cp, plan)
    assert copy is not None
    # x sits at 0 and costs 2 a unit: at most 3; y sits at 10 and costs 3 a unit down: at
    # least 8; z costs 0.5 a unit, so the room lets it go anywhere and it is left alone.
    assert _narrowings(cp, copy) == [(0, 0, 3), (1, 8, 10)]

    # A narrowing the plan itself would break is not made (the plan stays a solution).
    costly = Relaxation([0.0, 10.0, 0.0], 0.0, [7.0, -3.0, 0.5])
    copy = costly.tightened(cp, plan)
    assert copy is not None and _narrowings(cp, copy) == [(1, 8, 10)]

    # A plan the bound already proves optimal leaves nothing to narrow.
    assert Relaxation([0.0] * 3, 6.5, [2.0, -3.0, 0.5]).proves(7)
    assert Relaxation([0.0] * 3, 6.5, [2.0, -3.0, 0.5]).tightened(cp, plan) is None
