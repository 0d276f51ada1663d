"""``rotation validate`` through the command line: exit codes and what a planner reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from rotation.cli import main
from tests.workbooks import Rows, set_cell, sheets, write_csv_folder, write_xlsx


def _validate(path: Path) -> Result:
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


def test_a_valid_workbook_exits_0(tmp_path: Path) -> None:
    result = _validate(write_xlsx(tmp_path / "in.xlsx", sheets()))
    assert result.exit_code == 0
    assert "in.xlsx is valid." in result.output


def test_a_valid_csv_folder_exits_0(tmp_path: Path) -> None:
    result = _validate(write_csv_folder(tmp_path / "in", sheets()))
    assert result.exit_code == 0


def test_warnings_are_listed_but_still_exit_0(tmp_path: Path) -> None:
    book = sheets()
    set_cell(book, "Agencies", 2, "max_concurrent", 0)
    result = _validate(write_xlsx(tmp_path / "in.xlsx", book))
    assert result.exit_code == 0
    assert "warning: Agencies, row 2, column pledged_months: agency HC pledges 12 months" in (
        result.output)
    assert "0 error(s), 1 warning(s)" in result.output


def _without_column(rows: Rows, column: str) -> Rows:
    index = rows[0].index(column)
    return [row[:index] + row[index + 1:] for row in rows]


def _spoil(kind: str, book: dict[str, Rows]) -> None:
    """Put one fault of the given kind into the valid input."""
    if kind == "bad number":
        set_cell(book, "Agencies", 3, "max_concurrent", "two")
    elif kind == "negative":
        set_cell(book, "Grades", 3, "monthly_cost", -1)
    elif kind == "bad month":
        set_cell(book, "Candidates", 3, "available_to", "soon")
    elif kind == "formula":
        set_cell(book, "Posts", 2, "max_level", "=5+1")
    elif kind == "blank required":
        set_cell(book, "Posts", 3, "area", None)
    elif kind == "unknown reference":
        set_cell(book, "Existing", 2, "post", "XX")
    elif kind == "duplicate id":
        book["Candidates"].append(list(book["Candidates"][1]))
    elif kind == "unknown area":
        set_cell(book, "Candidates", 2, "excluded_areas", "Orkney")
    elif kind == "range":
        set_cell(book, "Posts", 2, "min_level", 7)
    elif kind == "setting":
        set_cell(book, "Settings", 4, "value", 500)
    elif kind == "missing column":
        book["Travel"] = _without_column(book["Travel"], "minutes")


@pytest.mark.parametrize(("kind", "where"), [
    ("bad number", "Agencies, row 3, column max_concurrent"),
    ("negative", "Grades, row 3, column monthly_cost"),
    ("bad month", "Candidates, row 3, column available_to"),
    ("formula", "Posts, row 2, column max_level"),
    ("blank required", "Posts, row 3, column area"),
    ("unknown reference", "Existing, row 2, column post"),
    ("duplicate id", "Candidates, row 4, column person"),
    ("unknown area", "Candidates, row 2, column excluded_areas"),
    ("range", "Posts, row 2, column max_level"),
    ("setting", "Settings, row 4, column value"),
    ("missing column", "Travel, row 1, column minutes"),
])
def test_a_faulty_workbook_exits_2_naming_sheet_row_and_column(tmp_path: Path, kind: str,
                                                               where: str) -> None:
    book = sheets()
    _spoil(kind, book)
    result = _validate(write_xlsx(tmp_path / "in.xlsx", book))
    assert result.exit_code == 2
    assert f"error: {where}: " in result.output
    assert "is not valid: nothing was written." in result.output


def test_a_missing_sheet_exits_2_naming_it(tmp_path: Path) -> None:
    book = sheets()
    del book["Candidates"]
    result = _validate(write_xlsx(tmp_path / "in.xlsx", book))
    assert result.exit_code == 2
    assert "error: Candidates: the input has no Candidates sheet" in result.output


@pytest.mark.parametrize(("make", "words"), [
    (lambda folder: _text_file(folder / "in.xlsx"), "not an Excel workbook"),
    (lambda folder: folder / "missing.xlsx", "does not exist"),
    (lambda folder: _empty_folder(folder / "csv"), "no CSV files"),
])
def test_not_a_workbook_exits_2_with_one_clear_message(tmp_path: Path, make: object,
                                                       words: str) -> None:
    result = _validate(make(tmp_path))  # type: ignore[operator]
    assert result.exit_code == 2
    assert words in result.output
    assert "1 error(s), 0 warning(s)" in result.output


def _text_file(path: Path) -> Path:
    path.write_text("person,post\nA,P1\n")
    return path


def _empty_folder(path: Path) -> Path:
    path.mkdir()
    return path


def test_a_csv_folder_with_a_fault_exits_2_with_the_same_location(tmp_path: Path) -> None:
    book = sheets()
    _spoil("bad number", book)
    result = _validate(write_csv_folder(tmp_path / "in", book))
    assert result.exit_code == 2
    assert "error: Agencies, row 3, column max_concurrent: " in result.output
