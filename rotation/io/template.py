"""The layout of an input workbook, and the empty template ``rotation template`` writes.

Every input workbook the tool writes (the template, the Highland sample, generated trials)
has the same shape: an Instructions sheet first, then every sheet of ``rotation.io.schema``
with a styled, frozen header row, and drop-down lists that offer the codes already typed on
other sheets. Sheet and column names come from the schema only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from rotation.domain import Settings
from rotation.io import schema
from rotation.io.schema import SettingRow, Sheet
from rotation.io.xlsx import (
    FONT_NAME,
    TITLE_FONT,
    CellValue,
    fit_columns,
    new_workbook,
    save_workbook,
    set_value,
    style_header,
    write_rows,
)

INSTRUCTIONS = "Instructions"

# Drop-downs reach this far down (or further when a sheet already holds more rows), so that
# a planner adding rows keeps the lists without editing the validation.
DROPDOWN_LAST_ROW = 1000
DROPDOWN_SPARE_ROWS = 500

# (sheet, column) that offers a list, and the (sheet, column) the list is read from.
DROPDOWN_SOURCES: tuple[tuple[tuple[str, str], tuple[str, str]], ...] = (
    ((schema.GRADES.name, "agency"), (schema.AGENCIES.name, "agency")),
    ((schema.CANDIDATES.name, "agency"), (schema.AGENCIES.name, "agency")),
    ((schema.CANDIDATES.name, "grade"), (schema.GRADES.name, "grade")),
    ((schema.CANDIDATES.name, "home_area"), (schema.POSTS.name, "area")),
    ((schema.TRAVEL.name, "from_area"), (schema.POSTS.name, "area")),
    ((schema.TRAVEL.name, "to_area"), (schema.POSTS.name, "area")),
    ((schema.EXISTING.name, "person"), (schema.CANDIDATES.name, "person")),
    ((schema.EXISTING.name, "post"), (schema.POSTS.name, "post")),
)

ABOUT = (
    "rotation plans which member of staff from which partner agency fills each post, month "
    "by month, within the rules on grades, availability, backfill limits and handovers.",
    "Fill in the sheets below, check them with `rotation validate`, then plan with "
    "`rotation solve`.",
)
CONVENTIONS = (
    "Months are written YYYY-MM (e.g. 2027-04); a real date in the cell works too.",
    "Lists (skills, preferred_areas, excluded_areas) are comma-separated in one cell.",
    "Blank rows are skipped and extra columns are ignored; sheet and column names are not "
    "case-sensitive.",
    "Drop-down lists offer the codes typed on the other sheets: fill in Agencies, Grades and "
    "Posts first, then Candidates.",
)


def column_letter(sheet: Sheet, column: str) -> str:
    """The spreadsheet letter of a column of an input sheet (A for the first)."""
    names = [c.name for c in sheet.columns]
    return get_column_letter(names.index(column) + 1)


def add_input_sheet(book: Workbook, sheet: Sheet,
                    rows: Iterable[Sequence[CellValue]] = ()) -> Worksheet:
    """Add one input sheet: a styled, frozen header row of the schema's columns, then rows."""
    worksheet = book.create_sheet(sheet.name)
    write_rows(worksheet, [[c.name for c in sheet.columns]])
    write_rows(worksheet, rows, start_row=2)
    style_header(worksheet, last_column=len(sheet.columns))
    fit_columns(worksheet, minimum=12)
    worksheet.freeze_panes = "A2"
    return worksheet


def default_settings_rows() -> list[tuple[CellValue, CellValue]]:
    """One (setting, default) row per setting; the required ones (no default) blank."""
    return [(row.name, _as_cell(row.default)) for row in schema.SETTINGS_ROWS]


def _as_cell(value: object) -> CellValue:
    """A schema default as a cell value."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def add_instructions_sheet(book: Workbook) -> Worksheet:
    """Add the Instructions sheet, first: what the tool does, then every sheet and column."""
    worksheet = book.create_sheet(INSTRUCTIONS, 0)
    set_value(worksheet.cell(row=1, column=1), "rotation: input workbook")
    worksheet.cell(row=1, column=1).font = TITLE_FONT
    row = write_rows(worksheet, [[line] for line in ABOUT], start_row=2) + 1
    row = write_rows(worksheet, [[f"- {line}"] for line in CONVENTIONS], start_row=row) + 1
    for sheet in (*schema.INPUT_SHEETS, schema.SCENARIOS):
        row = _describe_sheet(worksheet, sheet, row) + 1
    worksheet.column_dimensions["A"].width = 28
    worksheet.column_dimensions["B"].width = 14
    worksheet.column_dimensions["C"].width = 95
    return worksheet


def _describe_sheet(worksheet: Worksheet, sheet: Sheet, row: int) -> int:
    """Write one sheet's description and column table from ``row``; return the next free row."""
    status = "required sheet" if sheet.required else "optional sheet"
    write_rows(worksheet, [[sheet.name, status, sheet.help]], start_row=row)
    worksheet.cell(row=row, column=1).font = Font(name=FONT_NAME, bold=True, size=12)
    row = write_rows(worksheet, [["column", "required?", "meaning"]], start_row=row + 1)
    style_header(worksheet, row=row - 1, last_column=3)
    lines: list[Sequence[CellValue]] = [
        [column.name, "required" if column.required else "optional", column.help]
        for column in sheet.columns
    ]
    row = _write_wrapped(worksheet, lines, row)
    if sheet is schema.SETTINGS:
        row = write_rows(worksheet, [["setting", "default", "meaning"]], start_row=row)
        style_header(worksheet, row=row - 1, last_column=3)
        settings = [[setting.name, _setting_default(setting), setting.help]
                    for setting in schema.SETTINGS_ROWS]
        row = _write_wrapped(worksheet, settings, row)
    return row


def _write_wrapped(worksheet: Worksheet, lines: Sequence[Sequence[CellValue]], row: int) -> int:
    """Write rows whose third cell (the meaning) wraps; return the next free row."""
    after = write_rows(worksheet, lines, start_row=row)
    for line in range(row, after):
        worksheet.cell(row=line, column=3).alignment = Alignment(wrap_text=True, vertical="top")
    return after


def _setting_default(setting: SettingRow) -> CellValue:
    """What the Instructions show as a setting's default: the value, required or blank."""
    if Settings.model_fields[setting.name].is_required():
        return "required"
    return "(blank)" if setting.default is None else _as_cell(setting.default)


def add_dropdowns(book: Workbook) -> None:
    """Add drop-down lists: codes from the other sheets, and the fixed funding choices.

    The code lists warn rather than refuse (no error box), so a planner who fills the sheets
    out of order is never blocked; only funding, a fixed list, refuses other values.
    """
    for (target_name, target_column), (source_name, source_column) in DROPDOWN_SOURCES:
        target, source = _sheet(target_name), _sheet(source_name)
        last = _last_row(book, source_name, target_name)
        letter = column_letter(source, source_column)
        formula = f"{quote_sheetname(source.name)}!${letter}$2:${letter}${last}"
        validation = DataValidation(
            type="list", formula1=formula, allow_blank=True, showErrorMessage=False,
            errorStyle="warning", showInputMessage=True,
            promptTitle=_clip(target_column, 32),
            prompt=_clip(f"Choose from the {source_column} column of {source.name}, "
                         "or type a new one.", 255))
        _apply(book, validation, target, target_column, last)
    posts = schema.POSTS
    funding = DataValidation(
        type="list", formula1='"' + ",".join(schema.FUNDING_CHOICES) + '"', allow_blank=True,
        showErrorMessage=True, errorStyle="stop", errorTitle="funding",
        error="Choose " + ", ".join(schema.FUNDING_CHOICES[:-1])
              + f" or {schema.FUNDING_CHOICES[-1]}.",
        showInputMessage=True, promptTitle="funding",
        prompt=_clip(posts.column("funding").help, 255))
    _apply(book, funding, posts, "funding", _last_row(book, posts.name))


def _sheet(name: str) -> Sheet:
    """The schema's input sheet of that name."""
    return next(s for s in schema.INPUT_SHEETS if s.name == name)


def _last_row(book: Workbook, *sheet_names: str) -> int:
    """How far down a drop-down reaches: past the rows already filled, with room to spare."""
    filled = max(book[name].max_row for name in sheet_names)
    return max(DROPDOWN_LAST_ROW, filled + DROPDOWN_SPARE_ROWS)


def _apply(book: Workbook, validation: DataValidation, sheet: Sheet, column: str,
           last: int) -> None:
    """Attach a validation to a column of a sheet, from row 2 down to ``last``."""
    letter = column_letter(sheet, column)
    validation.add(f"{letter}2:{letter}{last}")
    book[sheet.name].add_data_validation(validation)


def _clip(text: str, limit: int) -> str:
    """Excel refuses prompt titles over 32 and prompts over 255 characters."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def write_template(path: Path) -> None:
    """Write an empty input workbook: instructions, headers, default settings, drop-downs."""
    book = new_workbook()
    add_instructions_sheet(book)
    for sheet in schema.INPUT_SHEETS:
        rows = default_settings_rows() if sheet is schema.SETTINGS else ()
        add_input_sheet(book, sheet, rows)
    add_input_sheet(book, schema.SCENARIOS)  # optional: only `rotation compare` reads it
    add_dropdowns(book)
    book.active = 0
    save_workbook(book, path)
