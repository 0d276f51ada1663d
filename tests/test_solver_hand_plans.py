"""The hand plans the search starts from: the pledge-aware ranking, and how many are made."""

from __future__ import annotations

import importlib
import itertools
from itertools import islice
from typing import Any

import pytest

from rotation.checker import check_plan
from rotation.domain import Problem, Secondment
from rotation.generate import generate_problem
from rotation.months import financial_year
from rotation.samples import highland_problem
from rotation.solver import SolveOptions, greedy
from rotation.solver.goals import balance_value, goal_terms
from rotation.solver.greedy import Effort, greedy_plan, polish_plan, starting_plans
from tests.factory import agency, candidate, grade, m, post, problem, secondment, travel
from tests.searches import solve_stopping_at_hand_plan

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


def _far_and_near(**overrides: Any) -> Problem:
    """One post in Area P1; A lives an hour and a half away, B ten minutes (both free)."""
    people = [candidate("A", home_area="Far"), candidate("B", home_area="Near", **overrides)]
    return problem(posts=[post("P1")], candidates=people,
                   travel_times=[travel("Far", "Area P1", 90), travel("Near", "Area P1", 10)])


def test_polish_moves_a_secondment_to_a_better_matched_candidate() -> None:
    given = _far_and_near()
    plan = (secondment("A", "P1", "2027-04", "2027-09"),)
    polished = polish_plan(given, plan)
    assert [(s.person, s.post, s.start, s.end) for s in polished] == [
        ("B", "P1", m("2027-04"), m("2027-09"))]
    before, after = goal_terms(given, plan), goal_terms(given, polished)
    assert after.travel_minutes < before.travel_minutes
    assert after.vacant_post_months == before.vacant_post_months
    assert check_plan(given, polished).ok


@pytest.mark.parametrize("reason", ["not available", "too short a limit", "agency full",
                                    "already seconded"])
def test_polish_leaves_a_secondment_the_better_match_may_not_take(reason: str) -> None:
    # B is nearer, but a rule keeps B from those months: A keeps the secondment.
    existing: list[Secondment] = []
    posts = [post("P1")]
    overrides: dict[str, Any] = {}
    if reason == "not available":
        overrides = {"available_from": "2027-06"}
    elif reason == "too short a limit":
        overrides = {"max_months": 4}
    elif reason == "agency full":
        overrides = {"agency": "NHS", "grade": "Band 6"}
    given = _far_and_near(**overrides)
    plan: tuple[Secondment, ...] = (secondment("A", "P1", "2027-04", "2027-09"),)
    if reason == "agency full":  # NHS may have one out, and C already is
        posts.append(post("P2"))
        people = [*given.candidates, candidate("C", agency="NHS", grade="Band 6")]
        given = given.model_copy(update={
            "posts": tuple(posts), "candidates": tuple(people),
            "agencies": (agency("HC"), agency("NHS", max_concurrent=1))})
        plan = (*plan, secondment("C", "P2", "2027-04", "2027-09"))
    if reason == "already seconded":  # B holds P2 then, and may have one secondment
        posts.append(post("P2"))
        given = given.model_copy(update={"posts": tuple(posts)})
        plan = (*plan, secondment("B", "P2", "2027-04", "2027-09"))
    assert check_plan(given, plan, existing).ok
    polished = polish_plan(given, plan)
    assert {(s.person, s.post) for s in polished} == {(s.person, s.post) for s in plan}


def test_polish_never_leaves_an_agency_further_short_of_its_pledge() -> None:
    # A's agency is owed six months and B's is not: moving A's secondment to B would leave
    # the pledge short, so it stays; with no pledge it moves.
    people = [candidate("A", home_area="Far"),
              candidate("B", home_area="Near", agency="NHS", grade="Band 6")]
    times = [travel("Far", "Area P1", 90), travel("Near", "Area P1", 10)]
    plan = (secondment("A", "P1", "2027-04", "2027-09"),)
    for pledge, holder in ((6, "A"), (None, "B")):
        given = problem(posts=[post("P1")], candidates=people, travel_times=times,
                        agencies=[agency("HC", pledged_months=pledge), agency("NHS")])
        assert [s.person for s in polish_plan(given, plan)] == [holder]


def test_polish_leaves_agreed_secondments_as_they_are() -> None:
    given = _far_and_near()
    given = given.model_copy(update={"existing": (
        secondment("A", "P1", "2027-04", "2027-09", existing=True),)})
    plan = given.existing
    assert polish_plan(given, plan) == plan


@pytest.mark.parametrize("seed", range(6))
def test_polished_hand_plans_keep_every_rule_and_the_cover(seed: int) -> None:
    given = generate_problem(posts=6, candidates=24, months=30, seed=seed, tight=seed % 2 == 1)
    for plan in islice(starting_plans(given, seed), 3):
        polished = polish_plan(given, plan)
        before, after = goal_terms(given, plan), goal_terms(given, polished)
        assert check_plan(given, polished).ok
        assert after.vacant_post_months == before.vacant_post_months
        assert after.handovers == before.handovers
        assert after.pledge_shortfall_months <= before.pledge_shortfall_months
        assert (balance_value(given.settings, after)
                <= balance_value(given.settings, before) + 1e-6)


def test_a_solve_s_unproven_plan_is_polished(monkeypatch: pytest.MonkeyPatch) -> None:
    # The search stops at once with the hand plan (its time too short to improve it): the
    # answer is that plan with its secondments moved to better-matched people where the
    # rules allow, its cover and pledges the same, its balance lower.
    given = _far_and_near()
    far_first = (secondment("A", "P1", "2027-04", "2027-09"),)
    result = solve_stopping_at_hand_plan(monkeypatch, given, far_first)
    assert result.status == "FEASIBLE"
    assert [s.person for s in result.secondments if s.post == "P1" and s.start == m("2027-04")
            ] == ["B"]
    assert check_plan(given, result.secondments).ok


def _committed_planner(seed: int) -> greedy._Greedy:
    """A hand planner that has made its plan on a tight problem where people may have two
    secondments three months apart and one agency has no budget, so that every rule has
    something committed to read."""
    given = generate_problem(posts=6, candidates=24, months=30, seed=seed, tight=True)
    settings = given.settings.model_copy(update={"max_secondments_per_person": 2,
                                                 "cooling_off_months": 3})
    unbudgeted = given.agencies[0].model_copy(update={"backfill_budget": None})
    planner = greedy._Greedy(given.model_copy(update={
        "settings": settings, "agencies": (unbudgeted, *given.agencies[1:])}), stagger=True)
    planner.run()
    return planner


@pytest.mark.parametrize("seed", range(3))
def test_the_last_end_r11_allows_is_where_its_check_starts_failing(seed: int) -> None:
    planner = _committed_planner(seed)
    last = planner.last
    for p in range(len(planner.problem.candidates)):
        for t in planner.horizon:
            until = planner._r11_reach(p, t, last)
            if not planner._r11_person(p, t, t):
                assert until is None
                continue
            assert until is not None
            assert [end <= until for end in range(t, last + 1)] == \
                [planner._r11_person(p, t, end) for end in range(t, last + 1)]


@pytest.mark.parametrize("seed", range(3))
def test_the_reach_of_r8_r10_is_the_month_before_the_first_that_breaks_one(seed: int) -> None:
    planner = _committed_planner(seed)
    ledger, problem = planner.ledger, planner.problem
    for p in range(len(problem.candidates)):
        code, cap, budget, pence = planner.limits[p]
        for t in planner.horizon:
            added: dict[int, int] = {}
            broken = None  # worked out month by month from the ledger
            for u in range(t, planner.last + 1):
                year = financial_year(u)
                added[year] = added.get(year, 0) + pence
                if ledger.agency_out[(code, u)] >= cap or (
                        budget is not None
                        and ledger.agency_pence[(code, year)] + added[year] > budget):
                    broken = u
                    break
            assert planner._r8_r9_r10_break(planner.limits[p], t, planner.last) == broken
            for end in range(t, planner.last + 1):
                reach = end if broken is None or broken > end else broken - 1
                assert planner._r8_r9_r10_reach(p, t, end) == reach


def _dear_first_on_a_tight_budget(budget: float = 40_000.0) -> Problem:
    """One post for a year; the council may have one out, on ``budget`` a year. A (£5,000 a
    month) comes first on the sheet, B (£3,000) second."""
    return problem(posts=[post("P1")],
                   candidates=[candidate("A", grade="HC9"), candidate("B", grade="HC7")],
                   agencies=[agency("HC", max_concurrent=1, backfill_budget=budget)],
                   grades=[grade("HC", "HC9", monthly_cost=5000.0),
                           grade("HC", "HC7", monthly_cost=3000.0)],
                   max_secondment_months=12)


def test_the_thrifty_planner_buys_more_months_with_the_same_budget() -> None:
    given = _dear_first_on_a_tight_budget()
    # In sheet order A spends the year's budget in 8 months; nobody can follow.
    plain = greedy_plan(given, stagger=True)
    assert goal_terms(given, plain).vacant_post_months == 4
    # The cheapest grade first: B holds the post all year for £36,000.
    thrifty = greedy_plan(given, greedy.thrifty(given, [0.0, 0.0]), stagger=True)
    assert [(s.person, s.start, s.end) for s in thrifty] == [("B", m("2027-04"), m("2028-03"))]
    assert goal_terms(given, thrifty).vacant_post_months == 0
    assert check_plan(given, thrifty).ok


def test_the_thrifty_order_is_random_only_among_near_equal_costs() -> None:
    near = _dear_first_on_a_tight_budget().model_copy(update={"grades": (
        grade("HC", "HC9", monthly_cost=3000.0 + greedy.THRIFT_SPREAD / 2),
        grade("HC", "HC7", monthly_cost=3000.0))})
    far = _dear_first_on_a_tight_budget()
    for given, dear_first_with in ((near, [0.0, 1.0]), (far, None)):
        rank = greedy.thrifty(given, [0.0, 1.0])
        assert (rank(0, 0) < rank(1, 0)) == (dear_first_with is not None)
        rank = greedy.thrifty(given, [1.0, 0.0])
        assert rank(1, 0) < rank(0, 0)


def test_a_budget_may_bind_only_when_it_cannot_pay_for_the_dearest_all_year() -> None:
    assert greedy.budget_may_bind(_dear_first_on_a_tight_budget(40_000.0))
    # £60,000 pays for A all year: the order cannot matter.
    assert not greedy.budget_may_bind(_dear_first_on_a_tight_budget(60_000.0))
    no_budget = _dear_first_on_a_tight_budget().model_copy(
        update={"agencies": (agency("HC", max_concurrent=1),)})
    assert not greedy.budget_may_bind(no_budget)


def _noting_thrifty_plans(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A list that gains an entry each time a thrifty ranking is made."""
    made: list[str] = []
    real = greedy.thrifty

    def noting(*args: Any) -> Any:
        made.append("thrifty")
        return real(*args)

    monkeypatch.setattr(greedy, "thrifty", noting)
    return made


@pytest.mark.parametrize("budget, thrifty_plans", [(40_000.0, True), (60_000.0, False)])
def test_thrifty_plans_are_among_the_hand_plans_where_a_budget_may_bind(
        budget: float, thrifty_plans: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    # After the four fixed rankings, each random order is tried thrifty first, then as it is.
    made = _noting_thrifty_plans(monkeypatch)
    given = _dear_first_on_a_tight_budget(budget)
    plans = list(islice(starting_plans(given, 0), 4 + 2 * greedy.PLEDGE_AWARE_AFTER))
    assert len(made) == (greedy.PLEDGE_AWARE_AFTER if thrifty_plans else 0)
    if thrifty_plans:  # sheet order, staggered, asks A first; the thrifty plans B
        covers = [goal_terms(given, plan).vacant_post_months for plan in plans]
        assert covers[1] == 4
        assert covers[4] == covers[6] == 0


def test_the_first_thrifty_plan_is_made_however_short_the_time_limit(
        monkeypatch: pytest.MonkeyPatch) -> None:
    made = _noting_thrifty_plans(monkeypatch)
    assert _made(_dear_first_on_a_tight_budget(), 1e-6, monkeypatch) == 5
    assert made == ["thrifty"]
