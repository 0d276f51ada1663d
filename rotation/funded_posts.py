"""Directly funded officers: which months they hold a post and what they cost.

Shared by the solver, the checker and the plan sheets, so that all three count the same way
(nothing here knows about OR-Tools or workbooks).

- A ``funded`` post has a funded officer in every month of its existence inside the horizon,
  whether or not the plan lists a funded stretch for it.
- An ``either`` post has one only in the months of the plan's funded stretches.
- A funded officer's monthly cost is the monthly cost of the host agency's grade at the
  post's top level (``max_level``); if the host agency has no grade at that level, the
  dearest grade of any agency at that level; failing that, the dearest grade within the
  post's band. The host agency is Settings ``host_agency``, else HC if listed, else the
  first agency. Funded cost is paid from the central budget (R14), not by an agency.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rotation.domain import FundedStretch, Grade, Post, Problem
from rotation.months import Month, financial_year

FUNDABLE = ("funded", "either")
"""Funding choices under which a funded officer may hold the post (R13)."""

DEFAULT_HOST = "HC"


def host_agency(problem: Problem) -> str | None:
    """The agency whose grades price a funded officer, or None when no agency is listed."""
    if problem.settings.host_agency:
        return problem.settings.host_agency
    codes = [agency.agency for agency in problem.agencies]
    if DEFAULT_HOST in codes:
        return DEFAULT_HOST
    return codes[0] if codes else None


def pricing_grade(problem: Problem, post: Post) -> Grade | None:
    """The grade that prices a funded officer in ``post`` (see the module's rule), or None."""
    host = host_agency(problem)
    at_top = [g for g in problem.grades if g.level == post.max_level]
    hosted = [g for g in at_top if g.agency == host]
    in_band = [g for g in problem.grades if post.min_level <= g.level <= post.max_level]
    for choice in (hosted, at_top, in_band):
        if choice:
            # Dearest first; ties broken by the grades' order on the sheet (stable max).
            return max(choice, key=lambda g: g.monthly_cost)
    return None


def funded_monthly_pence(problem: Problem, post: Post) -> int:
    """A funded officer's monthly cost in ``post``, in pence (0 when no grade prices it)."""
    grade = pricing_grade(problem, post)
    return 0 if grade is None else round(grade.monthly_cost * 100)


def is_fundable(post: Post) -> bool:
    """Whether a funded officer may hold the post (funding ``funded`` or ``either``)."""
    return post.funding in FUNDABLE


def implied_stretches(problem: Problem) -> list[FundedStretch]:
    """One stretch per ``funded`` post: every month of its existence inside the horizon."""
    stretches = []
    for post in problem.posts:
        months = problem.post_months(post)
        if post.funding == "funded" and len(months):
            stretches.append(FundedStretch(post=post.post, start=months[0], end=months[-1]))
    return stretches


def funded_months(problem: Problem, stretches: Iterable[FundedStretch]
                  ) -> dict[str, set[Month]]:
    """Per post id, the horizon months a funded officer holds it.

    ``funded`` posts count every month of their existence; ``either`` posts the months of
    their stretches that fall inside the post's existence. Stretches on posts not open to
    funding count for nothing (R13 reports them).
    """
    months: dict[str, set[Month]] = defaultdict(set)
    for post in problem.posts:
        if post.funding == "funded":
            months[post.post].update(problem.post_months(post))
    for stretch in stretches:
        either = problem.post_by_id.get(stretch.post)
        if either is None or either.funding != "either":
            continue
        months[either.post].update(m for m in problem.post_months(either) if stretch.covers(m))
    return dict(months)


def direct_cost_pence_by_year(problem: Problem, stretches: Iterable[FundedStretch]
                              ) -> dict[int, int]:
    """Funded officers' cost in pence per financial year the horizon touches (0 if none)."""
    costs = dict.fromkeys(problem.financial_years(), 0)
    for post_id, months in funded_months(problem, stretches).items():
        pence = funded_monthly_pence(problem, problem.post_by_id[post_id])
        for month in months:
            costs[financial_year(month)] += pence
    return costs


def direct_cost(problem: Problem, stretches: Iterable[FundedStretch]) -> float:
    """Funded officers' cost in pounds over the horizon."""
    return sum(direct_cost_pence_by_year(problem, stretches).values()) / 100


def funded_month_count(problem: Problem, stretches: Iterable[FundedStretch]) -> int:
    """Post-months held by a funded officer inside the horizon."""
    return sum(len(months) for months in funded_months(problem, stretches).values())


def stretches_from_months(post: str, months: Iterable[Month]) -> list[FundedStretch]:
    """Consecutive funded months of one post as stretches, earliest first."""
    stretches: list[FundedStretch] = []
    for month in sorted(set(months)):
        if stretches and stretches[-1].end == month - 1:
            stretches[-1] = stretches[-1].model_copy(update={"end": month})
        else:
            stretches.append(FundedStretch(post=post, start=month, end=month))
    return stretches
