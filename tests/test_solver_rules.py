"""The solver keeps every hard rule, R1–R12: one tiny instance per rule where breaking the rule
would pay, with the optimum worked out by hand. Every plan also passes the independent checker
with the same goal terms.

Factory defaults (tests/factory.py): 12 months from 2027-04 (one financial year), secondments
3..6 months, overlap 1, one handover a month, no cooling-off, one secondment per person,
agencies HC and NHS with a backfill limit of 2, every grade level 5 at £3,800 a month.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from rotation.checker import check_plan
from rotation.domain import Problem, Secondment
from rotation.plan import SolveResult
from rotation.solver import SolveOptions, solve
from tests.factory import agency, candidate, grade, m, post, problem, secondment


def plan_for(problem_: Problem, time_limit: float = 10.0) -> SolveResult:
    """Solve; any plan must pass the independent checker with the same goal terms."""
    result = solve(problem_, SolveOptions(time_limit=time_limit, workers=2, seed=0))
    if result.has_plan:
        report = check_plan(problem_, result.secondments)
        assert report.ok, [str(breach) for breach in report.breaches]
        assert report.goals == result.goals
    return result


def vacant(result: SolveResult) -> int:
    """Vacant post-months of a solved plan."""
    assert result.goals is not None
    return result.goals.vacant_post_months


def holders(secondments: Sequence[Secondment], post_id: str, month: int) -> list[Secondment]:
    """The secondments covering a post in a month."""
    return [s for s in secondments if s.post == post_id and s.covers(month)]


def test_r1_one_holder_allows_two_only_in_a_handover_month() -> None:
    # HC and NHS each pledge all 6 months of one 6-month post: two holders all along would
    # meet both pledges, but R1 allows a second holder only in the single handover month.
    # Best: A then B with one month of overlap, 7 secondee-months, 12 - 7 = 5 short.
    result = plan_for(problem(
        candidates=[candidate("A"), candidate("B", agency="NHS", grade="Band 6")],
        agencies=[agency("HC", pledged_months=6), agency("NHS", pledged_months=6)],
        horizon_months=6, min_secondment_months=1))
    assert result.status == "OPTIMAL"
    assert vacant(result) == 0
    assert result.goals is not None and result.goals.pledge_shortfall_months == 5
    for month in range(m("2027-04"), m("2027-10")):
        both = holders(result.secondments, "P1", month)
        assert len(both) <= 2
        if len(both) == 2:
            first, second = sorted(both, key=lambda s: s.start)
            assert second.start == first.end == month  # overlap 1: B.start = A.end


def test_r1_one_holder_without_overlap_means_one_a_month() -> None:
    # Overlap 0: two people of 6 months each fill 12 months back to back, never together.
    result = plan_for(problem(candidates=[candidate("A"), candidate("B")],
                              handover_overlap_months=0))
    assert result.status == "OPTIMAL"
    assert vacant(result) == 0
    assert all(len(holders(result.secondments, "P1", t)) == 1
               for t in range(m("2027-04"), m("2028-04")))


def test_r2_grade_keeps_people_outside_the_band_out() -> None:
    # Only B (level 5) fits the 5..5 band; A (HC10, level 7) would fill the rest of the year.
    # B alone covers 6 months at most: 6 vacant.
    result = plan_for(problem(
        candidates=[candidate("A", grade="HC10"), candidate("B")],
        grades=[grade("HC", "HC8"), grade("HC", "HC10", level=7), grade("NHS", "Band 6")]))
    assert vacant(result) == 6
    assert {s.person for s in result.secondments} == {"B"}


def test_r3_skills_are_required_and_compared_case_insensitively() -> None:
    # The post needs Gaelic: A has "gaelic" (fits), B has none. A covers 6 months: 6 vacant.
    result = plan_for(problem(
        posts=[post("P1", skills=("Gaelic",))],
        candidates=[candidate("A", skills=("gaelic",)), candidate("B")]))
    assert vacant(result) == 6
    assert {s.person for s in result.secondments} == {"A"}


def test_r4_availability_limits_the_months() -> None:
    # A is free 2027-07..2027-10 only: 4 months, the rest of the year vacant (8).
    result = plan_for(problem(candidates=[candidate("A", available_from="2027-07",
                                                    available_to="2027-10")]))
    assert vacant(result) == 8
    (only,) = result.secondments
    assert (only.start, only.end) == (m("2027-07"), m("2027-10"))


def test_r4_availability_respects_the_posts_life_excluded_areas_and_funding() -> None:
    # P1 exists from 2027-10 (6 months); A excludes P2's area; P3 is funded (no secondee,
    # never vacant). A fills P1 for its 6 months: nothing vacant but P2's 12 months.
    result = plan_for(problem(
        posts=[post("P1", start="2027-10"), post("P2"), post("P3", funding="funded")],
        candidates=[candidate("A", excluded_areas=("Area P2",))]))
    assert vacant(result) == 12
    (only,) = result.secondments
    assert (only.post, only.start, only.end) == ("P1", m("2027-10"), m("2028-03"))


def test_r5_length_caps_and_minimum() -> None:
    # A may serve 4 months at most (personal cap); B is free for 2 months mid-year, fewer than
    # the minimum of 3, so never placed. A's 4 months leave 8 vacant.
    result = plan_for(problem(candidates=[
        candidate("A", max_months=4),
        candidate("B", available_from="2027-08", available_to="2027-09")]))
    assert vacant(result) == 8
    (only,) = result.secondments
    assert only.person == "A" and only.months == 4


def test_r5_length_a_run_to_the_horizon_end_may_be_shorter() -> None:
    # A is free for the last 2 months only: too short, but running to the end it is kept
    # (taken to continue). 10 vacant.
    result = plan_for(problem(candidates=[candidate("A", available_from="2028-02")]))
    assert vacant(result) == 10
    (only,) = result.secondments
    assert (only.start, only.end) == (m("2028-02"), m("2028-03"))


def test_r6_handover_forbids_back_to_back_when_overlap_is_required() -> None:
    # Two people of 6 months could fill 12 months back to back, but overlap 1 makes B start
    # in A's last month: one month is left vacant (or a gap) — 1 vacant post-month.
    result = plan_for(problem(candidates=[candidate("A"), candidate("B")]))
    assert vacant(result) == 1
    first, second = sorted(result.secondments, key=lambda s: s.start)
    assert second.start == first.end or second.start > first.end + 1


def test_r6_handover_overlaps_by_exactly_the_setting() -> None:
    # Overlap 2: each successor starts 2 months before the holder leaves. Three people of at
    # most 6 months: 1-6, 5-10, 9-12 cover the year.
    result = plan_for(problem(candidates=[candidate("A"), candidate("B"), candidate("C")],
                              handover_overlap_months=2))
    assert vacant(result) == 0
    ordered = sorted(result.secondments, key=lambda s: (s.start, s.end))
    for before, after in itertools.pairwise(ordered):
        if after.start <= before.end + 1:
            assert after.start == before.end - 2 + 1


def test_r7_staggering_allows_one_handover_a_month() -> None:
    # Two posts. A1, A2 are free until 2027-09, B1, B2 from 2027-09: both posts would hand
    # over in 2027-09, but only one handover may start a month. The other post leaves 2027-09
    # vacant and B starts after the gap (not a handover): 1 vacant post-month.
    people = [candidate("A1", available_to="2027-09"), candidate("B1", available_from="2027-09"),
              candidate("A2", agency="NHS", grade="Band 6", available_to="2027-09"),
              candidate("B2", agency="NHS", grade="Band 6", available_from="2027-09")]
    result = plan_for(problem(posts=[post("P1"), post("P2")], candidates=people,
                              max_secondment_months=7))
    assert result.status == "OPTIMAL"
    assert vacant(result) == 1
    assert result.goals is not None and result.goals.handovers == 1
    # With two handovers a month allowed, both posts hand over in 2027-09.
    relaxed = plan_for(problem(posts=[post("P1"), post("P2")], candidates=people,
                               max_secondment_months=7, max_handovers_per_month=2))
    assert vacant(relaxed) == 0


def test_r8_backfill_limit() -> None:
    # Two posts, both people from HC, whose limit is 1: one secondee at a time, each for at
    # most 6 months, so 12 of the 24 post-months are vacant.
    result = plan_for(problem(posts=[post("P1"), post("P2")],
                              candidates=[candidate("A"), candidate("B")],
                              agencies=[agency("HC", max_concurrent=1), agency("NHS")]))
    assert vacant(result) == 12
    for month in range(m("2027-04"), m("2028-04")):
        assert sum(1 for s in result.secondments if s.covers(month)) <= 1


def test_r9_team_mix() -> None:
    # As R8, but the agency's own limit is 2 and the team-mix cap is 1: 12 vacant.
    result = plan_for(problem(posts=[post("P1"), post("P2")],
                              candidates=[candidate("A"), candidate("B")],
                              max_secondees_per_agency=1))
    assert vacant(result) == 12


def test_r10_backfill_budget() -> None:
    # HC can afford 4 months (£15,200) in the financial year 2027/28, which is the horizon:
    # one 4-month secondment, 8 vacant.
    result = plan_for(problem(candidates=[candidate("A"), candidate("B")],
                              agencies=[agency("HC", backfill_budget=15200.0), agency("NHS")]))
    assert vacant(result) == 8
    assert result.goals is not None and result.goals.backfill_cost == 15200.0


def test_r11_person_cooling_off_between_secondments() -> None:
    # A, free 2027-04..2027-12, may have 2 secondments of at most 3 months, 3 months apart:
    # 04-06, then 10-12 — 6 months held, 6 vacant.
    result = plan_for(problem(candidates=[candidate("A", available_to="2027-12")],
                              max_secondment_months=3, max_secondments_per_person=2,
                              cooling_off_months=3))
    assert vacant(result) == 6
    first, second = sorted(result.secondments, key=lambda s: s.start)
    assert second.start >= first.end + 1 + 3
    # With 4 months' cooling-off the second would start in 2027-11 and be cut short at 2027-12
    # (2 months, below the minimum): only one secondment, 9 vacant.
    stricter = plan_for(problem(candidates=[candidate("A", available_to="2027-12")],
                                max_secondment_months=3, max_secondments_per_person=2,
                                cooling_off_months=4))
    assert vacant(stricter) == 9


def test_r11_person_never_holds_two_posts_at_once() -> None:
    # One person, two posts, two secondments allowed: never both at once, so at most 12 of
    # the 24 post-months (6 + 6) are held: 12 vacant.
    result = plan_for(problem(posts=[post("P1"), post("P2")], candidates=[candidate("A")],
                              max_secondments_per_person=2))
    assert vacant(result) == 12
    for month in range(m("2027-04"), m("2028-04")):
        assert sum(1 for s in result.secondments if s.covers(month)) <= 1


def test_r12_existing_secondments_are_kept_as_agreed() -> None:
    # A's agreed secondment runs 2027-01..2027-06 (3 months before the horizon, 6 months in
    # all). B takes over in 2027-06 (overlap 1) until 2027-11, C from 2027-11: nothing vacant.
    agreed = secondment("A", "P1", "2027-01", "2027-06")
    result = plan_for(problem(candidates=[candidate("A"), candidate("B"), candidate("C")],
                              existing=[agreed]))
    assert vacant(result) == 0
    kept = [s for s in result.secondments if s.existing]
    assert [(s.person, s.post, s.start, s.end) for s in kept] == [
        ("A", "P1", m("2027-01"), m("2027-06"))]
    follower = min((s for s in result.secondments if not s.existing), key=lambda s: s.start)
    assert follower.start == m("2027-06")


def test_r12_an_existing_secondment_that_breaks_a_rule_makes_the_problem_infeasible() -> None:
    # HC may have one person out at a time, but two agreed secondments overlap in 2027-05.
    result = plan_for(problem(
        posts=[post("P1"), post("P2")], candidates=[candidate("A"), candidate("B")],
        agencies=[agency("HC", max_concurrent=1), agency("NHS")],
        existing=[secondment("A", "P1", "2027-04", "2027-06"),
                  secondment("B", "P2", "2027-05", "2027-07")]))
    assert result.status == "INFEASIBLE"
    assert not result.secondments
    assert any(line.startswith("R8 backfill limit") and "2027-05" in line
               for line in result.conflicts), result.conflicts


def test_infeasibility_found_by_the_search_names_the_conflicting_rules() -> None:
    # Agreed: A ends 2027-06 and B starts 2027-07 in the same post, back to back although an
    # overlap of 1 is required. Only a third person holding 2027-06..2027-07 (2 months, below
    # the minimum of 3) could bridge them, so R5 and R6 together with the agreed secondments
    # (R12) conflict; dropping any one of them allows a plan.
    result = plan_for(problem(
        candidates=[candidate("A"), candidate("B"), candidate("C")],
        existing=[secondment("A", "P1", "2027-04", "2027-06"),
                  secondment("B", "P1", "2027-07", "2027-10")]))
    assert result.status == "INFEASIBLE"
    named = {line.split(":")[0] for line in result.conflicts}
    assert {"R5 length", "R6 handover", "R12 existing"} <= named, result.conflicts
    assert "R8 backfill limit" not in named
