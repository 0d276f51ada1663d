"""Commands that weigh ways of resourcing the team: compare (the options), stress (the losses)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from rotation.cli.app import main
from rotation.cli.common import (
    EXIT_INVALID,
    emit_json,
    fail,
    json_option,
    load_problem,
    print_findings,
    say,
)
from rotation.findings import InvalidInput
from rotation.io.files import OutputError, check_output_path
from rotation.solver.options import Progress

if TYPE_CHECKING:
    from rotation.appraisal.compare import Outcome
    from rotation.appraisal.scenarios import Scenario

time_limit_option = click.option(
    "--time-limit", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
    help="Seconds each scenario's search may take.")
seed_option = click.option("--seed", type=int, default=0, show_default=True,
                           help="Random seed of every search (the same for each scenario).")
workers_option = click.option("--workers", type=click.IntRange(min=0), default=0,
                              show_default=True, help="Search threads (0 = one per core).")
reproducible_option = click.option(
    "--reproducible/--fast", default=True, show_default=True,
    help="--reproducible (the default): deterministic searches, the same figures every run. "
         "--fast: workers race, about twice as quick, but a scenario stopped by its time "
         "limit may come out differently next time.")


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Comparison workbook to write (default outputs/<input name>-compare.xlsx); "
                   "the chart is also written beside it as a PNG.")
@time_limit_option
@seed_option
@workers_option
@reproducible_option
@click.option("--plans", "plans_folder", type=click.Path(path_type=Path),
              help="Also write each scenario's input and plan workbooks into this folder, "
                   "so that `rotation check` can confirm its figures.")
@click.option("--force", is_flag=True, help="Replace outputs that already exist.")
@json_option
def compare(input_path: Path, output: Path | None, time_limit: float, seed: int,
            workers: int, reproducible: bool, plans_folder: Path | None, force: bool,
            as_json: bool) -> None:
    """Plan the same input under Options 1-3 and any Scenarios, and set the figures side by side.

    Option 1 funds every post; Option 2 funds the manager and seconds the officers, funding
    an officer post only where no secondee can cover it; Option 3 seconds every post.
    """
    from rotation.appraisal.chart import comparison_png
    from rotation.appraisal.compare import comparison_rows, plan_scenarios
    from rotation.appraisal.scenarios import board_options, read_scenarios
    from rotation.appraisal.workbooks import write_comparison
    from rotation.report import compare_document
    from rotation.solver import SolveOptions

    problem, _findings = load_problem(input_path, as_json=as_json)
    try:
        scenarios = board_options(problem) + read_scenarios(input_path, problem)
    except InvalidInput as exc:
        print_findings(exc.findings)
        fail(EXIT_INVALID, f"The Scenarios sheet of {input_path} is not valid: "
                           "nothing was written.")
    target = output or Path("outputs") / f"{input_path.stem}-compare.xlsx"
    picture = target.with_suffix(".png")
    try:
        for path in (target, picture):
            check_output_path(path, force=force, inputs=(input_path,))
    except OutputError as exc:
        fail(EXIT_INVALID, str(exc))

    say(f"Comparing {len(scenarios)} scenarios of {problem.settings.plan_name or input_path.stem} "
        f"(up to {time_limit:g}s each, seed {seed})")
    progress = _ProgressLine()
    outcomes = plan_scenarios(scenarios, SolveOptions(time_limit=time_limit, seed=seed,
                                                      workers=workers,
                                                      reproducible=reproducible),
                              announce=progress.scenario, on_progress=progress.update)
    say("All scenarios planned.")
    title = f"{problem.settings.plan_name or input_path.stem}: options appraisal"
    rows = comparison_rows(outcomes)
    for line in format_table(["measure", *(o.scenario.name for o in outcomes)],
                             [[f"{measure} ({unit})" if unit and unit != "£" else measure,
                               *(_shown(v, unit) for v in values)]
                              for measure, unit, values in rows if measure != "what it means"]):
        (say if as_json else click.echo)(line)
    try:
        png = comparison_png(outcomes, title)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_comparison(target, outcomes, png, title)
        picture.write_bytes(png)
        if plans_folder is not None:
            for path in _write_plans(plans_folder, outcomes, force=force):
                say(f"Wrote {path}")
    except OutputError as exc:
        fail(EXIT_INVALID, str(exc))
    say(f"Wrote {target} and {picture}")
    if as_json:
        emit_json(compare_document(input_path, target, outcomes))


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Also write the ranked table to this workbook.")
@time_limit_option
@seed_option
@workers_option
@reproducible_option
@click.option("--force", is_flag=True, help="Replace the output if it already exists.")
def stress(input_path: Path, output: Path | None, time_limit: float, seed: int, workers: int,
           reproducible: bool, force: bool) -> None:
    """Rank the single points of failure: each agency seconding nobody, each person withdrawing.

    Each loss is planned afresh and ranked by the vacant post-months it causes, then by
    the extra cost.
    """
    from rotation.appraisal.stress import STRESS_HEADER, run_stress, stress_rows
    from rotation.appraisal.workbooks import baseline_line, write_stress
    from rotation.solver import SolveOptions

    problem, _findings = load_problem(input_path)
    if output is not None:
        try:
            check_output_path(output, force=force, inputs=(input_path,))
        except OutputError as exc:
            fail(EXIT_INVALID, str(exc))
    say(f"Stress-testing {problem.settings.plan_name or input_path.stem}: "
        f"{len(problem.agencies)} agencies and {len(problem.candidates)} people, one at a "
        f"time (up to {time_limit:g}s each, seed {seed})")
    progress = _ProgressLine()
    baseline, results = run_stress(problem, SolveOptions(time_limit=time_limit, seed=seed,
                                                         workers=workers,
                                                         reproducible=reproducible),
                                   announce=progress.step, on_progress=progress.update)
    rows = stress_rows(results)
    for line in format_table(list(STRESS_HEADER),
                             [[_shown(v, "£" if i in (4, 5) else "") for i, v in enumerate(row)]
                              for row in rows]):
        click.echo(line)
    click.echo(baseline_line(baseline))
    if output is not None:
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            write_stress(output, baseline, results)
        except OutputError as exc:
            fail(EXIT_INVALID, str(exc))
        say(f"Wrote {output}")


class _ProgressLine:
    """Progress across scenarios on stderr: one line per scenario, one per goal stage."""

    def __init__(self) -> None:
        self.stage = 0

    def scenario(self, number: int, total: int, scenario: Scenario) -> None:
        """A new scenario begins."""
        self.step(number, total, f"{scenario.name}: {scenario.description}")

    def step(self, number: int, total: int, what: str) -> None:
        """A new plan begins."""
        self.stage = 0
        say(f"[{number}/{total}] {what}")

    def update(self, progress: Progress) -> None:
        """Report each goal stage once, when its first plan is found."""
        if progress.stage != self.stage:
            self.stage = progress.stage
            say(f"    goal {progress.stage}/{progress.stages} ({progress.goal}): "
                f"first plan after {progress.elapsed:.1f}s")


def _shown(value: object, unit: str) -> str:
    """A table cell as text: pounds with commas, blank for nothing."""
    if value is None:
        return "-"
    if unit == "£" and isinstance(value, int | float):
        return f"£{value:,.0f}"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Columns padded to their widest cell, the first left-aligned and the others right."""
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [str(cell).ljust(widths[i]) if i == 0 else str(cell).rjust(widths[i])
                 for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return lines


def _write_plans(folder: Path, outcomes: Sequence[Outcome], *, force: bool) -> list[Path]:
    """Each scenario's input and plan workbooks, named after the scenario."""
    from rotation.io.files import input_sha256
    from rotation.io.plan_writer import write_plan
    from rotation.io.writer import write_problem

    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for outcome in outcomes:
        slug = re.sub(r"[^a-z0-9]+", "-", outcome.scenario.name.casefold()).strip("-")
        source = folder / f"{slug or 'scenario'}-input.xlsx"
        check_output_path(source, force=force)
        write_problem(source, outcome.scenario.problem)
        written.append(source)
        if outcome.report is not None:
            plan = folder / f"{slug or 'scenario'}-plan.xlsx"
            check_output_path(plan, force=force)
            write_plan(plan, outcome.scenario.problem, outcome.result, outcome.report, [],
                       input_sha256(source))
            written.append(plan)
    return written
