"""What every rule family works on: the CP-SAT model, its variables, and what cannot hold."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from rotation.domain import Problem, Settings
from rotation.solver.tally import Tally

if TYPE_CHECKING:
    from rotation.solver.variables import Variables


@dataclass(frozen=True)
class FixedBreach:
    """A rule that the fixed part of the plan (the Existing secondments) already breaks."""

    rule: str
    message: str


@dataclass
class SolverModel:
    """One problem as a CP-SAT model.

    ``relaxed`` names rule families left out on purpose (used to explain infeasibility).
    ``breaches`` collects the rules broken before any choice is made: if there is one, no
    plan exists and the search need not run.
    """

    problem: Problem
    cp: cp_model.CpModel
    variables: Variables
    relaxed: frozenset[str] = frozenset()
    breaches: list[FixedBreach] = field(default_factory=list)
    # (post index, month) -> 1 when a funded officer holds an ``either`` post (see ``funding``).
    funded: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    # (post index, month) -> 1 when a handover starts / no secondee holds the post (see
    # ``sequences``; only while R1 and R6 are in the model).
    handover: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    no_secondee: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)

    @property
    def settings(self) -> Settings:
        """The plan-wide settings."""
        return self.problem.settings

    def applies(self, rule: str) -> bool:
        """Whether rule family ``rule`` is part of this model."""
        return rule not in self.relaxed

    def at_most(self, tally: Tally, limit: int, rule: str, breach: str) -> None:
        """Require ``tally <= limit``; if no choice can meet it, record ``breach`` of ``rule``.

        ``breach`` is the planner's message for that case: the fixed part of ``tally`` (the
        Existing secondments) alone already exceeds ``limit``.
        """
        if tally.highest <= limit:
            return
        if tally.lowest > limit:
            self.breaches.append(FixedBreach(rule, breach))
            return
        self.cp.add(tally.expr() <= limit)

    def new_bool(self, name: str) -> cp_model.IntVar:
        """A fresh 0/1 variable."""
        return self.cp.new_bool_var(name)
