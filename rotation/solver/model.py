"""Build the CP-SAT model of a problem: domains, variables, rules, goal tiers."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from rotation.domain import Problem, Secondment
from rotation.solver.constraints import add_constraints
from rotation.solver.context import FixedBreach, SolverModel
from rotation.solver.domains import Pair, restrict_domains
from rotation.solver.funding import add_funding
from rotation.solver.objective import GoalTier, goal_tiers
from rotation.solver.shortlist import Shortlist, shortlist_domains
from rotation.solver.stability import hint_previous, stability_tier
from rotation.solver.variables import create_variables


@dataclass
class BuiltModel:
    """The model of one problem, with its goal tiers, ready for the lexicographic stages."""

    model: SolverModel
    tiers: list[GoalTier]
    shortlist: Shortlist | None = None  # a large problem was built on a shortlist of pairs

    @property
    def breaches(self) -> list[FixedBreach]:
        """Rules the Existing secondments already break (no plan can exist if any)."""
        return self.model.breaches


def build_model(problem: Problem, relaxed: frozenset[str] = frozenset(),
                previous: Sequence[Secondment] = (), *,
                shortlist_keeping: Collection[Pair] | None = None) -> BuiltModel:
    """The model of ``problem`` with every rule family except those in ``relaxed``.

    With a ``previous`` plan, the stability goal joins the tiers just before the balance
    (see ``stability``), and the search is hinted to start from that plan. With
    ``shortlist_keeping`` (pairs to keep whatever happens), a problem too large to model
    whole is built on a shortlist of pairs (see ``shortlist``).
    """
    cp = cp_model.CpModel()
    breaches: list[FixedBreach] = []
    domains = restrict_domains(problem, relaxed, breaches)
    shortlist = None
    if shortlist_keeping is not None:
        domains, shortlist = shortlist_domains(problem, domains, shortlist_keeping)
    variables = create_variables(cp, problem, domains, relaxed)
    model = SolverModel(problem, cp, variables, relaxed, breaches)
    add_constraints(model)
    add_funding(model)
    tiers = goal_tiers(model)
    stability = stability_tier(model, previous)
    if stability is not None:
        tiers.insert(len(tiers) - 1, stability)
    if previous:
        hint_previous(model, previous)
    return BuiltModel(model, tiers, shortlist)
