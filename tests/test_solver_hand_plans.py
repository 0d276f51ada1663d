"""The hand plans the search starts from: the pledge-aware ranking."""

from __future__ import annotations

from itertools import islice
from typing import Any

import pytest

from rotation.checker import check_plan
from rotation.domain import Problem
from rotation.solver import greedy
from rotation.solver.goals import goal_terms
from rotation.solver.greedy import greedy_plan, starting_plans
from tests.factory import agency, candidate, grade, post, problem


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
