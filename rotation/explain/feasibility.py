"""Whether any plan at all exists: a search for one plan, with no goal."""

from __future__ import annotations

from ortools.sat.python import cp_model

from rotation.domain import Problem
from rotation.solver.interrupt import new_solver
from rotation.solver.model import build_model


def plan_exists(problem: Problem, seconds: float, workers: int = 0) -> bool | None:
    """True if some plan keeps every rule, False if none can, None if not known in time."""
    built = build_model(problem)
    if built.breaches:
        return False
    cp = built.model.cp
    cp.clear_objective()
    solver = new_solver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    solver.parameters.stop_after_first_solution = True
    status = solver.solve(cp)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return True
    return False if status == cp_model.INFEASIBLE else None
