"""Reading a plan workbook back into a :class:`~rotation.picture.timeline.Timeline`.

``rotation plot`` needs only the plan: the Summary gives the plan name and horizon, the
Secondments sheet the bars (person, name, agency, post, start, end, existing, follows), and
the Schedule the posts with their areas, the VACANT and funded cells, the months a post does
not exist, and (in its legend) the agencies in the order that sets their colours.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from rotation.findings import Finding, InvalidInput, error
from rotation.io.cells import CellError, read_flag, read_month, read_text
from rotation.io.plan_sheets import schedule, secondments, summary
from rotation.io.tables import RawRow, RawTable, read_tables
from rotation.months import Month, parse_month
from rotation.picture.timeline import Bar, Span, Timeline, TimelinePost, runs

HEADER_SEARCH_ROWS = 10  # the Schedule's header is in row 2, under the financial-year bands
BAR_COLUMNS = ("person", "post", "start", "end")
LEGEND = "Legend"  # the word the Schedule writes above its legend
NOT_A_PLAN = "a plan workbook written by rotation solve has one"

T = TypeVar("T")


def read_timeline(path: Path) -> Timeline:
    """The timeline of a plan workbook; InvalidInput lists everything that stops reading it."""
    tables = read_tables(path, header_search_rows=HEADER_SEARCH_ROWS,
                         header_must_have=("post",))
    findings: list[Finding] = []
    found = ", ".join(t.name for t in tables.values()) or "none"

    def table(name: str) -> RawTable | None:
        sheet = tables.get(name.casefold())
        if sheet is None:
            findings.append(error(f"{path} has no {name} sheet (sheets found: {found}); "
                                  f"{NOT_A_PLAN}"))
        return sheet

    summary_table = table(summary.SHEET)
    bars_table = table(secondments.SHEET)
    schedule_table = table(schedule.SHEET)
    if summary_table is None or bars_table is None or schedule_table is None:
        raise InvalidInput(findings)
    plan_name, horizon = _read_summary(summary_table, findings)
    bars = _read_bars(bars_table, findings)
    posts, cells = _read_schedule(schedule_table, findings)
    if findings or horizon is None:
        raise InvalidInput(findings)
    first, last = horizon
    held = {(b.post, m) for b in bars for m in range(b.start, b.end + 1)}
    vacancies: list[Span] = []
    funded: list[Span] = []
    closed: list[Span] = []
    for post in posts:
        row = cells.get(post.post, {})
        in_horizon = range(first, last + 1)
        # A cell the Schedule calls VACANT that the Secondments sheet fills (a hand edit since
        # the plan was written) is drawn as the bar: the Secondments sheet is the plan.
        vacancies += runs(post.post, [m for m in in_horizon if row.get(m) == schedule.VACANT
                                      and (post.post, m) not in held])
        funded += runs(post.post, [m for m in in_horizon if row.get(m) == schedule.FUNDED
                                   and (post.post, m) not in held])
        closed += runs(post.post, [m for m in in_horizon if m in row and row[m] is None
                                   and (post.post, m) not in held])
    return Timeline(plan_name=plan_name or path.stem, horizon_start=first, horizon_end=last,
                    posts=tuple(posts), agencies=_read_agencies(schedule_table, bars),
                    bars=tuple(sorted(bars, key=lambda b: (b.post, b.start, b.end, b.person))),
                    vacancies=tuple(vacancies), funded=tuple(funded), closed=tuple(closed))


def _read_summary(table: RawTable, findings: list[Finding]
                  ) -> tuple[str, tuple[Month, Month] | None]:
    """The plan name and the (first, last) months of the horizon from the Summary rows."""
    values = {str(row.get("setting")).strip(): row for row in table.rows
              if row.get("setting") is not None}
    name_row = values.get("plan_name")
    plan_name = (read_text(name_row.get("value")) or "") if name_row else ""
    horizon_row = values.get("horizon")
    if horizon_row is None:
        findings.append(error(f"there is no 'horizon' row; {NOT_A_PLAN}", summary.SHEET))
        return plan_name, None
    text = str(horizon_row.get("value") or "")
    try:
        first_text, _, last_text = text.partition("..")
        first = parse_month(first_text)
        last = parse_month(last_text) if last_text else first
    except ValueError:
        findings.append(error(f"the horizon '{text}' is not written as YYYY-MM..YYYY-MM",
                              summary.SHEET, horizon_row.number, "value"))
        return plan_name, None
    if last < first:
        findings.append(error(f"the horizon '{text}' ends before it starts", summary.SHEET,
                              horizon_row.number, "value"))
        return plan_name, None
    return plan_name, (first, last)


def _read_bars(table: RawTable, findings: list[Finding]) -> list[Bar]:
    """One bar per Secondments row; a row that cannot be read is a located error."""
    absent = [c for c in BAR_COLUMNS if c not in table.columns]
    if absent:
        findings += [error(f"the header has no '{c}' column: add it", secondments.SHEET,
                           table.header_row, c) for c in absent]
        return []
    bars = []
    for row in table.rows:
        if row.blank_in(BAR_COLUMNS):
            continue
        bar = _read_bar(row, findings)
        if bar is not None:
            bars.append(bar)
    return bars


def _read_bar(row: RawRow, findings: list[Finding]) -> Bar | None:
    """One Secondments row as a bar, or None after adding the errors that stop it."""
    errors: list[Finding] = []

    def cell(column: str, reader: Callable[[object], T | None]) -> T | None:
        try:
            value = reader(row.get(column))
        except CellError as exc:
            errors.append(error(str(exc), secondments.SHEET, row.number, column))
            return None
        if value is None and column in BAR_COLUMNS:
            errors.append(error(f"{column} is blank: it is required", secondments.SHEET,
                                row.number, column))
        return value

    person, post = cell("person", read_text), cell("post", read_text)
    start, end = cell("start", read_month), cell("end", read_month)
    name, agency = cell("name", read_text), cell("agency", read_text)
    existing, follows = cell("existing", read_flag), cell("follows", read_text)
    findings += errors
    if errors or person is None or post is None or start is None or end is None:
        return None
    if start > end:
        findings.append(error(f"{person} in {post}: start is after end", secondments.SHEET,
                              row.number, "end"))
        return None
    return Bar(post=post, person=person, name=name or person, agency=agency or "",
               start=start, end=end, existing=bool(existing), follows=follows)


def _read_schedule(table: RawTable, findings: list[Finding]
                   ) -> tuple[list[TimelinePost], dict[str, dict[Month, object]]]:
    """The grid's posts (with areas) and each post's cell text by month."""
    if "post" not in table.columns:
        findings.append(error(f"the post-by-month grid has no 'post' header; {NOT_A_PLAN}",
                              schedule.SHEET))
        return [], {}
    month_columns: dict[str, Month] = {}
    for column in table.columns:
        try:
            # Column names are matched with hyphens turned into underscores: 2027_04.
            month_columns[column] = parse_month(column.replace("_", "-"))
        except ValueError:
            continue
    posts: list[TimelinePost] = []
    cells: dict[str, dict[Month, object]] = {}
    expected_row = table.header_row + 1
    for row in table.rows:
        if row.number != expected_row:
            break  # the grid ends at its first blank row; the legend follows
        expected_row += 1
        post = read_text(row.get("post"))
        if post is None:
            continue
        posts.append(TimelinePost(post, read_text(row.get("area")) or ""))
        cells[post] = {month: row.get(column) for column, month in month_columns.items()}
    return posts, cells


def _read_agencies(table: RawTable, bars: list[Bar]) -> tuple[tuple[str, str], ...]:
    """(code, name) of each agency in the Schedule's legend; any others the bars name after."""
    agencies: dict[str, str] = {}
    in_legend = False
    # The words beside a legend key start beside the first month, in the third column (in
    # the area column in plans written before the Schedule printed a year to a page).
    words = table.columns[2] if len(table.columns) > 2 else "area"
    for row in table.rows:
        label = read_text(row.get("post"))
        if label == LEGEND:
            in_legend = True
        elif in_legend:
            if label is None or label == schedule.VACANT:
                break
            agencies[label] = read_text(row.get(words)) or read_text(row.get("area")) or label
    for bar in bars:
        if bar.agency and bar.agency not in agencies:
            agencies[bar.agency] = bar.agency
    return tuple(agencies.items())
