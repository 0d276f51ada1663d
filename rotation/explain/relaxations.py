"""Single changes to an input that might let a vacant post be filled, to try one at a time.

Each relaxation eases one rule by one step: an agency's backfill limit or budget, the team
mix, the handovers allowed a month, cooling-off, secondments per person, the shortest
secondment, or one candidate's availability. Only changes that could matter for the vacant
post are offered: agencies and candidates are those whose staff fit it (grade, skills, area).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rotation.checker.words import agency_name, month_count, pounds, window
from rotation.domain import Candidate, Post, Problem
from rotation.months import Month


@dataclass(frozen=True)
class Relaxation:
    """One change to the input, in words (``raising HIE's backfill limit to 2``)."""

    description: str
    apply: Callable[[Problem], Problem]


def with_fields(problem: Problem, **fields: Any) -> Problem:
    """A copy of ``problem`` with some fields replaced (validated afresh)."""
    values = {name: getattr(problem, name) for name in type(problem).model_fields}
    values.update(fields)
    return type(problem)(**values)


def relaxations_for(problem: Problem, post: Post, first: Month, last: Month
                    ) -> list[Relaxation]:
    """The single changes worth trying for a vacancy of ``post`` from ``first`` to ``last``."""
    fitting = [c for c in problem.candidates if fits(problem, post, c)]
    codes = sorted({c.agency for c in fitting})
    found: list[Relaxation] = []
    for code in codes:
        found += _agency_relaxations(problem, code, fitting, last - first + 1)
    found += _settings_relaxations(problem, first, last)
    for candidate in fitting:
        found += _availability_relaxation(candidate, first, last)
    return found


def fits(problem: Problem, post: Post, candidate: Candidate) -> bool:
    """Whether grade (R2), skills (R3) and area exclusions (R4) allow the candidate in the post."""
    grade = problem.grade_by_key.get((candidate.agency, candidate.grade))
    held = {skill.casefold() for skill in candidate.skills}
    return (grade is not None and post.min_level <= grade.level <= post.max_level
            and all(skill.casefold() in held for skill in post.skills)
            and post.area not in candidate.excluded_areas and post.funding != "funded")


def _agency_relaxations(problem: Problem, code: str, fitting: list[Candidate],
                        months: int) -> list[Relaxation]:
    """Raise the agency's backfill limit by one; raise its budget by the vacancy's cost."""
    agency = problem.agency_by_code.get(code)
    if agency is None:
        return []
    name = agency_name(problem, code)
    found = [Relaxation(f"raising {name}'s backfill limit to {agency.max_concurrent + 1}",
                        _replace_agency(code, max_concurrent=agency.max_concurrent + 1))]
    if agency.backfill_budget is not None:
        costs = [problem.grade_by_key[(c.agency, c.grade)].monthly_cost
                 for c in fitting if c.agency == code]
        raised = math.ceil(agency.backfill_budget + months * max(costs))
        found.append(Relaxation(f"raising {name}'s backfill budget to {pounds(raised * 100)} "
                                "a year", _replace_agency(code, backfill_budget=float(raised))))
    return found


def _settings_relaxations(problem: Problem, first: Month, last: Month) -> list[Relaxation]:
    """One step on each plan-wide setting that can stand in the way of a fill."""
    settings = problem.settings
    found = [Relaxation(f"allowing {settings.max_secondees_per_agency + 1} secondees from one "
                        "agency on the team",
                        _replace_settings(max_secondees_per_agency=(
                            settings.max_secondees_per_agency + 1)))]
    if settings.max_handovers_per_month < len(problem.posts):
        found.append(Relaxation(
            f"allowing {settings.max_handovers_per_month + 1} handovers to start a month",
            _replace_settings(max_handovers_per_month=settings.max_handovers_per_month + 1)))
    if settings.cooling_off_months > 0:
        found.append(Relaxation(
            f"shortening cooling-off from {month_count(settings.cooling_off_months)} to none",
            _replace_settings(cooling_off_months=0)))
    found.append(Relaxation(
        f"allowing {settings.max_secondments_per_person + 1} secondments per person",
        _replace_settings(max_secondments_per_person=settings.max_secondments_per_person + 1)))
    gap = last - first + 1
    if gap < settings.min_secondment_months:
        found.append(Relaxation(
            f"shortening the shortest secondment to {month_count(gap)}",
            _replace_settings(min_secondment_months=gap)))
    return found


def _availability_relaxation(candidate: Candidate, first: Month, last: Month
                             ) -> list[Relaxation]:
    """Extend a fitting candidate's availability to take in the vacant months, if it does not."""
    start, end = candidate.available_from, candidate.available_to
    new_start = None if start is None else min(start, first)
    new_end = None if end is None else max(end, last)
    if (new_start, new_end) == (start, end):
        return []
    return [Relaxation(
        f"making {candidate.display_name} available {window(new_start, new_end)}",
        _replace_candidate(candidate.person, available_from=new_start, available_to=new_end))]


def _replace_agency(code: str, **update: Any) -> Callable[[Problem], Problem]:
    def apply(problem: Problem) -> Problem:
        agencies = tuple(a.model_copy(update=update) if a.agency == code else a
                         for a in problem.agencies)
        return with_fields(problem, agencies=agencies)
    return apply


def _replace_settings(**update: Any) -> Callable[[Problem], Problem]:
    def apply(problem: Problem) -> Problem:
        return with_fields(problem, settings=problem.settings.model_copy(update=update))
    return apply


def _replace_candidate(person: str, **update: Any) -> Callable[[Problem], Problem]:
    def apply(problem: Problem) -> Problem:
        candidates = tuple(c.model_copy(update=update) if c.person == person else c
                           for c in problem.candidates)
        return with_fields(problem, candidates=candidates)
    return apply
