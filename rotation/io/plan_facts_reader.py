"""Reading a plan workbook back into ``PlanFacts``, so that ``rotation split`` needs nothing else.

What is read is what ``rotation solve`` writes: the Summary (plan name, status, horizon), the
Secondments rows, the three tables of the Backfill sheet (staff out and limit per month, cost
and budget per financial year, pledged and delivered months) and, when present, the Schedule
(which posts exist, which months are vacant or funded, and the agencies' names in its legend).
A file without them is not a plan: every problem found is reported with sheet, row and column.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from rotation.findings import Finding, InvalidInput, error
from rotation.io.agency_facts import EmptyKind, PlanFacts, PlanRow, PostRow
from rotation.io.cells import CellError, read_flag, read_integer, read_month, read_number, read_text
from rotation.io.plan_sheets.agencies import AgencyBlock, Secondee, YearCost
from rotation.io.tables import is_blank, normalise_name, read_workbook_grids
from rotation.months import Month, month_range

T = TypeVar("T")
Grid = list[tuple[object, ...]]

SUMMARY = "Summary"
SECONDMENTS = "Secondments"
BACKFILL = "Backfill"
SCHEDULE = "Schedule"
REQUIRED_SHEETS = (SUMMARY, SECONDMENTS, BACKFILL)
ROW_COLUMNS = ("person", "agency", "post", "start", "end")
HEADER_SEARCH_ROWS = 10  # a hand-edited plan may have a title above a header
VACANT = "vacant"
FUNDED = "funded"
LEGEND = "legend"


class Cells:
    """Reads cells of one sheet into values, collecting an error for each unreadable one."""

    def __init__(self, sheet: str, findings: list[Finding]) -> None:
        """Cells of ``sheet``; errors go to ``findings``."""
        self.sheet = sheet
        self.findings = findings

    def read(self, value: object, reader: Callable[[object], T | None], row: int | None,
             column: str, *, required: bool = False) -> T | None:
        """The cell read by ``reader``; None (and an error) when unreadable or missing."""
        try:
            result = reader(value)
        except CellError as exc:
            self.findings.append(error(str(exc), self.sheet, row, column))
            return None
        if result is None and required:
            self.findings.append(error(f"{column} is blank: it is required", self.sheet, row,
                                       column))
        return result


def read_plan_facts(path: Path) -> PlanFacts:
    """The facts of a plan workbook; InvalidInput lists everything that stops it being read."""
    grids = read_workbook_grids(path)
    missing = [name for name in REQUIRED_SHEETS if normalise_name(name) not in grids]
    if missing:
        raise InvalidInput([error(
            f"{path.name} has no {' or '.join(missing)} sheet, so it is not a plan written by "
            "rotation solve: give the plan workbook (the output of rotation solve)")])
    findings: list[Finding] = []
    summary = read_summary(grids[normalise_name(SUMMARY)], findings)
    if not is_blank(summary.get("agency")):
        raise InvalidInput([error(
            f"{path.name} is already the workbook of one agency ({summary['agency']}), not the "
            "whole plan: split the plan workbook that rotation solve wrote")])
    rows = read_rows(grids[normalise_name(SECONDMENTS)], findings)
    backfill = read_backfill(grids[normalise_name(BACKFILL)], findings)
    months = _horizon(summary, backfill.months, findings)
    posts, names = read_schedule(grids.get(normalise_name(SCHEDULE)), months, rows,
                                 backfill.codes)
    findings += [error(f"agency '{row.agency}' of {row.person} is not on the Backfill sheet",
                       SECONDMENTS, None, "agency")
                 for row in rows if backfill.codes and row.agency
                 and row.agency not in backfill.codes]
    cells = Cells(SUMMARY, findings)
    plan_name = cells.read(summary.get("plan_name"), read_text, None, "plan_name")
    status = cells.read(summary.get("status"), read_text, None, "status")
    vacant = cells.read(summary.get("vacant_post_months"), read_integer, None,
                        "vacant_post_months")
    if findings:
        raise InvalidInput(findings)
    return PlanFacts(
        plan_name=plan_name or path.stem, status=status or "", months=months,
        vacant_post_months=vacant, rows=tuple(rows), posts=tuple(posts),
        blocks=tuple(backfill.block(code, names.get(code, ""), rows) for code in backfill.codes))


def _names(values: Sequence[object]) -> list[str]:
    """A row's cells as normalised names ("" for anything that is not text)."""
    return [normalise_name(v) if isinstance(v, str) else "" for v in values]


def _at(values: Sequence[object], index: int) -> object:
    """The value at ``index``, or None past the end of a short row."""
    return values[index] if index < len(values) else None


def _header_index(grid: Grid, wanted: Sequence[str], rows: int = HEADER_SEARCH_ROWS
                  ) -> int | None:
    """The index of the first of the top ``rows`` rows holding every wanted column name."""
    for index, values in enumerate(grid[:rows]):
        if set(wanted) <= set(_names(values)):
            return index
    return None


def read_summary(grid: Grid, findings: list[Finding]) -> dict[str, object]:
    """The Summary's values by setting name."""
    header = _header_index(grid, ("setting", "value"))
    if header is None:
        findings.append(error("the Summary sheet has no 'setting' and 'value' header",
                              SUMMARY, 1))
        return {}
    setting, value = (_names(grid[header]).index(name) for name in ("setting", "value"))
    return {normalise_name(_at(row, setting)): _at(row, value) for row in grid[header + 1:]
            if isinstance(_at(row, setting), str)}


def read_rows(grid: Grid, findings: list[Finding]) -> list[PlanRow]:
    """The Secondments rows; a row that cannot be read is an error at its cell."""
    header = _header_index(grid, ROW_COLUMNS)
    if header is None:
        findings.append(error("the Secondments sheet has no header with "
                              f"{', '.join(ROW_COLUMNS)}", SECONDMENTS, 1))
        return []
    positions: dict[str, int] = {}
    for position, name in enumerate(_names(grid[header])):
        positions.setdefault(name, position)
    rows = []
    for index in range(header + 1, len(grid)):
        values = {name: _at(grid[index], position) for name, position in positions.items()}
        if all(is_blank(values[name]) for name in ROW_COLUMNS):
            continue
        before = len(findings)
        row = _read_row(values, index + 1, Cells(SECONDMENTS, findings))
        if len(findings) == before:
            rows.append(row)
    return rows


def _read_row(values: dict[str, object], number: int, cells: Cells) -> PlanRow:
    """One Secondments row; errors go to ``cells``' findings (the row is then not used)."""

    def text(column: str, *, required: bool = False) -> str:
        return cells.read(values.get(column), read_text, number, column,
                          required=required) or ""

    start = cells.read(values.get("start"), read_month, number, "start", required=True)
    end = cells.read(values.get("end"), read_month, number, "end", required=True)
    if start is not None and end is not None and start > end:
        cells.findings.append(error("start is after end", SECONDMENTS, number, "end"))
    existing = cells.read(values.get("existing"), read_flag, number, "existing")
    return PlanRow(person=text("person", required=True), name=text("name"),
                   agency=text("agency", required=True), grade=text("grade"),
                   post=text("post", required=True), area=text("area"), start=start or 0,
                   end=end or 0, existing=bool(existing), follows=text("follows"))


@dataclass
class BackfillTables:
    """The three tables of a plan's Backfill sheet, by agency code."""

    months: tuple[Month, ...] = ()
    codes: list[str] = field(default_factory=list)
    staff_out: dict[str, tuple[int, ...]] = field(default_factory=dict)
    limits: dict[str, tuple[int, str]] = field(default_factory=dict)
    years: dict[str, list[YearCost]] = field(default_factory=dict)
    pledges: dict[str, tuple[int | None, int]] = field(default_factory=dict)

    def block(self, code: str, name: str, rows: Sequence[PlanRow]) -> AgencyBlock:
        """The agency's block: its figures from these tables, its secondees from the rows."""
        limit, label = self.limits[code]
        pledged, delivered = self.pledges.get(code, (None, 0))
        secondees = sorted((Secondee(r.person, r.name, r.grade, r.post, r.area, r.start, r.end)
                            for r in rows if r.agency == code),
                           key=lambda s: (s.start, s.post, s.person))
        return AgencyBlock(code=code, name=name, limit=limit, limit_label=label,
                           months=self.months, staff_out=self.staff_out[code],
                           years=tuple(self.years.get(code, ())), pledged=pledged,
                           delivered=delivered, secondees=tuple(secondees))


def read_backfill(grid: Grid, findings: list[Finding]) -> BackfillTables:
    """Staff out and limits per month, costs per year and pledges, from the Backfill sheet."""
    tables = BackfillTables()
    cells = Cells(BACKFILL, findings)
    starts = {key: next((i for i, row in enumerate(grid) if _names(row)[:2] == ["agency", key]),
                        None) for key in ("measure", "financial_year", "pledged_months")}
    for key, start in starts.items():
        if start is None:
            findings.append(error(f"the Backfill sheet has no table headed 'agency', '{key}'",
                                  BACKFILL))
    if starts["measure"] is not None:
        _read_staff_out(grid, starts["measure"], cells, tables)
    if starts["financial_year"] is not None:
        for number, row in _table_rows(grid, starts["financial_year"]):
            code, label = (cells.read(row.get(c), read_text, number, c) or ""
                           for c in ("agency", "financial_year"))
            tables.years.setdefault(code, []).append(YearCost(
                label, cells.read(row.get("months_in_horizon"), read_integer, number,
                                  "months_in_horizon") or 0,
                cells.read(row.get("backfill_cost"), read_number, number, "backfill_cost") or 0.0,
                cells.read(row.get("budget"), read_number, number, "budget")))
    if starts["pledged_months"] is not None:
        for number, row in _table_rows(grid, starts["pledged_months"]):
            code = cells.read(row.get("agency"), read_text, number, "agency") or ""
            tables.pledges[code] = (
                cells.read(row.get("pledged_months"), read_integer, number, "pledged_months"),
                cells.read(row.get("delivered_months"), read_integer, number,
                           "delivered_months") or 0)
    for code in tables.codes:
        for measure, found in (("staff out", tables.staff_out), ("limit", tables.limits)):
            if code not in found:
                findings.append(error(f"agency {code} has no '{measure}' row", BACKFILL))
    return tables


def _read_staff_out(grid: Grid, start: int, cells: Cells, tables: BackfillTables) -> None:
    """The monthly table: agencies down (staff out, limit, headroom), months across."""
    header = grid[start]
    months = [cells.read(value, read_month, start + 1, "month") for value in header[2:]
              if not is_blank(value)]
    tables.months = tuple(m for m in months if m is not None)
    for index in range(start + 1, len(grid)):
        row = grid[index]
        if is_blank(_at(row, 0)):
            break
        code = cells.read(_at(row, 0), read_text, index + 1, "agency") or ""
        measure = cells.read(_at(row, 1), read_text, index + 1, "measure") or ""
        counts = tuple(cells.read(_at(row, 2 + i), read_integer, index + 1,
                                  "month") or 0 for i in range(len(tables.months)))
        if code not in tables.codes:
            tables.codes.append(code)
        if measure.casefold() == "staff out":
            tables.staff_out[code] = counts
        elif measure.casefold().startswith("limit") and counts:
            tables.limits[code] = (counts[0], measure)


def _table_rows(grid: Grid, start: int) -> list[tuple[int, dict[str, object]]]:
    """(Excel row, cells by column name) for each row under a header, up to a blank row."""
    names = _names(grid[start])
    rows = []
    for index in range(start + 1, len(grid)):
        if is_blank(_at(grid[index], 0)):
            break
        rows.append((index + 1, {name: _at(grid[index], i) for i, name in enumerate(names)
                                 if name}))
    return rows


def _horizon(summary: dict[str, object], backfill_months: tuple[Month, ...],
             findings: list[Finding]) -> tuple[Month, ...]:
    """The planned months: the Summary's ``horizon`` (``2027-04..2030-03``, or one month)."""
    text = summary.get("horizon")
    if is_blank(text) and backfill_months:
        return backfill_months
    parts = str(text or "").split("..")
    try:
        first, last = read_month(parts[0]), read_month(parts[-1])
    except CellError:
        first = last = None
    if first is None or last is None or first > last or len(parts) > 2:
        findings.append(error(f"the horizon '{text or ''}' is not a first and last month such "
                              "as 2027-04..2030-03", SUMMARY, None, "horizon"))
        return ()
    return tuple(month_range(first, last))


def read_schedule(grid: Grid | None, months: Sequence[Month], rows: Sequence[PlanRow],
                  codes: Sequence[str]) -> tuple[list[PostRow], dict[str, str]]:
    """The posts and their empty months, and agency names from the legend.

    Without a Schedule sheet the posts come from the Secondments rows and a month nobody
    holds is shown as not known rather than guessed.
    """
    header = None if grid is None else _header_index(grid, ("post", "area"), rows=5)
    if grid is None or header is None:
        unknown: EmptyKind = "unknown"
        seen = dict.fromkeys((r.post, r.area) for r in rows)
        return [PostRow(post, area, (unknown,) * len(months)) for post, area in seen], {}
    columns: dict[Month, int] = {}
    for position, value in enumerate(grid[header][2:], start=2):
        try:
            found = read_month(value)
        except CellError:
            continue
        if found is not None:
            columns[found] = position
    posts = []
    index = header + 1
    while index < len(grid) and not is_blank(_at(grid[index], 0)):
        values = grid[index]
        posts.append(PostRow(str(values[0]).strip(), str(_at(values, 1) or "").strip(),
                             tuple(_empty_kind(values, columns.get(m)) for m in months)))
        index += 1
    names: dict[str, str] = {}
    legend = next((i for i in range(index, len(grid))
                   if normalise_name(_at(grid[i], 0)) == LEGEND), None)
    if legend is not None:
        for values in grid[legend + 1:]:
            # The words beside a legend key are in the third column (the second in plans
            # written before the Schedule printed a financial year to a page).
            code, name = _at(values, 0), _at(values, 2) or _at(values, 1)
            if code in codes and isinstance(name, str):
                names.setdefault(str(code), name.strip())
    return posts, names


def _empty_kind(values: Sequence[object], position: int | None) -> EmptyKind:
    """What a Schedule cell says about a month nobody holds."""
    if position is None:
        return "unknown"
    text = str(_at(values, position) or "").strip().casefold()
    if text == VACANT:
        return "vacant"
    return "funded" if text == FUNDED else "none"
