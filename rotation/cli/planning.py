"""Commands that plan and judge plans: solve, check."""

from __future__ import annotations

from pathlib import Path

import click

from rotation.cli.app import main
from rotation.cli.common import (
    EXIT_BREACHES,
    EXIT_INFEASIBLE,
    EXIT_INVALID,
    EXIT_NO_PLAN,
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


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Plan workbook to write (default outputs/<input name>-plan.xlsx).")
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="Seconds the search may take.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed of the search.")
@click.option("--workers", type=click.IntRange(min=0), default=0, show_default=True,
              help="Search threads (0 = one per core).")
@click.option("--split-agencies", "agency_folder", type=click.Path(path_type=Path),
              help="Also write one workbook per agency into this folder, each holding only "
                   "that agency's staff.")
@click.option("--force", is_flag=True, help="Replace outputs that already exist.")
@json_option
def solve(input_path: Path, output: Path | None, time_limit: float, seed: int, workers: int,
          agency_folder: Path | None, force: bool, as_json: bool) -> None:
    """Find the best plan the rules allow and write it to a workbook."""
    from rotation.checker import check_plan
    from rotation.diagnose import existing_conflicts
    from rotation.io.agency_split import write_agency_workbooks
    from rotation.io.files import input_sha256
    from rotation.io.plan_writer import write_plan
    from rotation.plan import SolveResult
    from rotation.report import solve_document
    from rotation.solver import SolveOptions
    from rotation.solver import solve as run_solver

    problem, findings = load_problem(input_path, as_json=as_json)
    target = output or Path("outputs") / f"{input_path.stem}-plan.xlsx"
    try:
        check_output_path(target, force=force, inputs=(input_path,))
    except OutputError as exc:
        fail(EXIT_INVALID, str(exc))
    print_findings(findings)

    conflicts = existing_conflicts(problem)
    if conflicts:
        say("No plan can satisfy the hard rules: the Existing secondments already break them.")
        for conflict in conflicts:
            say(f"  - {conflict}")
        fail(EXIT_INFEASIBLE, "Correct the Existing sheet (or the limits it breaks). "
                              "Nothing was written.",
             solve_document(input_path, None, SolveResult(status="INFEASIBLE"), None,
                            conflicts=conflicts) if as_json else None)

    options = SolveOptions(time_limit=time_limit, seed=seed, workers=workers)
    say(f"Planning {problem.settings.plan_name or input_path.stem}: "
        f"{len(problem.posts)} posts, {len(problem.candidates)} candidates, "
        f"{problem.settings.horizon_months} months (time limit {time_limit:g}s)")
    result = run_solver(problem, options, on_progress=_show_progress)

    if result.status == "INFEASIBLE":
        say("No plan can satisfy the hard rules.")
        for conflict in result.conflicts:
            say(f"  - {conflict}")
        fail(EXIT_INFEASIBLE, "Nothing was written.",
             solve_document(input_path, None, result, None) if as_json else None)
    if not result.has_plan:
        fail(EXIT_NO_PLAN, f"No plan was found within {time_limit:g} seconds: "
                           "try a longer --time-limit. Nothing was written.",
             solve_document(input_path, None, result, None) if as_json else None)

    report = check_plan(problem, result.secondments)
    if not report.ok:
        for breach in report.breaches:
            say(f"  {breach}")
        fail(EXIT_BREACHES, "The solver's plan failed the independent check: this is a bug "
                            "in rotation; please report it with the input. Nothing was written.")
    try:
        write_plan(target, problem, result, report, findings, input_sha256(input_path))
        if agency_folder is not None:
            written = write_agency_workbooks(agency_folder, problem, result, report,
                                             force=force, stem=target.stem)
            for path in written:
                say(f"Wrote {path}")
    except OutputError as exc:
        fail(EXIT_INVALID, str(exc))

    goals = report.goals
    proven = "optimal (proven)" if result.status == "OPTIMAL" else "feasible (not proven optimal)"
    say(f"Plan {proven} in {result.solve_seconds:.1f}s: {len(result.secondments)} secondments, "
        f"{goals.vacant_post_months} vacant post-months, "
        f"{goals.pledge_shortfall_months} pledged months short, {goals.handovers} handovers.")
    say(f"Wrote {target}")
    if as_json:
        emit_json(solve_document(input_path, target, result, report))


def _show_progress(progress: Progress) -> None:
    say(f"  {progress.elapsed:6.1f}s  goal {progress.stage}/{progress.stages} "
        f"({progress.goal}): best {progress.value:g}, bound {progress.bound:g}, "
        f"{progress.time_left:.0f}s left")


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.argument("plan_path", metavar="PLAN", type=click.Path(path_type=Path))
@json_option
def check(input_path: Path, plan_path: Path, as_json: bool) -> None:
    """Check a plan workbook (even one edited by hand) against every rule."""
    from rotation.checker import check_plan
    from rotation.io.plan_reader import read_plan
    from rotation.report import check_document, findings_document

    problem, _findings = load_problem(input_path, as_json=as_json)
    try:
        secondments = read_plan(plan_path, problem)
    except InvalidInput as exc:
        print_findings(exc.findings)
        fail(EXIT_INVALID, f"{plan_path} cannot be read as a plan.",
             findings_document(plan_path, exc.findings) if as_json else None)
    report = check_plan(problem, secondments)
    if not as_json:
        for breach in report.breaches:
            click.echo(str(breach))
    goals = report.goals
    say(f"{goals.vacant_post_months} vacant post-months, {goals.pledge_shortfall_months} "
        f"pledged months short, {goals.handovers} handovers, preference penalty "
        f"{goals.preference_penalty}, travel {goals.travel_minutes} minute-months, "
        f"backfill cost £{goals.backfill_cost:,.2f}")
    document = check_document(plan_path, report) if as_json else None
    if report.breaches:
        for breach in report.breaches if as_json else ():
            say(str(breach))
        fail(EXIT_BREACHES, f"{len(report.breaches)} rule breach(es) in {plan_path}.", document)
    say(f"{plan_path} keeps every rule.")
    if document is not None:
        emit_json(document)
