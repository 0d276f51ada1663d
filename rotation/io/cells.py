"""Turning one spreadsheet cell into a value of a column's kind, forgivingly.

Cells come from Excel (numbers, dates, text) or from CSV files (always text), so every kind
accepts its value written as text too. A cell that cannot be read raises :class:`CellError`
whose message tells a planner what to type instead.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from rotation.io.schema import FUNDING_CHOICES, Kind
from rotation.io.tables import ExcelError, Formula, is_blank
from rotation.io.xlsx import clean_text
from rotation.months import Month, month, parse_month

_NUMBER_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_SLASHED_MONTH = re.compile(r"^(\d{4})/(\d{1,2})$")
_NAMED_MONTH_FORMATS = ("%b %Y", "%B %Y", "%b-%Y", "%B-%Y", "%b-%y", "%b %y")
# The years a planning month can fall in (parse_month holds YYYY-MM text to the same range);
# anything else is a typing slip or a date cell Excel stored as a tiny number.
_FIRST_YEAR, _LAST_YEAR = 1900, 2999
MAX_MAGNITUDE = 1_000_000_000
_SHOWN_LENGTH = 60
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


class CellError(ValueError):
    """A cell holds something that is not a value of its column's kind."""


def read_cell(value: object, kind: Kind) -> object:
    """The cell as a value of ``kind``; None (or an empty tuple for lists) when blank."""
    readers = {
        "text": read_text,
        "integer": read_integer,
        "number": read_number,
        "month": read_month,
        "list": read_list,
        "funding": read_funding,
    }
    return readers[kind](value)


def refuse_formula(value: object) -> None:
    """Inputs must hold typed values: a formula's result is not stored reliably in the file."""
    if isinstance(value, Formula):
        raise CellError(f"formulas are not accepted, type the value (found {value.text})")
    if isinstance(value, ExcelError):
        raise CellError(f"the cell shows the Excel error {value.text}: type the value")


def read_text(value: object) -> str | None:
    """Text, trimmed; a number typed where text is expected (grade ``6``) becomes ``'6'``."""
    refuse_formula(value)
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    # Control characters (from a CSV file, say) cannot be written back to a workbook, so an id
    # holding one would not match its own plan: drop them here as the writers do.
    return clean_text(str(value)).strip() or None


def read_number(value: object) -> float | None:
    """A number; text such as ``£3,800.50`` is accepted too."""
    number = _number(value)
    return None if number is None else _within_reason(number, value)


def read_integer(value: object) -> int | None:
    """A whole number; ``12.0`` is accepted, ``12.5`` is not."""
    try:
        number = _number(value)
    except CellError as exc:
        if isinstance(value, Formula | ExcelError):
            raise
        raise CellError(f"{_shown(value)} is not a whole number: type one, e.g. 12") from exc
    if number is None:
        return None
    if not _within_reason(number, value).is_integer():
        raise CellError(f"{_shown(value)} is not a whole number: type one, e.g. 12")
    return int(number)


def _number(value: object) -> float | None:
    """The cell as a number, of any size; None when blank."""
    refuse_formula(value)
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(f"{value} is not a number: type a number")
    if isinstance(value, int | float):
        number = _as_float(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("£", "").replace(" ", "")
        if not _NUMBER_TEXT.match(text):
            raise CellError(f"{_shown(value)} is not a number: type a number, e.g. 3800")
        number = _as_float(text)
    else:
        raise CellError(f"{_shown(value)} is not a number: type a number, e.g. 3800")
    if math.isnan(number):
        raise CellError(f"{_shown(value)} is not a number: type a number, e.g. 3800")
    return number  # perhaps infinite: _within_reason refuses it as far too large


def _as_float(value: int | float | str) -> float:
    """``float(value)``; a whole number too long for a float counts as infinite."""
    try:
        return float(value)
    except OverflowError:
        return math.inf


def _within_reason(number: float, value: object) -> float:
    """The number, unless it is far beyond any figure a planning workbook holds.

    Costs, budgets, minutes and limits are all well under a billion; a larger number is a
    slip (a date pasted as a number, an extra row of zeros) that would overflow the planner.
    """
    if abs(number) > MAX_MAGNITUDE:
        raise CellError(f"{_shown(value)} is far larger than any planning figure (at most "
                        f"{MAX_MAGNITUDE:,}): check the cell")
    return number


def read_month(value: object) -> Month | None:
    """A month from ``YYYY-MM`` or ``YYYY-MM-DD`` text, ``YYYY/MM``, ``Apr 2027`` or a date."""
    refuse_formula(value)
    if is_blank(value):
        return None
    found = _month_in_text(value) if isinstance(value, str) else None
    try:
        year, month_of_year = found or _year_and_month(parse_month(value))
    except ValueError:
        raise CellError(f"{_shown(value)} is not a month: write it as YYYY-MM, e.g. 2027-04, "
                        "or enter a date") from None
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        raise CellError(f"{_shown(value)} is not a month between {_FIRST_YEAR} and "
                        f"{_LAST_YEAR}: write it as YYYY-MM, e.g. 2027-04")
    return month(year, month_of_year)


def _month_in_text(text: str) -> tuple[int, int] | None:
    """(year, month) from ``YYYY/MM`` or ``Apr 2027`` text; None for any other text."""
    slashed = _SLASHED_MONTH.match(text.strip())
    if slashed and 1 <= int(slashed.group(2)) <= 12:
        return int(slashed.group(1)), int(slashed.group(2))
    for layout in _NAMED_MONTH_FORMATS:
        try:
            parsed = dt.datetime.strptime(text.strip(), layout)
        except ValueError:
            continue
        return parsed.year, parsed.month
    return None


def _year_and_month(value: Month) -> tuple[int, int]:
    """(year, month of year) of a month number."""
    year, index = divmod(value, 12)
    return year, index + 1


def read_list(value: object) -> tuple[str, ...]:
    """Comma-separated items, trimmed, empties and repeats dropped."""
    text = read_text(value)
    if text is None:
        return ()
    items = (item.strip() for item in text.split(","))
    return tuple(dict.fromkeys(item for item in items if item))


def read_funding(value: object) -> str | None:
    """One of the funding choices, in any case."""
    text = read_text(value)
    if text is None:
        return None
    choice = text.casefold()
    if choice not in FUNDING_CHOICES:
        raise CellError(f"'{text}' is not a funding choice: write one of "
                        f"{', '.join(FUNDING_CHOICES)}")
    return choice


def read_flag(value: object) -> bool | None:
    """yes/no, true/false, y/n or 1/0 (or an Excel TRUE/FALSE)."""
    refuse_formula(value)
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    text = read_text(value)
    folded = (text or "").casefold()
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise CellError(f"{_shown(value)} is not yes or no: write yes or no")


def _shown(value: object) -> str:
    """A cell value as a planner would recognise it in a message (a long one cut short)."""
    if isinstance(value, str):
        text = f"'{value}'"
    elif isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        text = str(int(value))
    elif isinstance(value, float):
        text = f"{value:g}"
    elif isinstance(value, dt.datetime):
        text = value.date().isoformat()
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**15:
        text = f"a {len(str(abs(value)))}-digit number"
    else:
        text = str(value)
    return text if len(text) <= _SHOWN_LENGTH else text[:_SHOWN_LENGTH - 4] + "...'"
