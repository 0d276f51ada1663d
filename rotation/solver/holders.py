"""The best holders for a plan's secondments, their posts and months kept as they are.

A search that stops on the clock leaves a plan whose posts' months (who is needed where,
and when) are good but whose holders may not be the best matched: on a large problem the
search saw only a shortlist of pairs, and its last minutes went to the cover. Given the
plan's secondments as *slots* (a post and its months), who should hold each is a small
assignment program: one holder a slot, each person at most the secondments R11 allows, each
agency's staff out (R8, R9) and budget (R10) within their limits, and no more pledged months
short than the plan has (the second goal), at the least preference, travel and cost (the
balance). The posts' months do not change, so neither do the cover, the handovers (R6, R7)
or the funded officers; Existing secondments stay as they are.

HiGHS solves it from the plan's own holders, so it can only do better than the plan.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import highspy
import numpy as np

from rotation.domain import Problem, Secondment
from rotation.months import Month, financial_year
from rotation.solver.domains import Domains, restrict_domains
from rotation.solver.greedy import matched_rate
from rotation.solver.highs import FEASIBLE, new_highs, run_interruptibly
from rotation.solver.pence import budget_pence, monthly_pence
from rotation.solver.variables import longest_run

MIP_GAP = 1e-4
"""HiGHS stops within this share of the best holders' balance. On the generated 150-post
problem it was this close 1.1 s in, its linear bound already the optimum, and took 2.5 s
more to close the last 13 of 340,578."""


@dataclass(frozen=True)
class _Slot:
    """A new secondment's post and months, whoever holds it."""

    post: int
    start: Month
    end: Month

    @property
    def months(self) -> range:
        return range(self.start, self.end + 1)


class _Program:
    """The assignment program's columns and rows, built up before HiGHS sees them."""

    def __init__(self) -> None:
        self.costs: list[float] = []
        self.upper: list[float] = []
        self.integer: list[int] = []
        self.rows: list[tuple[float, float, dict[int, float]]] = []

    def column(self, cost: float, upper: float, integer: bool) -> int:
        self.costs.append(cost)
        self.upper.append(upper)
        if integer:
            self.integer.append(len(self.costs) - 1)
        return len(self.costs) - 1

    def row(self, lower: float, upper: float, terms: dict[int, float]) -> None:
        if terms:
            self.rows.append((lower, upper, terms))

    def highs(self) -> highspy.Highs:
        highs = new_highs()
        count = len(self.costs)
        highs.addVars(count, np.zeros(count), np.array(self.upper, dtype=np.float64))
        highs.changeColsCost(count, np.arange(count, dtype=np.int32),
                             np.array(self.costs, dtype=np.float64))
        highs.changeColsIntegrality(
            len(self.integer), np.array(self.integer, dtype=np.int32),
            np.full(len(self.integer), highspy.HighsVarType.kInteger))
        starts, index, value = [0], list[int](), list[float]()
        for _, _, terms in self.rows:
            index.extend(terms)
            value.extend(terms.values())
            starts.append(len(index))
        highs.addRows(len(self.rows), np.array([r[0] for r in self.rows], dtype=np.float64),
                      np.array([r[1] for r in self.rows], dtype=np.float64), len(index),
                      np.array(starts[:-1], dtype=np.int32), np.array(index, dtype=np.int32),
                      np.array(value, dtype=np.float64))
        return highs


@dataclass(frozen=True)
class Holders:
    """What ``best_holders`` found: a better plan (None for none) and whether the clock
    stopped HiGHS before it proved that plan the best."""

    plan: tuple[Secondment, ...] | None
    clock_stopped: bool


def best_holders(problem: Problem, plan: Sequence[Secondment], seconds: float,
                 domains: Domains | None = None,
                 allowed: Callable[[int, int, Month, Month], bool] | None = None) -> Holders:
    """``plan`` with its new secondments' holders chosen afresh for the least balance (see
    the module), as far as HiGHS gets in ``seconds``.

    Every holder chosen keeps R2-R5 and R8-R11 with the others; the total of pledged months
    short is at most ``plan``'s. ``domains``: the months each pair may have under R2-R4,
    when already worked out; ``allowed(person, post, start, end)``, when given, limits the
    holders further (to a model's own pairs and runs, say).
    """
    started = time.monotonic()
    settings = problem.settings
    person_index = {c.person: i for i, c in enumerate(problem.candidates)}
    post_index = {post.post: i for i, post in enumerate(problem.posts)}
    kept = [s for s in plan if s.existing]
    new = [s for s in plan if not s.existing]
    if not new or any(s.person not in person_index or s.post not in post_index for s in new):
        return Holders(None, clock_stopped=False)
    horizon = range(settings.horizon_start, settings.horizon_end + 1)
    agency_of = [c.agency for c in problem.candidates]
    pence = [monthly_pence(problem, c) for c in problem.candidates]

    # What the Existing secondments hold already: their months in the horizon count
    # towards their agency's staff out, budget and pledge; their holders' own limits.
    out: dict[tuple[str, Month], int] = defaultdict(int)
    spent: dict[tuple[str, int], int] = defaultdict(int)
    months_out: dict[str, int] = defaultdict(int)
    held: dict[int, list[Secondment]] = defaultdict(list)
    for s in kept:
        p = person_index.get(s.person)
        if p is None:
            continue
        held[p].append(s)
        for t in range(max(s.start, horizon.start), min(s.end, horizon[-1]) + 1):
            out[(agency_of[p], t)] += 1
            spent[(agency_of[p], financial_year(t))] += pence[p]
            months_out[agency_of[p]] += 1

    slots = [_Slot(post_index[s.post], s.start, s.end) for s in new]
    holders = [person_index[s.person] for s in new]
    if domains is None:
        domains = restrict_domains(problem, frozenset(), [])
    rate = matched_rate(problem)
    cooling = settings.cooling_off_months

    def may_hold(p: int, slot: _Slot) -> bool:
        months = domains.get((p, slot.post))
        if (months is None or not months[0] <= slot.start <= slot.end <= months[-1]
                or slot.end - slot.start + 1 > longest_run(problem, p)):
            return False
        if allowed is not None and not allowed(p, slot.post, slot.start, slot.end):
            return False
        return (len(held[p]) < settings.max_secondments_per_person
                and all(slot.start >= s.end + 1 + cooling or s.start >= slot.end + 1 + cooling
                        for s in held[p]))

    program = _Program()
    columns: dict[tuple[int, int], int] = {}  # (slot, person) -> column
    rates: dict[tuple[int, int], float] = {}
    for i, slot in enumerate(slots):
        length = len(slot.months)
        for p in range(len(problem.candidates)):
            if p == holders[i] or may_hold(p, slot):
                if (p, slot.post) not in rates:
                    rates[(p, slot.post)] = rate(p, slot.post)
                columns[(i, p)] = program.column(rates[(p, slot.post)] * length, 1.0, True)
    # Whether an agency holds a slot: read by its staff-out and pledge rows, which would
    # otherwise name every candidate in every month of every slot.
    budgets = {a.agency: budget_pence(a) for a in problem.agencies
               if a.backfill_budget is not None}
    years = [Counter(financial_year(t) for t in slot.months) for slot in slots]
    by_slot: dict[int, dict[int, float]] = defaultdict(dict)
    by_person: dict[int, list[tuple[int, int]]] = defaultdict(list)  # p -> (slot, column)
    by_agency: dict[tuple[int, str], dict[int, float]] = defaultdict(dict)
    spend_terms: dict[tuple[str, int], dict[int, float]] = defaultdict(dict)
    for (i, p), k in columns.items():
        by_slot[i][k] = 1.0
        by_person[p].append((i, k))
        by_agency[(i, agency_of[p])][k] = -1.0
        if agency_of[p] in budgets:
            for year, months in years[i].items():
                spend_terms[(agency_of[p], year)][k] = pence[p] * months
    for i in range(len(slots)):
        program.row(1.0, 1.0, by_slot[i])  # R1: one holder each (the cover is kept)
    holds: dict[tuple[int, str], int] = {}
    for (i, code), terms in by_agency.items():
        holds[(i, code)] = held_by = program.column(0.0, 1.0, False)
        program.row(0.0, 0.0, {**terms, held_by: 1.0})

    # R11: at most the person's secondments, and none of them within the cooling-off of
    # another: the slots that clash with one another all share a month of their runs
    # stretched by the cooling-off, so a row at each slot's start is exact.
    for p, theirs in by_person.items():
        room = settings.max_secondments_per_person - len(held[p])
        if len(theirs) > room:
            program.row(-np.inf, room, {k: 1.0 for _, k in theirs})
        if room < 2:
            continue  # (one secondment at most: nothing can clash)
        for j, _ in theirs:
            clash = {k: 1.0 for i, k in theirs
                     if slots[i].start <= slots[j].start <= slots[i].end + cooling}
            if len(clash) > 1:
                program.row(-np.inf, 1.0, clash)

    # R8, R9: each agency's staff out in each month; R10: its budget in each year.
    out_terms: dict[tuple[str, Month], dict[int, float]] = defaultdict(dict)
    pledge_terms: dict[str, dict[int, float]] = defaultdict(dict)
    for (i, code), k in holds.items():
        for t in slots[i].months:
            out_terms[(code, t)][k] = 1.0
        pledge_terms[code][k] = len(slots[i].months)
    for (code, t), terms in out_terms.items():
        program.row(-np.inf, problem.most_out(code) - out[(code, t)], terms)
    for (code, year), terms in spend_terms.items():
        # In months of the agency's dearest grade, not pence: rows HiGHS reads well.
        scale = max(terms.values())
        program.row(-np.inf, (budgets[code] - spent[(code, year)]) / scale,
                    {k: pence_months / scale for k, pence_months in terms.items()})

    # The second goal: no more pledged months short in all than the plan has.
    owed = {a.agency: a.pledged_months - months_out[a.agency] for a in problem.agencies
            if a.pledged_months is not None}
    planned: dict[str, int] = defaultdict(int)
    for i, p in enumerate(holders):
        planned[agency_of[p]] += len(slots[i].months)
    shortfall = sum(max(0, need - planned[code]) for code, need in owed.items())
    short_columns = {}
    for code, need in owed.items():
        short_columns[code] = short = program.column(0.0, np.inf, False)
        program.row(need, np.inf, {**pledge_terms[code], short: 1.0})
    if short_columns:
        program.row(-np.inf, shortfall, {k: 1.0 for k in short_columns.values()})

    highs = program.highs()
    start = np.zeros(len(program.costs))
    for i, p in enumerate(holders):
        start[columns[(i, p)]] = 1.0
        start[holds[(i, agency_of[p])]] = 1.0
    for code, k in short_columns.items():
        start[k] = max(0, owed[code] - planned[code])
    solution = highspy.HighsSolution()
    solution.col_value = start.tolist()
    highs.setSolution(solution)
    highs.setOptionValue("presolve", "off")  # (measured: a third quicker on these programs)
    highs.setOptionValue("mip_rel_gap", MIP_GAP)
    highs.setOptionValue("time_limit", max(0.01, seconds - (time.monotonic() - started)))
    run_interruptibly(highs)
    clock_stopped = highs.getModelStatus() == highspy.HighsModelStatus.kTimeLimit
    info = highs.getInfo()
    if (info.primal_solution_status != FEASIBLE
            or info.objective_function_value >= float(start @ np.array(program.costs)) - 1e-6):
        return Holders(None, clock_stopped)
    values = np.asarray(highs.getSolution().col_value)
    chosen = list(holders)
    for (i, p), k in columns.items():
        if values[k] > 0.5:
            chosen[i] = p
    moved = [s if chosen[i] == holders[i] else
             s.model_copy(update={"person": problem.candidates[chosen[i]].person})
             for i, s in enumerate(new)]
    return Holders(tuple(sorted((*kept, *moved), key=lambda s: (s.post, s.start, s.end, s.person))),
                   clock_stopped)
