"""Funded posts: the cost rule, R13 funded officer, R14 central budget, and solver and checker
agreeing on tiny hand-worked cases.

Defaults (tests.factory): a 12-month horizon from 2027-04, secondments 3..6 months, grades at
level 5 costing £3,800 a month, HC and NHS with a limit of 2.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from openpyxl import load_workbook

from rotation.appraisal.scenarios import board_options
from rotation.checker import check_plan
from rotation.domain import FundedStretch, Problem
from rotation.funded_posts import (
    direct_cost,
    funded_month_count,
    funded_monthly_pence,
    host_agency,
    implied_stretches,
)
from rotation.io.funded_reader import read_funded
from rotation.io.plan_writer import write_plan
from rotation.plan import SolveResult
from rotation.samples import highland_problem
from rotation.solver import SolveOptions, solve
from rotation.solver.model import build_model
from rotation.solver.secondment_mip import SecondmentMip
from rotation.validation import validate_problem
from tests.factory import agency, candidate, grade, m, post, problem, secondment

solve_module = importlib.import_module("rotation.solver.solve")


def stretch(post_id: str, start: str, end: str) -> FundedStretch:
    return FundedStretch(post=post_id, start=m(start), end=m(end))


def solved(problem_: Problem) -> SolveResult:
    """Solve; the plan must pass the checker with the same goal terms."""
    result = solve(problem_, SolveOptions(time_limit=10, workers=2, seed=0))
    assert result.has_plan, result.conflicts
    report = check_plan(problem_, result.secondments, funded=result.funded)
    assert report.ok, [str(b) for b in report.breaches]
    assert report.goals == result.goals
    return result


def short_candidate_problem(**settings: object) -> Problem:
    """One ``either`` post; A can serve only 2027-04..2027-09 (6 months, the longest)."""
    return problem(posts=[post("P1", funding="either")],
                   candidates=[candidate("A", available_to="2027-09")], **settings)


# -- the cost rule ---------------------------------------------------------------------------
def test_a_funded_officer_costs_the_host_agencys_grade_at_the_posts_top_level() -> None:
    grades = [grade("HC", "HC7", level=4, monthly_cost=3000.0),
              grade("HC", "HC8", level=5, monthly_cost=3800.0),
              grade("NHS", "Band 6", level=5, monthly_cost=3900.0)]
    prob = problem(grades=grades, posts=[post("P1", min_level=4, max_level=5)])
    assert host_agency(prob) == "HC"
    assert funded_monthly_pence(prob, prob.posts[0]) == 380_000
    nhs_hosts = problem(grades=grades, posts=[post("P1", min_level=4, max_level=5)],
                        host_agency="NHS")
    assert funded_monthly_pence(nhs_hosts, nhs_hosts.posts[0]) == 390_000


def test_without_a_host_grade_at_that_level_the_dearest_grade_there_prices_it() -> None:
    grades = [grade("HC", "HC8", level=5), grade("NHS", "Band 7", level=6, monthly_cost=4870.0),
              grade("POL", "Inspector", level=6, monthly_cost=5060.0)]
    prob = problem(grades=grades, agencies=[agency("HC"), agency("NHS"), agency("POL")],
                   posts=[post("M", min_level=6, max_level=6)])
    assert funded_monthly_pence(prob, prob.posts[0]) == 506_000


def test_without_hc_the_first_agency_hosts() -> None:
    prob = problem(agencies=[agency("NHS"), agency("POL")], grades=[grade("NHS", "Band 6")],
                   candidates=[candidate("A", agency="NHS", grade="Band 6")])
    assert host_agency(prob) == "NHS"


def test_highland_options_cost_what_the_board_papers_say() -> None:
    # Option 1 funds all six posts: five officers at HC8 (£3,845) and the manager at HC10
    # (£4,943) make £290,016 a year. Option 2 funds the manager alone: £59,316 a year.
    highland = highland_problem()
    a_year = {p.post: funded_monthly_pence(highland, p) * 12 / 100 for p in highland.posts}
    assert sum(a_year.values()) == pytest.approx(290_000, rel=0.05)
    assert a_year["PDM"] == pytest.approx(60_000, rel=0.05)


# -- funded posts ----------------------------------------------------------------------------
def test_a_funded_post_is_funded_in_every_month_it_exists() -> None:
    prob = problem(posts=[post("P1"), post("M", funding="funded", start="2027-07")])
    assert implied_stretches(prob) == [stretch("M", "2027-07", "2028-03")]
    assert funded_month_count(prob, []) == 9
    assert direct_cost(prob, []) == 9 * 3800


def test_an_either_post_is_funded_only_where_no_secondee_can_cover_it() -> None:
    # A covers the first 6 months (the longest secondment); the last 6 are funded.
    result = solved(short_candidate_problem())
    assert result.secondments == (secondment("A", "P1", "2027-04", "2027-09"),)
    assert result.funded == (stretch("P1", "2027-10", "2028-03"),)
    assert result.goals is not None
    assert (result.goals.vacant_post_months, result.goals.funded_months,
            result.goals.direct_cost) == (0, 6, 6 * 3800)


def test_the_central_budget_limits_the_funded_months() -> None:
    # £11,400 a year buys 3 funded months; the other 3 uncovered months stay vacant.
    result = solved(short_candidate_problem(central_budget=11_400))
    assert result.goals is not None
    assert (result.goals.vacant_post_months, result.goals.funded_months) == (3, 3)
    assert sum(s.months for s in result.funded) == 3
    report = check_plan(short_candidate_problem(central_budget=11_400), result.secondments,
                        funded=result.funded)
    assert "the central budget of £11,400.00 a year is spent in 2027/28 (R14)" in \
        report.vacancies[0].reason


def test_funded_posts_beyond_the_central_budget_leave_no_plan() -> None:
    prob = problem(posts=[post("M", funding="funded")], candidates=[candidate("A")],
                   central_budget=1000)
    result = solve(prob, SolveOptions(time_limit=5, workers=1))
    assert result.status == "INFEASIBLE"
    assert any(line.startswith("R14 central budget") for line in result.conflicts)


# -- the checker -----------------------------------------------------------------------------
def rules_broken(prob: Problem, funded: list[FundedStretch], plan: tuple = ()) -> list[str]:
    return [b.rule for b in check_plan(prob, list(plan), funded=funded).breaches]


def test_r13_a_funded_officer_only_in_a_post_open_to_funding() -> None:
    prob = problem(posts=[post("P1"), post("P2", funding="either")])
    assert rules_broken(prob, [stretch("P1", "2027-04", "2027-06")]) == ["R13"]
    assert rules_broken(prob, [stretch("P2", "2027-04", "2027-06")]) == []
    assert rules_broken(prob, [stretch("P9", "2027-04", "2027-06")]) == ["R13"]


def test_r13_not_outside_the_horizon_or_the_posts_life() -> None:
    prob = problem(posts=[post("P1", funding="either", end="2027-12")])
    assert rules_broken(prob, [stretch("P1", "2027-10", "2028-01")]) == ["R13"]
    assert rules_broken(prob, [stretch("P1", "2027-01", "2027-04")]) == ["R13"]


def test_r13_never_alongside_a_secondee_or_another_funded_officer() -> None:
    prob = problem(posts=[post("P1", funding="either")], candidates=[candidate("A")])
    plan = (secondment("A", "P1", "2027-04", "2027-09"),)
    # Back to back is how a funded officer hands over: allowed.
    assert rules_broken(prob, [stretch("P1", "2027-10", "2028-03")], plan) == []
    assert rules_broken(prob, [stretch("P1", "2027-09", "2028-03")], plan) == ["R13"]
    assert rules_broken(prob, [stretch("P1", "2027-10", "2027-12"),
                               stretch("P1", "2027-12", "2028-03")], plan) == ["R13"]


def test_r14_funded_cost_within_the_central_budget_each_financial_year() -> None:
    prob = problem(posts=[post("P1", funding="either")], central_budget=11_400)
    assert rules_broken(prob, [stretch("P1", "2027-04", "2027-06")]) == []
    breaches = check_plan(prob, [], funded=[stretch("P1", "2027-04", "2027-07")]).breaches
    assert [b.rule for b in breaches] == ["R14"]
    assert "£15,200.00 in 2027/28" in breaches[0].message


def test_funded_months_are_covered_not_vacant() -> None:
    prob = problem(posts=[post("P1", funding="either")])
    report = check_plan(prob, [], funded=[stretch("P1", "2027-04", "2027-09")])
    assert report.goals.vacant_post_months == 6
    assert [(v.first, v.last) for v in report.vacancies] == [(m("2027-10"), m("2028-03"))]


# -- the workbook ----------------------------------------------------------------------------
def test_the_funded_sheet_reads_back_and_checks_the_same(tmp_path: Path) -> None:
    prob = short_candidate_problem()
    result = solved(prob)
    report = check_plan(prob, result.secondments, funded=result.funded)
    path = tmp_path / "plan.xlsx"
    write_plan(path, prob, result, report, [], "0" * 64)
    funded = read_funded(path, prob)
    assert [(s.post, s.start, s.end) for s in funded] == [
        (s.post, s.start, s.end) for s in result.funded]
    assert check_plan(prob, result.secondments, funded=funded) == report
    book = load_workbook(path)
    schedule = {row[0]: row for row in book["Schedule"].iter_rows(min_row=3, values_only=True)}
    assert schedule["P1"][2:] == ("Person A",) * 6 + ("funded",) * 6
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert (summary["funded_months"], summary["direct_cost"]) == (6, 22_800)
    backfill = [row for row in book["Backfill"].iter_rows(values_only=True)]
    assert ("2027/28", 6, 22_800, None, None, None, "no budget set") in [
        row[:7] for row in backfill]


def test_host_agency_must_be_on_the_agencies_sheet() -> None:
    findings = validate_problem(problem(host_agency="HCC"))
    assert [(f.severity, f.location.sheet if f.location else None) for f in findings
            if "host_agency" in f.message] == [("error", "Settings")]
    assert "did you mean 'HC'" in next(f.message for f in findings if "host_agency" in f.message)


# -- the hand plan and the relaxation ----------------------------------------------------------
def test_the_hand_plan_funds_the_months_its_secondees_leave_vacant() -> None:
    plan = (secondment("A", "P1", "2027-04", "2027-09"),)
    given = short_candidate_problem()
    hand = solve_module.HandPlan.of(given, plan)
    assert hand.funded == (stretch("P1", "2027-10", "2028-03"),)
    assert (hand.goals.vacant_post_months, hand.goals.funded_months) == (0, 6)
    assert check_plan(given, plan, funded=hand.funded).ok
    # £11,400 a year buys three months: the hand plan funds the first three it can
    budgeted = short_candidate_problem(central_budget=11_400)
    hand = solve_module.HandPlan.of(budgeted, plan)
    assert hand.funded == (stretch("P1", "2027-10", "2027-12"),)
    assert (hand.goals.vacant_post_months, hand.goals.funded_months) == (3, 3)
    assert check_plan(budgeted, plan, funded=hand.funded).ok
    assert "R14" in rules_broken(budgeted, [stretch("P1", "2027-10", "2028-01")], plan)


def test_the_hand_plan_pays_the_funded_posts_first_and_funds_the_cheaper_post() -> None:
    # M is funded all year at £3,800 a month (£45,600); £50,000 leaves £4,400: one month of
    # the cheaper either post (level 4, £3,000), none of the dearer (£3,800)
    grades = [grade("HC", "HC7", level=4, monthly_cost=3000.0), grade("HC", "HC8")]
    given = problem(posts=[post("M", funding="funded"),
                           post("P1", funding="either"),
                           post("P2", funding="either", min_level=4, max_level=4)],
                    grades=grades, candidates=[], central_budget=50_000)
    hand = solve_module.HandPlan.of(given, ())
    assert hand.funded == (stretch("M", "2027-04", "2028-03"), stretch("P2", "2027-04", "2027-04"))
    assert check_plan(given, (), funded=hand.funded).ok


def test_a_problem_with_either_posts_starts_from_a_hand_plan() -> None:
    # Option 2 on the Highland sample (officer posts seconded or funded): the hand plan is
    # reported first, and the search starts from it (before, it started from nothing)
    option = next(s for s in board_options(highland_problem()) if s.name == "Option 2")
    reported: list[int] = []
    result = solve(option.problem, SolveOptions(time_limit=30, workers=2),
                   lambda progress: reported.append(progress.stage))
    assert reported[0] == 0
    assert result.status == "OPTIMAL"
    assert check_plan(option.problem, result.secondments, funded=result.funded).ok


def _covered_by_secondees_alone() -> Problem:
    """One ``either`` post for 11 months; A and B (at most 6 months each) can cover all of it
    with a handover month, so no month need be funded."""
    return problem(posts=[post("P1", funding="either")],
                   candidates=[candidate("A"), candidate("B", agency="NHS", grade="Band 6")],
                   horizon_months=11)


@pytest.mark.parametrize("at_floor", [True, False])
def test_the_relaxation_holds_the_either_posts_months_by_secondees_or_funded_officers(
        at_floor: bool) -> None:
    given = _covered_by_secondees_alone()
    built = build_model(given)
    mip = SecondmentMip.of(built.model)
    assert mip is not None
    tiers = {tier.goal: tier for tier in built.tiers}
    mip.keep(tiers["cover"], 0)
    funding = tiers["funding"].total.lowest
    mip.keep(tiers["funding"], funding if at_floor else funding + 380_001)
    optimum = mip.optimum(tiers["balance"], 10)
    assert optimum is not None and optimum.proven
    best = round(solved(given).objective * tiers["balance"].scale)
    if at_floor:  # the post is held by A and B, as in every plan that funds nothing
        assert optimum.value == best
    else:  # one month may be funded: the secondees hold the other ten
        assert 0 < optimum.value < best


@pytest.mark.parametrize(("budget", "vacant", "funded"), [(None, 0, 6), (11_400, 3, 3)])
def test_the_relaxation_funds_what_the_central_budget_allows(
        budget: float | None, vacant: int, funded: int) -> None:
    # A can hold the post six months of twelve: the other six are funded, or three of them
    # on a budget for three a year (R14); the relaxation's optima are the solve's
    given = short_candidate_problem(central_budget=budget)
    built = build_model(given)
    mip = SecondmentMip.of(built.model)
    assert mip is not None
    tiers = {tier.goal: tier for tier in built.tiers}
    cover = mip.optimum(tiers["cover"], 10)
    assert cover is not None and cover.proven and cover.value == vacant
    mip.keep(tiers["cover"], cover.value)
    funding = mip.optimum(tiers["funding"], 10)
    assert funding is not None and funding.proven
    assert funding.value == funded * (380_000 + 1)  # each month's pence, and a penny
    assert sum(s.months for s in funding.funded) == funded
    result = solved(given)
    assert result.goals is not None
    assert (result.goals.vacant_post_months, result.goals.funded_months) == (vacant, funded)
