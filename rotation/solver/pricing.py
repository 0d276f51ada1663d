"""Plans and bounds from whole secondments for a large model, pricing in only those worth having.

A large model (see ``shortlist``) has too many possible secondments for the whole-secondment
relaxation (``secondment_mip``) to take them all: 191,000 among the generated M instance's
shortlisted pairs, 4.8 million among all of L's. Few of them could ever be in a good plan.
Column generation finds those. Where every post's network runs forward in time (always,
but for an agreed secondment clipped to the horizon and no longer than the overlap), it
prices in whole chains of a post's holders (``paths``: the generated L instance settles in
about 15 s); otherwise the linear program here starts from each post's chain arcs alone
(see ``chains``), after each solve every possible secondment is priced at once (its cost
less what its rows' prices, the LP's duals, say it would save) and those with a negative
price join, the most negative first, until none is left (measured: M's balance in about 6 s
from 15,000 columns; on L it never settled in a stage's time).

Two things come of it:

- **A plan.** HiGHS searches the columns priced in for whole secondments (a mixed-integer
  program over them, started from the plan so far, or from the best choice of one priced
  chain a post). CP-SAT checks that plan against every
  rule (this model leaves out cooling-off, as ``secondment_mip`` does) and the stage starts
  from it when it is better. Measured on the generated M instance: the balance from 231,383
  to about 50,980.
- **A bound.** For *any* row prices, weak duality bounds every plan: the rows' bounds at
  their prices, plus each column's most negative contribution at its reduced cost. Here that
  sum runs over every possible secondment of the *whole* problem, not only the shortlisted
  pairs (a row's price does not depend on which pairs were shortlisted), so the bound holds
  for every plan the rules allow; and a person's secondments are limited in it by R11's
  count (only their ``max_secondments_per_person`` most negative prices count), which keeps it
  close to the linear optimum (M: 50,772, so that plan is within 0.4 % of the best). It is
  what lets a shortlisted plan show how far from the best it can be.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import highspy
import numpy as np

from rotation.domain import Secondment
from rotation.months import Month, financial_year
from rotation.solver.chains import (
    RowKey,
    Terms,
    arc_terms,
    chains_hold,
    post_arcs,
    run_terms,
)
from rotation.solver.context import SolverModel
from rotation.solver.domains import Domains
from rotation.solver.highs import IntegerSearch, run_interruptibly
from rotation.solver.objective import GoalTier, balance_rate
from rotation.solver.paths import PathMaster
from rotation.solver.program import Program, elastic_price
from rotation.solver.relaxation import ROUNDING
from rotation.solver.secondment_mip import INTEGRAL, RuleRows
from rotation.solver.variables import every_run

PRICE_BATCH = 500
"""Possible secondments added after each linear solve, the most negative prices first
(measured on the generated M instance: 200 took twice the solves, 2,000 a slower program)."""

PRICING_SHARE = 0.5
"""The share of its time column generation may take; the search for whole secondments over
the columns priced in takes the rest."""

PATH_SEARCH_SHARE = 0.5
"""The share of the search's time the search among whole paths (see ``paths``) may take;
the search that recombines their secondments takes the rest."""

OUTSIDE_SHARE = 0.2
"""The share of the time left after the search that ``recombine`` may take, once the whole
problem's secondments are priced in (``paths.widen``, which stops sooner when settled,
takes the rest). Measured on the generated L instance: ``recombine`` took 0.6-0.8 s, and
its plan is better the closer ``widen`` came to the whole problem's linear optimum."""

WIDEN_SHARE = 0.4
"""With a second core (see ``PricedMip.parallel``): the share of the secondment search's time
that ``paths.widen`` takes meanwhile on the other core; the search among every path priced
in, the whole problem's too, takes the rest. Measured on the generated L instance: ``widen``
settles in 12-16 s of the 30 s, that search takes 6-7 s."""

RECOMBINE_SHARE = 0.05
"""With a second core: the share of the balance stage's time kept, after the secondment
search, for ``recombine`` (1-1.5 s on the generated L instance)."""

COVER_SEARCH_SHARE = 0.3
"""For the cover and pledges: the share of the time left that the secondment search may take
(CP-SAT's search of the stage, started from its plan, takes the rest). On the generated L
instances whose cover the pricing does not settle at once (seeds 2 and 3), HiGHS improved
on the plan among paths in neither of 14 s and CP-SAT found the best cover 8-11 s into its
search in both: given 30 % here, the cover stage ended 10-12 s sooner with the same cover,
and the balance had that time."""

PRICE_TOLERANCE = 1e-6
"""A price below minus this (relative to the column's cost scale) counts as negative."""

SEARCH_GAP = 0.005
"""HiGHS's search for whole secondments stops once its plan is proven within this share of
the best among the columns priced in: the plan is only the CP-SAT search's start, and a
search that ends by its own proof, not the clock, gives the same plan on every run
(measured on the generated M instance: 3 s instead of the 7-9 s it had, at 0.3-0.4 %)."""

GOALS = ("cover", "pledges", "balance")
"""The goals this model states."""


@dataclass(frozen=True)
class Priced:
    """What one goal's pricing gave: a plan (None if no better one was found), a lower bound on
    the goal over the model's plans and one over every plan of the whole problem (in the
    tier's units; None if the linear program was not solved), whether the clock stopped
    HiGHS (a run that may not repeat exactly), and a plan better still that pairs people
    with posts the model (a shortlist) left out (see ``PricedMip.recombine``), if found.
    Plans hold new secondments only."""

    plan: tuple[Secondment, ...] | None
    bound: float | None
    whole_bound: float | None
    stopped: bool
    outside: tuple[Secondment, ...] | None = None  # a better plan using pairs outside the model


class Runs:
    """Possible secondments as arrays: person and post indices, first and last month (as
    offsets from the horizon's first month), and the balance goal's cost of each month."""

    def __init__(self, model: SolverModel, runs: Iterable[tuple[int, int, dict[Month, range]]]
                 ) -> None:
        problem = model.problem
        first = problem.horizon[0]
        people: list[int] = []
        posts: list[int] = []
        starts: list[int] = []
        earliest: list[int] = []
        counts: list[int] = []
        rates: list[float] = []
        rate_of: dict[tuple[int, int], int] = {}
        for p, q, pair_runs in runs:
            rate = rate_of.get((p, q))
            if rate is None:
                rate = rate_of[(p, q)] = balance_rate(model, problem.candidates[p],
                                                      problem.posts[q])
            for start, ends in pair_runs.items():
                people.append(p)
                posts.append(q)
                starts.append(start - first)
                earliest.append(ends[0] - first)
                counts.append(len(ends))
                rates.append(rate)
        count = np.array(counts, dtype=np.int64)
        offsets = np.repeat(np.cumsum(count) - count, count)
        self.person = np.repeat(np.array(people, dtype=np.int32), count)
        self.post = np.repeat(np.array(posts, dtype=np.int32), count)
        self.start = np.repeat(np.array(starts, dtype=np.int32), count)
        self.end = (np.repeat(np.array(earliest, dtype=np.int32), count)
                    + (np.arange(int(count.sum())) - offsets).astype(np.int32))
        self.rate = np.repeat(np.array(rates, dtype=np.float64), count)
        # The runs come person by person (pairs in order): where each person's begin.
        assert np.all(np.diff(self.person) >= 0)
        self.people, self.first_of = np.unique(self.person, return_index=True)
        self._balance: np.ndarray | None = None  # the balance's costs, once worked out
        self._held_at: tuple[int, np.ndarray, np.ndarray] | None = None  # see ``months_price``

    def least_per_person(self, values: np.ndarray, allowed: Sequence[int]) -> float:
        """The sum, person by person, of their ``allowed[person]`` lowest ``values`` (one per
        run)."""
        total = 0.0
        ends = [*self.first_of[1:], len(self.person)]
        for person, begin, end in zip(self.people, self.first_of, ends, strict=True):
            mine = values[begin:end]
            most = allowed[person]
            if most >= len(mine):
                total += float(mine.sum())
            elif most == 1:
                total += float(mine.min())
            elif most > 0:
                total += float(np.partition(mine, most - 1)[:most].sum())
        return total

    def __len__(self) -> int:
        return len(self.person)

    def costs(self, goal: str) -> np.ndarray:
        """Each run's cost under the goal (only the balance is paid by secondments)."""
        if goal != "balance":
            return np.zeros(len(self))
        if self._balance is None:
            self._balance = self.rate * (self.end - self.start + 1)
            self._balance.flags.writeable = False  # shared by every caller: never changed
        return self._balance

    def months_price(self, held: np.ndarray) -> np.ndarray:
        """Each run's months at their prices: ``held`` is each person's running sum of a
        month's price (a row a person, the month after each month a column), so a run's is
        its end's column less its start's. Read through flat indices worked out once (on
        the generated L instance's five million runs: 65 ms a pricing round, not 105)."""
        width = held.shape[1]
        if self._held_at is None or self._held_at[0] != width:
            kind = np.int32 if held.size < 2**31 else np.int64
            row = self.person.astype(kind) * width
            self._held_at = (width, row + self.end.astype(kind) + 1, row + self.start)
        flat = held.ravel()
        total = flat.take(self._held_at[1])
        total -= flat.take(self._held_at[2])
        return total


@dataclass
class _Prices:
    """One solve's row prices, arranged for pricing runs (missing rows price at 0)."""

    flow_start: np.ndarray  # [post, month]: price of a secondment starting then
    flow_end: np.ndarray  # [post, month]: price of one ending then
    held: np.ndarray  # [person, month + 1]: running sum of a month's prices
    person: np.ndarray  # [person]: R11's count row


class PricedMip(Program):
    """The whole-secondment model of a large model, its columns priced in goal by goal."""

    def __init__(self, model: SolverModel, whole: Domains | None, parallel: bool = False
                 ) -> None:
        self.model = model
        self.parallel = parallel  # a second core for HiGHS (see ``_improve_by_paths``)
        problem = model.problem
        variables = model.variables
        self.first = problem.horizon[0]
        self.months = len(problem.horizon)
        super().__init__(problem, RuleRows(problem, variables.stints, implied_holding=False))
        self.runs = Runs(model, ((pair.person, pair.post, pair.runs)
                                 for pair in variables.pairs))
        self.whole = self.runs if whole is None else Runs(
            model, every_run(problem, whole, variables.stints))
        codes = sorted({c.agency for c in problem.candidates}
                       | {a.agency for a in problem.agencies})
        self.agency_of = np.array([codes.index(c.agency) for c in problem.candidates],
                                  dtype=np.int32)
        self.codes = codes
        self.years = sorted({financial_year(t) for t in problem.horizon})
        self.year_of = np.array([self.years.index(financial_year(t)) for t in problem.horizon],
                                dtype=np.int32)
        self.pence = np.array(self.rules.pence, dtype=np.float64)
        # Columns other than runs (chain arcs, months short): entries and bounds, for the bound.
        self.fixed: dict[int, tuple[list[int], list[float], float, float]] = {}
        self.count = 0  # columns in the program
        self.goal_columns: dict[str, list[int]] = {"cover": [], "pledges": []}
        self.in_lp = np.full(len(self.runs), -1, dtype=np.int64)  # run -> column, or -1
        self.run_columns: list[int] = []  # the runs in the program, in the order they came
        self.run_at: list[int] = []  # and their columns
        self.outside_at: dict[int, int] = {}  # whole problem's runs outside the model -> column
        self._model_keys: tuple[np.ndarray, np.ndarray] | None = None  # see ``_in_model``
        self.elastic: list[int] = []  # columns that let a kept goal slip, at a price
        self.blind = False  # a kept goal this model does not state: its plans may break it
        self._arcs()
        # Whole chains of each post priced in (see ``paths``), where its network allows.
        self.paths = PathMaster.of(self)

    @classmethod
    def of(cls, model: SolverModel, whole: Domains | None = None, parallel: bool = False
           ) -> PricedMip | None:
        """The priced model of ``model``, or None when its posts' holders do not form chains
        (see ``chains``) or it has no possible secondment. ``whole``: every pair and month
        R2-R4 allow, when the model was built on a shortlist (for the whole problem's bound).
        ``parallel``: HiGHS may search on a second core meanwhile."""
        if model.relaxed or not chains_hold(model.problem, model.variables.stints):
            return None
        priced = cls(model, whole, parallel)
        return priced if len(priced.runs) else None

    # -- the goals ------------------------------------------------------------------------
    def states(self, tier: GoalTier) -> bool:
        """Whether this model can plan for the tier (and every goal held so far)."""
        return tier.goal in GOALS and not self.blind

    def keep(self, tier: GoalTier, value: float) -> None:
        """Hold the tier at or below ``value`` from now on, as the later stages do."""
        columns = self.goal_columns.get(tier.goal)
        if columns is None:
            self.blind = True  # (the balance is the last goal: never kept)
            return
        if self.paths is not None:
            self.paths.keep(tier.goal, value)
        if columns:
            row = len(self.row_keys)
            self.highs.addRow(-math.inf, value + INTEGRAL, len(columns),
                              np.array(columns, dtype=np.int32), np.ones(len(columns)))
            self.row_keys.append(("kept", tier.goal))
            self.row_lower.append(-math.inf)
            self.row_upper.append(value + INTEGRAL)
            for column in columns:
                self.fixed[column][0].append(row)
                self.fixed[column][1].append(1.0)
            # Its elastic column (see ``program.ELASTIC``), as much as the goal's columns can hold.
            most = sum(self.fixed[column][3] for column in columns)
            self.highs.addCol(0.0, 0.0, most, 1, np.array([row], dtype=np.int32),
                              np.array([-1.0]))
            self.fixed[self.count] = ([row], [-1.0], 0.0, most)
            self.elastic.append(self.count)
            self.count += 1

    def improve(self, tier: GoalTier, plan: Sequence[Secondment], seconds: float
                ) -> Priced | None:
        """Price in the columns of the tier's goal and search them, with ``plan``'s (the plan
        so far, which holds every goal kept) for a start, for a better plan, all within
        ``seconds``. None when the tier is not stated here."""
        if not self.states(tier):
            return None
        started = time.monotonic()
        goal = tier.goal
        constant = float(tier.total.constant) if goal == "balance" else 0.0
        self._costs(goal)
        if self.paths is not None:
            return self._improve_by_paths(tier, plan, seconds)
        if goal != "balance":  # see below
            self._add_runs(self._runs_of(plan), goal)
        stopped = False
        prices: _Prices | None = None
        duals = np.zeros(0)
        while True:
            left = PRICING_SHARE * seconds - (time.monotonic() - started)
            # HiGHS holds a linear solve to its run time summed over the instance's solves.
            limit = self.highs.getRunTime() + max(0.01, left)
            self.highs.setOptionValue("time_limit", limit)
            run_interruptibly(self.highs)
            if self.highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                stopped = True
                break
            duals = self._usable(np.array(self.highs.getSolution().row_dual))
            prices = self._prices(duals)
            reduced = self._reduced(self.runs, prices, goal) - prices.person[self.runs.person]
            reduced[self.in_lp >= 0] = 0.0
            scale = PRICE_TOLERANCE * max(1.0, float(np.abs(self.runs.costs(goal)).max()))
            entering = np.flatnonzero(reduced < -scale)
            if not len(entering) or time.monotonic() - started >= PRICING_SHARE * seconds:
                break
            ranked = entering[np.argsort(reduced[entering], kind="stable")]
            best = ranked[:PRICE_BATCH]
            self._add_runs(np.sort(best), goal)
        bound = whole_bound = None
        if prices is not None:
            bound = self._bound(self.runs, duals, prices, goal) + constant
            whole_bound = self._bound(self.whole, duals, prices, goal) + constant
        # The balance's program takes the plan's own secondments only now, for the search
        # to start from: from the start they hold it at a vertex so degenerate that it barely
        # moved in 10 s on the generated L instance. The cover's and pledges' programs, which
        # start with every post vacant, converge sooner with them (M tight: 0.8 s, not 10).
        self._add_runs(self._runs_of(plan), goal)
        found, late = self._search(plan, seconds - (time.monotonic() - started))
        return Priced(found, bound, whole_bound, stopped or late)

    def _improve_by_paths(self, tier: GoalTier, plan: Sequence[Secondment], seconds: float
                          ) -> Priced:
        """``improve`` where whole chains of each post are priced in (``paths``).

        Whole paths first (a small program: a plan in seconds even where the secondments'
        program cannot solve its first linear program in the time), then HiGHS recombines
        the secondments of the paths priced in for this goal, from the better plan (those
        of earlier goals' paths too took the balance's search on the generated L instance,
        seed 2, past its time before its first linear program was solved: 919,700 where,
        without them, it proves 378,190 within 0.1 % of the best among them in about
        10 s). Where the pricing settled with time to spare, the whole problem's secondments
        are priced in too (``paths.widen``: a bound on every plan, shortlist or not, closer
        to the best) and, for the balance, a plan is sought among the paths that gives,
        pairs outside the model included, and among the secondments of the whole problem's
        linear optimum (``recombine``). With a second core the secondment search runs on it
        while ``widen`` and the search among paths run on this one: on the generated L
        instance the search alone took 30-35 s of the stage's 55 before it was held to its
        own goal's paths.
        """
        assert self.paths is not None
        started = time.monotonic()
        deadline = started + seconds
        goal = tier.goal
        constant = float(tier.total.constant) if goal == "balance" else 0.0
        generated = self.paths.generate(goal, self._runs_of(plan), PRICING_SHARE * seconds)
        chosen, _, late = self.paths.search(PATH_SEARCH_SHARE * (deadline - time.monotonic()))
        start = self._runs_of(plan) if chosen is None else chosen
        self._add_runs(generated.runs, goal)
        self._add_runs(start, goal)
        widening = (generated.whole_bound is not None and not generated.stopped
                    and self.whole is not self.runs)
        meanwhile = self.parallel and widening
        reserve = RECOMBINE_SHARE * seconds if meanwhile and goal == "balance" else 0.0
        search_end = deadline - reserve
        if goal != "balance":  # CP-SAT's search, after this, takes the rest (see the share)
            search_end = time.monotonic() + COVER_SEARCH_SHARE * (search_end - time.monotonic())
        wider = None
        beyond: tuple[list[int], list[int]] | None = None
        with self._plan_search(self._columns(generated.runs) | self._columns(start),
                               self._columns(start), search_end - time.monotonic()) as search:
            if meanwhile:
                search.start()
                wider = self.paths.widen(goal, WIDEN_SHARE * (search_end - time.monotonic()))
                if wider is not None and goal == "balance":
                    inside, others, late_beyond = self.paths.search(
                        search_end - time.monotonic(), beyond=True)
                    late = late or late_beyond
                    beyond = None if inside is None else self._canonical(inside, others)
                values, late_search = search.result()
            else:
                values, late_search = search.run()
        late = late or late_search
        found: list[int] | None = chosen if values is None else self._chosen_runs(values)
        if widening and not meanwhile and time.monotonic() < deadline:
            # Time to spare: the whole problem's secondments priced in, then the plans
            # among them (below).
            wider = self.paths.widen(goal, (1 - OUTSIDE_SHARE) * (deadline - time.monotonic()))
        whole_bound = generated.whole_bound
        if wider is not None:
            whole_bound = wider if whole_bound is None else max(whole_bound, wider)
        outside: tuple[Secondment, ...] | None = None
        if wider is not None and goal == "balance":
            plans: list[tuple[list[int], list[int]]] = [
                (start if found is None else found, []), *([beyond] if beyond else [])]
            left = deadline - time.monotonic()
            best, late_recombined = self.recombine(plans, goal, left) if left > 0 else (
                None, False)
            late = late or late_recombined
            if best is None:
                best = min(plans, key=lambda p: self._cost(goal, *p))
            if best[1]:
                outside = (*self._secondments(best[0]), *self._secondments(best[1], self.whole))
            else:
                found = best[0]
        return Priced(None if found is None else self._secondments(found),
                      None if generated.bound is None else generated.bound + constant,
                      None if whole_bound is None else whole_bound + constant,
                      generated.stopped or late, outside)

    # -- the columns ----------------------------------------------------------------------
    def _fixed_column(self, terms: Terms, lower: float, upper: float) -> int:
        rows = [self._row(key) for key, _ in terms]
        values = [value for _, value in terms]
        self.highs.addCol(0.0, lower, upper, len(rows), np.array(rows, dtype=np.int32),
                          np.array(values, dtype=np.float64))
        self.fixed[self.count] = (rows, values, lower, upper)
        self.count += 1
        return self.count - 1

    def _arcs(self) -> None:
        """Each post's chain arcs and each owing agency's months short: the columns every
        plan needs whoever holds the posts."""
        problem = self.problem
        stints_by_post = self.model.variables.stints_by_post
        for q, post in enumerate(problem.posts):
            if post.funding == "funded":
                continue  # no secondee holds it
            counted = post.funding == "seconded"  # a funded officer may cover ``either``
            for arc in post_arcs(problem, q, stints_by_post[q]):
                column = self._fixed_column(arc_terms(q, arc), 1.0 if arc.agreed else 0.0, 1.0)
                if arc.vacant and counted:
                    self.goal_columns["cover"].append(column)
        for code, owed in self.rules.owed.items():
            column = self._fixed_column([(("pledged", code), 1.0)], 0.0, owed)
            self.goal_columns["pledges"].append(column)

    def _costs(self, goal: str) -> None:
        """Every column's cost under the goal."""
        costs = np.zeros(self.count)
        costs[self.goal_columns.get(goal, [])] = 1.0
        costs[self.elastic] = self._elastic_price(goal)
        costs[self.run_at] = self.runs.costs(goal)[self.run_columns]
        if self.outside_at:
            costs[list(self.outside_at.values())] = self.whole.costs(goal)[list(self.outside_at)]
        self.highs.changeColsCost(len(costs), np.arange(len(costs), dtype=np.int32), costs)

    def _elastic_price(self, goal: str) -> float:
        """What a unit of a held goal's slip costs (see ``program.ELASTIC``)."""
        return elastic_price(self.runs.costs(goal))

    def _add_runs(self, indices: Iterable[int], goal: str) -> None:
        """Add these runs (indices into ``self.runs``) as columns, unless already in."""
        new = [int(j) for j in indices if self.in_lp[j] < 0]
        first = self._add_columns(self.runs, new, goal, 1.0)
        for offset, j in enumerate(new):
            self.in_lp[j] = first + offset
            self.run_columns.append(j)
            self.run_at.append(first + offset)

    def _add_outside(self, indices: Iterable[int], goal: str) -> None:
        """Add these runs of the whole problem (indices into ``self.whole``), whose pairs
        the model left out, as columns, unless already in. Only ``recombine`` lets a plan
        take them (their upper bound is 0 here)."""
        new = [int(j) for j in indices if int(j) not in self.outside_at]
        first = self._add_columns(self.whole, new, goal, 0.0)
        for offset, j in enumerate(new):
            self.outside_at[j] = first + offset

    def _add_columns(self, runs: Runs, indices: Sequence[int], goal: str, upper: float
                     ) -> int:
        """Add these runs as columns from 0 to ``upper``, each with its post's chain and the
        rules' rows it pays in (see ``chains.run_terms`` and ``RuleRows.terms``); the first
        one's column."""
        first = self.count
        if not indices:
            return first
        starts: list[int] = []
        rows: list[int] = []
        values: list[float] = []
        for j in indices:
            p, q = int(runs.person[j]), int(runs.post[j])
            start, end = int(runs.start[j]) + self.first, int(runs.end[j]) + self.first
            starts.append(len(rows))
            for key, value in [*run_terms(q, start, end), *self.rules.terms(p, start, end)]:
                rows.append(self._row(key))
                values.append(value)
        self.highs.addCols(len(indices), runs.costs(goal)[list(indices)],
                           np.zeros(len(indices)), np.full(len(indices), upper), len(rows),
                           np.array(starts, dtype=np.int32), np.array(rows, dtype=np.int32),
                           np.array(values, dtype=np.float64))
        self.count += len(indices)
        return first

    def _in_model(self, indices: Sequence[int]) -> np.ndarray:
        """For each of these runs of the whole problem, the same secondment's index in the
        model's runs, or -1 where the model left its pair out."""
        posts, months = len(self.problem.posts), self.months

        def keys(runs: Runs, chosen: np.ndarray | slice) -> np.ndarray:
            return (((runs.person[chosen].astype(np.int64) * posts + runs.post[chosen]) * months
                     + runs.start[chosen]) * months + runs.end[chosen])

        if self._model_keys is None:
            every = keys(self.runs, slice(None))
            order = np.argsort(every, kind="stable")
            self._model_keys = (every[order], order)
        known, order = self._model_keys
        wanted = keys(self.whole, np.asarray(indices, dtype=np.int64))
        at = np.minimum(np.searchsorted(known, wanted), max(0, len(known) - 1))
        found = (len(known) > 0) & (known[at] == wanted)
        return np.where(found, order[at], -1)

    def _runs_of(self, plan: Sequence[Secondment]) -> list[int]:
        """The runs (indices) of a plan's new secondments that the model could hold."""
        person = {c.person: p for p, c in enumerate(self.problem.candidates)}
        post = {x.post: q for q, x in enumerate(self.problem.posts)}
        runs = self.runs
        found: list[int] = []
        for s in plan:
            if s.existing or s.person not in person or s.post not in post:
                continue
            match = np.flatnonzero((runs.person == person[s.person]) & (runs.post == post[s.post])
                                   & (runs.start == s.start - self.first)
                                   & (runs.end == s.end - self.first))
            found.extend(int(j) for j in match[:1])
        return found

    # -- pricing --------------------------------------------------------------------------
    def _prices(self, duals: np.ndarray) -> _Prices:
        """The row prices by what a run pays in them (see ``chains.run_terms`` and
        ``RuleRows.terms``)."""
        return self.arrange_prices(self.rows, duals)

    def arrange_prices(self, rows: dict[RowKey, int], duals: np.ndarray) -> _Prices:
        """The prices of ``rows`` (a program's rows by key) by what a run pays in them."""
        problem = self.problem
        posts, people, months = len(problem.posts), len(problem.candidates), self.months
        flow_start = np.zeros((posts, months))
        flow_end = np.zeros((posts, months))
        holding = np.zeros((people, months))
        out = np.zeros((len(self.codes), months))
        spend = np.zeros((len(self.codes), len(self.years)))
        pledged = np.zeros(len(self.codes))
        person = np.zeros(people)
        for key, row in rows.items():
            price = duals[row]
            if not price:
                continue
            kind = key[0]
            if kind == "flow":
                node = key[2]
                assert isinstance(node, tuple)
                if node[0] == "S":
                    flow_start[int(str(key[1])), node[1] - self.first] = price
                elif node[0] == "E":
                    flow_end[int(str(key[1])), node[1] - self.first] = price
            elif kind == "holding":
                holding[int(str(key[1])), int(str(key[2])) - self.first] = price
            elif kind == "out":
                out[self.codes.index(str(key[1])), int(str(key[2])) - self.first] = price
            elif kind == "spend":
                spend[self.codes.index(str(key[1])), self.years.index(int(str(key[2])))] = price
            elif kind == "pledged":
                pledged[self.codes.index(str(key[1]))] = price
            elif kind == "person":
                person[int(str(key[1]))] = price
        agency = self.agency_of
        monthly = (holding + out[agency] + self.pence[:, None] * spend[agency][:, self.year_of]
                   + pledged[agency][:, None])
        held = np.zeros((people, months + 1))
        held[:, 1:] = np.cumsum(monthly, axis=1)
        return _Prices(flow_start, flow_end, held, person)

    def _reduced(self, runs: Runs, prices: _Prices, goal: str) -> np.ndarray:
        """Each run's reduced cost, leaving out R11's count row (``prices.person``)."""
        return runs.costs(goal) - (
            -prices.flow_start[runs.post, runs.start] + prices.flow_end[runs.post, runs.end]
            + runs.months_price(prices.held))

    def _bound(self, runs: Runs, duals: np.ndarray, prices: _Prices, goal: str) -> float:
        """Weak duality over ``runs`` and the fixed columns: a lower bound on the goal (less
        its constant) over every plan whose secondments are among ``runs``.

        R11's count rows stay out of the prices: each person's runs add only as many of
        their most negative reduced costs as new secondments R11 allows them."""
        lower, upper = np.array(self.row_lower), np.array(self.row_upper)
        duals = np.pad(duals, (0, len(lower) - len(duals)))  # rows added since: price 0
        counted = np.array([key[0] != "person" for key in self.row_keys], dtype=bool)
        from_rows = np.where(duals > 0, duals * np.where(np.isfinite(lower), lower, 0.0),
                             duals * np.where(np.isfinite(upper), upper, 0.0))[counted]
        fixed_costs = np.zeros(self.count)
        fixed_costs[self.goal_columns.get(goal, [])] = 1.0
        fixed_costs[self.elastic] = self._elastic_price(goal)
        from_fixed = []
        for column, (rows, values, low, high) in self.fixed.items():
            cost = fixed_costs[column]
            reduced = cost - float(np.dot(duals[rows], values))
            from_fixed.append(reduced * (low if reduced > 0 else high))
        negative = np.minimum(0.0, self._reduced(runs, prices, goal))
        from_runs = runs.least_per_person(negative, self.rules.allowed)
        size = float(np.abs(from_rows).sum() + np.abs(from_fixed).sum() + abs(from_runs))
        return (float(from_rows.sum()) + float(sum(from_fixed)) + from_runs
                - ROUNDING * (1.0 + size))

    # -- the plan -------------------------------------------------------------------------
    def _search(self, plan: Sequence[Secondment], seconds: float
                ) -> tuple[tuple[Secondment, ...] | None, bool]:
        """HiGHS's best whole plan among the columns priced in, started from ``plan``, and
        whether the clock stopped it."""
        values, late = self._plan_search(set(self.run_at), self._columns(self._runs_of(plan)),
                                         seconds).run()
        if values is None:
            return None, late
        return self._secondments(self._chosen_runs(values)), late

    def recombine(self, plans: Sequence[tuple[Sequence[int], Sequence[int]]], goal: str,
                  seconds: float) -> tuple[tuple[list[int], list[int]] | None, bool]:
        """HiGHS's best plan, within ``seconds``, among the secondments of ``plans`` and of
        the whole problem's linear optimum (see ``paths.support``, after ``widen``), pairs
        the model left out included: its secondments as indices into the model's runs and
        into the whole problem's (where it pairs any, the model cannot hold it), and whether
        the clock stopped HiGHS. Each plan is given the same way (see ``_canonical``); the
        best of them under the goal is the start, so the plan is never worse. None when it
        found none.

        A search over a few hundred columns, where the one over every column priced in took
        half the stage on the generated L instance: the linear optimum's secondments, with
        those of good plans, are where a better plan most likely lies (the
        relaxation-induced neighbourhood of mixed integer programming, and solution merging).
        """
        assert self.paths is not None
        start_inside, start_outside = min(plans, key=lambda p: self._cost(goal, *p))
        inside, outside = self._canonical(*self.paths.support())
        for plan_inside, plan_outside in plans:
            inside.extend(plan_inside)
            outside.extend(plan_outside)
        inside, outside = sorted(set(inside)), sorted(set(outside))
        self._add_runs(inside, goal)
        self._add_outside(outside, goal)
        opened = {int(self.in_lp[j]) for j in inside} | {self.outside_at[j] for j in outside}
        values, late = self._plan_search(opened, self._columns(start_inside, start_outside),
                                         seconds).run()
        if values is None:
            return None, late
        return (self._chosen_runs(values),
                [j for j, column in self.outside_at.items() if values[column] > 0.5]), late

    def _canonical(self, inside: Sequence[int], outside: Sequence[int]
                   ) -> tuple[list[int], list[int]]:
        """A plan's runs (indices into the model's runs and the whole problem's) with those
        of the whole problem's that the model has too given as the model's."""
        model_index = self._in_model(outside)
        return ([*inside, *(int(m) for m in model_index if m >= 0)],
                [int(j) for j, m in zip(outside, model_index, strict=True) if m < 0])

    def _columns(self, inside: Iterable[int], outside: Iterable[int] = ()) -> set[int]:
        """The columns of these runs (indices into the model's runs, in the program, and
        into the whole problem's, outside the model and in the program)."""
        return {int(self.in_lp[j]) for j in inside} | {self.outside_at[j] for j in outside}

    def _plan_search(self, opened: set[int], start: set[int], seconds: float
                     ) -> IntegerSearch:
        """HiGHS's search, within ``seconds``, for the best whole plan that takes runs from
        the ``opened`` columns only (and none that lets a held goal slip), started from the
        plan whose runs are the ``start`` columns."""
        every = np.array([*self.run_at, *self.outside_at.values()], dtype=np.int32)
        closed = np.array([*self.elastic, *(c for c in every if int(c) not in opened)],
                          dtype=np.int32)
        return IntegerSearch(self.highs, every,
                             np.array([1.0 if int(c) in start else 0.0 for c in every]),
                             opened=np.array(sorted(opened), dtype=np.int32), closed=closed,
                             gap=SEARCH_GAP, seconds=seconds)

    def _chosen_runs(self, values: np.ndarray) -> list[int]:
        """The model's runs a search's solution takes."""
        return [j for column, j in zip(self.run_at, self.run_columns, strict=True)
                if values[column] > 0.5]

    def _cost(self, goal: str, inside: Sequence[int], outside: Sequence[int]) -> float:
        """A plan's runs' cost under the goal (indices into the model's runs and the whole
        problem's)."""
        return (float(self.runs.costs(goal)[list(inside)].sum())
                + float(self.whole.costs(goal)[list(outside)].sum()))

    def _secondments(self, chosen: Iterable[int], runs: Runs | None = None
                     ) -> tuple[Secondment, ...]:
        """The secondments of these runs (indices into ``runs``, the model's unless given)."""
        problem = self.problem
        runs = self.runs if runs is None else runs
        return tuple(Secondment(
            person=problem.candidates[int(runs.person[j])].person,
            post=problem.posts[int(runs.post[j])].post,
            start=int(runs.start[j]) + self.first, end=int(runs.end[j]) + self.first)
            for j in chosen)
