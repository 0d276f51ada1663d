"""The hand plans the search starts from: the pledge-aware ranking, and how many are made."""

from __future__ import annotations

import importlib
import itertools
from itertools import islice
from typing import Any

import pytest

from rotation.checker import check_plan
from rotation.domain import Problem
from rotation.samples import highland_problem
from rotation.solver import SolveOptions, greedy
from rotation.solver.goals import goal_terms
from rotation.solver.greedy import Effort, greedy_plan, starting_plans
from tests.factory import agency, candidate, grade, post, problem

solve_module = importlib.import_module("rotation.solver.solve")  # (the package exports solve())


def _three_council_staff_then_one_nhs() -> Problem:
    people = [candidate("A"), candidate("C"), candidate("D"),
              candidate("B", agency="NHS", grade="Band 6")]
    return problem(posts=[post("P1")], candidates=people,
                   agencies=[agency("HC"), agency("NHS", pledged_months=6)],
                   grades=[grade("HC", "HC8"), grade("NHS", "Band 6")])


def test_pledges_first_asks_staff_of_agencies_still_owed_months() -> None:
    given = _three_council_staff_then_one_nhs()
    # In sheet order the council's three people fill the year; NHS's pledge goes unmet.
    plain = greedy_plan(given, stagger=True)
    assert goal_terms(given, plain).pledge_shortfall_months == 6
    # Asking NHS first (it is owed months, the council has no pledge) meets it.
    owed = greedy_plan(given, stagger=True, pledges_first=True)
    assert goal_terms(given, owed).pledge_shortfall_months == 0
    assert (goal_terms(given, owed).vacant_post_months
            == goal_terms(given, plain).vacant_post_months)
    assert check_plan(given, owed).ok


def test_once_the_pledge_is_met_the_usual_order_returns() -> None:
    # NHS's second person is not asked ahead of the council once the pledge is met.
    given = _three_council_staff_then_one_nhs()
    people = [*given.candidates, candidate("E", agency="NHS", grade="Band 6")]
    given = given.model_copy(update={"candidates": tuple(people)})
    owed = greedy_plan(given, stagger=True, pledges_first=True)
    assert "E" not in {s.person for s in owed}
    assert check_plan(given, owed).ok


def test_the_pledge_aware_plan_follows_the_first_random_orders(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Four fixed rankings, PLEDGE_AWARE_AFTER random orders, then the pledge-aware plan: on
    # large problems only the first few are made in the time (see greedy.PLEDGE_AWARE_AFTER).
    asked: list[bool] = []
    real = greedy.greedy_plan

    def noting(*args: Any, **kwargs: Any) -> Any:
        asked.append(kwargs.get("pledges_first", False))
        return real(*args, **kwargs)

    monkeypatch.setattr(greedy, "greedy_plan", noting)
    given = _three_council_staff_then_one_nhs()
    plans = list(islice(starting_plans(given, 0), 4 + greedy.PLEDGE_AWARE_AFTER + 2))
    position = 4 + greedy.PLEDGE_AWARE_AFTER
    assert asked == [index == position for index in range(len(plans))]
    assert goal_terms(given, plans[position]).pledge_shortfall_months == 0


def _made(given: Problem, time_limit: float, monkeypatch: pytest.MonkeyPatch) -> int:
    """How many hand plans the warm start is chosen from for a time limit."""
    made = 0
    real = solve_module.starting_plans

    def counting(*args: Any) -> Any:
        nonlocal made
        for plan in real(*args):
            made += 1
            yield plan

    with monkeypatch.context() as patch:
        patch.setattr(solve_module, "starting_plans", counting)
        solve_module._hand_plan(given, SolveOptions(time_limit=time_limit))
    return made


def test_the_hand_planner_counts_its_steps_more_for_a_bigger_problem() -> None:
    small, large = Effort(), Effort()
    greedy_plan(_three_council_staff_then_one_nhs(), stagger=True, effort=small)
    greedy_plan(highland_problem(), stagger=True, effort=large)
    assert 0 < small.steps < large.steps


def test_how_many_hand_plans_are_made_depends_on_steps_not_the_clock(
        monkeypatch: pytest.MonkeyPatch) -> None:
    given = highland_problem()
    steps = Effort()
    list(islice(starting_plans(given, 0, steps), solve_module.MAX_HAND_PLANS))
    per_plan = steps.steps / solve_module.MAX_HAND_PLANS
    # a limit whose share pays for about six plans' steps
    limit = 6 * per_plan / (solve_module.HAND_PLAN_STEPS_PER_SECOND
                            * solve_module.HAND_PLAN_SHARE)
    made = _made(given, limit, monkeypatch)
    assert solve_module.MIN_HAND_PLANS < made < solve_module.MAX_HAND_PLANS
    # A machine a thousand times slower (every clock reading an hour later) makes the same.
    clock = itertools.count(step=3600.0)
    monkeypatch.setattr(solve_module.time, "monotonic", lambda: next(clock))
    assert _made(given, limit, monkeypatch) == made
    assert _made(given, 1e-6, monkeypatch) == solve_module.MIN_HAND_PLANS
    assert _made(given, 1e6, monkeypatch) == solve_module.MAX_HAND_PLANS
