"""The rules about agencies: R8 backfill limit, R9 team mix and R10 backfill budget."""

from __future__ import annotations

from collections.abc import Sequence

from rotation.checker.facts import (
    BUDGET_TOLERANCE_POUNDS,
    backfill_months,
    backfill_pence,
    people_out,
    runs_by_key,
)
from rotation.checker.words import agency_name, month_count, people_names, person_name, pounds, span
from rotation.domain import Problem, Secondment
from rotation.months import Month, financial_year_label
from rotation.plan import Breach


def _over_cap(out_by_month: dict[Month, set[str]], cap: int
              ) -> list[tuple[Month, Month, frozenset[str]]]:
    """Runs of consecutive months in which the same people exceed the cap."""
    over = {month: frozenset(people) for month, people in out_by_month.items()
            if len(people) > cap}
    return runs_by_key(over)


def check_r8_backfill_limit(problem: Problem, secondments: Sequence[Secondment]) -> list[Breach]:
    """R8 backfill limit: an agency never has more staff out at once than it can backfill."""
    breaches: list[Breach] = []
    out = people_out(problem, secondments)
    for agency in sorted(problem.agencies, key=lambda a: a.agency):
        for first, last, people in _over_cap(out.get(agency.agency, {}), agency.max_concurrent):
            breaches.append(Breach(
                rule="R8",
                message=f"{agency_name(problem, agency.agency)} has {len(people)} staff out in "
                        f"{span(first, last)} ({people_names(problem, people)}) but its limit "
                        f"is {agency.max_concurrent}",
                people=tuple(sorted(people)),
            ))
    return breaches


def check_r9_team_mix(problem: Problem, secondments: Sequence[Secondment]) -> list[Breach]:
    """R9 team mix: the team never has more secondees from one agency than the cap."""
    cap = problem.settings.max_secondees_per_agency
    breaches: list[Breach] = []
    for code, out_by_month in sorted(people_out(problem, secondments).items()):
        for first, last, people in _over_cap(out_by_month, cap):
            breaches.append(Breach(
                rule="R9",
                message=f"the team has {len(people)} secondees from "
                        f"{agency_name(problem, code)} in {span(first, last)} "
                        f"({people_names(problem, people)}) but at most {cap} may come from "
                        "one agency",
                people=tuple(sorted(people)),
            ))
    return breaches


def check_r10_backfill_budget(problem: Problem, secondments: Sequence[Secondment]
                              ) -> list[Breach]:
    """R10 backfill budget: an agency's backfill in a financial year stays within its budget."""
    months = backfill_months(problem, secondments)
    breaches: list[Breach] = []
    for agency in sorted(problem.agencies, key=lambda a: a.agency):
        if agency.backfill_budget is None:
            continue
        for year in problem.financial_years():
            by_person = months.get((agency.agency, year), {})
            cost = backfill_pence(problem, by_person)
            if cost / 100 <= agency.backfill_budget + BUDGET_TOLERANCE_POUNDS:
                continue
            who = ", ".join(f"{person_name(problem, person)} {month_count(count)}"
                            for person, count in sorted(by_person.items()))
            breaches.append(Breach(
                rule="R10",
                message=f"{agency_name(problem, agency.agency)}'s backfill in "
                        f"{financial_year_label(year)} costs {pounds(cost)} ({who}) but its "
                        f"budget is {pounds(round(agency.backfill_budget * 100))} a year",
                people=tuple(sorted(by_person)),
            ))
    return breaches
