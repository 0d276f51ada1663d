"""The Secondments sheet: one row per secondment, the sheet ``rotation check`` reads back."""

from __future__ import annotations

from openpyxl import Workbook

from rotation.io.plan_sheets import printing
from rotation.io.plan_sheets.view import PlanView
from rotation.io.xlsx import CellValue, add_table, fit_columns, style_header, write_rows
from rotation.months import format_month

SHEET = "Secondments"
HEADER = ("person", "name", "agency", "grade", "post", "area", "start", "end", "months",
          "existing", "follows")


def secondment_rows(view: PlanView) -> list[tuple[CellValue, ...]]:
    """One row per secondment, by post then start; ``follows`` names the person handing over."""
    rows: list[tuple[CellValue, ...]] = []
    for secondment in view.secondments:
        candidate = view.candidate(secondment.person)
        post = view.post(secondment.post)
        outgoing = view.follows(secondment)
        rows.append((
            secondment.person,
            view.person_name(secondment.person),
            candidate.agency if candidate else "",
            candidate.grade if candidate else "",
            secondment.post,
            post.area if post else "",
            format_month(secondment.start),
            format_month(secondment.end),
            secondment.months,
            "yes" if secondment.existing else "no",
            outgoing.person if outgoing else "",
        ))
    return rows


def write_secondments(book: Workbook, view: PlanView) -> None:
    """Add the Secondments sheet as an Excel table with a frozen header."""
    sheet = book.create_sheet(SHEET)
    rows = secondment_rows(view)
    write_rows(sheet, [HEADER, *rows])
    style_header(sheet)
    sheet.freeze_panes = "A2"
    add_table(sheet, "SecondmentsTable", 1, len(rows) + 1, 1, len(HEADER))
    fit_columns(sheet)
    printing.fit_to_width(sheet, landscape=True, title_rows="1:1")
