"""The cover's and the pledges' floors from each agency's patterns of secondments, generated as
they are needed.

The whole-secondment model (see ``secondment_mip``) proves the cover slowly where an agency
with a yearly backfill budget may have two or more people out at once: its linear bound can
sit four or five months below the optimum, because fractions of secondments fill each
financial year's budget exactly where whole ones, with long minimum lengths, cannot (measured
on a generated tight 5-post problem: bound 26.94, optimum 31, every month of the gap the
council's, two out at a time on a budget for 19 months a year).

Here each such agency's secondments are chosen as one *pattern*: a set of secondment types
(first month, last month, cost a month) that keeps the agency's limit on staff out each month
(R8, R9) and its budget each financial year (R10). A linear program that picks a mix of
patterns for each agency, in place of its secondments' fractions, has the bound of the
agencies' patterns' convex hulls (a Dantzig-Wolfe decomposition), which on the generated tight
5-post problems is the optimum, or within a month of it. Patterns are far too many to list
(over 200,000 for one agency on some of those problems), so they are generated: the program
over the patterns found so far prices every secondment type, and a small CP-SAT model for each
agency finds its pattern of most negative reduced cost, which joins the program. The program's
value plus each agency's least reduced cost bounds the cover at every round (a Lagrangian
bound), so the floor holds whenever the time runs out.

Agencies without a budget keep their secondments' fractions: a limit on staff out per month
alone is an interval matrix, whose linear program is already whole. So, for the cover, do
those with one out at a time (see ``PATTERNED_GOALS``).

The pledges' program is the same with the cover held at its optimum, and each owing
agency's months short counted by its pattern (the months its secondments leave its pledge
short) rather than by its fractions of secondments. It starts from the plan so far's
patterns: with the cover held, a program of empty patterns has no solution.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import highspy
import numpy as np
from ortools.sat.python import cp_model

from rotation.domain import Problem, Secondment
from rotation.months import Month, financial_year
from rotation.solver.highs import FEASIBLE, new_highs, run_interruptibly
from rotation.solver.interrupt import new_solver
from rotation.solver.objective import GoalTier
from rotation.solver.pence import budget_pence
from rotation.solver.secondment_mip import RuleRows, SecondmentMip, set_up_search

SCALE = 1_000_000
"""Pricing's costs are the reduced costs in millionths, as whole numbers for CP-SAT."""

MARGIN = 1e-3
"""How far below a whole number the bound may sit and still count as that number: more than
the rounding of pricing's costs (half a millionth a secondment) and HiGHS's tolerances on the
program's duals, less than anything that could change a count of months."""

MASTER_SHARE = 0.7
"""Of the time given, the share the generation may take; the rest is the search for a plan
among the patterns found (see ``PatternFloor``)."""

PATTERNS_A_ROUND = 4
"""The most patterns an agency adds to the program in a round: its cheapest and the last
three the pricing search passed on its way there (each only when it would lower the
program's value)."""

PATTERNED_GOALS = {"cover": 2, "pledges": 1}
"""The goals whose floor the patterns work out, each with the least number of staff a
budgeted agency must be allowed out in some month for its patterns to be generated.

For the cover, those with one out at a time add nothing measurable: on the generated tight
5-post problems, seeds 1-10 and 21-29, the floors were the same without them (once rounded
up) on all but one, where neither reached the optimum, in half the time. For the pledges
every budgeted agency counts, and a pattern costs the months it leaves its agency short of
its pledge: a mix of patterns then counts at least its patterns' own months short, where
fractions of secondments fill a pledge as far as the budget goes. Measured on the generated
tight 5-post problems with the cover held at its optimum, seeds 50, 49, 6 and 7: floors 28,
23, 20 and 19, the optima, against linear bounds of 19.0, 19.4, 16.1 and 14.0; seeds 3, 4, 8,
21, 40 and 46: 20, 20, 18, 25, 23 and 12 against 14.4, 14.5, 15.0, under 1, 18.6 and 10.0
(optima 24, 24, 24, 30, 26 and 19). With the council's patterns alone (the one agency two
out at a time) seeds 50, 49, 40 and 46 gave 27, 21, 23 and 12."""

PLEDGES_GATE = MARGIN
"""The pledges' patterns are generated only when the whole-secondment model's linear bound
on the pledged months short is at least this: at 0, every pledge is filled by fractions of
secondments with room to spare, and the patterns, which raise the floor where budgets leave
whole secondments short, found nothing above it on the Highland sample (2.1 s for a floor of
0 where HiGHS settles the pledges in 2.5; the check takes 0.24 s there). On the generated
tight 5-post problems the linear bound was 10-19.4."""

SIMPLEX_PRIMAL = 4
"""HiGHS's ``simplex_strategy`` for the primal simplex: after new columns the last basis is
still feasible, so each round's program is a few pivots (measured: 0.2-1.0 s a run in all on
the generated tight 5-post problems, where the dual simplex took 0.8-17 s)."""


@dataclass(frozen=True)
class SecondmentType:
    """What an agency's limit and budget see of a secondment: its months and monthly cost."""

    start: Month
    end: Month
    pence: int


@dataclass(frozen=True)
class PatternFloor:
    """The cover's floor (no plan has fewer vacant post-months) and, when one was found, the
    best plan among the patterns generated and its vacant post-months."""

    floor: int
    plan: tuple[Secondment, ...] | None = None
    value: int | None = None
    stopped: bool = False  # the clock ended the generation or the search for a plan


class _Agency:
    """One budgeted agency's part of the program: its secondment types, their rows (each
    type's secondments, less its count in the patterns chosen, is 0), its choice of one
    pattern, and the CP-SAT model that prices its patterns."""

    def __init__(self, types: list[SecondmentType], first_row: int, choice_row: int,
                 out_left: dict[Month, int], spend_left: dict[int, int], owed: int = 0) -> None:
        self.types = types
        self.owed = owed  # the agency's pledged months still owed (the pledges' patterns)
        self.lengths = np.array([kind.end - kind.start + 1 for kind in types], dtype=np.int64)
        self.first_row = first_row
        self.choice_row = choice_row
        self.model = cp_model.CpModel()
        self.counts = [self.model.new_int_var(0, max(0, min(out_left[t] for t in
                                                            range(kind.start, kind.end + 1))),
                                              f"type{i}")
                       for i, kind in enumerate(types)]
        by_month: dict[Month, list[int]] = defaultdict(list)
        by_year: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for i, kind in enumerate(types):
            for t in range(kind.start, kind.end + 1):
                by_month[t].append(i)
                by_year[financial_year(t)][i] += kind.pence
        for t, used in by_month.items():
            self.model.add(sum(self.counts[i] for i in used) <= out_left[t])
        for year, spends in by_year.items():
            self.model.add(sum(pence * self.counts[i] for i, pence in spends.items())
                           <= spend_left[year])
        # No pattern holds more secondments than months out (each takes one at least).
        self.most = sum(max(0, left) for left in out_left.values())
        self.short: cp_model.IntVar | None = None  # its months short, when it owes some
        if owed > 0:
            self.short = self.model.new_int_var(0, owed, "short")
            self.model.add(self.short + sum(int(length) * count for length, count
                                            in zip(self.lengths, self.counts, strict=True))
                           >= owed)

    def shortfall(self, pattern: np.ndarray) -> float:
        """The pledged months a pattern leaves the agency short (its cost in the pledges'
        program; 0 in the cover's, where no agency owes)."""
        return float(max(0, self.owed - int(pattern @ self.lengths)))

    def price(self, duals: np.ndarray, seconds: float
              ) -> tuple[list[tuple[np.ndarray, float]], float] | None:
        """The patterns CP-SAT found at these type prices (each type's row dual), each with
        its cost, the cheapest first, and a floor under every pattern's cost; None when
        CP-SAT did not prove the cheapest in time.

        The patterns it passed on its way to the cheapest come too: a pattern that is not
        the cheapest may still lower the program's value. Measured on the generated tight
        5-post problems: a third fewer rounds and a third less time (seed 7: 43 rounds in
        2.8 s, now 19 in 1.4), the same floors."""
        # A type priced at 0 or more never helps a pattern where fewer secondments cost no
        # more; for an agency that owes months, fewer leave it shorter, so every price counts.
        prices = np.asarray(duals, dtype=np.float64)
        if self.short is None:
            prices = np.minimum(prices, 0.0)
        scaled = [round(float(price) * SCALE) for price in prices]
        terms = [cost * count for cost, count in zip(scaled, self.counts, strict=True) if cost]
        if self.short is not None:
            terms.append(SCALE * self.short)
        self.model.minimize(sum(terms))
        solver = new_solver()
        solver.parameters.num_workers = 1  # (small, and the same patterns every run)
        solver.parameters.max_time_in_seconds = max(0.01, seconds)
        passed = _Passed(self.counts)
        if solver.solve(self.model, passed) != cp_model.OPTIMAL:
            return None  # (the clock ran out: the floor so far stands)
        cheapest = np.array([solver.value(count) for count in self.counts])
        others = [p for p in reversed(passed.patterns) if not np.array_equal(p, cheapest)]
        found = [cheapest, *others]
        # Each type's cost was rounded by at most half a millionth.
        least = (solver.best_objective_bound - 0.5 * self.most) / SCALE
        return [(pattern, float(pattern @ prices) + self.shortfall(pattern))
                for pattern in found], least


class _Passed(cp_model.CpSolverSolutionCallback):
    """The patterns a pricing search finds on its way to the cheapest."""

    def __init__(self, counts: list[cp_model.IntVar]) -> None:
        super().__init__()
        self.counts = counts
        self.patterns: list[np.ndarray] = []

    def on_solution_callback(self) -> None:
        self.patterns.append(np.array([self.value(count) for count in self.counts]))


def _out_left(problem: Problem, rules: RuleRows, code: str) -> dict[Month, int]:
    """How many more of the agency's staff may be out each month, besides those agreed."""
    return {t: problem.most_out(code) - rules.agreed_out.get((code, t), 0)
            for t in problem.horizon}


class AgencyPatterns:
    """A goal's program over patterns (the cover's or the pledges'), kept across rounds of
    generation."""

    def __init__(self, mip: SecondmentMip, tier: GoalTier,
                 agencies: dict[str, dict[int, list[int]]], rules: RuleRows,
                 out_left: dict[str, dict[Month, int]], owed: dict[str, int]) -> None:
        self.mip = mip
        problem = mip.model.problem
        program = mip.highs.getLp()
        self.integrality = list(program.integrality_)
        stated = mip.costs(tier)
        assert stated is not None
        self.costs, self.constant = stated
        for code in owed:  # (its patterns count its months short: see ``_Agency.shortfall``)
            self.costs[mip.short_columns[code]] = 0.0
        self.pattern_costs: list[float] = []
        self.codes = list(agencies)
        self.pence = rules.pence
        program.col_cost_ = self.costs
        program.integrality_ = []
        self.highs = new_highs()
        self.highs.passModel(program)
        self.highs.setOptionValue("presolve", "off")
        self.highs.setOptionValue("simplex_strategy", SIMPLEX_PRIMAL)
        self.agencies: list[_Agency] = []
        years = {financial_year(t) for t in problem.horizon}
        for code, by_person in agencies.items():
            by_type: dict[SecondmentType, list[int]] = defaultdict(list)
            for person, columns in by_person.items():
                for j in columns:
                    column = mip.columns[j]
                    by_type[SecondmentType(column.start, column.end,
                                           rules.pence[person])].append(j)
            first_row = self.highs.getNumRow()
            for columns in by_type.values():
                self.highs.addRow(0.0, 0.0, len(columns), np.array(columns, dtype=np.int32),
                                  np.ones(len(columns)))
            choice_row = self.highs.getNumRow()
            self.highs.addRow(1.0, 1.0, 0, np.array([], dtype=np.int32),
                              np.array([], dtype=np.float64))
            spent = rules.agreed_spend.get(code, {})
            budget = budget_pence(problem.agency_by_code[code])
            spend_left = {year: budget - spent.get(year, 0) for year in years}
            part = _Agency(list(by_type), first_row, choice_row, out_left[code], spend_left,
                           owed.get(code, 0))
            self.agencies.append(part)
            self._add_pattern(part, np.zeros(len(part.types), dtype=np.int64))  # none out

    @classmethod
    def of(cls, mip: SecondmentMip, tier: GoalTier, plan: Sequence[Secondment] = (),
           seconds: float = math.inf) -> AgencyPatterns | None:
        """The program for the cover or pledges tier, starting from the patterns of ``plan``
        (the plan so far: with the earlier goals held, the program needs some secondments
        to have a solution at all). None when no agency has patterns to generate (see
        ``PATTERNED_GOALS``), or none owes months for the pledges: the
        whole-secondment model's bound is then as good. None too for the pledges when the
        whole-secondment model's linear bound, worked out within ``seconds``, is 0 (see
        ``PLEDGES_GATE``), or could not be in time."""
        if tier.goal not in PATTERNED_GOALS or not mip.states(tier):
            return None
        problem = mip.model.problem
        rules = RuleRows(problem, mip.model.variables.stints)
        out_left = {a.agency: _out_left(problem, rules, a.agency) for a in problem.agencies
                    if a.backfill_budget is not None}
        least = PATTERNED_GOALS[tier.goal]
        patterned = {code for code, left in out_left.items()
                     if max(left.values(), default=0) >= least}
        agencies: dict[str, dict[int, list[int]]] = {}
        for j, column in enumerate(mip.columns):
            code = problem.candidates[column.person].agency
            if code in patterned:
                agencies.setdefault(code, {}).setdefault(column.person, []).append(j)
        owed = ({code: rules.owed[code] for code in agencies if code in rules.owed}
                if tier.goal == "pledges" else {})
        if not agencies or (tier.goal == "pledges" and not owed):
            return None
        if tier.goal == "pledges":
            linear = mip.linear_bound(tier, seconds)
            if linear is None or linear < PLEDGES_GATE:
                return None
        patterns = cls(mip, tier, agencies, rules, out_left, owed)
        patterns._add_plan(plan)
        return patterns

    def floor(self, seconds: float, target: int) -> PatternFloor | None:
        """The goal's floor within ``seconds``, generating patterns until it reaches
        ``target`` (the value of a plan in hand: nothing better to prove) or the program's
        own value (no better floor to find); then, when the floor is below ``target``, the
        best plan among the patterns found. None when not even the first program was solved
        in time."""
        started = time.monotonic()
        deadline = started + MASTER_SHARE * seconds
        best, stopped = self._generate(deadline, target)
        if best == -math.inf:
            return None
        floor = min(target, max(0, math.ceil(best - MARGIN)))
        if floor >= target or floor == 0:  # (a search for a plan of 0 is HiGHS's own)
            return PatternFloor(floor, stopped=stopped)
        plan, value, finished = self._best_plan(floor, started + seconds)
        return PatternFloor(floor, plan, value, stopped or not finished)

    def _generate(self, deadline: float, target: int) -> tuple[float, bool]:
        """Rounds of generation until ``deadline`` (see ``floor``): the best Lagrangian bound
        found (minus infinity if none), and whether the clock stopped them."""
        best = -math.inf
        while time.monotonic() < deadline:
            self.highs.setOptionValue("time_limit", max(0.01, deadline - time.monotonic()))
            run_interruptibly(self.highs)
            if self.highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                return best, True
            program = self.highs.getInfo().objective_function_value + self.constant
            duals = np.asarray(self.highs.getSolution().row_dual)
            priced = [part.price(duals[part.first_row:part.first_row + len(part.types)],
                                 max(0.01, deadline - time.monotonic()))
                      for part in self.agencies]
            bound, added = program, 0
            for part, found in zip(self.agencies, priced, strict=True):
                if found is None:
                    return best, True
                patterns, least = found
                choice = duals[part.choice_row]
                bound += min(0.0, least - choice)
                for pattern, cost in patterns[:PATTERNS_A_ROUND]:
                    if cost - choice < -1e-6:
                        self._add_pattern(part, pattern)
                        added += 1
            best = max(best, bound)
            # (no goal goes below 0: a program at 0 has no floor above it to find)
            if max(0, math.ceil(best - MARGIN)) >= min(target, math.ceil(program - MARGIN)) \
                    or not added:
                return best, False
        return best, True

    def _add_pattern(self, part: _Agency, chosen: np.ndarray) -> None:
        used = np.flatnonzero(chosen)
        rows = np.concatenate([part.first_row + used, [part.choice_row]]).astype(np.int32)
        values = np.concatenate([-chosen[used].astype(np.float64), [1.0]])
        cost = part.shortfall(chosen)
        self.pattern_costs.append(cost)
        self.highs.addCol(cost, 0.0, 1.0, len(rows), rows, values)

    def _add_plan(self, plan: Sequence[Secondment]) -> None:
        """Add each agency's pattern in a plan (its new secondments that are columns here)."""
        problem = self.mip.model.problem
        index = {candidate.person: i for i, candidate in enumerate(problem.candidates)}
        for code, part in zip(self.codes, self.agencies, strict=True):
            position = {kind: k for k, kind in enumerate(part.types)}
            counts = np.zeros(len(part.types), dtype=np.int64)
            for secondment in plan:
                person = index[secondment.person]
                kind = SecondmentType(secondment.start, secondment.end, self.pence[person])
                if not secondment.existing and problem.candidates[person].agency == code \
                        and kind in position:
                    counts[position[kind]] += 1
            if counts.any():
                self._add_pattern(part, counts)

    def _best_plan(self, floor: int, deadline: float
                   ) -> tuple[tuple[Secondment, ...] | None, int | None, bool]:
        """The best plan for the goal among the patterns found (each agency's secondments
        whole and one of its patterns chosen whole), stopping at ``floor``; its value (vacant
        post-months or pledged months short); and whether the search finished before
        ``deadline``."""
        highs = self.highs
        count = self.mip.count
        whole = [j for j, kind in enumerate(self.integrality)
                 if kind == highspy.HighsVarType.kInteger]
        whole += list(range(count, highs.getNumCol()))
        highs.changeColsIntegrality(len(whole), np.array(whole, dtype=np.int32),
                                    np.full(len(whole), highspy.HighsVarType.kInteger))
        highs.setOptionValue("presolve", "choose")
        set_up_search(highs)
        highs.setOptionValue("objective_target", floor - self.constant + 0.5)
        highs.setOptionValue("time_limit", max(0.01, deadline - time.monotonic()))
        run_interruptibly(highs)
        finished = highs.getModelStatus() in (highspy.HighsModelStatus.kOptimal,
                                              highspy.HighsModelStatus.kObjectiveTarget)
        if highs.getInfo().primal_solution_status != FEASIBLE:
            return None, None, finished
        values = np.asarray(highs.getSolution().col_value)
        # The plan's value from its columns: on this program HiGHS has reported a value
        # below the plan's own (2 for a plan of 3, with or without the objective target).
        value = round(float(self.costs @ values[:count])
                      + float(np.dot(self.pattern_costs, values[count:])) + self.constant)
        return self.mip.plan(values[:count]), value, finished

