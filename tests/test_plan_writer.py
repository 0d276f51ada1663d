"""The plan workbook: what each sheet says, how it looks, and that it is safe to open.

The plan used throughout (``plan_parts``), over 2027-04..2028-06 (15 months, two financial
years), with a one-month handover overlap:
- P1 (North): Ann (HC) 2027-04..2027-12, then Bob (NHS) 2027-12..2028-06, overlapping in
  2027-12 - Bob follows Ann.
- P2 (South, exists until 2027-12): Cat (HC), agreed on the Existing sheet 2026-10..2027-06,
  then vacant 2027-07..2027-12 (6 months).
- P3 (Central): funded, no secondee.
HC (limit 2, budget £50,000, pledged 30 months) has Ann and Cat out 2027-04..06: at its
limit. HC's 2027/28 cost is Ann 9 months + Cat 3 horizon months = 12 x £3,800 = £45,600,
91.2% of its budget (nearly reached); it delivers 12 months, 18 short of its pledge.
NHS (limit 1, no budget) has Bob out from 2027-12: at its limit; 2027/28 costs Bob's 4
months (£15,200), 2028/29 his 3 (£11,400).
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from rotation import __version__
from rotation.checker import check_plan
from rotation.domain import Problem
from rotation.findings import Finding, warning
from rotation.io.plan_sheets import styles
from rotation.io.plan_sheets.backfill import budget_status
from rotation.io.plan_writer import SHEETS, write_plan
from rotation.plan import CheckReport, GoalTerms, SolveResult, Vacancy
from tests.factory import agency, candidate, grade, m, post, problem, secondment

INJECTION = '=HYPERLINK("http://x","y")'
SHA = "ab" * 32


# -- building the plan -------------------------------------------------------------------
def plan_problem() -> Problem:
    """The problem of the module docstring."""
    return problem(
        horizon_months=15,
        max_secondment_months=12,
        agencies=[agency("HC", name="Highland Council", max_concurrent=2,
                         backfill_budget=50_000, pledged_months=30),
                  agency("NHS", name="NHS Highland", max_concurrent=1)],
        grades=[grade("HC", "HC8"), grade("NHS", "Band 6")],
        posts=[post("P1", area="North"), post("P2", area="South", end="2027-12"),
               post("P3", area="Central", funding="funded")],
        candidates=[
            candidate("A", name="Ann", home_area="North", preferred_areas=("North",)),
            candidate("B", name="Bob", agency="NHS", grade="Band 6", home_area="Islands",
                      preferred_areas=("South", "North")),
            candidate("C", name="Cat", preferred_areas=("East",)),
        ],
        existing=[secondment("C", "P2", "2026-10", "2027-06")],
    )


def plan_parts(status: str = "OPTIMAL") -> tuple[Problem, SolveResult, CheckReport]:
    """The problem, a solve result and a hand-made check report for the plan above."""
    plan = (
        secondment("C", "P2", "2026-10", "2027-06", existing=True),
        secondment("B", "P1", "2027-12", "2028-06"),
        secondment("A", "P1", "2027-04", "2027-12"),
    )
    # Preferences: Bob 7 months in his 2nd choice (1 each) + Cat 3 months unlisted (1 each).
    goals = GoalTerms(vacant_post_months=6, pledge_shortfall_months=18, preference_penalty=10,
                      travel_minutes=0, backfill_cost=72_200.0, handovers=1)
    # The solver's own figures differ on purpose: the Summary must show the checker's.
    solver_goals = goals.model_copy(update={"vacant_post_months": 99})
    result = SolveResult(status=status, secondments=plan, goals=solver_goals, objective=1234.5,
                         best_bound=1200.0, solve_seconds=3.21, seed=7, workers=4,
                         time_limit=60.0)
    report = CheckReport(breaches=(), goals=goals, vacancies=(
        Vacancy(post="P2", first=m("2027-07"), last=m("2027-12"),
                reason="nobody who fits the post is free"),))
    return plan_problem(), result, report


def write_and_load(target: Path, problem_: Problem, result: SolveResult, report: CheckReport,
                   findings: list[Finding] | None = None) -> Workbook:
    """Write the plan and read it back, failing on any openpyxl warning (a repair sign)."""
    write_plan(target, problem_, result, report, findings or [], SHA)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return load_workbook(target)


@pytest.fixture
def book(tmp_path: Path) -> Workbook:
    """The plan workbook of the module docstring, with one validation warning."""
    findings = [warning("Bob's travel time from Islands is unknown", "Candidates", 3,
                        "home_area")]
    return write_and_load(tmp_path / "plan.xlsx", *plan_parts(), findings)


def rows_of(sheet: Worksheet) -> list[tuple[object, ...]]:
    """Every row's values."""
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def fill_colour(sheet: Worksheet, coordinate: str) -> str:
    """A cell's solid fill colour as RRGGBB."""
    return str(sheet[coordinate].fill.fgColor.rgb)[-6:]


def column_of(sheet: Worksheet, header_row: int, header: str) -> int:
    """The column number of a header."""
    for cell in sheet[header_row]:
        if cell.value == header:
            return int(cell.column)
    raise AssertionError(f"no column {header!r} in row {header_row}")


# -- the workbook as a whole ---------------------------------------------------------------
def test_sheets_come_in_the_documented_order(book: Workbook) -> None:
    assert book.sheetnames == list(SHEETS)
    assert SHEETS == ("Summary", "Secondments", "Funded", "Schedule", "Timeline", "Backfill",
                      "Agencies", "Notes")


def test_table_names_are_unique_and_valid(book: Workbook) -> None:
    names = [name for sheet in book.worksheets for name in sheet.tables]
    assert len(names) == len(set(names)) >= 5
    for name in names:
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name)
        # A name that looks like a cell reference (A1, R1C1) makes Excel repair the file.
        assert not re.fullmatch(r"[A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*", name)


def test_table_headers_match_their_header_cells(book: Workbook) -> None:
    for sheet in book.worksheets:
        for table in sheet.tables.values():
            first_row = sheet[table.ref.split(":")[0]].row
            header_cells = [c.value for c in sheet[first_row] if c.value is not None]
            columns = [column.name for column in table.tableColumns]
            assert columns == header_cells[:len(columns)]
            assert all(isinstance(name, str) and name for name in columns)


def test_no_cell_is_a_formula(book: Workbook) -> None:
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}"


def test_names_that_look_like_formulas_stay_text_in_every_sheet(tmp_path: Path) -> None:
    problem_ = problem(
        plan_name=INJECTION,
        agencies=[agency(INJECTION, name=INJECTION)],
        grades=[grade(INJECTION, "HC8")],
        posts=[post(INJECTION, area=INJECTION)],
        candidates=[candidate("A", name=INJECTION, agency=INJECTION,
                              preferred_areas=("Elsewhere",))],
    )
    plan = (secondment("A", INJECTION, "2027-04", "2027-09"),)
    goals = GoalTerms(vacant_post_months=6, pledge_shortfall_months=0, preference_penalty=6,
                      travel_minutes=0, backfill_cost=22_800.0, handovers=0)
    report = CheckReport(breaches=(), goals=goals, vacancies=(
        Vacancy(post=INJECTION, first=m("2027-10"), last=m("2028-03"), reason=INJECTION),))
    result = SolveResult(status="FEASIBLE", secondments=plan)
    book = write_and_load(tmp_path / "plan.xlsx", problem_, result, report,
                          [warning(INJECTION, "Candidates", 2, "name")])
    for sheet in book.worksheets:
        literal = [cell for row in sheet.iter_rows() for cell in row
                   if isinstance(cell.value, str) and INJECTION in cell.value]
        assert literal, f"{sheet.title} does not show the name"
        for cell in literal:
            assert cell.data_type == "s", f"{sheet.title}!{cell.coordinate}"
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_backfill_figures_agree_with_the_checker(tmp_path: Path) -> None:
    problem_, result, _report = plan_parts()
    report = check_plan(problem_, result.secondments)
    assert report.ok
    book = write_and_load(tmp_path / "plan.xlsx", problem_, result, report)
    years = year_rows(book)
    assert sum(float(str(row["backfill_cost"])) for row in years.values()) == pytest.approx(
        report.goals.backfill_cost)
    summary = {row[0]: row[1] for row in rows_of(book["Summary"])}
    assert summary["vacant_post_months"] == report.goals.vacant_post_months == 6
    assert summary["handovers"] == report.goals.handovers == 1


def test_a_failed_save_leaves_no_partial_file(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "plan.xlsx"
    target.write_bytes(b"the earlier plan")

    def save_half_then_fail(self: Workbook, filename: str) -> None:
        Path(filename).write_bytes(b"half a workbook")
        raise OSError("disk full")

    monkeypatch.setattr(Workbook, "save", save_half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        write_plan(target, *plan_parts(), [], SHA)
    assert target.read_bytes() == b"the earlier plan"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.xlsx"]


def test_a_failed_save_creates_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(self: Workbook, filename: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(Workbook, "save", fail)
    with pytest.raises(OSError):
        write_plan(tmp_path / "plan.xlsx", *plan_parts(), [], SHA)
    assert list(tmp_path.iterdir()) == []


# -- Summary ---------------------------------------------------------------------------------
def test_summary_keeps_setting_and_value_as_the_header(book: Workbook) -> None:
    rows = rows_of(book["Summary"])
    assert rows[0][:2] == ("setting", "value")


def test_summary_values(book: Workbook) -> None:
    values = {row[0]: row[1] for row in rows_of(book["Summary"])[1:]}
    assert values["plan_name"] == "test"
    assert values["status"] == "OPTIMAL"
    assert values["status_in_words"] == "proven optimal"
    assert values["horizon"] == "2027-04..2028-06"
    assert values["vacant_post_months"] == 6  # the checker's figure, not the solver's 99
    assert values["pledge_shortfall_months"] == 18
    assert values["handovers"] == 1
    assert values["preference_penalty"] == 10
    assert values["travel_minutes"] == 0
    assert values["backfill_cost"] == 72_200
    assert values["objective"] == 1234.5
    assert values["best_bound"] == 1200
    assert values["solve_seconds"] == 3.21
    assert values["seed"] == 7
    assert values["workers"] == 4
    assert values["time_limit"] == 60
    assert values["input_sha256"] == SHA
    assert values["rotation_version"] == __version__
    assert re.fullmatch(r"\d+\.\d+.*", str(values["ortools_version"]))
    assert "generated" not in values


def test_summary_says_when_the_plan_is_not_proven_optimal(tmp_path: Path) -> None:
    book = write_and_load(tmp_path / "plan.xlsx", *plan_parts(status="FEASIBLE"))
    values = {row[0]: row[1] for row in rows_of(book["Summary"])[1:]}
    assert values["status"] == "FEASIBLE"
    assert values["status_in_words"] == "best found, not proven optimal"


def test_summary_money_is_in_pounds(book: Workbook) -> None:
    sheet = book["Summary"]
    row = next(r for r in range(1, sheet.max_row + 1)
               if sheet.cell(row=r, column=1).value == "backfill_cost")
    assert "£" in sheet.cell(row=row, column=2).number_format


# -- Secondments -----------------------------------------------------------------------------
def test_secondments_rows_sorted_by_post_then_start(book: Workbook) -> None:
    rows = rows_of(book["Secondments"])
    assert rows[0] == ("person", "name", "agency", "grade", "post", "area", "start", "end",
                       "months", "existing", "follows")
    assert rows[1:] == [
        ("A", "Ann", "HC", "HC8", "P1", "North", "2027-04", "2027-12", 9, "no", None),
        ("B", "Bob", "NHS", "Band 6", "P1", "North", "2027-12", "2028-06", 7, "no", "A"),
        ("C", "Cat", "HC", "HC8", "P2", "South", "2026-10", "2027-06", 9, "yes", None),
    ]


def test_secondments_sheet_is_a_table_with_a_frozen_header(book: Workbook) -> None:
    sheet = book["Secondments"]
    assert sheet.freeze_panes == "A2"
    assert [t.ref for t in sheet.tables.values()] == ["A1:K4"]


def test_an_agreed_secondment_is_marked_existing_even_without_the_flag(tmp_path: Path) -> None:
    problem_, result, report = plan_parts()
    unflagged = tuple(s.model_copy(update={"existing": False}) for s in result.secondments)
    book = write_and_load(tmp_path / "plan.xlsx", problem_,
                          result.model_copy(update={"secondments": unflagged}), report)
    existing = {row[0]: row[9] for row in rows_of(book["Secondments"])[1:]}
    assert existing == {"A": "no", "B": "no", "C": "yes"}


# -- Schedule --------------------------------------------------------------------------------
def schedule_cell(sheet: Worksheet, post_id: str, month_text: str) -> str:
    """The coordinate of a post's cell in a month."""
    row = next(r for r in range(3, sheet.max_row + 1) if sheet.cell(row=r, column=1).value
               == post_id)
    return str(sheet.cell(row=row, column=column_of(sheet, 2, month_text)).coordinate)


def test_schedule_grid_headers(book: Workbook) -> None:
    sheet = book["Schedule"]
    rows = rows_of(sheet)
    assert rows[1][:4] == ("post", "area", "2027-04", "2027-05")
    assert rows[1][-1] == "2028-06"
    assert rows[2][:2] == ("P1", "North")
    # Financial-year bands over the months: 2027/28 from April, 2028/29 from the next April.
    assert sheet.cell(row=1, column=column_of(sheet, 2, "2027-04")).value == "2027/28"
    assert sheet.cell(row=1, column=column_of(sheet, 2, "2028-04")).value == "2028/29"


def test_schedule_holder_in_agency_colour(book: Workbook) -> None:
    sheet = book["Schedule"]
    ann = schedule_cell(sheet, "P1", "2027-04")
    bob = schedule_cell(sheet, "P1", "2028-01")
    assert sheet[ann].value == "Ann"
    assert sheet[bob].value == "Bob"
    assert fill_colour(sheet, ann) == styles.AGENCY_COLOURS[0]  # HC, listed first
    assert fill_colour(sheet, bob) == styles.AGENCY_COLOURS[1]  # NHS
    # Cat's agreed secondment began before the horizon; the grid starts at its first month.
    assert sheet[schedule_cell(sheet, "P2", "2027-04")].value == "Cat"


def test_schedule_handover_overlap_shows_both_names(book: Workbook) -> None:
    sheet = book["Schedule"]
    overlap = schedule_cell(sheet, "P1", "2027-12")
    assert sheet[overlap].value == "Ann → Bob"
    assert fill_colour(sheet, overlap) == "D9D2E9"
    assert sheet[overlap].font.bold


def test_schedule_vacancy_funded_and_no_post(book: Workbook) -> None:
    sheet = book["Schedule"]
    vacant = schedule_cell(sheet, "P2", "2027-07")
    assert sheet[vacant].value == "VACANT"
    assert fill_colour(sheet, vacant) == "C00000"
    funded = schedule_cell(sheet, "P3", "2027-04")
    assert sheet[funded].value == "funded"
    assert fill_colour(sheet, funded) == "BFBFBF"
    gone = schedule_cell(sheet, "P2", "2028-01")  # P2 ends in 2027-12
    assert sheet[gone].value is None
    assert fill_colour(sheet, gone) == "EDEDED"


def test_schedule_legend_names_each_agency_and_special_cell(book: Workbook) -> None:
    sheet = book["Schedule"]
    # The key in column A, its meaning beside the first month (column C).
    legend = {row[0]: row[2] for row in rows_of(sheet)[6:] if row[2]}
    assert legend["HC"] == "Highland Council"
    assert legend["NHS"] == "NHS Highland"
    assert {"VACANT", "funded", "A → B"} <= set(legend)
    hc_row = next(r for r in range(6, sheet.max_row + 1) if sheet.cell(r, 1).value == "HC")
    assert fill_colour(sheet, f"A{hc_row}") == styles.AGENCY_COLOURS[0]


def test_schedule_panes_and_print_set_up(book: Workbook) -> None:
    sheet = book["Schedule"]
    assert sheet.freeze_panes == "C3"
    assert sheet.page_setup.orientation == "landscape"
    # A financial year to a page: a column break after each year's last month, at a fixed
    # scale (Excel drops manual breaks on a sheet set to fit to page).
    assert not sheet.sheet_properties.pageSetUpPr.fitToPage
    assert 10 <= int(sheet.page_setup.scale) <= 100
    header = [cell.value for cell in sheet[2]]
    assert [brk.id for brk in sheet.col_breaks.brk] == [header.index("2028-03") + 1]
    assert sheet.print_title_rows == "$1:$2"
    assert sheet.print_title_cols == "$A:$B"


def test_agency_colours_are_distinct() -> None:
    colours = styles.agency_colours(["HC", "NHS", "POL", "SFRS", "HIE"])
    assert len(set(colours.values())) == 5
    assert not {"C00000", "BFBFBF", "EDEDED", "D9D2E9"} & set(colours.values())


# -- Backfill --------------------------------------------------------------------------------
def backfill_month(sheet: Worksheet, agency_code: str, measure: str, month_text: str
                   ) -> str:
    """The coordinate of one agency measure in one month of the monthly table."""
    row = next(r for r in range(3, sheet.max_row + 1)
               if sheet.cell(r, 1).value == agency_code
               and str(sheet.cell(r, 2).value).startswith(measure))
    return str(sheet.cell(row=row, column=column_of(sheet, 2, month_text)).coordinate)


def test_backfill_staff_out_limit_and_headroom(book: Workbook) -> None:
    sheet = book["Backfill"]
    assert sheet[backfill_month(sheet, "HC", "staff out", "2027-04")].value == 2
    assert sheet[backfill_month(sheet, "HC", "limit", "2027-04")].value == 2
    assert sheet[backfill_month(sheet, "HC", "headroom", "2027-04")].value == 0
    assert sheet[backfill_month(sheet, "HC", "staff out", "2027-07")].value == 1
    assert sheet[backfill_month(sheet, "HC", "headroom", "2027-07")].value == 1
    assert sheet[backfill_month(sheet, "NHS", "staff out", "2027-12")].value == 1


def test_backfill_says_which_rule_sets_the_limit(book: Workbook) -> None:
    measures = {(row[0], row[1]) for row in rows_of(book["Backfill"])}
    assert ("HC", "limit (R8 backfill limit = R9 team mix)") in measures
    assert ("NHS", "limit (R8 backfill limit)") in measures


def test_backfill_highlights_months_at_the_limit(book: Workbook) -> None:
    sheet = book["Backfill"]
    pink = styles.REACHED_FILL.fgColor.rgb[-6:]
    assert fill_colour(sheet, backfill_month(sheet, "HC", "staff out", "2027-04")) == pink
    assert fill_colour(sheet, backfill_month(sheet, "HC", "headroom", "2027-06")) == pink
    assert fill_colour(sheet, backfill_month(sheet, "HC", "staff out", "2027-07")) != pink
    assert fill_colour(sheet, backfill_month(sheet, "NHS", "staff out", "2028-01")) == pink


def year_rows(book: Workbook) -> dict[tuple[object, object], dict[str, object]]:
    """The per agency and financial year table, by (agency, financial year)."""
    rows = rows_of(book["Backfill"])
    start = next(i for i, row in enumerate(rows) if row[1] == "financial_year")
    header = [h for h in rows[start] if h]
    found = {}
    for row in rows[start + 1:]:
        if not row[0]:
            break
        found[(row[0], row[1])] = dict(zip(header, row, strict=False))
    return found


def test_backfill_cost_against_budget_per_financial_year(book: Workbook) -> None:
    years = year_rows(book)
    hc = years[("HC", "2027/28")]
    assert hc["months_in_horizon"] == 12
    assert hc["backfill_cost"] == 45_600
    assert hc["budget"] == 50_000
    assert hc["remaining"] == 4_400
    assert hc["budget_used"] == pytest.approx(0.912)
    assert hc["status"] == "nearly reached (90% or more)"
    assert years[("HC", "2028/29")]["backfill_cost"] == 0
    assert years[("HC", "2028/29")]["months_in_horizon"] == 3
    nhs = years[("NHS", "2027/28")]
    assert (nhs["backfill_cost"], nhs["budget"], nhs["status"]) == (15_200, None, "no budget set")
    assert years[("NHS", "2028/29")]["backfill_cost"] == 11_400


def test_backfill_highlights_a_budget_nearly_reached(book: Workbook) -> None:
    sheet = book["Backfill"]
    row = next(r for r in range(1, sheet.max_row + 1)
               if sheet.cell(r, 1).value == "HC" and sheet.cell(r, 2).value == "2027/28")
    cost = sheet.cell(row=row, column=4)
    assert cost.fill.fgColor.rgb[-6:] == styles.NEAR_FILL.fgColor.rgb[-6:]
    assert "£" in cost.number_format
    assert sheet.cell(row=row, column=7).number_format == "0%"


def test_backfill_pledges_against_delivered_months(book: Workbook) -> None:
    rows = rows_of(book["Backfill"])
    start = next(i for i, row in enumerate(rows) if row[1] == "pledged_months")
    assert rows[start + 1][:5] == ("HC", 30, 12, 18, "18 month(s) short of the pledge")
    assert rows[start + 2][:5] == ("NHS", None, 7, None, "no pledge")


def test_backfill_tables(book: Workbook) -> None:
    # The plan has a funded post, so the direct cost table closes the sheet.
    assert set(book["Backfill"].tables) == {"BackfillMonths", "BackfillYears",
                                            "BackfillPledges", "DirectCost"}


# -- Notes -----------------------------------------------------------------------------------
def test_notes_rows(book: Workbook) -> None:
    rows = rows_of(book["Notes"])
    assert rows[0] == ("kind", "subject", "note")
    assert rows[1:] == [
        ("warning", "Candidates, row 3, column home_area",
         "Bob's travel time from Islands is unknown"),
        ("vacancy", "P2 (South)",
         "No holder 2027-07..2027-12 (6 months): nobody who fits the post is free"),
        ("preference", "Bob (B)",
         "In P1, North, 2027-12..2028-06: their 2nd choice; first choice South."),
        ("preference", "Cat (C)",
         "In P2, South, 2026-10..2027-06 (agreed, from the Existing sheet): "
         "not in their list (East); first choice East."),
        ("travel", "Islands → North",
         "No travel time from Islands to North on the Travel sheet, so it counts as 0 minutes "
         "for Bob. Add it to the Travel sheet and solve again."),
    ]


def test_notes_say_so_when_there_is_nothing_to_note(tmp_path: Path) -> None:
    problem_ = problem(horizon_months=6, candidates=[candidate("A", preferred_areas=("Area P1",))])
    goals = GoalTerms(vacant_post_months=0, pledge_shortfall_months=0, preference_penalty=0,
                      travel_minutes=0, backfill_cost=22_800.0, handovers=0)
    result = SolveResult(status="OPTIMAL",
                         secondments=(secondment("A", "P1", "2027-04", "2027-09"),))
    book = write_and_load(tmp_path / "plan.xlsx", problem_, result,
                          CheckReport(breaches=(), vacancies=(), goals=goals))
    rows = rows_of(book["Notes"])
    assert len(rows) == 2
    assert rows[1][0] == "info"
    assert str(rows[1][2]).startswith("Nothing to note")


def test_an_empty_plan_still_writes_every_sheet(tmp_path: Path) -> None:
    goals = GoalTerms(vacant_post_months=12, pledge_shortfall_months=0, preference_penalty=0,
                      travel_minutes=0, backfill_cost=0.0, handovers=0)
    report = CheckReport(breaches=(), goals=goals, vacancies=(
        Vacancy(post="P1", first=m("2027-04"), last=m("2028-03"), reason="no candidates"),))
    book = write_and_load(tmp_path / "plan.xlsx", problem(candidates=[]),
                          SolveResult(status="OPTIMAL"), report)
    assert rows_of(book["Secondments"]) == [("person", "name", "agency", "grade", "post",
                                             "area", "start", "end", "months", "existing",
                                             "follows")]
    assert rows_of(book["Schedule"])[2][2] == "VACANT"


@pytest.mark.parametrize(("cost", "budget", "status"), [
    (1_000.0, None, "no budget set"),
    (8_999.99, 10_000.0, "within budget"),
    (9_000.0, 10_000.0, "nearly reached (90% or more)"),
    (9_999.996, 10_000.0, "budget reached"),
    (10_000.0, 10_000.0, "budget reached"),
    (10_000.01, 10_000.0, "over budget (breaks R10)"),
    (0.0, 0.0, "within budget"),
])
def test_budget_status(cost: float, budget: float | None, status: str) -> None:
    assert budget_status(cost, budget) == status


def test_schedule_shows_two_holders_without_a_handover_as_a_clash(tmp_path: Path) -> None:
    problem_ = problem(candidates=[candidate("A", name="Ann"), candidate("B", name="Bob")])
    plan = (secondment("A", "P1", "2027-04", "2027-09"),
            secondment("B", "P1", "2027-04", "2027-09"))
    goals = GoalTerms(vacant_post_months=6, pledge_shortfall_months=0, preference_penalty=0,
                      travel_minutes=0, backfill_cost=45_600.0, handovers=0)
    book = write_and_load(tmp_path / "plan.xlsx", problem_,
                          SolveResult(status="FEASIBLE", secondments=plan),
                          CheckReport(breaches=(), vacancies=(), goals=goals))
    sheet = book["Schedule"]
    assert sheet["C3"].value == "Ann + Bob"
    assert fill_colour(sheet, "C3") == styles.REACHED_FILL.fgColor.rgb[-6:]
    assert "A + B" in [row[0] for row in rows_of(sheet)]
