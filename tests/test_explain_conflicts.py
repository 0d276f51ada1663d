"""Why no plan exists: each conflict names its rule and a minimal set of fixed secondments."""

from __future__ import annotations

from rotation.domain import Problem, Secondment
from rotation.explain import find_conflicts
from rotation.explain.feasibility import plan_exists
from rotation.replan import prepare_replan
from tests.factory import agency, candidate, grade, m, post, problem, secondment


def without(prob: Problem, gone: Secondment) -> Problem:
    """The problem with one fixed secondment taken off the Existing sheet."""
    kept = tuple(s for s in prob.existing if s != gone)
    return prob.model_copy(update={"existing": kept})


def assert_minimal(prob: Problem, core: tuple[Secondment, ...]) -> None:
    """No plan exists, and dropping any one secondment of the core lets one exist."""
    assert plan_exists(prob, 10, workers=1) is False
    for element in core:
        smaller = without(prob, element)
        assert find_conflicts(smaller).plan_exists, element
        assert plan_exists(smaller, 10, workers=1) is True, element


def test_three_staff_out_over_a_limit_of_two_names_r8_and_the_three() -> None:
    # HC may have 2 out; A, B and C overlap in 2027-06..2027-08. D (2028) is no part of it.
    prob = problem(posts=[post(f"P{i}") for i in range(1, 5)],
                   candidates=[candidate(x) for x in "ABCD"],
                   existing=[secondment("A", "P1", "2027-04", "2027-09"),
                             secondment("B", "P2", "2027-06", "2027-11"),
                             secondment("C", "P3", "2027-05", "2027-08"),
                             secondment("D", "P4", "2028-01", "2028-03")],
                   max_secondees_per_agency=4)
    report = find_conflicts(prob)
    [conflict] = report.conflicts
    assert conflict.rule == "R8" and conflict.over_by == 1
    assert sorted(s.person for s in conflict.secondments) == ["A", "B", "C"]
    assert "3 staff out in 2027-06..2027-08" in str(conflict)
    assert "raise Agency HC's max_concurrent to 3" in str(conflict)
    assert_minimal(prob, conflict.secondments)


def test_two_agreed_secondments_overlapping_in_a_post_name_r1() -> None:
    prob = problem(candidates=[candidate("A"), candidate("B")],
                   existing=[secondment("A", "P1", "2027-04", "2027-09"),
                             secondment("B", "P1", "2027-06", "2027-11")])
    [conflict] = find_conflicts(prob).conflicts
    assert conflict.rule == "R1"
    assert "post P1 has 2 holders in 2027-06..2027-09" in conflict.message
    assert_minimal(prob, conflict.secondments)


def test_a_grade_that_does_not_fit_names_r2_and_the_one_secondment() -> None:
    prob = problem(posts=[post("P1"), post("P2", min_level=7, max_level=7)],
                   candidates=[candidate("A"), candidate("B")],
                   existing=[secondment("A", "P1", "2027-04", "2027-09"),
                             secondment("B", "P2", "2027-04", "2027-09")])
    [conflict] = find_conflicts(prob).conflicts
    assert conflict.rule == "R2" and [s.person for s in conflict.secondments] == ["B"]
    assert "takes grade level 7" in conflict.message
    assert_minimal(prob, conflict.secondments)


def test_a_budget_conflict_is_shrunk_to_the_secondments_that_overspend() -> None:
    # HC's budget is £30,000 a year at £3,800 a month. In 2027/28: A 6 months (£22,800),
    # B 6 months (£22,800), C 3 months (£11,400): A and B alone overspend (£45,600), and so
    # do A and C (£34,200) or B and C; any two of them are a minimal core, never all three.
    prob = problem(posts=[post("P1"), post("P2"), post("P3")],
                   candidates=[candidate(x) for x in "ABC"],
                   agencies=[agency("HC", max_concurrent=3, backfill_budget=30_000)],
                   existing=[secondment("A", "P1", "2027-04", "2027-09"),
                             secondment("B", "P2", "2027-10", "2028-03"),
                             secondment("C", "P3", "2027-04", "2027-06")],
                   max_secondees_per_agency=3)
    [conflict] = find_conflicts(prob).conflicts
    assert conflict.rule == "R10" and len(conflict.secondments) == 2
    assert "2027/28" in conflict.message and "raise Agency HC's backfill_budget" in str(conflict)
    assert_minimal(prob.model_copy(update={"existing": conflict.secondments}),
                   conflict.secondments)


def test_two_handovers_in_one_month_over_a_limit_of_one_name_r7() -> None:
    # Two posts; in each an agreed handover starts in 2027-09 (A→B in P1, C→D in P2).
    prob = problem(posts=[post("P1"), post("P2")],
                   candidates=[candidate(x, agency=a, grade=g) for x, a, g in
                               (("A", "HC", "HC8"), ("B", "HC", "HC8"),
                                ("C", "NHS", "Band 6"), ("D", "NHS", "Band 6"))],
                   existing=[secondment("A", "P1", "2027-04", "2027-09"),
                             secondment("B", "P1", "2027-09", "2028-02"),
                             secondment("C", "P2", "2027-04", "2027-09"),
                             secondment("D", "P2", "2027-09", "2028-02")])
    [conflict] = find_conflicts(prob).conflicts
    assert conflict.rule == "R7"
    assert sorted(s.person for s in conflict.secondments) == ["A", "B", "C", "D"]
    assert "raise max_handovers_per_month to 2" in str(conflict)
    assert_minimal(prob, conflict.secondments)


def test_rows_of_the_input_are_named() -> None:
    prob = problem(candidates=[candidate("A").model_copy(update={"row": 4}),
                               candidate("B").model_copy(update={"row": 5})],
                   agencies=[agency("HC", max_concurrent=1).model_copy(update={"row": 2}),
                             agency("NHS")],
                   posts=[post("P1"), post("P2")],
                   existing=[secondment("A", "P1", "2027-04", "2027-09"),
                             secondment("B", "P2", "2027-06", "2027-11")])
    prob = prob.model_copy(update={"existing": tuple(
        s.model_copy(update={"row": row}) for s, row in zip(prob.existing, (7, 9), strict=True))})
    [conflict] = find_conflicts(prob).conflicts
    assert "(Existing rows 7 and 9; the limit is on Agencies row 2)" in str(conflict)


def test_frozen_secondments_are_named_by_their_row_in_the_previous_plan() -> None:
    prob = problem(candidates=[candidate("A"), candidate("B")],
                   existing=[secondment("A", "P1", "2027-04", "2027-09")])
    previous = [secondment("B", "P1", "2027-06", "2027-11").model_copy(update={"row": 3})]
    replan = prepare_replan(prob, previous, m("2028-01"))
    [conflict] = find_conflicts(replan.problem, replan.added).conflicts
    assert "frozen from the previous plan, its Secondments row 3" in conflict.where


def test_separate_conflicts_are_listed_separately_and_counted_beyond_the_limit() -> None:
    prob = problem(posts=[post("P1"), post("P2", min_level=7, max_level=7)],
                   candidates=[candidate(x) for x in "ABC"],
                   existing=[secondment("A", "P1", "2027-04", "2027-09"),
                             secondment("B", "P1", "2027-06", "2027-11"),
                             secondment("C", "P2", "2027-05", "2027-08")],
                   agencies=[agency("HC", max_concurrent=3)], max_secondees_per_agency=3)
    report = find_conflicts(prob)
    assert [c.rule for c in report.conflicts] == ["R1", "R2"]
    short = find_conflicts(prob, most=1)
    assert len(short.conflicts) == 1 and short.more == 1
    assert short.lines()[-1].startswith("... and 1 more")


def test_no_conflict_when_the_fixed_secondments_keep_every_rule() -> None:
    prob = problem(candidates=[candidate("A"), candidate("B")],
                   existing=[secondment("A", "P1", "2027-04", "2027-09"),
                             secondment("B", "P1", "2027-09", "2028-02")])
    assert find_conflicts(prob).plan_exists


def test_a_back_to_back_pair_is_named_but_a_bridge_may_still_exist() -> None:
    # A ends 2027-06 and B starts 2027-07 in P1 with a 1-month overlap required (R6). With
    # secondments of 2+ months, C can bridge them (2027-06..2027-07): a plan exists. With 3+
    # months no bridge fits, and none does.
    fixed = [secondment("A", "P1", "2027-04", "2027-06"),
             secondment("B", "P1", "2027-07", "2027-10")]
    people = [candidate("A"), candidate("B"), candidate("C", agency="NHS", grade="Band 6")]
    bridged = problem(candidates=people, existing=fixed, min_secondment_months=2,
                      agencies=[agency("HC"), agency("NHS")], grades=[
                          grade("HC", "HC8"), grade("NHS", "Band 6")],
                      max_handovers_per_month=2)
    [conflict] = find_conflicts(bridged).conflicts
    assert conflict.rule == "R6"
    assert plan_exists(bridged, 10, workers=1) is True
    stuck = bridged.model_copy(update={"settings": bridged.settings.model_copy(
        update={"min_secondment_months": 3})})
    assert plan_exists(stuck, 10, workers=1) is False
