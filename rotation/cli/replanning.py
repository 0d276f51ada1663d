"""Replanning and explanations: the explain command, and what solve needs for --previous,
--freeze-until and --explain-vacancies."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from rotation.cli.app import main
from rotation.cli.common import (
    EXIT_INFEASIBLE,
    EXIT_INVALID,
    EXIT_NO_PLAN,
    fail,
    load_problem,
    print_findings,
    say,
)
from rotation.domain import Problem, Secondment
from rotation.explain import BRIDGEABLE, ConflictReport, find_conflicts
from rotation.findings import InvalidInput
from rotation.plan import CheckReport
from rotation.replan import Replan

previous_option = click.option(
    "--previous", "previous_path", type=click.Path(path_type=Path), metavar="PLAN",
    help="An earlier plan workbook: the new plan changes as little of it as the rules and "
         "higher goals allow, and lists every change on a Changes sheet.")
freeze_option = click.option(
    "--freeze-until", "freeze_text", metavar="YYYY-MM",
    help="With --previous: keep every secondment of it that starts before this month "
         "exactly as it was.")


def load_replan(problem: Problem, previous_path: Path | None, freeze_text: str | None
                ) -> Replan | None:
    """The replan against ``--previous`` (None without it); exit 2 if it cannot be made."""
    from rotation.io.plan_reader import read_plan
    from rotation.months import parse_month
    from rotation.replan import prepare_replan

    if previous_path is None:
        if freeze_text is not None:
            raise click.UsageError("--freeze-until needs --previous PLAN: the plan to freeze.")
        return None
    freeze = None
    if freeze_text is not None:
        try:
            freeze = parse_month(freeze_text)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--freeze-until") from None
    try:
        previous = read_plan(previous_path)
        return prepare_replan(problem, previous, freeze)
    except InvalidInput as exc:
        print_findings(exc.findings)
        fail(EXIT_INVALID, f"{previous_path} cannot be used as the previous plan. "
                           "Nothing was written.")


def say_replan(replan: Replan, previous_path: Path) -> None:
    """What the previous plan contributes: how many secondments are frozen, and which are gone."""
    say(f"Replanning against {previous_path}: {len(replan.previous)} secondments, "
        f"{len(replan.frozen)} frozen.")
    for dropped in replan.dropped:
        secondment = dropped.secondment
        say(f"  dropped: {secondment.person} in {secondment.post}: {dropped.reason}")


def conflicts_or_none(problem: Problem, replan: Replan | None) -> ConflictReport:
    """The conflicts among the fixed (Existing and frozen) secondments."""
    return find_conflicts(problem, replan.added if replan is not None else ())


def certain(report: ConflictReport) -> bool:
    """Whether the conflicts prove that no plan exists, without a search (see BRIDGEABLE)."""
    return bool(report.conflicts) and all(c.rule not in BRIDGEABLE for c in report.conflicts)


def say_conflicts(lines: Sequence[str]) -> None:
    """The conflicts, one a line, under a heading a planner understands."""
    say("No plan can satisfy the hard rules. What conflicts:")
    for line in lines:
        say(f"  - {line}")


def explain_plan_vacancies(problem: Problem, secondments: Sequence[Secondment],
                           report: CheckReport, seconds: float) -> CheckReport:
    """Try single changes for each vacancy, print what fills it, and add that to the report."""
    from rotation.explain.vacancies import explain_vacancies, vacancy_lines

    if not report.vacancies:
        say("No vacancies to explain.")
        return report
    say(f"Explaining {len(report.vacancies)} vacanc{'y' if len(report.vacancies) == 1 else 'ies'}"
        f" (up to {seconds:g}s)...")
    explanations = explain_vacancies(problem, secondments, report.vacancies, seconds)
    for line in vacancy_lines(explanations):
        say(f"  {line}")
    return report.model_copy(update={"vacancies": tuple(e.explained() for e in explanations)})


def replan_names(problem: Problem, previous_path: Path) -> dict[str, str]:
    """Names for the Changes sheet: the previous plan's, then the input's (which win)."""
    from rotation.io.changes_writer import plan_person_names

    names = plan_person_names(previous_path)
    names.update({c.person: c.name for c in problem.candidates if c.name})
    return names


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@previous_option
@freeze_option
@click.option("--vacancies", "plan_path", type=click.Path(path_type=Path), metavar="PLAN",
              help="Also explain each vacancy of this plan workbook: what stands in the way, "
                   "and which single change would fill it.")
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="Seconds the search for a plan, or the vacancy explanation, may take.")
def explain(input_path: Path, previous_path: Path | None, freeze_text: str | None,
            plan_path: Path | None, time_limit: float) -> None:
    """Say whether any plan can keep the hard rules and, if not, why (writes nothing).

    Exit 0 when a plan exists, 3 when none can, 4 when that is not known in the time limit.
    """
    from rotation.explain.feasibility import plan_exists

    problem, findings = load_problem(input_path)
    print_findings(findings)
    replan = load_replan(problem, previous_path, freeze_text)
    if replan is not None:
        problem = replan.problem
        say_replan(replan, previous_path or Path())
    report = conflicts_or_none(problem, replan)
    if certain(report):
        say_conflicts(report.lines())
        fail(EXIT_INFEASIBLE, "Resolve these and run again.")
    if report.conflicts:  # only a search can tell whether a newcomer bridges them
        exists = plan_exists(problem, time_limit)
        if exists is False:
            say_conflicts(report.lines())
            fail(EXIT_INFEASIBLE, "Resolve these and run again.")
        if exists is None:
            fail(EXIT_NO_PLAN, f"Not known within {time_limit:g} seconds whether a plan "
                               "exists: try a longer --time-limit.")
    say("A plan exists: the Existing" + (" and frozen" if replan else "")
        + " secondments keep every hard rule, so `rotation solve` will find one.")
    if plan_path is not None:
        _explain_workbook_vacancies(problem, plan_path, time_limit)


def _explain_workbook_vacancies(problem: Problem, plan_path: Path, seconds: float) -> None:
    """Explain the vacancies of a plan workbook against ``problem``."""
    from rotation.checker import check_plan
    from rotation.io.funded_reader import read_funded
    from rotation.io.plan_reader import read_plan

    try:
        secondments = read_plan(plan_path, problem)
        funded = read_funded(plan_path, problem)
    except InvalidInput as exc:
        print_findings(exc.findings)
        fail(EXIT_INVALID, f"{plan_path} cannot be read as a plan.")
    report = check_plan(problem, secondments, funded=funded)
    explain_plan_vacancies(problem, secondments, report, seconds)

