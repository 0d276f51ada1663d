"""The hard rules R1–R12, one function per rule family, added to the model in order.

R2 grade, R3 skills and R4 availability depend only on the person and the post, so they act
before any variable exists: ``domains.restrict_domains`` leaves out the pairs and months
they forbid, and checks Existing secondments against the same functions. The others
constrain the variables here.
"""

from __future__ import annotations

from collections.abc import Callable

from rotation.solver.context import SolverModel
from rotation.solver.rules_people import (
    r5_length,
    r8_backfill_limit,
    r9_team_mix,
    r10_backfill_budget,
    r11_person,
    r12_existing,
)
from rotation.solver.rules_posts import r1_one_holder, r6_handover, r7_staggering
from rotation.solver.sequences import add_sequences

RuleFamily = Callable[[SolverModel], None]

VARIABLE_RULES: dict[str, RuleFamily] = {
    "R1": r1_one_holder,
    "R5": r5_length,
    "R6": r6_handover,
    "R7": r7_staggering,
    "R8": r8_backfill_limit,
    "R9": r9_team_mix,
    "R10": r10_backfill_budget,
    "R11": r11_person,
    "R12": r12_existing,
}
"""The rule families that constrain variables (R2–R4 are in ``domains``), by rule id."""


def add_constraints(model: SolverModel) -> None:
    """Add every rule family the model does not relax, in rule-id order.

    First each post's holders are tied into one sequence (see ``sequences``), whose handover
    variables R7 counts.
    """
    add_sequences(model)
    for rule, add_rule in VARIABLE_RULES.items():
        if model.applies(rule):
            add_rule(model)
