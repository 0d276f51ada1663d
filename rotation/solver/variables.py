"""The decision variables: who holds which post in which month, by indices.

For every (person, post) pair that R2–R4 allow (see ``domains``) and every month it may be
chosen: ``hold[t]`` the person holds the post in month t; ``start[t]`` a secondment begins in
t (held in t, not in t-1), only in months where one may begin (R5's lengths and R10's
budget for one person, see ``runs``). An end is not a variable of its own: a run held in t
ends there unless it is still held in t+1 without a new start, so
``end[t] = hold[t] - hold[t+1] + start[t+1]`` (``PairVars.end``), held at 0 in months no
possible run ends in. A run reaching the last month of the pair's months ends there: at the
horizon end that is its written end.

Per person and month, ``on[t]`` is 1 when the person holds any of their pairs (R11 keeps
them to one at a time): the agency rules, pledges and costs read it instead of every pair.

Existing secondments are not variables. They are fixed ``Stint``s that every count includes
as constants, so a new secondment next to an Existing one is always a separate secondment.
Indices (into ``problem.candidates`` and ``problem.posts``) never leave the solver.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

from ortools.sat.python import cp_model

from rotation.domain import Problem
from rotation.months import Month, financial_year, month_range
from rotation.solver.domains import Domains
from rotation.solver.pence import monthly_pence
from rotation.solver.runs import RunLimits, possible_runs, year_caps
from rotation.solver.tally import Tally, Var


@dataclass(frozen=True)
class Stint:
    """An Existing secondment by indices: months fixed before the search."""

    person: int
    post: int
    start: Month
    end: Month

    def covers(self, month: Month) -> bool:
        """Whether the person is in the post in that month."""
        return self.start <= month <= self.end


@dataclass
class PairVars:
    """The variables of one (person, post) pair, by month."""

    person: int
    post: int
    months: range
    hold: dict[Month, Var]
    start: dict[Month, Var]
    # Running counts of runs started up to a month, where R5 needs a variable for one.
    started: dict[Month, Var] = field(default_factory=dict)
    # The runs the pair may have (see ``runs``): start month -> the months it may end in.
    runs: dict[Month, range] = field(default_factory=dict)

    def end(self, month: Month) -> Tally:
        """1 when a run of the pair ends in the month (held then, not continued after)."""
        held = self.hold.get(month)
        if held is None:
            return Tally()
        after, restart = self.hold.get(month + 1), self.start.get(month + 1)
        if after is None:
            return Tally.of([held])
        if restart is None:
            return Tally([(held, 1), (after, -1)])
        return Tally([(held, 1), (after, -1), (restart, 1)])


class Variables:
    """All decision variables, and the counts the rules are written in."""

    def __init__(self, cp: cp_model.CpModel, problem: Problem, pairs: list[PairVars],
                 stints: list[Stint], one_at_a_time: bool = True) -> None:
        self.problem = problem
        self.pairs = pairs
        self.stints = stints
        self.pairs_by_post: dict[int, list[PairVars]] = defaultdict(list)
        self.pairs_by_person: dict[int, list[PairVars]] = defaultdict(list)
        for pair in pairs:
            self.pairs_by_post[pair.post].append(pair)
            self.pairs_by_person[pair.person].append(pair)
        self.stints_by_post: dict[int, list[Stint]] = defaultdict(list)
        self.stints_by_person: dict[int, list[Stint]] = defaultdict(list)
        for stint in stints:
            self.stints_by_post[stint.post].append(stint)
            self.stints_by_person[stint.person].append(stint)
        self._post_hold = _by_month(pairs, "post", "hold")
        self._post_start = _by_month(pairs, "post", "start")
        # The 0/1 "holds a post" variables, by (person, month), where one was created.
        self.person_on: dict[tuple[int, Month], Var] = {}
        self._person_on = _person_months(cp, self.pairs_by_person, one_at_a_time,
                                         self.person_on)

    # -- counts per post and month (new secondments plus Existing ones) ------------------
    def holders(self, post: int, month: Month) -> Tally:
        """How many secondments cover the post in the month."""
        fixed = sum(1 for s in self.stints_by_post[post] if s.covers(month))
        return Tally.of(self._post_hold[post].get(month, ()), fixed)

    def starts(self, post: int, month: Month) -> Tally:
        """How many secondments of the post start in the month."""
        fixed = sum(1 for s in self.stints_by_post[post] if s.start == month)
        return Tally.of(self._post_start[post].get(month, ()), fixed)

    def ends(self, post: int, month: Month) -> Tally:
        """How many secondments of the post end in the month."""
        total = Tally(constant=sum(1 for s in self.stints_by_post[post] if s.end == month))
        for pair in self.pairs_by_post[post]:
            total.add(pair.end(month))
        return total

    def post_span(self, post: int) -> range:
        """The horizon, widened to every month an Existing secondment of the post covers."""
        return _span(self.problem, self.stints_by_post[post])

    # -- counts per person and month -----------------------------------------------------
    def person_holding(self, person: int, month: Month) -> Tally:
        """How many secondments the person holds in the month (a plan keeps this <= 1)."""
        fixed = sum(1 for s in self.stints_by_person[person] if s.covers(month))
        return Tally.of(self._person_on.get(person, {}).get(month, ()), fixed)

    def person_ends(self, person: int, month: Month) -> Tally:
        """How many of the person's secondments end in the month."""
        total = Tally(constant=sum(1 for s in self.stints_by_person[person] if s.end == month))
        for pair in self.pairs_by_person[person]:
            total.add(pair.end(month))
        return total

    def person_starts(self, person: int) -> Tally:
        """How many secondments the person has in all (new starts plus Existing ones)."""
        starts = [var for pair in self.pairs_by_person[person] for var in pair.start.values()]
        return Tally.of(starts, len(self.stints_by_person[person]))

    def person_span(self, person: int) -> range:
        """The horizon, widened to every month an Existing secondment of the person covers."""
        return _span(self.problem, self.stints_by_person[person])


def create_variables(cp: cp_model.CpModel, problem: Problem, domains: Domains,
                     relaxed: frozenset[str]) -> Variables:
    """Create the hold/start/end variables of every allowed pair, and the fixed stints."""
    stints = existing_stints(problem) if "R12" not in relaxed else []
    caps = {} if "R10" in relaxed else year_caps(problem, existing_spend(problem, stints))
    agreed = _AgreedSecondments(problem, stints if "R11" not in relaxed else [])
    pairs = []
    known = _KnownRuns()
    for (p, q), months in sorted(domains.items()):
        if agreed.used_up(p):
            continue
        limits = RunLimits(shortest=problem.settings.min_secondment_months,
                           longest=longest_run(problem, p),
                           horizon_end=problem.settings.horizon_end, year_cap=caps.get(p))
        if "R5" in relaxed:
            limits = replace(limits, shortest=1, longest=len(months))
        pair = _pair_variables(cp, p, q, months, agreed.clear(p, known.runs(p, months, limits)))
        if pair is not None:
            pairs.append(pair)
    return Variables(cp, problem, pairs, stints, one_at_a_time="R11" not in relaxed)


def existing_stints(problem: Problem) -> list[Stint]:
    """The Existing secondments that name a known person and post, by indices."""
    person_index = {c.person: i for i, c in enumerate(problem.candidates)}
    post_index = {p.post: i for i, p in enumerate(problem.posts)}
    return [Stint(person_index[s.person], post_index[s.post], s.start, s.end)
            for s in problem.existing if s.person in person_index and s.post in post_index]


def longest_run(problem: Problem, person: int) -> int:
    """R5: the most months one secondment of the person may last."""
    cap = problem.candidates[person].max_months
    limit = problem.settings.max_secondment_months
    return limit if cap is None else min(limit, cap)


def every_run(problem: Problem, domains: Domains, stints: list[Stint]
              ) -> Iterator[tuple[int, int, dict[Month, range]]]:
    """Each pair of ``domains`` (person and post indices) with the runs it may have (see
    ``runs``), with every rule in place: what ``create_variables`` gives the model's pairs."""
    caps = year_caps(problem, existing_spend(problem, stints))
    agreed = _AgreedSecondments(problem, stints)
    known = _KnownRuns()
    for (p, q), months in sorted(domains.items()):
        if agreed.used_up(p):
            continue
        limits = RunLimits(shortest=problem.settings.min_secondment_months,
                           longest=longest_run(problem, p),
                           horizon_end=problem.settings.horizon_end, year_cap=caps.get(p))
        yield p, q, agreed.clear(p, known.runs(p, months, limits))


class _AgreedSecondments:
    """R11 beside the agreed secondments: a person whose agreed ones already reach
    ``max_secondments_per_person`` may have no new one, and a new one neither overlaps an
    agreed one nor comes within ``cooling_off_months`` of it. The model's R11 rows say the
    same; leaving such runs out before any variable exists keeps them out of every search,
    relaxation and bound (on the Highland sample, two of its twenty people are already out on
    their one secondment each)."""

    def __init__(self, problem: Problem, stints: Sequence[Stint]) -> None:
        self.most = problem.settings.max_secondments_per_person
        self.cooling = problem.settings.cooling_off_months
        self.of: dict[int, list[Stint]] = defaultdict(list)
        for stint in stints:
            self.of[stint.person].append(stint)

    def used_up(self, person: int) -> bool:
        """Whether the person's agreed secondments leave them no new one."""
        return bool(self.of.get(person)) and len(self.of[person]) >= self.most

    def clear(self, person: int, runs: dict[Month, range]) -> dict[Month, range]:
        """The runs (see ``runs``; start -> possible ends) that keep clear of the person's
        agreed secondments, each start with the ends left to it."""
        agreed = self.of.get(person)
        if not agreed:
            return runs
        kept: dict[Month, range] = {}
        for start, ends in runs.items():
            last = ends[-1]
            for stint in agreed:
                if start <= stint.end + self.cooling:  # not after it, cooled off: before it
                    last = min(last, stint.start - self.cooling - 1)
            if last >= ends[0]:
                kept[start] = range(ends[0], last + 1)
        return kept


class _KnownRuns:
    """Each person's runs worked out once per span of months: a person's limits are the
    same in every post, and most of their posts allow the same months (on the generated
    250-candidate problem, 13,157 pairs and 1,056 different person-spans)."""

    def __init__(self) -> None:
        self.known: dict[tuple[int, range], dict[Month, range]] = {}

    def runs(self, person: int, months: range, limits: RunLimits) -> dict[Month, range]:
        """``possible_runs`` for ``person`` (whose limits are the same at every call), a
        copy of its own for each pair."""
        key = (person, months)
        if key not in self.known:
            self.known[key] = possible_runs(months, limits)
        return dict(self.known[key])


def _pair_variables(cp: cp_model.CpModel, p: int, q: int, months: range,
                    runs: dict[Month, range]) -> PairVars | None:
    # Only months some possible run (see ``runs``) covers are held at all; a run starts only
    # where one may start and ends only where one may end.
    if not runs:
        return None
    covered = {t for first, ends in runs.items() for t in range(first, ends[-1] + 1)}
    held_months = month_range(min(covered), max(covered))
    hold = {t: cp.new_bool_var(f"hold[{p},{q},{t}]") for t in held_months}
    start: dict[Month, Var] = {}
    for t, held in hold.items():
        before = hold.get(t - 1)
        if t not in covered:
            cp.add(held == 0)  # between two runs' reach: no run can hold it
        if before is None:
            start[t] = held  # the first possible month: holding it is starting there
        elif t in runs:
            start[t] = _edge(cp, f"start[{p},{q},{t}]", held, before)
        else:
            cp.add_implication(held, before)  # no start here: holding t means holding t-1
    pair = PairVars(p, q, held_months, hold, start, runs=runs)
    # R5 already keeps a run held for its first months; past the first month a run could end
    # in, R10's caps leave months in which none can (with no cap, every later month can).
    ends = {t for possible in runs.values() for t in possible}
    for t in held_months:
        if t > min(ends) and t not in ends:
            cp.add(pair.end(t).expr() == 0)  # no run may end here: a run held now goes on
    return pair


def existing_spend(problem: Problem, stints: Sequence[Stint]) -> dict[str, dict[int, int]]:
    """What each agency's Existing secondments cost (pence) in each financial year (R10)."""
    spend: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for stint in stints:
        candidate = problem.candidates[stint.person]
        for t in problem.horizon:
            if stint.covers(t):
                spend[candidate.agency][financial_year(t)] += monthly_pence(problem, candidate)
    return spend


def _edge(cp: cp_model.CpModel, name: str, held: Var, neighbour: Var) -> Var:
    """A 0/1 variable equal to ``held and not neighbour``."""
    edge = cp.new_bool_var(name)
    cp.add_implication(edge, held)
    cp.add_implication(edge, neighbour.Not())
    cp.add_bool_or([held.Not(), neighbour, edge])
    return edge


def _person_months(cp: cp_model.CpModel, pairs_by_person: dict[int, list[PairVars]],
                   one_at_a_time: bool, created: dict[tuple[int, Month], Var]
                   ) -> dict[int, dict[Month, list[Var]]]:
    """Per person and month, the variables whose sum counts the posts the person holds.

    With R11 in the model (``one_at_a_time``) a person holds one post at a time, so a month
    several pairs can hold gets one 0/1 variable ``on`` equal to their sum; a month only one
    pair can hold reuses that pair's ``hold``. Without R11 the sum itself is the count.
    """
    on: dict[int, dict[Month, list[Var]]] = {}
    for person, pairs in pairs_by_person.items():
        holds: dict[Month, list[Var]] = defaultdict(list)
        for pair in pairs:
            for month, held in pair.hold.items():
                holds[month].append(held)
        months: dict[Month, list[Var]] = {}
        for month, holding in sorted(holds.items()):
            if len(holding) == 1 or not one_at_a_time:
                months[month] = holding
                continue
            count = cp.new_bool_var(f"on[{person},{month}]")
            cp.add(count == cp_model.LinearExpr.sum(holding))
            months[month] = [count]
            created[(person, month)] = count
        on[person] = months
    return on


def _by_month(pairs: list[PairVars], key: str, kind: str) -> dict[int, dict[Month, list[Var]]]:
    index: dict[int, dict[Month, list[Var]]] = defaultdict(lambda: defaultdict(list))
    for pair in pairs:
        for month, var in getattr(pair, kind).items():
            index[getattr(pair, key)][month].append(var)
    return index


def _span(problem: Problem, stints: list[Stint]) -> range:
    first = min([problem.settings.horizon_start, *(s.start for s in stints)])
    last = max([problem.settings.horizon_end, *(s.end for s in stints)])
    return month_range(first, last)
