"""The model never forbids a plan the rules allow.

The solver's model restates the rules in its own terms (running counts, each post's sequence of
holders, per-person counts); a restatement that is too strict would silently lose good plans.
Here random plans are built post by post (handovers, gaps, short final secondments, agreed
secondments before the horizon), the independent checker keeps those that keep every rule, and
each one, fixed in the model, must leave it feasible.
"""

from __future__ import annotations

import random
from itertools import islice

import pytest
from ortools.sat.python import cp_model

from rotation.checker import check_plan
from rotation.domain import Problem, Secondment
from rotation.samples import highland_problem
from rotation.solver.greedy import greedy_plan, starting_plans
from rotation.solver.model import build_model
from rotation.solver.solve import plan_from_solution
from rotation.solver.stability import complete_hint, hint_previous
from tests.factory import candidate, m, post, problem, secondment
from tests.test_solver_properties import random_problem


def admits(problem: Problem, plan: tuple[Secondment, ...]) -> bool:
    """Whether the model has a solution with exactly the plan's secondments."""
    built = build_model(problem)
    hint_previous(built.model, plan)
    if len(built.model.cp.proto.solution_hint.vars):
        return complete_hint(built.model, seconds=10) is not None
    solver = cp_model.CpSolver()  # no pair can be chosen at all: the model must be feasible
    return solver.solve(built.model.cp) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def random_plan(rng: random.Random, problem: Problem) -> tuple[Secondment, ...]:
    """Secondments laid post by post: each follows the last by a handover or after a gap."""
    settings = problem.settings
    overlap = settings.handover_overlap_months
    plan = [s.model_copy(update={"existing": True}) for s in problem.existing]
    people = [c.person for c in problem.candidates]
    for each in problem.posts:
        if each.funding == "funded" or rng.random() < 0.2:
            continue
        months = problem.post_months(each)
        start = months.start + rng.choice([0, 0, 1, 2])
        previous_holder = None
        while start <= months[-1]:
            length = rng.randint(1, settings.max_secondment_months)
            end = min(start + length - 1, months[-1])
            holder = rng.choice([p for p in people if p != previous_holder] or people)
            plan.append(Secondment(person=holder, post=each.post, start=start, end=end))
            previous_holder = holder
            if rng.random() < 0.6:
                start = end - overlap + 1  # a handover
                if start <= plan[-1].start:
                    break
            else:
                start = end + 1 + rng.randint(1, 3)  # a vacant gap
    return tuple(plan)


def test_every_valid_random_plan_is_a_solution_of_the_model() -> None:
    valid = 0
    for seed in range(60):
        rng = random.Random(seed)
        problem_ = random_problem(rng)
        for _ in range(40):
            plan = random_plan(rng, problem_)
            if not check_plan(problem_, plan).ok:
                continue
            valid += 1
            assert admits(problem_, plan), (seed, plan)
    assert valid >= 50  # enough valid plans with new secondments were tried to mean something


def test_the_hand_plan_with_agreed_secondments_is_a_complete_starting_point() -> None:
    # The Highland sample's hand plan includes its two agreed secondments; they are constants
    # of the model, so only the new secondments are hinted, and the hint covers every variable.
    problem = highland_problem()
    assert problem.existing
    assert admits(problem, greedy_plan(problem))


@pytest.mark.parametrize("overlap", [0, 1, 2])
def test_a_handover_in_the_last_month_is_allowed(overlap: int) -> None:
    # B takes over in the horizon's last months and runs to its end: shorter than the minimum,
    # which R5 allows for a secondment taken to continue.
    problem_ = problem(posts=[post("P1")], candidates=[candidate("A"), candidate("B")],
                       horizon_months=8, min_secondment_months=3, max_secondment_months=8,
                       handover_overlap_months=overlap)
    last = m("2027-11")
    a_end = last if overlap else last - 1
    plan = (Secondment(person="A", post="P1", start=m("2027-04"), end=a_end),
            Secondment(person="B", post="P1", start=a_end - overlap + 1, end=last))
    assert check_plan(problem_, plan).ok
    assert admits(problem_, plan)


def test_a_plan_that_breaks_a_rule_is_not_a_solution() -> None:
    # The same check fails when it should: two holders of one post with no handover.
    problem_ = problem(posts=[post("P1")], candidates=[candidate("A"), candidate("B")],
                       horizon_months=8, min_secondment_months=3, max_secondment_months=8)
    plan = (secondment("A", "P1", "2027-04", "2027-11"),
            secondment("B", "P1", "2027-06", "2027-11"))
    assert not check_plan(problem_, plan).ok
    assert not admits(problem_, plan)


def test_a_plan_hinted_on_top_of_another_replaces_it() -> None:
    # The search starts from one plan at a time: hinting a second plan replaces the first
    # (CP-SAT refuses a hint that names a variable twice), and the hint completes to it.
    problem_ = problem(posts=[post("P1")], candidates=[candidate("A"), candidate("B")],
                       horizon_months=8, min_secondment_months=3, max_secondment_months=8)
    a_plan = (secondment("A", "P1", "2027-04", "2027-11"),)
    b_plan = (secondment("B", "P1", "2027-04", "2027-11"),)
    for first, second in ((a_plan, b_plan), (b_plan, a_plan), (a_plan, a_plan)):
        built = build_model(problem_)
        hint_previous(built.model, first)
        hint_previous(built.model, second)
        hint = built.model.cp.proto.solution_hint
        assert len(set(hint.vars)) == len(hint.vars)
        solution = complete_hint(built.model, seconds=10)
        assert solution is not None
        completed = plan_from_solution(problem_, built.model.variables, solution)
        assert [(s.person, s.post, s.start, s.end) for s in completed] == [
            (s.person, s.post, s.start, s.end) for s in second]


def test_every_starting_plan_keeps_every_rule() -> None:
    # The warm start is the best of several hand plans (sheet order first, then other
    # rankings of the candidates): each one must be a plan the checker passes.
    tried = 0
    for seed in range(100):
        problem_ = random_problem(random.Random(seed))
        agreed = [s.model_copy(update={"existing": True}) for s in problem_.existing]
        if not check_plan(problem_, agreed).ok:
            continue  # agreed secondments that break a rule on their own: no plan can pass
        tried += 1
        plans = list(islice(starting_plans(problem_, seed), 6))
        assert plans[0] == greedy_plan(problem_)
        for plan in plans:
            report = check_plan(problem_, plan)
            assert report.ok, (seed, [str(b) for b in report.breaches])
    assert tried >= 20


def test_rankings_other_than_the_sheet_order_give_other_plans() -> None:
    # On the generated 20-post problem the best-matched ranking roughly halves the balance
    # goal (preference, travel and cost) of the sheet-order plan without losing cover, and
    # staggering the handovers leaves far fewer months vacant than the plain rule.
    from rotation.generate import generate_problem
    from rotation.solver.goals import balance_value, goal_terms

    problem_ = generate_problem(posts=20, candidates=80, months=48, seed=1)
    plain, sheet, matched = islice(starting_plans(problem_, 0), 3)
    assert (goal_terms(problem_, sheet).vacant_post_months
            < 0.5 * goal_terms(problem_, plain).vacant_post_months)
    sheet_goals, matched_goals = goal_terms(problem_, sheet), goal_terms(problem_, matched)
    assert matched_goals.vacant_post_months <= sheet_goals.vacant_post_months
    assert (balance_value(problem_.settings, matched_goals)
            < 0.5 * balance_value(problem_.settings, sheet_goals))
