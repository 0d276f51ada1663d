"""Solving while noting which searches ran, for tests of which goals are searched and how."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from rotation.solver import SolveOptions, solve
from rotation.solver.options import Progress

solve_module = importlib.import_module("rotation.solver.solve")


def searches(monkeypatch: pytest.MonkeyPatch, problem: Any, *, second_opinion: bool = False,
             time_limit: float = 10) -> tuple[Any, list[tuple[str, Any]]]:
    """Solve (``time_limit`` seconds, 2 workers), noting each CP-SAT search's goal and the
    model it searched.

    The goal is "restricted" for the search among the pairs a linear relaxation uses, which
    reports no progress of its own. Unless ``second_opinion``, the whole-secondment
    relaxation (``secondment_mip``) is switched off, so that every goal not settled by its
    starting plan is CP-SAT's to search.
    """
    if not second_opinion:
        monkeypatch.setattr(solve_module, "MIP_GOALS", ())
    noted: list[tuple[str, Any]] = []
    real = solve_module.solve_interruptibly

    def noting(solver: Any, cp: Any, reporter: Any = None) -> Any:
        noted.append((reporter.tier.goal if reporter else "restricted", cp))
        return real(solver, cp, reporter)

    monkeypatch.setattr(solve_module, "solve_interruptibly", noting)
    seen: list[Progress] = []
    result = solve(problem, SolveOptions(time_limit=time_limit, workers=2), seen.append)
    return result, noted


def searched_goals(monkeypatch: pytest.MonkeyPatch, problem: Any, *,
                   second_opinion: bool = False, time_limit: float = 10
                   ) -> tuple[Any, list[str]]:
    """Solve as ``searches`` does, noting only the goal of every search that ran."""
    result, noted = searches(monkeypatch, problem, second_opinion=second_opinion,
                             time_limit=time_limit)
    return result, [goal for goal, _ in noted]


def solve_stopping_at_hand_plan(monkeypatch: pytest.MonkeyPatch, problem: Any,
                                plan: tuple[Any, ...]) -> Any:
    """Solve (5 s, one worker) with ``plan`` as the hand plan and a search that stops at
    once with it: what the answer makes of a plan the search had no time to improve."""
    monkeypatch.setattr(solve_module, "_hand_plan",
                        lambda problem_, options: solve_module.HandPlan.of(problem_, plan))
    monkeypatch.setattr(solve_module._Stages, "run",
                        lambda self: solve_module._Outcome(solution=self.hint))
    return solve(problem, SolveOptions(time_limit=5, workers=1))
