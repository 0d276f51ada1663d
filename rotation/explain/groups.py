"""The hard rules over the fixed secondments (Existing and frozen), one rule group at a time.

A plan with no new secondments keeps every rule unless the fixed secondments break one among
themselves, so whether any plan exists depends on them alone (SPEC.md section 3). This model
has one 0/1 ``keep`` variable per fixed secondment and the rules written over them, gathered
into groups a planner can relax one at a time: a secondment's own fit (R2–R5), one post
(R1, R6), one month's handovers (R7), one agency (R8, R9), one agency's financial year (R10),
one person (R11).

It is built in one of two ways. ``elastic``: every secondment kept, and each group may exceed
its limit by a slack (which measures by how much). Otherwise: each group holds only when its
``enforce`` literal is true, so that assumptions on ``enforce`` and ``keep`` find a core.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations

from ortools.sat.python import cp_model

from rotation.checker import RULE_CHECKS
from rotation.domain import Problem, Secondment
from rotation.months import Month, financial_year

Var = cp_model.IntVar
Terms = list[tuple[Var, int]]

UNARY_RULES = ("R2", "R3", "R4", "R5")
"""Rules a secondment can break on its own (its person, its post, its length)."""


@dataclass(frozen=True, order=True)
class RuleGroup:
    """Some constraints of one rule about one subject, relaxed or enforced together.

    ``subject`` is an agency code (R8, R9, R10), a post id (R1, R6), a person id (R11), a
    month (R7) or a fixed secondment's index (R2–R5); ``year`` the financial year of R10.
    """

    number: int
    rule: str
    subject: str
    year: int = 0
    limit: int = 0


def group(rule: str, subject: str, year: int = 0, limit: int = 0) -> RuleGroup:
    """The group of ``rule`` about ``subject``; groups sort by rule number, then subject."""
    return RuleGroup(int(rule[1:]), rule, subject, year, limit)


class ConflictModel:
    """The fixed secondments and the rules over them, as a CP-SAT model."""

    def __init__(self, problem: Problem, fixed: Sequence[Secondment], *, elastic: bool) -> None:
        self.problem = problem
        self.fixed = list(fixed)
        self.elastic = elastic
        self.cp = cp_model.CpModel()
        self.keep = [self.cp.new_bool_var(f"keep[{i}]") for i in range(len(self.fixed))]
        self.enforce: dict[RuleGroup, Var] = {}
        self.slack: dict[RuleGroup, Var] = {}
        self.most_slack: dict[RuleGroup, int] = {}
        if elastic:
            for var in self.keep:
                self.cp.add(var == 1)
        add_rule_groups(self)

    def at_most(self, rule_group: RuleGroup, terms: Terms, limit: int) -> None:
        """``sum(terms) <= limit`` in ``rule_group``: with slack if elastic, else when enforced."""
        highest = sum(coef for _, coef in terms if coef > 0)
        if highest <= limit:
            return  # can never bind
        expr = cp_model.LinearExpr.weighted_sum([v for v, _ in terms], [c for _, c in terms])
        if self.elastic:
            slack = self.slack.get(rule_group)
            if slack is None:
                # A group's constraints are all counts of secondments, or one sum of costs.
                most = max(highest - limit, len(self.fixed))
                slack = self.cp.new_int_var(0, most, f"slack[{rule_group}]")
                self.slack[rule_group] = slack
                self.most_slack[rule_group] = most
            self.cp.add(expr <= limit + slack)
            return
        literal = self.enforce.get(rule_group)
        if literal is None:
            literal = self.cp.new_bool_var(f"enforce[{rule_group}]")
            self.enforce[rule_group] = literal
        self.cp.add(expr <= limit).only_enforce_if(literal)

    def kept(self, indices: Sequence[int]) -> Terms:
        """The keep variables of some fixed secondments, each counted once."""
        return [(self.keep[i], 1) for i in indices]


def add_rule_groups(model: ConflictModel) -> None:
    """Every rule group, in rule order."""
    _unary_groups(model)
    _post_groups(model)
    _staggering_groups(model)
    _agency_groups(model)
    _person_groups(model)


def _unary_groups(model: ConflictModel) -> None:
    """R2–R5: a secondment that breaks one of them on its own cannot be kept."""
    for i, secondment in enumerate(model.fixed):
        for rule in UNARY_RULES:
            if RULE_CHECKS[rule](model.problem, [secondment]):
                model.at_most(group(rule, f"{i:05d}"), model.kept([i]), 0)


def _post_groups(model: ConflictModel) -> None:
    """R1 and R6 per post: two secondments that meet in a post must be a proper handover pair."""
    settings = model.problem.settings
    overlap = settings.handover_overlap_months
    for post, indices in _indices_by(model.fixed, lambda s: s.post).items():
        for i, j in combinations(indices, 2):
            a, b = sorted((model.fixed[i], model.fixed[j]), key=_order)
            if b.start > a.end + 1 or b.start == a.end - overlap + 1:
                continue  # a vacant month between them, or a handover exactly as R6 asks
            rule = "R1" if b.start <= a.end else "R6"
            model.at_most(group(rule, post), model.kept([i, j]), 1)
        # Three holders at once is always too many, whatever the pairs (R1).
        for t in _months(model.fixed, indices):
            holding = [i for i in indices if model.fixed[i].covers(t)]
            model.at_most(group("R1", post), model.kept(holding), 2)


def _staggering_groups(model: ConflictModel) -> None:
    """R7 per month: at most max_handovers_per_month handovers start in it."""
    limit = model.problem.settings.max_handovers_per_month
    starting: dict[Month, Terms] = defaultdict(list)
    for j, incoming in enumerate(model.fixed):
        if incoming.start not in model.problem.horizon:
            continue
        before = [i for i, outgoing in enumerate(model.fixed)
                  if i != j and outgoing.post == incoming.post
                  and outgoing.start < incoming.start <= outgoing.end + 1]
        if not before:
            continue
        handover = model.cp.new_bool_var(f"handover[{j}]")
        for i in before:  # a handover when both it and one it follows are kept
            model.cp.add(handover >= model.keep[i] + model.keep[j] - 1)
        starting[incoming.start].append((handover, 1))
    for t, handovers in sorted(starting.items()):
        model.at_most(group("R7", str(t), limit=limit), handovers, limit)


def _agency_groups(model: ConflictModel) -> None:
    """R8 and R9 per agency, R10 per agency and financial year, over horizon months."""
    problem = model.problem
    agency_of = {c.person: c.agency for c in problem.candidates}
    by_agency = _indices_by(model.fixed, lambda s: agency_of.get(s.person, ""))
    cap = problem.settings.max_secondees_per_agency
    for code, indices in sorted(by_agency.items()):
        agency = problem.agency_by_code.get(code)
        for t in problem.horizon:
            out = _people_out(model, [i for i in indices if model.fixed[i].covers(t)], t)
            if agency is not None:
                model.at_most(group("R8", code, limit=agency.max_concurrent), out,
                              agency.max_concurrent)
            model.at_most(group("R9", code, limit=cap), out, cap)
        if agency is None or agency.backfill_budget is None:
            continue
        # The checker allows half a penny of rounding on top of the budget.
        budget = math.floor(agency.backfill_budget * 100 + 0.5 + 1e-9)
        for year in problem.financial_years():
            cost = [(model.keep[i], _pence(problem, model.fixed[i]) * months)
                    for i in indices
                    if (months := _months_in_year(problem, model.fixed[i], year))]
            model.at_most(group("R10", code, year, budget), cost, budget)


def _people_out(model: ConflictModel, covering: list[int], t: Month) -> Terms:
    """One term per person out in month t: R8 and R9 count people, not secondments."""
    by_person = _indices_by([model.fixed[i] for i in covering], lambda s: s.person)
    out: Terms = []
    for person, positions in by_person.items():
        if len(positions) == 1:
            out.append((model.keep[covering[positions[0]]], 1))
            continue
        away = model.cp.new_bool_var(f"out[{person},{t}]")  # one kept secondment is enough
        for position in positions:
            model.cp.add_implication(model.keep[covering[position]], away)
        out.append((away, 1))
    return out


def _person_groups(model: ConflictModel) -> None:
    """R11 per person: few enough secondments, never two at once, cooling-off between them."""
    settings = model.problem.settings
    most = settings.max_secondments_per_person
    for person, indices in _indices_by(model.fixed, lambda s: s.person).items():
        model.at_most(group("R11", person, limit=most), model.kept(indices), most)
        for i, j in combinations(indices, 2):
            a, b = sorted((model.fixed[i], model.fixed[j]), key=_order)
            if b.start < a.end + 1 + settings.cooling_off_months:
                model.at_most(group("R11", person, limit=most), model.kept([i, j]), 1)


def _indices_by(fixed: Sequence[Secondment], key: Callable[[Secondment], str]
                ) -> dict[str, list[int]]:
    grouped: dict[str, list[int]] = defaultdict(list)
    for i, secondment in enumerate(fixed):
        grouped[key(secondment)].append(i)
    return dict(sorted(grouped.items()))


def _months(fixed: Sequence[Secondment], indices: Sequence[int]) -> list[Month]:
    return sorted({t for i in indices for t in range(fixed[i].start, fixed[i].end + 1)})


def _months_in_year(problem: Problem, secondment: Secondment, year: int) -> int:
    return sum(1 for t in problem.horizon if secondment.covers(t) and financial_year(t) == year)


def _pence(problem: Problem, secondment: Secondment) -> int:
    candidate = problem.candidate_by_person.get(secondment.person)
    grade = None if candidate is None else problem.grade_by_key.get(
        (candidate.agency, candidate.grade))
    return 0 if grade is None else round(grade.monthly_cost * 100)


def _order(secondment: Secondment) -> tuple[Month, Month, str, str]:
    return (secondment.start, secondment.end, secondment.person, secondment.post)
