"""The independent checker: every hard rule and goal term recomputed from a plan alone.

It knows nothing of the solver or OR-Tools, and accepts plans edited by hand: secondments
in any order, overlapping, outside the horizon or naming unknown people and posts are
reported as breaches, never as crashes. ``rotation check`` and ``rotation solve`` both use it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rotation.checker.agency_rules import (
    check_r8_backfill_limit,
    check_r9_team_mix,
    check_r10_backfill_budget,
)
from rotation.checker.funding_rules import check_r13_funded_officer, check_r14_central_budget
from rotation.checker.goals import goal_terms
from rotation.checker.person_rules import (
    check_r2_grade,
    check_r3_skills,
    check_r4_availability,
    check_r5_length,
    check_r11_person,
    check_r12_existing,
)
from rotation.checker.post_rules import (
    check_r1_one_holder,
    check_r6_handover,
    check_r7_staggering,
    handovers,
)
from rotation.checker.vacancies import find_vacancies
from rotation.domain import FundedStretch, Problem, Secondment
from rotation.plan import Breach, CheckReport

RuleCheck = Callable[[Problem, Sequence[Secondment]], list[Breach]]
FundingCheck = Callable[[Problem, Sequence[Secondment], Sequence[FundedStretch]], list[Breach]]

# One check per hard rule of SPEC.md section 3, in rule order.
RULE_CHECKS: dict[str, RuleCheck] = {
    "R1": check_r1_one_holder,
    "R2": check_r2_grade,
    "R3": check_r3_skills,
    "R4": check_r4_availability,
    "R5": check_r5_length,
    "R6": check_r6_handover,
    "R7": check_r7_staggering,
    "R8": check_r8_backfill_limit,
    "R9": check_r9_team_mix,
    "R10": check_r10_backfill_budget,
    "R11": check_r11_person,
    "R12": check_r12_existing,
}

# The rules about directly funded officers, which also read the plan's funded stretches.
FUNDING_CHECKS: dict[str, FundingCheck] = {
    "R13": check_r13_funded_officer,
    "R14": check_r14_central_budget,
}


def check_plan(problem: Problem, secondments: Sequence[Secondment],
               previous: Sequence[Secondment] = (), *,
               funded: Sequence[FundedStretch] = ()) -> CheckReport:
    """Every rule breach, every vacancy and the goal terms of a plan.

    With ``previous`` (the plan being replanned), ``changed_months`` is counted against it.
    ``funded`` lists the plan's funded stretches (R13, R14); a ``funded`` post counts as
    funded in every month of its existence whether listed or not.
    """
    plan = list(secondments)
    stretches = list(funded)
    return CheckReport(breaches=plan_breaches(problem, plan, funded=stretches),
                       vacancies=tuple(find_vacancies(problem, plan, stretches)),
                       goals=goal_terms(problem, plan, previous, funded=stretches))


def plan_breaches(problem: Problem, secondments: Sequence[Secondment], *,
                  funded: Sequence[FundedStretch] = ()) -> tuple[Breach, ...]:
    """Every rule breach of a plan, in rule order: ``check_plan``'s breaches without its
    vacancies, whose reasons take most of its time on a large plan (the solver asks only
    whether a plan it is about to keep breaks a rule)."""
    plan = list(secondments)
    breaches = [breach for check in RULE_CHECKS.values() for breach in check(problem, plan)]
    breaches += [breach for funding_check in FUNDING_CHECKS.values()
                 for breach in funding_check(problem, plan, funded)]
    return tuple(breaches)


__all__ = [
    "FUNDING_CHECKS",
    "RULE_CHECKS",
    "check_plan",
    "check_r1_one_holder",
    "check_r2_grade",
    "check_r3_skills",
    "check_r4_availability",
    "check_r5_length",
    "check_r6_handover",
    "check_r7_staggering",
    "check_r8_backfill_limit",
    "check_r9_team_mix",
    "check_r10_backfill_budget",
    "check_r11_person",
    "check_r12_existing",
    "check_r13_funded_officer",
    "check_r14_central_budget",
    "find_vacancies",
    "goal_terms",
    "handovers",
    "plan_breaches",
]
