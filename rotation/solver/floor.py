"""A floor on vacant post-months for the whole problem, from each post's chain of holders.

A large problem is planned on a shortlist of person-post pairs (see ``shortlist``), so the
search's own bound holds for the shortlist only, and on its own month-by-month terms it
stays far below the plans it finds. What forces the vacancies of a large scheme is mostly
how its posts' holders can follow each other: when twenty posts are all filled in the first
month, each first holder leaves within the longest secondment, and only so many handovers
may start a month (R7), some posts must wait a month for their next holder.

Each post's holders form a chain in time (R1, R6; see ``chains``): one unit of flow per
post runs from its first month to its last through secondments, handovers and vacant months.
Here a post's secondment arcs are every run anyone allowed in it could hold (R2-R5 and R10's
yearly caps, see ``runs``), whoever holds it. Vacant months cost 1; handovers starting in a
month are limited across posts (R7); secondees out in a month are limited by what the
agencies' backfill limits (R8, R9), less their agreed secondments, and the people free to
go allow. The linear optimum of this network, rounded up, is the floor: every plan the rules
allow is a unit flow of it with the same vacancies, so no plan has fewer.

It leaves out who holds each run (people, R11, cooling-off, budgets across years) and
``either`` posts (a funded officer may cover them), which only lowers it. On the generated
M and L instances with ample staff it equals the best plan found (6 and 78 vacant
post-months), so the search's cover is proven for the whole problem; where staff or budgets
are scarce it stays well below.
"""

from __future__ import annotations

import math
from collections import defaultdict

import highspy
import numpy as np

from rotation.domain import Problem
from rotation.months import Month
from rotation.solver.chains import (
    Terms,
    arc_terms,
    chains_hold,
    post_arcs,
    row_bounds,
    run_terms,
)
from rotation.solver.domains import Domains
from rotation.solver.highs import new_highs, stop_solve
from rotation.solver.variables import Stint, every_run, existing_stints

INTEGRAL = 1e-6
"""How far above a whole number the linear optimum may sit and still count as that number."""

FLOOR_SHARE = 0.25
"""The share of the time limit, counted from the start of the solve, the floor may take."""


class VacancyFloor:
    """The floor's linear program, solved in HiGHS's own thread while the caller goes on
    (building the search's model takes one core; this takes the other)."""

    def __init__(self, highs: highspy.Highs) -> None:
        self.highs = highs
        self.running = True
        self.late = False  # stopped by the clock before it was ready

    @classmethod
    def start(cls, problem: Problem, domains: Domains) -> VacancyFloor | None:
        """Start working out the floor for ``problem`` (None when its handovers do not form
        chains: an overlap as long as the shortest secondment).

        ``domains`` are every (person, post) pair and month R2-R4 allow (not shortlisted).
        """
        stints = existing_stints(problem)
        if not chains_hold(problem, stints):
            return None
        highs = _Network(problem, domains, stints).highs()
        highs.startSolve()
        return cls(highs)

    def value(self, seconds: float) -> int | None:
        """The floor, waiting at most ``seconds`` for it; None if it is not ready by then
        (it is stopped) or the agreed secondments do not chain. Ctrl-C stops it at once."""
        if self.running:
            try:
                finished, _ = self.highs.wait(max(0.0, seconds))
            except KeyboardInterrupt:
                self.stop()
                raise
            if not finished:
                self.stop()
                self.late = True
                return None
            self.running = False
        if self.highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None  # stopped, or agreed secondments that do not chain
        return max(0, math.ceil(self.highs.getInfo().objective_function_value - INTEGRAL))

    def stop(self) -> None:
        """Stop the solve, if it is still running, and wait for it to end."""
        if self.running:
            stop_solve(self.highs)
            self.highs.wait()
            self.running = False


def vacancy_floor(problem: Problem, domains: Domains, seconds: float) -> int | None:
    """Vacant post-months no plan of ``problem`` can go below, or None when it cannot be
    worked out in ``seconds`` (or at all: see ``VacancyFloor.start``)."""
    floor = VacancyFloor.start(problem, domains)
    return None if floor is None else floor.value(seconds)


class _Network:
    """The linear program: columns (arcs and runs) built with their row entries, rows by key."""

    def __init__(self, problem: Problem, domains: Domains, stints: list[Stint]) -> None:
        self.problem = problem
        self.rows: dict[object, int] = {}
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.costs: list[float] = []
        self.col_lower: list[float] = []
        self.col_upper: list[float] = []
        self.entries: list[list[tuple[int, float]]] = []
        runs = _post_runs(problem, domains, stints)
        stints_by_post: dict[int, list[Stint]] = defaultdict(list)
        for stint in stints:
            stints_by_post[stint.post].append(stint)
        # Months in which the agencies' limits could bind: fewer may be out than the posts
        # could hold (two a post during a handover). Leaving the others out halves the
        # time on the generated 150-post problem.
        posts = sum(1 for post in problem.posts if post.funding == "seconded")
        most = posts * (2 if problem.settings.handover_overlap_months else 1)
        self.out_limit = {t: limit for t, limit in _secondees_free(problem, domains, stints).items()
                          if limit < most}
        for q, post in enumerate(problem.posts):
            if post.funding == "seconded":
                self._post(q, runs.get(q, {}), stints_by_post[q])

    # -- building ------------------------------------------------------------------------
    def _row(self, key: object, lower: float = 0.0, upper: float = 0.0) -> int:
        index = self.rows.get(key)
        if index is None:
            index = self.rows[key] = len(self.lower)
            self.lower.append(lower)
            self.upper.append(upper)
        return index

    def _column(self, entries: list[tuple[int, float]], cost: float = 0.0,
                fixed: bool = False) -> None:
        self.entries.append(entries)
        self.costs.append(cost)
        self.col_lower.append(1.0 if fixed else 0.0)
        self.col_upper.append(1.0)

    def _post(self, q: int, runs: dict[Month, set[Month]], stints: list[Stint]) -> None:
        for start, ends in runs.items():
            for end in ends:
                held = [(self._row(("out", t), -math.inf, self.out_limit[t]), 1.0)
                        for t in range(start, end + 1) if t in self.out_limit]
                self._column([*held, *self._entries(run_terms(q, start, end))])
        for arc in post_arcs(self.problem, q, stints):
            self._column(self._entries(arc_terms(q, arc)), cost=1.0 if arc.vacant else 0.0,
                         fixed=arc.agreed)

    def _entries(self, terms: Terms) -> list[tuple[int, float]]:
        """The network's terms (see ``chains``) as row indices and coefficients."""
        return [(self._row(key, *row_bounds(self.problem, key)), coefficient)
                for key, coefficient in terms]

    # -- the program ---------------------------------------------------------------------
    def highs(self) -> highspy.Highs:
        """A HiGHS instance holding the linear program: minimise the vacant months."""
        highs = new_highs()
        count = len(self.entries)
        starts = np.zeros(count + 1, dtype=np.int32)
        starts[1:] = np.cumsum([len(entries) for entries in self.entries])
        indices = np.array([row for entries in self.entries for row, _ in entries],
                           dtype=np.int32)
        values = np.array([value for entries in self.entries for _, value in entries],
                          dtype=np.float64)
        highs.addRows(len(self.lower), np.array(self.lower), np.array(self.upper),
                      0, np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32),
                      np.zeros(0))
        highs.addCols(count, np.array(self.costs), np.array(self.col_lower),
                      np.array(self.col_upper), len(indices), starts[:-1], indices, values)
        return highs


def _post_runs(problem: Problem, domains: Domains, stints: list[Stint]
               ) -> dict[int, dict[Month, set[Month]]]:
    """Per post, every run anyone allowed in it could hold: start month -> end months."""
    runs: dict[int, dict[Month, set[Month]]] = defaultdict(lambda: defaultdict(set))
    for _p, q, pair_runs in every_run(problem, domains, stints):
        for start, ends in pair_runs.items():
            runs[q][start].update(ends)
    return runs


def _secondees_free(problem: Problem, domains: Domains, stints: list[Stint]
                    ) -> dict[Month, int]:
    """Per month, the most new secondees who can be out at once: over agencies, the fewer of
    their backfill limit (R8, R9) less their agreed secondments then, and their people who
    may hold some post then (each holds one at a time)."""
    free: dict[tuple[str, Month], set[int]] = defaultdict(set)
    for (p, _q), months in domains.items():
        for t in months:
            free[(problem.candidates[p].agency, t)].add(p)
    agreed: dict[tuple[str, Month], int] = defaultdict(int)
    for stint in stints:
        for t in problem.horizon:
            if stint.covers(t):
                agreed[(problem.candidates[stint.person].agency, t)] += 1
    caps = {code: problem.most_out(code) for code in {code for code, _t in free}}
    return {t: sum(max(0, min(cap - agreed[(code, t)], len(free[(code, t)])))
                   for code, cap in caps.items())
            for t in problem.horizon}
