"""The goal terms of SPEC.md section 4, recomputed from a plan alone."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from rotation.checker.facts import (
    candidate_of,
    monthly_cost_pence,
    months_in_horizon,
    post_of,
    vacant_months,
    well_formed,
)
from rotation.checker.post_rules import handovers
from rotation.domain import FundedStretch, Problem, Secondment
from rotation.funded_posts import direct_cost, funded_month_count, funded_months
from rotation.plan import GoalTerms


def goal_terms(problem: Problem, secondments: Sequence[Secondment],
               previous: Sequence[Secondment] = (), *,
               funded: Sequence[FundedStretch] = ()) -> GoalTerms:
    """Every goal term of the plan (Existing secondments included), over the horizon only.

    ``changed_months`` is counted against ``previous``, the plan being replanned (0 if none).
    ``funded`` lists the plan's funded stretches: a month a funded officer holds is not vacant.
    """
    plan = well_formed(secondments)
    return GoalTerms(
        vacant_post_months=vacant_post_months(problem, plan, funded),
        pledge_shortfall_months=pledge_shortfall_months(problem, plan),
        preference_penalty=preference_penalty(problem, plan),
        travel_minutes=travel_minutes(problem, plan),
        backfill_cost=backfill_cost(problem, plan),
        handovers=sum(1 for _outgoing, incoming in handovers(problem, plan)
                      if incoming.start in problem.horizon),
        changed_months=changed_months(problem, plan, well_formed(previous)),
        funded_months=funded_month_count(problem, funded),
        direct_cost=direct_cost(problem, funded),
    )


def changed_months(problem: Problem, secondments: Sequence[Secondment],
                   previous: Sequence[Secondment]) -> int:
    """Person-months in the horizon in which someone holds other posts (or none) than before."""
    def posts_held(plan: Sequence[Secondment]) -> dict[tuple[str, int], set[str]]:
        held: dict[tuple[str, int], set[str]] = defaultdict(set)
        for secondment in plan:
            for month in months_in_horizon(problem, secondment):
                held[(secondment.person, month)].add(secondment.post)
        return held

    if not previous:
        return 0
    now, before = posts_held(secondments), posts_held(previous)
    return sum(1 for key in now.keys() | before.keys() if now.get(key) != before.get(key))


def vacant_post_months(problem: Problem, secondments: Sequence[Secondment],
                       funded: Sequence[FundedStretch] = ()) -> int:
    """Months in which a post open to secondees exists but neither a secondee nor a funded
    officer holds it."""
    by_funding = funded_months(problem, funded)
    return sum(len(set(vacant_months(problem, post, secondments))
                   - by_funding.get(post.post, set()))
               for post in problem.seconded_posts())


def pledge_shortfall_months(problem: Problem, secondments: Sequence[Secondment]) -> int:
    """Secondee-months the agencies pledged but the plan does not take up."""
    months_by_agency: dict[str, int] = defaultdict(int)
    for secondment in secondments:
        candidate = candidate_of(problem, secondment)
        if candidate is not None:
            months_by_agency[candidate.agency] += len(months_in_horizon(problem, secondment))
    return sum(max(0, agency.pledged_months - months_by_agency[agency.agency])
               for agency in problem.agencies if agency.pledged_months is not None)


def preference_penalty(problem: Problem, secondments: Sequence[Secondment]) -> int:
    """Rank-months: how far down each secondee's list the post's area is, per month."""
    total = 0
    for secondment in secondments:
        candidate = candidate_of(problem, secondment)
        post = post_of(problem, secondment)
        if candidate is not None and post is not None:
            months = len(months_in_horizon(problem, secondment))
            total += problem.preference_penalty(candidate, post.area) * months
    return total


def travel_minutes(problem: Problem, secondments: Sequence[Secondment]) -> int:
    """One-way minute-months from secondees' home areas to their posts (unknown pairs count 0)."""
    total = 0
    for secondment in secondments:
        candidate = candidate_of(problem, secondment)
        post = post_of(problem, secondment)
        if candidate is None or post is None or not candidate.home_area:
            continue
        minutes = problem.travel_minutes(candidate.home_area, post.area) or 0
        total += minutes * len(months_in_horizon(problem, secondment))
    return total


def backfill_cost(problem: Problem, secondments: Sequence[Secondment]) -> float:
    """Pounds the agencies spend backfilling their secondees over the horizon."""
    pence = 0
    for secondment in secondments:
        monthly = monthly_cost_pence(problem, secondment.person)
        if monthly is not None:
            pence += monthly * len(months_in_horizon(problem, secondment))
    return pence / 100
