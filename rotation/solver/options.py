"""How a solve is run, and what it reports while it searches."""

from __future__ import annotations

from dataclasses import dataclass

from rotation.domain import Secondment


@dataclass(frozen=True)
class SolveOptions:
    """Search settings. ``workers`` 0 means one per processor core.

    ``previous`` is the plan being replanned (SPEC.md section 6): when given, the search
    starts from it and keeps as much of it as the higher goals allow (the stability goal).
    ``reproducible`` (the default) runs CP-SAT's deterministic interleaved search with the
    time limit counted in deterministic work units: the same input, seed and version give
    the same plan, at the cost of a slower search (see README "Reproducible runs").
    """

    time_limit: float = 60.0
    seed: int = 0
    workers: int = 0
    previous: tuple[Secondment, ...] = ()
    reproducible: bool = True


@dataclass(frozen=True)
class Progress:
    """A snapshot of the search, sent each time a better plan is found.

    ``goal`` names the goal tier being optimised (``cover``, ``pledges`` or ``balance``),
    ``value`` is that tier's best value so far and ``bound`` the best proven bound on it.
    Stage 0 (of 0) is the starting plan, the hand planner's, sent before the model is built.
    """

    goal: str
    stage: int
    stages: int
    value: float
    bound: float
    elapsed: float
    time_left: float
