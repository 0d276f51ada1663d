"""How a solve is run, and what it reports while it searches."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SolveOptions:
    """Search settings. ``workers`` 0 means one per processor core."""

    time_limit: float = 60.0
    seed: int = 0
    workers: int = 0


@dataclass(frozen=True)
class Progress:
    """A snapshot of the search, sent each time a better plan is found.

    ``goal`` names the goal tier being optimised (``cover``, ``pledges`` or ``balance``),
    ``value`` is that tier's best value so far and ``bound`` the best proven bound on it.
    """

    goal: str
    stage: int
    stages: int
    value: float
    bound: float
    elapsed: float
    time_left: float
