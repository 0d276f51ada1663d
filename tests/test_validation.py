"""Validation of a parsed Problem: one failing and one passing case per check."""

from __future__ import annotations

from typing import TypeVar

from rotation import validation
from rotation.domain import Problem, Record
from rotation.findings import Finding, Location
from rotation.validation import Unread, validate_problem
from tests.factory import agency, candidate, grade, m, post, problem, secondment, travel

R = TypeVar("R", bound=Record)


def _where(findings: list[Finding]) -> list[tuple[str, int | None, str | None]]:
    return [(f.location.sheet, f.location.row, f.location.column) for f in findings
            if f.location is not None]


def _rowed(records: list[R], first_row: int = 2) -> list[R]:
    """Records numbered as consecutive spreadsheet rows."""
    return [r.model_copy(update={"row": first_row + i}) for i, r in enumerate(records)]


def test_the_default_problem_has_no_findings() -> None:
    assert validate_problem(problem()) == []


# -- duplicates ------------------------------------------------------------------------------

def test_duplicate_ids_are_errors_on_the_later_row() -> None:
    spoilt = problem(
        agencies=_rowed([agency("HC"), agency("NHS"), agency("HC")]),
        grades=_rowed([grade("HC", "HC8"), grade("NHS", "HC8"), grade("HC", "HC8")]),
        posts=_rowed([post("P1"), post("P1")]),
        candidates=_rowed([candidate("A"), candidate("A")]),
        travel_times=_rowed([travel("X", "Area P1", 5), travel("X", "Area P1", 6)]),
        existing=_rowed([secondment("A", "P1", "2027-04", "2027-06")] * 2),
    )
    findings = validation.check_duplicate_ids(spoilt)
    assert _where(findings) == [("Agencies", 4, "agency"), ("Grades", 4, "agency"),
                                ("Posts", 3, "post"), ("Candidates", 3, "person"),
                                ("Travel", 3, "from_area"), ("Existing", 3, "person")]
    assert "agency 'HC' is listed twice (first on row 2)" in findings[0].message
    assert "'HC / HC8'" in findings[1].message


def test_distinct_ids_are_not_duplicates() -> None:
    assert validation.check_duplicate_ids(problem(
        grades=[grade("HC", "Band 6"), grade("NHS", "Band 6")],
        travel_times=[travel("X", "Y", 5), travel("Y", "X", 5)])) == []


# -- references ------------------------------------------------------------------------------

def test_an_unknown_agency_is_an_error_with_a_suggestion() -> None:
    spoilt = problem(grades=_rowed([grade("HC", "HC8"), grade("POL", "Sergeant")]),
                     candidates=_rowed([candidate("A", agency="nhs")]))
    findings = validation.check_unknown_agencies(spoilt, Unread())
    assert _where(findings) == [("Grades", 3, "agency"), ("Candidates", 2, "agency")]
    assert "did you mean 'NHS'?" in findings[1].message


def test_a_known_or_unreadable_agency_is_not_unknown() -> None:
    fine = problem(candidates=[candidate("A", agency="POL")])
    assert validation.check_unknown_agencies(fine, Unread(agencies=frozenset({"POL"}))) == []
    assert validation.check_unknown_agencies(problem(), Unread()) == []


def test_a_grade_not_listed_for_the_candidates_agency_is_an_error() -> None:
    spoilt = problem(candidates=_rowed([candidate("A", agency="HC", grade="Band 6")]))
    findings = validation.check_unknown_grades(spoilt, Unread())
    assert _where(findings) == [("Candidates", 2, "grade")]
    assert "not on the Grades sheet for agency HC (its grades: 'HC8')" in findings[0].message


def test_a_listed_grade_is_known() -> None:
    assert validation.check_unknown_grades(problem(), Unread()) == []


def test_unknown_areas_are_errors() -> None:
    spoilt = problem(
        candidates=_rowed([candidate("A", preferred_areas=("Area P2",),
                                     excluded_areas=("Nowhere",), home_area="Atlantis")]),
        travel_times=_rowed([travel("Area P1", "Area P9", 30)]),
    )
    findings = validation.check_unknown_areas(spoilt, Unread())
    assert _where(findings) == [("Candidates", 2, "preferred_areas"),
                                ("Candidates", 2, "excluded_areas"),
                                ("Candidates", 2, "home_area"), ("Travel", 2, "to_area")]
    assert "did you mean 'Area P1'?" in findings[0].message


def test_known_areas_and_a_home_area_with_travel_rows_are_fine() -> None:
    fine = problem(
        candidates=[candidate("A", preferred_areas=("Area P1",), home_area="Moray")],
        travel_times=[travel("Moray", "Area P1", 45)],
    )
    assert validation.check_unknown_areas(fine, Unread()) == []


def test_an_existing_row_for_an_unknown_person_or_post_is_an_error() -> None:
    spoilt = problem(existing=_rowed([secondment("Z", "P9", "2027-04", "2027-09")]))
    assert _where(validation.check_existing_references(spoilt, Unread())) == [
        ("Existing", 2, "person"), ("Existing", 2, "post")]


def test_an_existing_row_for_a_listed_person_and_post_is_fine() -> None:
    fine = problem(existing=[secondment("A", "P1", "2027-04", "2027-09")])
    assert validation.check_existing_references(fine, Unread()) == []


# -- ranges ----------------------------------------------------------------------------------

def test_months_the_wrong_way_round_are_errors() -> None:
    spoilt = problem(
        candidates=_rowed([candidate("A", available_from="2028-01", available_to="2027-06")]),
        posts=_rowed([post("P1", start="2028-01", end="2027-12")]),
        existing=_rowed([secondment("A", "P1", "2027-09", "2027-08")]),
    )
    findings = validation.check_month_order(spoilt)
    assert _where(findings) == [("Candidates", 2, "available_to"), ("Posts", 2, "end"),
                                ("Existing", 2, "end")]
    assert "available_from 2028-01 is after available_to 2027-06" in findings[0].message


def test_months_in_order_or_equal_are_fine() -> None:
    fine = problem(candidates=[candidate("A", available_from="2027-06", available_to="2027-06")],
                   posts=[post("P1", start="2027-04", end="2027-04")],
                   existing=[secondment("A", "P1", "2027-04", "2027-04")])
    assert validation.check_month_order(fine) == []


def test_a_level_band_upside_down_is_an_error() -> None:
    spoilt = problem(posts=_rowed([post("P1", min_level=7, max_level=5)]))
    assert _where(validation.check_level_bands(spoilt)) == [("Posts", 2, "max_level")]
    assert validation.check_level_bands(problem(posts=[post("P1", min_level=5,
                                                            max_level=7)])) == []


def test_a_minimum_secondment_above_the_maximum_is_an_error_on_its_settings_row() -> None:
    spoilt = problem(min_secondment_months=9, max_secondment_months=6)
    findings = validation.check_secondment_length_settings(spoilt, {"min_secondment_months": 5})
    assert [f.location for f in findings] == [Location("Settings", 5, "value")]
    assert validation.check_secondment_length_settings(
        problem(min_secondment_months=6, max_secondment_months=6), {}) == []


def test_an_area_both_preferred_and_excluded_is_an_error() -> None:
    spoilt = problem(candidates=_rowed([candidate("A", preferred_areas=("Area P1",),
                                                  excluded_areas=("Area P1",))]))
    assert _where(validation.check_preferred_and_excluded(spoilt)) == [
        ("Candidates", 2, "excluded_areas")]
    fine = problem(posts=[post("P1"), post("P2")],
                   candidates=[candidate("A", preferred_areas=("Area P1",),
                                         excluded_areas=("Area P2",))])
    assert validation.check_preferred_and_excluded(fine) == []


# -- warnings: who fits where ----------------------------------------------------------------

def _eligibility_warnings(spoilt: Problem) -> list[str]:
    return [f.message for f in validation.check_candidates_eligible(spoilt)]


def test_a_candidate_who_fits_no_post_is_warned_about_with_the_reason_per_post() -> None:
    spoilt = problem(
        posts=[post("P1", min_level=6, max_level=7), post("P2", skills=("Gaelic",)),
               post("P3"), post("P4", start="2027-04", end="2027-05"),
               post("P5", end="2027-07")],
        candidates=[candidate("A", excluded_areas=("Area P3",), available_from="2027-06")],
    )
    [message] = _eligibility_warnings(spoilt)
    assert "A (Person A) fits no post" in message
    assert "grade level 5 is outside the band 6..7 of P1" in message
    assert "lacks 'Gaelic', needed by P2" in message
    assert "excludes 'Area P3', the area of P3" in message
    assert "no month when they are available, the post exists and the horizon runs for P4" in (
        message)
    assert "only 2 month(s) (2027-06..2027-07), fewer than min_secondment_months 3 for P5" in (
        message)


def test_posts_sharing_a_reason_are_named_together() -> None:
    spoilt = problem(posts=[post("P1", min_level=6, max_level=7),
                            post("P2", min_level=6, max_level=7)])
    assert _eligibility_warnings(spoilt) == [
        "A (Person A) fits no post, so will not be seconded: grade level 5 is outside the band "
        "6..7 of P1, P2 (R2)"]


def test_a_candidate_who_fits_one_post_is_not_warned_about() -> None:
    fits = problem(posts=[post("P1", min_level=6, max_level=7),
                          post("P2", skills=("gaelic",), start="2028-01")],
                   candidates=[candidate("A", skills=("Gaelic",))])
    assert _eligibility_warnings(fits) == []


def test_a_short_window_that_runs_to_the_horizon_end_still_fits() -> None:
    # R5: a secondment running to the horizon's last month may be shorter than the minimum.
    fits = problem(candidates=[candidate("A", available_from="2028-02")])
    assert _eligibility_warnings(fits) == []


def test_when_every_post_is_funded_one_warning_says_so() -> None:
    assert _eligibility_warnings(problem(posts=[post("P1", funding="funded")])) == [
        "every post is funded: no one will be seconded"]


def test_a_post_no_candidate_can_fill_is_warned_about_with_counts() -> None:
    spoilt = problem(posts=_rowed([post("P1"), post("P2", skills=("Gaelic",), funding="either")]),
                     candidates=[candidate("A"), candidate("B", skills=("Gaelic",),
                                                           excluded_areas=("Area P2",))])
    findings = validation.check_posts_fillable(spoilt)
    assert _where(findings) == [("Posts", 3, "post")]
    assert "1 lack its skills, 1 exclude its area" in findings[0].message
    assert "funded directly or stay vacant" in findings[0].message


def test_a_post_someone_can_fill_or_outside_the_horizon_is_not_warned_about() -> None:
    fine = problem(posts=[post("P1"), post("P2", skills=("Gaelic",), start="2030-01")])
    assert validation.check_posts_fillable(fine) == []


# -- warnings: pledges and travel ------------------------------------------------------------

def test_a_pledge_the_backfill_limit_cannot_meet_is_warned_about() -> None:
    spoilt = problem(agencies=_rowed([agency("HC", max_concurrent=0, pledged_months=6),
                                      agency("NHS", max_concurrent=1, pledged_months=13)]))
    findings = validation.check_pledges_possible(spoilt)
    assert _where(findings) == [("Agencies", 2, "pledged_months"),
                                ("Agencies", 3, "pledged_months")]
    assert "max_concurrent is 0" in findings[0].message


def test_a_pledge_within_the_limit_is_fine() -> None:
    fine = problem(agencies=[agency("HC", max_concurrent=1, pledged_months=12),
                             agency("NHS", max_concurrent=0)])
    assert validation.check_pledges_possible(fine) == []


def test_a_missing_travel_pair_is_warned_about_once_not_per_person() -> None:
    spoilt = problem(posts=[post("P1"), post("P2")],
                     candidates=[candidate("A", home_area="Area P1"),
                                 candidate("B", home_area="Area P1")],
                     travel_times=[travel("Area P2", "Area P1", 30)])
    findings = validation.check_travel_pairs(spoilt)
    assert [f.message for f in findings] == [
        "no travel time from 'Area P1' to 'Area P2': it counts as 0 minutes (add a Travel row)"]


def test_no_travel_sheet_at_all_is_one_warning() -> None:
    spoilt = problem(posts=[post("P1"), post("P2")],
                     candidates=[candidate("A", home_area="Area P1"),
                                 candidate("B", home_area="Area P2")])
    assert len(validation.check_travel_pairs(spoilt)) == 1


def test_travel_within_an_area_or_fully_listed_needs_no_warning() -> None:
    fine = problem(posts=[post("P1"), post("P2")],
                   candidates=[candidate("A", home_area="Area P1")],
                   travel_times=[travel("Area P1", "Area P2", 30)])
    assert validation.check_travel_pairs(fine) == []


def test_candidates_with_an_unknown_grade_are_left_to_the_error() -> None:
    spoilt = problem(candidates=[candidate("A", grade="HC99")], grades=[grade("HC", "HC8")],
                     agencies=[agency("HC")])
    findings = validate_problem(spoilt)
    assert [f.severity for f in findings] == ["error", "warning"]  # the grade; P1 unfillable
    assert m("2027-04") == spoilt.settings.horizon_start


def test_a_reason_shared_by_many_posts_names_the_first_and_counts_the_rest() -> None:
    bands = [post(f"P{i}", min_level=6, max_level=7) for i in range(1, 10)]
    spoilt = problem(posts=[*bands, post("P10", skills=("Gaelic",))])
    assert _eligibility_warnings(spoilt) == [
        "A (Person A) fits no post, so will not be seconded: grade level 5 is outside the band "
        "6..7 of P1, P2, P3, P4, P5 and 4 other posts (R2); lacks 'Gaelic', needed by P10 (R3)"]
    assert _eligibility_warnings(problem(posts=bands)) == [
        "A (Person A) fits no post, so will not be seconded: grade level 5 is outside the band "
        "6..7 of all 9 posts (R2)"]


def test_many_skills_behind_the_misfits_are_given_as_one_reason() -> None:
    regional = [post(f"P{i}", skills=(f"region {i}",)) for i in range(1, 6)]
    spoilt = problem(posts=[post("P0", min_level=6, max_level=7), *regional])
    assert _eligibility_warnings(spoilt) == [
        "A (Person A) fits no post, so will not be seconded: grade level 5 is outside the band "
        "6..7 of P0 (R2); lacks a skill needed by P1, P2, P3, P4, P5 (R3)"]
    banded = [post(f"P{i}", min_level=5 + i, max_level=6 + i) for i in range(1, 5)]
    assert _eligibility_warnings(problem(posts=banded)) == [
        "A (Person A) fits no post, so will not be seconded: grade level 5 is outside the bands "
        "of P1, P2, P3, P4 (R2)"]
