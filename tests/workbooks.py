"""Tiny input workbooks and CSV folders for reader, validation and CLI tests.

``sheets()`` returns a valid input (no errors, no warnings) as plain rows, header first, so a
test can spoil exactly one cell and write it with ``write_xlsx`` or ``write_csv_folder``.
Rows are numbered as Excel numbers them: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
from pathlib import Path

from openpyxl import Workbook

Rows = list[list[object]]

_VALID: dict[str, Rows] = {
    "Settings": [
        ["setting", "value"],
        ["plan_name", "Test plan"],
        ["horizon_start", "2027-04"],
        ["horizon_months", 24],
        ["min_secondment_months", 6],
        ["max_secondment_months", 12],
        ["handover_overlap_months", 1],
        ["cooling_off_months", 0],
    ],
    "Agencies": [
        ["agency", "name", "max_concurrent", "backfill_budget", "pledged_months"],
        ["HC", "Highland Council", 2, 60000, 12],
        ["NHS", "NHS Highland", 1, None, None],
    ],
    "Grades": [
        ["agency", "grade", "level", "monthly_cost"],
        ["HC", "HC8", 6, 3800],
        ["NHS", "Band 6", 6, 3900.5],
    ],
    "Posts": [
        ["post", "area", "role", "min_level", "max_level", "skills", "start", "end", "funding"],
        ["INV", "Inverness", "Officer", 5, 6, None, None, None, "seconded"],
        ["CS", "Caithness and Sutherland", "Officer", 5, 6, "Community engagement",
         "2027-04", "2029-03", "either"],
    ],
    "Candidates": [
        ["person", "name", "agency", "grade", "home_area", "available_from", "available_to",
         "max_months", "skills", "preferred_areas", "excluded_areas"],
        ["A", "Ann Bell", "HC", "HC8", "Inverness", "2027-04", None, 12,
         "community engagement, facilitation", "Inverness, Caithness and Sutherland", None],
        ["B", "Bob Ross", "NHS", "Band 6", "Caithness and Sutherland", None, "2028-12", None,
         "Community Engagement", "Caithness and Sutherland", None],
    ],
    "Travel": [
        ["from_area", "to_area", "minutes"],
        ["Inverness", "Caithness and Sutherland", 120],
        ["Caithness and Sutherland", "Inverness", 120],
    ],
    "Existing": [
        ["person", "post", "start", "end"],
        ["B", "CS", "2027-01", "2027-09"],
    ],
}


def sheets() -> dict[str, Rows]:
    """A fresh copy of the valid input, sheet name → rows (header first)."""
    return copy.deepcopy(_VALID)


def set_cell(book: dict[str, Rows], sheet: str, row: int, column: str, value: object) -> None:
    """Set one cell by Excel row number and column name."""
    header = book[sheet][0]
    book[sheet][row - 1][header.index(column)] = value


def write_xlsx(path: Path, book: dict[str, Rows]) -> Path:
    """Write the sheets as an .xlsx workbook; text starting with '=' becomes a formula."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in book.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def write_csv_folder(folder: Path, book: dict[str, Rows]) -> Path:
    """Write the sheets as ``<sheet>.csv`` files in a folder, as Excel would save them."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in book.items():
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            for row in rows:
                writer.writerow(["" if v is None else _csv_text(v) for v in row])
    return folder


def _csv_text(value: object) -> str:
    """How a cell looks in a CSV file."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
