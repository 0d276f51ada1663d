"""Print set-up shared by the plan sheets: A4, narrow margins, page numbers, pages that fit.

A plan is often read on paper or on a projector at a board meeting, so every sheet prints at
a size people can read. Narrow sheets print one page wide. Sheets with a column per month
(Schedule, Backfill) print a financial year to a page instead, with their label columns
repeated: shrunk to one page wide, 36 months of names would be unreadable. Excel ignores manual
page breaks on a sheet set to "fit to page", so those sheets get a fixed scale worked out here
from the column widths.
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

# A4 in points (1/72 inch), and the margins used on every sheet, in inches.
A4_SHORT, A4_LONG = 595.0, 842.0
SIDE_MARGIN, END_MARGIN, HEADER_MARGIN = 0.4, 0.6, 0.3
DEFAULT_COLUMN_WIDTH = 8.43  # characters: Excel's width for a column never sized
# Room for rounding. Column widths count characters of the workbook's font, Calibri (or
# Carlito, its free twin); where LibreOffice has neither it draws columns about a third wider,
# and a financial year may then spill onto a second page.
SAFETY = 0.92
FOOTER = "&A, page &P of &N"  # the sheet's name and the page number
LINE_POINTS = 15.0  # height of one line of 11-point text, as Excel's default row
LEFT = Alignment(horizontal="left")
TOP = Alignment(vertical="top")
TOP_WRAPPED = Alignment(vertical="top", wrap_text=True)


def column_points(sheet: Worksheet, column: int) -> float:
    """A column's printed width in points at 100%: Excel's 7 pixels a character plus 5."""
    dimension = sheet.column_dimensions.get(get_column_letter(column))
    width = dimension.width if dimension is not None and dimension.width else None
    return ((width or DEFAULT_COLUMN_WIDTH) * 7 + 5) * 0.75


def printable_width(*, landscape: bool) -> float:
    """Points across an A4 page inside the side margins."""
    return (A4_LONG if landscape else A4_SHORT) - 2 * SIDE_MARGIN * 72


def set_page(sheet: Worksheet, *, landscape: bool) -> None:
    """A4, narrow margins, the sheet name and page number in the footer."""
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    margins = sheet.page_margins
    margins.left = margins.right = SIDE_MARGIN
    margins.top = margins.bottom = END_MARGIN
    margins.header = margins.footer = HEADER_MARGIN
    sheet.oddFooter.center.text = FOOTER


def fit_to_width(sheet: Worksheet, *, landscape: bool, title_rows: str | None = None) -> None:
    """All columns on one page width, as many pages down as it takes."""
    set_page(sheet, landscape=landscape)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        sheet.print_title_rows = title_rows


def fit_to_one_page(sheet: Worksheet, *, landscape: bool) -> None:
    """The whole sheet on one page (a picture, say)."""
    set_page(sheet, landscape=landscape)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def print_in_column_groups(sheet: Worksheet, groups: Sequence[tuple[int, int]],
                           title_columns: int, title_rows: str | None = None,
                           across_first: bool = False) -> int:
    """One page width per group of columns (first, last), the title columns on every page.

    Pages run down the first group, then down the next, unless ``across_first``. Returns the
    scale (per cent) at which the widest group fits the page, which is set too.
    """
    titles = sum(column_points(sheet, c) for c in range(1, title_columns + 1))
    widest = max((titles + sum(column_points(sheet, c) for c in range(first, last + 1))
                  for first, last in groups), default=titles)
    scale = print_at_width(sheet, widest, landscape=True)
    sheet.page_setup.pageOrder = "overThenDown" if across_first else "downThenOver"
    for _first, last in groups[:-1]:
        # A column break's id is the last column before the break.
        sheet.col_breaks.append(Break(id=last))
    sheet.print_title_cols = f"A:{get_column_letter(title_columns)}"
    if title_rows:
        sheet.print_title_rows = title_rows
    return scale


def print_at_width(sheet: Worksheet, width_points: float, *, landscape: bool) -> int:
    """A fixed scale at which ``width_points`` of columns fit the page width; returns it.

    Unlike "fit to page", a fixed scale keeps the sheet's manual page breaks in Excel.
    """
    set_page(sheet, landscape=landscape)
    sheet.sheet_properties.pageSetUpPr.fitToPage = False
    scale = max(10, min(100, int(100 * SAFETY * printable_width(landscape=landscape)
                                 / max(width_points, 1.0))))
    sheet.page_setup.scale = scale
    return scale


def break_before_rows(sheet: Worksheet, rows: Sequence[int]) -> None:
    """Start a new page at each of these rows (ignored by Excel when fitting to a page)."""
    for row in rows:
        if row > 1:
            sheet.row_breaks.append(Break(id=row - 1))


def wrapped_lines(text: str, width: float) -> int:
    """Lines ``text`` takes when wrapped at spaces in a column ``width`` characters wide.

    A character of a name is narrower than the digit a column width counts in, so filling
    each line to two characters short of the width errs towards a line too many, never one
    too few (a line too few would hide part of a name).
    """
    room = max(1.0, width - 2)
    lines, used = 1, 0
    for word in text.split():
        needed = len(word) if used == 0 else used + 1 + len(word)
        if used and needed > room:
            lines, used = lines + 1, len(word)
        else:
            used = needed
    return lines


def fit_row_height(sheet: Worksheet, row: int) -> None:
    """Make a row tall enough for its wrapped cells.

    Excel sizes such rows itself on opening, but LibreOffice keeps the default height and
    draws the lines over each other, so the height is written into the file.
    """
    lines = 1
    for cell in sheet[row]:
        if cell.value is None or not cell.alignment.wrap_text:
            continue
        dimension = sheet.column_dimensions.get(get_column_letter(cell.column))
        width = dimension.width if dimension is not None and dimension.width else None
        lines = max(lines, wrapped_lines(str(cell.value), width or DEFAULT_COLUMN_WIDTH))
    if lines > 1:
        sheet.row_dimensions[row].height = lines * LINE_POINTS
