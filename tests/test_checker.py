"""The checker's rules R1–R12: for each, a plan that keeps it and a plan that breaks it.

Unless a test says otherwise the factory's defaults hold: horizon 2027-04..2028-03,
secondments 3..6 months, handover overlap 1, one handover a month, no cooling-off, one
secondment per person, team mix 2, agencies HC and NHS with a backfill limit of 2.
"""

from __future__ import annotations

from typing import Any

from rotation.checker import (
    FUNDING_CHECKS,
    RULE_CHECKS,
    check_plan,
    check_r1_one_holder,
    check_r2_grade,
    check_r3_skills,
    check_r4_availability,
    check_r5_length,
    check_r6_handover,
    check_r7_staggering,
    check_r8_backfill_limit,
    check_r9_team_mix,
    check_r10_backfill_budget,
    check_r11_person,
    check_r12_existing,
)
from rotation.domain import Problem, Secondment
from rotation.rules import RULES
from tests.factory import agency, candidate, grade, m, post, problem, secondment


def rules_broken(prob: Problem, plan: list[Secondment]) -> set[str]:
    """The ids of every rule the whole checker says the plan breaks."""
    return {breach.rule for breach in check_plan(prob, plan).breaches}


def only_message(prob: Problem, plan: list[Secondment], rule: str) -> str:
    """The single breach message of ``rule``, asserting no other rule is broken."""
    breaches = check_plan(prob, plan).breaches
    assert {b.rule for b in breaches} == {rule}, [str(b) for b in breaches]
    assert len(breaches) == 1, [str(b) for b in breaches]
    return breaches[0].message


def two_people(**overrides: Any) -> Problem:
    """Person A of HC and Person B of NHS, posts P1 and P2."""
    values: dict[str, Any] = {
        "posts": [post("P1"), post("P2")],
        "candidates": [candidate("A"), candidate("B", agency="NHS", grade="Band 6")],
    }
    values.update(overrides)
    return problem(**values)


def test_every_rule_has_a_check_in_rule_order() -> None:
    assert list(RULE_CHECKS) + list(FUNDING_CHECKS) == list(RULES)


# -- R1 one holder -----------------------------------------------------------------------
def test_r1_allows_two_holders_during_a_handover_overlap() -> None:
    plan = [secondment("A", "P1", "2027-04", "2027-09"),
            secondment("B", "P1", "2027-09", "2028-02")]
    assert check_r1_one_holder(two_people(), plan) == []
    assert rules_broken(two_people(), plan) == set()


def test_r1_three_holders_break_it_even_when_each_pair_hands_over() -> None:
    # A hands over to C in 2027-09 and C to B in the same month: each pair meets R6, yet
    # the post has three holders in 2027-09. Other limits are loosened so only R1 breaks.
    prob = problem(
        candidates=[candidate("A"), candidate("B", agency="NHS", grade="Band 6"),
                    candidate("C", agency="POL", grade="Sergeant")],
        agencies=[agency("HC"), agency("NHS"), agency("POL")],
        grades=[grade("HC", "HC8"), grade("NHS", "Band 6"), grade("POL", "Sergeant")],
        min_secondment_months=1, max_handovers_per_month=2)
    plan = [secondment("A", "P1", "2027-04", "2027-09"),
            secondment("C", "P1", "2027-09", "2027-09"),
            secondment("B", "P1", "2027-09", "2028-02")]
    message = only_message(prob, plan, "R1")
    assert "post P1 has 3 holders in 2027-09" in message
    assert "Person A" in message and "Person B" in message and "Person C" in message


def test_r1_two_holders_outside_a_handover_are_one_breach_over_the_span() -> None:
    plan = [secondment("A", "P1", "2027-04", "2027-09"),
            secondment("B", "P1", "2027-07", "2027-12")]
    breaches = check_r1_one_holder(two_people(), plan)
    assert len(breaches) == 1
    assert breaches[0].rule == "R1"
    assert "post P1 has 2 holders in 2027-07..2027-09" in breaches[0].message
    assert breaches[0].people == ("A", "B") and breaches[0].posts == ("P1",)
    # B should have started in 2027-09: R6 says so too.
    assert rules_broken(two_people(), plan) == {"R1", "R6"}


# -- R2 grade ----------------------------------------------------------------------------
def test_r2_holds_for_a_grade_in_the_band() -> None:
    prob = two_people(posts=[post("P1", min_level=4, max_level=6)])
    assert check_r2_grade(prob, [secondment("A", "P1", "2027-04", "2027-09")]) == []


def test_r2_breaks_for_a_grade_below_the_band() -> None:
    prob = problem(candidates=[candidate("A", grade="HC7")],
                   grades=[grade("HC", "HC7", level=4)],
                   posts=[post("P1", min_level=5, max_level=6)])
    message = only_message(prob, [secondment("A", "P1", "2027-04", "2027-09")], "R2")
    assert message == ("Person A (HC7, level 4) is placed in post P1 (2027-04..2027-09), "
                       "which takes grade level 5–6")


def test_r2_reports_an_unknown_person() -> None:
    message = only_message(two_people(), [secondment("Z", "P1", "2027-04", "2027-09")], "R2")
    assert message.startswith("cannot check the grade of an unknown person: Z")
    assert "post P1" in message and "2027-04..2027-09" in message


def test_r2_reports_a_grade_missing_from_the_grades_sheet() -> None:
    prob = problem(candidates=[candidate("A", grade="HC9")])
    message = only_message(prob, [secondment("A", "P1", "2027-04", "2027-09")], "R2")
    assert "grade HC9 of HC is not on the Grades sheet" in message


# -- R3 skills ---------------------------------------------------------------------------
def test_r3_compares_skills_without_regard_to_case() -> None:
    prob = problem(posts=[post("P1", skills=("Gaelic",))],
                   candidates=[candidate("A", skills=("gaelic", "Driving"))])
    assert check_r3_skills(prob, [secondment("A", "P1", "2027-04", "2027-09")]) == []


def test_r3_breaks_when_a_required_skill_is_missing() -> None:
    prob = problem(posts=[post("P1", skills=("Gaelic", "Driving"))],
                   candidates=[candidate("A", skills=("driving",))])
    message = only_message(prob, [secondment("A", "P1", "2027-04", "2027-09")], "R3")
    assert message == "Person A lacks Gaelic, which post P1 requires (2027-04..2027-09)"


# -- R4 availability ---------------------------------------------------------------------
def test_r4_holds_inside_availability_and_post_existence() -> None:
    prob = problem(posts=[post("P1", start="2027-05", end="2027-12")],
                   candidates=[candidate("A", available_from="2027-05",
                                         available_to="2027-10", excluded_areas=("Area P2",))])
    assert check_r4_availability(prob, [secondment("A", "P1", "2027-05", "2027-10")]) == []


def test_r4_breaks_before_the_person_is_available() -> None:
    prob = problem(candidates=[candidate("A", available_from="2027-06")])
    message = only_message(prob, [secondment("A", "P1", "2027-04", "2027-09")], "R4")
    assert message == ("Person A is available only from 2027-06, but is placed in post P1 "
                       "in 2027-04..2027-05")


def test_r4_breaks_outside_the_months_the_post_exists() -> None:
    prob = problem(posts=[post("P1", end="2027-07")])
    message = only_message(prob, [secondment("A", "P1", "2027-04", "2027-09")], "R4")
    assert "post P1 exists only until 2027-07" in message and "2027-08..2027-09" in message


def test_r4_breaks_in_an_excluded_area() -> None:
    prob = problem(candidates=[candidate("A", excluded_areas=("Area P1",))])
    message = only_message(prob, [secondment("A", "P1", "2027-04", "2027-09")], "R4")
    assert "Person A has excluded the area Area P1" in message


def test_r4_breaks_in_a_funded_post() -> None:
    prob = problem(posts=[post("P1", funding="funded")])
    message = only_message(prob, [secondment("A", "P1", "2027-04", "2027-09")], "R4")
    assert message.startswith("post P1 is funded directly and not open to secondees")


def test_r4_reports_an_unknown_post() -> None:
    message = only_message(two_people(), [secondment("A", "P9", "2027-04", "2027-09")], "R4")
    assert message == ("Person A in post P9 (2027-04..2027-09): post P9 is not on the "
                       "Posts sheet")


# -- R5 length ---------------------------------------------------------------------------
def test_r5_holds_for_lengths_in_range_and_a_short_one_running_to_the_end() -> None:
    plan = [secondment("A", "P1", "2027-04", "2027-09"),  # 6 months, the longest
            secondment("B", "P2", "2028-02", "2028-03")]  # 2 months, but runs to the end
    assert check_r5_length(two_people(), plan) == []


def test_r5_breaks_when_too_long() -> None:
    message = only_message(two_people(), [secondment("A", "P1", "2027-04", "2027-10")], "R5")
    assert message == ("Person A in post P1 (2027-04..2027-10) lasts 7 months, longer than "
                       "the longest secondment of 6 months")


def test_r5_breaks_beyond_the_persons_own_limit() -> None:
    prob = problem(candidates=[candidate("A", max_months=4)])
    message = only_message(prob, [secondment("A", "P1", "2027-04", "2027-08")], "R5")
    assert "lasts 5 months, longer than Person A's own limit of 4 months" in message


def test_r5_breaks_when_too_short_and_ending_before_the_last_month() -> None:
    message = only_message(two_people(), [secondment("A", "P1", "2027-04", "2027-05")], "R5")
    assert "lasts 2 months, shorter than the shortest secondment of 3 months" in message


def test_r5_breaks_for_a_new_secondment_outside_the_horizon() -> None:
    message = only_message(two_people(), [secondment("A", "P1", "2027-02", "2027-06")], "R5")
    assert "reaches outside the planned months 2027-04..2028-03" in message


def test_r5_breaks_for_a_secondment_ending_before_it_starts() -> None:
    message = only_message(two_people(), [secondment("A", "P1", "2027-09", "2027-04")], "R5")
    assert message == "Person A in post P1 ends (2027-04) before starting (2027-09)"


def test_r5_the_existing_flag_alone_does_not_excuse_months_outside_the_horizon() -> None:
    flagged = secondment("A", "P1", "2027-02", "2027-06", existing=True)
    assert {b.rule for b in check_r5_length(two_people(), [flagged])} == {"R5"}


# -- R6 handover -------------------------------------------------------------------------
def test_r6_holds_for_a_one_month_overlap_and_after_a_vacant_month() -> None:
    plan = [secondment("A", "P1", "2027-04", "2027-09"),
            secondment("B", "P1", "2027-09", "2028-02"),
            secondment("A", "P2", "2027-04", "2027-06"),
            secondment("B", "P2", "2027-08", "2027-12")]  # 2027-07 vacant between them
    assert check_r6_handover(two_people(max_secondments_per_person=2), plan) == []


def test_r6_breaks_back_to_back_when_an_overlap_is_required() -> None:
    plan = [secondment("A", "P1", "2027-04", "2027-09"),
            secondment("B", "P1", "2027-10", "2028-03")]
    message = only_message(two_people(), plan, "R6")
    assert message == ("in post P1, Person B starts in 2027-10 while Person A holds it until "
                       "2027-09: with a handover overlap of 1 month, Person B must start in "
                       "2027-09, or in 2027-11 or later after a vacant month")


def test_r6_with_no_overlap_back_to_back_holds_and_sharing_a_month_breaks() -> None:
    prob = two_people(handover_overlap_months=0)
    back_to_back = [secondment("A", "P1", "2027-04", "2027-09"),
                    secondment("B", "P1", "2027-10", "2028-03")]
    assert rules_broken(prob, back_to_back) == set()
    sharing = [secondment("A", "P1", "2027-04", "2027-09"),
               secondment("B", "P1", "2027-09", "2028-02")]
    assert rules_broken(prob, sharing) == {"R1", "R6"}
    [breach] = check_r6_handover(prob, sharing)
    assert "back to back, Person B must start in 2027-10" in breach.message


def test_r6_with_a_two_month_overlap() -> None:
    prob = two_people(handover_overlap_months=2)
    two_months = [secondment("A", "P1", "2027-04", "2027-09"),
                  secondment("B", "P1", "2027-08", "2028-01")]
    assert rules_broken(prob, two_months) == set()
    one_month = [secondment("A", "P1", "2027-04", "2027-09"),
                 secondment("B", "P1", "2027-09", "2028-02")]
    assert rules_broken(prob, one_month) == {"R1", "R6"}
    back_to_back = [secondment("A", "P1", "2027-04", "2027-09"),
                    secondment("B", "P1", "2027-10", "2028-03")]
    assert "must start in 2027-08" in only_message(prob, back_to_back, "R6")


def test_r6_a_follower_of_a_secondment_running_to_the_end_must_still_meet_the_equation() -> None:
    plan = [secondment("A", "P1", "2027-10", "2028-03"),
            secondment("B", "P1", "2028-01", "2028-03")]
    assert "R6" in rules_broken(two_people(), plan)


# -- R7 staggering -----------------------------------------------------------------------
def test_r7_holds_for_handovers_in_different_months() -> None:
    plan = [secondment("A", "P1", "2027-04", "2027-09"),
            secondment("B", "P1", "2027-09", "2028-02"),
            secondment("C", "P2", "2027-04", "2027-08"),
            secondment("D", "P2", "2027-08", "2028-01")]
    prob = four_people()
    assert check_r7_staggering(prob, plan) == []
    assert rules_broken(prob, plan) == set()


def test_r7_breaks_with_two_handovers_in_one_month() -> None:
    plan = [secondment("A", "P1", "2027-04", "2027-09"),
            secondment("B", "P1", "2027-09", "2028-02"),
            secondment("C", "P2", "2027-04", "2027-09"),
            secondment("D", "P2", "2027-09", "2028-02")]
    message = only_message(four_people(), plan, "R7")
    assert message == ("2 handovers start in 2027-09 (Person B takes over post P1 from Person A "
                       "and Person D takes over post P2 from Person C) but at most 1 may start "
                       "in one month")


def test_r7_a_fill_after_a_vacancy_is_not_a_handover() -> None:
    plan = [secondment("A", "P1", "2027-04", "2027-09"),
            secondment("B", "P1", "2027-09", "2028-02"),
            secondment("C", "P2", "2027-04", "2027-07"),
            secondment("D", "P2", "2027-09", "2028-02")]
    assert check_r7_staggering(four_people(), plan) == []


def four_people() -> Problem:
    """A and C of HC, B and D of NHS, posts P1 and P2."""
    return problem(posts=[post("P1"), post("P2")],
                   candidates=[candidate("A"), candidate("B", agency="NHS", grade="Band 6"),
                               candidate("C"), candidate("D", agency="NHS", grade="Band 6")])


# -- R8 backfill limit -------------------------------------------------------------------
def test_r8_holds_at_the_limit() -> None:
    prob = problem(posts=[post("P1"), post("P2")], candidates=[candidate("A"), candidate("B")])
    plan = [secondment("A", "P1", "2027-04", "2027-09"),
            secondment("B", "P2", "2027-06", "2027-11")]
    assert check_r8_backfill_limit(prob, plan) == []


def test_r8_breaks_over_the_limit_as_one_breach_per_span() -> None:
    prob = problem(posts=[post("P1"), post("P2")], candidates=[candidate("A"), candidate("B")],
                   agencies=[agency("HC", name="Highland Council", max_concurrent=1)])
    plan = [secondment("A", "P1", "2027-04", "2027-09"),
            secondment("B", "P2", "2027-06", "2027-11")]
    message = only_message(prob, plan, "R8")
    assert message == ("Highland Council has 2 staff out in 2027-06..2027-09 (Person A, "
                       "Person B) but its limit is 1")


def test_r8_counts_handover_overlap_months() -> None:
    prob = problem(candidates=[candidate("A"), candidate("B")],
                   agencies=[agency("HC", max_concurrent=1)])
    plan = [secondment("A", "P1", "2027-04", "2027-09"),
            secondment("B", "P1", "2027-09", "2028-02")]
    assert "2 staff out in 2027-09 " in only_message(prob, plan, "R8")


# -- R9 team mix -------------------------------------------------------------------------
def test_r9_breaks_over_the_team_mix_cap() -> None:
    prob = problem(posts=[post("P1"), post("P2")], candidates=[candidate("A"), candidate("B")],
                   max_secondees_per_agency=1)
    plan = [secondment("A", "P1", "2027-04", "2027-09"),
            secondment("B", "P2", "2027-06", "2027-11")]
    message = only_message(prob, plan, "R9")
    assert message == ("the team has 2 secondees from Agency HC in 2027-06..2027-09 (Person A, "
                       "Person B) but at most 1 may come from one agency")
    prob_at_cap = problem(posts=[post("P1"), post("P2")],
                          candidates=[candidate("A"), candidate("B")])
    assert check_r9_team_mix(prob_at_cap, plan) == []


# -- R10 backfill budget -----------------------------------------------------------------
def test_r10_holds_at_exactly_the_budget() -> None:
    # 12 months at £3,800 = £45,600 in 2027/28.
    prob = problem(posts=[post("P1"), post("P2")], candidates=[candidate("A"), candidate("B")],
                   agencies=[agency("HC", backfill_budget=45600)])
    plan = [secondment("A", "P1", "2027-04", "2027-09"),
            secondment("B", "P2", "2027-04", "2027-09")]
    assert check_r10_backfill_budget(prob, plan) == []


def test_r10_allows_half_a_penny_of_rounding() -> None:
    prob = problem(posts=[post("P1"), post("P2")], candidates=[candidate("A"), candidate("B")],
                   agencies=[agency("HC", backfill_budget=45599.996)])
    plan = [secondment("A", "P1", "2027-04", "2027-09"),
            secondment("B", "P2", "2027-04", "2027-09")]
    assert check_r10_backfill_budget(prob, plan) == []


def test_r10_breaks_over_the_budget() -> None:
    prob = problem(posts=[post("P1"), post("P2")], candidates=[candidate("A"), candidate("B")],
                   agencies=[agency("HC", backfill_budget=45599.99)])
    plan = [secondment("A", "P1", "2027-04", "2027-09"),
            secondment("B", "P2", "2027-04", "2027-09")]
    message = only_message(prob, plan, "R10")
    assert message == ("Agency HC's backfill in 2027/28 costs £45,600.00 (Person A 6 months, "
                       "Person B 6 months) but its budget is £45,599.99 a year")


def test_r10_applies_the_full_budget_to_each_financial_year() -> None:
    # Horizon 2027-10..2028-09; 2028-01..2028-06 is 3 months in 2027/28 and 3 in 2028/29,
    # £11,400 in each year.
    plan = [secondment("A", "P1", "2028-01", "2028-06")]
    within = problem(horizon_start=m("2027-10"), agencies=[agency("HC", backfill_budget=11400)])
    assert check_r10_backfill_budget(within, plan) == []
    over = problem(horizon_start=m("2027-10"), agencies=[agency("HC", backfill_budget=11000)])
    breaches = check_r10_backfill_budget(over, plan)
    assert [b.message.split(" costs")[0] for b in breaches] == [
        "Agency HC's backfill in 2027/28", "Agency HC's backfill in 2028/29"]


# -- R11 person --------------------------------------------------------------------------
def test_r11_holds_within_the_allowance_and_after_cooling_off() -> None:
    prob = two_people(max_secondments_per_person=2, cooling_off_months=2)
    plan = [secondment("A", "P1", "2027-04", "2027-06"),
            secondment("A", "P2", "2027-09", "2027-12")]
    assert check_r11_person(prob, plan) == []


def test_r11_breaks_over_the_allowance() -> None:
    plan = [secondment("A", "P1", "2027-04", "2027-06"),
            secondment("A", "P2", "2027-08", "2027-10")]
    message = only_message(two_people(), plan, "R11")
    assert message == ("Person A has 2 secondments (post P1 2027-04..2027-06, post P2 "
                       "2027-08..2027-10) but at most 1 allowed per person")


def test_r11_breaks_inside_the_cooling_off() -> None:
    prob = two_people(max_secondments_per_person=2, cooling_off_months=2)
    plan = [secondment("A", "P1", "2027-04", "2027-06"),
            secondment("A", "P2", "2027-08", "2027-12")]
    message = only_message(prob, plan, "R11")
    assert message == ("Person A starts in post P2 in 2027-08, 1 month after leaving post P1 in "
                       "2027-06; with 2 months of cooling-off the next secondment may start in "
                       "2027-09 at the earliest")


def test_r11_breaks_for_two_secondments_at_once() -> None:
    prob = two_people(max_secondments_per_person=2)
    plan = [secondment("A", "P1", "2027-04", "2027-09"),
            secondment("A", "P2", "2027-06", "2027-11")]
    message = only_message(prob, plan, "R11")
    assert message.startswith("Person A holds two secondments at once in 2027-06..2027-09")


def test_r11_cooling_off_counts_existing_months_before_the_horizon() -> None:
    # The Existing secondment ended 2027-03; with 3 months of cooling-off, 2027-07 is the
    # earliest A may start again.
    before = secondment("A", "P1", "2026-10", "2027-03")
    prob = two_people(existing=[before], max_secondments_per_person=2, cooling_off_months=3)
    agreed = prob.existing[0]
    assert "R11" in rules_broken(prob, [agreed, secondment("A", "P2", "2027-06", "2027-09")])
    assert "R11" not in rules_broken(prob, [agreed, secondment("A", "P2", "2027-07", "2027-10")])


# -- R12 existing ------------------------------------------------------------------------
def test_r12_holds_when_existing_secondments_are_kept() -> None:
    prob = two_people(existing=[secondment("A", "P1", "2027-01", "2027-06")])
    assert rules_broken(prob, list(prob.existing)) == set()


def test_r12_breaks_when_an_existing_secondment_is_dropped() -> None:
    prob = two_people(existing=[secondment("A", "P1", "2027-01", "2027-06")])
    message = only_message(prob, [], "R12")
    assert message == ("the agreed secondment of Person A in post P1 (2027-01..2027-06) is "
                       "not in the plan")


def test_r12_breaks_when_an_existing_secondment_is_changed() -> None:
    prob = two_people(existing=[secondment("A", "P1", "2027-04", "2027-06")])
    changed = [secondment("A", "P1", "2027-04", "2027-08", existing=True)]
    message = only_message(prob, changed, "R12")
    assert message.endswith("is not in the plan: the plan has it as 2027-04..2027-08")
    assert check_r12_existing(prob, [secondment("A", "P1", "2027-04", "2027-06")]) == []


def test_r11_names_a_start_straight_after_the_last_secondment() -> None:
    prob = two_people(max_secondments_per_person=2, cooling_off_months=1)
    plan = [secondment("A", "P1", "2027-04", "2027-06"),
            secondment("A", "P2", "2027-07", "2027-12")]
    message = only_message(prob, plan, "R11")
    assert "starts in post P2 in 2027-07, straight after leaving post P1 in 2027-06" in message
