"""``--json``: one parseable document on stdout carrying the same figures as the workbook."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from rotation.cli import main


def run_json(*args: object) -> tuple[int, dict[str, Any], str]:
    """Run a command with --json; return exit code, the parsed stdout and stderr."""
    result = CliRunner().invoke(main, [*(str(a) for a in args), "--json"])
    assert "Traceback" not in result.output + result.stderr
    return result.exit_code, json.loads(result.stdout), result.stderr


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("json")
    source, plan = folder / "small.xlsx", folder / "small-plan.xlsx"
    runner = CliRunner()
    assert runner.invoke(main, ["generate", str(source), "--posts", "2", "--candidates", "6",
                                "--months", "12", "--seed", "2"]).exit_code == 0
    return source, plan


def test_validate_json_lists_errors_with_locations(tmp_path: Path) -> None:
    template = tmp_path / "t.xlsx"
    assert CliRunner().invoke(main, ["template", str(template)]).exit_code == 0
    code, document, _ = run_json("validate", template)
    assert code == 2
    assert document["command"] == "validate" and document["valid"] is False
    first = document["errors"][0]
    assert {"severity", "message", "sheet", "row", "column"} <= set(first)
    assert any(e["sheet"] == "Settings" for e in document["errors"])


def test_validate_json_on_a_valid_input(small: tuple[Path, Path]) -> None:
    code, document, _ = run_json("validate", small[0])
    assert code == 0 and document["valid"] is True and document["errors"] == []


def test_solve_json_carries_the_workbook_figures(small: tuple[Path, Path]) -> None:
    source, plan = small
    code, document, stderr = run_json("solve", source, "-o", plan, "--time-limit", "20",
                                      "--force")
    assert code == 0, stderr
    assert document["status"] in ("OPTIMAL", "FEASIBLE")
    summary = {row[0]: row[1] for row in
               load_workbook(plan)["Summary"].iter_rows(min_row=2, values_only=True)}
    for key, value in document["goals"].items():
        assert summary[key] == pytest.approx(value), key
    rows = list(load_workbook(plan)["Secondments"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(document["secondments"])

    code, checked, _ = run_json("check", source, plan)
    assert code == 0 and checked["ok"] is True
    assert checked["goals"] == document["goals"]

    code, diffed, _ = run_json("diff", plan, plan)
    assert code == 0
    assert diffed["counts"]["kept"] == len(document["secondments"])
    assert diffed["counts"]["moved"] == diffed["counts"]["added"] == 0


def test_compare_json_carries_the_table_figures(small: tuple[Path, Path], tmp_path: Path
                                                ) -> None:
    out = tmp_path / "compare.xlsx"
    code, document, stderr = run_json("compare", small[0], "-o", out, "--time-limit", "5")
    assert code == 0, stderr
    names = [s["scenario"] for s in document["scenarios"]]
    assert len(names) >= 3
    for scenario in document["scenarios"]:
        assert scenario["status"] in ("OPTIMAL", "FEASIBLE")
        figures = scenario["figures"]
        assert {"vacant_post_months", "handovers", "direct_cost_a_year",
                "backfill_by_agency", "average_tenure_months"} <= set(figures)
    all_funded = document["scenarios"][0]["figures"]
    assert all_funded["vacant_post_months"] == 0 and all_funded["secondments"] == 0
    assert out.exists()
