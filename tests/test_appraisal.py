"""The options appraisal: scenarios, ``rotation compare`` and ``rotation stress``.

The inputs are tiny so that each scenario solves in well under a second: a 12-month horizon,
secondments of 3 to 12 months, one officer post (level 5, £3,800 a month at HC8) and, for the
options, a manager post at level 6 (£4,900 a month at HC10) that no candidate fits.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from rotation.appraisal.scenarios import board_options, read_scenarios
from rotation.appraisal.stress import agency_seconds_nobody, run_stress
from rotation.cli import main
from rotation.domain import Problem
from rotation.findings import InvalidInput
from rotation.io.schema import SCENARIOS
from rotation.io.writer import write_problem
from rotation.solver import SolveOptions, solve
from tests.factory import agency, candidate, grade, post, problem, secondment

OPTIONS = SolveOptions(time_limit=10, workers=2, seed=0)


def options_problem() -> Problem:
    """A funded manager (M) and one officer post (P1) that A can hold all year."""
    return problem(
        posts=[post("M", role="Partnership Development Manager", min_level=6, max_level=6,
                    funding="funded"),
               post("P1")],
        grades=[grade("HC", "HC8"), grade("HC", "HC10", level=6, monthly_cost=4900.0),
                grade("NHS", "Band 6")],
        candidates=[candidate("A")],
        max_secondment_months=12)


def with_scenarios(path: Path, rows: list[tuple[object, ...]]) -> Path:
    """Add a Scenarios sheet with these rows under the schema's header."""
    book = load_workbook(path)
    sheet = book.create_sheet(SCENARIOS.name)
    sheet.append([c.name for c in SCENARIOS.columns])
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


@pytest.fixture
def options_input(tmp_path: Path) -> Path:
    path = tmp_path / "team.xlsx"
    write_problem(path, options_problem())
    return path


# -- scenarios -------------------------------------------------------------------------------
def test_the_board_options_change_only_the_posts_funding() -> None:
    prob = options_problem()
    first, second, third = board_options(prob)
    assert [p.funding for p in first.problem.posts] == ["funded", "funded"]
    assert [p.funding for p in second.problem.posts] == ["funded", "either"]
    assert [p.funding for p in third.problem.posts] == ["seconded", "seconded"]
    assert third.problem.post_by_id["M"].funding == "seconded"  # look-ups are not stale


def test_scenarios_sheet_reads_settings_agency_and_post_changes(options_input: Path) -> None:
    path = with_scenarios(options_input, [
        ("Lean", "Settings", None, "central_budget", 50_000),
        ("Lean", "settings", "cooling_off_months", "value", 6),
        ("No HC", "Agencies", "HC", "max_concurrent", 0),
        ("All either", "Posts", "*", "funding", "Either"),
    ])
    lean, no_hc, either = read_scenarios(path, options_problem())
    assert lean.name == "Lean"
    assert lean.problem.settings.central_budget == 50_000
    assert lean.problem.settings.cooling_off_months == 6
    assert no_hc.problem.agency_by_code["HC"].max_concurrent == 0
    assert {p.funding for p in either.problem.posts} == {"either"}


def test_scenarios_sheet_errors_are_located(options_input: Path) -> None:
    path = with_scenarios(options_input, [
        ("Bad sheet", "Candidates", "A", "grade", "HC10"),
        ("Bad agency", "Agencies", "HCC", "max_concurrent", 1),
        ("Bad column", "Posts", "P1", "area", "North"),
        ("Bad value", "Agencies", "HC", "max_concurrent", "lots"),
        ("Out of range", "Agencies", "HC", "max_concurrent", -1),
        ("Horizon", "Settings", None, "horizon_months", 24),
    ])
    with pytest.raises(InvalidInput) as caught:
        read_scenarios(path, options_problem())
    where = [(f.location.row, f.location.column) for f in caught.value.findings
             if f.location is not None]
    assert where == [(2, "sheet"), (3, "id"), (4, "column"), (5, "value"), (6, "value"),
                     (7, "column")]
    assert "did you mean 'HC'" in caught.value.findings[1].message


# -- rotation compare ------------------------------------------------------------------------
def test_compare_plans_the_three_options_and_the_scenarios(options_input: Path,
                                                           tmp_path: Path) -> None:
    path = with_scenarios(options_input, [("No budget", "Settings", None, "central_budget", 1)])
    out = tmp_path / "out" / "compare.xlsx"
    plans = tmp_path / "plans"
    result = CliRunner().invoke(main, ["compare", str(path), "-o", str(out), "--time-limit",
                                       "10", "--workers", "2", "--plans", str(plans)])
    assert result.exit_code == 0, result.output
    assert "[4/4] No budget" in result.output  # progress across scenarios
    book = load_workbook(out)
    assert book.sheetnames == ["Comparison", "Chart", "Scenarios"]
    table = {row[0]: row[2:] for row in book["Comparison"].iter_rows(min_row=2,
                                                                     values_only=True)}
    # Option 1 funds both posts all year: 12 * (4,900 + 3,800). Option 2 funds the manager
    # and seconds A into P1. Option 3 seconds the manager too, and nobody fits it.
    assert table["direct cost a year (average)"][:3] == (104_400, 58_800, 0)
    assert table["vacant post-months"][:3] == (0, 0, 12)
    assert table["backfill cost HC"][:3] == (0, 45_600, 45_600)
    assert table["agencies on the team"][:3] == (0, 1, 1)
    # The funded manager alone breaks a £1 central budget: no plan, and the table says so.
    assert table["status"][3] == "no plan keeps the rules"
    assert table["vacant post-months"][3] is None
    assert out.with_suffix(".png").read_bytes().startswith(b"\x89PNG")
    assert book["Chart"]._images
    # Each option's own plan passes `rotation check` with the same figures.
    checked = CliRunner().invoke(main, ["check", str(plans / "option-3-input.xlsx"),
                                        str(plans / "option-3-plan.xlsx")])
    assert checked.exit_code == 0, checked.output
    assert "12 vacant post-months" in checked.output
    checked = CliRunner().invoke(main, ["check", str(plans / "option-2-input.xlsx"),
                                        str(plans / "option-2-plan.xlsx")])
    assert checked.exit_code == 0, checked.output
    assert "direct cost £58,800.00" in checked.output


def test_compare_refuses_a_bad_scenarios_sheet_and_writes_nothing(options_input: Path,
                                                                  tmp_path: Path) -> None:
    path = with_scenarios(options_input, [("Oops", "Posts", "P9", "funding", "funded")])
    out = tmp_path / "compare.xlsx"
    result = CliRunner().invoke(main, ["compare", str(path), "-o", str(out)])
    assert result.exit_code == 2
    assert "Scenarios, row 2, column id" in result.output
    assert not out.exists()


# -- rotation stress -------------------------------------------------------------------------
def stress_problem() -> Problem:
    """Two posts for a year. A (HC) holds P1 until 2027-09; B (HC) and C (NHS) can fill the
    rest; D fits no post.

    Without HC only C is left: one post stays vacant all year (12 months, the worst). Without
    B or C (or NHS) one person covers P2 and nobody is left for P1 after A: 6 months.
    Without A, B and C cover both posts.
    """
    return problem(
        posts=[post("P1"), post("P2")],
        candidates=[candidate("A"), candidate("B"), candidate("C", agency="NHS",
                                                              grade="Band 6"),
                    candidate("D", grade="HC10")],
        grades=[grade("HC", "HC8"), grade("HC", "HC10", level=7), grade("NHS", "Band 6")],
        agencies=[agency("HC"), agency("NHS")],
        existing=[secondment("A", "P1", "2027-01", "2027-09")],
        max_secondment_months=12)


def test_stress_ranks_the_agency_whose_loss_leaves_a_post_vacant_first() -> None:
    baseline, results = run_stress(stress_problem(), OPTIONS)
    assert baseline.figures is not None and baseline.figures.vacant_post_months == 0
    top = results[0]
    assert (top.case.kind, top.case.subject) == ("agency", "HC")
    assert top.vacant_post_months == 12 and top.extra_vacant_months == 12
    assert sum(top.posts_suffering.values()) == 12
    vacant = [(r.case.subject, r.vacant_post_months) for r in results]
    assert sorted(vacant[1:4]) == [("B", 6), ("C", 6), ("NHS", 6)]
    assert {v for _, v in vacant[4:]} == {0}
    # D is in no plan: the baseline stands without solving again.
    unused = next(r for r in results if r.case.subject == "D")
    assert unused.reused and unused.outcome is baseline


def test_removing_the_top_ranked_loss_by_hand_reproduces_its_figure() -> None:
    prob = stress_problem()
    by_hand = agency_seconds_nobody(prob, "HC")
    assert by_hand.agency_by_code["HC"].max_concurrent == 0
    assert by_hand.existing == ()
    result = solve(by_hand, OPTIONS)
    assert result.goals is not None and result.goals.vacant_post_months == 12


def test_stress_command_prints_the_ranking_and_writes_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "team.xlsx"
    write_problem(path, stress_problem())
    out = tmp_path / "stress.xlsx"
    result = CliRunner().invoke(main, ["stress", str(path), "-o", str(out), "--time-limit",
                                       "10", "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "[7/7]" in result.output
    first = next(line for line in result.output.splitlines() if line.startswith("1 "))
    assert "Agency HC (HC) seconds nobody" in first and "proven optimal" in first
    rows = list(load_workbook(out)["Stress"].iter_rows(min_row=2, max_row=7,
                                                        values_only=True))
    assert rows[0][:4] == (1, "Agency HC (HC) seconds nobody", 12, 12)
