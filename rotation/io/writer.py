"""Write a Problem back out as an input workbook (the Highland sample, generated trials).

The workbook has exactly the sheets and columns of ``rotation.io.schema``, so reading it
back gives the same Problem: months as ``YYYY-MM`` text, lists comma-separated, blank for
nothing. Column names are the domain's field names, which is what lets one loop write them all.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from rotation.domain import Problem
from rotation.io import schema
from rotation.io.schema import Kind, Sheet
from rotation.io.template import add_dropdowns, add_input_sheet, add_instructions_sheet
from rotation.io.xlsx import CellValue, new_workbook, save_workbook
from rotation.months import format_month

Row = tuple[CellValue, ...]


def cell_value(kind: Kind, value: object) -> CellValue:
    """A domain value as it is written in a cell of the given kind (None stays blank)."""
    if value is None:
        return None
    if kind == "month":
        assert isinstance(value, int)
        return format_month(value)
    if kind == "list":
        assert isinstance(value, tuple | list)
        return ", ".join(str(item) for item in value) or None
    if kind in ("integer", "number"):
        assert isinstance(value, int | float) and not isinstance(value, bool)
        return value
    text = str(value)
    return text or None


def settings_rows(problem: Problem) -> list[Row]:
    """One (setting, value) row for every setting, with the problem's values."""
    return [(row.name, cell_value(row.kind, getattr(problem.settings, row.name)))
            for row in schema.SETTINGS_ROWS]


def record_rows(sheet: Sheet, records: tuple[BaseModel, ...]) -> list[Row]:
    """One row per record, one cell per column of the sheet."""
    return [tuple(cell_value(column.kind, getattr(record, column.name))
                  for column in sheet.columns)
            for record in records]


def problem_rows(problem: Problem) -> dict[str, list[Row]]:
    """Every input sheet's rows (without the header), by sheet name."""
    return {
        schema.SETTINGS.name: settings_rows(problem),
        schema.AGENCIES.name: record_rows(schema.AGENCIES, problem.agencies),
        schema.GRADES.name: record_rows(schema.GRADES, problem.grades),
        schema.POSTS.name: record_rows(schema.POSTS, problem.posts),
        schema.CANDIDATES.name: record_rows(schema.CANDIDATES, problem.candidates),
        schema.TRAVEL.name: record_rows(schema.TRAVEL, problem.travel),
        schema.EXISTING.name: record_rows(schema.EXISTING, problem.existing),
    }


def write_problem(path: Path, problem: Problem, *, instructions: bool = True) -> None:
    """Write the problem as an input workbook; with ``instructions``, add the planner's aids.

    The aids are the Instructions sheet and the drop-down lists of ``rotation template``.
    Optional sheets (Travel, Existing) are always present, with headers, even when empty.
    """
    book = new_workbook()
    rows = problem_rows(problem)
    for sheet in schema.INPUT_SHEETS:
        add_input_sheet(book, sheet, rows[sheet.name])
    if instructions:
        add_instructions_sheet(book)
        add_dropdowns(book)
    book.active = 0
    save_workbook(book, path)
