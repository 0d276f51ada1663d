"""The Agencies sheet: each agency's commitment on its own, one block per agency.

A block is what an agency checks before agreeing the plan: its secondees, a chart of its staff
out each month against its limit (R8 backfill limit, R9 team mix), its backfill cost per
financial year against budget (R10) and its pledged against delivered officer-months. The
figures are those of the Backfill sheet, regrouped by agency. The same block makes the Backfill
sheet of each agency's own workbook (``rotation.io.agency_split``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.chart.series import SeriesLabel
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from rotation.io.plan_sheets import printing, styles
from rotation.io.plan_sheets.backfill import budget_cells, limit_of, style_budget_rows
from rotation.io.plan_sheets.view import PlanView
from rotation.io.xlsx import (
    CellValue,
    add_table,
    clean_text,
    fit_columns,
    set_value,
    style_header,
    write_rows,
)
from rotation.months import Month, financial_year, financial_year_label, format_month

SHEET = "Agencies"
SECONDEES_HEADER = ("person", "name", "grade", "post", "area", "from", "to", "months")
YEARS_HEADER = ("financial_year", "months_in_horizon", "backfill_cost", "budget", "remaining",
                "budget_used", "status")
PLEDGE_HEADER = ("pledged_months", "delivered_months", "shortfall_months", "status")
MONTHS_HEADER = ("month", "staff_out", "limit", "headroom")
NO_SECONDEES = "None of this agency's staff are seconded in this plan."
NO_AGENCIES = "The input lists no agencies."

# The chart sits beside its own data, the month table, rather than beside the wider tables
# above it: the block then prints one page wide at a size people can read.
CHART_COLUMN = len(MONTHS_HEADER) + 1
CHART_WIDTH_CM = 18.0
CHART_HEIGHT_CM = 7.5
CHART_ROWS = 16  # rows the chart covers at the default row height, with a little room
LIMIT_COLOUR = "C00000"
STAFF_OUT_COLOUR = "1F4E78"


@dataclass(frozen=True)
class Secondee:
    """One of the agency's secondments, as its table shows it."""

    person: str
    name: str
    grade: str
    post: str
    area: str
    start: Month
    end: Month

    @property
    def months(self) -> int:
        """Length in months, counting months outside the horizon."""
        return self.end - self.start + 1


@dataclass(frozen=True)
class YearCost:
    """Backfill cost against budget in one financial year (R10)."""

    label: str
    months_in_horizon: int
    cost: float
    budget: float | None


@dataclass(frozen=True)
class AgencyBlock:
    """Everything one agency's block shows."""

    code: str
    name: str
    limit: int
    limit_label: str  # which rule sets the limit, as the Backfill sheet words it
    months: tuple[Month, ...]
    staff_out: tuple[int, ...]  # one count per month of ``months``
    years: tuple[YearCost, ...]
    pledged: int | None
    delivered: int
    secondees: tuple[Secondee, ...]

    @property
    def title(self) -> str:
        """``HC — Highland Council``, or the code alone when the agency has no name."""
        return f"{self.code} — {self.name}" if self.name and self.name != self.code else self.code


def agency_blocks(view: PlanView) -> list[AgencyBlock]:
    """One block per agency, in the order the Agencies input sheet lists them."""
    problem = view.problem
    months = tuple(problem.horizon)
    months_in_year = {year: sum(1 for m in months if financial_year(m) == year)
                      for year in problem.financial_years()}
    blocks = []
    for agency in problem.agencies:
        code = agency.agency
        limit, limit_label = limit_of(agency, problem.settings.max_secondees_per_agency)
        years = tuple(YearCost(financial_year_label(year), count,
                               view.backfill_cost(code, year), agency.backfill_budget)
                      for year, count in months_in_year.items())
        secondees = []
        for secondment in view.secondments:
            if view.agency_of(secondment.person) != code:
                continue
            candidate = view.candidate(secondment.person)
            post = view.post(secondment.post)
            secondees.append(Secondee(
                secondment.person, view.person_name(secondment.person),
                candidate.grade if candidate else "", secondment.post,
                post.area if post else "", secondment.start, secondment.end))
        blocks.append(AgencyBlock(
            code=code, name=agency.name, limit=limit, limit_label=limit_label, months=months,
            staff_out=tuple(view.staff_out(code, m) for m in months), years=years,
            pledged=agency.pledged_months, delivered=view.delivered_months(code),
            secondees=tuple(sorted(secondees, key=lambda s: (s.start, s.post, s.person)))))
    return blocks


def write_agencies(book: Workbook, view: PlanView) -> None:
    """Add the Agencies sheet: one block per agency, one under another."""
    write_agency_sheet(book, SHEET, agency_blocks(view))


def write_agency_sheet(book: Workbook, sheet_name: str, blocks: Sequence[AgencyBlock]
                       ) -> Worksheet:
    """Add a sheet holding the given agency blocks, one under another."""
    sheet = book.create_sheet(sheet_name)
    titles: list[tuple[int, str, Font]] = []
    row = 1
    for index, block in enumerate(blocks, start=1):
        row = _write_block(sheet, block, row, f"Agency{index}_{_name_part(block.code)}_", titles)
    if not blocks:
        titles.append((1, NO_AGENCIES, styles.ITALIC_FONT))
    fit_columns(sheet, maximum=40)
    # Titles go in after the widths are fitted, so that they run on across empty cells
    # instead of widening the first column.
    for title_row, text, font in titles:
        set_value(sheet.cell(row=title_row, column=1), text)
        sheet.cell(row=title_row, column=1).font = font
    _set_print_layout(sheet, [title_row for title_row, _, font in titles
                              if font is styles.SECTION_FONT])
    return sheet


def _set_print_layout(sheet: Worksheet, block_rows: list[int]) -> None:
    """Landscape, each agency starting a new page, at the scale its tables and chart fit."""
    tables = sum(printing.column_points(sheet, c) for c in range(1, len(SECONDEES_HEADER) + 1))
    months_and_chart = (sum(printing.column_points(sheet, c) for c in range(1, CHART_COLUMN))
                        + CHART_WIDTH_CM / 2.54 * 72)
    printing.print_at_width(sheet, max(tables, months_and_chart), landscape=True)
    printing.break_before_rows(sheet, block_rows)


def _name_part(code: str) -> str:
    """The agency code as it may appear inside an Excel table name."""
    return re.sub(r"[^A-Za-z0-9_]", "_", code)


def limit_rule(label: str) -> str:
    """``R8 backfill limit`` from ``limit (R8 backfill limit)``: the rule that sets a limit."""
    found = re.search(r"\((.+)\)", label)
    return found.group(1) if found else label


def block_summary(block: AgencyBlock) -> str:
    """One line under the title: the limit, how many secondees, months delivered and pledged."""
    pledge = (f" of {block.pledged} pledged" if block.pledged is not None else " (no pledge)")
    count = len(block.secondees)
    return (f"Limit: {block.limit} staff out at once ({limit_rule(block.limit_label)}). "
            f"{count} secondment{'' if count == 1 else 's'}; {block.delivered} officer-months "
            f"delivered in the horizon{pledge}.")


def _write_block(sheet: Worksheet, block: AgencyBlock, first_row: int, table_prefix: str,
                 titles: list[tuple[int, str, Font]]) -> int:
    """Write one agency's block from ``first_row``; return the first row of the next block."""
    titles.append((first_row, block.title, styles.SECTION_FONT))
    titles.append((first_row + 1, block_summary(block), styles.ITALIC_FONT))
    table_row = first_row + 3
    row = _write_secondees(sheet, block, table_row, table_prefix, titles)
    row = _write_years(sheet, block, row + 1, table_prefix)
    row = _write_pledge(sheet, block, row + 1, table_prefix)
    months_header_row = row + 1
    row = _write_months(sheet, block, months_header_row, table_prefix)
    _add_chart(sheet, block, months_header_row, anchor_row=months_header_row)
    return max(row, months_header_row + CHART_ROWS) + 2


def _write_secondees(sheet: Worksheet, block: AgencyBlock, first_row: int, table_prefix: str,
                     titles: list[tuple[int, str, Font]]) -> int:
    """The agency's secondments as a table (or a sentence when there are none)."""
    if not block.secondees:
        titles.append((first_row, NO_SECONDEES, styles.ITALIC_FONT))
        return first_row + 1
    rows: list[Sequence[CellValue]] = [SECONDEES_HEADER]
    rows += [(s.person, s.name, s.grade, s.post, s.area, format_month(s.start),
              format_month(s.end), s.months) for s in block.secondees]
    return _table(sheet, rows, first_row, f"{table_prefix}Secondees")


def _write_years(sheet: Worksheet, block: AgencyBlock, first_row: int, table_prefix: str
                 ) -> int:
    """Backfill cost against budget per financial year, highlighted as on the Backfill sheet."""
    rows: list[Sequence[CellValue]] = [YEARS_HEADER]
    for year in block.years:
        rows.append([year.label, year.months_in_horizon, *budget_cells(year.cost, year.budget)])
    next_row = _table(sheet, rows, first_row, f"{table_prefix}Costs")
    style_budget_rows(sheet, rows[1:], first_row + 1, cost_column=3)
    return next_row


def _write_pledge(sheet: Worksheet, block: AgencyBlock, first_row: int, table_prefix: str
                  ) -> int:
    """Pledged against delivered officer-months, in one row."""
    if block.pledged is None:
        row: Sequence[CellValue] = (None, block.delivered, None, "no pledge")
    else:
        shortfall = max(0, block.pledged - block.delivered)
        status = f"{shortfall} month(s) short of the pledge" if shortfall else "pledge met"
        row = (block.pledged, block.delivered, shortfall, status)
    next_row = _table(sheet, [PLEDGE_HEADER, row], first_row, f"{table_prefix}Pledge")
    if block.pledged is not None and block.pledged > block.delivered:
        for column in (3, 4):
            sheet.cell(row=first_row + 1, column=column).fill = styles.NEAR_FILL
            sheet.cell(row=first_row + 1, column=column).font = styles.NEAR_FONT
    return next_row


def _write_months(sheet: Worksheet, block: AgencyBlock, first_row: int, table_prefix: str
                  ) -> int:
    """Staff out, limit and headroom per month: the chart's data. Months at the limit in pink."""
    rows: list[Sequence[CellValue]] = [MONTHS_HEADER]
    rows += [(format_month(month), out, block.limit, block.limit - out)
             for month, out in zip(block.months, block.staff_out, strict=True)]
    next_row = _table(sheet, rows, first_row, f"{table_prefix}Months")
    for offset, out in enumerate(block.staff_out, start=first_row + 1):
        if out > 0 and out >= block.limit:
            for column in (2, 4):
                sheet.cell(row=offset, column=column).fill = styles.REACHED_FILL
                sheet.cell(row=offset, column=column).font = styles.REACHED_FONT
    return next_row


def _table(sheet: Worksheet, rows: Sequence[Sequence[CellValue]], first_row: int,
           name: str) -> int:
    """Write a header and rows as an Excel table from column A; return the next free row."""
    next_row = write_rows(sheet, rows, start_row=first_row)
    style_header(sheet, row=first_row, last_column=len(rows[0]))
    add_table(sheet, name, first_row, next_row - 1, 1, len(rows[0]))
    return next_row


def _add_chart(sheet: Worksheet, block: AgencyBlock, months_header_row: int,
               anchor_row: int) -> None:
    """A line chart of staff out and the limit per month, beside the month table."""
    if not block.months:
        return
    last_row = months_header_row + len(block.months)
    chart = LineChart()
    chart.title = clean_text(f"{block.code}: staff out against the limit")
    chart.y_axis.title = "staff out"
    chart.x_axis.title = "month"
    chart.y_axis.scaling.min = 0
    chart.y_axis.majorUnit = 1
    # openpyxl 3.1 marks both axes deleted unless told otherwise; Excel would then hide them.
    chart.x_axis.delete = False
    chart.x_axis.axPos = "b"
    chart.y_axis.delete = False
    chart.width = CHART_WIDTH_CM
    chart.height = CHART_HEIGHT_CM
    chart.legend.position = "b"
    for column, label, colour, dashed in ((2, "staff out", STAFF_OUT_COLOUR, False),
                                          (3, "limit", LIMIT_COLOUR, True)):
        data = Reference(sheet, min_col=column, min_row=months_header_row + 1,
                         max_row=last_row)
        chart.add_data(data, titles_from_data=False)
        series = chart.series[-1]
        series.tx = SeriesLabel(v=label)
        series.smooth = False
        series.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.width = 28575  # 2.25 pt, in EMU
        if dashed:
            series.graphicalProperties.line.dashStyle = "dash"
    # The months are text, so they are referenced as text (strRef): a numeric reference to
    # text cells is what openpyxl writes by default, and some spreadsheets then number them.
    months = Reference(sheet, min_col=1, min_row=months_header_row + 1, max_row=last_row)
    for series in chart.series:
        series.cat = AxDataSource(strRef=StrRef(f=str(months)))
    sheet.add_chart(chart, f"{get_column_letter(CHART_COLUMN)}{anchor_row}")
