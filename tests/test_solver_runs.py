"""Which runs one secondment of a pair may have (R5 lengths, R10 months a year on one budget).

A run the budget cannot pay for on its own breaks R10 whatever else the plan holds, so the
model leaves it out; these tests check that nothing else is left out with it.

Factory defaults (tests/factory.py): a horizon from 2027-04, grades at £3,800 a month.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rotation.checker import check_plan
from rotation.domain import Problem, Secondment
from rotation.months import financial_year
from rotation.solver import SolveOptions, solve, variables
from rotation.solver.model import build_model
from rotation.solver.runs import RunLimits, possible_runs, year_caps
from rotation.solver.secondment_mip import SecondmentMip
from tests.factory import agency, candidate, grade, m, post, problem, secondment
from tests.test_solver_completeness import admits
from tests.test_solver_rules import plan_for, vacant

TWO_YEARS = m("2027-04"), m("2029-03")
"""Two financial years, 2027/28 and 2028/29."""


def test_without_a_budget_a_run_may_start_wherever_r5_lets_it_reach_its_length() -> None:
    first, last = TWO_YEARS
    runs = possible_runs(range(first, last + 1), RunLimits(shortest=12, longest=18,
                                                           horizon_end=last))
    assert runs[first] == range(first + 11, first + 18)
    # from 2028-04 on, the minimum length would pass the horizon: a run goes on to its end
    assert runs[m("2028-04")] == range(last, last + 1)
    assert set(runs) == set(range(first, last + 1))


def test_a_pair_that_ends_before_the_horizon_cannot_start_too_late_for_the_minimum() -> None:
    first, last = TWO_YEARS
    runs = possible_runs(range(first, m("2028-09") + 1),
                         RunLimits(shortest=12, longest=18, horizon_end=last))
    assert max(runs) == m("2027-10")  # 2027-10..2028-09 is the last run of 12 months
    assert runs[m("2027-10")] == range(m("2028-09"), m("2028-09") + 1)


def test_a_budget_for_six_months_a_year_makes_a_year_long_run_straddle_the_year_end() -> None:
    first, last = TWO_YEARS
    cap = {2027: 6, 2028: 6}
    runs = possible_runs(range(first, last + 1), RunLimits(shortest=12, longest=12,
                                                           horizon_end=last, year_cap=cap))
    # six months each side of April 2028, or a run of at most six to the horizon's end
    assert runs == {m("2027-10"): range(m("2028-09"), m("2028-09") + 1),
                    **{s: range(last, last + 1) for s in range(m("2028-10"), last + 1)}}


@settings(max_examples=200, deadline=None)
@given(first=st.integers(0, 14), span=st.integers(1, 30), shortest=st.integers(1, 14),
       extra=st.integers(0, 10), caps=st.lists(st.integers(0, 13), min_size=4, max_size=4),
       open_end=st.booleans())
def test_possible_runs_are_exactly_the_runs_r5_and_the_yearly_caps_allow(
        first: int, span: int, shortest: int, extra: int, caps: list[int],
        open_end: bool) -> None:
    start_month = m("2027-01") + first
    months = range(start_month, start_month + span)
    horizon_end = months[-1] if open_end else months[-1] + 5
    years = sorted({financial_year(t) for t in months})
    year_cap = dict(zip(years, caps, strict=False))
    limits = RunLimits(shortest=shortest, longest=shortest + extra, horizon_end=horizon_end,
                       year_cap=year_cap)

    def allowed(s: int, e: int) -> bool:
        length = e - s + 1
        if length > limits.longest or (length < shortest and e != horizon_end):
            return False
        held = [financial_year(t) for t in range(s, e + 1)]
        return all(held.count(year) <= year_cap[year] for year in set(held))

    expected = {s: [e for e in months if e >= s and allowed(s, e)] for s in months}
    runs = possible_runs(months, limits)
    assert {s: list(ends) for s, ends in runs.items()} == {
        s: ends for s, ends in expected.items() if ends}


def test_year_caps_are_what_the_budget_left_by_existing_secondments_pays_for_one_person() -> None:
    problem_ = problem(
        horizon_months=24,
        candidates=[candidate("A"), candidate("B"), candidate("N", agency="NHS", grade="Band 6"),
                    candidate("F", grade="HC7")],
        agencies=[agency("HC", backfill_budget=30000.0), agency("NHS")],
        grades=[grade("HC", "HC8"), grade("HC", "HC7", monthly_cost=0.0),
                grade("NHS", "Band 6")],
        posts=[post("P1"), post("P2")],
        existing=[secondment("B", "P2", "2026-10", "2027-06")])
    # B's 3 months inside the horizon (2027-04..06) spend £11,400 of HC's 2027/28 budget
    spend = {"HC": {2027: 3 * 380000}}
    assert year_caps(problem_, spend) == {0: {2027: 4, 2028: 7}, 1: {2027: 4, 2028: 7}}
    # no budget (NHS) or no cost (HC7): no cap


def test_the_model_keeps_the_straddling_run_and_drops_the_one_the_budget_cannot_pay() -> None:
    problem_ = problem(horizon_months=24, min_secondment_months=12, max_secondment_months=12,
                       agencies=[agency("HC", backfill_budget=6 * 3800.0), agency("NHS")])
    straddling = (secondment("A", "P1", "2027-10", "2028-09"),)
    one_year = (secondment("A", "P1", "2027-04", "2028-03"),)
    assert check_plan(problem_, straddling).ok and admits(problem_, straddling)
    assert {b.rule for b in check_plan(problem_, one_year).breaches} == {"R10"}
    assert not admits(problem_, one_year)
    pair = build_model(problem_).model.variables.pairs[0]
    assert set(pair.start) == {m("2027-10"), *range(m("2028-10"), m("2029-03") + 1)}


def test_the_solver_finds_the_straddling_run_a_year_long_secondment_needs() -> None:
    problem_ = problem(horizon_months=24, min_secondment_months=12, max_secondment_months=12,
                       agencies=[agency("HC", backfill_budget=6 * 3800.0), agency("NHS")])
    result = plan_for(problem_)
    assert vacant(result) == 12
    assert [(s.start, s.end) for s in result.secondments] == [(m("2027-10"), m("2028-09"))]


def _budget_problem(rng: random.Random) -> Problem:
    """Two posts over a year end, people of a budgeted agency, sometimes an agreed secondment."""
    codes = [rng.choice(["HC", "NHS"]) for _ in range(rng.randint(2, 4))]
    people = [candidate(f"C{i}", agency=code, grade="HC8" if code == "HC" else "Band 6",
                        available_from=m("2027-10") + rng.choice([0, 0, 2, 5]))
              for i, code in enumerate(codes)]
    shortest = rng.randint(3, 8)
    agreed = []
    if rng.random() < 0.4:  # HC's agreed secondment spends two months of its 2027/28 budget
        people.append(candidate("E", agency="HC", grade="HC8"))
        agreed.append(Secondment(person="E", post="P2", start=m("2027-11") - shortest + 1,
                                 end=m("2027-11")))
    return problem(
        horizon_months=rng.randint(12, 20), min_secondment_months=shortest,
        max_secondment_months=shortest + rng.randint(0, 4),
        posts=[post("P1"), post("P2")], candidates=people, existing=agreed,
        agencies=[agency("HC", backfill_budget=3800.0 * rng.randint(3, 8),
                         pledged_months=rng.choice([None, rng.randint(4, 16)])),
                  agency("NHS", max_concurrent=1,
                         backfill_budget=rng.choice([None, 3800.0 * rng.randint(3, 8)]))],
        grades=[grade("HC", "HC8"), grade("NHS", "Band 6", monthly_cost=3500.0)],
        horizon_start=m("2027-10"))


@pytest.mark.parametrize("seed", range(12))
def test_leaving_out_unaffordable_runs_keeps_every_goal_s_optimum(
        seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    problem_ = _budget_problem(random.Random(seed))
    options = SolveOptions(time_limit=20, workers=2)
    narrowed = solve(problem_, options)
    with monkeypatch.context() as patch:
        patch.setattr(variables, "year_caps", lambda *_: {})  # every run R5 allows
        whole = solve(problem_, options)
    assert narrowed.status == whole.status
    if whole.has_plan:
        assert narrowed.status == "OPTIMAL"
        assert narrowed.goals is not None and whole.goals is not None
        assert (narrowed.goals.vacant_post_months, narrowed.goals.pledge_shortfall_months,
                narrowed.objective) == (whole.goals.vacant_post_months,
                                        whole.goals.pledge_shortfall_months, whole.objective)
        assert check_plan(problem_, narrowed.secondments).ok


# -- R11 beside the agreed secondments ------------------------------------------------------

def _beside_agreed(start: str, end: str, **overrides: Any) -> Problem:
    """Person A agreed in post P1 from ``start`` to ``end``; posts P1-P3 open all year."""
    return problem(posts=[post("P1"), post("P2"), post("P3")], candidates=[candidate("A")],
                   existing=[secondment("A", "P1", start, end)], **overrides)


def _starts_and_ends(problem_: Problem) -> tuple[set[int], set[int]]:
    """Every month a run of A's may start in, and every month one may end in."""
    pairs = build_model(problem_).model.variables.pairs_by_person[0]
    runs = [(start, end) for pair in pairs for start, ends in pair.runs.items()
            for end in ends]
    return {start for start, _ in runs}, {end for _, end in runs}


def _breaks_r11(problem_: Problem, start: int, end: int) -> bool:
    """Whether the checker finds a new secondment of A in P2 from ``start`` to ``end``
    breaking R11 beside the agreed one."""
    plan = [*problem_.existing, Secondment(person="A", post="P2", start=start, end=end)]
    return any(b.rule == "R11" for b in check_plan(problem_, plan).breaches)


def test_someone_out_on_the_one_secondment_allowed_gets_no_new_runs() -> None:
    one = _beside_agreed("2027-01", "2027-06")
    assert not build_model(one).model.variables.pairs_by_person[0]
    assert _breaks_r11(one, m("2027-10"), m("2028-01"))
    # with R11 left out (as the conflict explanations do) and with two allowed, they have runs
    assert build_model(one, frozenset({"R11"})).model.variables.pairs_by_person[0]
    two = _beside_agreed("2027-01", "2027-06", max_secondments_per_person=2)
    assert build_model(two).model.variables.pairs_by_person[0]


@pytest.mark.parametrize(("agreed", "edge", "holds", "breaks"), [
    # after an agreed secondment: the first new run starts once three months are over
    (("2027-04", "2027-06"), "2027-10", ("2027-10", "2028-01"), ("2027-09", "2027-12")),
    # before one: the last new run ends in time for three months off before it
    (("2028-01", "2028-03"), "2027-09", ("2027-06", "2027-09"), ("2027-07", "2027-10")),
])
def test_new_runs_keep_the_cooling_off_beside_an_agreed_secondment(
        agreed: tuple[str, str], edge: str, holds: tuple[str, str],
        breaks: tuple[str, str]) -> None:
    problem_ = _beside_agreed(*agreed, max_secondments_per_person=2, cooling_off_months=3)
    starts, ends = _starts_and_ends(problem_)
    after = m(agreed[0]) < m(edge)
    assert (min(starts) if after else max(ends)) == m(edge)
    assert not _breaks_r11(problem_, m(holds[0]), m(holds[1]))
    assert _breaks_r11(problem_, m(breaks[0]), m(breaks[1]))


def test_the_relaxation_allows_only_the_new_secondments_the_agreed_ones_leave() -> None:
    # A, the only candidate, is agreed in P1 for April and May and may have one more
    # secondment (of at most six months): 34 open post-months, at most 6 of them held. With
    # any number of new ones (as the relaxation allowed before) A could hold the ten months
    # left in two runs, and the floor would be 24.
    problem_ = _beside_agreed("2027-03", "2027-05", max_secondments_per_person=2)
    built = build_model(problem_)
    mip = SecondmentMip.of(built.model)
    assert mip is not None
    optimum = mip.optimum(built.tiers[0], 10)
    assert optimum is not None and optimum.proven
    assert optimum.value == 28 == vacant(plan_for(problem_))
