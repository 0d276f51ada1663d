"""The rules about directly funded officers: R13 funded officer and R14 central budget.

A funded stretch is a directly funded officer in one post for a run of months. ``funded``
posts have one in every month of their existence whether or not the plan lists it (see
``rotation.funded_posts``); ``either`` posts only where the plan says.
"""

from __future__ import annotations

from collections.abc import Sequence

from rotation.checker.facts import BUDGET_TOLERANCE_POUNDS, spans, well_formed
from rotation.checker.words import held, month_count, pounds, span
from rotation.domain import FundedStretch, Problem, Secondment
from rotation.funded_posts import direct_cost_pence_by_year, funded_months, is_fundable
from rotation.months import financial_year, financial_year_label
from rotation.plan import Breach


def _breach(rule: str, stretch: FundedStretch, message: str) -> Breach:
    """A breach about one funded stretch: its post."""
    return Breach(rule=rule, message=message, posts=(stretch.post,))


def _where(stretch: FundedStretch) -> str:
    """``the funded officer in post P1 (2027-04..2027-09)``."""
    return f"the funded officer in post {stretch.post} ({span(stretch.start, stretch.end)})"


def check_r13_funded_officer(problem: Problem, secondments: Sequence[Secondment],
                             funded: Sequence[FundedStretch]) -> list[Breach]:
    """R13 funded officer: only in a post open to funding, while it exists, never alongside another.

    A funded officer and a secondee never hold one post in the same month: a secondee takes
    over from a funded officer (or the other way round) back to back, without the handover
    overlap, which is for secondees shadowing each other (R6).
    """
    breaches: list[Breach] = []
    settings = problem.settings
    ordered = sorted(funded, key=lambda s: (s.post, s.start, s.end))
    for stretch in ordered:
        post = problem.post_by_id.get(stretch.post)
        if post is None:
            breaches.append(_breach("R13", stretch, f"{_where(stretch)}: post {stretch.post} "
                                                    "is not on the Posts sheet"))
            continue
        if stretch.end < stretch.start:
            breaches.append(_breach("R13", stretch, f"{_where(stretch)} ends before it starts"))
            continue
        if not is_fundable(post):
            breaches.append(_breach("R13", stretch, (
                f"{_where(stretch)}: post {post.post} is for secondees only (funding "
                f"'{post.funding}'); set its funding to either to allow a funded officer")))
            continue
        outside = [m for m in range(stretch.start, stretch.end + 1)
                   if m not in problem.post_months(post)]
        for first, last in spans(outside):
            beyond = (first < settings.horizon_start or last > settings.horizon_end)
            where = "the horizon" if beyond else "the months the post exists"
            breaches.append(_breach("R13", stretch, (
                f"{_where(stretch)} runs in {span(first, last)}, outside {where}")))
    breaches += _overlapping_stretches(ordered)
    breaches += _alongside_secondees(problem, secondments, ordered)
    return breaches


def _overlapping_stretches(ordered: list[FundedStretch]) -> list[Breach]:
    """Two funded officers in one post at once."""
    breaches = []
    for index, first in enumerate(ordered):
        for second in ordered[index + 1:]:
            if second.post != first.post:
                break
            if second.start <= first.end and first.start <= second.end:
                breaches.append(_breach("R13", second, (
                    f"{_where(second)} overlaps another funded officer in the same post "
                    f"({span(first.start, first.end)}); a post has one funded officer at a "
                    "time")))
    return breaches


def _alongside_secondees(problem: Problem, secondments: Sequence[Secondment],
                         ordered: list[FundedStretch]) -> list[Breach]:
    """A secondee in an ``either`` post in a month a funded officer holds it.

    (A secondee in a ``funded`` post is an R4 availability breach already.)
    """
    breaches = []
    for stretch in ordered:
        post = problem.post_by_id.get(stretch.post)
        if post is None or post.funding != "either":
            continue
        for secondment in well_formed(secondments):
            if secondment.post != stretch.post:
                continue
            shared = range(max(stretch.start, secondment.start),
                           min(stretch.end, secondment.end) + 1)
            for first, last in spans(shared):
                breaches.append(Breach(rule="R13", posts=(post.post,),
                                       people=(secondment.person,), message=(
                    f"{_where(stretch)} and {held(problem, secondment)} both hold the post "
                    f"in {span(first, last)}; a secondee takes over from a funded officer "
                    "back to back, without an overlap")))
    return breaches


def check_r14_central_budget(problem: Problem, secondments: Sequence[Secondment],
                             funded: Sequence[FundedStretch]) -> list[Breach]:
    """R14 central budget: funded officers' cost in a financial year stays within the budget."""
    budget = problem.settings.central_budget
    if budget is None:
        return []
    breaches = []
    months = funded_months(problem, funded)
    for year, pence in direct_cost_pence_by_year(problem, funded).items():
        if pence / 100 <= budget + BUDGET_TOLERANCE_POUNDS:
            continue
        posts = sorted(post for post, held_months in months.items()
                       if any(_in_year(m, year) for m in held_months))
        detail = ", ".join(
            f"{post} {month_count(sum(1 for m in months[post] if _in_year(m, year)))}"
            for post in posts)
        breaches.append(Breach(rule="R14", posts=tuple(posts), message=(
            f"funded officers cost {pounds(pence)} in {financial_year_label(year)} ({detail}) "
            f"but the central budget is {pounds(round(budget * 100))} a year")))
    return breaches


def _in_year(month: int, year: int) -> bool:
    """Whether the month lies in the financial year starting in April of ``year``."""
    return financial_year(month) == year
