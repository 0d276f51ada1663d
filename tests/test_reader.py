"""Reading input workbooks and CSV folders: values, forgiveness, located errors, non-workbooks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from rotation.findings import Finding, InvalidInput
from rotation.io.reader import read_problem
from tests.factory import m
from tests.workbooks import Rows, set_cell, sheets, write_csv_folder, write_xlsx


def _errors(path: Path) -> list[Finding]:
    """The errors read_problem raises for an input (the test fails if it raises none)."""
    with pytest.raises(InvalidInput) as raised:
        read_problem(path)
    return raised.value.errors


def _error_at(path: Path, sheet: str, row: int | None, column: str | None) -> Finding:
    """The single error located at sheet/row/column."""
    found = [f for f in _errors(path) if f.location is not None
             and (f.location.sheet, f.location.row, f.location.column) == (sheet, row, column)]
    assert len(found) == 1, f"expected one error at {sheet} {row} {column}: {_errors(path)}"
    return found[0]


def _spoilt(tmp_path: Path, sheet: str, row: int, column: str, value: object) -> Path:
    """The valid workbook with one cell changed."""
    book = sheets()
    set_cell(book, sheet, row, column, value)
    return write_xlsx(tmp_path / "spoilt.xlsx", book)


# -- a valid input -------------------------------------------------------------------------

def test_a_valid_workbook_reads_every_sheet_with_rows_and_no_findings(tmp_path: Path) -> None:
    problem, findings = read_problem(write_xlsx(tmp_path / "in.xlsx", sheets()))
    assert findings == []
    settings = problem.settings
    assert (settings.plan_name, settings.horizon_start, settings.horizon_months) == (
        "Test plan", m("2027-04"), 24)
    assert settings.max_handovers_per_month == 1  # not given: the default
    assert [a.agency for a in problem.agencies] == ["HC", "NHS"]
    assert problem.agencies[0].backfill_budget == 60000
    assert problem.agencies[1].pledged_months is None
    assert problem.grades[1].monthly_cost == 3900.5
    cs = problem.post_by_id["CS"]
    assert (cs.start, cs.end, cs.funding, cs.skills) == (
        m("2027-04"), m("2029-03"), "either", ("Community engagement",))
    ann = problem.candidate_by_person["A"]
    assert ann.row == 2
    assert ann.skills == ("community engagement", "facilitation")
    assert ann.preferred_areas == ("Inverness", "Caithness and Sutherland")
    assert ann.available_to is None and ann.max_months == 12
    assert problem.travel_minutes("Inverness", "Caithness and Sutherland") == 120
    existing = problem.existing[0]
    assert (existing.person, existing.start, existing.end, existing.existing, existing.row) == (
        "B", m("2027-01"), m("2027-09"), True, 2)


def test_a_csv_folder_reads_the_same_as_the_workbook(tmp_path: Path) -> None:
    from_xlsx, _ = read_problem(write_xlsx(tmp_path / "in.xlsx", sheets()))
    from_csv, findings = read_problem(write_csv_folder(tmp_path / "in-csv", sheets()))
    assert findings == []
    assert from_csv.model_dump() == from_xlsx.model_dump()
    assert [c.row for c in from_csv.candidates] == [c.row for c in from_xlsx.candidates]


def test_names_are_case_insensitive_extra_columns_ignored_blank_rows_skipped(tmp_path: Path
                                                                             ) -> None:
    book = sheets()
    book["  agencies "] = book.pop("Agencies")
    book["  agencies "][0] = [" Agency", "NAME", "Max concurrent", "backfill_budget",
                              "pledged_months", "notes"]
    book["  agencies "].insert(2, [None, "   ", None, None, None, "a note only"])
    problem, _ = read_problem(write_xlsx(tmp_path / "in.xlsx", book))
    assert [(a.agency, a.max_concurrent, a.row) for a in problem.agencies] == [
        ("HC", 2, 2), ("NHS", 1, 4)]


def test_months_may_be_dates_or_day_text_and_whole_floats_are_integers(tmp_path: Path) -> None:
    book = sheets()
    set_cell(book, "Settings", 3, "value", dt.datetime(2027, 4, 1))
    set_cell(book, "Settings", 4, "value", 24.0)
    set_cell(book, "Candidates", 2, "available_from", "2027-05-15")
    set_cell(book, "Posts", 3, "end", dt.date(2029, 3, 31))
    problem, _ = read_problem(write_xlsx(tmp_path / "in.xlsx", book))
    assert problem.settings.horizon_start == m("2027-04")
    assert problem.settings.horizon_months == 24
    assert problem.candidate_by_person["A"].available_from == m("2027-05")
    assert problem.post_by_id["CS"].end == m("2029-03")


def test_missing_optional_sheets_and_a_blank_plan_name_take_defaults(tmp_path: Path) -> None:
    book = sheets()
    del book["Existing"]
    set_cell(book, "Settings", 2, "value", None)
    problem, _ = read_problem(write_xlsx(tmp_path / "north-plan.xlsx", book))
    assert problem.existing == ()
    assert problem.settings.plan_name == "north-plan"


def test_areas_take_the_posts_sheet_spelling(tmp_path: Path) -> None:
    book = sheets()
    set_cell(book, "Candidates", 2, "home_area", "INVERNESS")
    set_cell(book, "Candidates", 2, "preferred_areas", "inverness ,  caithness  and sutherland")
    set_cell(book, "Travel", 2, "from_area", "inverness")
    problem, _ = read_problem(write_xlsx(tmp_path / "in.xlsx", book))
    ann = problem.candidate_by_person["A"]
    assert ann.home_area == "Inverness"
    assert ann.preferred_areas == ("Inverness", "Caithness and Sutherland")
    assert problem.travel[0].from_area == "Inverness"


def test_an_area_whose_name_holds_a_comma_survives_a_list_cell(tmp_path: Path) -> None:
    book = sheets()
    set_cell(book, "Posts", 2, "area", "Skye, Wester Ross and Lochaber")
    set_cell(book, "Travel", 2, "from_area", "Skye, Wester Ross and Lochaber")
    set_cell(book, "Travel", 3, "to_area", "Skye, Wester Ross and Lochaber")
    set_cell(book, "Candidates", 2, "home_area", "Skye, Wester Ross and Lochaber")
    set_cell(book, "Candidates", 2, "preferred_areas",
             "Caithness and Sutherland, skye,wester ross and lochaber")
    problem, findings = read_problem(write_xlsx(tmp_path / "in.xlsx", book))
    assert problem.candidate_by_person["A"].preferred_areas == (
        "Caithness and Sutherland", "Skye, Wester Ross and Lochaber")
    assert findings == []


def test_ids_are_trimmed_but_case_sensitive(tmp_path: Path) -> None:
    error = _error_at(_spoilt(tmp_path, "Candidates", 2, "agency", " hc "), "Candidates", 2,
                      "agency")
    assert "did you mean 'HC'?" in error.message


# -- located errors --------------------------------------------------------------------------

@pytest.mark.parametrize(("sheet", "row", "column", "value", "words"), [
    ("Agencies", 2, "max_concurrent", 2.5, "not a whole number"),
    ("Agencies", 2, "max_concurrent", True, "not a whole number"),
    ("Agencies", 2, "max_concurrent", -1, "must be 0 or more"),
    ("Agencies", 3, "backfill_budget", "lots", "not a number"),
    ("Grades", 2, "monthly_cost", -5, "must be 0 or more"),
    ("Posts", 2, "min_level", "=1+1", "formulas are not accepted, type the value"),
    ("Posts", 2, "funding", "sometimes", "seconded, funded, either"),
    ("Posts", 3, "start", "April", "not a month"),
    ("Candidates", 2, "max_months", 0, "must be 1 or more"),
    ("Candidates", 3, "person", None, "person is blank: it is required"),
    ("Travel", 2, "minutes", -3, "must be 0 or more"),
    ("Settings", 4, "value", 200, "horizon_months must be 120 or less"),
    ("Settings", 4, "value", 0, "horizon_months must be 1 or more"),
    ("Settings", 3, "value", "next April", "not a month"),
])
def test_a_bad_cell_is_a_located_error(tmp_path: Path, sheet: str, row: int, column: str,
                                       value: object, words: str) -> None:
    error = _error_at(_spoilt(tmp_path, sheet, row, column, value), sheet, row, column)
    assert words in error.message


def test_every_error_is_found_in_one_pass_and_listed_in_sheet_order(tmp_path: Path) -> None:
    book = sheets()
    set_cell(book, "Candidates", 3, "agency", "POL")
    set_cell(book, "Grades", 2, "level", "six")
    set_cell(book, "Agencies", 3, "max_concurrent", None)
    set_cell(book, "Existing", 2, "post", "XX")
    errors = _errors(write_xlsx(tmp_path / "in.xlsx", book))
    located = [(e.location.sheet, e.location.row, e.location.column) for e in errors
               if e.location]
    assert located == [("Agencies", 3, "max_concurrent"), ("Grades", 2, "level"),
                       ("Candidates", 3, "agency"), ("Existing", 2, "post")]


def test_references_to_an_unreadable_row_are_not_also_reported(tmp_path: Path) -> None:
    # Grade HC8's row is unreadable; candidate A of grade HC8 is not "unknown" on top.
    errors = _errors(_spoilt(tmp_path, "Grades", 2, "monthly_cost", "n/a"))
    assert len(errors) == 1


def test_a_home_area_is_not_mistaken_for_a_post_area_when_other_rows_fail(tmp_path: Path
                                                                          ) -> None:
    book = sheets()
    set_cell(book, "Grades", 2, "level", "high")
    set_cell(book, "Candidates", 3, "home_area", "Moray")
    set_cell(book, "Candidates", 2, "preferred_areas", "Moray")
    book["Travel"].append(["Moray", "Inverness", 60])
    located = [(e.location.sheet, e.location.row, e.location.column)
               for e in _errors(write_xlsx(tmp_path / "in.xlsx", book)) if e.location]
    assert located == [("Grades", 2, "level"), ("Candidates", 2, "preferred_areas")]


def test_warnings_travel_with_errors(tmp_path: Path) -> None:
    book = sheets()
    set_cell(book, "Existing", 2, "person", "Z")
    del book["Travel"]
    with pytest.raises(InvalidInput) as raised:
        read_problem(write_xlsx(tmp_path / "in.xlsx", book))
    assert sorted(f.severity for f in raised.value.findings) == ["error", "warning"]


def test_settings_names_unknown_duplicated_and_required(tmp_path: Path) -> None:
    book = sheets()
    book["Settings"] = [r for r in book["Settings"] if r[0] != "horizon_months"]
    book["Settings"] += [["Plan Name", "again"], ["colour", "blue"]]
    errors = _errors(write_xlsx(tmp_path / "in.xlsx", book))
    messages = [e.message for e in errors]
    assert any("plan_name is given twice (first on row 2)" in text for text in messages)
    assert any("'colour' is not a setting" in text and "horizon_start" in text
               for text in messages)
    assert any(text.startswith("horizon_months is required") for text in messages)


def test_a_missing_sheet_or_column_is_reported(tmp_path: Path) -> None:
    book = sheets()
    del book["Posts"]
    book["Grades"] = [row[:3] for row in book["Grades"]]
    path = write_xlsx(tmp_path / "in.xlsx", book)
    assert "no Posts sheet" in _error_at(path, "Posts", None, None).message
    assert "no 'monthly_cost' column" in _error_at(path, "Grades", 1, "monthly_cost").message


def test_a_required_sheet_with_only_its_header_is_reported(tmp_path: Path) -> None:
    book = sheets()
    book["Grades"] = book["Grades"][:1]
    book["Existing"] = book["Existing"][:1]  # optional: empty is fine
    path = write_xlsx(tmp_path / "in.xlsx", book)
    assert _error_at(path, "Grades", None, None).message == (
        "the Grades sheet has no rows: add at least one grade")


def test_a_column_named_twice_is_reported(tmp_path: Path) -> None:
    book = sheets()
    for row in book["Agencies"]:
        row.append(row[2])
    error = _error_at(write_xlsx(tmp_path / "in.xlsx", book), "Agencies", 1, "max_concurrent")
    assert "appears twice" in error.message


# -- not a workbook --------------------------------------------------------------------------

def _written(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(("name", "content", "words"), [
    ("notes.xlsx", b"this is just text\n", "not an Excel workbook"),
    ("scan.xlsx", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "not an Excel workbook"),
    ("empty.xlsx", b"", "not an Excel workbook"),
    ("old.xls", b"\xd0\xcf\x11\xe0", "old-style Excel .xls"),
    ("calc.ods", b"PK\x03\x04", "OpenDocument"),
    ("Settings.csv", b"setting,value\n", "single CSV file"),
])
def test_a_file_that_is_not_a_workbook_is_one_clear_error(tmp_path: Path, name: str,
                                                         content: bytes, words: str) -> None:
    errors = _errors(_written(tmp_path / name, content))
    assert len(errors) == 1 and words in errors[0].message


def test_a_zip_that_is_not_a_workbook_is_one_clear_error(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hello")
    errors = _errors(path)
    assert len(errors) == 1 and "could not be opened as an Excel .xlsx workbook" in (
        errors[0].message)


def test_a_missing_path_and_an_empty_folder_are_clear_errors(tmp_path: Path) -> None:
    assert "does not exist" in _errors(tmp_path / "nowhere.xlsx")[0].message
    (tmp_path / "empty").mkdir()
    assert "no CSV files" in _errors(tmp_path / "empty")[0].message


def test_a_workbook_without_an_extension_is_still_read(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "in.xlsx", sheets()).rename(tmp_path / "plain")
    problem, _ = read_problem(path)
    assert len(problem.posts) == 2


def test_openpyxl_parses_xml_through_defusedxml() -> None:
    assert openpyxl.DEFUSEDXML is True


def test_a_csv_saved_by_excel_in_windows_1252_is_read(tmp_path: Path) -> None:
    folder = write_csv_folder(tmp_path / "in", sheets())
    (folder / "Agencies.csv").write_bytes(
        "agency,name,max_concurrent\r\nHC,Comhairle £,2\r\nNHS,NHS,1\r\n".encode("cp1252"))
    problem, _ = read_problem(folder)
    assert problem.agencies[0].name == "Comhairle £"


def test_a_csv_with_semicolons_and_quoted_commas_is_read(tmp_path: Path) -> None:
    folder = write_csv_folder(tmp_path / "in", sheets())
    (folder / "Agencies.csv").write_text(
        'agency;name;max_concurrent\nHC;"Council, Highland\nand Islands";2\nNHS;NHS;1\n',
        encoding="utf-8")
    problem, _ = read_problem(folder)
    assert problem.agencies[0].name == "Council, Highland\nand Islands"
    assert [a.row for a in problem.agencies] == [2, 3]


def _rows_without(rows: Rows, column: str) -> Rows:
    index = rows[0].index(column)
    return [row[:index] + row[index + 1:] for row in rows]


def test_optional_columns_may_be_left_out(tmp_path: Path) -> None:
    book = sheets()
    book["Posts"] = _rows_without(book["Posts"], "funding")
    problem, _ = read_problem(write_xlsx(tmp_path / "in.xlsx", book))
    assert {p.funding for p in problem.posts} == {"seconded"}


def test_the_highland_sample_reads_without_errors(highland_path: Path) -> None:
    problem, findings = read_problem(highland_path)
    assert len(problem.posts) >= 5
    assert all(f.severity == "warning" for f in findings)
