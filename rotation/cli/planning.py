"""Commands that plan and judge plans: solve, check."""

from __future__ import annotations

import sys
import time
from functools import partial
from pathlib import Path

import click

from rotation.cli.app import main
from rotation.cli.common import (
    EXIT_BREACHES,
    EXIT_INFEASIBLE,
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    EXIT_NO_PLAN,
    emit_json,
    exit_130_on_ctrl_c,
    fail,
    json_option,
    load_problem,
    print_findings,
    say,
)
from rotation.cli.replanning import (
    certain,
    conflicts_or_none,
    explain_plan_vacancies,
    freeze_option,
    load_replan,
    previous_option,
    replan_names,
    say_conflicts,
    say_replan,
)
from rotation.domain import Secondment
from rotation.findings import InvalidInput
from rotation.io.files import OutputError, check_output_path
from rotation.solver.options import Progress

OVER_LIMIT_SECONDS = 1.0
"""A large problem's planning that outlasts ``--time-limit`` by more than this says why (the
limit counts the search; on the generated 150-post problem the hand plans and the model build
before it take 7-9 s)."""


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Plan workbook to write (default outputs/<input name>-plan.xlsx).")
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="Seconds the search may take.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed of the search.")
@click.option("--workers", type=click.IntRange(min=0), default=0, show_default=True,
              help="Search threads (0 = one per core).")
@click.option("--reproducible/--fast", default=True, show_default=True,
              help="--reproducible (the default): deterministic search, so the same input, "
                   "seed and version always give the same plan (the time limit counts solver "
                   "work units). --fast: workers race, about twice as quick, but two runs "
                   "stopped by the time limit may return different plans.")
@click.option("--split-agencies", "agency_folder", type=click.Path(path_type=Path),
              help="Also write one workbook per agency into this folder, each holding only "
                   "that agency's staff.")
@click.option("--force", is_flag=True, help="Replace outputs that already exist.")
@previous_option
@freeze_option
@click.option("--explain-vacancies", is_flag=True,
              help="Say for each vacancy which single change would fill it (may take up to "
                   "the time limit again); also written to the Notes sheet.")
@json_option
@exit_130_on_ctrl_c
def solve(input_path: Path, output: Path | None, time_limit: float, seed: int, workers: int,
          reproducible: bool, agency_folder: Path | None, force: bool, previous_path: Path | None,
          freeze_text: str | None, explain_vacancies: bool, as_json: bool) -> None:
    """Find the best plan the rules allow and write it to a workbook."""
    from rotation.changes import summarise, summary_sentence
    from rotation.checker import check_plan
    from rotation.io.files import input_sha256
    from rotation.picture import load_drawing_meanwhile
    from rotation.plan import SolveResult
    from rotation.replan import replan_changes
    from rotation.report import solve_document
    from rotation.solver import SolveOptions
    from rotation.solver import solve as run_solver

    problem, findings = load_problem(input_path, as_json=as_json)
    target = output or Path("outputs") / f"{input_path.stem}-plan.xlsx"
    try:
        sources = (input_path,) if previous_path is None else (input_path, previous_path)
        check_output_path(target, force=force, inputs=sources)
    except OutputError as exc:
        fail(EXIT_INVALID, str(exc))
    print_findings(findings)
    replan = load_replan(problem, previous_path, freeze_text)
    if replan is not None and previous_path is not None:
        problem = replan.problem
        say_replan(replan, previous_path)

    found = conflicts_or_none(problem, replan)
    if certain(found):
        say_conflicts(found.lines())
        fail(EXIT_INFEASIBLE, "Resolve these and run again. Nothing was written.",
             solve_document(input_path, None, SolveResult(status="INFEASIBLE"), None,
                            conflicts=found.lines()) if as_json else None)

    options = SolveOptions(time_limit=time_limit, seed=seed, workers=workers,
                           reproducible=reproducible,
                           previous=replan.previous if replan is not None else ())
    say(f"Planning {problem.settings.plan_name or input_path.stem}: "
        f"{len(problem.posts)} posts, {len(problem.candidates)} candidates, "
        f"{problem.settings.horizon_months} months (time limit {time_limit:g}s)")
    drawing = load_drawing_meanwhile()  # the plan's timeline picture needs it at the end
    began = time.monotonic()  # (every time said is since here: what the planner waits)
    result = run_solver(problem, options, on_progress=partial(_show_progress, began))
    planned = time.monotonic() - began

    if result.status == "INFEASIBLE":
        conflicts = found.lines() or list(result.conflicts)
        say_conflicts(conflicts)
        fail(EXIT_INFEASIBLE, "Nothing was written.",
             solve_document(input_path, None, result, None, conflicts=conflicts)
             if as_json else None)
    if result.interrupted and not result.has_plan:
        fail(EXIT_INTERRUPTED, "Interrupted (Ctrl-C) before any plan was found. "
                               "Nothing was written.",
             solve_document(input_path, None, result, None) if as_json else None)
    if not result.has_plan:
        fail(EXIT_NO_PLAN, f"No plan was found within {time_limit:g} seconds: "
                           "try a longer --time-limit. Nothing was written.",
             solve_document(input_path, None, result, None) if as_json else None)

    report = check_plan(problem, result.secondments, options.previous, funded=result.funded)
    if not report.ok:
        for breach in report.breaches:
            say(f"  {breach}")
        fail(EXIT_BREACHES, "The solver's plan failed the independent check: this is a bug "
                            "in rotation; please report it with the input. Nothing was written.")
    if explain_vacancies:
        report = explain_plan_vacancies(problem, result.secondments, report, time_limit)
    changes = replan_changes(replan, result.secondments) if replan is not None else None
    drawing.join()
    from rotation.io.agency_split import write_agency_workbooks
    from rotation.io.plan_writer import write_plan
    try:
        write_plan(target, problem, result, report, findings, input_sha256(input_path),
                   changes=changes, people=replan_names(problem, previous_path)
                   if previous_path is not None else None)
        if agency_folder is not None:
            written = write_agency_workbooks(agency_folder, problem, result, report,
                                             force=force, stem=target.stem)
            for path in written:
                say(f"Wrote {path}")
    except OutputError as exc:
        fail(EXIT_INVALID, str(exc))

    goals = report.goals
    proven = "optimal (proven)" if result.status == "OPTIMAL" else "feasible (not proven optimal)"
    if result.interrupted:
        proven = "interrupted — not proven optimal — best found"
    if result.shortlist:
        say(f"Note: {result.shortlist}.")
    if result.vacancy_floor is not None:
        say(vacancy_floor_sentence(result.vacancy_floor, goals.vacant_post_months))
    if (result.status != "OPTIMAL" and result.best_bound is not None
            and result.objective is not None):
        say(balance_bound_sentence(result.best_bound, result.objective))
    if reproducible and not result.reproducible:
        say("Note: the clock stopped the deterministic search before its own budget ran "
            "out, so a rerun may give a different plan (see README, Reproducible runs).")
    if result.shortlist and planned > time_limit + OVER_LIMIT_SECONDS:
        say(f"Note: planning took {planned:.1f}s against --time-limit {time_limit:g}s, which "
            "does not count the hand plans, building the model or the last polish (see "
            "README, Large problems).")
    say(f"Plan {proven} in {planned:.1f}s: {len(result.secondments)} secondments, "
        f"{goals.vacant_post_months} vacant post-months, "
        f"{goals.pledge_shortfall_months} pledged months short, {goals.handovers} handovers.")
    if goals.funded_months:
        say(f"Funded officers hold {goals.funded_months} post-months: direct cost "
            f"£{goals.direct_cost:,.2f} from the central budget.")
    if changes is not None:
        say(f"Against the previous plan: {summary_sentence(summarise(changes))}; "
            f"{goals.changed_months} person-months changed (see the Changes sheet).")
    say(f"Wrote {target}")
    if as_json:
        emit_json(solve_document(input_path, target, result, report))
    if result.interrupted:
        sys.exit(EXIT_INTERRUPTED)


def vacancy_floor_sentence(floor: int, vacant: int) -> str:
    """What the vacancy floor tells the planner about the plan's cover."""
    if vacant <= floor:
        return (f"No plan can have fewer than {floor} vacant post-months (how the posts' "
                "holders can follow each other forces them): this cover is the best possible.")
    return (f"No plan can have fewer than {floor} vacant post-months; this one has {vacant} "
            "(the best possible lies between the two).")


def balance_bound_sentence(bound: float, balance: float) -> str:
    """What the balance goal's bound tells the planner about the plan's balance (the goal is
    minimised in hundredths, so a bound within one of the plan proves it)."""
    if balance - bound < 0.01:
        return (f"No plan with this cover and these pledges has a lower balance than "
                f"{balance:,.1f}: this balance is the best possible.")
    gap = (balance - bound) / balance if balance else 0.0
    return (f"No plan with this cover and these pledges can have a balance below "
            f"{bound:,.1f}; this one has {balance:,.1f} (within {gap:.1%} of the best "
            "possible).")


def _show_progress(began: float, progress: Progress) -> None:
    """Say a better plan, with the seconds since planning ``began`` (the solver's own
    ``elapsed`` counts from the start of its search, after the hand plans, their rebuilding
    and the model build, which on a large problem take seconds of their own)."""
    seconds = time.monotonic() - began
    if progress.stage == 0:  # the hand plan at once, then any rebuilt from it
        how = "the best hand plan" if progress.elapsed == 0 else "the hand plan rebuilt in parts"
        say(f"  {seconds:6.1f}s  starting plan ({how}): "
            f"{progress.value:g} vacant post-months; now searching for better")
        return
    say(f"  {seconds:6.1f}s  goal {progress.stage}/{progress.stages} "
        f"({progress.goal}): best {progress.value:g}, bound {progress.bound:g}, "
        f"{progress.time_left:.0f}s left")


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.argument("plan_path", metavar="PLAN", type=click.Path(path_type=Path))
@click.option("--previous", "previous_path", type=click.Path(path_type=Path),
              help="An earlier plan workbook: also count the person-months that changed "
                   "against it (the replanning stability goal).")
@json_option
def check(input_path: Path, plan_path: Path, previous_path: Path | None, as_json: bool
          ) -> None:
    """Check a plan workbook (even one edited by hand) against every rule."""
    from rotation.checker import check_plan
    from rotation.io.funded_reader import read_funded
    from rotation.io.plan_reader import read_plan
    from rotation.report import check_document, findings_document

    problem, _findings = load_problem(input_path, as_json=as_json)
    try:
        secondments = read_plan(plan_path, problem)
        funded = read_funded(plan_path, problem)
    except InvalidInput as exc:
        print_findings(exc.findings)
        fail(EXIT_INVALID, f"{plan_path} cannot be read as a plan.",
             findings_document(plan_path, exc.findings) if as_json else None)
    previous: list[Secondment] = []
    if previous_path is not None:
        try:
            previous = read_plan(previous_path)
        except InvalidInput as exc:
            print_findings(exc.findings)
            fail(EXIT_INVALID, f"{previous_path} cannot be read as a plan.",
                 findings_document(previous_path, exc.findings) if as_json else None)
    report = check_plan(problem, secondments, previous, funded=funded)
    # Breaches are the result: on stdout, unless stdout carries the JSON document.
    echo = say if as_json else click.echo
    for breach in report.breaches:
        echo(str(breach))
    goals = report.goals
    say(f"{goals.vacant_post_months} vacant post-months, {goals.pledge_shortfall_months} "
        f"pledged months short, {goals.handovers} handovers, preference penalty "
        f"{goals.preference_penalty}, travel {goals.travel_minutes} minute-months, "
        f"backfill cost £{goals.backfill_cost:,.2f}")
    if goals.funded_months:
        say(f"{goals.funded_months} post-months held by funded officers, direct cost "
            f"£{goals.direct_cost:,.2f}")
    if previous_path is not None:
        say(f"{goals.changed_months} person-months changed against {previous_path}")
    document = check_document(plan_path, report) if as_json else None
    if report.breaches:
        fail(EXIT_BREACHES, f"{len(report.breaches)} rule breach(es) in {plan_path}.", document)
    say(f"{plan_path} keeps every rule.")
    if document is not None:
        emit_json(document)
