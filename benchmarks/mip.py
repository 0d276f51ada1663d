"""Baseline (b): the MIP an analyst would write instead, solved by HiGHS (highspy).

One 0/1 column per candidate secondment (person, post, start, length), with lengths kept to
the longest a person may serve, the minimum, and "runs to the horizon's end" (a
simplification of ours, which allows every length). Rows: at most one core holder a month
per post and one newcomer in a handover (R1, R6), the outgoing holder leaves exactly when
the overlap ends (R6), handovers per month (R7), staff out per agency and month (R8, R9),
budgets per financial year (R10), secondments per person and cooling-off (R11). R2–R4 come
from the same eligibility as the solver (``restrict_domains``). The goals are solved in the
same strict order, one HiGHS solve per tier, each keeping the tiers above at their best.
Supports problems without Existing secondments (the benchmark instances have none).
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass

import highspy
import numpy as np

from rotation.domain import Problem, Secondment
from rotation.months import financial_year
from rotation.solver.domains import restrict_domains
from rotation.solver.variables import longest_run

PROBING = 2**15
"""HiGHS presolve rule bit for probing, which alone can use the whole time limit here."""


@dataclass
class Column:
    """One candidate secondment."""

    person: int
    post: int
    start: int
    end: int


@dataclass
class MipResult:
    """The best plan HiGHS found, when it found its first plan, and whether it proved it."""

    secondments: tuple[Secondment, ...]
    build_seconds: float
    first_seconds: float | None
    seconds: float
    proven: bool


class _Rows:
    """Rows kept as lists until they are passed to HiGHS in one call."""

    def __init__(self) -> None:
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.starts: list[int] = []
        self.index: list[int] = []
        self.value: list[float] = []

    def add(self, terms: dict[int, float], lower: float, upper: float) -> None:
        """Add ``lower <= sum(value * column) <= upper`` (skipped when empty)."""
        if not terms:
            return
        self.starts.append(len(self.index))
        self.index.extend(terms)
        self.value.extend(terms.values())
        self.lower.append(lower)
        self.upper.append(upper)

    def pass_to(self, highs: highspy.Highs) -> None:
        """Add every row to the model."""
        highs.addRows(len(self.lower), np.array(self.lower), np.array(self.upper),
                      len(self.index), np.array(self.starts, dtype=np.int32),
                      np.array(self.index, dtype=np.int32), np.array(self.value))


def _columns(problem: Problem) -> list[Column]:
    settings = problem.settings
    last = settings.horizon_end
    columns = []
    for (p, q), months in sorted(restrict_domains(problem, frozenset(), []).items()):
        longest = longest_run(problem, p)
        for s in months:
            ends = {min(s + longest - 1, months[-1]), s + settings.min_secondment_months - 1}
            if months[-1] == last:
                ends.add(last)
            for e in sorted(ends):
                length = e - s + 1
                if e > months[-1] or length > longest:
                    continue
                if length < settings.min_secondment_months and e != last:
                    continue
                columns.append(Column(p, q, s, e))
    return columns


def solve_mip(problem: Problem, time_limit: float) -> MipResult:
    """Plan with HiGHS within ``time_limit`` seconds, goal tier by goal tier."""
    if problem.existing:
        raise ValueError("the MIP baseline supports problems without Existing secondments")
    started = time.monotonic()
    settings = problem.settings
    horizon = problem.horizon
    overlap = settings.handover_overlap_months
    columns = _columns(problem)
    n = len(columns)
    covering: dict[tuple[int, int], list[int]] = defaultdict(list)
    for j, c in enumerate(columns):
        for t in range(c.start, c.end + 1):
            covering[(c.post, t)].append(j)

    highs = highspy.Highs()
    highs.setOptionValue("output_flag", bool(__import__("os").environ.get("HIGHS_LOG")))
    # HiGHS's own advice when its probing runs out of time on these dense rows
    highs.setOptionValue("presolve_rule_off", PROBING)
    highs.addVars(n, np.zeros(n), np.ones(n))
    highs.changeColsIntegrality(n, np.arange(n, dtype=np.int32),
                                np.full(n, highspy.HighsVarType.kInteger))
    rows = _Rows()
    extra = n  # next index for helper columns

    def new_columns(count: int, upper: float) -> list[int]:
        nonlocal extra
        highs.addVars(count, np.zeros(count), np.full(count, upper))
        made = list(range(extra, extra + count))
        extra += count
        return made

    # R1/R6: at most one holder past their first O months, one newcomer in their first O.
    starts: dict[tuple[int, int], dict[int, float]] = defaultdict(dict)
    ends: dict[tuple[int, int], dict[int, float]] = defaultdict(dict)
    for j, c in enumerate(columns):
        starts[(c.post, c.start)][j] = 1
        ends[(c.post, c.end)][j] = 1
    handover_terms: dict[int, dict[int, float]] = defaultdict(dict)
    for q, _post in enumerate(problem.posts):
        for t in horizon:
            held = covering.get((q, t), [])
            core = {j: 1.0 for j in held if t >= columns[j].start + overlap}
            rows.add(core, 0, 1)
            if overlap >= 1:
                shadow = {j: 1.0 for j in held if t < columns[j].start + overlap}
                rows.add(shadow, 0, 1)
                # back to back is not a handover: nobody starts right after someone ends
                rows.add({**starts[(q, t)], **ends[(q, t - 1)]}, 0, 1)
                continuing = {j: 1.0 for j in covering.get((q, t - 1), [])
                              if columns[j].end >= t}
                if starts[(q, t)] and continuing:
                    # newcomer + continuing holder - 1 <= ends at t+O-1 (R6), <= handover (R7)
                    terms = {**starts[(q, t)]}
                    for j in continuing:
                        terms[j] = terms.get(j, 0) + 1
                    leave = dict(terms)
                    for j in ends[(q, t + overlap - 1)]:
                        leave[j] = leave.get(j, 0) - 1
                    rows.add(leave, -math.inf, 1)
                    (h,) = new_columns(1, 1)
                    terms[h] = -1
                    rows.add(terms, -math.inf, 1)
                    handover_terms[t][h] = 1
            else:
                rows.add({j: 1.0 for j in held}, 0, 1)
                if starts[(q, t)] and ends[(q, t - 1)]:
                    (h,) = new_columns(1, 1)
                    rows.add({**starts[(q, t)], **ends[(q, t - 1)], h: -1}, -math.inf, 1)
                    handover_terms[t][h] = 1
    for terms in handover_terms.values():
        rows.add(terms, 0, settings.max_handovers_per_month)

    # R8, R9, R10: staff out per agency and month, cost per agency and financial year.
    agency_of = [c.agency for c in problem.candidates]
    out: dict[tuple[str, int], dict[int, float]] = defaultdict(dict)
    cost: dict[tuple[str, int], dict[int, float]] = defaultdict(dict)
    months_of_agency: dict[str, dict[int, float]] = defaultdict(dict)
    for j, c in enumerate(columns):
        agency = agency_of[c.person]
        candidate = problem.candidates[c.person]
        grade = problem.grade_by_key.get((candidate.agency, candidate.grade))
        pence = 0 if grade is None else round(grade.monthly_cost * 100)
        for t in range(c.start, c.end + 1):
            out[(agency, t)][j] = 1
            year_cost = cost[(agency, financial_year(t))]
            year_cost[j] = year_cost.get(j, 0) + pence
        months_of_agency[agency][j] = c.end - c.start + 1
    for (agency, _t), terms in out.items():
        record = problem.agency_by_code.get(agency)
        cap = settings.max_secondees_per_agency
        if record is not None:
            cap = min(cap, record.max_concurrent)
        rows.add(terms, 0, cap)
    for (agency, _year), terms in cost.items():
        record = problem.agency_by_code.get(agency)
        if record is not None and record.backfill_budget is not None:
            rows.add(terms, 0, math.floor(record.backfill_budget * 100 + 1e-6))

    # R11: secondments per person; with cooling-off, stretched runs never meet.
    by_person: dict[int, list[int]] = defaultdict(list)
    for j, c in enumerate(columns):
        by_person[c.person].append(j)
    cooling = settings.cooling_off_months
    for mine in by_person.values():
        rows.add({j: 1.0 for j in mine}, 0, settings.max_secondments_per_person)
        if settings.max_secondments_per_person > 1:
            for t in horizon:
                rows.add({j: 1.0 for j in mine
                          if columns[j].start <= t <= columns[j].end + cooling}, 0, 1)

    # Goals: vacant post-months, pledge shortfall, then the weighted balance.
    vacancy_cols: list[int] = []
    for q, post in enumerate(problem.posts):
        if post.funding == "funded":
            continue
        for t in problem.post_months(post):
            (v,) = new_columns(1, 1)
            vacancy_cols.append(v)
            rows.add({**{j: 1.0 for j in covering.get((q, t), [])}, v: 1}, 1, math.inf)
    shortfall_cols: list[int] = []
    for agency in problem.agencies:
        if agency.pledged_months is None:
            continue
        (s,) = new_columns(1, agency.pledged_months)
        shortfall_cols.append(s)
        rows.add({**months_of_agency.get(agency.agency, {}), s: 1}, agency.pledged_months,
                 math.inf)
    balance = [_balance_cost(problem, c) for c in columns]
    rows.pass_to(highs)
    build_seconds = time.monotonic() - started

    tiers = [{v: 1.0 for v in vacancy_cols}, {s: 1.0 for s in shortfall_cols},
             {j: balance[j] for j in range(n) if balance[j]}]
    deadline = started + time_limit
    first: float | None = None
    proven = True
    solution: list[float] | None = None
    for index, tier in enumerate(tiers):
        left = deadline - time.monotonic()
        if left <= 0.05:
            proven = False
            break
        costs = np.zeros(extra)
        for j, coefficient in tier.items():
            costs[j] = coefficient
        highs.changeColsCost(extra, np.arange(extra, dtype=np.int32), costs)
        highs.setOptionValue("time_limit", left / (len(tiers) - index) if index < 2 else left)
        highs.run()
        info = highs.getInfo()
        if info.primal_solution_status != 2:  # no feasible solution
            proven = False
            break
        found = highs.getSolution()
        solution = list(found.col_value)
        if first is None:
            first = time.monotonic() - started
        status = highs.getModelStatus()
        proven = proven and status == highspy.HighsModelStatus.kOptimal
        value = sum(coefficient * solution[j] for j, coefficient in tier.items())
        if index + 1 < len(tiers):
            highs.addRow(-math.inf, value + 1e-6, len(tier),
                         np.array(list(tier), dtype=np.int32), np.array(list(tier.values())))
            highs.setSolution(found)  # the next tier starts from this plan
    secondments = () if solution is None else tuple(
        Secondment(person=problem.candidates[c.person].person, post=problem.posts[c.post].post,
                   start=c.start, end=c.end)
        for j, c in enumerate(columns) if solution[j] > 0.5)
    return MipResult(secondments, build_seconds, first, time.monotonic() - started,
                     proven and solution is not None)


def _balance_cost(problem: Problem, column: Column) -> float:
    """Weighted preference, travel and cost of a secondment's months inside the horizon."""
    settings = problem.settings
    candidate = problem.candidates[column.person]
    area = problem.posts[column.post].area
    months = column.end - column.start + 1
    grade = problem.grade_by_key.get((candidate.agency, candidate.grade))
    travel = (problem.travel_minutes(candidate.home_area, area) or 0
              if candidate.home_area else 0)
    per_month = (settings.weight_preference * problem.preference_penalty(candidate, area)
                 + settings.weight_travel * travel
                 + settings.weight_cost * (grade.monthly_cost if grade else 0.0))
    return months * per_month
