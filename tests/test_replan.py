"""Replanning against a previous plan: freezing, dropping, the stability goal, the reasons."""

from __future__ import annotations

import pytest

from rotation.changes import changed_months
from rotation.checker import check_plan
from rotation.findings import InvalidInput
from rotation.replan import prepare_replan, replan_changes
from rotation.solver import SolveOptions, solve
from rotation.solver.model import build_model
from tests.factory import agency, candidate, m, post, problem, secondment

PREVIOUS = (secondment("A", "P1", "2027-04", "2027-09"),
            secondment("B", "P1", "2027-09", "2028-02"),
            secondment("C", "P2", "2027-06", "2027-11"))


def test_secondments_starting_before_the_freeze_month_become_existing() -> None:
    # A starts 2027-04 and C 2027-06, both before the freeze month 2027-07; B starts after.
    prob = problem(posts=[post("P1"), post("P2")],
                   candidates=[candidate("A"), candidate("B"), candidate("C")])
    replan = prepare_replan(prob, PREVIOUS, m("2027-07"))
    assert {(s.person, s.existing) for s in replan.problem.existing} == {("A", True), ("C", True)}
    assert [s.person for s in replan.frozen] == ["A", "C"]
    assert replan.dropped == ()


def test_a_frozen_secondment_already_on_the_existing_sheet_is_kept_once() -> None:
    prob = problem(posts=[post("P1"), post("P2")],
                   candidates=[candidate("A"), candidate("B"), candidate("C")],
                   existing=[secondment("A", "P1", "2027-04", "2027-09")])
    replan = prepare_replan(prob, PREVIOUS, m("2027-07"))
    assert sorted(s.person for s in replan.problem.existing) == ["A", "C"]
    assert [s.person for s in replan.added] == ["C"]


def test_a_previous_secondment_whose_person_is_gone_is_dropped_with_the_reason() -> None:
    prob = problem(posts=[post("P1"), post("P2")], candidates=[candidate("A"), candidate("C")])
    replan = prepare_replan(prob, PREVIOUS, m("2027-07"))
    assert [(d.secondment.person, d.reason) for d in replan.dropped] == [
        ("B", "B is no longer on the Candidates sheet")]
    assert [s.person for s in replan.baseline] == ["A", "C"]


def test_a_frozen_secondment_that_cannot_be_kept_is_an_input_error_naming_it() -> None:
    prob = problem(posts=[post("P1")], candidates=[candidate("A"), candidate("B")])
    with pytest.raises(InvalidInput) as caught:
        prepare_replan(prob, PREVIOUS, m("2027-07"))
    [finding] = caught.value.errors
    assert "C in post P2 (2027-06..2027-11)" in finding.message
    assert "post P2 is no longer on the Posts sheet" in finding.message
    assert finding.location is not None and finding.location.sheet == "Secondments"


def test_without_a_freeze_month_nothing_is_frozen() -> None:
    prob = problem(posts=[post("P1"), post("P2")],
                   candidates=[candidate("A"), candidate("B"), candidate("C")])
    replan = prepare_replan(prob, PREVIOUS)
    assert replan.frozen == () and replan.problem.existing == ()


def test_the_stability_goal_keeps_the_previous_plan_over_better_preferences() -> None:
    # One post, 12 months, secondments of 6..12 months. A prefers the post's area, B does not
    # (penalty 1 a month). The previous plan has B for all 12 months: cover is full either
    # way, so without a previous plan A is chosen (preferences), and with it B is kept
    # (stability outranks preferences): 0 changed months.
    prob = problem(posts=[post("P1")],
                   candidates=[candidate("A", preferred_areas=("Area P1",)),
                               candidate("B", preferred_areas=("Elsewhere",))],
                   min_secondment_months=6, max_secondment_months=12)
    previous = (secondment("B", "P1", "2027-04", "2028-03"),)
    fresh = solve(prob, SolveOptions(time_limit=10, workers=1))
    assert [s.person for s in fresh.secondments] == ["A"]
    kept = solve(prob, SolveOptions(time_limit=10, workers=1, previous=previous))
    assert [(s.person, s.start, s.end) for s in kept.secondments] == [
        ("B", m("2027-04"), m("2028-03"))]
    assert kept.goals is not None and kept.goals.changed_months == 0
    assert check_plan(prob, kept.secondments, previous).goals.changed_months == 0


def test_stability_never_costs_cover() -> None:
    # The previous plan left 2027-10..2028-03 vacant; a second candidate can fill it, so the
    # new plan adds them: 6 changed months (the newcomer's), counted alike by solver and checker.
    # Back to back (overlap 0), so that B can take 2027-10..2028-03 within 6 months.
    prob = problem(posts=[post("P1")], candidates=[candidate("A"), candidate("B")],
                   agencies=[agency("HC", max_concurrent=2)], handover_overlap_months=0)
    previous = (secondment("A", "P1", "2027-04", "2027-09"),)
    result = solve(prob, SolveOptions(time_limit=10, workers=1, previous=previous))
    assert result.goals is not None
    assert result.goals.vacant_post_months == 0
    assert result.goals.changed_months == changed_months(previous, result.secondments,
                                                         prob.horizon)
    report = check_plan(prob, result.secondments, previous)
    assert report.ok and report.goals.changed_months == result.goals.changed_months == 6


def test_weight_stability_zero_turns_the_stability_goal_off() -> None:
    prob = problem(weight_stability=0)
    goals = [tier.goal for tier in build_model(prob, previous=PREVIOUS[:1]).tiers]
    assert "stability" not in goals
    goals = [tier.goal for tier in build_model(problem(), previous=PREVIOUS[:1]).tiers]
    assert goals[-2:] == ["stability", "balance"]  # below cover and pledges, above the rest
    assert goals.index("pledges") < goals.index("stability")


def test_changes_carry_their_reasons() -> None:
    # B withdrew (dropped, reason known); A is frozen (kept); C is on the Existing sheet.
    prob = problem(posts=[post("P1"), post("P2")], candidates=[candidate("A"), candidate("C")],
                   existing=[secondment("C", "P2", "2027-06", "2027-11")])
    replan = prepare_replan(prob, PREVIOUS, m("2027-07"))
    new = (secondment("A", "P1", "2027-04", "2027-09"),
           secondment("C", "P2", "2027-06", "2027-11", existing=True))
    reasons = {(c.kind, c.person): c.reason for c in replan_changes(replan, new)}
    assert reasons == {("dropped", "B"): "B is no longer on the Candidates sheet",
                       ("kept", "A"): "frozen: it starts before the freeze month",
                       ("kept", "C"): "agreed: on the Existing sheet"}


def test_a_move_forced_by_a_new_limit_names_the_rule() -> None:
    # HC's limit fell to 1: the previous plan had A and B out together in 2027-09.
    prob = problem(posts=[post("P1")], candidates=[candidate("A"), candidate("B")],
                   agencies=[agency("HC", max_concurrent=1)])
    replan = prepare_replan(prob, PREVIOUS[:2])
    new = (secondment("A", "P1", "2027-04", "2027-09"),
           secondment("B", "P1", "2027-11", "2028-03"))
    moved = [c for c in replan_changes(replan, new) if c.kind == "moved"]
    assert [c.person for c in moved] == ["B"]
    assert moved[0].reason.startswith("the previous plan breaks R8 backfill limit")
