"""Baseline (a): the plan a planner makes by hand, first come first served.

The rule itself lives in ``rotation.solver.greedy`` (the solver also uses it as its warm
start); this module times it the way the benchmark times every engine.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from rotation.domain import Problem, Secondment
from rotation.solver.greedy import greedy_plan


@dataclass
class GreedyResult:
    """The hand planner's plan and how long it took to make."""

    secondments: tuple[Secondment, ...]
    seconds: float


def solve_greedy(problem: Problem) -> GreedyResult:
    """Fill each post month by month with the first eligible available candidate."""
    started = time.monotonic()
    plan = greedy_plan(problem)
    return GreedyResult(plan, time.monotonic() - started)
