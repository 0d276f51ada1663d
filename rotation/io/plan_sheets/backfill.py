"""The Backfill sheet: what each agency gives, month by month and year by year.

Three tables, each under a one-line title: staff out per month against the agency's limit
(agencies down, months across, so a year reads along one row, as on the Schedule); backfill
cost per financial year against budget; pledged against delivered officer-months. Months at
the limit and budgets at or near their end are highlighted, and a status word says the same
for anyone who cannot tell the colours apart.
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from rotation.domain import Agency
from rotation.io.plan_sheets import printing, styles
from rotation.io.plan_sheets.schedule import financial_year_columns
from rotation.io.plan_sheets.view import PlanView
from rotation.io.xlsx import CellValue, add_table, fit_columns, set_value, style_header, write_rows
from rotation.months import financial_year, financial_year_label, format_month

SHEET = "Backfill"
MONTHS_TITLE = ("Staff out on secondment each month against the agency's limit "
                "(R8 backfill limit, R9 team mix). Pink: limit reached, no one else can go.")
YEARS_TITLE = ("Backfill cost per financial year against budget (R10 backfill budget). "
               "A partial year at either end of the horizon has the full year's budget.")
PLEDGES_TITLE = "Officer-months pledged and delivered over the horizon."
YEARS_HEADER = ("agency", "financial_year", "months_in_horizon", "backfill_cost", "budget",
                "remaining", "budget_used", "status")
PLEDGES_HEADER = ("agency", "pledged_months", "delivered_months", "shortfall_months", "status")
STAFF_OUT = "staff out"
HEADROOM = "headroom"
NEARLY_SPENT = 0.9
TOLERANCE = 0.005  # pounds: costs are compared to budgets to the half penny, as the checker does


def limit_of(agency: Agency, team_mix: int) -> tuple[int, str]:
    """The agency's monthly limit and the measure label saying which rule sets it."""
    if agency.max_concurrent < team_mix:
        return agency.max_concurrent, "limit (R8 backfill limit)"
    if team_mix < agency.max_concurrent:
        return team_mix, "limit (R9 team mix)"
    return team_mix, "limit (R8 backfill limit = R9 team mix)"


NO_BUDGET = "no budget set"
OVER_BUDGET = "over budget (breaks R10)"
BUDGET_REACHED = "budget reached"
BUDGET_NEARLY_REACHED = "nearly reached (90% or more)"
WITHIN_BUDGET = "within budget"
BUDGET_LOOKS: dict[str, tuple[PatternFill, Font]] = {
    OVER_BUDGET: (styles.REACHED_FILL, styles.REACHED_FONT),
    BUDGET_REACHED: (styles.REACHED_FILL, styles.REACHED_FONT),
    BUDGET_NEARLY_REACHED: (styles.NEAR_FILL, styles.NEAR_FONT),
}


def budget_status(cost: float, budget: float | None) -> str:
    """How far an agency-year's cost has gone into its budget, in words."""
    if budget is None:
        return NO_BUDGET
    if cost > budget + TOLERANCE:
        return OVER_BUDGET
    if budget > 0 and cost >= budget - TOLERANCE:
        return BUDGET_REACHED
    if budget > 0 and cost >= NEARLY_SPENT * budget:
        return BUDGET_NEARLY_REACHED
    return WITHIN_BUDGET


def budget_cells(cost: float, budget: float | None) -> list[CellValue]:
    """The five columns every budget table ends with: cost, budget, remaining, share used
    and status."""
    return [cost, budget, None if budget is None else round(budget - cost, 2),
            cost / budget if budget else None, budget_status(cost, budget)]


def style_budget_rows(sheet: Worksheet, rows: Sequence[Sequence[CellValue]], first_row: int,
                      cost_column: int) -> None:
    """Money and percentage formats on the ``budget_cells`` of each row written from
    ``first_row`` (cost in ``cost_column``), highlighted when the budget is reached or near."""
    for row_number, values in enumerate(rows, start=first_row):
        for column in range(cost_column, cost_column + 3):
            sheet.cell(row=row_number, column=column).number_format = styles.MONEY_FORMAT
        sheet.cell(row=row_number, column=cost_column + 3).number_format = styles.PERCENT_FORMAT
        look = BUDGET_LOOKS.get(str(values[cost_column + 3]))
        if look:
            for column in (cost_column, cost_column + 2, cost_column + 3, cost_column + 4):
                _highlight(sheet.cell(row=row_number, column=column), *look)


def write_backfill(book: Workbook, view: PlanView) -> None:
    """Add the Backfill sheet: monthly staff out, yearly cost and pledges, each as a table."""
    sheet = book.create_sheet(SHEET)
    titles: list[tuple[int, str]] = [(1, MONTHS_TITLE)]
    next_row = _write_months(sheet, view, first_row=2)
    titles.append((next_row + 1, YEARS_TITLE))
    next_row = _write_years(sheet, view, first_row=next_row + 2)
    titles.append((next_row + 1, PLEDGES_TITLE))
    _write_pledges(sheet, view, first_row=next_row + 2)
    fit_columns(sheet, maximum=40)
    # Titles go in after the widths are fitted, so that they run on across empty cells
    # instead of widening the first column.
    for row, title in titles:
        set_value(sheet.cell(row=row, column=1), title)
        sheet.cell(row=row, column=1).font = styles.SECTION_FONT
    sheet.freeze_panes = "C1"
    months = list(view.problem.horizon)
    # Each financial year of the monthly table on a page of its own, then the yearly tables:
    # pages that would hold only the repeated agency columns beside those are left out.
    printing.print_in_column_groups(
        sheet, financial_year_columns(months, first_month_column=3), title_columns=2,
        across_first=True)
    printing.break_before_rows(sheet, [titles[1][0]])


def _write_months(sheet: Worksheet, view: PlanView, first_row: int) -> int:
    """Agencies down (staff out, limit, headroom), months across. Returns the next free row."""
    problem = view.problem
    months = list(problem.horizon)
    header = ["agency", "measure", *(format_month(m) for m in months)]
    rows: list[Sequence[CellValue]] = [header]
    reached: list[tuple[int, int]] = []  # (row offset, month index) of months at the limit
    for agency in problem.agencies:
        limit, limit_label = limit_of(agency, problem.settings.max_secondees_per_agency)
        out = [view.staff_out(agency.agency, m) for m in months]
        reached += [(len(rows), i) for i, n in enumerate(out) if n > 0 and n >= limit]
        rows.append([agency.agency, STAFF_OUT, *out])
        rows.append([agency.agency, limit_label, *([limit] * len(months))])
        rows.append([agency.agency, HEADROOM, *(limit - n for n in out)])
    write_rows(sheet, rows, start_row=first_row)
    style_header(sheet, row=first_row, last_column=len(header))
    for offset, index in reached:
        for measure_row in (offset, offset + 2):  # the staff-out and headroom cells
            _highlight(sheet.cell(row=first_row + measure_row, column=3 + index),
                       styles.REACHED_FILL, styles.REACHED_FONT)
    last_row = first_row + len(rows) - 1
    add_table(sheet, "BackfillMonths", first_row, last_row, 1, len(header))
    return last_row + 1


def _write_years(sheet: Worksheet, view: PlanView, first_row: int) -> int:
    """Per agency and financial year: cost, budget, remaining and status. Returns next free row."""
    problem = view.problem
    months_in_year = {year: sum(1 for m in problem.horizon if financial_year(m) == year)
                      for year in problem.financial_years()}
    rows: list[Sequence[CellValue]] = [YEARS_HEADER]
    for agency in problem.agencies:
        for year, months in months_in_year.items():
            rows.append([agency.agency, financial_year_label(year), months,
                         *budget_cells(view.backfill_cost(agency.agency, year),
                                       agency.backfill_budget)])
    write_rows(sheet, rows, start_row=first_row)
    style_header(sheet, row=first_row, last_column=len(YEARS_HEADER))
    style_budget_rows(sheet, rows[1:], first_row + 1, cost_column=4)
    last_row = first_row + len(rows) - 1
    add_table(sheet, "BackfillYears", first_row, last_row, 1, len(YEARS_HEADER))
    return last_row + 1


def _write_pledges(sheet: Worksheet, view: PlanView, first_row: int) -> None:
    """Per agency: months pledged, delivered and short."""
    rows: list[Sequence[CellValue]] = [PLEDGES_HEADER]
    short_rows: list[int] = []
    for agency in view.problem.agencies:
        pledged = agency.pledged_months
        delivered = view.delivered_months(agency.agency)
        if pledged is None:
            rows.append([agency.agency, None, delivered, None, "no pledge"])
            continue
        shortfall = max(0, pledged - delivered)
        if shortfall:
            short_rows.append(first_row + len(rows))
        status = f"{shortfall} month(s) short of the pledge" if shortfall else "pledge met"
        rows.append([agency.agency, pledged, delivered, shortfall, status])
    write_rows(sheet, rows, start_row=first_row)
    style_header(sheet, row=first_row, last_column=len(PLEDGES_HEADER))
    for row in short_rows:
        for column in (4, 5):
            _highlight(sheet.cell(row=row, column=column), styles.NEAR_FILL, styles.NEAR_FONT)
    last_row = first_row + len(rows) - 1
    add_table(sheet, "BackfillPledges", first_row, last_row, 1, len(PLEDGES_HEADER))


def _highlight(cell: Cell, fill: PatternFill, font: Font) -> None:
    """Give a cell a highlight fill and font."""
    cell.fill = fill
    cell.font = font
