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
from rotation.io.tables import Formula, is_blank
from rotation.months import Month, month, parse_month

_NUMBER_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_SLASHED_MONTH = re.compile(r"^(\d{4})/(\d{1,2})$")
_NAMED_MONTH_FORMATS = ("%b %Y", "%B %Y", "%b-%Y", "%B-%Y", "%b-%y", "%b %y")
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
    return str(value).strip()


def read_number(value: object) -> float | None:
    """A number; text such as ``£3,800.50`` is accepted too."""
    refuse_formula(value)
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(f"{value} is not a number: type a number")
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("£", "").replace(" ", "")
        if not _NUMBER_TEXT.match(text):
            raise CellError(f"'{value}' is not a number: type a number, e.g. 3800")
        number = float(text)
    else:
        raise CellError(f"{_shown(value)} is not a number: type a number, e.g. 3800")
    if not math.isfinite(number):
        raise CellError(f"{_shown(value)} is not a number: type a number, e.g. 3800")
    return number


def read_integer(value: object) -> int | None:
    """A whole number; ``12.0`` is accepted, ``12.5`` is not."""
    refuse_formula(value)
    try:
        number = read_number(value)
    except CellError:
        raise CellError(f"{_shown(value)} is not a whole number: type one, e.g. 12") from None
    if number is None:
        return None
    if not number.is_integer():
        raise CellError(f"{_shown(value)} is not a whole number: type one, e.g. 12")
    return int(number)


def read_month(value: object) -> Month | None:
    """A month from ``YYYY-MM`` or ``YYYY-MM-DD`` text, ``YYYY/MM``, ``Apr 2027`` or a date."""
    refuse_formula(value)
    if is_blank(value):
        return None
    if isinstance(value, str):
        slashed = _SLASHED_MONTH.match(value.strip())
        if slashed and 1 <= int(slashed.group(2)) <= 12:
            return month(int(slashed.group(1)), int(slashed.group(2)))
        for layout in _NAMED_MONTH_FORMATS:
            try:
                parsed = dt.datetime.strptime(value.strip(), layout)
            except ValueError:
                continue
            return month(parsed.year, parsed.month)
    try:
        return parse_month(value)
    except ValueError:
        raise CellError(f"{_shown(value)} is not a month: write it as YYYY-MM, e.g. 2027-04, "
                        "or enter a date") from None


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
    """A cell value as a planner would recognise it in a message."""
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value)
