"""The Notes sheet: (kind, subject, note) rows a planner should read before agreeing the plan.

In order: validation warnings, broken rules (only a hand-made plan has any), vacancies and
why, people placed outside their first-choice area, and travel times the plan had to guess.
"""

from __future__ import annotations

from openpyxl import Workbook

from rotation.findings import Finding
from rotation.io.plan_sheets import printing
from rotation.io.plan_sheets.view import PlanView
from rotation.io.xlsx import add_table, fit_columns, style_header, write_rows
from rotation.months import format_span
from rotation.plan import CheckReport
from rotation.rules import rule_title

SHEET = "Notes"
HEADER = ("kind", "subject", "note")
NOTHING_TO_NOTE = ("info", "plan", "Nothing to note: no warnings, no vacancies, everyone is in "
                                   "their first-choice area and every travel time is known.")

NOTE_WIDTH = 100  # characters of a note on one line before it wraps

NoteRow = tuple[str, str, str]


def ordinal(number: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``4th``, ``11th``, ``22nd``."""
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def finding_notes(findings: list[Finding]) -> list[NoteRow]:
    """One row per validation finding, pointing at its sheet, row and column."""
    return [(f.severity, str(f.location) if f.location else "input", f.message)
            for f in findings]


def breach_notes(report: CheckReport) -> list[NoteRow]:
    """One row per hard rule the checker found broken."""
    return [("breach", rule_title(b.rule), b.message) for b in report.breaches]


def vacancy_notes(view: PlanView, report: CheckReport) -> list[NoteRow]:
    """One row per vacancy: the post, the months and the checker's reason."""
    rows = []
    for vacancy in report.vacancies:
        post = view.post(vacancy.post)
        subject = f"{vacancy.post} ({post.area})" if post else vacancy.post
        months = "1 month" if vacancy.months == 1 else f"{vacancy.months} months"
        note = f"No holder {format_span(vacancy.first, vacancy.last)} ({months})"
        note += f": {vacancy.reason}" if vacancy.reason else "."
        rows.append(("vacancy", subject, note))
    return rows


def preference_notes(view: PlanView) -> list[NoteRow]:
    """One row per secondment outside the person's first-choice area (when they ranked any)."""
    rows = []
    for secondment in view.secondments:
        candidate = view.candidate(secondment.person)
        post = view.post(secondment.post)
        if candidate is None or post is None or not candidate.preferred_areas:
            continue
        ranking = candidate.preferred_areas
        if post.area == ranking[0]:
            continue
        if post.area in ranking:
            choice = f"their {ordinal(ranking.index(post.area) + 1)} choice"
        else:
            choice = f"not in their list ({', '.join(ranking)})"
        agreed = " (agreed, from the Existing sheet)" if secondment.existing else ""
        rows.append((
            "preference", f"{candidate.display_name} ({candidate.person})",
            f"In {post.post}, {post.area}, {format_span(secondment.start, secondment.end)}"
            f"{agreed}: {choice}; first choice {ranking[0]}.",
        ))
    return rows


def travel_notes(view: PlanView) -> list[NoteRow]:
    """One row per home-to-post area pair the plan uses that has no travel time."""
    unknown: dict[tuple[str, str], list[str]] = {}
    for secondment in view.secondments:
        candidate = view.candidate(secondment.person)
        post = view.post(secondment.post)
        if candidate is None or post is None or not candidate.home_area:
            continue
        if view.problem.travel_minutes(candidate.home_area, post.area) is None:
            people = unknown.setdefault((candidate.home_area, post.area), [])
            if candidate.display_name not in people:
                people.append(candidate.display_name)
    return [("travel", f"{home} → {area}",
             f"No travel time from {home} to {area} on the Travel sheet, so it counts as 0 "
             f"minutes for {', '.join(people)}. Add it to the Travel sheet and solve again.")
            for (home, area), people in unknown.items()]


def note_rows(view: PlanView, report: CheckReport, findings: list[Finding]) -> list[NoteRow]:
    """Every note, or a single row saying there is nothing to note."""
    rows = (finding_notes(findings) + breach_notes(report) + vacancy_notes(view, report)
            + preference_notes(view) + travel_notes(view))
    return rows or [NOTHING_TO_NOTE]


def write_notes(book: Workbook, view: PlanView, report: CheckReport,
                findings: list[Finding]) -> None:
    """Add the Notes sheet as an Excel table with a frozen header."""
    sheet = book.create_sheet(SHEET)
    rows = note_rows(view, report, findings)
    write_rows(sheet, [HEADER, *rows])
    style_header(sheet)
    sheet.freeze_panes = "A2"
    add_table(sheet, "NotesTable", 1, len(rows) + 1, 1, len(HEADER))
    fit_columns(sheet, maximum=NOTE_WIDTH)
    # A long note wraps within its column rather than run on past the table (and shrink
    # the printed page to fit it).
    for row in range(2, len(rows) + 2):
        for column in range(1, len(HEADER)):
            sheet.cell(row=row, column=column).alignment = printing.TOP
        sheet.cell(row=row, column=len(HEADER)).alignment = printing.TOP_WRAPPED
        printing.fit_row_height(sheet, row)
    printing.fit_to_width(sheet, landscape=True, title_rows="1:1")
