"""The workbooks of ``rotation compare`` and ``rotation stress``.

Compare: **Comparison** (measures down, one column per scenario, as the table printed),
**Chart** (the bar chart), **Scenarios** (what each one changes and how its search ended).
Stress: **Stress** (the ranked table under a line about the baseline). Every text goes
through ``set_value`` and the files are written atomically, like the plan workbook.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

from openpyxl.drawing.image import Image

from rotation.appraisal.compare import Outcome, comparison_rows
from rotation.appraisal.stress import STRESS_HEADER, CaseResult, stress_rows
from rotation.io.plan_sheets.styles import MONEY_FORMAT, SECTION_FONT
from rotation.io.xlsx import (
    CellValue,
    add_table,
    fit_columns,
    new_workbook,
    save_workbook,
    set_value,
    style_header,
    write_rows,
)

CHART_ANCHOR = "A3"
CHART_WIDTH = 1100  # pixels on screen; the PNG itself is sharper


def write_comparison(path: Path, outcomes: Sequence[Outcome], chart_png: bytes,
                     title: str) -> None:
    """Write the comparison workbook: the table, the chart and the scenarios."""
    book = new_workbook()
    sheet = book.create_sheet("Comparison")
    rows = comparison_rows(outcomes)
    header: list[CellValue] = ["measure", "unit", *(o.scenario.name for o in outcomes)]
    write_rows(sheet, [header, *[[measure, unit, *values] for measure, unit, values in rows]])
    style_header(sheet, last_column=len(header))
    for offset, (_measure, unit, _values) in enumerate(rows, start=2):
        if unit == "£":
            for column in range(3, len(header) + 1):
                sheet.cell(row=offset, column=column).number_format = MONEY_FORMAT
    sheet.freeze_panes = "C2"
    add_table(sheet, "Comparison", 1, len(rows) + 1, 1, len(header))
    fit_columns(sheet, maximum=45)

    chart = book.create_sheet("Chart")
    set_value(chart["A1"], title)
    chart["A1"].font = SECTION_FONT
    picture = Image(BytesIO(chart_png))
    scale = min(1.0, CHART_WIDTH / picture.width)
    picture.width, picture.height = round(picture.width * scale), round(picture.height * scale)
    chart.add_image(picture, CHART_ANCHOR)
    chart.sheet_view.showGridLines = False

    about = book.create_sheet("Scenarios")
    about_rows: list[list[CellValue]] = [["scenario", "what_it_changes", "status", "seconds",
                                          "notes"]]
    about_rows += [[o.scenario.name, o.scenario.description, o.result.status,
                    round(o.result.solve_seconds, 1), "\n".join(o.notes) or None]
                   for o in outcomes]
    write_rows(about, about_rows)
    style_header(about, last_column=len(about_rows[0]))
    add_table(about, "ScenarioList", 1, len(about_rows), 1, len(about_rows[0]))
    fit_columns(about, maximum=80)
    save_workbook(book, path)


def write_stress(path: Path, baseline: Outcome, results: Sequence[CaseResult]) -> None:
    """Write the stress workbook: the baseline in a line, then the ranked table."""
    book = new_workbook()
    sheet = book.create_sheet("Stress")
    rows = stress_rows(results)
    write_rows(sheet, [STRESS_HEADER, *rows])
    style_header(sheet, last_column=len(STRESS_HEADER))
    for offset in range(2, len(rows) + 2):
        for column in (5, 6):
            sheet.cell(row=offset, column=column).number_format = MONEY_FORMAT
    sheet.freeze_panes = "C2"
    add_table(sheet, "StressCases", 1, len(rows) + 1, 1, len(STRESS_HEADER))
    fit_columns(sheet, maximum=60)
    note_row = len(rows) + 3
    set_value(sheet.cell(row=note_row, column=1), baseline_line(baseline))
    sheet.cell(row=note_row, column=1).font = SECTION_FONT
    save_workbook(book, path)


def baseline_line(baseline: Outcome) -> str:
    """The baseline's figures in one sentence."""
    figures = baseline.figures
    if figures is None or baseline.report is None:
        return f"Baseline (the input as given): {baseline.status_in_words}."
    goals = baseline.report.goals
    return (f"Baseline (the input as given): {figures.vacant_post_months} vacant post-months, "
            f"cost £{goals.direct_cost + goals.backfill_cost:,.0f} over the horizon "
            f"({baseline.status_in_words}).")
