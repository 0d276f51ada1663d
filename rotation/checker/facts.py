"""Facts about a plan that several checks share: which months count, who is out, what it costs.

Everything here works from the raw fields of the domain records, never from the solver, and
copes with plans edited by hand: unknown people or posts are simply left out of the facts
that need them (the rules R2 and R4 report them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

from rotation.domain import Candidate, Post, Problem, Secondment
from rotation.months import Month, financial_year, month_range

Key = TypeVar("Key", bound=Hashable)
SecondmentKey = tuple[str, str, Month, Month]

# Budgets are in pounds and costs are added in pence: allow half a penny of rounding.
BUDGET_TOLERANCE_POUNDS = 0.005


def is_well_formed(secondment: Secondment) -> bool:
    """Whether the secondment ends no earlier than it starts (R5 reports those that do not)."""
    return secondment.start <= secondment.end


def well_formed(secondments: Iterable[Secondment]) -> list[Secondment]:
    """The secondments that are a run of at least one month, in their given order."""
    return [s for s in secondments if is_well_formed(s)]


def secondment_key(secondment: Secondment) -> SecondmentKey:
    """What makes two secondments the same: person, post, start and end."""
    return (secondment.person, secondment.post, secondment.start, secondment.end)


def existing_keys(problem: Problem) -> frozenset[SecondmentKey]:
    """The keys of the agreed (Existing) secondments.

    A plan row counts as Existing when it matches one of these, whatever its ``existing``
    flag says: a hand-edited flag must not exempt a secondment from R5.
    """
    return frozenset(secondment_key(s) for s in problem.existing)


def months_in_horizon(problem: Problem, secondment: Secondment) -> range:
    """The secondment's months inside the horizon (empty when it lies wholly outside)."""
    first = max(secondment.start, problem.settings.horizon_start)
    last = min(secondment.end, problem.settings.horizon_end)
    return month_range(first, last)


def candidate_of(problem: Problem, secondment: Secondment) -> Candidate | None:
    """The seconded candidate, or None for a person not on the Candidates sheet."""
    return problem.candidate_by_person.get(secondment.person)


def post_of(problem: Problem, secondment: Secondment) -> Post | None:
    """The post, or None for a post not on the Posts sheet."""
    return problem.post_by_id.get(secondment.post)


def level_of(problem: Problem, candidate: Candidate) -> int | None:
    """The candidate's grade level, or None when the grade is not on the Grades sheet."""
    grade = problem.grade_by_key.get((candidate.agency, candidate.grade))
    return grade.level if grade is not None else None


def monthly_cost_pence(problem: Problem, person: str) -> int | None:
    """The monthly backfill cost of a person's grade in pence, or None when unknown."""
    candidate = problem.candidate_by_person.get(person)
    if candidate is None:
        return None
    grade = problem.grade_by_key.get((candidate.agency, candidate.grade))
    return None if grade is None else round(grade.monthly_cost * 100)


def missing_skills(post: Post, candidate: Candidate) -> list[str]:
    """The post's skills the candidate lacks, compared without regard to case."""
    held = {skill.casefold() for skill in candidate.skills}
    return [skill for skill in post.skills if skill.casefold() not in held]


def is_available(candidate: Candidate, month: Month) -> bool:
    """Whether the month lies within the candidate's availability (blank = open)."""
    if candidate.available_from is not None and month < candidate.available_from:
        return False
    return candidate.available_to is None or month <= candidate.available_to


def people_out(problem: Problem, secondments: Iterable[Secondment]
               ) -> dict[str, dict[Month, set[str]]]:
    """For each agency code and horizon month, the people of that agency on secondment."""
    out: dict[str, dict[Month, set[str]]] = defaultdict(lambda: defaultdict(set))
    for secondment in well_formed(secondments):
        candidate = candidate_of(problem, secondment)
        if candidate is None:
            continue
        for month in months_in_horizon(problem, secondment):
            out[candidate.agency][month].add(secondment.person)
    return out


def backfill_months(problem: Problem, secondments: Iterable[Secondment]
                    ) -> dict[tuple[str, int], dict[str, int]]:
    """For each (agency code, financial year), each person's secondment months in the horizon."""
    months: dict[tuple[str, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for secondment in well_formed(secondments):
        candidate = candidate_of(problem, secondment)
        if candidate is None:
            continue
        for month in months_in_horizon(problem, secondment):
            months[(candidate.agency, financial_year(month))][secondment.person] += 1
    return months


def backfill_pence(problem: Problem, months_by_person: Mapping[str, int]) -> int:
    """The backfill cost in pence of so many months of each person's grade."""
    total = 0
    for person, months in months_by_person.items():
        total += (monthly_cost_pence(problem, person) or 0) * months
    return total


def vacant_months(problem: Problem, post: Post, secondments: Sequence[Secondment]) -> list[Month]:
    """The months of the post's existence in the horizon that no secondment of it covers."""
    held = [s for s in secondments if s.post == post.post]
    return [month for month in problem.post_months(post)
            if not any(s.covers(month) for s in held)]


def spans(months: Iterable[Month]) -> list[tuple[Month, Month]]:
    """Consecutive months grouped into (first, last) runs, in order."""
    runs: list[tuple[Month, Month]] = []
    for month in sorted(set(months)):
        if runs and runs[-1][1] == month - 1:
            runs[-1] = (runs[-1][0], month)
        else:
            runs.append((month, month))
    return runs


def runs_by_key(by_month: Mapping[Month, Key]) -> list[tuple[Month, Month, Key]]:
    """Consecutive months with the same value grouped into (first, last, value) runs."""
    runs: list[tuple[Month, Month, Key]] = []
    for month in sorted(by_month):
        value = by_month[month]
        if runs and runs[-1][1] == month - 1 and runs[-1][2] == value:
            runs[-1] = (runs[-1][0], month, value)
        else:
            runs.append((month, month, value))
    return runs


def in_order(secondments: Iterable[Secondment]) -> list[Secondment]:
    """The secondments by start, end, person and post: reports must not depend on row order."""
    return sorted(secondments, key=_order)


def by_post(secondments: Iterable[Secondment]) -> dict[str, list[Secondment]]:
    """Secondments grouped by post id (posts in id order), each ordered by (start, end)."""
    grouped: dict[str, list[Secondment]] = defaultdict(list)
    for secondment in secondments:
        grouped[secondment.post].append(secondment)
    return {post: sorted(held, key=_order) for post, held in sorted(grouped.items())}


def by_person(secondments: Iterable[Secondment]) -> dict[str, list[Secondment]]:
    """Secondments grouped by person id (people in id order), each ordered by (start, end)."""
    grouped: dict[str, list[Secondment]] = defaultdict(list)
    for secondment in secondments:
        grouped[secondment.person].append(secondment)
    return {person: sorted(held, key=_order) for person, held in sorted(grouped.items())}


def _order(secondment: Secondment) -> tuple[Month, Month, str, str]:
    """Order by (start, end); person and post only break ties, to stay deterministic."""
    return (secondment.start, secondment.end, secondment.person, secondment.post)
