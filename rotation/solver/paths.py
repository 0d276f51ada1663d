"""Whole plans of each post priced in at once: column generation over posts' paths.

``pricing`` prices single secondments into a linear program over the posts' chains of holders
(see ``chains``). On the generated 60-post problem that program never settled in the time a
stage has: every round's secondments were the most negative prices across all posts, few of
them fitted together, and each re-solve of the program (11,000-21,000 rows, a row per post and
month) took seconds.

Here each *column is one post's whole chain* for the horizon: its holders, their handovers
and its vacant months, a path through the post's network. The program keeps only the rows
that tie posts together (handovers a month, R7; staff out a month, R8 and R9; budgets, R10;
secondments a person, R11; pledges; the goals held so far) and one row a post (it takes one
path). Pricing is a shortest path per post: each possible secondment costs its goal cost less
its rows' prices, the cheapest holder of each (start, end) is found in one pass over every
possible secondment, and the best path through the post's months follows in a fixed order.
Posts' networks are flows of one unit, so this program's optimum is the one ``pricing``'s
program has (the same linear relaxation), reached from whole paths: every round adds up to one
complete chain a post.

Any row prices bound every plan (Lagrange): the rows' bounds at their prices plus each post's
cheapest path at them. So a bound comes with every round, converged or not, and the same
prices over every possible secondment of the *whole* problem (not only a shortlist) bound
every plan the rules allow.

The first columns are the plan so far's own chains, so the program starts feasible.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import highspy
import numpy as np

from rotation.solver.chains import Node, post_arcs
from rotation.solver.highs import IntegerSearch, run_interruptibly
from rotation.solver.program import Program, elastic_price
from rotation.solver.relaxation import ROUNDING
from rotation.solver.secondment_mip import INTEGRAL

if TYPE_CHECKING:
    from rotation.solver.pricing import PricedMip, Runs

SEARCH_GAP = 0.005
"""The search for a plan among the paths priced in stops once within this share of the best
among them (see ``pricing.SEARCH_GAP``)."""

PATH_TOLERANCE = 1e-6
"""A path whose price is below minus this (relative to the goal's cost scale) joins."""

SUPPORT = 1e-6
"""A path the linear optimum takes more than this of counts as used (see ``support``)."""


@dataclass
class _Network:
    """Post q's network (``chains.post_arcs``) in the order a shortest path visits it.

    ``order``: its nodes, each after every node with an arc into it. ``incoming``: by node
    (its place in ``order``), the arcs other than secondments that enter it, as (tail's place,
    or -1 for the source; counted vacant month; handover month as an offset, or -1; agreed).
    ``ends``: the nodes a path may finish at.

    A secondment that runs to the horizon's last month may be shorter than the handover
    overlap (R5), and so end "after" the start of a successor it could hand over to. Such
    holders go on to the end: node ``("F", last)``, the post's last node, takes every
    secondment ending in the last month and leads only out of the network. ``("E", last)``
    keeps those long enough to hand over (a successor never starts before its predecessor).
    """

    q: int
    order: list[Node]
    incoming: list[list[tuple[int, bool, int, bool]]]
    ends: list[int]
    agreed: int  # agreed secondments: arcs every path takes
    start_at: dict[int, int]  # month offset -> place of ("S", t)


@dataclass
class _Shape:
    """Posts whose networks are alike (the same nodes and arcs: on a problem whose posts span
    the horizon and hold no agreed secondment, every post), priced together: one pass over
    the shared network finds every member's shortest path, with NumPy working across the
    members (on the generated L instance: 18 ms a pricing round, against 27 for a pass a
    post)."""

    network: _Network  # the first member's, standing for all
    members: list[int]  # their places in ``PathMaster.networks``
    posts: np.ndarray  # their posts
    start_place: np.ndarray  # by month offset: the place of ("S", t), or -2 if none


def _shapes(networks: list[_Network], months: int) -> list[_Shape]:
    """The networks grouped by shape, in the order each shape first appears."""
    groups: dict[tuple[object, ...], list[int]] = {}
    for place, network in enumerate(networks):
        key = (tuple(network.order), tuple(tuple(arcs) for arcs in network.incoming),
               tuple(network.ends), network.agreed)
        groups.setdefault(key, []).append(place)
    shapes = []
    for members in groups.values():
        network = networks[members[0]]
        start_place = np.full(months, -2, dtype=np.int64)
        for offset, node in network.start_at.items():
            start_place[offset] = node
        posts = np.array([networks[m].q for m in members], dtype=np.int64)
        shapes.append(_Shape(network, members, posts, start_place))
    return shapes


@dataclass(frozen=True)
class _Path:
    """One post's chain: its secondments (indices into the runs), counted vacant months and
    handover months (offsets)."""

    q: int
    runs: tuple[int, ...]
    vacant: int
    handovers: tuple[int, ...]
    whole: bool = False  # its secondments index the whole problem's runs, not the model's


@dataclass(frozen=True)
class Generated:
    """What a round of path pricing gave: the secondments of the paths priced in for its goal
    and of the plan's chains (indices into the model's runs), a lower bound on the goal over
    the model's plans and one over the whole problem's (less the goal's constant; None when
    the program was not solved), and whether the clock stopped it before it settled."""

    runs: np.ndarray
    bound: float | None
    whole_bound: float | None
    stopped: bool


def _place_key(node: Node, overlap: int) -> tuple[int, int]:
    """Where a node comes in the order: an end before the start it hands over to, a vacant
    month before the start that follows it."""
    kind, t = node
    if kind == "E":
        return (t - overlap + 1 if overlap else t + 1, 0)
    return (t, 1 if kind == "V" else 2)


class PathMaster(Program):
    """The program over posts' paths for one ``PricedMip``, kept across the goal stages."""

    def __init__(self, priced: PricedMip, networks: list[_Network]) -> None:
        self.priced = priced
        self.networks = networks
        self.months = priced.months
        self.shapes = _shapes(networks, priced.months)
        self.first = priced.first
        rules = priced.rules
        super().__init__(priced.problem, rules)
        self.paths: list[_Path] = []
        self.path_columns: list[int] = []
        self.count = 0
        self.short_columns: list[int] = []  # months short of each owing agency's pledge
        self.elastic: list[int] = []  # let a held goal slip, at a price (see program.ELASTIC)
        self.elastic_price = 0.0
        # Columns other than paths: bounds and entries (by row), for the bound.
        self.fixed: dict[int, tuple[float, float, dict[int, float]]] = {}
        self.kept: set[str] = set()
        self.plan_columns: list[int] = []  # the plan so far's chains
        self._cells: dict[int, np.ndarray] = {}  # by runs: each run's (post, start, end) cell
        for network in networks:
            self._row(("source", network.q))
        for code, owed in rules.owed.items():
            row = self._row(("pledged", code))
            self._add_column(0.0, owed, {row: 1.0})
            self.short_columns.append(self.count - 1)

    @classmethod
    def of(cls, priced: PricedMip) -> PathMaster | None:
        """The path program of ``priced``, or None when a post's network has an arc that
        goes back in time (an agreed secondment, clipped to the horizon, no longer than the
        handover overlap)."""
        problem = priced.problem
        overlap = problem.settings.handover_overlap_months
        stints_by_post = priced.model.variables.stints_by_post
        networks = []
        for q, post in enumerate(problem.posts):
            if post.funding == "funded":
                continue
            arcs = list(post_arcs(problem, q, stints_by_post[q]))
            if not arcs:
                continue
            nodes = {arc.tail for arc in arcs} | {arc.head for arc in arcs}
            nodes.discard(None)
            order: list[Node] = sorted((n for n in nodes if n is not None),
                                       key=lambda n: _place_key(n, overlap))
            last = problem.post_months(post)[-1]
            if last == problem.horizon[-1]:
                order.append(("F", last))  # see ``_Network``
            place = {node: i for i, node in enumerate(order)}
            incoming: list[list[tuple[int, bool, int, bool]]] = [[] for _ in order]
            ends: list[int] = [place[("F", last)]] if ("F", last) in place else []
            counted = post.funding == "seconded"
            agreed = 0
            for arc in arcs:
                if arc.head is None:
                    assert arc.tail is not None
                    ends.append(place[arc.tail])
                    continue
                tail = -1 if arc.tail is None else place[arc.tail]
                head = place[arc.head]
                if tail >= head and arc.agreed and ("F", arc.head[1]) in place:
                    head = place[("F", arc.head[1])]  # an agreed one, shorter than a handover
                if tail >= head:
                    return None
                month = -1 if arc.handover is None else arc.handover - priced.first
                incoming[head].append((tail, arc.vacant and counted, month, arc.agreed))
                agreed += arc.agreed
            start_at = {t - priced.first: place[("S", t)]
                        for kind, t in order if kind == "S"}
            networks.append(_Network(q, order, incoming, ends, agreed, start_at))
        return cls(priced, networks) if networks else None

    # -- the goals ------------------------------------------------------------------------
    def keep(self, goal: str, value: float) -> None:
        """Hold the goal at or below ``value`` from now on (cover and pledges)."""
        if goal == "cover":
            entries = {c: float(p.vacant) for c, p in zip(self.path_columns, self.paths,
                                                          strict=True) if p.vacant}
        elif goal == "pledges":
            entries = {c: 1.0 for c in self.short_columns}
        else:
            return
        row = self._row(("kept", goal), upper=value + INTEGRAL)
        self.kept.add(goal)
        for column, coefficient in entries.items():
            self.highs.changeCoeff(row, column, coefficient)
            if column in self.fixed:
                self.fixed[column][2][row] = coefficient
        most = self.months * len(self.networks) if goal == "cover" else sum(
            self.priced.rules.owed.values())
        self._add_column(0.0, float(most), {row: -1.0})
        self.elastic.append(self.count - 1)

    def generate(self, goal: str, plan_runs: Sequence[int], seconds: float) -> Generated:
        """Price in paths for the goal within ``seconds``, starting with the plan's chains
        (``plan_runs``: its secondments, indices into the model's runs)."""
        started = time.monotonic()
        priced = self.priced
        runs = priced.runs
        first = len(self.paths)
        self.plan_columns = self._add_plan(plan_runs)
        self._costs(goal)
        self._allow_whole(False)
        best, stopped = self._rounds(goal, runs, started + seconds)
        # (Not earlier goals' paths: priced at their goals' costs, they only slow the search.)
        ours = [*self.paths[first:], *(self.paths[self.path_columns.index(column)]
                                        for column in self.plan_columns)]
        chosen = sorted({j for path in ours if not path.whole for j in path.runs})
        if best is None:
            return Generated(np.array(chosen, dtype=np.int64), None, None, stopped)
        bound, duals = best
        if priced.whole is runs:
            return Generated(np.array(chosen, dtype=np.int64), bound, bound, stopped)
        _, whole_bound = self._price(goal, priced.whole, priced.whole.costs(goal), duals)
        return Generated(np.array(chosen, dtype=np.int64), bound, whole_bound, stopped)

    def widen(self, goal: str, seconds: float) -> float | None:
        """Price in paths of the whole problem's secondments (not only the model's) for
        ``seconds``: the best bound on every plan, shortlist or not, found on the way."""
        whole = self.priced.whole
        if whole is self.priced.runs:
            return None
        self._allow_whole(True)
        best, _ = self._rounds(goal, whole, time.monotonic() + seconds)
        return None if best is None else best[0]

    def support(self) -> tuple[list[int], list[int]]:
        """The secondments of the paths the last linear optimum uses: indices into the model's
        runs, and into the whole problem's (paths priced in by ``widen``)."""
        values = np.array(self.highs.getSolution().col_value)
        inside: set[int] = set()
        outside: set[int] = set()
        for column, path in zip(self.path_columns, self.paths, strict=True):
            if column < len(values) and values[column] > SUPPORT:
                (outside if path.whole else inside).update(path.runs)
        return sorted(inside), sorted(outside)

    def _rounds(self, goal: str, runs: Runs, deadline: float
                ) -> tuple[tuple[float, np.ndarray] | None, bool]:
        """Solve, price ``runs`` and add the paths that would pay, until none would or the
        deadline passes: the best bound found with its prices, and whether the clock
        stopped it."""
        costs = runs.costs(goal)
        scale = max(1.0, float(np.abs(costs).max()) if len(costs) else 1.0)
        best: tuple[float, np.ndarray] | None = None
        while True:
            left = deadline - time.monotonic()
            self.highs.setOptionValue("time_limit", self.highs.getRunTime() + max(0.01, left))
            run_interruptibly(self.highs)
            if self.highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                return best, True
            duals = self._usable(np.array(self.highs.getSolution().row_dual))
            found, bound = self._price(goal, runs, costs, duals)
            if best is None or bound > best[0]:
                best = (bound, duals)
            entering = [path for path, value in found
                        if value - duals[self.rows[("source", path.q)]] < -PATH_TOLERANCE * scale]
            if not entering:
                return best, False
            if time.monotonic() >= deadline:
                return best, True
            for path in entering:
                self._add_path(path, goal)

    def _outside(self) -> np.ndarray:
        """The columns of paths of secondments outside the model."""
        return np.array([c for c, path in zip(self.path_columns, self.paths, strict=True)
                         if path.whole], dtype=np.int32)

    def _allow_whole(self, allowed: bool) -> None:
        """Let the program take the paths of secondments outside the model, or not."""
        columns = self._outside()
        if len(columns):
            self.highs.changeColsBounds(len(columns), columns, np.zeros(len(columns)),
                                        np.full(len(columns), math.inf if allowed else 0.0))

    def search(self, seconds: float, beyond: bool = False
               ) -> tuple[list[int] | None, list[int], bool]:
        """HiGHS's best plan among the paths priced in (a path a post; the plan so far's
        chains for a start): its secondments as indices into the model's runs (None if it
        found none) and into the whole problem's, and whether the clock stopped it. Only
        ``beyond`` lets it take paths ``widen`` priced in, of pairs outside the model."""
        columns = np.array(self.path_columns, dtype=np.int32)
        chosen = set(self.plan_columns)
        closed = [*self.elastic] if beyond else [*self._outside(), *self.elastic]
        values, late = IntegerSearch(  # a plan keeping the goals held
            self.highs, columns, np.array([1.0 if c in chosen else 0.0 for c in columns]),
            closed=np.array(closed, dtype=np.int32), gap=SEARCH_GAP, seconds=seconds).run()
        if values is None:
            return None, [], late
        taken = [path for column, path in zip(self.path_columns, self.paths, strict=True)
                 if values[column] > 0.5]
        return ([j for path in taken if not path.whole for j in path.runs],
                [j for path in taken if path.whole for j in path.runs], late)

    # -- pricing --------------------------------------------------------------------------
    def _price(self, goal: str, runs: Runs, costs: np.ndarray, duals: np.ndarray
               ) -> tuple[list[tuple[_Path, float]], float]:
        """Each post's cheapest path at these row prices (with its price, the post's own row
        left out), and the bound they prove over plans made of ``runs``."""
        duals = np.pad(duals, (0, len(self.row_keys) - len(duals)))  # rows added since: 0
        prices = self.priced.arrange_prices(self.rows, duals)
        reduced = costs - runs.months_price(prices.held)
        reduced -= prices.person.take(runs.person)
        months = self.months
        key = self._cells.get(id(runs))
        if key is None:  # (the same every round)
            key = self._cells[id(runs)] = (
                (runs.post.astype(np.int64) * months + runs.start) * months + runs.end)
        flat = np.full(len(self.priced.problem.posts) * months * months, math.inf)
        np.minimum.at(flat, key, reduced)
        at = np.flatnonzero(reduced <= flat.take(key))
        keys, first = np.unique(key[at], return_index=True)
        holders = np.full(len(flat), -1, dtype=np.int64)
        holders[keys] = at[first]
        cheapest = flat.reshape(-1, months, months)
        holder = holders.reshape(-1, months, months)
        handover = np.zeros(months)
        for (kind, *rest), row in self.rows.items():
            if kind == "handovers":
                handover[int(str(rest[0])) - self.first] = duals[row]
        vacancy = (1.0 if goal == "cover" else 0.0) - (
            duals[self.rows[("kept", "cover")]] if ("kept", "cover") in self.rows else 0.0)
        found = self._shortest(cheapest, holder, handover, vacancy, runs is not self.priced.runs)
        total = 0.0
        for _, value in found:
            total += value
        bound = total + self._bound_rest(duals, goal)
        return found, bound

    def _shortest(self, cheapest: np.ndarray, holder: np.ndarray, handover: np.ndarray,
                  vacancy: float, whole: bool = False) -> list[tuple[_Path, float]]:
        """Each post's cheapest path through its network, with its price, in the networks'
        order. ``cheapest`` and ``holder``: by post, start and end (month offsets), the
        cheapest secondment's price and index. Agreed secondments are forced on a path by a
        price so low that any path leaving one out costs more."""
        found: list[tuple[_Path, float]] = [None] * len(self.networks)  # type: ignore[list-item]
        for shape in self.shapes:
            paths = self._shortest_of(shape, cheapest[shape.posts], holder[shape.posts],
                                      handover, vacancy, whole)
            for member, path in zip(shape.members, paths, strict=True):
                found[member] = path
        return found

    def _shortest_of(self, shape: _Shape, cheapest: np.ndarray, holder: np.ndarray,
                     handover: np.ndarray, vacancy: float, whole: bool
                     ) -> list[tuple[_Path, float]]:
        """``_shortest`` for the posts of one shape, their arrays indexed by member first.
        Each node's value is the cheapest way there, member by member; ties go to the arc
        listed first, then to the earliest start."""
        network = shape.network
        members = len(shape.members)
        size = (np.where(np.isfinite(cheapest), np.abs(cheapest), 0.0).sum(axis=(1, 2))
                + self.months * (abs(vacancy) + 1.0) + float(np.abs(handover).sum()) + 1.0)
        forced = -1e3 * size
        by_end = cheapest.transpose(2, 1, 0)  # [end, start, member]
        everyone = np.arange(members)
        count = len(network.order)
        value = np.full((count, members), math.inf)
        back_tail = np.full((count, members), -2, dtype=np.int64)  # the tail's place
        back_run = np.full((count, members), -1, dtype=np.int64)  # the secondment, if one
        by_start = np.full((self.months, members), math.inf)  # value at ("S", t), by offset
        for i, (kind, t) in enumerate(network.order):
            best = np.full(members, math.inf)
            tail_taken = np.full(members, -2, dtype=np.int64)
            for tail, vacant_month, month, agreed in network.incoming[i]:
                step = ((vacancy if vacant_month else 0.0)
                        - (handover[month] if month >= 0 else 0.0))
                v = (0.0 if tail < 0 else value[tail]) + step + (forced if agreed else 0.0)
                better = v < best
                best = np.where(better, v, best)
                tail_taken[better] = tail
            if kind in "EF":
                e = t - self.first
                through = by_start + by_end[e]
                s = np.argmin(through, axis=0)
                lowest = through[s, everyone]
                better = lowest < best
                best = np.where(better, lowest, best)
                tail_taken[better] = shape.start_place[s[better]]
                back_run[i, better] = holder[everyone[better], s[better], e]
            value[i] = best
            back_tail[i] = tail_taken
            if kind == "S":
                by_start[t - self.first] = best
        ends = np.array(network.ends, dtype=np.int64)
        last = ends[np.argmin(value[ends], axis=0)]
        found = []
        for m in range(members):
            runs: list[int] = []
            vacant = 0
            handovers: list[int] = []
            i = int(last[m])
            while i >= 0:
                tail, run = int(back_tail[i, m]), int(back_run[i, m])
                if run >= 0:
                    runs.append(run)
                else:
                    for arc_tail, is_vacant, month, _ in network.incoming[i]:
                        if arc_tail == tail:
                            vacant += is_vacant
                            if month >= 0:
                                handovers.append(month)
                            break
                i = tail
            total = float(value[last[m], m]) - float(forced[m]) * network.agreed
            q = self.networks[shape.members[m]].q
            found.append((_Path(q, tuple(reversed(runs)), vacant, tuple(handovers), whole),
                          total))
        return found

    def _bound_rest(self, duals: np.ndarray, goal: str) -> float:
        """The bound's terms besides the paths: each row's bound at its price (the posts' own
        rows left out: a path each is in the paths' terms) and the columns other than paths at
        their cheapest."""
        total = 0.0
        size = 0.0
        for row, key in enumerate(self.row_keys):
            if key[0] == "source":
                continue
            price = duals[row]
            side = self.row_lower[row] if price > 0 else self.row_upper[row]
            if price and math.isfinite(side):
                total += price * side
                size += abs(price * side)
        for column, (lower, upper, entries) in self.fixed.items():
            cost = self._fixed_cost(column, goal)
            reduced = cost - sum(duals[row] * value for row, value in entries.items())
            total += reduced * (lower if reduced > 0 else upper)
            size += abs(reduced * upper)
        return total - ROUNDING * (1.0 + size)

    # -- the program ----------------------------------------------------------------------
    def _add_column(self, lower: float, upper: float, entries: dict[int, float]) -> None:
        """A column other than a path (months short of a pledge, a held goal's slip)."""
        self.highs.addCol(0.0, lower, upper, len(entries),
                          np.array(list(entries), dtype=np.int32),
                          np.array(list(entries.values()), dtype=np.float64))
        self.fixed[self.count] = (lower, upper, entries)
        self.count += 1

    def _fixed_cost(self, column: int, goal: str) -> float:
        if column in self.elastic:
            return self.elastic_price
        return 1.0 if goal == "pledges" else 0.0

    def _path_cost(self, path: _Path, goal: str) -> float:
        if goal == "cover":
            return float(path.vacant)
        if goal == "balance":
            runs = self.priced.whole if path.whole else self.priced.runs
            chosen = list(path.runs)
            return float((runs.rate[chosen] * (runs.end[chosen] - runs.start[chosen] + 1)).sum())
        return 0.0

    def _costs(self, goal: str) -> None:
        """Every column's cost under the goal."""
        # (The plan so far's chains keep the program feasible; the slip keeps it so whatever
        # the plan.)
        self.elastic_price = elastic_price(self.priced.runs.costs(goal))
        costs = np.zeros(self.count)
        for column, path in zip(self.path_columns, self.paths, strict=True):
            costs[column] = self._path_cost(path, goal)
        for column in [*self.short_columns, *self.elastic]:
            costs[column] = self._fixed_cost(column, goal)
        self.highs.changeColsCost(self.count, np.arange(self.count, dtype=np.int32), costs)

    def _add_path(self, path: _Path, goal: str) -> None:
        priced = self.priced
        runs = priced.whole if path.whole else priced.runs
        entries: dict[int, float] = defaultdict(float)
        entries[self._row(("source", path.q))] += 1.0
        for j in path.runs:
            p = int(runs.person[j])
            start, end = int(runs.start[j]) + self.first, int(runs.end[j]) + self.first
            for key, value in priced.rules.terms(p, start, end):
                entries[self._row(key)] += value
        for month in path.handovers:
            entries[self._row(("handovers", month + self.first))] += 1.0
        if path.vacant and "cover" in self.kept:
            entries[self.rows[("kept", "cover")]] += float(path.vacant)
        self.highs.addCol(self._path_cost(path, goal), 0.0, math.inf, len(entries),
                          np.array(list(entries), dtype=np.int32),
                          np.array(list(entries.values()), dtype=np.float64))
        self.paths.append(path)
        self.path_columns.append(self.count)
        self.count += 1

    def _add_plan(self, plan_runs: Sequence[int]) -> list[int]:
        """Add each post's chain in the plan (found as the cheapest path when the plan's own
        secondments are the only ones that pay), unless in already; their columns."""
        runs = self.priced.runs
        months = self.months
        chosen = np.array(sorted(set(plan_runs)), dtype=np.int64)
        cheapest = np.full((len(self.priced.problem.posts), months, months), math.inf)
        holder = np.full(cheapest.shape, -1, dtype=np.int64)
        cheapest[runs.post[chosen], runs.start[chosen], runs.end[chosen]] = -1.0
        holder[runs.post[chosen], runs.start[chosen], runs.end[chosen]] = chosen
        known = {path: column for path, column in zip(self.paths, self.path_columns,
                                                      strict=True)}
        columns = []
        for path, _ in self._shortest(cheapest, holder, np.zeros(months), 0.0):
            if path not in known:
                known[path] = self.count
                self._add_path(path, "cover")
            columns.append(known[path])
        return columns
