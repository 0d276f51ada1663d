"""The Funded sheet, and the Backfill sheet's table of direct cost against the central budget.

The Funded sheet lists one row per directly funded officer: every ``funded`` post for the
months it exists, and each stretch of an ``either`` post that no secondee could cover.
``rotation check`` reads its ``post``, ``start`` and ``end`` columns (R13, R14); the others
are for people. Costs follow ``rotation.funded_posts``: the host agency's grade at the post's
top level, paid from the central budget.
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from rotation.funded_posts import funded_monthly_pence, pricing_grade
from rotation.io.plan_sheets import printing, styles
from rotation.io.plan_sheets.backfill import budget_cells, style_budget_rows
from rotation.io.plan_sheets.view import PlanView
from rotation.io.xlsx import CellValue, add_table, fit_columns, set_value, style_header, write_rows
from rotation.months import financial_year_label, format_month

SHEET = "Funded"
HEADER = ("post", "area", "role", "funding", "start", "end", "months", "months_in_horizon",
          "priced_as", "monthly_cost", "cost_in_horizon")
NOTHING_FUNDED = "no post has a directly funded officer."
DIRECT_TITLE = ("Direct cost of funded officers per financial year against the central budget "
                "(R14 central budget).")
DIRECT_HEADER = ("financial_year", "funded_months", "direct_cost", "central_budget",
                 "remaining", "budget_used", "status")


def funded_rows(view: PlanView) -> list[Sequence[CellValue]]:
    """One row per funded stretch, in post order."""
    problem = view.problem
    rows: list[Sequence[CellValue]] = []
    for stretch in view.funded:
        post = view.post(stretch.post)
        inside = [m for m in range(stretch.start, stretch.end + 1) if m in problem.horizon]
        grade = pricing_grade(problem, post) if post else None
        monthly = funded_monthly_pence(problem, post) / 100 if post else None
        rows.append([
            stretch.post, post.area if post else None, post.role if post else None,
            post.funding if post else None, format_month(stretch.start),
            format_month(stretch.end), stretch.months, len(inside),
            f"{grade.agency} {grade.grade}" if grade else "no grade at this level",
            monthly, None if monthly is None else round(monthly * len(inside), 2),
        ])
    return rows


def write_funded(book: Workbook, view: PlanView) -> None:
    """Add the Funded sheet: the funded stretches as a table (or a line saying there are none)."""
    sheet = book.create_sheet(SHEET)
    rows = funded_rows(view)
    if not rows:
        plan_name = view.problem.settings.plan_name or "This plan"
        set_value(sheet["A1"], f"{plan_name}: {NOTHING_FUNDED}")
        return
    write_rows(sheet, [HEADER, *rows])
    style_header(sheet, last_column=len(HEADER))
    for row in range(2, len(rows) + 2):
        for column in (10, 11):
            sheet.cell(row=row, column=column).number_format = styles.MONEY_FORMAT
    sheet.freeze_panes = "A2"
    add_table(sheet, "FundedStretches", 1, len(rows) + 1, 1, len(HEADER))
    fit_columns(sheet, maximum=40)
    printing.fit_to_width(sheet, landscape=True, title_rows="1:1")


def has_funding(view: PlanView) -> bool:
    """Whether the plan could have a funded officer at all (some post funded or either)."""
    return bool(view.funded) or any(p.funding != "seconded" for p in view.problem.posts)


def write_direct_cost_table(sheet: Worksheet, view: PlanView, first_row: int) -> int:
    """Per financial year: funded months, direct cost, central budget and status.

    Returns the next free row. Written under its title in ``first_row``.
    """
    problem = view.problem
    budget = problem.settings.central_budget
    set_value(sheet.cell(row=first_row, column=1), DIRECT_TITLE)
    sheet.cell(row=first_row, column=1).font = styles.SECTION_FONT
    header_row = first_row + 1
    rows: list[Sequence[CellValue]] = [DIRECT_HEADER]
    for year in problem.financial_years():
        rows.append([financial_year_label(year), view.funded_months_in(year),
                     *budget_cells(view.direct_cost(year), budget)])
    write_rows(sheet, rows, start_row=header_row)
    style_header(sheet, row=header_row, last_column=len(DIRECT_HEADER))
    style_budget_rows(sheet, rows[1:], header_row + 1, cost_column=3)
    last_row = header_row + len(rows) - 1
    add_table(sheet, "DirectCost", header_row, last_row, 1, len(DIRECT_HEADER))
    return last_row + 1

