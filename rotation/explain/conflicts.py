"""Why no plan can exist: a small set of conflicting rules, and the rows behind each.

Two layers (see ``groups`` for the model over the fixed secondments):
1. An elastic solve keeps every fixed secondment and lets each rule group exceed its limit by
   a slack; it minimises the number of groups relaxed, then the amounts. The groups it must
   relax are the conflicts, and the slack says by how much.
2. For each such group, a solve with assumptions (one worker, no objective) on the group's
   ``enforce`` literal and every ``keep`` literal is infeasible; CP-SAT's sufficient
   assumptions give a core, which is shrunk one secondment at a time to a minimal one:
   dropping any secondment of it lets the group hold. Presolve can misreport cores, so a core
   is only used once a re-solve with just it is infeasible too, and the final core is
   confirmed by the independent checker before it is reported, in the checker's words.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from rotation.checker import RULE_CHECKS
from rotation.domain import Problem, Secondment
from rotation.explain.groups import ConflictModel, RuleGroup
from rotation.explain.wording import (
    SecondmentKey,
    limit_source,
    remedy,
    secondment_key,
    sources,
)
from rotation.rules import rule_title
from rotation.solver.interrupt import new_solver

MAX_CONFLICTS = 6
"""At most this many conflicts are spelled out; the rest are counted."""

SECONDS_PER_SOLVE = 5.0
"""A bound on each small solve (they take milliseconds on real inputs)."""

BRIDGEABLE = frozenset({"R6"})
"""Rules whose conflict a new secondment could mend: one that bridges two fixed ones in a post
(A ends, B starts the month after; a newcomer overlapping both keeps R6). Every other rule
only gets harder with more secondments, so a conflict of theirs means no plan exists."""

# Rules whose breaches confirm a conflict of a rule group: a clash in a post outside the
# horizon is judged by R6 only, since R1 counts holders inside the horizon.
CONFIRMED_BY = {"R1": ("R1", "R6"), "R6": ("R6", "R1")}


@dataclass(frozen=True)
class Conflict:
    """One rule the fixed secondments cannot all keep: which rows, by how much, what to relax."""

    rule: str
    message: str
    where: str
    remedy: str
    secondments: tuple[Secondment, ...]
    over_by: int

    def __str__(self) -> str:
        where = f" ({self.where})" if self.where else ""
        return f"{rule_title(self.rule)}: {self.message}{where}. To resolve: {self.remedy}."


@dataclass(frozen=True)
class ConflictReport:
    """The conflicts found (at most MAX_CONFLICTS), and how many more rule groups conflict."""

    conflicts: tuple[Conflict, ...] = ()
    more: int = 0

    @property
    def plan_exists(self) -> bool:
        """Whether the fixed secondments keep every rule, so that some plan exists."""
        return not self.conflicts and not self.more

    def lines(self) -> list[str]:
        """One line per conflict, and one counting the rest."""
        found = [str(conflict) for conflict in self.conflicts]
        if self.more:
            found.append(f"... and {self.more} more conflicting rule group(s) like these: "
                         "resolve the ones above and run again")
        return found


def find_conflicts(problem: Problem, frozen: Collection[Secondment] = (),
                   most: int = MAX_CONFLICTS) -> ConflictReport:
    """The rule groups the fixed secondments break, each with a minimal set of rows.

    The fixed secondments are the problem's Existing ones; those in ``frozen`` came from a
    previous plan (``rotation.replan``) and are named by its rows.
    """
    fixed = [s for s in problem.existing if s.start <= s.end
             and s.person in problem.candidate_by_person and s.post in problem.post_by_id]
    over = elastic_excess(problem, fixed)
    if not over:
        return ConflictReport()
    frozen_keys = {secondment_key(s) for s in frozen}
    cores = ConflictModel(problem, fixed, elastic=False)
    conflicts: list[Conflict] = []
    for rule_group, amount in sorted(over.items()):
        if len(conflicts) >= most:
            break
        core = minimal_core(cores, rule_group)
        if core is None:
            continue
        conflict = _confirmed(problem, rule_group, amount, [fixed[i] for i in core],
                              frozen_keys)
        if conflict is not None:
            conflicts.append(conflict)
    return ConflictReport(tuple(conflicts), len(over) - len(conflicts))


def elastic_excess(problem: Problem, fixed: Sequence[Secondment]) -> dict[RuleGroup, int]:
    """Each rule group that must exceed its limit to keep every fixed secondment, and by what."""
    model = ConflictModel(problem, fixed, elastic=True)
    if not model.slack:
        return {}
    relaxed = {}
    total = sum(model.most_slack.values())
    for rule_group, slack in model.slack.items():
        relaxed[rule_group] = model.cp.new_bool_var(f"relaxed[{rule_group}]")
        model.cp.add(slack <= model.most_slack[rule_group] * relaxed[rule_group])
    # Fewest groups first; the amounts only break ties (their sum is below one group's weight).
    model.cp.minimize((total + 1) * sum(relaxed.values()) + sum(model.slack.values()))
    solver = _solver()
    status = solver.solve(model.cp)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError(f"the elastic model of the fixed secondments found no solution: "
                           f"{solver.status_name(status)}")
    return {rule_group: solver.value(slack) for rule_group, slack in model.slack.items()
            if solver.value(slack) > 0}


def minimal_core(model: ConflictModel, rule_group: RuleGroup) -> list[int] | None:
    """A minimal set of fixed secondments (indices) that ``rule_group`` cannot all keep.

    None when the group holds with every fixed secondment kept.
    """
    enforce = model.enforce.get(rule_group)
    if enforce is None:
        return None
    everything = list(range(len(model.fixed)))
    infeasible, reported = _solve_assuming(model, enforce, everything, want_core=True)
    if not infeasible:
        return None
    core = reported if reported and not _feasible(model, enforce, reported) else everything
    for index in list(core):
        trial = [i for i in core if i != index]
        if not _feasible(model, enforce, trial):
            core = trial  # not needed: the rest still conflict
    return core


def _feasible(model: ConflictModel, enforce: cp_model.IntVar, kept: list[int]) -> bool:
    """Whether the group holds with these secondments kept (the others may be dropped)."""
    infeasible, _ = _solve_assuming(model, enforce, kept, want_core=False)
    return not infeasible


def _solve_assuming(model: ConflictModel, enforce: cp_model.IntVar, kept: list[int],
                    want_core: bool) -> tuple[bool, list[int]]:
    """Solve assuming the group enforced and ``kept`` kept: (proved infeasible, core indices)."""
    cp = model.cp
    cp.clear_assumptions()
    cp.add_assumptions([enforce, *(model.keep[i] for i in kept)])
    solver = _solver()
    status = solver.solve(cp)
    if status != cp_model.INFEASIBLE:
        return False, []  # feasible, or not proved infeasible in time: not a conflict
    if not want_core:
        return True, []
    index_of = {model.keep[i].index: i for i in kept}
    core = sorted(index_of[v] for v in solver.sufficient_assumptions_for_infeasibility()
                  if v in index_of)
    return True, core


def _solver() -> cp_model.CpSolver:
    """One worker and a fixed seed: assumptions need one worker, and results must repeat."""
    solver = new_solver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_time_in_seconds = SECONDS_PER_SOLVE
    return solver


def _confirmed(problem: Problem, rule_group: RuleGroup, amount: int,
               core: list[Secondment], frozen: Collection[SecondmentKey]) -> Conflict | None:
    """The conflict in the checker's words, or None if the checker does not see it."""
    rules = CONFIRMED_BY.get(rule_group.rule, (rule_group.rule,))
    breaches = next((found for rule in rules if (found := RULE_CHECKS[rule](problem, core))),
                    [])
    if not breaches:
        return None
    message = "; ".join(dict.fromkeys(b.message for b in breaches))
    where = "; ".join(part for part in (sources(core, frozen),
                                        limit_source(problem, rule_group, core)) if part)
    return Conflict(rule=breaches[0].rule, message=message, where=where,
                    remedy=remedy(problem, rule_group, amount),
                    secondments=tuple(core), over_by=amount)
