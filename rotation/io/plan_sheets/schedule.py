"""The Schedule sheet: posts down, months across, each month's holder in their agency's colour.

Row 1 bands the months by financial year, row 2 names the months; the post and area columns
and both header rows stay frozen and print on every page. A legend sits below the grid. Names
wrap within their cells, so that a financial year of months prints legibly on one page width.
"""

from __future__ import annotations

from itertools import groupby

from openpyxl import Workbook
from openpyxl.styles import Border, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from rotation.domain import Post
from rotation.io.plan_sheets import printing, styles
from rotation.io.plan_sheets.view import PlanView
from rotation.io.xlsx import set_value, style_header
from rotation.months import Month, financial_year, financial_year_label, format_month

SHEET = "Schedule"
BAND_ROW = 1
HEADER_ROW = 2
FIRST_POST_ROW = 3
FIRST_MONTH_COLUMN = 3
VACANT = "VACANT"
FUNDED = "funded"
AREA_LINE = 16  # characters of an area name on one line before it wraps
# The legend's words start beside the first month, not in the area column: the post and area
# columns print on every page, and words there would be cut off at the area column's edge on
# every page after the first.
LEGEND_TEXT_COLUMN = FIRST_MONTH_COLUMN


class CellLook:
    """The text and style of one grid cell."""

    def __init__(self, text: str, fill: PatternFill, font: Font | None = None,
                 border: Border | None = None) -> None:
        """Text, fill and (optionally) font and border of a cell."""
        self.text = text
        self.fill = fill
        self.font = font or styles.PLAIN_FONT
        self.border = border or Border()

    def apply(self, sheet: Worksheet, row: int, column: int) -> None:
        """Write the text and style into a cell."""
        cell = sheet.cell(row=row, column=column)
        set_value(cell, self.text or None)
        cell.fill = self.fill
        cell.font = self.font
        cell.border = self.border
        cell.alignment = styles.CENTRED_WRAPPED


class ScheduleLooks:
    """Decides what each post-month cell shows: holder, handover, vacancy, funded or nothing."""

    def __init__(self, view: PlanView) -> None:
        """Assign each agency its colour, in the order the Agencies sheet lists them."""
        self.view = view
        self.colours = styles.agency_colours([a.agency for a in view.problem.agencies])
        self.clash_seen = False

    def holder_fill(self, person: str) -> PatternFill:
        """A fill in the colour of the person's agency."""
        colour = self.colours.get(self.view.agency_of(person), styles.UNKNOWN_AGENCY_COLOUR)
        return styles.agency_fill(colour)

    def look(self, post: Post, month: Month) -> CellLook:
        """The cell for a post in a month."""
        holders = self.view.holders(post.post, month)
        names = [self.view.person_name(s.person) for s in holders]
        if len(holders) == 1:
            return CellLook(names[0], self.holder_fill(holders[0].person))
        if self.view.is_handover_month(post.post, month):
            return CellLook(" → ".join(names), styles.HANDOVER_FILL, styles.HANDOVER_FONT,
                            styles.HANDOVER_BORDER)
        if holders:
            # More holders than a handover allows: a broken plan, shown rather than hidden.
            self.clash_seen = True
            return CellLook(" + ".join(names), styles.REACHED_FILL, styles.REACHED_FONT)
        if month not in self.view.problem.post_months(post):
            return CellLook("", styles.NO_POST_FILL)
        if self.view.is_funded(post.post, month):
            return CellLook(FUNDED, styles.FUNDED_FILL, styles.FUNDED_FONT)
        return CellLook(VACANT, styles.VACANT_FILL, styles.VACANT_FONT)


def write_schedule(book: Workbook, view: PlanView) -> None:
    """Add the Schedule sheet: the grid, its legend, frozen panes and print set-up."""
    sheet = book.create_sheet(SHEET)
    months = list(view.problem.horizon)
    _write_header(sheet, months)
    looks = ScheduleLooks(view)
    widths = [len(format_month(m)) for m in months]
    row = FIRST_POST_ROW
    for post in view.problem.posts:
        set_value(sheet.cell(row=row, column=1), post.post)
        set_value(sheet.cell(row=row, column=2), post.area)
        for label_column in (1, 2):
            sheet.cell(row=row, column=label_column).alignment = styles.WRAPPED
        for index, month in enumerate(months):
            look = looks.look(post, month)
            look.apply(sheet, row, FIRST_MONTH_COLUMN + index)
            widths[index] = max(widths[index], longest_word(look.text))
        row += 1
    _write_legend(sheet, view, looks, row + 1)
    _set_widths(sheet, view, widths)
    for post_row in range(FIRST_POST_ROW, row):
        printing.fit_row_height(sheet, post_row)
    sheet.freeze_panes = sheet.cell(row=FIRST_POST_ROW, column=FIRST_MONTH_COLUMN).coordinate
    print_by_financial_year(sheet, months, first_month_column=FIRST_MONTH_COLUMN)


def longest_word(text: str) -> int:
    """Characters in the longest word: the narrowest column that wraps ``text`` unbroken."""
    return max((len(word) for word in text.split()), default=0)


def financial_year_columns(months: list[Month], first_month_column: int
                           ) -> list[tuple[int, int]]:
    """The (first, last) column of each financial year's months."""
    groups = []
    column = first_month_column
    for _year, in_year in groupby(months, key=financial_year):
        span = len(list(in_year))
        groups.append((column, column + span - 1))
        column += span
    return groups


def print_by_financial_year(sheet: Worksheet, months: list[Month], first_month_column: int
                            ) -> None:
    """Landscape, a financial year to a page, the header rows and post columns on each."""
    printing.print_in_column_groups(
        sheet, financial_year_columns(months, first_month_column),
        title_columns=first_month_column - 1, title_rows=f"{BAND_ROW}:{HEADER_ROW}")


def _write_header(sheet: Worksheet, months: list[Month]) -> None:
    """Row 1: financial years as bands over their months; row 2: post, area and the months."""
    set_value(sheet.cell(row=BAND_ROW, column=1), "financial year")
    sheet.cell(row=BAND_ROW, column=1).font = styles.BAND_FONT
    column = FIRST_MONTH_COLUMN
    for band, (year, in_year) in enumerate(groupby(months, key=financial_year)):
        span = len(list(in_year))
        for offset in range(span):
            cell = sheet.cell(row=BAND_ROW, column=column + offset)
            cell.fill = styles.BAND_FILLS[band % 2]
            cell.font = styles.BAND_FONT
            cell.alignment = styles.CENTRED
        set_value(sheet.cell(row=BAND_ROW, column=column), financial_year_label(year))
        if span > 1:
            sheet.merge_cells(start_row=BAND_ROW, start_column=column, end_row=BAND_ROW,
                              end_column=column + span - 1)
        column += span
    header = ["post", "area", *(format_month(m) for m in months)]
    for offset, text in enumerate(header, start=1):
        set_value(sheet.cell(row=HEADER_ROW, column=offset), text)
    style_header(sheet, row=HEADER_ROW, last_column=len(header))
    for offset in range(FIRST_MONTH_COLUMN, len(header) + 1):
        sheet.cell(row=HEADER_ROW, column=offset).alignment = styles.CENTRED


def _write_legend(sheet: Worksheet, view: PlanView, looks: ScheduleLooks, first_row: int
                  ) -> None:
    """The legend below the grid: agency colours, then the special cells."""
    set_value(sheet.cell(row=first_row, column=1), "Legend")
    sheet.cell(row=first_row, column=1).font = styles.SECTION_FONT
    entries: list[tuple[CellLook, str]] = [
        (CellLook(agency.agency, styles.agency_fill(looks.colours[agency.agency])),
         agency.name or agency.agency)
        for agency in view.problem.agencies
    ]
    entries += [
        (CellLook(VACANT, styles.VACANT_FILL, styles.VACANT_FONT),
         "No holder this month: a vacancy (the Notes sheet says why)."),
        (CellLook(FUNDED, styles.FUNDED_FILL, styles.FUNDED_FONT),
         "A directly funded officer, not a secondee (a funded post, or a stretch of an "
         "'either' post that no secondee could cover; see the Funded sheet)."),
        (CellLook("A → B", styles.HANDOVER_FILL, styles.HANDOVER_FONT, styles.HANDOVER_BORDER),
         "Handover: B, the incoming officer, shadows A, the outgoing one."),
        (CellLook("", styles.NO_POST_FILL), "The post does not exist this month."),
    ]
    if looks.clash_seen:
        entries.append((CellLook("A + B", styles.REACHED_FILL, styles.REACHED_FONT),
                        "Two holders at once without a handover: breaks R1 one holder."))
    row = first_row + 1
    for look, meaning in entries:
        look.apply(sheet, row, 1)
        set_value(sheet.cell(row=row, column=LEGEND_TEXT_COLUMN), meaning)
        row += 1


def _set_widths(sheet: Worksheet, view: PlanView, month_widths: list[int]) -> None:
    """Post column fits ids and legend labels; area and month columns fit their longest word.

    Areas and names wrap onto a second line rather than widen their column. The legend's
    explanations are left to run on into the empty cells beside them.
    """
    labels = ["post", *(p.post for p in view.problem.posts),
              *(a.agency for a in view.problem.agencies), VACANT]
    sheet.column_dimensions["A"].width = _clamp(max(len(t) for t in labels), 8, 24)
    areas = ["area", *(p.area for p in view.problem.posts)]
    area_width = max(max(longest_word(t) for t in areas), AREA_LINE)
    sheet.column_dimensions["B"].width = _clamp(area_width, 8, 34)
    for index, width in enumerate(month_widths):
        letter = get_column_letter(FIRST_MONTH_COLUMN + index)
        sheet.column_dimensions[letter].width = _clamp(width, 9, 28)


def _clamp(value: int, low: int, high: int) -> int:
    """``value + 3`` padding (wrapped text needs a little more room), within ``low..high``."""
    return max(low, min(high, value + 3))
