"""The Changes sheet and the diff workbook: what changed between two plans, for Excel.

The Changes sheet lists every secondment of both plans (one row per ``Change``), sorted by
kind then person, each row coloured by kind; the kind is also written in words, so colour is
never the only signal. Every text goes through ``set_value``, so a name such as
``=HYPERLINK(...)`` stays text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from rotation.changes import Change, ChangeKind, change_sort_key, changed_months, summarise
from rotation.domain import Secondment
from rotation.io.cells import CellError, read_text
from rotation.io.plan_reader import HEADER_SEARCH_ROWS, PLAN_SHEET, REQUIRED_COLUMNS
from rotation.io.plan_sheets.printing import fit_to_width
from rotation.io.tables import read_tables
from rotation.io.xlsx import (
    FONT_NAME,
    CellValue,
    add_table,
    clean_text,
    fit_columns,
    new_workbook,
    save_workbook,
    style_header,
    write_rows,
)
from rotation.months import format_month

CHANGES_SHEET = "Changes"
CHANGES_HEADER = ("kind", "person", "name", "old post", "old start", "old end", "new post",
                  "new start", "new end", "description", "reason")
SUMMARY_SHEET = "Summary"
SUMMARY_HEADER = ("setting", "value", "meaning")

# Excel's own "Bad", "Neutral" and "Good" cell styles; kept rows stay plain.
KIND_STYLES: dict[ChangeKind, tuple[PatternFill, Font] | None] = {
    "dropped": (PatternFill("solid", fgColor="FFC7CE"), Font(name=FONT_NAME, color="9C0006")),
    "moved": (PatternFill("solid", fgColor="FFEB9C"), Font(name=FONT_NAME, color="9C5700")),
    "added": (PatternFill("solid", fgColor="C6EFCE"), Font(name=FONT_NAME, color="006100")),
    "kept": None,
}

KIND_MEANINGS: dict[ChangeKind, str] = {
    "dropped": "Secondments of the old plan with no counterpart in the new one.",
    "moved": "Same person in both plans, but a different post and/or dates.",
    "added": "Secondments only in the new plan.",
    "kept": "Same person, post, start and end in both plans.",
}


def write_changes_sheet(book: Workbook, changes: Sequence[Change],
                        people: Mapping[str, str] | None = None) -> None:
    """Add the Changes sheet: one row per change, sorted by kind then person, coloured by kind.

    ``people`` maps person ids to names for the ``name`` column (blank when not given).
    """
    sheet = book.create_sheet(CHANGES_SHEET)
    ordered = sorted(changes, key=change_sort_key)
    names = people or {}
    write_rows(sheet, [CHANGES_HEADER, *(change_row(c, names) for c in ordered)])
    for row_number, change in enumerate(ordered, start=2):
        style = KIND_STYLES[change.kind]
        if style is None:
            continue
        fill, font = style
        for column in range(1, len(CHANGES_HEADER) + 1):
            cell = sheet.cell(row=row_number, column=column)
            cell.fill = fill
            cell.font = font
    style_header(sheet)
    sheet.freeze_panes = "A2"
    add_table(sheet, "ChangesTable", 1, len(ordered) + 1, 1, len(CHANGES_HEADER))
    fit_columns(sheet, maximum=90)
    fit_to_width(sheet, landscape=True, title_rows="1:1")


def change_row(change: Change, people: Mapping[str, str]) -> tuple[CellValue, ...]:
    """One Changes row; months as ``YYYY-MM`` text, blanks for the side that does not exist."""
    return (change.kind, change.person, people.get(change.person, ""),
            *_secondment_cells(change.old), *_secondment_cells(change.new),
            change.description, change.reason)


def write_diff_workbook(path: Path, changes: Sequence[Change], old_label: str, new_label: str,
                        *, people: Mapping[str, str] | None = None) -> None:
    """Write a workbook with a Summary (counts) and the Changes sheet to ``path``, atomically."""
    book = new_workbook()
    _write_diff_summary(book, changes, old_label, new_label)
    write_changes_sheet(book, changes, people)
    book.properties.title = clean_text(f"Changes from {old_label} to {new_label}")
    save_workbook(book, path)


def plan_person_names(path: Path) -> dict[str, str]:
    """Person id → name from a plan's Secondments sheet, to label a diff (blank names skipped).

    Call it only on a file ``read_plan`` has accepted; a missing name column gives no names.
    """
    tables = read_tables(path, header_search_rows=HEADER_SEARCH_ROWS,
                         header_must_have=REQUIRED_COLUMNS)
    table = tables.get(PLAN_SHEET.casefold())
    names: dict[str, str] = {}
    if table is None:
        return names
    for row in table.rows:
        try:
            person, name = read_text(row.get("person")), read_text(row.get("name"))
        except CellError:
            continue  # a name is only a label: an odd cell is simply not shown
        if person and name:
            names.setdefault(person, name)
    return names


def _write_diff_summary(book: Workbook, changes: Sequence[Change], old_label: str,
                        new_label: str) -> None:
    """The Summary sheet of a diff workbook: which plans, and how many changes of each kind."""
    sheet = book.create_sheet(SUMMARY_SHEET)
    counts = summarise(changes)
    old = [c.old for c in changes if c.old is not None]
    new = [c.new for c in changes if c.new is not None]
    rows: list[tuple[CellValue, ...]] = [
        ("old_plan", old_label, "The plan compared from."),
        ("new_plan", new_label, "The plan compared to."),
        *((kind, counts[kind], KIND_MEANINGS[kind]) for kind in counts),
        ("changes", sum(n for kind, n in counts.items() if kind != "kept"),
         "Secondments dropped, moved or added."),
        ("changed_person_months", changed_months(old, new),
         "Months, counted per person, in which someone holds a different post (or none) "
         "than in the old plan."),
    ]
    write_rows(sheet, [SUMMARY_HEADER, *rows])
    style_header(sheet)
    sheet.freeze_panes = "A2"
    add_table(sheet, "DiffSummaryTable", 1, len(rows) + 1, 1, len(SUMMARY_HEADER))
    fit_columns(sheet, maximum=90)
    fit_to_width(sheet, landscape=True, title_rows="1:1")


def _secondment_cells(secondment: Secondment | None) -> tuple[CellValue, CellValue, CellValue]:
    """Post, start and end of one side of a change, or three blanks."""
    if secondment is None:
        return (None, None, None)
    return (secondment.post, format_month(secondment.start), format_month(secondment.end))
