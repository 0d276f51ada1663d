"""Reading a plan's Secondments sheet, including one edited by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from rotation.findings import Finding, InvalidInput
from rotation.io.plan_reader import read_plan
from tests.factory import m, problem, secondment

HEADER = ["person", "name", "agency", "grade", "post", "area", "start", "end", "months",
          "existing", "follows"]


def _plan(path: Path, rows: list[list[object]], *, sheet: str = "Secondments",
          header: list[str] | None = None, above: list[list[object]] | None = None) -> Path:
    """A plan workbook with a Summary sheet and a Secondments sheet of the given rows."""
    book = Workbook()
    book.active.title = "Summary"
    book.active.append(["setting", "value"])
    secondments = book.create_sheet(sheet)
    for row in [*(above or []), header or HEADER, *rows]:
        secondments.append(row)
    book.save(path)
    return path


def _row(person: str, post: str, start: object, end: object, existing: object = "no"
         ) -> list[object]:
    return [person, f"Person {person}", "HC", "HC8", post, "Area", start, end, 6, existing, None]


def _errors(path: Path, **kwargs: object) -> list[Finding]:
    with pytest.raises(InvalidInput) as raised:
        read_plan(path, **kwargs)  # type: ignore[arg-type]
    return raised.value.errors


def test_a_written_plan_reads_back_with_rows_and_existing_flags(tmp_path: Path) -> None:
    path = _plan(tmp_path / "plan.xlsx", [_row("A", "P1", "2027-04", "2027-09", "yes"),
                                         _row("B", "P1", "2027-09", "2028-03", "no")])
    assert read_plan(path) == [secondment("A", "P1", "2027-04", "2027-09", existing=True),
                               secondment("B", "P1", "2027-09", "2028-03")]
    assert [s.row for s in read_plan(path)] == [2, 3]


def test_hand_edits_are_forgiven_in_form(tmp_path: Path) -> None:
    path = _plan(
        tmp_path / "plan.xlsx",
        [[None, "A", "P1", dt.datetime(2027, 4, 1), "Sep 2027", None, "my note"],
         [None, None, None, None, None, None, "a note on an empty row"],
         [None, " B ", "P1", "2027-09-15", "2028/03", "TRUE", None]],
        sheet="SECONDMENTS ", header=["months", " Person", "POST", "Start", "end", "existing",
                                      "notes"],
        above=[["Plan for the north"], []],
    )
    secondments = read_plan(path)
    assert secondments == [secondment("A", "P1", "2027-04", "2027-09"),
                           secondment("B", "P1", "2027-09", "2028-03", existing=True)]
    assert [s.row for s in secondments] == [4, 6]


def test_every_bad_row_is_a_located_error(tmp_path: Path) -> None:
    path = _plan(tmp_path / "plan.xlsx", [
        _row("A", "P1", "April", "2027-09"),
        _row(None, "P1", "2027-04", "2027-09"),  # type: ignore[arg-type]
        _row("C", "P1", "2027-04", "2027-09", "maybe"),
        _row("D", "P1", "2027-10", "2027-09"),
        _row("E", "P1", "=DATE(2027,4,1)", "2027-09"),
        _row("F", "P1", "2027-04", "2027-09"),
    ])
    errors = _errors(path)
    assert [(e.location.row, e.location.column) for e in errors if e.location] == [
        (2, "start"), (3, "person"), (4, "existing"), (5, "end"), (6, "start")]
    assert "formulas are not accepted" in errors[-1].message


def test_with_the_input_unknown_people_and_posts_are_errors(tmp_path: Path) -> None:
    path = _plan(tmp_path / "plan.xlsx", [_row("a", "P1", "2027-04", "2027-09"),
                                         _row("A", "P9", "2027-10", "2028-03")])
    assert len(read_plan(path)) == 2  # without the input nothing is unknown
    errors = _errors(path, problem=problem())
    assert [(e.location.row, e.location.column) for e in errors if e.location] == [
        (2, "person"), (3, "post")]
    assert "did you mean 'A'?" in errors[0].message


def test_a_plan_without_the_sheet_or_a_column_is_an_error(tmp_path: Path) -> None:
    no_sheet = _plan(tmp_path / "a.xlsx", [], sheet="Schedule")
    assert "has no Secondments sheet" in _errors(no_sheet)[0].message
    no_end = _plan(tmp_path / "b.xlsx", [["A", "P1", "2027-04"]],
                   header=["person", "post", "start"])
    [error] = _errors(no_end)
    assert (error.location and error.location.column) == "end"


def test_a_file_that_is_not_a_plan_workbook_is_one_clear_error(tmp_path: Path) -> None:
    text = tmp_path / "plan.xlsx"
    text.write_text("person,post\n")
    assert len(_errors(text)) == 1
    assert "does not exist" in _errors(tmp_path / "missing.xlsx")[0].message


def test_an_empty_secondments_sheet_is_an_empty_plan(tmp_path: Path) -> None:
    assert read_plan(_plan(tmp_path / "plan.xlsx", [])) == []
    assert m("2027-04") > 0
