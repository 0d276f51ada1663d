"""The ``rotation`` command line: a thin layer over the library.

Exit codes (SPEC.md section 8): 0 success; 1 ``check`` found rule breaches; 2 invalid input
(every error listed with sheet, row and column, nothing written); 3 no plan can satisfy the
hard rules; 4 no plan found within the time limit.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from rotation import __version__
from rotation.domain import Problem
from rotation.findings import Finding, InvalidInput
from rotation.io.files import OutputError, check_output_path

EXIT_OK = 0
EXIT_BREACHES = 1
EXIT_INVALID = 2
EXIT_INFEASIBLE = 3
EXIT_NO_PLAN = 4


def _say(message: str = "") -> None:
    click.echo(message, err=True)


def _print_findings(findings: list[Finding]) -> None:
    errors = [f for f in findings if f.severity == "error"]
    warnings = [f for f in findings if f.severity == "warning"]
    for finding in errors + warnings:
        _say(str(finding))
    if errors or warnings:
        _say(f"{len(errors)} error(s), {len(warnings)} warning(s)")


def _fail(code: int, message: str) -> NoReturn:
    _say(message)
    sys.exit(code)


def _load(path: Path) -> tuple[Problem, list[Finding]]:
    from rotation.io.reader import read_problem

    try:
        return read_problem(path)
    except InvalidInput as exc:
        _print_findings(exc.findings)
        _fail(EXIT_INVALID, f"{path} is not valid: nothing was written.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rotation")
def main() -> None:
    """Plan secondment rotations for the partnership team, month by month.

    Start with `rotation template`, fill the workbook in, check it with `rotation validate`,
    then `rotation solve` it.
    """


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it already exists.")
def template(path: Path, force: bool) -> None:
    """Write an empty input workbook to PATH, with instructions and drop-down lists."""
    from rotation.io.template import write_template

    try:
        check_output_path(path, force=force)
        write_template(path)
    except OutputError as exc:
        _fail(EXIT_INVALID, str(exc))
    _say(f"Wrote the input template to {path}")


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
def validate(input_path: Path) -> None:
    """Check an input workbook (or CSV folder) and list every error and warning."""
    _problem, findings = _load(input_path)
    _print_findings(findings)
    _say(f"{input_path} is valid.")


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Plan workbook to write (default outputs/<input name>-plan.xlsx).")
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="Seconds the search may take.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed of the search.")
@click.option("--workers", type=click.IntRange(min=0), default=0, show_default=True,
              help="Search threads (0 = one per core).")
@click.option("--force", is_flag=True, help="Replace the output if it already exists.")
def solve(input_path: Path, output: Path | None, time_limit: float, seed: int, workers: int,
          force: bool) -> None:
    """Find the best plan the rules allow and write it to a workbook."""
    from rotation.checker import check_plan
    from rotation.diagnose import existing_conflicts
    from rotation.io.files import input_sha256
    from rotation.io.plan_writer import write_plan
    from rotation.solver import SolveOptions, solve as run_solver

    problem, findings = _load(input_path)
    target = output or Path("outputs") / f"{input_path.stem}-plan.xlsx"
    try:
        check_output_path(target, force=force, inputs=(input_path,))
    except OutputError as exc:
        _fail(EXIT_INVALID, str(exc))
    _print_findings(findings)

    conflicts = existing_conflicts(problem)
    if conflicts:
        _say("No plan can satisfy the hard rules: the Existing secondments already break them.")
        for conflict in conflicts:
            _say(f"  - {conflict}")
        _fail(EXIT_INFEASIBLE, "Correct the Existing sheet (or the limits it breaks). "
                               "Nothing was written.")

    options = SolveOptions(time_limit=time_limit, seed=seed, workers=workers)
    _say(f"Planning {problem.settings.plan_name or input_path.stem}: "
         f"{len(problem.posts)} posts, {len(problem.candidates)} candidates, "
         f"{problem.settings.horizon_months} months (time limit {time_limit:g}s)")
    result = run_solver(problem, options, on_progress=_show_progress)

    if result.status == "INFEASIBLE":
        _say("No plan can satisfy the hard rules.")
        for conflict in result.conflicts:
            _say(f"  - {conflict}")
        _fail(EXIT_INFEASIBLE, "Nothing was written.")
    if not result.has_plan:
        _fail(EXIT_NO_PLAN, f"No plan was found within {time_limit:g} seconds: "
                            "try a longer --time-limit. Nothing was written.")

    report = check_plan(problem, result.secondments)
    if not report.ok:
        for breach in report.breaches:
            _say(f"  {breach}")
        _fail(EXIT_BREACHES, "The solver's plan failed the independent check: this is a bug "
                             "in rotation; please report it with the input. Nothing was written.")
    try:
        write_plan(target, problem, result, report, findings, input_sha256(input_path))
    except OutputError as exc:
        _fail(EXIT_INVALID, str(exc))

    goals = report.goals
    proven = "optimal (proven)" if result.status == "OPTIMAL" else "feasible (not proven optimal)"
    _say(f"Plan {proven} in {result.solve_seconds:.1f}s: {len(result.secondments)} secondments, "
         f"{goals.vacant_post_months} vacant post-months, "
         f"{goals.pledge_shortfall_months} pledged months short, {goals.handovers} handovers.")
    _say(f"Wrote {target}")


def _show_progress(progress: object) -> None:
    from rotation.solver import Progress

    assert isinstance(progress, Progress)
    _say(f"  {progress.elapsed:6.1f}s  goal {progress.stage}/{progress.stages} "
         f"({progress.goal}): best {progress.value:g}, bound {progress.bound:g}, "
         f"{progress.time_left:.0f}s left")


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.argument("plan_path", metavar="PLAN", type=click.Path(path_type=Path))
def check(input_path: Path, plan_path: Path) -> None:
    """Check a plan workbook (even one edited by hand) against every rule."""
    from rotation.checker import check_plan
    from rotation.io.plan_reader import read_plan

    problem, _findings = _load(input_path)
    try:
        secondments = read_plan(plan_path, problem)
    except InvalidInput as exc:
        _print_findings(exc.findings)
        _fail(EXIT_INVALID, f"{plan_path} cannot be read as a plan.")
    report = check_plan(problem, secondments)
    for breach in report.breaches:
        click.echo(str(breach))
    goals = report.goals
    _say(f"{goals.vacant_post_months} vacant post-months, {goals.pledge_shortfall_months} "
         f"pledged months short, {goals.handovers} handovers, preference penalty "
         f"{goals.preference_penalty}, travel {goals.travel_minutes} minute-months, "
         f"backfill cost £{goals.backfill_cost:,.2f}")
    if report.breaches:
        _fail(EXIT_BREACHES, f"{len(report.breaches)} rule breach(es) in {plan_path}.")
    _say(f"{plan_path} keeps every rule.")


@main.command()
@click.argument("output", type=click.Path(path_type=Path))
@click.option("--posts", type=click.IntRange(min=1), default=5, show_default=True)
@click.option("--candidates", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--months", type=click.IntRange(1, 120), default=36, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--tight", is_flag=True,
              help="Scarce agency capacity and budgets, long minimum lengths.")
@click.option("--regions", type=click.IntRange(min=0), default=0, show_default=True,
              help="Split posts and candidates into this many regions; candidates are "
                   "eligible only in their own region (0 = one region).")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it already exists.")
def generate(output: Path, posts: int, candidates: int, months: int, seed: int, tight: bool,
             regions: int, force: bool) -> None:
    """Write a synthetic input workbook of a given size (for trials and benchmarks)."""
    from rotation.generate import generate_problem
    from rotation.io.writer import write_problem

    problem = generate_problem(posts=posts, candidates=candidates, months=months, seed=seed,
                               tight=tight, regions=regions)
    try:
        check_output_path(output, force=force)
        write_problem(output, problem)
    except OutputError as exc:
        _fail(EXIT_INVALID, str(exc))
    _say(f"Wrote {output}: {posts} posts, {candidates} candidates, {months} months.")


@main.command()
@click.argument("old_path", metavar="OLD", type=click.Path(path_type=Path))
@click.argument("new_path", metavar="NEW", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Also write the changes to this workbook (Summary and Changes sheets).")
@click.option("--all", "show_all", is_flag=True, help="List kept secondments too.")
@click.option("--force", is_flag=True, help="Replace the output if it already exists.")
def diff(old_path: Path, new_path: Path, output: Path | None, show_all: bool,
         force: bool) -> None:
    """Compare two plan workbooks: every secondment kept, moved, added or dropped."""
    from rotation.changes import changes_table, compare_plans, summarise, summary_sentence
    from rotation.io.changes_writer import plan_person_names, write_diff_workbook
    from rotation.io.plan_reader import read_plan

    if output is not None:
        try:
            check_output_path(output, force=force, inputs=(old_path, new_path))
        except OutputError as exc:
            _fail(EXIT_INVALID, str(exc))
    plans = {}
    unreadable = []
    for path in (old_path, new_path):
        try:
            plans[path] = read_plan(path)
        except InvalidInput as exc:
            _print_findings(exc.findings)
            unreadable.append(path)
    if unreadable:
        nothing = " Nothing was written." if output is not None else ""
        _fail(EXIT_INVALID, " ".join(f"{p} cannot be read as a plan." for p in unreadable)
              + nothing)

    changes = compare_plans(plans[old_path], plans[new_path])
    # Names label the table; the new plan's spelling wins where the two differ.
    people = {**plan_person_names(old_path), **plan_person_names(new_path)}
    counts = summarise(changes)
    click.echo(f"Changes from {old_path} to {new_path}:")
    lines = changes_table(changes, people, show_kept=show_all)
    if lines:
        click.echo("")
        for line in lines:
            click.echo(line)
        click.echo("")
    tail = "" if show_all or not counts["kept"] else " (kept ones not listed: --all lists them)"
    click.echo(f"{summary_sentence(counts)}{tail}.")
    if output is not None:
        try:
            write_diff_workbook(output, changes, str(old_path), str(new_path), people=people)
        except OutputError as exc:
            _fail(EXIT_INVALID, str(exc))
        _say(f"Wrote {output}")


@main.command()
@click.argument("plan_path", metavar="PLAN", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Picture to write (default: PLAN with .png instead of .xlsx).")
@click.option("--today", "today_text", metavar="YYYY-MM",
              help="Month to mark as today (default: the current month).")
@click.option("--force", is_flag=True, help="Replace the picture if it already exists.")
def plot(plan_path: Path, output: Path | None, today_text: str | None, force: bool) -> None:
    """Draw a plan workbook as a timeline picture (PNG): posts down, months across."""
    import datetime as dt

    from rotation.months import month, parse_month
    from rotation.picture.draw import draw_timeline
    from rotation.picture.timeline import Timeline

    target = output or plan_path.with_suffix(".png")
    if target.suffix.casefold() != ".png":
        _fail(EXIT_INVALID, f"{target} does not end in .png: the picture is a PNG file.")
    try:
        today = parse_month(today_text) if today_text else month(dt.date.today().year,
                                                                 dt.date.today().month)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--today") from None
    try:
        check_output_path(target, force=force, inputs=(plan_path,))
    except OutputError as exc:
        _fail(EXIT_INVALID, str(exc))
    try:
        timeline = Timeline.from_workbook(plan_path)
    except InvalidInput as exc:
        _print_findings(exc.findings)
        _fail(EXIT_INVALID, f"{plan_path} cannot be read as a plan workbook written by "
                            "rotation solve: nothing was written.")
    try:
        draw_timeline(timeline, target, today=today)
    except OutputError as exc:
        _fail(EXIT_INVALID, str(exc))
    _say(f"Wrote {target}: {len(timeline.posts)} posts, {len(timeline.bars)} secondments, "
         f"{len(timeline.horizon)} months.")


@main.command()
@click.argument("plan_path", metavar="PLAN", type=click.Path(path_type=Path))
@click.argument("folder", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace agency workbooks already in DIR.")
def split(plan_path: Path, folder: Path, force: bool) -> None:
    """Write one workbook per agency into DIR, each holding only that agency's staff.

    Other agencies' secondees appear only as "another agency", without ids or names, so each
    file can be sent to its agency as it is.
    """
    from rotation.io.agency_split import split_plan_workbook

    try:
        written = split_plan_workbook(plan_path, folder, force=force)
    except InvalidInput as exc:
        _print_findings(exc.findings)
        _fail(EXIT_INVALID, f"{plan_path} cannot be read as a plan written by rotation solve. "
                            "Nothing was written.")
    except OutputError as exc:
        _fail(EXIT_INVALID, f"{exc}. Nothing was written.")
    for path in written:
        _say(f"Wrote {path}")
    _say(f"{len(written)} agency workbook(s) in {folder}.")
