"""Reading the Funded sheet of a plan workbook: the directly funded officers (R13, R14).

Only ``post``, ``start`` and ``end`` matter; other columns are for people and are ignored. A
plan without the sheet (written before funded posts existed, or by hand) has no funded
stretches; ``funded`` posts still count as funded in every month of their existence.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from rotation.domain import FundedStretch, Problem
from rotation.findings import Finding, InvalidInput, error
from rotation.io.cells import CellError, read_month, read_text
from rotation.io.tables import RawRow, RawTable, header_findings, missing_columns, read_tables
from rotation.months import format_month
from rotation.validation import did_you_mean

T = TypeVar("T")

FUNDED_SHEET = "Funded"
FUNDED_COLUMNS = ("post", "start", "end")
HEADER_SEARCH_ROWS = 10


def read_funded(path: Path, problem: Problem | None = None) -> list[FundedStretch]:
    """The plan's funded stretches, each with its Excel row; InvalidInput lists every error.

    With ``problem`` given, a post it does not list is an error too.
    """
    tables = read_tables(path, header_search_rows=HEADER_SEARCH_ROWS,
                         header_must_have=FUNDED_COLUMNS)
    table = tables.get(FUNDED_SHEET.casefold())
    if table is None or _says_nothing_is_funded(table):
        return []
    findings = header_findings(table, FUNDED_SHEET, FUNDED_COLUMNS)
    absent = missing_columns(table, FUNDED_COLUMNS)
    findings += [error(f"the header has no '{column}' column: add it", FUNDED_SHEET,
                       table.header_row, column) for column in absent]
    stretches: list[FundedStretch] = []
    for row in table.rows if not absent else ():
        if row.blank_in(FUNDED_COLUMNS):
            continue
        row_findings, stretch = _read_stretch(row)
        findings += row_findings
        if stretch is not None:
            stretches.append(stretch)
    if problem is not None:
        findings += [error(f"post '{s.post}' is not on the input's Posts sheet"
                           f"{did_you_mean(s.post, problem.post_by_id)}", FUNDED_SHEET, s.row,
                           "post")
                     for s in stretches if s.post not in problem.post_by_id]
    if findings:
        raise InvalidInput(findings)
    return stretches


def _says_nothing_is_funded(table: RawTable) -> bool:
    """A Funded sheet with no table at all: at most the one line saying nothing is funded."""
    return not any(column in table.columns for column in FUNDED_COLUMNS) and not any(
        not row.blank_in(table.columns) for row in table.rows)


def _read_stretch(row: RawRow) -> tuple[list[Finding], FundedStretch | None]:
    """One row as a FundedStretch, or None with the errors that stop it being read."""
    findings: list[Finding] = []

    def cell(column: str, reader: Callable[[object], T | None]) -> T | None:
        try:
            value = reader(row.get(column))
        except CellError as exc:
            findings.append(error(str(exc), FUNDED_SHEET, row.number, column))
            return None
        if value is None:
            findings.append(error(f"{column} is blank: it is required", FUNDED_SHEET,
                                  row.number, column))
        return value

    post = cell("post", read_text)
    start = cell("start", read_month)
    end = cell("end", read_month)
    if findings or post is None or start is None or end is None:
        return findings, None
    if start > end:
        return [error(f"funded officer in {post}: start {format_month(start)} is after end "
                      f"{format_month(end)}", FUNDED_SHEET, row.number, "end")], None
    return [], FundedStretch(post=post, start=start, end=end, row=row.number)
