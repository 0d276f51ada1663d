"""The command line end to end: template, generate, solve, check — as a planner would use them."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from rotation.cli import main
from tests.conftest import ROOT


def run(*args: str) -> tuple[int, str]:
    """Run ``rotation ARGS``; return the exit code and everything printed."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    output = result.output
    assert "Traceback" not in output, output
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, output


@pytest.fixture(scope="module")
def small_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated 3-post, 8-candidate, 18-month input."""
    path = tmp_path_factory.mktemp("inputs") / "small.xlsx"
    code, output = run("generate", path, "--posts", "3", "--candidates", "8", "--months", "18",
                       "--seed", "4")
    assert code == 0, output
    return path


@pytest.fixture(scope="module")
def small_plan(small_input: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    plan = tmp_path_factory.mktemp("plans") / "small-plan.xlsx"
    code, output = run("solve", small_input, "-o", plan, "--time-limit", "20", "--workers", "2")
    assert code == 0, output
    return plan


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    for name in main.commands:  # type: ignore[attr-defined]
        assert f"rotation {name}" in readme, f"README does not document `rotation {name}`"


def test_template_then_validate_reports_missing_settings_with_locations(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    code, _ = run("template", path)
    assert code == 0 and path.exists()
    code, output = run("validate", path)
    assert code == 2
    assert "horizon_start" in output and "Settings" in output


def test_template_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    path.write_text("keep me")
    code, output = run("template", path)
    assert code == 2 and "--force" in output
    assert path.read_text() == "keep me"
    assert run("template", path, "--force")[0] == 0


def test_solve_writes_a_plan_that_check_accepts(small_input: Path, small_plan: Path) -> None:
    book = load_workbook(small_plan)
    assert {"Summary", "Secondments", "Schedule", "Backfill", "Notes"} <= set(book.sheetnames)
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["status"] in ("OPTIMAL", "FEASIBLE")
    code, output = run("check", small_input, small_plan)
    assert code == 0, output


def test_solve_says_the_seconds_the_planner_waited_from_the_start(
        small_input: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The times on the terminal count from when planning began, not from the search's start
    (which on a large problem follows seconds of hand plans, rebuilding and model build)."""
    import rotation.solver as solver_package
    from rotation.domain import Problem
    from rotation.plan import SolveResult
    from rotation.solver.options import Progress, SolveOptions

    real_solve = solver_package.solve

    def slow_to_search(problem: Problem, options: SolveOptions,
                       on_progress: Callable[[Progress], None] | None = None) -> SolveResult:
        assert on_progress is not None
        on_progress(Progress(goal="cover", stage=0, stages=0, value=9, bound=0,
                             elapsed=0.0, time_left=options.time_limit))
        time.sleep(0.6)  # the rebuilding and the model build, before the search's clock
        on_progress(Progress(goal="cover", stage=1, stages=3, value=8, bound=0,
                             elapsed=0.0, time_left=options.time_limit))
        result = real_solve(problem, options)
        return result.model_copy(update={"solve_seconds": 0.01})

    monkeypatch.setattr(solver_package, "solve", slow_to_search)
    code, output = run("solve", small_input, "-o", tmp_path / "plan.xlsx", "--workers", "1")
    assert code == 0, output
    said = [float(t) for t in re.findall(r"^\s+(\d+\.\d)s  ", output, re.MULTILINE)]
    waited = re.search(r"^Plan .* in (\d+\.\d)s:", output, re.MULTILINE)
    assert waited is not None, output
    assert len(said) == 2 and said[0] < 0.5 <= said[1], output
    assert float(waited.group(1)) >= said[1], output


@pytest.mark.parametrize("shortlisted, outlasts", [(True, True), (True, False),
                                                    (False, True)])
def test_solve_says_why_a_large_problem_outlasted_its_time_limit(
        small_input: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        shortlisted: bool, outlasts: bool) -> None:
    """On a large problem the hand plans and the model build come before the search that
    --time-limit counts: when planning outlasts the limit, the terminal says why (and only
    then, and only for a large problem, planned on a shortlist)."""
    import rotation.solver as solver_package
    from rotation.domain import Problem
    from rotation.plan import SolveResult
    from rotation.solver.options import Progress, SolveOptions

    real_solve = solver_package.solve

    def slow_to_search(problem: Problem, options: SolveOptions,
                       on_progress: Callable[[Progress], None] | None = None) -> SolveResult:
        result = real_solve(problem, options)
        if outlasts:
            time.sleep(options.time_limit + 1.2)  # the hand plans and the model build
        return result.model_copy(update={
            "shortlist": "each candidate was considered for their "
            "2 best-matched posts" if shortlisted else None})

    monkeypatch.setattr(solver_package, "solve", slow_to_search)
    code, output = run("solve", small_input, "-o", tmp_path / "plan.xlsx", "--workers", "1",
                       "--time-limit", "1")
    assert code == 0, output
    said = re.search(r"^Note: planning took (\d+\.\d)s against --time-limit 1s, which "
                     r"does not count the hand plans", output, re.MULTILINE)
    assert (said is not None) == (shortlisted and outlasts), output
    if said is not None:
        assert float(said.group(1)) >= 2.2, output


def test_check_names_the_rule_a_hand_edit_breaks(small_input: Path, small_plan: Path,
                                                  tmp_path: Path) -> None:
    book = load_workbook(small_plan)
    sheet = book["Secondments"]
    header = [cell.value for cell in sheet[1]]
    first = [cell.value for cell in sheet[2]]
    # Stretch the first secondment to 40 months: longer than any secondment may be.
    start = first[header.index("start")]
    year, month_of_year = (int(part) for part in str(start).split("-"))
    end_year, end_month = divmod(year * 12 + month_of_year - 1 + 39, 12)
    sheet.cell(row=2, column=header.index("end") + 1, value=f"{end_year}-{end_month + 1:02d}")
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    code, output = run("check", small_input, edited)
    assert code == 1
    assert re.search(r"\bR5\b", output)


def test_solve_never_writes_over_its_input(small_input: Path) -> None:
    code, output = run("solve", small_input, "-o", small_input, "--force")
    assert code == 2 and "input" in output


def test_solve_on_invalid_input_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_text("this is not a workbook")
    out = tmp_path / "out.xlsx"
    code, output = run("solve", bad, "-o", out)
    assert code == 2
    assert not out.exists()
    assert "bad.xlsx" in output
