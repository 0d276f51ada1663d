"""Calendar months as whole numbers.

A month is held as one integer, ``year * 12 + (month - 1)``, so that month arithmetic is
plain addition. People see months as ``YYYY-MM`` text; financial years run April to March
and are labelled ``2027/28``.
"""

from __future__ import annotations

import datetime as dt
import re

Month = int

_MONTH_TEXT = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?:[ T].*)?\s*$")


def month(year: int, month_of_year: int) -> Month:
    """The month number of ``year``-``month_of_year``."""
    if not 1 <= month_of_year <= 12:
        raise ValueError(f"month {month_of_year} is not between 1 and 12")
    return year * 12 + month_of_year - 1


def parse_month(value: object) -> Month:
    """Read a month from ``YYYY-MM`` text, ``YYYY-MM-DD`` text or a date.

    Raises ValueError with a message a planner can act on.
    """
    if isinstance(value, dt.datetime | dt.date):
        return month(value.year, value.month)
    if isinstance(value, str):
        match = _MONTH_TEXT.match(value)
        if match:
            year, month_of_year = int(match.group(1)), int(match.group(2))
            if 1 <= month_of_year <= 12 and 1900 <= year <= 2999:
                return month(year, month_of_year)
    raise ValueError(f"{value!r} is not a month: write it as YYYY-MM, e.g. 2027-04")


def format_month(value: Month) -> str:
    """``YYYY-MM`` text for a month number."""
    year, index = divmod(value, 12)
    return f"{year:04d}-{index + 1:02d}"


def month_range(first: Month, last: Month) -> range:
    """Every month from ``first`` to ``last`` inclusive."""
    return range(first, last + 1)


def financial_year(value: Month) -> int:
    """The calendar year in which the month's financial year (April to March) starts."""
    year, index = divmod(value, 12)
    return year if index >= 3 else year - 1


def financial_year_end(start_year: int) -> Month:
    """The last month (March) of the financial year starting April ``start_year``."""
    return month(start_year + 1, 3)


def financial_year_label(start_year: int) -> str:
    """``2027/28`` for the financial year starting April 2027."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def format_span(first: Month, last: Month) -> str:
    """``2027-04..2028-03``, or a single month when first equals last."""
    if first == last:
        return format_month(first)
    return f"{format_month(first)}..{format_month(last)}"
