"""A second opinion on a goal's optimum, from whole secondments: a mixed-integer model for HiGHS.

CP-SAT's model decides month by month. On problems with scarce budgets and long minimum
lengths its bound on the cover and pledge goals can stay several months below the optimum
for a minute, because what forces the vacancies is how whole secondments fit between the
financial years, which a month-by-month bound does not see. A model with one 0/1 column per
possible secondment (each pair's runs, see ``runs``), and each post's holders as a chain
(see ``chains``), sees it: HiGHS proves such goals in a few seconds (measured on the
generated tight S instances: 0.6-7 s a goal where CP-SAT had not proven them in 60 s).

The model here is a *relaxation* of the rules: every plan CP-SAT's model accepts is a
solution of it with the same or a lower goal value, so its optimum is a floor no plan can go
below. The rows: each post's chain of holders, agreed secondments included (R1, R6), with
its handovers counted per month (R7); in a post that may be seconded or funded, a funded
officer only in a month its chain leaves vacant, within the central budget each year (R13,
R14; see ``SecondmentMip._funded_months``); one post at a time per person, with the
cooling-off months after each secondment, and secondments per person, new ones as many as
the agreed ones leave (R11; beside an agreed secondment, ``variables`` leaves out the runs
that would break it); staff out per agency and month (R8, R9); cost per agency and
financial year (R10).

The solver uses the floor and the plan only when HiGHS proves the optimum (see
``solve._Stages``): the plan, fixed in CP-SAT's model, must reach that value there too, so a
plan is never taken from this model alone.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import highspy
import numpy as np

from rotation.domain import FundedStretch, Problem, Secondment
from rotation.funded_posts import (
    direct_cost_pence_by_year,
    funded_monthly_pence,
    implied_stretches,
)
from rotation.months import Month, financial_year
from rotation.solver.chains import (
    RowKey,
    Terms,
    arc_terms,
    chains_hold,
    post_arcs,
    row_bounds,
    run_terms,
)
from rotation.solver.context import SolverModel
from rotation.solver.funding import with_funded_posts
from rotation.solver.highs import FEASIBLE, ColumnArrays, new_highs, run_interruptibly
from rotation.solver.objective import GoalTier
from rotation.solver.pence import budget_pence, monthly_pence, pence_down
from rotation.solver.race import ProofRace, run_racing
from rotation.solver.variables import Stint, existing_spend

MAX_COLUMNS = 20_000
"""Beyond this many possible secondments the model is not built (HiGHS would take longer
than the month-by-month search it is meant to help)."""

INTEGRAL = 1e-6
"""How far above a whole number HiGHS's bound may sit and still count as that number."""

NARROWING = (0.0025, 0.01, 0.04)
"""Columns whose reduced cost in the goal's linear relaxation is within this share of its
optimum (and those it uses) make the narrowed model searched first for a plan (see
``SecondmentMip.optimum``); each wider share when the narrower ones hold no plan. Measured:
the narrowest share finds a plan on most generated relaxed S instances (the second alone
took them 28.7 s in all instead of 21.1), the second on Highland (a solve of 6-7 s instead
of 8-9, with CP-SAT's search instead), the widest on the relaxed S seed 80, whose optimum is
5 % above the linear bound (the balance's search 0.8 s instead of 3.9 over every column)."""

REPORT_TOLERANCE = 1e-3
"""HiGHS's proof is taken only when the objective it reports is within this of its plan's
cost worked out from the plan's columns. HiGHS 1.16, started from a plan, lost the cost of
the columns its presolve fixed, in its report and in its search: on relaxed S seed 82's
balance it reported 934,070 for a plan costing 1,076,360 (the optimum, luckily), and where
the one-post-at-a-time rows were left out of seed 60's program it called the starting plan
(908,085) optimal with a plan of 895,845 among its columns. HiGHS also takes up as a start the
solution its last solve left (a linear program's, when it happens to be whole: on a random
tiny problem it then reported 26,600 for a plan costing 38,000). So the narrowed search is
no longer started from its plan, the whole program's search starts with no solution left
(see ``SecondmentMip.optimum``), and this check keeps any such report from being believed."""

NARROW_NODES = 200
"""Branch-and-bound nodes the narrowed search may take (a count, so that a run repeats)."""

NARROWED_GOALS = ("balance",)
"""Goals whose search is narrowed first. Not cover or pledges: on the generated tight S
instances their narrowed columns held no plan, or left out too few to help, and their
linear programs took 0.1-0.9 s for nothing."""

NARROWED_LEAST = 0.5
"""The narrowed search runs only when it leaves out at least this share of the columns: one
that leaves out few is the whole search again (measured on a tight S instance's pledges: 150
columns of 3,371 left out, 12.6 s, then 10.6 s for the whole model)."""


class Column(NamedTuple):
    """One possible secondment: a pair (indices) and its first and last month (a tuple: a
    5-post problem has 12,000 of them, made in a blink)."""

    person: int
    post: int
    start: Month
    end: Month


@dataclass(frozen=True)
class MipOptimum:
    """A goal's proven optimum in the relaxation (a floor for the goal) and a plan at it; or,
    ``proven`` False, the best plan HiGHS found before the time ran out and its value in the
    relaxation (no floor: only the plan is of use, once the full model accepts it).
    ``doubted``: not proven, and not for want of time: HiGHS's report disagreed with its
    plan's columns (see ``REPORT_TOLERANCE``), or it found no plan where one is known."""

    value: int
    plan: tuple[Secondment, ...]
    proven: bool = True
    doubted: bool = False
    funded: tuple[FundedStretch, ...] = ()  # the plan's funded officers (``either`` posts)


class SecondmentMip:
    """The whole-secondment relaxation of one model, kept across the goal stages."""

    def __init__(self, model: SolverModel, columns: list[Column]) -> None:
        self.model = model
        self.columns = columns
        self.highs = _mip_highs()
        self.count = 0
        self._add_columns(len(columns))
        self.highs.changeColsIntegrality(
            len(columns), np.arange(len(columns), dtype=np.int32),
            np.full(len(columns), highspy.HighsVarType.kInteger))
        self.goals: dict[str, tuple[dict[int, float], float]] = {}
        self.unnarrowed: set[str] = set()  # goals found to have no narrowed search
        self.short_columns: dict[str, int] = {}  # each owing agency's months short
        # Each month of an ``either`` post a funded officer may hold: its column, and the
        # model's variable for it (see ``funding``).
        self.funded_columns: dict[tuple[int, Month], int] = {}
        self._rows()

    @classmethod
    def of(cls, model: SolverModel) -> SecondmentMip | None:
        """The relaxation of a model with every rule in it, or None when it would be too big
        (or a secondment could be as short as the handover overlap: see ``chains``)."""
        if model.relaxed or not 0 < column_count(model) <= MAX_COLUMNS \
                or not chains_hold(model.problem, model.variables.stints):
            return None
        columns = [Column(pair.person, pair.post, start, end)
                   for pair in model.variables.pairs
                   for start, ends in pair.runs.items() for end in ends]
        return cls(model, columns)

    # -- solving ------------------------------------------------------------------------
    def states(self, tier: GoalTier) -> bool:
        """Whether this model states the tier (the cover, pledges and balance goals)."""
        return self.goal(tier) is not None

    def proof_race(self, tier: GoalTier, seconds: float) -> ProofRace | None:
        """CP-SAT's search of the tier's whole program for ``seconds`` at most, started now on
        the second core, for ``optimum`` to race later (``started``); None when CP-SAT
        cannot state the program (see ``race``) or the model does not state the tier. The
        caller stops it (``ProofRace.stop``) once done with it, raced or not."""
        if self._cost_by(tier) is None:
            return None
        proof = ProofRace(self.highs, seconds, None)
        if not proof.can_run:
            return None
        proof.start()
        return proof

    def optimum(self, tier: GoalTier, seconds: float, *, narrowed_only: bool = False,
                floor: int | None = None, race: bool = False,
                started: ProofRace | None = None) -> MipOptimum | None:
        """The tier's optimum over the relaxation, when HiGHS proves it within ``seconds``;
        otherwise the best plan it found, marked not proven, or None when it found none (and
        for a goal this model does not state; with ``narrowed_only``, None also when there is
        no narrowed search, see below).

        The search looks first for the best plan among the columns the goal's linear
        relaxation prices at or near its optimum (see ``NARROWING``), and when there is one,
        searches for plans no worse than it, leaving out every column whose reduced cost
        there exceeds that plan's distance from the relaxation's bound: a plan with such a
        column would be worse. Measured on the
        generated relaxed S instances, the balance: 0.4-1.5 s instead of 2.2-11 s.

        ``floor``, a value no plan can go below (see ``patterns``), ends the search at the
        first plan that reaches it: that plan is the optimum, proven.

        With ``race`` (a second core free), CP-SAT searches the whole model alongside HiGHS's
        search of it, and a proof from either ends both; the plan is HiGHS's either way (see
        ``race``). ``started``, CP-SAT's search begun earlier (see ``proof_race``), is the
        one raced (the caller stops it, raced or not).
        """
        stated = self._cost_by(tier)
        if stated is None:
            return None
        costs, constant = stated
        deadline = time.monotonic() + seconds
        narrowed = None
        if tier.goal in NARROWED_GOALS and tier.goal not in self.unnarrowed:
            narrowed = self._narrowed(deadline)
            if narrowed is None:
                self.unnarrowed.add(tier.goal)  # (the same next time: no need to look again)
        if narrowed is None and narrowed_only:
            return None
        highs, kept = self.highs, np.arange(self.count)
        # Without the last solve's solution, which HiGHS would otherwise take up as a start
        # (see ``REPORT_TOLERANCE``): a linear one, when whole, or an earlier goal's plan.
        highs.clearSolver()
        start = None
        if narrowed is not None:
            kept, start, found, program = narrowed
            highs = self._subprogram(kept, program)
            # Cut off at the narrowed plan's value rather than started from it: as quick,
            # and HiGHS's search from a start is not to be trusted (see ``REPORT_TOLERANCE``).
            highs.setOptionValue("objective_bound", found + 0.5)
        highs.setOptionValue("time_limit", max(0.01, deadline - time.monotonic()))
        if floor is not None:
            highs.setOptionValue("objective_target", floor - constant + 0.5)
        raced = None
        try:
            if race and narrowed is None:
                raced = run_racing(highs, deadline - time.monotonic(),
                                   None if floor is None else floor - constant, started)
            else:
                run_interruptibly(highs)
        finally:
            highs.setOptionValue("objective_target", -math.inf)
        info = highs.getInfo()
        values = np.zeros(self.count)
        if raced is not None and raced.optimum is not None:  # CP-SAT's proof
            first = raced.first_at(costs, raced.optimum)
            if first is not None:  # (HiGHS was stopped at it)
                values[kept] = first
                return MipOptimum(round(raced.optimum + constant), self.plan(values),
                                 funded=self.funded(values))
        solution: Sequence[float] | np.ndarray | None = None
        if info.primal_solution_status == FEASIBLE:
            solution = highs.getSolution().col_value
            if raced is not None:  # HiGHS's own end: its first plan at its value (see ``race``)
                first = raced.first_at(costs, float(costs @ np.asarray(solution)))
                solution = solution if first is None else first
        if solution is None:
            if start is None:
                return None
            # No plan found below the cutoff, with the narrowed plan known to be there: the
            # clock's doing, or HiGHS's mistake (then not counted as the clock's).
            values[kept] = start
            clock = highs.getModelStatus() == highspy.HighsModelStatus.kTimeLimit
            return MipOptimum(round(float(costs @ values) + constant), self.plan(values),
                              proven=False, doubted=not clock, funded=self.funded(values))
        values[kept] = solution
        # The plan's value from its columns, not HiGHS's report (see ``REPORT_TOLERANCE``;
        # on the patterns' program, see ``patterns``, it reported 2 for a plan costing 3).
        value = float(costs @ values)
        if floor is not None and round(value + constant) <= floor:
            return MipOptimum(floor, self.plan(values), funded=self.funded(values))
        optimal = highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
        doubted = optimal and abs(value - info.objective_function_value) > REPORT_TOLERANCE
        if not optimal or doubted:
            return MipOptimum(round(value + constant), self.plan(values), proven=False,
                              doubted=doubted, funded=self.funded(values))
        bound = info.mip_dual_bound + constant
        # Proven optimal with a gap under 1 on a whole-number goal: the optimum is the plan's
        # value rounded; the bound, less floating-point noise, can only confirm it.
        floor = min(round(value + constant), math.ceil(bound - INTEGRAL))
        return MipOptimum(floor, self.plan(values), funded=self.funded(values))

    def _narrowed(self, deadline: float
                  ) -> tuple[np.ndarray, np.ndarray, float, ColumnArrays] | None:
        """The columns a better plan than the narrowed search's can use, that plan (its
        values in those columns) and its value, and the program's columns as arrays (for the
        search among those columns).

        The narrowed search is over the columns the linear relaxation uses or prices within
        a share of its optimum (see ``NARROWING``); None when it would leave out too few
        columns to be quick (see ``NARROWED_LEAST``), or finds no plan.
        """
        highs = self.highs
        linear = self._solve_linear(deadline - time.monotonic())
        if linear is None:
            return None
        solution = highs.getSolution()
        program = ColumnArrays.of(highs)
        reduced = np.array(solution.col_dual, dtype=np.float64)
        unused = np.array(solution.col_value, dtype=np.float64) <= INTEGRAL
        for share in NARROWING:
            near = np.flatnonzero(~unused | (reduced <= share * (1 + abs(linear))))
            if len(near) > (1 - NARROWED_LEAST) * self.count:
                return None
            search = self._subprogram(near, program)
            search.setOptionValue("mip_max_nodes", NARROW_NODES)
            search.setOptionValue("time_limit", max(0.01, deadline - time.monotonic()))
            run_interruptibly(search)
            if search.getInfo().primal_solution_status == FEASIBLE:
                break
        else:
            return None
        values = np.zeros(self.count)
        values[near] = search.getSolution().col_value
        found = float(program.cost @ values)
        # Reduced costs are exact only to HiGHS's tolerances: a margin keeps the cut sound.
        margin = 1.0 + 1e-6 * (1.0 + abs(linear))
        kept = np.flatnonzero(~unused | (reduced <= found - linear + margin))
        return kept, values[kept], found, program

    def linear_bound(self, tier: GoalTier, seconds: float) -> float | None:
        """The tier's bound from this model's linear program (fractions of secondments), or
        None when HiGHS does not solve it within ``seconds`` (or the model does not state
        the tier)."""
        stated = self._cost_by(tier)
        if stated is None:
            return None
        _, constant = stated
        # (with presolve, for the value alone: 0.24 s on the Highland sample, 0.95 without)
        linear = self._solve_linear(seconds, presolve=True)
        return None if linear is None else linear + constant

    def _cost_by(self, tier: GoalTier) -> tuple[np.ndarray, float] | None:
        """Make the tier this model's objective: its costs and constant (see ``costs``), or
        None when the model does not state it."""
        stated = self.costs(tier)
        if stated is not None:
            self.highs.changeColsCost(self.count, np.arange(self.count, dtype=np.int32),
                                      stated[0])
        return stated

    def _solve_linear(self, seconds: float, presolve: bool = False) -> float | None:
        """Solve this model's linear program at its current costs within ``seconds``: its
        value (the solution stays in HiGHS), or None when not solved in time. Without
        presolve unless asked: five times faster to a solution with its reduced costs."""
        highs = self.highs
        highs.setOptionValue("solve_relaxation", True)
        highs.setOptionValue("presolve", "choose" if presolve else "off")
        highs.setOptionValue("time_limit", max(0.01, seconds))
        try:
            run_interruptibly(highs)
        finally:
            highs.setOptionValue("solve_relaxation", False)
            highs.setOptionValue("presolve", "choose")
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return float(highs.getInfo().objective_function_value)

    def _subprogram(self, columns: np.ndarray, program: ColumnArrays) -> highspy.Highs:
        """A fresh HiGHS instance with this model's rows (``program``, as it is now), options
        and costs but only ``columns`` (in their order): quicker to search than the whole
        model with the rest held at 0, whose presolve alone took longer than the search."""
        start = program.start
        lengths = start[columns + 1] - start[columns]
        offsets = np.repeat(start[columns] - (np.cumsum(lengths) - lengths), lengths)
        entries = offsets + np.arange(int(lengths.sum()))
        part = highspy.HighsLp()
        part.num_col_, part.num_row_ = len(columns), len(program.row_lower)
        part.col_cost_ = program.cost[columns]
        part.col_lower_ = program.lower[columns]
        part.col_upper_ = program.upper[columns]
        part.row_lower_, part.row_upper_ = program.row_lower, program.row_upper
        part.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        part.a_matrix_.num_col_, part.a_matrix_.num_row_ = len(columns), len(program.row_lower)
        part.a_matrix_.start_ = np.concatenate([[0], np.cumsum(lengths)])
        part.a_matrix_.index_ = program.index[entries]
        part.a_matrix_.value_ = program.value[entries]
        part.integrality_ = program.integrality[columns].tolist()
        highs = _mip_highs()
        highs.passModel(part)
        return highs

    def keep(self, tier: GoalTier, value: float) -> None:
        """Hold the tier at or below ``value`` from now on, as the later stages do.

        The row's bound is the value itself, with no allowance for rounding: the kept goals
        are whole numbers of whole-number terms, and HiGHS's presolve mishandled a bound a
        millionth above one (measured: with some columns held at 0 it called a program
        infeasible that had a solution, or gave an optimum below the linear bound).
        """
        goal = self.goal(tier)
        if goal is None:
            return
        terms, constant = goal
        self._add_row(terms, -math.inf, value - constant)
        if tier.goal == "funding" and value <= tier.total.lowest and self.funded_columns:
            # No month funded at all: the funded months' columns go (HiGHS's presolve took
            # a fifth longer on the Highland sample's Option 2 with them held by the row).
            columns = np.array(list(self.funded_columns.values()), dtype=np.int32)
            self.highs.changeColsBounds(len(columns), columns, np.zeros(len(columns)),
                                        np.zeros(len(columns)))

    def costs(self, tier: GoalTier) -> tuple[np.ndarray, float] | None:
        """The tier as a cost for every column of this model, and a constant."""
        goal = self.goal(tier)
        if goal is None:
            return None
        terms, constant = goal
        costs = np.zeros(self.count)
        for index, coefficient in terms.items():
            costs[index] = coefficient
        return costs, constant

    def goal(self, tier: GoalTier) -> tuple[dict[int, float], float] | None:
        """The tier as this model's columns: coefficients by column and a constant."""
        if tier.goal in self.goals:
            return self.goals[tier.goal]
        if tier.goal == "funding":  # each funded month's cost (and a penny), see ``funding``
            column_of = {self.model.funded[key].index: f
                         for key, f in self.funded_columns.items()}
            if not all(var.index in column_of for var, _ in tier.total.terms):
                return None
            costs: dict[int, float] = defaultdict(float)
            for var, coefficient in tier.total.terms:
                costs[column_of[var.index]] += coefficient
            self.goals["funding"] = (dict(costs), float(tier.total.constant))
            return self.goals["funding"]
        if tier.goal != "balance":
            return None
        # The balance is a sum over held months: a secondment costs its months' coefficients.
        by_var: dict[int, float] = defaultdict(float)
        for var, coefficient in tier.total.terms:
            by_var[var.index] += coefficient
        pairs = self.model.variables.pairs
        if not set(by_var) <= {var.index for pair in pairs for var in pair.hold.values()}:
            return None  # a term that is not a held month: not stated here
        # Each pair's coefficients summed month by month, so that a secondment's cost is the
        # sum through its last month less the sum before its first.
        before: dict[tuple[int, int], dict[Month, float]] = {}
        through: dict[tuple[int, int], dict[Month, float]] = {}
        for pair in pairs:
            running = 0.0
            key = (pair.person, pair.post)
            before[key], through[key] = {}, {}
            for t in sorted(pair.hold):
                before[key][t] = running
                running += by_var.get(pair.hold[t].index, 0.0)
                through[key][t] = running
        terms: dict[int, float] = {}
        for j, column in enumerate(self.columns):
            key = (column.person, column.post)
            cost = through[key][column.end] - before[key][column.start]
            if cost:
                terms[j] = cost
        self.goals["balance"] = (terms, float(tier.total.constant))
        return self.goals["balance"]

    def plan(self, values: Sequence[float] | np.ndarray) -> tuple[Secondment, ...]:
        """The new secondments of a solution (its values by column; later columns ignored)."""
        problem = self.model.problem
        chosen = [column for j, column in enumerate(self.columns) if values[j] > 0.5]
        return tuple(Secondment(person=problem.candidates[c.person].person,
                                post=problem.posts[c.post].post, start=c.start, end=c.end)
                     for c in chosen)

    # -- building -------------------------------------------------------------------------
    def _add_columns(self, count: int, upper: float = 1.0) -> list[int]:
        self.highs.addVars(count, np.zeros(count), np.full(count, upper))
        made = list(range(self.count, self.count + count))
        self.count += count
        return made

    def _add_row(self, terms: dict[int, float], lower: float, upper: float) -> None:
        if not terms:
            return
        self.highs.addRow(lower, upper, len(terms), np.array(list(terms), dtype=np.int32),
                          np.array(list(terms.values()), dtype=np.float64))

    def _rows(self) -> None:
        model = self.model
        problem = model.problem
        variables = model.variables

        # R1, R6, R7 and the cover goal: each post's chain of holders (see ``chains``).
        network: dict[RowKey, dict[int, float]] = defaultdict(dict)
        for j, c in enumerate(self.columns):
            for key, coefficient in run_terms(c.post, c.start, c.end):
                network[key][j] = coefficient
        vacant: dict[int, float] = {}
        vacant_at: dict[tuple[int, Month], list[int]] = defaultdict(list)
        agreed: list[int] = []
        for q, post in enumerate(problem.posts):
            if post.funding == "funded":
                continue  # no secondee holds it
            for arc in post_arcs(problem, q, variables.stints_by_post[q]):
                (a,) = self._add_columns(1)
                for key, coefficient in arc_terms(q, arc):
                    network[key][a] = coefficient
                if arc.vacant:  # (into the month it leaves vacant)
                    vacant[a] = 1.0
                    assert arc.head is not None
                    vacant_at[(q, int(str(arc.head[1])))].append(a)
                if arc.agreed:
                    agreed.append(a)
        order = {"source": 0, "flow": 1, "handovers": 2}  # HiGHS's path depends on it
        for key, terms in sorted(network.items(), key=lambda item: order[str(item[0][0])]):
            self._add_row(terms, *row_bounds(problem, key))
        if agreed:
            self.highs.changeColsBounds(len(agreed), np.array(agreed, dtype=np.int32),
                                        np.ones(len(agreed)), np.ones(len(agreed)))
        self._funded_months(vacant, vacant_at)
        self.goals["cover"] = (vacant, 0.0)

        # R8-R11 and the pledges (see ``RuleRows``), in a fixed order of kinds; no
        # one-post-at-a-time rows for people their count row already holds to one secondment.
        rules = RuleRows(problem, variables.stints, implied_holding=False, cooling=True)
        short: dict[int, float] = {}
        for code in rules.owed:  # the pledge goal: pledged months short
            (s,) = self._add_columns(1, upper=rules.owed[code])
            short[s] = 1
            self.short_columns[code] = s
        people, _posts, starts, ends = np.array(self.columns, dtype=np.int64).reshape(-1, 4).T
        made = rules.rows(people, starts, ends, self.short_columns)
        for kind in RuleRows.KINDS:
            keys, rows = made[kind]
            lower, upper = zip(*(rules.bounds(key) for key in keys), strict=True) \
                if keys else ((), ())
            self.highs.addRows(len(keys), np.array(lower, dtype=np.float64),
                               np.array(upper, dtype=np.float64), len(rows.columns),
                               rows.starts[:-1].astype(np.int32),
                               rows.columns.astype(np.int32), rows.values)
        self.goals["pledges"] = (short, 0.0)


    def _funded_months(self, vacant: dict[int, float],
                       vacant_at: dict[tuple[int, Month], list[int]]) -> None:
        """R13, R14 and the funding goal: a column for each month of an ``either`` post a
        funded officer may hold, only in a month the post's chain leaves vacant, and then
        not counted in the cover (``vacant``); the central budget each financial year."""
        model = self.model
        problem = model.problem
        budget = problem.settings.central_budget
        spend: dict[int, dict[int, float]] = defaultdict(dict)
        for (q, t) in sorted(model.funded):
            (f,) = self._add_columns(1)
            self.funded_columns[(q, t)] = f
            self._add_row({f: 1.0, **{a: -1.0 for a in vacant_at.get((q, t), [])}},
                          -math.inf, 0.0)
            vacant[f] = -1.0
            spend[financial_year(t)][f] = float(funded_monthly_pence(problem, problem.posts[q]))
        if self.funded_columns:
            columns = np.array(list(self.funded_columns.values()), dtype=np.int32)
            self.highs.changeColsIntegrality(
                len(columns), columns, np.full(len(columns), highspy.HighsVarType.kInteger))
        if budget is not None:
            fixed = direct_cost_pence_by_year(problem, implied_stretches(problem))
            for year, terms in sorted(spend.items()):
                self._add_row(terms, -math.inf, pence_down(budget) - fixed.get(year, 0))

    def funded(self, values: Sequence[float] | np.ndarray) -> tuple[FundedStretch, ...]:
        """The funded officers of a solution (its values by column): ``funded`` posts whole,
        ``either`` posts in the months chosen."""
        chosen: dict[int, list[Month]] = defaultdict(list)
        for (q, t), f in self.funded_columns.items():
            if values[f] > 0.5:
                chosen[q].append(t)
        return with_funded_posts(self.model.problem, chosen)


class RuleRows:
    """The rows of a whole-secondment model besides each post's chain (see ``chains``), each
    less what the agreed secondments already take: one post at a time (``holding``, R11),
    staff out per agency and month (``out``, R8, R9), cost per agency and financial year
    (``spend``, R10), secondments per person (``person``, R11: the new ones, at most what
    the agreed ones leave) and pledged months (``pledged``: at least what is owed, less the
    months short).

    With ``cooling`` (where people may have several secondments, cooling-off months apart),
    a person's row for a month also counts their secondments that ended in the cooling-off
    months before it, as the model's R11 rows do: a month held, or a month after an end, at
    most one of them. (Pricing leaves it out: its reduced costs price a run's months only.)
    """

    KINDS = ("holding", "out", "spend", "person", "pledged")

    def __init__(self, problem: Problem, stints: Sequence[Stint], *,
                 implied_holding: bool = True, cooling: bool = False) -> None:
        self.problem = problem
        settings = problem.settings
        self.cooling = (settings.cooling_off_months
                        if cooling and settings.max_secondments_per_person > 1 else 0)
        # Someone who may have one secondment cannot hold two posts in a month: their count
        # row says so for every month at once. ``implied_holding`` False leaves out their
        # one-post-at-a-time rows, which only add rows (and degenerate pivots) to a program.
        self.implied_holding = implied_holding or settings.max_secondments_per_person > 1
        self.busy: dict[tuple[int, Month], int] = defaultdict(int)
        agreed_out: dict[tuple[str, Month], int] = defaultdict(int)
        agreed_months: dict[str, int] = defaultdict(int)
        for stint in stints:
            code = problem.candidates[stint.person].agency
            for t in problem.horizon:
                if stint.covers(t):
                    self.busy[(stint.person, t)] += 1
                    agreed_out[(code, t)] += 1
                    agreed_months[code] += 1
        self.agreed_out = agreed_out
        self.agreed_spend = existing_spend(problem, stints)
        self.free = {p for p in range(len(problem.candidates))} - {s.person for s in stints}
        agreed = [0] * len(problem.candidates)
        for stint in stints:
            agreed[stint.person] += 1
        # R11: the new secondments each person may still have.
        self.allowed = [max(0, settings.max_secondments_per_person - count) for count in agreed]
        self.pence = [monthly_pence(problem, c) for c in problem.candidates]
        self.budgeted = {a.agency for a in problem.agencies if a.backfill_budget is not None}
        self.cap = {code: problem.most_out(code) for code in {c.agency for c in problem.candidates}}
        self.owed = {a.agency: a.pledged_months - agreed_months[a.agency]
                     for a in problem.agencies
                     if a.pledged_months is not None
                     and a.pledged_months > agreed_months[a.agency]}

    def terms(self, person: int, start: Month, end: Month) -> Terms:
        """The rows a secondment of ``person`` from ``start`` to ``end`` is in, by kind."""
        code = self.problem.candidates[person].agency
        months = range(start, end + 1)
        terms: Terms = ([(("holding", person, t), 1.0)
                         for t in range(start, self._reach(end) + 1)]
                        if self.implied_holding or person not in self.free else [])
        terms += [(("out", code, t), 1.0) for t in months]
        if code in self.budgeted:
            spend: dict[int, float] = defaultdict(float)
            for t in months:
                spend[financial_year(t)] += self.pence[person]
            terms += [(("spend", code, year), pence) for year, pence in spend.items()]
        terms.append((("person", person), 1.0))
        if code in self.owed:
            terms.append((("pledged", code), float(len(months))))
        return terms

    def _reach(self, end: Month) -> Month:
        """The last month whose one-at-a-time row a secondment ending in ``end`` is in: its
        end, or the end of the cooling-off after it (within the horizon)."""
        return min(end + self.cooling, self.problem.settings.horizon_end)

    def rows(self, people: np.ndarray, starts: np.ndarray, ends: np.ndarray,
             short: dict[str, int]) -> dict[str, tuple[list[RowKey], Rows]]:
        """The rows of every kind (see ``KINDS``) for many secondments at once (column j a
        secondment of ``people[j]`` from ``starts[j]`` to ``ends[j]``; ``short`` the
        months-short column of each owing agency): what ``terms`` gives each of them,
        gathered by row, each row's key and entries. The rows of a kind come in the order a
        column-by-column pass first meets them, each row's entries by column, so that HiGHS
        gets the same program whichever way it was made (its path depends on the order)."""
        problem = self.problem
        agencies = sorted({c.agency for c in problem.candidates})
        agency = np.array([agencies.index(c.agency) for c in problem.candidates],
                          dtype=np.int64)[people]
        made: dict[str, tuple[list[RowKey], Rows]] = {}
        # The months of every secondment, column by column.
        lengths = ends - starts + 1
        column = np.repeat(np.arange(len(people)), lengths)
        month = (np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
                 + starts[column])
        first = int(month.min()) if len(month) else 0
        span = int(month.max()) - first + 1 if len(month) else 1

        # The months of every secondment's one-at-a-time rows: its own, and those of the
        # cooling-off after it (see ``cooling``).
        reach = np.minimum(ends + self.cooling, problem.settings.horizon_end) \
            if self.cooling else ends
        held = reach - starts + 1
        by = np.repeat(np.arange(len(people)), held)
        at = np.arange(int(held.sum())) - np.repeat(np.cumsum(held) - held, held) + starts[by]
        low = int(at.min()) if len(at) else 0
        width = int(at.max()) - low + 1 if len(at) else 1
        chosen = np.arange(len(by)) if self.implied_holding \
            else np.flatnonzero(~np.isin(people[by], sorted(self.free)))
        keys, rows = Rows.first_seen(people[by[chosen]] * width + at[chosen] - low,
                                     by[chosen], np.ones(len(chosen)))
        made["holding"] = ([("holding", int(k // width), int(k % width) + low) for k in keys],
                           rows)

        keys, rows = Rows.first_seen(agency[column] * span + month - first, column,
                                     np.ones(len(column)))
        made["out"] = ([("out", agencies[int(k // span)], int(k % span) + first)
                        for k in keys], rows)

        years = np.array([financial_year(t) for t in range(first, first + span)],
                         dtype=np.int64)
        year = years[month - first]
        low, count = int(years.min()), int(years.max() - years.min()) + 1
        budgeted = np.isin(agency[column], [agencies.index(code) for code in self.budgeted
                                            if code in agencies])
        # One entry per secondment and year: its months there at its grade's monthly cost.
        pairs, months = np.unique(column[budgeted] * count + year[budgeted] - low,
                                  return_counts=True)
        paying, in_year = pairs // count, pairs % count
        pence = np.array(self.pence, dtype=np.float64)[people[paying]] * months
        keys, rows = Rows.first_seen(agency[paying] * count + in_year, paying, pence)
        made["spend"] = ([("spend", agencies[int(k // count)], int(k % count) + low)
                          for k in keys], rows)

        keys, rows = Rows.first_seen(people, np.arange(len(people)), np.ones(len(people)))
        made["person"] = ([("person", int(p)) for p in keys], rows)

        # One row per owing agency, in the agencies' order, its months short last.
        parts = [(np.flatnonzero(agency == agencies.index(code)) if code in agencies
                  else np.zeros(0, dtype=np.int64), code) for code in self.owed]
        made["pledged"] = ([("pledged", code) for code in self.owed], Rows.of_parts(
            [np.append(owing, short[code]) for owing, code in parts],
            [np.append(lengths[owing].astype(np.float64), 1.0) for owing, _ in parts]))
        return made

    def bounds(self, key: RowKey) -> tuple[float, float]:
        """A row's lower and upper bound."""
        kind = key[0]
        if kind == "holding":
            return -math.inf, 1 - self.busy.get((int(str(key[1])), int(str(key[2]))), 0)
        if kind == "out":
            code, month = str(key[1]), int(str(key[2]))
            return -math.inf, self.cap[code] - self.agreed_out.get((code, month), 0)
        if kind == "spend":
            agency = self.problem.agency_by_code[str(key[1])]
            spent = self.agreed_spend.get(agency.agency, {}).get(int(str(key[2])), 0)
            return -math.inf, budget_pence(agency) - spent
        if kind == "person":
            return -math.inf, self.allowed[int(str(key[1]))]
        if kind == "pledged":
            return self.owed[str(key[1])], math.inf
        raise ValueError(f"not a rule row: {key}")


@dataclass(frozen=True)
class Rows:
    """Rows of a program by their entries: row i's columns and values are
    ``columns[starts[i]:starts[i + 1]]`` and ``values[...]`` (``starts`` ends with the count)."""

    starts: np.ndarray
    columns: np.ndarray
    values: np.ndarray

    @classmethod
    def first_seen(cls, keys: np.ndarray, columns: np.ndarray, values: np.ndarray
                   ) -> tuple[np.ndarray, Rows]:
        """Entries (each the row's key, its column and value, in the order a column-by-column
        pass meets them) gathered by row: the rows' keys in the order first met, and the
        rows, each row's entries in the order given."""
        unique, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        met = np.argsort(first, kind="stable")
        rank = np.empty(len(unique), dtype=np.int64)
        rank[met] = np.arange(len(unique))
        row = rank[inverse]
        order = np.argsort(row, kind="stable")
        starts = np.searchsorted(row[order], np.arange(len(unique) + 1))
        return unique[met], cls(starts, columns[order], values[order])

    @classmethod
    def of_parts(cls, columns: Sequence[np.ndarray], values: Sequence[np.ndarray]) -> Rows:
        """Rows given one by one, as their columns and values."""
        sizes = [len(part) for part in columns]
        starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        return cls(starts, np.concatenate([np.zeros(0, dtype=np.int64), *columns]),
                   np.concatenate([np.zeros(0), *values]))


def _mip_highs() -> highspy.Highs:
    """A quiet one-thread HiGHS instance set up for these programs."""
    highs = new_highs()
    set_up_search(highs)
    return highs


def set_up_search(highs: highspy.Highs) -> None:
    """Set HiGHS up to search a whole-secondment program for a whole-number goal."""
    highs.setOptionValue("presolve_rule_off", 2**15)  # probing: slow on these rows
    highs.setOptionValue("mip_rel_gap", 0.0)
    highs.setOptionValue("mip_abs_gap", 1 - 1e-3)  # every goal is a whole number


def column_count(model: SolverModel) -> int:
    """How many possible secondments (columns) the model's pairs have."""
    return sum(len(ends) for pair in model.variables.pairs for ends in pair.runs.values())

