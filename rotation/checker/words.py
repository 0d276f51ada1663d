"""How the checker names people, agencies, secondments, months and money in its messages."""

from __future__ import annotations

from collections.abc import Iterable

from rotation.domain import Post, Problem, Secondment
from rotation.months import Month, format_month, format_span


def person_name(problem: Problem, person: str) -> str:
    """The person's name as the Candidates sheet gives it, or the id of an unknown person."""
    candidate = problem.candidate_by_person.get(person)
    return candidate.display_name if candidate is not None else person


def people_names(problem: Problem, people: Iterable[str]) -> str:
    """``Person 3, Person 8`` for a set of person ids, in a stable order."""
    names = sorted({person_name(problem, person) for person in people})
    return ", ".join(names)


def agency_name(problem: Problem, code: str) -> str:
    """The agency's name, or its code when it has no name or is not on the Agencies sheet."""
    agency = problem.agency_by_code.get(code)
    return agency.name if agency is not None and agency.name else code


def span(first: Month, last: Month) -> str:
    """``2027-04..2027-09``, or one month."""
    return format_span(first, last)


def held(problem: Problem, secondment: Secondment) -> str:
    """``Person A in post P1 (2027-04..2027-09)``."""
    return (f"{person_name(problem, secondment.person)} in post {secondment.post} "
            f"({format_span(secondment.start, secondment.end)})")


def holder(problem: Problem, secondment: Secondment) -> str:
    """``Person A 2027-04..2027-09`` (the post is already named)."""
    name = person_name(problem, secondment.person)
    return f"{name} {format_span(secondment.start, secondment.end)}"


def month_count(months: int) -> str:
    """``1 month`` or ``3 months``."""
    return f"{months} month" if months == 1 else f"{months} months"


def pounds(pence: int | float) -> str:
    """``£3,800.00`` for 380000 pence."""
    return f"£{pence / 100:,.2f}"


def level_band(post: Post) -> str:
    """``5`` or ``5–6``: the grade levels a post takes."""
    if post.min_level == post.max_level:
        return str(post.min_level)
    return f"{post.min_level}–{post.max_level}"


def window(first: Month | None, last: Month | None) -> str:
    """``from 2027-06``, ``until 2028-01`` or ``2027-06..2028-01`` for an optional range."""
    if first is not None and last is not None:
        return format_span(first, last)
    if first is not None:
        return f"from {format_month(first)}"
    if last is not None:
        return f"until {format_month(last)}"
    return "at any time"


def listing(parts: list[str], last_joiner: str = "and") -> str:
    """``a, b and c``."""
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {last_joiner} {parts[-1]}"
