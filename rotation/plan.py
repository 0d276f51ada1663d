"""A solved plan: its secondments, its goal terms and how the search ended."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from rotation.domain import FundedStretch, Secondment

Status = Literal["OPTIMAL", "FEASIBLE", "INFEASIBLE", "UNKNOWN"]


class GoalTerms(BaseModel):
    """The value of every goal of SPEC.md section 4 for one plan.

    ``preference_penalty`` is in rank-months (0 = everyone in their first choice),
    ``travel_minutes`` in one-way minute-months, ``backfill_cost`` in pounds over the horizon.
    ``changed_months`` counts person-months that differ from a previous plan (0 when there
    is none: see ``rotation.changes.changed_months``). ``funded_months`` and ``direct_cost``
    (pounds over the horizon, paid from the central budget) count directly funded officers:
    every month of a ``funded`` post and the funded stretches of ``either`` posts.
    """

    model_config = ConfigDict(frozen=True)

    vacant_post_months: int
    pledge_shortfall_months: int
    preference_penalty: int
    travel_minutes: int
    backfill_cost: float
    handovers: int
    changed_months: int = 0
    funded_months: int = 0
    direct_cost: float = 0.0


class SolveResult(BaseModel):
    """What a solve returns. Infeasible and unknown are statuses, not exceptions."""

    model_config = ConfigDict(frozen=True)

    status: Status
    secondments: tuple[Secondment, ...] = ()
    # Directly funded officers: every ``funded`` post's months and the ``either`` stretches.
    funded: tuple[FundedStretch, ...] = ()
    # Goal tiers (``cover``, ``funding``, ``pledges``, ...) whose value is proven optimal.
    proven_goals: tuple[str, ...] = ()
    goals: GoalTerms | None = None
    objective: float | None = None
    best_bound: float | None = None
    # Vacant post-months no plan of the whole problem can go below (large problems only).
    vacancy_floor: int | None = None
    solve_seconds: float = 0.0
    build_seconds: float = 0.0
    seed: int = 0
    workers: int = 0
    time_limit: float = 0.0
    conflicts: tuple[str, ...] = ()
    # True when the planner stopped the search (Ctrl-C): the plan, if any, is the best so far.
    interrupted: bool = False
    # True when the deterministic search ran (same input, seed and version: same plan).
    reproducible: bool = False
    # Set when a large problem was planned on a shortlist of person-post pairs: what was done.
    shortlist: str | None = None

    @property
    def has_plan(self) -> bool:
        return self.status in ("OPTIMAL", "FEASIBLE")


class Breach(BaseModel):
    """One broken hard rule, in words a planner understands."""

    model_config = ConfigDict(frozen=True)

    rule: str
    message: str
    # Who and what the breach is about, for tools that point back at input rows.
    people: tuple[str, ...] = ()
    posts: tuple[str, ...] = ()

    def __str__(self) -> str:
        from rotation.rules import rule_title

        return f"{rule_title(self.rule)}: {self.message}"


class Vacancy(BaseModel):
    """An unbroken run of months in which a post that should be filled has no holder."""

    model_config = ConfigDict(frozen=True)

    post: str
    first: int
    last: int
    reason: str = ""

    @property
    def months(self) -> int:
        return self.last - self.first + 1


class CheckReport(BaseModel):
    """What the independent checker found: every breach, every vacancy and the goal terms."""

    model_config = ConfigDict(frozen=True)

    breaches: tuple[Breach, ...]
    vacancies: tuple[Vacancy, ...]
    goals: GoalTerms

    @property
    def ok(self) -> bool:
        return not self.breaches
