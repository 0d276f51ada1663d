"""The input workbook's layout: the empty template, and workbooks written by write_problem.

openpyxl warns when it meets something Excel would repair; pytest turns warnings into errors,
so every ``load_workbook`` here is also a check that Excel will open the file cleanly.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from rotation.findings import InvalidInput
from rotation.io import schema
from rotation.io.reader import read_problem
from rotation.io.template import write_template
from rotation.io.writer import write_problem
from tests import factory

INPUT_SHEET_NAMES = [sheet.name for sheet in schema.INPUT_SHEETS]

# (sheet, column) with a drop-down -> (sheet, column) whose values it offers.
EXPECTED_LISTS = {
    ("Grades", "agency"): ("Agencies", "agency"),
    ("Candidates", "agency"): ("Agencies", "agency"),
    ("Candidates", "grade"): ("Grades", "grade"),
    ("Candidates", "home_area"): ("Posts", "area"),
    ("Travel", "from_area"): ("Posts", "area"),
    ("Travel", "to_area"): ("Posts", "area"),
    ("Existing", "person"): ("Candidates", "person"),
    ("Existing", "post"): ("Posts", "post"),
}
SHEET_RANGE = re.compile(r"^'(?P<sheet>[^']+)'!\$(?P<col>[A-Z]+)\$2:\$(?P=col)\$(?P<last>\d+)$")


@pytest.fixture
def template(tmp_path: Path) -> Path:
    path = tmp_path / "template.xlsx"
    write_template(path)
    return path


def headers(book: Workbook, sheet_name: str) -> list[str]:
    return [cell.value for cell in book[sheet_name][1] if cell.value is not None]


def validation_on(book: Workbook, sheet_name: str, column: str) -> DataValidation:
    """The data validation covering row 2 of a named column, failing if there is none."""
    letter = get_column_letter(headers(book, sheet_name).index(column) + 1)
    found = [dv for dv in book[sheet_name].data_validations.dataValidation
             if f"{letter}2" in dv.sqref]
    assert len(found) == 1, f"{sheet_name}.{column} should have one drop-down"
    assert f"{letter}500" in found[0].sqref, "the drop-down should reach row 500"
    return found[0]


def test_template_has_instructions_first_then_every_input_sheet(template: Path) -> None:
    book = load_workbook(template)
    assert book.sheetnames == ["Instructions", *INPUT_SHEET_NAMES, schema.SCENARIOS.name]
    for sheet in (*schema.INPUT_SHEETS, schema.SCENARIOS):
        assert headers(book, sheet.name) == [c.name for c in sheet.columns]
        assert book[sheet.name].freeze_panes == "A2"
        assert book[sheet.name]["A1"].font.bold


def test_template_settings_list_every_default_and_leave_required_ones_blank(
        template: Path) -> None:
    book = load_workbook(template)
    rows = {name: value for name, value in book["Settings"].iter_rows(min_row=2,
                                                                     values_only=True)}
    assert list(rows) == [row.name for row in schema.SETTINGS_ROWS]
    assert rows["horizon_start"] is None and rows["horizon_months"] is None
    assert rows["min_secondment_months"] == 12
    assert rows["max_secondment_months"] == 23
    assert rows["handover_overlap_months"] == 1
    assert rows["weight_cost"] == pytest.approx(0.01)
    # The data sheets are empty below their headers.
    for name in INPUT_SHEET_NAMES[1:]:
        assert book[name].max_row == 1


def test_instructions_explain_every_sheet_column_and_setting(template: Path) -> None:
    book = load_workbook(template)
    text = [" | ".join(str(v) for v in row if v is not None)
            for row in book["Instructions"].iter_rows(values_only=True)]
    joined = "\n".join(text)
    assert "rotation validate" in joined and "rotation solve" in joined
    for sheet in schema.INPUT_SHEETS:
        assert f"{sheet.name} | {'required' if sheet.required else 'optional'} sheet" in joined
        for column in sheet.columns:
            status = "required" if column.required else "optional"
            assert f"{column.name} | {status} | {column.help}" in text
    for setting in schema.SETTINGS_ROWS:
        assert any(line.startswith(f"{setting.name} | ") and line.endswith(setting.help)
                   for line in text), setting.name
    assert "horizon_start | required | " + schema.SETTINGS_ROWS[1].help in text


def test_template_offers_code_lists_that_warn_rather_than_refuse(template: Path) -> None:
    book = load_workbook(template)
    for (sheet_name, column), (source_sheet, source_column) in EXPECTED_LISTS.items():
        validation = validation_on(book, sheet_name, column)
        assert validation.type == "list"
        match = SHEET_RANGE.match(validation.formula1 or "")
        assert match, f"{sheet_name}.{column}: malformed list range {validation.formula1!r}"
        assert match["sheet"] == source_sheet
        assert int(match["last"]) >= 500
        # The range points at the source column itself, judged by its header cell.
        assert book[source_sheet][f"{match['col']}1"].value == source_column
        assert not validation.showErrorMessage, "a planner filling sheets out of order is blocked"
        assert validation.allow_blank


def test_template_funding_is_a_fixed_list_that_refuses_other_values(template: Path) -> None:
    book = load_workbook(template)
    validation = validation_on(book, "Posts", "funding")
    assert validation.formula1 == '"seconded,funded,either"'
    assert validation.showErrorMessage and validation.errorStyle == "stop"


def test_reading_the_blank_template_names_the_missing_settings(template: Path) -> None:
    with pytest.raises(InvalidInput) as raised:
        read_problem(template)
    places = {(str(f.location.sheet), f.location.column) for f in raised.value.errors
              if f.location}
    assert ("Settings", "value") in places
    messages = " ".join(f.message for f in raised.value.errors)
    assert "horizon_start" in messages and "horizon_months" in messages


def test_reading_the_template_with_only_a_horizon_names_the_empty_sheets(
        template: Path, tmp_path: Path) -> None:
    book = load_workbook(template)
    settings = book["Settings"]
    settings["B3"], settings["B4"] = "2027-04", 36
    filled = tmp_path / "horizon-only.xlsx"
    book.save(filled)
    with pytest.raises(InvalidInput) as raised:
        read_problem(filled)
    empty = {f.location.sheet for f in raised.value.errors if f.location}
    assert {"Agencies", "Grades", "Posts", "Candidates"} <= empty


# -- write_problem ---------------------------------------------------------------------------

def test_write_problem_writes_the_schema_sheets_with_months_lists_and_blanks(
        tmp_path: Path) -> None:
    problem = factory.problem(
        posts=[factory.post("P1", skills=("gaelic", "data"), start="2027-06")],
        candidates=[factory.candidate("A", preferred_areas=("Area P1",), max_months=5)],
        existing=[factory.secondment("A", "P1", "2027-01", "2027-06")])
    path = tmp_path / "small.xlsx"
    write_problem(path, problem)
    book = load_workbook(path)
    assert book.sheetnames == ["Instructions", *INPUT_SHEET_NAMES]
    posts = book["Posts"]
    row = dict(zip(headers(book, "Posts"), [c.value for c in posts[2]], strict=False))
    assert row["skills"] == "gaelic, data"
    assert row["start"] == "2027-06" and row["end"] is None
    assert row["funding"] == "seconded"
    settings = {name: value for name, value in book["Settings"].iter_rows(min_row=2,
                                                                         values_only=True)}
    assert list(settings) == [s.name for s in schema.SETTINGS_ROWS]
    assert settings["horizon_start"] == "2027-04" and settings["horizon_months"] == 12
    assert settings["central_budget"] is None
    existing = [c.value for c in book["Existing"][2]]
    assert existing == ["A", "P1", "2027-01", "2027-06"]


def test_write_problem_keeps_optional_sheets_and_can_leave_out_the_aids(tmp_path: Path) -> None:
    path = tmp_path / "bare.xlsx"
    write_problem(path, factory.problem(), instructions=False)
    book = load_workbook(path)
    assert book.sheetnames == INPUT_SHEET_NAMES
    assert headers(book, "Travel") == ["from_area", "to_area", "minutes"]
    assert book["Existing"].max_row == 1
    assert not book["Candidates"].data_validations.dataValidation


def test_write_problem_stores_formula_like_text_as_text(tmp_path: Path) -> None:
    sneaky = '=HYPERLINK("http://example.com","click")'
    problem = factory.problem(candidates=[factory.candidate("A", name=sneaky)])
    path = tmp_path / "sneaky.xlsx"
    write_problem(path, problem)
    cell = load_workbook(path)["Candidates"]["B2"]
    assert cell.value == sneaky and cell.data_type == "s"


def test_write_problem_round_trips_through_the_reader(tmp_path: Path) -> None:
    problem = factory.problem(
        posts=[factory.post("P1", skills=("Gaelic",), end="2028-01"),
               factory.post("P2", area="North, far", funding="either", max_level=6)],
        candidates=[factory.candidate("A", home_area="Area P1", available_from="2027-05",
                                      preferred_areas=("Area P1",), excluded_areas=()),
                    factory.candidate("B", agency="NHS", grade="Band 6", skills=("gaelic",),
                                      max_months=4)],
        agencies=[factory.agency("HC", backfill_budget=12345.67, pledged_months=6),
                  factory.agency("NHS")],
        travel_times=[factory.travel("Area P1", "North, far", 95)],
        existing=[factory.secondment("B", "P1", "2027-02", "2027-05")],
        weight_travel=0.5)
    path = tmp_path / "round.xlsx"
    write_problem(path, problem)
    read, _warnings = read_problem(path)
    assert read == problem
