"""The CP-SAT model and the lexicographic search: ``solve(problem, options) -> SolveResult``."""

from rotation.solver.options import Progress, SolveOptions
from rotation.solver.solve import solve

__all__ = ["Progress", "SolveOptions", "solve"]
