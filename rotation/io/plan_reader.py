"""Reading the Secondments sheet of a plan workbook, even one a person has edited by hand.

Only ``person``, ``post``, ``start`` and ``end`` matter (``existing`` is optional); every other
column is ignored, so a planner may add notes, reorder columns or retype dates freely. The
header may sit below a title row. Content is read exactly: a bad month or an unknown person is
a located error.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from rotation.domain import Problem, Secondment
from rotation.findings import Finding, InvalidInput, error
from rotation.io.cells import CellError, read_flag, read_month, read_text
from rotation.io.tables import RawRow, header_findings, missing_columns, read_tables
from rotation.months import format_month
from rotation.validation import did_you_mean

T = TypeVar("T")

PLAN_SHEET = "Secondments"
REQUIRED_COLUMNS = ("person", "post", "start", "end")
OPTIONAL_COLUMNS = ("existing",)
# A hand-made plan may put a title above the header; look this far down for it.
HEADER_SEARCH_ROWS = 10


def read_plan(path: Path, problem: Problem | None = None) -> list[Secondment]:
    """The plan's secondments, each with its Excel row; InvalidInput lists every error.

    With ``problem`` given, a person or post it does not list is an error too.
    """
    tables = read_tables(path, header_search_rows=HEADER_SEARCH_ROWS,
                         header_must_have=REQUIRED_COLUMNS)
    table = tables.get(PLAN_SHEET.casefold())
    if table is None:
        found = ", ".join(t.name for t in tables.values()) or "none"
        raise InvalidInput([error(f"{path} has no {PLAN_SHEET} sheet (sheets found: {found}); "
                                  "a plan written by rotation solve has one")])
    findings = header_findings(table, PLAN_SHEET, REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
    absent = missing_columns(table, REQUIRED_COLUMNS)
    findings += [error(f"the header has no '{column}' column: add it", PLAN_SHEET,
                       table.header_row, column) for column in absent]
    secondments: list[Secondment] = []
    if not absent:
        for row in table.rows:
            if row.blank_in(REQUIRED_COLUMNS + OPTIONAL_COLUMNS):
                continue
            row_findings, secondment = _read_secondment(row)
            findings += row_findings
            if secondment is not None:
                secondments.append(secondment)
    if problem is not None:
        findings += unknown_references(secondments, problem)
    if findings:
        raise InvalidInput(sorted(findings, key=_row_of))
    return secondments


def _row_of(finding: Finding) -> int:
    """The finding's row, for listing errors top to bottom."""
    return finding.location.row or 0 if finding.location else 0


def _read_secondment(row: RawRow) -> tuple[list[Finding], Secondment | None]:
    """One row as a Secondment, or None with the errors that stop it being read."""
    findings: list[Finding] = []

    def cell(column: str, reader: Callable[[object], T | None]) -> T | None:
        try:
            value = reader(row.get(column))
        except CellError as exc:
            findings.append(error(str(exc), PLAN_SHEET, row.number, column))
            return None
        if value is None and column in REQUIRED_COLUMNS:
            findings.append(error(f"{column} is blank: it is required", PLAN_SHEET,
                                  row.number, column))
        return value

    person = cell("person", read_text)
    post = cell("post", read_text)
    start = cell("start", read_month)
    end = cell("end", read_month)
    existing = cell("existing", read_flag)
    if findings or person is None or post is None or start is None or end is None:
        return findings, None
    if start > end:
        return [error(f"{person} in {post}: start {format_month(start)} is after end "
                      f"{format_month(end)}", PLAN_SHEET, row.number, "end")], None
    return [], Secondment(person=person, post=post, start=start, end=end,
                          existing=bool(existing), row=row.number)


def unknown_references(secondments: list[Secondment], problem: Problem) -> list[Finding]:
    """An error for every secondment naming a person or post the input does not list."""
    people = problem.candidate_by_person
    posts = problem.post_by_id
    findings = []
    for s in secondments:
        if s.person not in people:
            findings.append(error(f"person '{s.person}' is not on the input's Candidates sheet"
                                  f"{did_you_mean(s.person, people)}", PLAN_SHEET, s.row,
                                  "person"))
        if s.post not in posts:
            findings.append(error(f"post '{s.post}' is not on the input's Posts sheet"
                                  f"{did_you_mean(s.post, posts)}", PLAN_SHEET, s.row, "post"))
    return findings
