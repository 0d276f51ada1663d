"""The Highland sample: faithful to the board papers, valid, and identical to the shipped file."""

from __future__ import annotations

from pathlib import Path

import pytest

from rotation.checker import check_plan
from rotation.io.reader import read_problem
from rotation.samples import highland_problem, main
from rotation.solver import SolveOptions, solve
from rotation.validation import validate_problem

HIGHLAND_AREAS = {
    "CS": "Caithness and Sutherland",
    "EMR": "East and Mid Ross",
    "SWL": "Skye, Wester Ross and Lochaber",
    "NBS": "Nairn and Badenoch and Strathspey",
    "INV": "Inverness",
}


def test_shipped_workbook_reads_back_as_the_sample(highland_path: Path) -> None:
    """inputs/highland.xlsx can never drift from highland_problem(): regenerate it if this fails,
    with ``python -m rotation.samples inputs/highland.xlsx``."""
    read, _warnings = read_problem(highland_path)
    assert read == highland_problem()


def test_regenerating_writes_a_workbook_that_reads_back_as_the_sample(tmp_path: Path) -> None:
    target = tmp_path / "highland.xlsx"
    assert main([str(target)]) == 0
    read, _warnings = read_problem(target)
    assert read == highland_problem()


def test_regenerating_without_a_path_explains_the_usage(capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    assert main([]) == 2
    assert "python -m rotation.samples" in capsys.readouterr().err


def test_sample_is_valid_and_warns_about_the_three_who_fit_no_post() -> None:
    findings = validate_problem(highland_problem())
    assert [f for f in findings if f.severity == "error"] == []
    unplaceable = {f.message.split()[0] for f in findings
                   if f.severity == "warning" and "fits no post" in f.message}
    # Two at level 7 (too senior for an officer post) and one without community engagement.
    assert unplaceable == {"P06", "P11", "P19"}


def test_sample_has_the_team_of_the_december_2021_report() -> None:
    problem = highland_problem()
    officers = {p.post: p for p in problem.posts if p.role == "Partnership Officer"}
    assert {post: p.area for post, p in officers.items()} == HIGHLAND_AREAS
    assert all((p.min_level, p.max_level, p.funding) == (5, 6, "seconded")
               for p in officers.values())
    manager = problem.post_by_id["PDM"]
    assert (manager.area, manager.min_level, manager.max_level, manager.funding) == (
        "Inverness", 7, 7, "funded")
    assert set(problem.agency_by_code) == {"HC", "NHS", "POL", "SFRS", "HIE"}
    settings = problem.settings
    assert settings.plan_name == "Highland Partnership Officer rotation"
    assert (problem.horizon.start, settings.horizon_months) == (2027 * 12 + 3, 36)


def test_sample_costs_match_the_options_appraisal() -> None:
    """Five officers (HC8) and the manager (HC10) ~ £290,000 a year; the manager ~ £60,000."""
    grades = {(g.agency, g.grade): g for g in highland_problem().grades}
    officer = grades[("HC", "HC8")].monthly_cost * 12
    manager = grades[("HC", "HC10")].monthly_cost * 12
    assert 5 * officer + manager == pytest.approx(290_000, rel=0.01)
    assert manager == pytest.approx(60_000, rel=0.02)
    # Every agency has a grade at each level of the common scale, dearer as the level rises.
    for agency in ("HC", "NHS", "POL", "SFRS", "HIE"):
        costs = sorted((g.level, g.monthly_cost) for g in grades.values() if g.agency == agency)
        assert [level for level, _ in costs] == [5, 6, 7]
        assert costs[0][1] < costs[1][1] < costs[2][1]


def test_sample_travel_covers_every_ordered_pair_of_areas_both_ways_alike() -> None:
    problem = highland_problem()
    minutes = problem.travel_minutes_by_pair
    areas = set(HIGHLAND_AREAS.values())
    assert set(minutes) == {(a, b) for a in areas for b in areas if a != b}
    assert all(minutes[(a, b)] == minutes[(b, a)] for a, b in minutes)
    assert minutes[("Inverness", "East and Mid Ross")] < minutes[("Inverness", "Caithness and "
                                                                  "Sutherland")]


def test_existing_secondments_keep_every_rule_and_start_before_the_horizon() -> None:
    problem = highland_problem()
    assert len(problem.existing) == 2
    assert all(s.start < problem.settings.horizon_start for s in problem.existing)
    assert len({s.post for s in problem.existing}) == 2
    report = check_plan(problem, problem.existing)
    assert report.breaches == ()


@pytest.mark.slow
def test_sample_can_be_planned_with_every_post_covered_and_every_pledge_met() -> None:
    """The sample is hard enough that limits, budgets and staggering shape the plan, yet a plan
    with no vacancy and no pledge shortfall exists (the solver proves it in about 15 seconds)."""
    problem = highland_problem()
    result = solve(problem, SolveOptions(time_limit=90, seed=0, workers=4))
    assert result.has_plan
    report = check_plan(problem, result.secondments)
    assert report.breaches == ()
    assert report.goals.vacant_post_months == 0
    assert report.goals.pledge_shortfall_months == 0
