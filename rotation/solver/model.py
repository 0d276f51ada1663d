"""Build the CP-SAT model of a problem: domains, variables, rules, goal tiers."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from rotation.domain import Problem
from rotation.solver.constraints import add_constraints
from rotation.solver.context import FixedBreach, SolverModel
from rotation.solver.domains import restrict_domains
from rotation.solver.objective import GoalTier, goal_tiers
from rotation.solver.variables import create_variables


@dataclass
class BuiltModel:
    """The model of one problem, with its goal tiers, ready for the lexicographic stages."""

    model: SolverModel
    tiers: list[GoalTier]

    @property
    def breaches(self) -> list[FixedBreach]:
        """Rules the Existing secondments already break (no plan can exist if any)."""
        return self.model.breaches


def build_model(problem: Problem, relaxed: frozenset[str] = frozenset()) -> BuiltModel:
    """The model of ``problem`` with every rule family except those in ``relaxed``."""
    cp = cp_model.CpModel()
    breaches: list[FixedBreach] = []
    domains = restrict_domains(problem, relaxed, breaches)
    variables = create_variables(cp, problem, domains, relaxed)
    model = SolverModel(problem, cp, variables, relaxed, breaches)
    add_constraints(model)
    return BuiltModel(model, goal_tiers(model))
