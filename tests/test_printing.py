"""Print set-up of the plan sheets: wrapped names get tall enough rows, wide sheets break by
financial year at a scale that fits, and every agency starts a new page."""

from __future__ import annotations

from openpyxl import Workbook

from rotation.io.plan_sheets import printing, styles
from rotation.io.plan_sheets.agencies import agency_blocks, write_agency_sheet
from rotation.io.plan_sheets.schedule import financial_year_columns
from rotation.io.plan_sheets.view import PlanView
from tests.factory import agency, candidate, grade, m, post, problem, secondment


def test_wrapped_lines_counts_lines_broken_at_spaces() -> None:
    # Width 13 leaves 11 characters a line: "Eilidh" | "Fraser" | "Morag" | "Mackenzie"
    # ("Eilidh Fraser" is 13, "Fraser →" 8, "Fraser → Morag" 14).
    assert printing.wrapped_lines("Eilidh Fraser → Morag Mackenzie", 13) == 4
    assert printing.wrapped_lines("Ann Bell", 13) == 1
    assert printing.wrapped_lines("", 13) == 1
    # A word longer than the line still takes one line of its own.
    assert printing.wrapped_lines("Abernethy-Strathspey Inverness", 10) == 2


def test_row_height_follows_the_tallest_wrapped_cell() -> None:
    sheet = Workbook().active
    sheet.column_dimensions["A"].width = 13
    sheet.column_dimensions["B"].width = 13
    sheet["A1"] = "Hamish Sutherland"  # two lines
    sheet["A1"].alignment = styles.CENTRED_WRAPPED
    sheet["B1"] = "Eilidh Fraser → Morag Mackenzie"  # four lines, but not wrapped
    printing.fit_row_height(sheet, 1)
    assert sheet.row_dimensions[1].height == 2 * printing.LINE_POINTS
    sheet["B1"].alignment = styles.CENTRED_WRAPPED
    printing.fit_row_height(sheet, 1)
    assert sheet.row_dimensions[1].height == 4 * printing.LINE_POINTS


def test_financial_years_break_the_columns_and_the_widest_fits_the_page() -> None:
    # 2027-01..2028-06: 3 months of 2026/27, 12 of 2027/28, 3 of 2028/29, from column C.
    months = list(range(m("2027-01"), m("2028-06") + 1))
    groups = financial_year_columns(months, first_month_column=3)
    assert groups == [(3, 5), (6, 17), (18, 20)]
    sheet = Workbook().active
    for column in range(1, 21):
        sheet.cell(row=1, column=column, value="x")
        sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = 13
    scale = printing.print_in_column_groups(sheet, groups, title_columns=2)
    assert [brk.id for brk in sheet.col_breaks.brk] == [5, 17]
    assert sheet.print_title_cols == "$A:$B"
    assert not sheet.sheet_properties.pageSetUpPr.fitToPage
    # The 14 columns of the widest page (2 title + 12 months), scaled, fit the printable width.
    widest = 14 * printing.column_points(sheet, 1)
    assert widest * scale / 100 <= printing.printable_width(landscape=True)
    assert widest * (scale + 2) / 100 > printing.SAFETY * printing.printable_width(landscape=True)


def test_every_agency_block_starts_a_new_page() -> None:
    plan_problem = problem(
        agencies=[agency("HC", name="Highland Council"), agency("NHS", name="NHS Highland")],
        grades=[grade("HC", "HC8"), grade("NHS", "Band 6")],
        posts=[post("P1")],
        candidates=[candidate("A", agency="HC", grade="HC8"),
                    candidate("B", agency="NHS", grade="Band 6")],
    )
    view = PlanView(plan_problem, [secondment("A", "P1", "2027-04", "2027-09")])
    book = Workbook()
    sheet = write_agency_sheet(book, "Agencies", agency_blocks(view))
    titles = [row for row in range(1, sheet.max_row + 1)
              if sheet.cell(row, 1).value in ("HC — Highland Council", "NHS — NHS Highland")]
    assert len(titles) == 2
    # A row break's id is the last row before the break; the first block needs none.
    assert [brk.id for brk in sheet.row_breaks.brk] == [titles[1] - 1]
    assert sheet.page_setup.orientation == "landscape"
    assert 10 <= int(sheet.page_setup.scale) <= 100
