"""The Summary sheet: one ``setting``/``value`` row per fact about the plan and its solve.

The header stays in row 1 (no title above it) so that tools can read the sheet as a table.
Nothing here depends on the clock: the same input, seed and solver give the same sheet.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from openpyxl import Workbook

from rotation import __version__
from rotation.domain import Problem
from rotation.io.plan_sheets import printing
from rotation.io.plan_sheets.styles import MONEY_FORMAT
from rotation.io.xlsx import CellValue, add_table, fit_columns, style_header, write_rows
from rotation.months import format_span
from rotation.plan import CheckReport, SolveResult, Status

SHEET = "Summary"
HEADER = ("setting", "value", "meaning")

STATUS_IN_WORDS: dict[Status, str] = {
    "OPTIMAL": "proven optimal",
    "FEASIBLE": "best found, not proven optimal",
    "INFEASIBLE": "no plan can satisfy the hard rules",
    "UNKNOWN": "no plan found within the time limit",
}

# (setting, value, meaning, number format or None)
SummaryRow = tuple[str, CellValue, str, str | None]


def ortools_version() -> str:
    """The installed OR-Tools version, read from package metadata (no solver import)."""
    try:
        return version("ortools")
    except PackageNotFoundError:
        return "not installed"


def summary_rows(problem: Problem, result: SolveResult, report: CheckReport,
                 input_sha256: str) -> list[SummaryRow]:
    """Every Summary row: goal values from the checker's report, solver figures from the result."""
    settings = problem.settings
    goals = report.goals
    return [
        ("plan_name", settings.plan_name, "Title of the plan.", None),
        ("status", result.status, "How the search ended.", None),
        ("status_in_words", "interrupted — not proven optimal" if result.interrupted
         else STATUS_IN_WORDS[result.status],
         "Whether a better plan could exist: 'proven optimal' means it cannot.", None),
        ("interrupted", "yes" if result.interrupted else "no",
         "yes: the planner stopped the search (Ctrl-C); this is the best plan found by then.",
         None),
        ("horizon", format_span(settings.horizon_start, settings.horizon_end),
         "First and last planned month.", None),
        ("secondments", len(result.secondments),
         "Secondments in the plan, agreed (Existing) ones included.", None),
        ("rule_breaches", len(report.breaches),
         "Hard rules the independent check found broken (0 = none; see Notes).", None),
        ("vacant_post_months", goals.vacant_post_months,
         "Goal 1: months in which a post open to secondees has no holder.", None),
        ("pledge_shortfall_months", goals.pledge_shortfall_months,
         "Goal 2: officer-months agencies pledged but the plan does not use.", None),
        ("handovers", goals.handovers,
         "Times an incoming officer takes over a post from an outgoing one.", None),
        ("changed_months", goals.changed_months,
         "When replanning (--previous): person-months in which someone holds another post, "
         "or none, than in the previous plan (the stability goal; see the Changes sheet).",
         None),
        ("preference_penalty", goals.preference_penalty,
         "Places down people's area rankings, per month (0 = all in their first choice).",
         None),
        ("travel_minutes", goals.travel_minutes,
         "One-way travel minutes from home areas to posts, per month.", None),
        ("backfill_cost", goals.backfill_cost,
         "Pounds the agencies spend backfilling over the horizon.", MONEY_FORMAT),
        ("funded_months", goals.funded_months,
         "Post-months held by a directly funded officer (see the Funded sheet).", None),
        ("direct_cost", goals.direct_cost,
         "Pounds the central budget spends on funded officers over the horizon.",
         MONEY_FORMAT),
        ("objective", result.objective,
         "Weighted preferences, travel and cost the solver minimised after goals 1 and 2.",
         None),
        ("best_bound", result.best_bound,
         "Lowest objective any plan could reach, as far as the solver proved.", None),
        ("vacancy_floor", "-" if result.vacancy_floor is None else result.vacancy_floor,
         "Large problems: vacant post-months no plan can go below, worked out from how each "
         "post's holders can follow each other (equal to goal 1: the cover is the best "
         "possible). '-': not worked out.", None),
        ("solve_seconds", round(result.solve_seconds, 2), "Seconds the search took.", None),
        ("seed", result.seed, "Random seed of the search (rerun with it to repeat).", None),
        ("reproducible", "yes" if result.reproducible else "no",
         "yes: deterministic search (--reproducible); the same input, seed and version "
         "give the same plan.", None),
        ("workers", result.workers, "Search threads (0 = one per core).", None),
        ("shortlist", result.shortlist or "no",
         "no: every person-post pair the rules allow was considered. Otherwise a large "
         "problem was planned on a shortlist of each candidate's best-matched posts.", None),
        ("time_limit", result.time_limit, "Seconds the search was allowed.", None),
        ("input_sha256", input_sha256,
         "Fingerprint of the input: a different value means a different input.", None),
        ("rotation_version", __version__, "Version of rotation that made the plan.", None),
        ("ortools_version", ortools_version(), "Version of the OR-Tools solver used.", None),
    ]


def write_summary(book: Workbook, problem: Problem, result: SolveResult, report: CheckReport,
                  input_sha256: str) -> None:
    """Add the Summary sheet: setting/value/meaning rows under a header in row 1."""
    sheet = book.create_sheet(SHEET)
    rows = summary_rows(problem, result, report, input_sha256)
    write_rows(sheet, [HEADER, *[(name, value, meaning) for name, value, meaning, _ in rows]])
    for offset, (_name, _value, _meaning, number_format) in enumerate(rows, start=2):
        if number_format:
            sheet.cell(row=offset, column=2).number_format = number_format
    style_header(sheet)
    sheet.freeze_panes = "A2"
    add_table(sheet, "SummaryTable", 1, len(rows) + 1, 1, len(HEADER))
    fit_columns(sheet, maximum=90)
    # Values are numbers and words mixed: all to the left, so that no number sits hard
    # against the meaning beside it.
    for row in range(2, len(rows) + 2):
        sheet.cell(row=row, column=2).alignment = printing.LEFT
    printing.fit_to_width(sheet, landscape=True, title_rows="1:1")
