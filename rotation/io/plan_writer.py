"""The plan workbook (SPEC.md section 7): what the Development Manager and agencies read.

Sheets, in order: Summary, Secondments, Funded, Schedule, Timeline, Backfill, Agencies,
Notes (one module each in ``rotation.io.plan_sheets``; the Timeline picture is drawn by
``rotation.picture``; the Backfill sheet ends with the direct cost table of ``funded``).
Every text goes through ``set_value``, so a name such as ``=HYPERLINK(...)`` stays text;
the file is written atomically, so a failed save leaves nothing half-written and any earlier
file untouched.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from rotation.changes import Change
from rotation.domain import Problem
from rotation.findings import Finding
from rotation.io.changes_writer import write_changes_sheet
from rotation.io.plan_sheets.agencies import write_agencies
from rotation.io.plan_sheets.backfill import SHEET as BACKFILL_SHEET
from rotation.io.plan_sheets.backfill import write_backfill
from rotation.io.plan_sheets.funded import has_funding, write_direct_cost_table, write_funded
from rotation.io.plan_sheets.notes import write_notes
from rotation.io.plan_sheets.schedule import write_schedule
from rotation.io.plan_sheets.secondments import write_secondments
from rotation.io.plan_sheets.summary import write_summary
from rotation.io.plan_sheets.timeline import write_timeline
from rotation.io.plan_sheets.view import PlanView
from rotation.io.xlsx import clean_text, new_workbook, save_workbook
from rotation.picture.timeline import Timeline
from rotation.plan import CheckReport, SolveResult

SHEETS = ("Summary", "Secondments", "Funded", "Schedule", "Timeline", "Backfill", "Agencies",
          "Notes")


def write_plan(path: Path, problem: Problem, result: SolveResult, report: CheckReport,
               findings: list[Finding], input_sha256: str, *,
               changes: Sequence[Change] | None = None,
               people: Mapping[str, str] | None = None) -> None:
    """Write the plan workbook to ``path``, atomically.

    Goal figures come from the checker's ``report``; solver figures (status, objective,
    bound, time, seed) from ``result``. When replanning, ``changes`` against the previous
    plan are written to a last sheet, Changes (``people`` names the people in it).
    """
    view = PlanView(problem, result.secondments, result.funded)
    book = new_workbook()
    write_summary(book, problem, result, report, input_sha256)
    write_secondments(book, view)
    write_funded(book, view)
    write_schedule(book, view)
    write_timeline(book, Timeline.from_plan(problem, view.secondments, view.funded))
    write_backfill(book, view)
    if has_funding(view):
        backfill = book[BACKFILL_SHEET]
        write_direct_cost_table(backfill, view, first_row=backfill.max_row + 2)
    write_agencies(book, view)
    write_notes(book, view, report, findings)
    if changes is not None:
        write_changes_sheet(book, changes, people)
    book.properties.title = clean_text(problem.settings.plan_name) or "rotation plan"
    save_workbook(book, path)
