"""The Agencies sheet of the plan workbook: one block per agency, with a chart.

The plan used throughout, over 2027-04..2028-06 (15 months, financial years 2027/28 and
2028/29), with a one-month handover overlap:
- P1: Ann (HC) 2027-04..2027-12, then Bob (NHS) 2027-12..2028-06 (Bob follows Ann).
- P2 (exists until 2027-12): Cat (HC), agreed on the Existing sheet 2026-10..2027-06.
HC (limit 2, budget £50,000, pledged 30 months): Cat then Ann (by start). Out 2027-04..06: 2
(at its limit), 2027-07..12: 1, then 0. 2027/28 cost: Ann 9 + Cat 3 horizon months = 12 x
£3,800 = £45,600, 91.2% of the budget (nearly reached); 2028/29: £0. Delivered 12, 18 short.
NHS (limit 1, no budget, no pledge): Bob, out 2027-12..2028-06 (at its limit); 2027/28 4
months = £15,200, 2028/29 3 months = £11,400; delivered 7.
POL (limit 1): nobody seconded.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from rotation.checker import check_plan
from rotation.domain import Problem
from rotation.io.plan_sheets import styles
from rotation.io.plan_sheets.agencies import NO_SECONDEES, SHEET, block_summary, limit_rule
from rotation.io.plan_writer import SHEETS, write_plan
from rotation.plan import SolveResult
from tests.factory import agency, candidate, grade, post, problem, secondment

INJECTION = '=HYPERLINK("http://x","y")'


def view_problem() -> Problem:
    """The problem of the module docstring."""
    return problem(
        horizon_months=15,
        max_secondment_months=12,
        agencies=[agency("HC", name="Highland Council", max_concurrent=2,
                         backfill_budget=50_000, pledged_months=30),
                  agency("NHS", name="NHS Highland", max_concurrent=1),
                  agency("POL", name="Police Scotland", max_concurrent=1)],
        grades=[grade("HC", "HC8"), grade("NHS", "Band 6"), grade("POL", "Sergeant")],
        posts=[post("P1", area="North"), post("P2", area="South", end="2027-12")],
        candidates=[candidate("A", name="Ann"),
                    candidate("B", name="Bob", agency="NHS", grade="Band 6"),
                    candidate("C", name="Cat"),
                    candidate("D", name="Dee", agency="POL", grade="Sergeant")],
        existing=[secondment("C", "P2", "2026-10", "2027-06")],
    )


def write_view(target: Path, problem_: Problem, result: SolveResult) -> Workbook:
    """Write the plan (with the checker's report) and load it back, failing on any warning."""
    report = check_plan(problem_, result.secondments)
    write_plan(target, problem_, result, report, [], "ab" * 32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return load_workbook(target)


PLAN = (secondment("A", "P1", "2027-04", "2027-12"),
        secondment("B", "P1", "2027-12", "2028-06"),
        secondment("C", "P2", "2026-10", "2027-06", existing=True))


@pytest.fixture
def plan_path(tmp_path: Path) -> Path:
    """Where the plan of the module docstring is written."""
    return tmp_path / "plan.xlsx"


@pytest.fixture
def book(plan_path: Path) -> Workbook:
    """The plan workbook of the module docstring."""
    problem_ = view_problem()
    assert check_plan(problem_, PLAN).ok
    return write_view(plan_path, problem_, SolveResult(status="OPTIMAL", secondments=PLAN))


def rows_of(sheet: Worksheet) -> list[tuple[object, ...]]:
    """Every row's values, trailing blanks dropped."""
    rows = []
    for row in sheet.iter_rows(values_only=True):
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        rows.append(tuple(values))
    return rows


def block_rows(sheet: Worksheet, code: str) -> list[tuple[object, ...]]:
    """The rows of one agency's block, from its title to the next block's title."""
    rows = rows_of(sheet)
    starts = [i for i, row in enumerate(rows) if row and isinstance(row[0], str)
              and re.fullmatch(r"[A-Z]+( — .*)?", row[0]) and len(row) == 1]
    first = next(i for i in starts if str(rows[i][0]).split(" — ")[0] == code)
    later = [i for i in starts if i > first]
    return rows[first:later[0] if later else len(rows)]


def table_after(rows: list[tuple[object, ...]], header_start: str) -> list[tuple[object, ...]]:
    """The header row starting with ``header_start`` and the rows under it, to a blank row."""
    first = next(i for i, row in enumerate(rows) if row and row[0] == header_start)
    end = next((i for i in range(first, len(rows)) if not rows[i]), len(rows))
    return rows[first:end]


# -- where the sheet goes ---------------------------------------------------------------------
def test_agencies_sheet_comes_after_backfill(book: Workbook) -> None:
    assert book.sheetnames == list(SHEETS)
    assert SHEETS.index(SHEET) == SHEETS.index("Backfill") + 1


def test_one_block_per_agency_in_input_order_with_code_and_name(book: Workbook) -> None:
    titles = [row[0] for row in rows_of(book[SHEET]) if row and " — " in str(row[0])]
    assert titles == ["HC — Highland Council", "NHS — NHS Highland", "POL — Police Scotland"]


def test_block_summary_line_states_limit_secondments_and_pledge(book: Workbook) -> None:
    hc = block_rows(book[SHEET], "HC")
    assert hc[1][0] == ("Limit: 2 staff out at once (R8 backfill limit = R9 team mix). "
                        "2 secondments; 12 officer-months delivered in the horizon of 30 "
                        "pledged.")
    nhs = block_rows(book[SHEET], "NHS")
    assert nhs[1][0] == ("Limit: 1 staff out at once (R8 backfill limit). 1 secondment; 7 "
                         "officer-months delivered in the horizon (no pledge).")


# -- the tables of a block --------------------------------------------------------------------
def test_secondees_table_lists_the_agencys_people_by_start(book: Workbook) -> None:
    hc = table_after(block_rows(book[SHEET], "HC"), "person")
    assert hc == [
        ("person", "name", "grade", "post", "area", "from", "to", "months"),
        ("C", "Cat", "HC8", "P2", "South", "2026-10", "2027-06", 9),
        ("A", "Ann", "HC8", "P1", "North", "2027-04", "2027-12", 9),
    ]
    nhs = table_after(block_rows(book[SHEET], "NHS"), "person")
    assert nhs[1:] == [("B", "Bob", "Band 6", "P1", "North", "2027-12", "2028-06", 7)]


def test_an_agency_with_nobody_seconded_says_so(book: Workbook) -> None:
    pol = block_rows(book[SHEET], "POL")
    assert (NO_SECONDEES,) in pol
    assert not any(row and row[0] == "person" for row in pol)


def test_cost_per_financial_year_against_budget(book: Workbook) -> None:
    hc = table_after(block_rows(book[SHEET], "HC"), "financial_year")
    assert hc[0] == ("financial_year", "months_in_horizon", "backfill_cost", "budget",
                     "remaining", "budget_used", "status")
    assert hc[1] == ("2027/28", 12, 45_600, 50_000, 4_400, pytest.approx(0.912),
                     "nearly reached (90% or more)")
    assert hc[2] == ("2028/29", 3, 0, 50_000, 50_000, 0, "within budget")
    nhs = table_after(block_rows(book[SHEET], "NHS"), "financial_year")
    assert nhs[1:] == [("2027/28", 12, 15_200, None, None, None, "no budget set"),
                       ("2028/29", 3, 11_400, None, None, None, "no budget set")]


def test_a_nearly_spent_budget_is_highlighted(book: Workbook) -> None:
    sheet = book[SHEET]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "2027/28")
    assert sheet.cell(row, 3).fill.fgColor.rgb[-6:] == styles.NEAR_FILL.fgColor.rgb[-6:]
    assert "£" in sheet.cell(row, 3).number_format


def test_pledged_against_delivered(book: Workbook) -> None:
    hc = table_after(block_rows(book[SHEET], "HC"), "pledged_months")
    assert hc == [("pledged_months", "delivered_months", "shortfall_months", "status"),
                  (30, 12, 18, "18 month(s) short of the pledge")]
    nhs = table_after(block_rows(book[SHEET], "NHS"), "pledged_months")
    assert nhs[1] == (None, 7, None, "no pledge")


def test_staff_out_per_month_against_the_limit(book: Workbook) -> None:
    hc = table_after(block_rows(book[SHEET], "HC"), "month")
    assert hc[0] == ("month", "staff_out", "limit", "headroom")
    assert len(hc) == 1 + 15
    by_month = {row[0]: row[1:] for row in hc[1:]}
    assert by_month["2027-04"] == (2, 2, 0)
    assert by_month["2027-07"] == (1, 2, 1)
    assert by_month["2028-06"] == (0, 2, 2)
    nhs = {row[0]: row[1:] for row in table_after(block_rows(book[SHEET], "NHS"), "month")[1:]}
    assert nhs["2027-11"] == (0, 1, 1)
    assert nhs["2027-12"] == (1, 1, 0)


def test_months_at_the_limit_are_highlighted(book: Workbook) -> None:
    sheet = book[SHEET]
    pink = styles.REACHED_FILL.fgColor.rgb[-6:]
    month_rows = [r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "2027-04"]
    hc_row = month_rows[0]
    assert sheet.cell(hc_row, 2).fill.fgColor.rgb[-6:] == pink
    assert sheet.cell(hc_row + 3, 2).fill.fgColor.rgb[-6:] != pink  # 2027-07: 1 of 2


# -- tables and chart as Excel needs them -------------------------------------------------------
def test_blocks_are_excel_tables_with_unique_valid_names(book: Workbook) -> None:
    names = [name for sheet in book.worksheets for name in sheet.tables]
    assert len(names) == len(set(names))
    agency_tables = sorted(book[SHEET].tables)
    # HC and NHS: secondees, costs, pledge, months; POL: no secondees table.
    assert len(agency_tables) == 4 + 4 + 3
    for name in names:
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name)
        assert not re.fullmatch(r"[A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*", name)


def test_each_table_header_matches_its_cells(book: Workbook) -> None:
    sheet = book[SHEET]
    for table in sheet.tables.values():
        first, last = table.ref.split(":")
        header = [c.value for c in sheet[first:f"{last[0]}{sheet[first].row}"][0]]
        assert [column.name for column in table.tableColumns] == header


def test_a_chart_per_agency_beside_its_month_table(book: Workbook) -> None:
    sheet = book[SHEET]
    charts = sheet._charts
    assert len(charts) == 3
    header_rows = [r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "month"]
    anchors = [(c.anchor._from.col, c.anchor._from.row) for c in charts]
    # Zero-based anchor: column E (index 4), just right of the month table (A-D), on the row
    # of each month table's header.
    assert anchors[:2] == [(4, header_rows[0] - 1), (4, header_rows[1] - 1)]
    for chart in charts:
        assert chart.tagname == "lineChart"
        assert len(chart.series) == 2


def test_chart_series_are_staff_out_and_limit_of_the_right_rows(book: Workbook) -> None:
    sheet = book[SHEET]
    hc_chart = sheet._charts[0]
    staff_out, limit = hc_chart.series
    assert staff_out.tx.v == "staff out"
    assert limit.tx.v == "limit"
    reference = staff_out.val.numRef.f
    match = re.fullmatch(r"'Agencies'!\$B\$(\d+):\$B\$(\d+)", reference)
    assert match, reference
    first, last = int(match.group(1)), int(match.group(2))
    assert last - first + 1 == 15
    assert sheet.cell(first - 1, 2).value == "staff_out"
    assert sheet.cell(first, 1).value == "2027-04"
    assert limit.val.numRef.f == f"'Agencies'!$C${first}:$C${last}"
    assert staff_out.cat.strRef.f == f"'Agencies'!$A${first}:$A${last}"


def test_chart_parts_quote_the_sheet_name_in_every_reference(plan_path: Path,
                                                             book: Workbook) -> None:
    with zipfile.ZipFile(plan_path) as archive:
        charts = [archive.read(n).decode() for n in archive.namelist()
                  if n.startswith("xl/charts/chart")]
    assert len(charts) == 3
    for xml in charts:
        references = re.findall(r"<f>([^<]*)</f>", xml)
        assert len(references) == 4  # values and categories of two series
        for reference in references:
            assert re.fullmatch(r"'Agencies'!\$[A-Z]+\$\d+:\$[A-Z]+\$\d+", reference)


def test_charts_do_not_overlap_the_next_block(book: Workbook) -> None:
    sheet = book[SHEET]
    titles = [r for r in range(1, sheet.max_row + 1)
              if " — " in str(sheet.cell(r, 1).value or "")]
    for chart, next_title in zip(sheet._charts, titles[1:], strict=False):
        chart_top = chart.anchor._from.row + 1
        assert chart_top + 15 < next_title


# -- odd names -------------------------------------------------------------------------------
def test_odd_agency_codes_give_valid_table_names_and_stay_text(tmp_path: Path) -> None:
    problem_ = problem(
        agencies=[agency(INJECTION, name=INJECTION), agency("3C-Fife", name="Fife")],
        grades=[grade(INJECTION, "HC8"), grade("3C-Fife", "HC8")],
        posts=[post("P1")],
        candidates=[candidate("A", name=INJECTION, agency=INJECTION),
                    candidate("B", name="Bea", agency="3C-Fife")],
    )
    plan = (secondment("A", "P1", "2027-04", "2027-09"),
            secondment("B", "P1", "2027-09", "2028-02"))
    book = write_view(tmp_path / "plan.xlsx", problem_, SolveResult(status="FEASIBLE",
                                                                   secondments=plan))
    sheet = book[SHEET]
    for name in sheet.tables:
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name)
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)
             and INJECTION in c.value]
    assert cells and all(c.data_type == "s" for c in cells)
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_limit_rule_reads_the_rule_from_a_limit_label() -> None:
    assert limit_rule("limit (R8 backfill limit)") == "R8 backfill limit"
    assert limit_rule("limit") == "limit"


def test_block_summary_counts_one_secondment_in_the_singular(book: Workbook) -> None:
    from rotation.io.plan_sheets.agencies import agency_blocks
    from rotation.io.plan_sheets.view import PlanView

    blocks = agency_blocks(PlanView(view_problem(), PLAN))
    assert "1 secondment;" in block_summary(blocks[1])
    assert "0 secondments;" in block_summary(blocks[2])
