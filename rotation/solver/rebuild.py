"""A hand plan rebuilt in parts: some secondments taken out, the gaps filled again by hand.

Where budgets are scarce the search rarely improves on the best hand plan in the time a
large problem gives it (on the generated tight 20-post instances CP-SAT's cover stage found
no better cover than the thrifty hand plans in 20 s). What a planner with a pencil would do
next works better there: rub out part of the plan and fill it in again another way, keeping
the new version when it is no worse (ruin and recreate, a large-neighbourhood search with
the hand planner as the repair). Each round takes out either some of one agency's
secondments (freeing its budget for cheaper or better-placed staff) or every secondment of a
few posts that touches a stretch of months, keeps the rest as if agreed, and fills the plan
again by hand in a random order or the thrifty one (see ``greedy.thrifty``).

Every round counts the hand planner's steps (``greedy.Effort``), not seconds, so the same
rounds are made on any machine and the plan repeats. Each better plan is checked against
every rule by the independent checker before it is kept.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from rotation.checker import plan_breaches
from rotation.domain import Problem, Secondment
from rotation.plan import GoalTerms
from rotation.solver.domains import Domains, restrict_domains
from rotation.solver.goals import balance_value, goal_terms
from rotation.solver.greedy import Effort, greedy_plan, random_order, thrifty

AGENCY_SHARE = 0.6
"""In a round that takes out one agency's secondments (the agency of one of the plan's new
secondments, drawn at random), the chance each of them goes (at least one does). Measured
on the generated tight 20-post instance (seed 1, 20 s): rounds of one agency alone took the
best hand plan from 92 vacant post-months to 84, rounds of stretches of posts alone to 87."""

MOST_TAKEN_OUT = 12
"""At most this many secondments are taken out in a round (a random choice of those the
round would take). Measured on the generated tight 20-post instance (seed 1, the steps of
15 % of a 30 s limit): 92 -> 84 vacant post-months, where rounds with no such cap reached
87 (one agency's 60 % is 9 or so secondments there, but 25 or more on 60 posts)."""

STRETCH_MONTHS = (6, 24)
"""The shortest and longest stretch of months a round of a few posts takes out."""

POST_SHARES = (0.2, 0.6)
"""The least and most of the posts a round of a stretch of months takes out."""


@dataclass(frozen=True)
class Rebuilt:
    """A plan better than the one before, its goals and the round that made it."""

    secondments: tuple[Secondment, ...]
    goals: GoalTerms
    round: int


def rank(problem: Problem, goals: GoalTerms) -> tuple[int, float, int, float]:
    """The goals in priority order (lower is better): the cover, the direct cost of funded
    officers (the same for every plan where no post may be ``either`` seconded or funded),
    the pledges, the balance."""
    return (goals.vacant_post_months, goals.direct_cost, goals.pledge_shortfall_months,
            balance_value(problem.settings, goals))


def rebuilt_plans(problem: Problem, plan: tuple[Secondment, ...], seed: int, steps: int,
                  effort: Effort | None = None, domains: Domains | None = None
                  ) -> Iterator[Rebuilt]:
    """Each better plan found by rebuilding ``plan`` in parts, until the hand planner has
    taken ``steps`` (added to ``effort``) or no vacant month and no pledged month short is
    left. Plans no worse than the best so far replace it silently (the search may move
    along equally good plans); only strictly better ones are yielded, each checked against
    every rule first. ``domains``: the months each pair may have under R2-R4, when already
    worked out."""
    effort = effort if effort is not None else Effort()
    rng = random.Random(seed)
    agreed = list(problem.existing)
    agency_of = {c.person: c.agency for c in problem.candidates}
    posts = [post.post for post in problem.posts]
    first, months = problem.settings.horizon_start, problem.settings.horizon_months
    best = plan
    best_goals = goal_terms(problem, plan)
    best_rank = rank(problem, best_goals)
    keep = {(s.person, s.post, s.start, s.end) for s in agreed}
    if domains is None:  # (they do not depend on agreed secondments)
        domains = restrict_domains(problem, frozenset(), [])
    start = effort.steps
    count = 0
    while effort.steps - start < steps and best_rank[:2] != (0, 0):
        count += 1
        new = [s for s in best if not s.existing]
        if not new:
            return  # nothing to take out
        if rng.random() < 0.5:
            agency = agency_of.get(rng.choice(new).person)
            theirs = [s for s in new if agency_of.get(s.person) == agency]
            gone = {s for s in theirs if rng.random() < AGENCY_SHARE} or {rng.choice(theirs)}
        else:
            length = rng.randint(*STRETCH_MONTHS)
            begin = first + rng.randrange(max(1, months - length + 1))
            share = rng.uniform(*POST_SHARES)
            chosen = set(rng.sample(posts, max(1, round(share * len(posts)))))
            gone = {s for s in new if s.post in chosen
                    and s.start < begin + length and s.end >= begin}
            if not gone:
                gone = {rng.choice(new)}
        if len(gone) > MOST_TAKEN_OUT:
            gone = set(rng.sample(sorted(gone, key=lambda s: (s.post, s.start, s.person)),
                                  MOST_TAKEN_OUT))
        draw = [rng.random() for _ in problem.candidates]
        kept = [s.model_copy(update={"existing": True}) for s in new if s not in gone]
        part = problem.model_copy(update={"existing": (*agreed, *kept)})
        ranking = thrifty(part, draw) if rng.random() < 0.5 else random_order(draw)
        filled = greedy_plan(part, ranking, domains, stagger=True, effort=effort)
        candidate = tuple(s if (s.person, s.post, s.start, s.end) in keep
                          else s.model_copy(update={"existing": False}) for s in filled)
        goals = goal_terms(problem, candidate)
        candidate_rank = rank(problem, goals)
        if candidate_rank > best_rank:
            continue
        if candidate_rank == best_rank:
            best, best_goals = candidate, goals  # as good: move on from it
            continue
        if plan_breaches(problem, candidate):
            continue  # never expected: the hand planner keeps every rule
        best, best_goals, best_rank = candidate, goals, candidate_rank
        yield Rebuilt(best, best_goals, count)

