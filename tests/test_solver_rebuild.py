"""A large problem's hand plan rebuilt in parts where budgets are scarce (``rebuild``)."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from rotation.checker import check_plan
from rotation.domain import Problem, Secondment
from rotation.solver import SolveOptions, solve
from rotation.solver.goals import goal_terms
from rotation.solver.greedy import Effort, greedy_plan
from rotation.solver.options import Progress
from rotation.solver.rebuild import rebuilt_plans
from tests.factory import agency, candidate, grade, m, post, problem, secondment

solve_module = importlib.import_module("rotation.solver.solve")  # (the package exports solve())

STEPS = 200_000


def _dear_first_on_a_tight_budget(**overrides: Any) -> Problem:
    """One post for a year; the council may have one out on £40,000 a year. A (£5,000 a
    month) comes first on the sheet and spends the budget in 8 months; B (£3,000) could hold
    the post all year."""
    return problem(posts=[post("P1")],
                   candidates=[candidate("A", grade="HC9"), candidate("B", grade="HC7")],
                   agencies=[agency("HC", max_concurrent=1, backfill_budget=40_000.0)],
                   grades=[grade("HC", "HC9", monthly_cost=5000.0),
                           grade("HC", "HC7", monthly_cost=3000.0)],
                   max_secondment_months=12, **overrides)


def _sheet_order_plan(given: Problem) -> tuple[Secondment, ...]:
    plan = greedy_plan(given, stagger=True)
    assert goal_terms(given, plan).vacant_post_months == 4
    return plan


def test_rebuilding_finds_a_better_plan_that_keeps_every_rule() -> None:
    given = _dear_first_on_a_tight_budget()
    found = list(rebuilt_plans(given, _sheet_order_plan(given), seed=0, steps=STEPS))
    assert found
    last = found[-1]
    assert last.goals.vacant_post_months == 0
    assert [(s.person, s.start, s.end) for s in last.secondments] == [
        ("B", m("2027-04"), m("2028-03"))]
    assert check_plan(given, last.secondments).ok
    # Each one better than the one before, by the goals in priority order.
    covers = [r.goals.vacant_post_months for r in found]
    assert covers == sorted(covers, reverse=True) and len(set(covers)) == len(covers)


def test_rebuilding_stops_when_nothing_is_vacant_or_short() -> None:
    given = _dear_first_on_a_tight_budget()
    steps = Effort()
    list(rebuilt_plans(given, _sheet_order_plan(given), seed=0, steps=10**9, effort=steps))
    assert 0 < steps.steps < 10**9  # ended by its plan, not by its steps


def test_rebuilding_takes_no_step_beyond_its_share_and_repeats() -> None:
    given = _dear_first_on_a_tight_budget()
    start = _sheet_order_plan(given)
    assert list(rebuilt_plans(given, start, seed=0, steps=0)) == []
    runs = [[(r.round, r.secondments) for r in rebuilt_plans(given, start, seed=3, steps=STEPS)]
            for _ in range(2)]
    assert runs[0] == runs[1]


def test_rebuilding_never_takes_out_an_agreed_secondment() -> None:
    # A holds the post, agreed, for its first four months (£20,000 of the year's £40,000);
    # in sheet order C (as dear) follows for four months more, where B could have six.
    given = _dear_first_on_a_tight_budget(
        existing=[secondment("A", "P1", "2027-04", "2027-07")])
    people = [given.candidates[0], candidate("C", grade="HC9"), given.candidates[1]]
    given = given.model_copy(update={"candidates": tuple(people)})
    plan = greedy_plan(given, stagger=True)
    assert goal_terms(given, plan).vacant_post_months == 4
    found = list(rebuilt_plans(given, plan, seed=0, steps=STEPS))
    assert found and found[-1].goals.vacant_post_months == 2
    for rebuilt in found:
        agreed = [s for s in rebuilt.secondments if s.existing]
        assert [(s.person, s.start, s.end) for s in agreed] == [
            ("A", m("2027-04"), m("2027-07"))]
        assert all(not s.existing for s in rebuilt.secondments if s.person != "A")
        assert check_plan(given, rebuilt.secondments).ok


@pytest.mark.parametrize("large, budget, rebuilt", [
    (True, 40_000.0, True), (False, 40_000.0, False), (True, 60_000.0, False)])
def test_the_solver_rebuilds_only_a_large_problems_plan_where_a_budget_may_bind(
        large: bool, budget: float, rebuilt: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    given = _dear_first_on_a_tight_budget().model_copy(update={"agencies": (
        agency("HC", max_concurrent=1, backfill_budget=budget),)})
    plan = greedy_plan(given, stagger=True)
    monkeypatch.setattr(solve_module, "_hand_plan",
                        lambda problem_, options: solve_module.HandPlan.of(problem_, plan))
    monkeypatch.setattr(solve_module._Stages, "run",
                        lambda self: solve_module._Outcome(solution=self.hint))
    monkeypatch.setattr(solve_module, "too_large", lambda domains, budget=None: large)
    seen: list[Progress] = []
    result = solve(given, SolveOptions(time_limit=5, workers=1), on_progress=seen.append)
    starts = [p for p in seen if p.stage == 0]
    start = goal_terms(given, plan).vacant_post_months
    if rebuilt:
        assert result.goals.vacant_post_months == 0 < start
        assert [p.value for p in starts] == [start, 0]
        assert starts[1].elapsed > 0  # said as the plan rebuilt, not the hand plan
    else:
        assert result.goals.vacant_post_months == start
        assert len(starts) == 1
    assert check_plan(given, result.secondments).ok
