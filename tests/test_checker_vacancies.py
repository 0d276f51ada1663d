"""The checker's vacancies: maximal vacant runs of each post, and why each is vacant.

Factory defaults: horizon 2027-04..2028-03, secondments 3..6 months, posts at level 5.
"""

from __future__ import annotations

from collections.abc import Sequence

from rotation.checker import find_vacancies
from rotation.months import format_span
from rotation.plan import Vacancy
from tests.factory import agency, candidate, grade, post, problem, secondment


def runs(vacancies: Sequence[Vacancy]) -> list[tuple[str, str]]:
    """(post, span) of each vacancy."""
    return [(v.post, format_span(v.first, v.last)) for v in vacancies]


def test_vacancies_are_maximal_runs_and_skip_funded_posts() -> None:
    prob = problem(posts=[post("P1"), post("P2", funding="funded")],
                   candidates=[candidate("A"), candidate("B")])
    plan = [secondment("A", "P1", "2027-06", "2027-09"),
            secondment("B", "P1", "2027-12", "2028-02")]
    assert runs(find_vacancies(prob, plan)) == [
        ("P1", "2027-04..2027-05"), ("P1", "2027-10..2027-11"), ("P1", "2028-03")]


def test_reason_when_no_grade_fits() -> None:
    prob = problem(posts=[post("P1", min_level=6, max_level=7)])
    [vacancy] = find_vacancies(prob, [])
    assert vacancy.reason == "no candidate fits: grade level (needs 6–7) rules out everyone"


def test_reason_when_grade_and_skills_rule_out_everyone() -> None:
    prob = problem(posts=[post("P1", skills=("Gaelic",))],
                   candidates=[candidate("A", grade="HC7"), candidate("B")],
                   grades=[grade("HC", "HC7", level=4), grade("HC", "HC8")])
    [vacancy] = find_vacancies(prob, [])
    assert vacancy.reason == ("no candidate fits: grade level (needs 5) or skills (needs "
                              "Gaelic) rule out everyone")


def test_reason_when_nobody_who_fits_is_available() -> None:
    prob = problem(candidates=[candidate("A", available_from="2027-10")])
    plan = [secondment("A", "P1", "2027-10", "2028-03")]
    [vacancy] = find_vacancies(prob, plan)
    assert format_span(vacancy.first, vacancy.last) == "2027-04..2027-09"
    assert vacancy.reason == "no candidate who fits (Person A) is available in these months"


def test_reason_when_candidates_are_placed_elsewhere_or_used_up() -> None:
    # A holds P1 for the whole run; B had a secondment already and may have only one.
    prob = problem(posts=[post("P1"), post("P2")],
                   candidates=[candidate("A"), candidate("B")])
    plan = [secondment("A", "P1", "2027-04", "2027-09"),
            secondment("B", "P1", "2027-10", "2028-03")]
    reasons = {format_span(v.first, v.last): v.reason for v in find_vacancies(prob, plan)}
    assert reasons["2027-04..2028-03"] == (
        "eligible candidates are all ruled out: placed elsewhere then (Person A, Person B)")


def test_reason_when_the_agency_is_at_its_backfill_limit() -> None:
    # HC may have one person out; A is out in P1, so C (HC) cannot take P2. A's own reason
    # is being placed elsewhere.
    prob = problem(posts=[post("P1"), post("P2")],
                   candidates=[candidate("A"), candidate("C")],
                   agencies=[agency("HC", max_concurrent=1)])
    plan = [secondment("A", "P1", "2027-04", "2027-09"),
            secondment("A", "P2", "2027-10", "2028-03")]
    reasons = {(v.post, format_span(v.first, v.last)): v.reason
               for v in find_vacancies(prob, plan)}
    assert reasons[("P2", "2027-04..2027-09")] == (
        "eligible candidates are all ruled out: placed elsewhere then (Person A); their "
        "agencies are at their backfill limit (HC 1/1)")


def test_reason_when_the_gap_is_shorter_than_the_shortest_secondment() -> None:
    prob = problem(candidates=[candidate("A"), candidate("B"), candidate("C")])
    plan = [secondment("A", "P1", "2027-04", "2027-08"),
            secondment("B", "P1", "2027-11", "2028-03")]
    [vacancy] = find_vacancies(prob, plan)
    assert vacancy.reason == ("the gap of 2 months is shorter than the shortest secondment of "
                              "3 months (R5), so nobody fits in between")


def test_reason_when_a_candidate_looks_free() -> None:
    prob = problem(candidates=[candidate("A"), candidate("B")])
    plan = [secondment("A", "P1", "2027-04", "2027-09")]
    [vacancy] = find_vacancies(prob, plan)
    assert vacancy.reason.startswith(
        "no reason found in the plan itself: candidates who fit look free (Person B)")
