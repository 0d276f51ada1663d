"""One workbook per agency, holding only that agency's staff (data protection).

An agency is sent what it needs to check its commitment and nothing about other agencies'
people: its Secondments rows, a Schedule where everyone else's secondees are "another agency",
and its block of the Agencies sheet (staff out against its limit, cost against its budget).
Other people's ids and names are left out of the file altogether, not hidden: a hidden sheet
or column would still hand them over. The workbook's metadata is set deliberately (creator
"rotation", no user names).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import groupby
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from rotation.domain import Problem
from rotation.io.agency_facts import EmptyKind, PlanFacts, PlanRow, facts_from_solve
from rotation.io.files import OutputError, check_output_path
from rotation.io.plan_facts_reader import read_plan_facts
from rotation.io.plan_sheets import printing, styles
from rotation.io.plan_sheets.agencies import AgencyBlock, write_agency_sheet
from rotation.io.plan_sheets.schedule import (
    AREA_LINE,
    FUNDED,
    LEGEND_TEXT_COLUMN,
    VACANT,
    CellLook,
    longest_word,
    print_by_financial_year,
)
from rotation.io.plan_sheets.secondments import HEADER as SECONDMENTS_HEADER
from rotation.io.xlsx import (
    FONT_NAME,
    CellValue,
    add_table,
    clean_text,
    fit_columns,
    new_workbook,
    save_workbook,
    set_value,
    style_header,
    write_rows,
)
from rotation.months import financial_year, financial_year_label, format_month, format_span
from rotation.plan import CheckReport, SolveResult

ANOTHER_AGENCY = "another agency"
ANOTHER_FILL = PatternFill("solid", fgColor="FFFFFF")
ANOTHER_FONT = Font(name=FONT_NAME, italic=True, color="595959")
_UNSAFE_IN_FILE_NAMES = re.compile(r"[^A-Za-z0-9._-]+")
# Names Windows keeps for devices: a file called CON.xlsx cannot be opened there.
_WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                    *(f"LPT{i}" for i in range(1, 10))}


def write_agency_workbooks(folder: Path, problem: Problem, result: SolveResult,
                           report: CheckReport, *, force: bool, stem: str = "") -> list[Path]:
    """Write one workbook per agency into ``folder`` from a solved plan; return their paths.

    Files are named ``<stem>-<AGENCY>.xlsx`` (``<AGENCY>.xlsx`` without a stem). Nothing is
    written unless every file may be: an existing one is replaced only with ``force``.
    """
    return write_agency_files(folder, facts_from_solve(problem, result, report), stem=stem,
                              force=force)


def split_plan_workbook(plan: Path, folder: Path, *, force: bool) -> list[Path]:
    """Write one workbook per agency from a plan workbook alone; return their paths.

    Files are named ``<plan stem>-<AGENCY>.xlsx``. Raises InvalidInput when ``plan`` is not
    a plan workbook, OutputError when a file may not be written.
    """
    facts = read_plan_facts(plan)
    return write_agency_files(folder, facts, stem=plan.stem, force=force, inputs=(plan,))


def write_agency_files(folder: Path, facts: PlanFacts, *, stem: str, force: bool,
                       inputs: tuple[Path, ...] = ()) -> list[Path]:
    """Check every target first, then write each agency's workbook atomically."""
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder} is a file: give a folder for the agency workbooks")
    names = agency_file_names([block.code for block in facts.blocks], stem)
    targets = [folder / name for name in names]
    for target in targets:
        check_output_path(target, force=force, inputs=inputs)
    for block, target in zip(facts.blocks, targets, strict=True):
        save_workbook(agency_workbook(facts, block), target)
    return targets


def agency_file_names(codes: Sequence[str], stem: str) -> list[str]:
    """A safe, distinct file name per agency code: ``<stem>-<CODE>.xlsx`` or ``<CODE>.xlsx``.

    Characters a file system may refuse become ``_``; names that differ only by case get a
    number, because Windows and macOS treat them as the same file.
    """
    names: list[str] = []
    taken: set[str] = set()
    for code in codes:
        safe = _UNSAFE_IN_FILE_NAMES.sub("_", code).strip("._") or "agency"
        base = f"{stem}-{safe}" if stem else safe
        if base.upper() in _WINDOWS_DEVICES:
            base = f"agency-{base}"
        name, number = base, 1
        while name.casefold() in taken:
            number += 1
            name = f"{base}-{number}"
        taken.add(name.casefold())
        names.append(f"{name}.xlsx")
    return names


def agency_workbook(facts: PlanFacts, block: AgencyBlock) -> Workbook:
    """The workbook for one agency: Summary, Secondments, Schedule and Backfill."""
    book = new_workbook()
    own = [row for row in facts.rows if row.agency == block.code]
    _write_summary(book, facts, block, len(own))
    _write_secondments(book, facts, block.code, own)
    _write_schedule(book, facts, block)
    write_agency_sheet(book, "Backfill", [block])
    book.properties.title = clean_text(f"{facts.plan_name} — {block.code}")
    book.properties.subject = clean_text(f"Secondment plan for {block.code}")
    book.properties.description = "Written by rotation; holds only this agency's staff."
    return book


def summary_rows(facts: PlanFacts, block: AgencyBlock, secondments: int
                 ) -> list[tuple[str, CellValue, str]]:
    """(setting, value, meaning) rows of an agency workbook's Summary."""
    horizon = format_span(facts.months[0], facts.months[-1]) if facts.months else ""
    rows: list[tuple[str, CellValue, str]] = [
        ("plan_name", facts.plan_name, "Title of the plan."),
        ("status", facts.status, "How the search for the plan ended (OPTIMAL: proven best)."),
        ("agency", block.code, "The agency this workbook is for."),
        ("agency_name", block.name or block.code, "Its full name."),
        ("horizon", horizon, "First and last planned month."),
        ("secondments", secondments, "This agency's secondments in the plan."),
    ]
    if facts.vacant_post_months is not None:
        rows.append(("vacant_post_months", facts.vacant_post_months,
                     "Months in which a post open to secondees has no holder (whole plan)."))
    rows.append(("privacy", f"Holds only {block.code}'s staff.",
                 "Other agencies' secondees appear as 'another agency', without names."))
    return rows


def _write_summary(book: Workbook, facts: PlanFacts, block: AgencyBlock, secondments: int
                   ) -> None:
    """The Summary sheet: setting/value/meaning rows under a header in row 1."""
    sheet = book.create_sheet("Summary")
    rows = summary_rows(facts, block, secondments)
    write_rows(sheet, [("setting", "value", "meaning"), *rows])
    style_header(sheet)
    sheet.freeze_panes = "A2"
    add_table(sheet, "SummaryTable", 1, len(rows) + 1, 1, 3)
    fit_columns(sheet, maximum=90)
    for row in range(2, len(rows) + 2):
        sheet.cell(row=row, column=2).alignment = printing.LEFT
    printing.fit_to_width(sheet, landscape=True, title_rows="1:1")


def _write_secondments(book: Workbook, facts: PlanFacts, code: str, own: list[PlanRow]
                       ) -> None:
    """The agency's Secondments rows, in the plan's columns; another agency's outgoing
    officer is named only as "another agency"."""
    sheet = book.create_sheet("Secondments")
    agency_of = facts.agency_of()
    rows = []
    for row in own:
        follows = row.follows
        if follows and agency_of.get(follows) != code:
            follows = ANOTHER_AGENCY
        rows.append(row.cells(follows=follows))
    write_rows(sheet, [SECONDMENTS_HEADER, *rows])
    style_header(sheet)
    sheet.freeze_panes = "A2"
    add_table(sheet, "SecondmentsTable", 1, len(rows) + 1, 1, len(SECONDMENTS_HEADER))
    fit_columns(sheet)
    printing.fit_to_width(sheet, landscape=True, title_rows="1:1")


def _schedule_look(facts: PlanFacts, code: str, colour: str, post: str, month: int,
                   when_empty: EmptyKind) -> CellLook:
    """One post-month as the agency sees it: its own people by name, others anonymous."""
    holders = facts.holders(post, month)
    labels = [row.name or row.person if row.agency == code else ANOTHER_AGENCY
              for row in holders]
    if len(holders) == 1:
        if holders[0].agency == code:
            return CellLook(labels[0], styles.agency_fill(colour))
        return CellLook(ANOTHER_AGENCY, ANOTHER_FILL, ANOTHER_FONT)
    if len(holders) == 2 and holders[1].follows == holders[0].person:
        return CellLook(" → ".join(labels), styles.HANDOVER_FILL, styles.HANDOVER_FONT,
                        styles.HANDOVER_BORDER)
    if holders:
        return CellLook(" + ".join(labels), styles.REACHED_FILL, styles.REACHED_FONT)
    if when_empty == "vacant":
        return CellLook(VACANT, styles.VACANT_FILL, styles.VACANT_FONT)
    if when_empty == "funded":
        return CellLook(FUNDED, styles.FUNDED_FILL, styles.FUNDED_FONT)
    if when_empty == "none":
        return CellLook("", styles.NO_POST_FILL)
    return CellLook("", PatternFill())


def _write_schedule(book: Workbook, facts: PlanFacts, block: AgencyBlock) -> None:
    """Posts down, months across, as on the plan's Schedule, with others' names left out."""
    sheet = book.create_sheet("Schedule")
    codes = [b.code for b in facts.blocks]
    colour = styles.agency_colours(codes).get(block.code, styles.UNKNOWN_AGENCY_COLOUR)
    _write_schedule_header(sheet, facts)
    widths = [len(format_month(m)) for m in facts.months]
    row = 3
    for post in facts.posts:
        set_value(sheet.cell(row=row, column=1), post.post)
        set_value(sheet.cell(row=row, column=2), post.area)
        for label_column in (1, 2):
            sheet.cell(row=row, column=label_column).alignment = styles.WRAPPED
        for index, (month, when_empty) in enumerate(zip(facts.months, post.when_empty,
                                                        strict=True)):
            look = _schedule_look(facts, block.code, colour, post.post, month, when_empty)
            look.apply(sheet, row, 3 + index)
            widths[index] = max(widths[index], longest_word(look.text))
        row += 1
    _write_legend(sheet, block, colour, row + 1)
    # As on the plan's Schedule: names and areas wrap, so a financial year prints on a page.
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = max(
        [12, *(min(34, max(AREA_LINE, longest_word(p.area)) + 3) for p in facts.posts)])
    for index, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(3 + index)].width = max(9, min(28, width + 3))
    for post_row in range(3, row):
        printing.fit_row_height(sheet, post_row)
    sheet.freeze_panes = "C3"
    print_by_financial_year(sheet, list(facts.months), first_month_column=3)


def _write_schedule_header(sheet: Worksheet, facts: PlanFacts) -> None:
    """Row 1: financial years over their months; row 2: post, area and the months."""
    set_value(sheet.cell(row=1, column=1), "financial year")
    sheet.cell(row=1, column=1).font = styles.BAND_FONT
    column = 3
    for band, (year, in_year) in enumerate(groupby(facts.months, key=financial_year)):
        span = len(list(in_year))
        for offset in range(span):
            sheet.cell(row=1, column=column + offset).fill = styles.BAND_FILLS[band % 2]
        set_value(sheet.cell(row=1, column=column), financial_year_label(year))
        sheet.cell(row=1, column=column).font = styles.BAND_FONT
        column += span
    write_rows(sheet, [["post", "area", *(format_month(m) for m in facts.months)]], start_row=2)
    style_header(sheet, row=2, last_column=2 + len(facts.months))


def _write_legend(sheet: Worksheet, block: AgencyBlock, colour: str, first_row: int) -> None:
    """What the cell colours and words mean."""
    set_value(sheet.cell(row=first_row, column=1), "Legend")
    sheet.cell(row=first_row, column=1).font = styles.SECTION_FONT
    entries = [
        (CellLook(block.code, styles.agency_fill(colour)), block.name or block.code),
        (CellLook(ANOTHER_AGENCY, ANOTHER_FILL, ANOTHER_FONT),
         "A secondee from another agency (names are not shared between agencies)."),
        (CellLook(VACANT, styles.VACANT_FILL, styles.VACANT_FONT), "No holder this month."),
        (CellLook(FUNDED, styles.FUNDED_FILL, styles.FUNDED_FONT),
         "A directly funded post: filled by a funded officer, not a secondee."),
        (CellLook("A → B", styles.HANDOVER_FILL, styles.HANDOVER_FONT, styles.HANDOVER_BORDER),
         "Handover: B, the incoming officer, shadows A, the outgoing one."),
        (CellLook("", styles.NO_POST_FILL), "The post does not exist this month."),
    ]
    for offset, (look, meaning) in enumerate(entries, start=first_row + 1):
        look.apply(sheet, offset, 1)
        set_value(sheet.cell(row=offset, column=LEGEND_TEXT_COLUMN), meaning)
