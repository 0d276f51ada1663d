"""The goal terms of a plan, measured on its secondments (Existing ones included)."""

from __future__ import annotations

from collections.abc import Sequence

from rotation.changes import changed_months
from rotation.domain import FundedStretch, Problem, Secondment, Settings
from rotation.funded_posts import direct_cost, funded_month_count, funded_months
from rotation.plan import GoalTerms


def goal_terms(problem: Problem, secondments: Sequence[Secondment],
               previous: Sequence[Secondment] = (), *,
               funded: Sequence[FundedStretch] = ()) -> GoalTerms:
    """Every goal term of SPEC.md section 4, over months inside the horizon.

    ``changed_months`` is measured against ``previous`` (0 when replanning nothing); a month
    a funded officer holds (``funded``, and every month of a ``funded`` post) is not vacant.
    """
    first, last = problem.settings.horizon_start, problem.settings.horizon_end
    by_post: dict[str, list[Secondment]] = {}
    for secondment in secondments:
        by_post.setdefault(secondment.post, []).append(secondment)

    by_funding = funded_months(problem, funded)
    vacant = sum(1 for post in problem.posts if post.funding != "funded"
                 for t in problem.post_months(post)
                 if t not in by_funding.get(post.post, ())
                 and not any(s.covers(t) for s in by_post.get(post.post, ())))

    months_by_agency: dict[str, int] = {}
    preference = travel = pence = 0
    for secondment in secondments:
        candidate = problem.candidate_by_person.get(secondment.person)
        post = problem.post_by_id.get(secondment.post)
        if candidate is None or post is None:
            continue
        inside = max(0, min(secondment.end, last) - max(secondment.start, first) + 1)
        months_by_agency[candidate.agency] = months_by_agency.get(candidate.agency, 0) + inside
        preference += inside * problem.preference_penalty(candidate, post.area)
        if candidate.home_area:
            travel += inside * (problem.travel_minutes(candidate.home_area, post.area) or 0)
        grade = problem.grade_by_key.get((candidate.agency, candidate.grade))
        if grade is not None:
            pence += inside * round(grade.monthly_cost * 100)

    shortfall = sum(max(0, agency.pledged_months - months_by_agency.get(agency.agency, 0))
                    for agency in problem.agencies if agency.pledged_months is not None)
    handovers = sum(1 for group in by_post.values() for b in group
                    if first <= b.start <= last and any(
                        a is not b and a.start < b.start <= a.end + 1 for a in group))
    return GoalTerms(vacant_post_months=vacant, pledge_shortfall_months=shortfall,
                     preference_penalty=preference, travel_minutes=travel,
                     backfill_cost=pence / 100, handovers=handovers,
                     changed_months=changed_months(previous, secondments, problem.horizon)
                     if previous else 0,
                     funded_months=funded_month_count(problem, funded),
                     direct_cost=direct_cost(problem, funded))


def balance_value(settings: Settings, goals: GoalTerms) -> float:
    """The third goal tier: the weighted sum of preference, travel and cost."""
    return (settings.weight_preference * goals.preference_penalty
            + settings.weight_travel * goals.travel_minutes
            + settings.weight_cost * goals.backfill_cost)
