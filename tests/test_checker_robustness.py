"""The checker stands apart from the solver and survives any plan a person might type in."""

from __future__ import annotations

import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from rotation.checker import check_plan, plan_breaches
from rotation.domain import Secondment
from rotation.rules import RULES
from tests.factory import agency, candidate, grade, m, post, problem, secondment

PROBLEM = problem(
    posts=[post("P1", skills=("Gaelic",)), post("P2", end="2027-12"), post("P3", funding="funded"),
           post("P4", min_level=6, max_level=6)],
    candidates=[candidate("A", skills=("Gaelic",), preferred_areas=("Area P1",)),
                candidate("B", agency="NHS", grade="Band 6", available_from="2027-06"),
                candidate("C", max_months=4, excluded_areas=("Area P2",)),
                candidate("D", agency="POL", grade="Sergeant")],
    agencies=[agency("HC", max_concurrent=1, backfill_budget=20000, pledged_months=12),
              agency("NHS", pledged_months=6)],
    grades=[grade("HC", "HC8"), grade("NHS", "Band 6", level=6)],
    existing=[secondment("A", "P1", "2026-10", "2027-06")],
    max_secondments_per_person=2, cooling_off_months=2, max_secondment_months=12)


def test_the_checker_never_imports_ortools_or_the_solver() -> None:
    code = ("import sys, rotation.checker, rotation.checker.vacancies; "
            "bad = sorted(n for n in sys.modules "
            "if n.startswith(('ortools', 'rotation.solver'))); print(bad)")
    result = subprocess.run([sys.executable, "-W", "ignore", "-c", code],
                            capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_existing_secondments_reaching_both_sides_of_the_horizon_are_accepted() -> None:
    # A started before the horizon and B runs past its end: 15 and 9 months, within the
    # 23-month maximum; only their months in 2027-04..2028-03 count for cover and cost.
    prob = problem(posts=[post("P1"), post("P2")],
                   candidates=[candidate("A"), candidate("B", agency="NHS", grade="Band 6")],
                   existing=[secondment("A", "P1", "2026-01", "2027-03"),
                             secondment("B", "P2", "2027-10", "2028-06")],
                   max_secondment_months=23)
    report = check_plan(prob, list(prob.existing))
    assert report.breaches == ()
    # P1 is vacant all 12 months (A left in 2027-03); P2 for 2027-04..2027-09 (6).
    assert report.goals.vacant_post_months == 18
    assert report.goals.backfill_cost == 6 * 3800.0


def test_a_hand_edited_plan_with_unknown_ids_is_reported_not_crashed() -> None:
    plan = [secondment("Nobody", "P1", "2027-04", "2027-09"),
            secondment("A", "Nowhere", "2027-04", "2027-09"),
            *PROBLEM.existing]
    report = check_plan(PROBLEM, plan)
    messages = {b.rule: b.message for b in report.breaches}
    assert "unknown person: Nobody" in messages["R2"]
    assert "post Nowhere is not on the Posts sheet" in messages["R4"]


secondments = st.builds(
    Secondment,
    person=st.sampled_from(["A", "B", "C", "D", "Nobody"]),
    post=st.sampled_from(["P1", "P2", "P3", "P4", "Nowhere"]),
    start=st.integers(m("2026-06"), m("2028-09")),
    end=st.integers(m("2026-06"), m("2028-09")),
    existing=st.booleans(),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(secondments, max_size=8))
def test_any_plan_gets_a_report_with_known_rules_and_sane_goals(plan: list[Secondment]) -> None:
    report = check_plan(PROBLEM, plan)
    assert {b.rule for b in report.breaches} <= set(RULES)
    assert all(b.message for b in report.breaches)
    goals = report.goals
    assert 0 <= goals.vacant_post_months <= 12 + 9 + 12  # P1, P2 (to 2027-12) and P4
    assert goals.vacant_post_months == sum(v.months for v in report.vacancies)
    assert all(v.reason for v in report.vacancies)
    assert min(goals.pledge_shortfall_months, goals.preference_penalty, goals.travel_minutes,
               goals.handovers) >= 0
    assert goals.backfill_cost >= 0
    # Shuffling the plan changes nothing the checker says.
    assert check_plan(PROBLEM, list(reversed(plan))) == report
    # The breaches alone, as the solver asks for them, are the report's.
    assert plan_breaches(PROBLEM, plan) == report.breaches
