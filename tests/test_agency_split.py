"""One workbook per agency: only that agency's staff, from a solve or from a plan workbook.

The plan used throughout, over 2027-04..2028-06 (15 months), overlap 1. Ids and names are
distinctive so that a search of a file's raw bytes cannot find them by accident:
- P1: Annabel Quigley (HC, agreed on the Existing sheet 2026-10..2027-09), then Barnaby
  Oxtoby (NHS, 2027-09..2028-06) - an NHS officer takes over from an HC one.
- P2: Deirdre Plumtree (POL, 2027-04..2027-10), then Catriona Vexley (HC, 2027-10..2028-06) -
  an HC officer takes over from a POL one.
- P3 (exists until 2027-12): vacant throughout (9 months). P4: funded.
HC is out 1 a month throughout (Annabel to 2027-09, Catriona from 2027-10) against a limit of
2; NHS and POL are out 1 at a time against 1.
"""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from rotation.checker import check_plan
from rotation.cli import main
from rotation.domain import Problem
from rotation.findings import InvalidInput
from rotation.io.agency_split import (
    ANOTHER_AGENCY,
    agency_file_names,
    split_plan_workbook,
    write_agency_workbooks,
)
from rotation.io.files import OutputError
from rotation.io.plan_writer import write_plan
from rotation.io.template import write_template
from rotation.plan import CheckReport, SolveResult
from tests.factory import agency, candidate, grade, post, problem, secondment

PEOPLE = {  # person id: (name, agency)
    "hc-ann-0427": ("Annabel Quigley", "HC"),
    "hc-cat-5531": ("Catriona Vexley", "HC"),
    "nhs-bob-9902": ("Barnaby Oxtoby", "NHS"),
    "pol-dee-3318": ("Deirdre Plumtree", "POL"),
}
AGENCIES = ("HC", "NHS", "POL")


def split_problem() -> Problem:
    """The problem of the module docstring."""
    return problem(
        plan_name="Highland rotation",
        horizon_months=15,
        max_secondment_months=12,
        agencies=[agency("HC", name="Highland Council", max_concurrent=2,
                         backfill_budget=50_000, pledged_months=24),
                  agency("NHS", name="NHS Highland", max_concurrent=1),
                  agency("POL", name="Police Scotland", max_concurrent=1)],
        grades=[grade("HC", "HC8"), grade("NHS", "Band 6"), grade("POL", "Sergeant")],
        posts=[post("P1", area="North"), post("P2", area="South"),
               post("P3", area="West", end="2027-12"), post("P4", area="East", funding="funded")],
        candidates=[candidate(person, name=name, agency=code,
                              grade={"HC": "HC8", "NHS": "Band 6", "POL": "Sergeant"}[code])
                    for person, (name, code) in PEOPLE.items()],
        existing=[secondment("hc-ann-0427", "P1", "2026-10", "2027-09")],
    )


PLAN = (secondment("hc-ann-0427", "P1", "2026-10", "2027-09", existing=True),
        secondment("nhs-bob-9902", "P1", "2027-09", "2028-06"),
        secondment("pol-dee-3318", "P2", "2027-04", "2027-10"),
        secondment("hc-cat-5531", "P2", "2027-10", "2028-06"))


def plan_parts() -> tuple[Problem, SolveResult, CheckReport]:
    """The problem, a result holding the plan, and the checker's report on it."""
    problem_ = split_problem()
    report = check_plan(problem_, PLAN)
    assert report.ok, report.breaches
    return problem_, SolveResult(status="OPTIMAL", secondments=PLAN), report


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    """The plan workbook, as rotation solve writes it."""
    target = tmp_path / "rotation-plan.xlsx"
    write_plan(target, *plan_parts(), [], "ab" * 32)
    return target


@pytest.fixture(params=["from the solve", "from the plan workbook"])
def agency_files(request: pytest.FixtureRequest, tmp_path: Path, plan_file: Path
                 ) -> dict[str, Path]:
    """The agency workbooks by agency code, made each of the two ways."""
    folder = tmp_path / "agencies"
    if request.param == "from the solve":
        paths = write_agency_workbooks(folder, *plan_parts(), force=False)
    else:
        paths = split_plan_workbook(plan_file, folder, force=False)
    return {path.stem.rsplit("-", 1)[-1]: path for path in paths}


def load_quietly(path: Path) -> Workbook:
    """Load a workbook, failing on any openpyxl warning (a sign Excel would repair it)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return load_workbook(path)


def raw_parts(path: Path) -> dict[str, bytes]:
    """Every part of the file (cells, shared strings, tables, charts, properties...) as bytes."""
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def values(book: Workbook, sheet: str) -> list[tuple[object, ...]]:
    """A sheet's rows of values."""
    return [tuple(row) for row in book[sheet].iter_rows(values_only=True)]


# -- data protection ----------------------------------------------------------------------
def test_one_file_per_agency_named_after_it(agency_files: dict[str, Path]) -> None:
    assert sorted(agency_files) == sorted(AGENCIES)


def test_no_part_of_a_file_holds_another_agencys_people(agency_files: dict[str, Path]) -> None:
    for code, path in agency_files.items():
        parts = raw_parts(path)
        assert len(parts) > 10  # sheets, shared strings, tables, charts, drawings, properties
        for person, (name, home) in PEOPLE.items():
            if home == code:
                continue
            for needle in (person, name):
                leaks = [part for part, data in parts.items() if needle.encode() in data]
                assert not leaks, f"{code}'s file holds {needle!r} in {leaks}"


def test_each_file_holds_its_own_people(agency_files: dict[str, Path]) -> None:
    for code, path in agency_files.items():
        everything = b"".join(raw_parts(path).values())
        own = [(person, name) for person, (name, home) in PEOPLE.items() if home == code]
        assert own
        for person, name in own:
            assert person.encode() in everything
            assert name.encode() in everything


def test_files_reload_without_warnings_and_name_no_user(agency_files: dict[str, Path]) -> None:
    for code, path in agency_files.items():
        book = load_quietly(path)
        assert book.sheetnames == ["Summary", "Secondments", "Schedule", "Backfill"]
        assert book.properties.creator == "rotation"
        assert book.properties.lastModifiedBy == "rotation"
        assert book.properties.title == f"Highland rotation — {code}"
        assert not book.defined_names  # nothing workbook-wide to carry names
        names = [name for sheet in book.worksheets for name in sheet.tables]
        assert len(names) == len(set(names))


# -- contents -------------------------------------------------------------------------------
def test_summary_names_the_plan_status_agency_and_horizon(agency_files: dict[str, Path]
                                                          ) -> None:
    summary = {row[0]: row[1] for row in values(load_quietly(agency_files["HC"]), "Summary")}
    assert summary["plan_name"] == "Highland rotation"
    assert summary["status"] == "OPTIMAL"
    assert summary["agency"] == "HC"
    assert summary["agency_name"] == "Highland Council"
    assert summary["horizon"] == "2027-04..2028-06"
    assert summary["secondments"] == 2
    assert summary["vacant_post_months"] == 9


def test_secondments_rows_are_the_agencys_own_in_the_plans_columns(
        agency_files: dict[str, Path]) -> None:
    rows = values(load_quietly(agency_files["HC"]), "Secondments")
    assert rows[0] == ("person", "name", "agency", "grade", "post", "area", "start", "end",
                       "months", "existing", "follows")
    assert rows[1:] == [
        ("hc-ann-0427", "Annabel Quigley", "HC", "HC8", "P1", "North", "2026-10", "2027-09",
         12, "yes", None),
        # Catriona takes over from a POL officer: who it is, is not HC's to know.
        ("hc-cat-5531", "Catriona Vexley", "HC", "HC8", "P2", "South", "2027-10", "2028-06",
         9, "no", ANOTHER_AGENCY),
    ]
    nhs = values(load_quietly(agency_files["NHS"]), "Secondments")
    assert [row[0] for row in nhs[1:]] == ["nhs-bob-9902"]
    assert nhs[1][-1] == ANOTHER_AGENCY


def schedule(book: Workbook) -> dict[str, dict[str, object]]:
    """Schedule cells by post and month text."""
    rows = values(book, "Schedule")
    months = rows[1]
    grid = {}
    for row in rows[2:]:
        if row[0] is None:
            break
        grid[str(row[0])] = {str(months[i]): row[i] for i in range(2, len(row))}
    return grid


def test_schedule_shows_others_only_as_another_agency(agency_files: dict[str, Path]) -> None:
    grid = schedule(load_quietly(agency_files["HC"]))
    assert grid["P1"]["2027-04"] == "Annabel Quigley"
    assert grid["P1"]["2027-09"] == f"Annabel Quigley → {ANOTHER_AGENCY}"
    assert grid["P1"]["2028-01"] == ANOTHER_AGENCY
    assert grid["P2"]["2027-04"] == ANOTHER_AGENCY
    assert grid["P2"]["2027-10"] == f"{ANOTHER_AGENCY} → Catriona Vexley"
    assert grid["P2"]["2028-06"] == "Catriona Vexley"


def test_schedule_marks_vacancies_funded_posts_and_months_without_the_post(
        agency_files: dict[str, Path]) -> None:
    grid = schedule(load_quietly(agency_files["POL"]))
    assert grid["P3"]["2027-04"] == "VACANT"
    assert grid["P3"]["2027-12"] == "VACANT"
    assert grid["P3"]["2028-01"] is None  # P3 ends in 2027-12
    assert grid["P4"]["2027-04"] == "funded"
    assert grid["P2"]["2027-04"] == "Deirdre Plumtree"


def test_backfill_sheet_is_the_agencys_block_with_its_chart(agency_files: dict[str, Path]
                                                            ) -> None:
    book = load_quietly(agency_files["NHS"])
    rows = values(book, "Backfill")
    assert rows[0][0] == "NHS — NHS Highland"
    months = {row[0]: row[1:4] for row in rows if isinstance(row[0], str)
              and row[0].startswith("20") and len(row[0]) == 7}
    assert months["2027-08"] == (0, 1, 1)
    assert months["2027-09"] == (1, 1, 0)
    years = {row[0]: row[2] for row in rows if row[0] in ("2027/28", "2028/29")}
    assert years == {"2027/28": 7 * 3800, "2028/29": 3 * 3800}
    assert len(book["Backfill"]._charts) == 1
    assert book["Backfill"]._charts[0].series[0].val.numRef.f.startswith("'Backfill'!$B$")


def test_split_gives_the_same_workbooks_as_the_solve(tmp_path: Path, plan_file: Path) -> None:
    direct = write_agency_workbooks(tmp_path / "a", *plan_parts(), force=False,
                                    stem=plan_file.stem)
    split = split_plan_workbook(plan_file, tmp_path / "b", force=False)
    assert [p.name for p in direct] == [p.name for p in split] == [
        "rotation-plan-HC.xlsx", "rotation-plan-NHS.xlsx", "rotation-plan-POL.xlsx"]
    for one, other in zip(direct, split, strict=True):
        first, second = load_quietly(one), load_quietly(other)
        for sheet in first.sheetnames:
            assert values(first, sheet) == values(second, sheet), (one.name, sheet)


def test_a_plan_without_a_schedule_still_splits(tmp_path: Path, plan_file: Path) -> None:
    book = load_workbook(plan_file)
    book.remove(book["Schedule"])
    book.save(plan_file)
    paths = split_plan_workbook(plan_file, tmp_path / "out", force=False)
    grid = schedule(load_quietly(paths[0]))
    assert sorted(grid) == ["P1", "P2"]  # posts with a secondment
    assert grid["P2"]["2027-04"] == ANOTHER_AGENCY


# -- overwriting and bad plans -------------------------------------------------------------
def test_refuses_to_overwrite_without_force_and_writes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "HC.xlsx").write_bytes(b"an earlier file")
    with pytest.raises(OutputError, match="--force"):
        write_agency_workbooks(folder, *plan_parts(), force=False)
    assert sorted(p.name for p in folder.iterdir()) == ["HC.xlsx"]
    assert (folder / "HC.xlsx").read_bytes() == b"an earlier file"
    paths = write_agency_workbooks(folder, *plan_parts(), force=True)
    assert [p.name for p in paths] == ["HC.xlsx", "NHS.xlsx", "POL.xlsx"]
    load_quietly(folder / "HC.xlsx")


def test_a_file_where_the_folder_should_be_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.write_text("not a folder")
    with pytest.raises(OutputError, match="is a file"):
        write_agency_workbooks(target, *plan_parts(), force=True)


def test_an_input_workbook_is_not_a_plan(tmp_path: Path) -> None:
    template = tmp_path / "input.xlsx"
    write_template(template)
    with pytest.raises(InvalidInput) as caught:
        split_plan_workbook(template, tmp_path / "out", force=False)
    assert "not a plan" in caught.value.findings[0].message
    assert not (tmp_path / "out").exists()


def test_a_text_file_is_not_a_plan(tmp_path: Path) -> None:
    text = tmp_path / "notes.xlsx"
    text.write_text("hello")
    with pytest.raises(InvalidInput):
        split_plan_workbook(text, tmp_path / "out", force=False)


def test_an_unreadable_backfill_figure_is_located(tmp_path: Path, plan_file: Path) -> None:
    book = load_workbook(plan_file)
    sheet = book["Backfill"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 2).value == "staff out")
    sheet.cell(row, 3).value = "lots"
    book.save(plan_file)
    with pytest.raises(InvalidInput) as caught:
        split_plan_workbook(plan_file, tmp_path / "out", force=False)
    locations = [f.location for f in caught.value.findings]
    assert any(loc and loc.sheet == "Backfill" and loc.row == row for loc in locations)


def test_file_names_are_safe_and_distinct() -> None:
    assert agency_file_names(["HC", "NHS"], "plan") == ["plan-HC.xlsx", "plan-NHS.xlsx"]
    assert agency_file_names(["A/B", "hc", "HC", "CON", ""], "") == [
        "A_B.xlsx", "hc.xlsx", "HC-2.xlsx", "agency-CON.xlsx", "agency.xlsx"]


# -- the command line ------------------------------------------------------------------------
def run(*args: object) -> tuple[int, str]:
    """Run ``rotation ARGS``; return the exit code and everything printed."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def test_cli_split_writes_refuses_then_forces(tmp_path: Path, plan_file: Path) -> None:
    folder = tmp_path / "agencies"
    code, output = run("split", plan_file, folder)
    assert code == 0, output
    assert sorted(p.name for p in folder.iterdir()) == [
        "rotation-plan-HC.xlsx", "rotation-plan-NHS.xlsx", "rotation-plan-POL.xlsx"]
    assert "3 agency workbook(s)" in output
    code, output = run("split", plan_file, folder)
    assert code == 2
    assert "--force" in output and "Nothing was written" in output
    code, output = run("split", plan_file, folder, "--force")
    assert code == 0, output


def test_cli_split_exits_2_for_a_file_that_is_not_a_plan(tmp_path: Path) -> None:
    template = tmp_path / "input.xlsx"
    write_template(template)
    code, output = run("split", template, tmp_path / "out")
    assert code == 2
    assert "not a plan" in output
    assert "cannot be read as a plan" in output
    assert not (tmp_path / "out").exists()


def test_names_that_look_like_formulas_stay_text(tmp_path: Path) -> None:
    injection = '=HYPERLINK("http://x","y")'
    problem_ = problem(agencies=[agency("HC")], grades=[grade("HC", "HC8")],
                       posts=[post("P1", area=injection)],
                       candidates=[candidate("A", name=injection + "\x07")])
    plan = (secondment("A", "P1", "2027-04", "2027-09"),)
    result = SolveResult(status="FEASIBLE", secondments=plan)
    [path] = write_agency_workbooks(tmp_path, problem_, result, check_plan(problem_, plan),
                                    force=False)
    book = load_quietly(path)
    for sheet in book.worksheets:
        cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
        assert all(c.data_type != "f" for c in cells), sheet.title
        assert not any("\x07" in str(c.value) for c in cells), sheet.title
        if sheet.title in ("Secondments", "Schedule", "Backfill"):
            assert any(c.value == injection and c.data_type == "s" for c in cells), sheet.title


def test_an_unreadable_secondment_row_is_located(tmp_path: Path, plan_file: Path) -> None:
    book = load_workbook(plan_file)
    book["Secondments"]["G3"] = "next spring"  # the start of the second row
    book.save(plan_file)
    with pytest.raises(InvalidInput) as caught:
        split_plan_workbook(plan_file, tmp_path / "out", force=False)
    [finding] = caught.value.findings
    assert finding.location is not None
    assert (finding.location.sheet, finding.location.row, finding.location.column) == (
        "Secondments", 3, "start")
    assert "next spring" in finding.message


def test_an_agency_workbook_is_not_split_again(tmp_path: Path, plan_file: Path) -> None:
    [hc, *_others] = split_plan_workbook(plan_file, tmp_path / "out", force=False)
    with pytest.raises(InvalidInput) as caught:
        split_plan_workbook(hc, tmp_path / "again", force=False)
    [finding] = caught.value.findings
    assert "already the workbook of one agency (HC)" in finding.message
