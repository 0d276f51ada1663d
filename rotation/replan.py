"""Replanning against a previous plan (SPEC.md section 6): what is frozen, what is gone, why.

``prepare_replan`` turns an input and a previous plan into the problem actually solved: every
previous secondment that starts before the freeze month is kept exactly, by adding it to the
Existing secondments (R12 then keeps it). A previous secondment whose person or post is no
longer in the input cannot be kept: it is dropped with its reason, or, if it is frozen, it
is an input error naming it. ``replan_changes`` lists what became of every previous
secondment, with the reason where one is known. Nothing here reads files or solves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rotation.changes import Change, compare_plans
from rotation.checker import check_plan
from rotation.domain import Problem, Secondment
from rotation.findings import InvalidInput, error
from rotation.months import Month, format_month, format_span
from rotation.plan import Breach, CheckReport
from rotation.rules import rule_title

PREVIOUS_SHEET = "Secondments"
"""The sheet of the previous plan that findings about its secondments point at."""


@dataclass(frozen=True)
class DroppedSecondment:
    """A previous secondment that cannot be in the new plan, and why."""

    secondment: Secondment
    reason: str


@dataclass(frozen=True)
class Replan:
    """The problem to solve when replanning, and what the previous plan contributes to it.

    ``problem`` is the input with the frozen secondments added to its Existing ones.
    ``frozen`` lists every previous secondment kept as it was, ``added`` those of them that
    were not already on the Existing sheet; ``dropped`` those whose person or post is gone.
    """

    problem: Problem
    previous: tuple[Secondment, ...]
    frozen: tuple[Secondment, ...]
    dropped: tuple[DroppedSecondment, ...]
    freeze_until: Month | None = None
    added: tuple[Secondment, ...] = ()

    @property
    def baseline(self) -> tuple[Secondment, ...]:
        """The previous secondments the new plan could still keep (person and post known)."""
        gone = {_key(d.secondment) for d in self.dropped}
        return tuple(s for s in self.previous if _key(s) not in gone)


def prepare_replan(problem: Problem, previous: Sequence[Secondment],
                   freeze_until: Month | None = None) -> Replan:
    """The problem to solve against ``previous``; InvalidInput if a frozen one cannot be kept."""
    agreed = {_key(s) for s in problem.existing}
    frozen: list[Secondment] = []
    dropped: list[DroppedSecondment] = []
    findings = []
    for secondment in sorted(previous, key=_order):
        gone = gone_reason(problem, secondment)
        if freeze_until is not None and secondment.start < freeze_until:
            if gone:
                findings.append(error(
                    f"the previous plan's secondment of {secondment.person} in post "
                    f"{secondment.post} ({format_span(secondment.start, secondment.end)}) "
                    f"starts before the freeze month {format_month(freeze_until)}, so it must "
                    f"be kept, but {gone}: put it back in the input, or choose an earlier "
                    "--freeze-until", PREVIOUS_SHEET, secondment.row))
            else:
                frozen.append(secondment.model_copy(update={"existing": True}))
            continue
        if gone:
            dropped.append(DroppedSecondment(secondment, gone))
    if findings:
        raise InvalidInput(findings)
    added = tuple(dict.fromkeys(s for s in frozen if _key(s) not in agreed))
    fields = {name: getattr(problem, name) for name in type(problem).model_fields}
    fields["existing"] = problem.existing + added
    return Replan(problem=type(problem)(**fields), previous=tuple(previous),
                  frozen=tuple(frozen), dropped=tuple(dropped), freeze_until=freeze_until,
                  added=added)


def gone_reason(problem: Problem, secondment: Secondment) -> str:
    """Why the input no longer allows this secondment at all (person or post gone), or ''."""
    reasons = []
    if secondment.person not in problem.candidate_by_person:
        reasons.append(f"{secondment.person} is no longer on the Candidates sheet")
    if secondment.post not in problem.post_by_id:
        reasons.append(f"post {secondment.post} is no longer on the Posts sheet")
    return " and ".join(reasons)


def replan_changes(replan: Replan, new: Sequence[Secondment]) -> list[Change]:
    """What became of every previous secondment in the new plan, with the reason where known.

    Reasons, in order: the person or post is gone; the secondment was frozen (or is on the
    Existing sheet); the previous plan breaks a rule of the new input that involves the
    person; the new plan covers more post-months or meets more of the pledges.
    """
    gone = {_key(d.secondment): d.reason for d in replan.dropped}
    agreed = {_key(s) for s in replan.problem.existing}  # frozen ones included
    frozen = {_key(s) for s in replan.added}
    baseline = check_plan(replan.problem, replan.baseline)
    clashes = _breaches_by_person(baseline)
    gains = _gains(baseline, check_plan(replan.problem, new))
    changes = compare_plans(replan.previous, new, frozen_until=replan.freeze_until)
    explained = []
    for change in changes:
        reason = ""
        old_key = _key(change.old) if change.old is not None else None
        if old_key in gone:
            reason = gone[old_key]
        elif change.kind == "kept":
            if old_key in agreed - frozen:
                reason = "agreed: on the Existing sheet"
            elif old_key in frozen:
                reason = "frozen: it starts before the freeze month"
        elif change.person in clashes:
            breach = clashes[change.person]
            reason = f"the previous plan breaks {rule_title(breach.rule)}: {breach.message}"
        elif gains:
            reason = gains
        explained.append(change.model_copy(update={"reason": reason}) if reason else change)
    return explained


def _breaches_by_person(report: CheckReport) -> dict[str, Breach]:
    """The first rule each person's previous secondments break under the new input."""
    first: dict[str, Breach] = {}
    for breach in report.breaches:
        if breach.rule == "R12":
            continue  # the previous plan need not hold the new Existing secondments
        for person in breach.people:
            first.setdefault(person, breach)
    return first


def _gains(baseline: CheckReport, new: CheckReport) -> str:
    """What the new plan does better than what is left of the previous one, in words."""
    before, after = baseline.goals, new.goals
    gains = []
    if after.vacant_post_months < before.vacant_post_months:
        gains.append(f"cover vacant months ({before.vacant_post_months} vacant post-months "
                     f"left by the previous plan, {after.vacant_post_months} now)")
    if after.pledge_shortfall_months < before.pledge_shortfall_months:
        gains.append(f"meet pledges ({before.pledge_shortfall_months} pledged months short "
                     f"before, {after.pledge_shortfall_months} now)")
    return "to " + " and ".join(gains) if gains else ""


def _key(secondment: Secondment) -> tuple[str, str, Month, Month]:
    return (secondment.person, secondment.post, secondment.start, secondment.end)


def _order(secondment: Secondment) -> tuple[Month, Month, str, str]:
    return (secondment.start, secondment.end, secondment.person, secondment.post)
