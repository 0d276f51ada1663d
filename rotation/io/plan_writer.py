"""The plan workbook (SPEC.md section 7): what the Development Manager and agencies read.

Sheets, in order: Summary, Secondments, Schedule, Timeline, Backfill, Agencies, Notes (one
module each in ``rotation.io.plan_sheets``; the Timeline picture is drawn by
``rotation.picture``). Every text goes through ``set_value``, so a name such as
``=HYPERLINK(...)`` stays text; the file is written atomically, so a failed save leaves
nothing half-written and any earlier file untouched.
"""

from __future__ import annotations

from pathlib import Path

from rotation.domain import Problem
from rotation.findings import Finding
from rotation.io.plan_sheets.agencies import write_agencies
from rotation.io.plan_sheets.backfill import write_backfill
from rotation.io.plan_sheets.notes import write_notes
from rotation.io.plan_sheets.schedule import write_schedule
from rotation.io.plan_sheets.secondments import write_secondments
from rotation.io.plan_sheets.summary import write_summary
from rotation.io.plan_sheets.timeline import write_timeline
from rotation.io.plan_sheets.view import PlanView
from rotation.io.xlsx import clean_text, new_workbook, save_workbook
from rotation.picture.timeline import Timeline
from rotation.plan import CheckReport, SolveResult

SHEETS = ("Summary", "Secondments", "Schedule", "Timeline", "Backfill", "Agencies", "Notes")


def write_plan(path: Path, problem: Problem, result: SolveResult, report: CheckReport,
               findings: list[Finding], input_sha256: str) -> None:
    """Write the plan workbook to ``path``, atomically.

    Goal figures come from the checker's ``report``; solver figures (status, objective,
    bound, time, seed) from ``result``.
    """
    view = PlanView(problem, result.secondments)
    book = new_workbook()
    write_summary(book, problem, result, report, input_sha256)
    write_secondments(book, view)
    write_schedule(book, view)
    write_timeline(book, Timeline.from_plan(problem, view.secondments))
    write_backfill(book, view)
    write_agencies(book, view)
    write_notes(book, view, report, findings)
    book.properties.title = clean_text(problem.settings.plan_name) or "rotation plan"
    save_workbook(book, path)
