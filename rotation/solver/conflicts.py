"""Why no plan exists, in words a planner can act on.

A plan with no new secondments keeps every rule unless the Existing secondments break one,
so infeasibility always involves them. Most often they break a rule on their own: the
model spots that while it is built (a fixed breach) and names the rule, the people, the post
and the month. Otherwise the search proved it; then ``rotation.explain`` names the conflicts
among the Existing secondments with a minimal set of them each and, where that may not be
the whole story, each rule family is dropped in turn and re-solved briefly, and the families
whose removal lets a plan exist are named.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from ortools.sat.python import cp_model

from rotation.domain import Problem
from rotation.explain import BRIDGEABLE, find_conflicts
from rotation.rules import RULES, rule_title
from rotation.solver.context import FixedBreach
from rotation.solver.interrupt import new_solver
from rotation.solver.model import build_model
from rotation.solver.options import SolveOptions

MAX_LINES = 20
"""At most this many conflict lines are listed; the rest are counted."""

SECONDS_PER_RULE = 2.0
"""Time for each re-solve with one rule family dropped."""

MIN_EXPLAIN_SECONDS = 5.0
"""The explanation may use this long even when the search used up the time limit."""


def describe_breaches(breaches: Sequence[FixedBreach]) -> tuple[str, ...]:
    """One line per rule the Existing secondments break, ``R8 backfill limit: ...``."""
    lines = list(dict.fromkeys(f"{rule_title(b.rule)}: {b.message}" for b in breaches))
    if len(lines) > MAX_LINES:
        hidden = len(lines) - MAX_LINES
        lines = [*lines[:MAX_LINES], f"... and {hidden} more like these"]
    return tuple(lines)


def explain_infeasibility(problem: Problem, options: SolveOptions, workers: int,
                          deadline: float) -> tuple[str, ...]:
    """The conflicts among the fixed secondments, then the rule families to blame.

    ``rotation.explain.find_conflicts`` names each rule the Existing secondments cannot all
    keep, with a minimal set of them. Only R6 can be mended by adding a secondment (one that
    bridges two agreed ones), so when it is named, or nothing is, the rule families whose
    removal alone lets a plan exist are named too.
    """
    found = find_conflicts(problem)
    lines = found.lines()
    if found.conflicts and all(c.rule not in BRIDGEABLE for c in found.conflicts):
        return tuple(lines)
    return (*lines, *_culprit_families(problem, options, workers, deadline))


def _culprit_families(problem: Problem, options: SolveOptions, workers: int,
                      deadline: float) -> tuple[str, ...]:
    """The rule families whose removal alone would let a plan exist."""
    stop = max(deadline, time.monotonic() + MIN_EXPLAIN_SECONDS)
    culprits: list[str] = []
    unchecked: list[str] = []
    for rule in RULES:
        left = stop - time.monotonic()
        if left <= 0.05:
            unchecked.append(rule)
            continue
        built = build_model(problem, frozenset({rule}))
        if built.breaches:
            continue  # still impossible without this rule
        solver = new_solver()
        solver.parameters.max_time_in_seconds = min(SECONDS_PER_RULE, left)
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = options.seed
        solver.parameters.stop_after_first_solution = True
        built.model.cp.clear_objective()
        status = solver.solve(built.model.cp)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            culprits.append(rule)
        elif status == cp_model.UNKNOWN:
            unchecked.append(rule)
    lines = [f"{rule_title(rule)}: {_why(rule)}" for rule in culprits]
    if not culprits:
        lines.append("No single rule is to blame: several rules together conflict with the "
                     "existing secondments.")
    if unchecked:
        lines.append("Not checked for lack of time: "
                     + ", ".join(rule_title(rule) for rule in unchecked) + ".")
    return tuple(lines)


def _why(rule: str) -> str:
    """Why a rule family is named: dropping it alone lets a plan exist."""
    if rule == "R12":
        return "the existing secondments are part of the conflict; without them a plan exists"
    return "the existing secondments cannot all be kept under this rule; without it a plan exists"
