"""Large problems: consider each candidate for their best-matched posts only.

The model has variables for every (person, post) pair and month that R2–R4 allow. For the
Highland team that is a few thousand; a scheme where anyone may fill any of 20 posts has
fifty thousand, and a national one with 60 posts hundreds of thousands: more than the
search can handle in the memory and time a planner has. Above
``PAIR_MONTH_BUDGET`` allowed pair-months, each candidate keeps only their best-matched
posts (lowest preference and travel per month, the balance goal's own measure), as many as
fit the budget, and each post keeps its best-matched candidates whoever they rank first, so
that no post loses its field. Pairs the hand planner's plan or the previous plan use are
always kept, so the search starts from a plan inside the shortlist.

A shortlisted plan keeps every rule, but it is the best found among the shortlisted pairs,
so it is never reported as proven optimal.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from rotation.domain import Problem
from rotation.solver.domains import Domains, Pair

PAIR_MONTH_BUDGET = 30_000
"""Allowed pair-months above which the model is built on a shortlist. Measured on the
generated M (52,000 pair-months) and L (650,000) instances: the whole M model found 25
vacant post-months in 30 s, its 30,000 shortlist 9; L (which cannot be modelled whole in
2 GB) found 87-92 at 30,000 and 83 at 20,000, in 1.3-1.6 GB."""

CANDIDATES_PER_POST = 8
"""Each post keeps at least this many of its best-matched candidates (fewer only when one
post per candidate is still too many)."""


@dataclass(frozen=True)
class Shortlist:
    """How the pairs were cut down: each candidate's best ``posts_per_candidate`` posts, each
    post's best ``candidates_per_post`` candidates, and how many pairs that kept in all."""

    posts_per_candidate: int
    candidates_per_post: int
    pairs_kept: int
    pairs_allowed: int

    def sentence(self) -> str:
        """What was done, for the planner."""
        return (f"large problem: each candidate was considered for their "
                f"{self.posts_per_candidate} best-matched posts and each post for its "
                f"{self.candidates_per_post} best-matched candidates (by area preference and "
                f"travel; {self.pairs_kept:,} of {self.pairs_allowed:,} person-post pairs), "
                "so the plan is not proven optimal")


def shortlist_domains(problem: Problem, domains: Domains, keep: Collection[Pair] = (),
                      budget: int | None = None) -> tuple[Domains, Shortlist | None]:
    """``domains`` cut down to fit ``budget`` pair-months (``PAIR_MONTH_BUDGET`` unless
    given), or unchanged (None) if they fit."""
    budget = PAIR_MONTH_BUDGET if budget is None else budget
    if not too_large(domains, budget):
        return domains, None
    rate = {pair: pair_rate(problem, pair) for pair in domains}
    by_person: dict[int, list[Pair]] = defaultdict(list)
    by_post: dict[int, list[Pair]] = defaultdict(list)
    for pair in sorted(domains, key=lambda pair: (rate[pair], pair)):
        by_person[pair[0]].append(pair)
        by_post[pair[1]].append(pair)
    kept_anyway = {pair for pair in keep if pair in domains}
    most = max(len(pairs) for pairs in by_person.values())
    # Fewer posts per candidate first; at one each, fewer candidates per post.
    steps = [(posts, CANDIDATES_PER_POST) for posts in range(most, 0, -1)]
    steps += [(1, field) for field in range(CANDIDATES_PER_POST - 1, 0, -1)]
    chosen: set[Pair] = set()
    for posts, field in steps:
        chosen = kept_anyway.union(*(pairs[:posts] for pairs in by_person.values()),
                                   *(pairs[:field] for pairs in by_post.values()))
        if sum(len(domains[pair]) for pair in chosen) <= budget:
            break
    kept = {pair: domains[pair] for pair in sorted(chosen)}
    return kept, Shortlist(posts, field, len(kept), len(domains))


def too_large(domains: Domains, budget: int | None = None) -> bool:
    """Whether the pairs' months pass ``budget`` (``PAIR_MONTH_BUDGET`` unless given), so
    that the model is built on a shortlist."""
    budget = PAIR_MONTH_BUDGET if budget is None else budget
    return sum(len(months) for months in domains.values()) > budget


def pair_rate(problem: Problem, pair: Pair) -> float:
    """The balance goal's preference and travel per month for the pair (cost is the person's)."""
    candidate = problem.candidates[pair[0]]
    area = problem.posts[pair[1]].area
    settings = problem.settings
    minutes = 0
    if candidate.home_area:
        minutes = problem.travel_minutes(candidate.home_area, area) or 0
    return (settings.weight_preference * problem.preference_penalty(candidate, area)
            + settings.weight_travel * minutes)
