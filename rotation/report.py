"""Results as plain JSON-ready documents (``--json``), with stable keys.

Months are ``YYYY-MM`` text; money is pounds as a number; every document names the command
that made it and the rotation version, so a script can tell what it is reading.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rotation import __version__
from rotation.changes import CHANGE_KINDS, Change, summarise
from rotation.domain import Secondment
from rotation.findings import Finding
from rotation.months import financial_year_label, format_month
from rotation.plan import Breach, CheckReport, GoalTerms, SolveResult, Vacancy

if TYPE_CHECKING:  # the appraisal imports the solver; JSON output must not need it
    from rotation.appraisal.compare import Outcome

def _header(command: str) -> dict[str, Any]:
    return {"command": command, "rotation_version": __version__}


def finding_json(finding: Finding) -> dict[str, Any]:
    location = finding.location
    return {
        "severity": finding.severity,
        "message": finding.message,
        "sheet": location.sheet if location else None,
        "row": location.row if location else None,
        "column": location.column if location else None,
    }


def secondment_json(secondment: Secondment) -> dict[str, Any]:
    return {
        "person": secondment.person,
        "post": secondment.post,
        "start": format_month(secondment.start),
        "end": format_month(secondment.end),
        "months": secondment.months,
        "existing": secondment.existing,
    }


def breach_json(breach: Breach) -> dict[str, Any]:
    return {"rule": breach.rule, "message": breach.message, "people": list(breach.people),
            "posts": list(breach.posts)}


def vacancy_json(vacancy: Vacancy) -> dict[str, Any]:
    return {"post": vacancy.post, "first": format_month(vacancy.first),
            "last": format_month(vacancy.last), "months": vacancy.months,
            "reason": vacancy.reason}


def goals_json(goals: GoalTerms) -> dict[str, Any]:
    return {
        "vacant_post_months": goals.vacant_post_months,
        "pledge_shortfall_months": goals.pledge_shortfall_months,
        "handovers": goals.handovers,
        "preference_penalty": goals.preference_penalty,
        "travel_minutes": goals.travel_minutes,
        "backfill_cost": round(goals.backfill_cost, 2),
        "changed_months": goals.changed_months,
        "funded_months": goals.funded_months,
        "direct_cost": round(goals.direct_cost, 2),
    }


def findings_document(path: Path, findings: Sequence[Finding]) -> dict[str, Any]:
    """``rotation validate --json``: whether the input is valid, and every finding."""
    errors = [finding_json(f) for f in findings if f.severity == "error"]
    warnings = [finding_json(f) for f in findings if f.severity == "warning"]
    return {**_header("validate"), "input": str(path), "valid": not errors,
            "errors": errors, "warnings": warnings}


def check_document(plan: Path, report: CheckReport) -> dict[str, Any]:
    """``rotation check --json``: breaches, vacancies and goal terms of a plan."""
    return {**_header("check"), "plan": str(plan), "ok": report.ok,
            "breaches": [breach_json(b) for b in report.breaches],
            "vacancies": [vacancy_json(v) for v in report.vacancies],
            "goals": goals_json(report.goals)}


def solve_document(input_path: Path, output: Path | None, result: SolveResult,
                   report: CheckReport | None, *, conflicts: Sequence[str] = ()
                   ) -> dict[str, Any]:
    """``rotation solve --json``: how the search ended and the plan it found, if any."""
    return {
        **_header("solve"),
        "input": str(input_path),
        "output": str(output) if output else None,
        "status": result.status,
        "interrupted": result.interrupted,
        "objective": result.objective,
        "best_bound": result.best_bound,
        "vacancy_floor": result.vacancy_floor,
        "proven_goals": list(result.proven_goals),
        "solve_seconds": round(result.solve_seconds, 3),
        "seed": result.seed,
        "workers": result.workers,
        "time_limit": result.time_limit,
        "shortlist": result.shortlist,
        "goals": goals_json(report.goals) if report else None,
        "secondments": [secondment_json(s) for s in result.secondments],
        "funded": [{"post": f.post, "start": format_month(f.start),
                    "end": format_month(f.end), "months": f.months} for f in result.funded],
        "vacancies": [vacancy_json(v) for v in report.vacancies] if report else [],
        "conflicts": list(conflicts or result.conflicts),
    }


def change_json(change: Change, people: dict[str, str]) -> dict[str, Any]:
    def side(secondment: Secondment | None) -> dict[str, Any] | None:
        if secondment is None:
            return None
        return {"post": secondment.post, "start": format_month(secondment.start),
                "end": format_month(secondment.end)}

    return {"kind": change.kind, "person": change.person,
            "name": people.get(change.person, ""), "old": side(change.old),
            "new": side(change.new), "description": change.description,
            "reason": change.reason}


def diff_document(old: Path, new: Path, changes: Sequence[Change], people: dict[str, str]
                  ) -> dict[str, Any]:
    """``rotation diff --json``: every change between two plans, and the counts."""
    counts = summarise(list(changes))
    return {**_header("diff"), "old": str(old), "new": str(new),
            "counts": {kind: counts[kind] for kind in CHANGE_KINDS},
            "changes": [change_json(c, people) for c in changes]}


def compare_document(input_path: Path, output: Path, outcomes: Sequence[Outcome]
                     ) -> dict[str, Any]:
    """``rotation compare --json``: each scenario's status and figures, side by side."""
    scenarios = []
    for outcome in outcomes:
        figures = outcome.figures
        shown: dict[str, Any] | None = None
        if figures is not None:
            shown = {name: value for name, value in asdict(figures).items()
                     if name != "direct_cost_by_year"}
            shown["direct_cost_by_year"] = {
                financial_year_label(year): cost
                for year, cost in sorted(figures.direct_cost_by_year.items())}
        scenarios.append({"scenario": outcome.scenario.name, "status": outcome.result.status,
                          "status_in_words": outcome.status_in_words, "figures": shown,
                          "notes": list(outcome.notes)})
    return {**_header("compare"), "input": str(input_path), "output": str(output),
            "scenarios": scenarios}
