"""Small helpers shared by every workbook the tool writes.

Text that came from an input is always written as text: a cell that starts with ``=``, ``+``,
``-``, ``@``, tab or carriage return would otherwise be read by Excel as a formula (formula
injection), so such text is stored as a string cell that Excel shows literally.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from rotation.io.files import atomic_path

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# Every font names its face: a cell font without a name is drawn in the program's own default,
# which in LibreOffice is a serif face unlike the rest of the workbook.
FONT_NAME = "Calibri"
HEADER_FONT = Font(name=FONT_NAME, bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
TITLE_FONT = Font(name=FONT_NAME, bold=True, size=14)

CellValue = str | int | float | bool | None


def clean_text(value: str) -> str:
    """Text with control characters removed (they corrupt or confuse spreadsheets)."""
    return _CONTROL.sub("", value)


def set_value(cell: Cell, value: CellValue) -> None:
    """Put a value in a cell; text is stored as text, never as a formula."""
    if isinstance(value, str):
        text = clean_text(value)
        cell.value = text
        # openpyxl guesses a formula from a leading "="; force the string type instead.
        cell.data_type = "s"
        if text.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
    else:
        cell.value = value


def write_rows(sheet: Worksheet, rows: Iterable[Sequence[CellValue]], start_row: int = 1,
               start_column: int = 1) -> int:
    """Write rows of values from ``start_row``; return the next free row."""
    row_number = start_row
    for values in rows:
        for offset, value in enumerate(values):
            set_value(sheet.cell(row=row_number, column=start_column + offset), value)
        row_number += 1
    return row_number


def style_header(sheet: Worksheet, row: int = 1, first_column: int = 1,
                 last_column: int | None = None) -> None:
    """Bold white-on-blue header cells."""
    last = last_column or sheet.max_column
    for column in range(first_column, last + 1):
        cell = sheet.cell(row=row, column=column)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=False)


def fit_columns(sheet: Worksheet, minimum: int = 8, maximum: int = 60) -> None:
    """Set each column's width to fit its longest value, within bounds."""
    widths: dict[int, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            length = max(len(part) for part in str(cell.value).split("\n"))
            widths[cell.column] = max(widths.get(cell.column, 0), length)
    for column, width in widths.items():
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = max(minimum, min(maximum, width + 2))


def add_table(sheet: Worksheet, name: str, first_row: int, last_row: int, first_column: int,
              last_column: int) -> None:
    """Make a range an Excel table (filter buttons, banded rows). Needs a header and one row."""
    if last_row <= first_row:
        return
    ref = (f"{get_column_letter(first_column)}{first_row}:"
           f"{get_column_letter(last_column)}{last_row}")
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    sheet.add_table(table)


def new_workbook() -> Workbook:
    """An empty workbook with no default sheet and deliberate metadata."""
    book = Workbook()
    book.remove(book.active)
    book.properties.creator = "rotation"
    book.properties.lastModifiedBy = "rotation"
    return book


def save_workbook(book: Workbook, target: Path) -> None:
    """Save atomically: the file appears complete or not at all."""
    with atomic_path(target) as temporary:
        book.save(temporary)
