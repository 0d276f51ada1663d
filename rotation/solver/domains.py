"""R2, R3, R4: which person may hold which post in which months, before any variable exists.

These rules depend on the person and the post alone, so the model enforces them by leaving
variables out: a (person, post) pair that breaks one gets no variable, and a month outside
the person's availability or the post's existence gets none either. An Existing secondment
is checked against the same rule function; one that breaks it is a fixed breach.
"""

from __future__ import annotations

from collections.abc import Callable

from rotation.domain import Candidate, Post, Problem, Secondment
from rotation.months import Month, format_month, format_span, month_range
from rotation.solver.context import FixedBreach

Pair = tuple[int, int]
"""(person index, post index): indices into ``problem.candidates`` and ``problem.posts``."""

Domains = dict[Pair, range]
"""The horizon months in which each (person, post) pair may be chosen."""

Misfit = Callable[[Problem, Candidate, Post], str | None]


def r2_grade(problem: Problem, candidate: Candidate, post: Post) -> str | None:
    """R2 grade: the person's grade level lies within the post's band. Says why not, or None."""
    grade = problem.grade_by_key.get((candidate.agency, candidate.grade))
    if grade is None:
        return (f"{candidate.display_name}'s grade {candidate.grade} ({candidate.agency}) "
                "is not on the Grades sheet")
    if post.min_level <= grade.level <= post.max_level:
        return None
    return (f"{candidate.display_name} is {candidate.grade} (level {grade.level}), outside "
            f"post {post.post}'s band {post.min_level}..{post.max_level}")


def r3_skills(problem: Problem, candidate: Candidate, post: Post) -> str | None:
    """R3 skills: the person has every skill the post requires. Says which are missing, or None."""
    held = {skill.casefold() for skill in candidate.skills}
    missing = [skill for skill in post.skills if skill.casefold() not in held]
    if not missing:
        return None
    return (f"{candidate.display_name} lacks {', '.join(missing)}, "
            f"which post {post.post} requires")


def r4_availability(problem: Problem, candidate: Candidate, post: Post) -> str | None:
    """R4 availability: the post is open to secondees and not in an area the person excludes."""
    if post.funding == "funded":
        return f"post {post.post} is directly funded, not open to secondees"
    if post.area in candidate.excluded_areas:
        return f"{candidate.display_name} has excluded {post.area}, the area of post {post.post}"
    return None


def r4_open_months(candidate: Candidate, post: Post) -> tuple[Month | None, Month | None]:
    """R4 availability: the first and last month (None = open) the person may hold the post."""
    firsts = [m for m in (candidate.available_from, post.start) if m is not None]
    lasts = [m for m in (candidate.available_to, post.end) if m is not None]
    return (max(firsts) if firsts else None, min(lasts) if lasts else None)


def restrict_domains(problem: Problem, relaxed: frozenset[str],
                     breaches: list[FixedBreach]) -> Domains:
    """Apply R2, R3 and R4 (unless relaxed): the months each pair may be chosen at all."""
    domains: Domains = {}
    checks: list[tuple[str, Misfit]] = [
        (rule, check) for rule, check in
        (("R2", r2_grade), ("R3", r3_skills), ("R4", r4_availability)) if rule not in relaxed]
    for p, candidate in enumerate(problem.candidates):
        for q, post in enumerate(problem.posts):
            if any(check(problem, candidate, post) for _, check in checks):
                continue
            months = problem.horizon
            if "R4" not in relaxed:
                months = _within(months, r4_open_months(candidate, post))
            if len(months):
                domains[(p, q)] = months
    if "R12" not in relaxed:  # relaxing R12 drops the Existing secondments altogether
        breaches.extend(_existing_misfits(problem, checks, check_months="R4" not in relaxed))
    return domains


def _within(months: range, bounds: tuple[Month | None, Month | None]) -> range:
    first, last = bounds
    low = months.start if first is None else max(months.start, first)
    high = months.stop - 1 if last is None else min(months.stop - 1, last)
    return month_range(low, high)


def _existing_misfits(problem: Problem, checks: list[tuple[str, Misfit]],
                      check_months: bool) -> list[FixedBreach]:
    """Existing secondments that break R2, R3 or R4 (they are kept, so no plan can exist)."""
    found: list[FixedBreach] = []
    for stint in problem.existing:
        candidate = problem.candidate_by_person.get(stint.person)
        post = problem.post_by_id.get(stint.post)
        if candidate is None or post is None:
            continue  # R12 reports an Existing secondment that names no known person or post
        where = _describe_existing(candidate, stint)
        for rule, check in checks:
            reason = check(problem, candidate, post)
            if reason:
                found.append(FixedBreach(rule, f"{where}: {reason}"))
        if check_months:
            first, last = r4_open_months(candidate, post)
            if (first is not None and stint.start < first) or (
                    last is not None and stint.end > last):
                found.append(FixedBreach("R4", f"{where} runs outside the months open to it "
                                               f"({_describe_bounds(first, last)})"))
    return found


def _describe_existing(candidate: Candidate, stint: Secondment) -> str:
    return (f"the existing secondment of {candidate.display_name} in post {stint.post} "
            f"({format_span(stint.start, stint.end)})")


def _describe_bounds(first: Month | None, last: Month | None) -> str:
    start = format_month(first) if first is not None else "open"
    end = format_month(last) if last is not None else "open"
    return f"{start} to {end}"
