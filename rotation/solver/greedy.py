"""The plan a planner would make by hand: fill each post month by month, first come first served.

Month by month, every post that needs a holder (it is vacant, or its holder leaves in
``handover_overlap_months`` months) takes the first candidate, in Candidates-sheet order,
who can start there for as long as the rules allow without breaking any of them. Nothing
is ever undone, so the plan keeps every rule but may leave months vacant that a search
would fill. It is the benchmark's status-quo baseline.

A planner with foresight also staggers the handovers (``stagger``): each secondment runs for
the longest length whose successor's handover month (R7 allows ``max_handovers_per_month``)
is not already promised to another post's successor, shorter if it must, and for the
longest length the rules allow only when no length leaves that month free. Without it, two
posts filled in the same month need their successors in the same month too, and one of them
falls vacant. The best of several such plans, with and without staggering and with the
candidates ranked in different ways (``starting_plans``), is the solver's warm start.

Where budgets are scarce a thrifty planner asks the cheapest grades first (``thrifty``): a
budget buys more months of a cheaper grade, and the months bought are months covered.
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from rotation.domain import Problem, Secondment
from rotation.months import Month, financial_year
from rotation.solver.domains import Pair, restrict_domains
from rotation.solver.pence import budget_pence, monthly_pence
from rotation.solver.shortlist import pair_rate
from rotation.solver.variables import longest_run


@dataclass
class _Ledger:
    """What the plan so far commits, kept up to date as secondments are added."""

    by_post: dict[str, list[tuple[Month, Month]]] = field(default_factory=lambda: defaultdict(list))
    by_person: dict[str, list[tuple[Month, Month]]] = field(
        default_factory=lambda: defaultdict(list))
    agency_out: dict[tuple[str, Month], int] = field(default_factory=lambda: defaultdict(int))
    agency_pence: dict[tuple[str, int], int] = field(default_factory=lambda: defaultdict(int))
    handovers: dict[Month, int] = field(default_factory=lambda: defaultdict(int))
    agency_months: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # Months in which a successor's handover will be needed, as each secondment's end implies.
    promised: dict[Month, int] = field(default_factory=lambda: defaultdict(int))


PLEDGE_AWARE_AFTER = 2
"""Random orders (each made as the thrifty planner's, then as it is) before the pledge-aware
hand plan. On large problems only the first few hand plans fit in their time; measured on
the generated XL instance, the second random order was the best of them (295 vacant
post-months against 325-414 for the others) and the pledge-aware one no better (336). On
problems of the Highland sample's size every plan is made in a blink, and the pledge-aware
one is often the only one short of nothing."""


POLISH_PASSES = 5
"""Rounds of moves ``polish_plan`` makes at most: each move frees someone another
secondment may then want. Measured on two generated 60-post hand plans with long journeys
(balance 924,033 and 1,004,924): the rounds moved 177, 37, 9, 1, 0 and 171, 44, 12, 1, 2
secondments, to 247,972 and 321,318, in about 0.2 s a round."""


THRIFT_SPREAD = 300.0
"""How far apart in monthly cost (pounds) two candidates may be and still be asked in either
order by the thrifty hand planner (see ``thrifty``): a random amount up to this is added to
each one's cost. Measured on the generated tight 20-post instances (seeds 1, 2, 11, 12; the
best of 15 plans each): £300 gave 89, 99, 77 and 78 vacant post-months, £150 100, 100, 75
and 80, £600 96, 99, 79 and 76; the best of the other hand plans has 98, 108, 87 and 89."""


Preference = Callable[[int, int], float]
"""How a hand planner ranks candidate p for post q (lower first; ties in sheet order)."""


@dataclass
class Effort:
    """The hand planner's steps so far (months of a post looked at, candidates and lengths
    tried): a measure of the work that, unlike the clock, is the same on every machine."""

    steps: int = 0


class _Greedy:
    """The hand planner's state: the problem's limits and the plan so far."""

    def __init__(self, problem: Problem, preference: Preference | None = None,
                 domains: dict[Pair, range] | None = None, stagger: bool = False,
                 pledges_first: bool = False, effort: Effort | None = None) -> None:
        self.problem = problem
        self.effort = effort if effort is not None else Effort()
        self.settings = problem.settings
        self.stagger = stagger
        self.pledged = {a.agency: a.pledged_months for a in problem.agencies
                        if pledges_first and a.pledged_months is not None}
        self.horizon = problem.horizon
        self.last = self.horizon[-1]
        if domains is None:
            domains = restrict_domains(problem, frozenset(), [])
        self.domains: dict[Pair, range] = domains
        # Each post's candidates in the planner's order, those the post's rules rule out
        # (no months under R2-R4) left out at once: a fill looks at the others only.
        self.order: dict[int, list[int]] = {}
        for q in range(len(problem.posts)):
            allowed = [p for p in range(len(problem.candidates)) if (p, q) in domains]
            if preference is None:
                self.order[q] = allowed
            else:
                ranks = {p: preference(p, q) for p in allowed}
                self.order[q] = sorted(allowed, key=lambda p: (ranks[p], p))
        self.ledger = _Ledger()
        self.plan: list[Secondment] = []
        # Per person: their agency's code, how many it may have out, its budget (pence a
        # year, None for none) and the person's monthly cost: read for every length tried.
        self.limits: list[tuple[str, int, int | None, int]] = []
        for candidate in problem.candidates:
            agency = problem.agency_by_code.get(candidate.agency)
            budget = None if agency is None or agency.backfill_budget is None \
                else budget_pence(agency)
            self.limits.append((candidate.agency, problem.most_out(candidate.agency), budget,
                                monthly_pence(problem, candidate)))
        self.people = [c.person for c in problem.candidates]
        self.longest = [longest_run(problem, p) for p in range(len(problem.candidates))]
        self.person_index = {person: i for i, person in enumerate(self.people)}
        self.year_of = {t: financial_year(t) for t in self.horizon}
        self.post_index = {post.post: i for i, post in enumerate(problem.posts)}
        for secondment in problem.existing:
            self._commit(secondment.person, secondment.post, secondment.start, secondment.end,
                         existing=True)

    def run(self) -> tuple[Secondment, ...]:
        """Walk the horizon month by month, filling every post that needs someone."""
        overlap = self.settings.handover_overlap_months
        for t in self.horizon:
            for q, post in enumerate(self.problem.posts):
                self.effort.steps += 1
                if post.funding == "funded" or t not in self.problem.post_months(post):
                    continue
                held = [(a, b) for a, b in self.ledger.by_post[post.post] if a <= t <= b]
                leaving = [b for a, b in held if a < t and b - overlap + 1 == t]
                successor = any(a == t for a, _ in held)
                needs = (not held) or (overlap >= 1 and leaving and not successor
                                       and len(held) == 1)
                if needs:
                    self._fill(q, t)
        return tuple(sorted(self.plan, key=lambda s: (s.post, s.start, s.end, s.person)))

    def _fill(self, q: int, t: Month) -> None:
        """Give post q, from month t, to the first candidate who can take it.

        Staggering, the first candidate who can take it for a length whose successor's
        handover month is still free; failing that, the first who can take it at all.
        """
        fallback: tuple[int, Month] | None = None
        # Whether the post's rules allow a secondment from t to each end: the same for
        # every candidate, as nothing is committed until the fill ends.
        post_allows: dict[Month, bool] = {}
        # The first month from t on that would break R8-R10, by agency and grade: likewise.
        agency_breaks: dict[tuple[str, int, int | None, int], Month | None] = {}
        effort, domains, last = self.effort, self.domains, self.last
        for p in self._ranked(q):
            months = domains[(p, q)]
            effort.steps += 1
            if t not in months:
                continue
            person_ends = self._r11_reach(p, t, last)
            if person_ends is None:
                continue  # (R11 only grows stricter with the length)
            longest = min(t + self.longest[p] - 1, months[-1])
            if not self.stagger:
                if self._allowed(p, q, t, longest):
                    self._commit_new(p, q, t, longest)
                    return
                continue
            limits = self.limits[p]  # (the same for everyone of an agency and grade)
            if limits not in agency_breaks:
                agency_breaks[limits] = self._r8_r9_r10_break(limits, t, last)
            broken = agency_breaks[limits]
            reach = longest if broken is None or broken > longest else broken - 1
            for end in range(reach, t - 1, -1):
                self.effort.steps += 1
                if not self._r5_length(t, end):
                    break
                if end > person_ends:
                    continue  # (R5, R11 and R1, R6, R7: ``_person_and_post_allow``)
                if end not in post_allows:
                    post_allows[end] = self._r1_r6_r7_post(q, t, end)
                if not post_allows[end]:
                    continue
                if self._successor_free(q, end):
                    self._commit_new(p, q, t, end)
                    return
                if fallback is None:
                    fallback = (p, end)
        if fallback is not None:
            self._commit_new(fallback[0], q, t, fallback[1])

    def _ranked(self, q: int) -> list[int]:
        """Post q's candidates in the planner's order; with ``pledges_first``, those whose
        agency has not yet seconded its pledged months come first (in the same order)."""
        if not self.pledged:
            return self.order[q]
        months = self.ledger.agency_months
        candidates = self.problem.candidates

        def still_owed(p: int) -> bool:
            agency = candidates[p].agency
            return months[agency] < self.pledged.get(agency, 0)

        return sorted(self.order[q], key=lambda p: not still_owed(p))

    def _successor_free(self, q: int, end: Month) -> bool:
        """Whether a successor after ``end`` could hand over without crowding R7's month."""
        month = self._successor_month(q, end)
        return (month is None
                or self.ledger.promised[month] < self.settings.max_handovers_per_month)

    def _successor_month(self, q: int, end: Month) -> Month | None:
        """The month a successor would take over post q after ``end`` (R6), if it needs one."""
        post = self.problem.posts[q]
        if end >= self.last or (post.end is not None and end >= post.end):
            return None
        return end - self.settings.handover_overlap_months + 1

    def _commit_new(self, p: int, q: int, start: Month, end: Month) -> None:
        self._commit(self.problem.candidates[p].person, self.problem.posts[q].post, start, end)

    def _allowed(self, p: int, q: int, start: Month, end: Month) -> bool:
        """Whether the secondment keeps R5–R11 with everything committed so far."""
        return (self._person_and_post_allow(p, q, start, end)
                and self._r8_r9_r10_reach(p, start, end) == end)

    def _person_and_post_allow(self, p: int, q: int, start: Month, end: Month) -> bool:
        """Whether the secondment keeps R5, R11 and R1, R6, R7 (the agency rules aside)."""
        return (self._r5_length(start, end) and self._r11_person(p, start, end)
                and self._r1_r6_r7_post(q, start, end))

    def _r5_length(self, start: Month, end: Month) -> bool:
        length = end - start + 1
        return length >= self.settings.min_secondment_months or end >= self.last

    def _r11_person(self, p: int, start: Month, end: Month) -> bool:
        mine = self.ledger.by_person.get(self.people[p], ())
        if len(mine) >= self.settings.max_secondments_per_person:
            return False
        cooling = self.settings.cooling_off_months
        return all(start >= b + 1 + cooling or a >= end + 1 + cooling for a, b in mine)

    def _r11_reach(self, p: int, start: Month, until: Month) -> Month | None:
        """R11 for a secondment of p from ``start``: None when none may start then
        (``_r11_person(p, start, start)`` fails); otherwise the last month up to ``until`` it
        may run to, the month before the first of p's other secondments it would come too
        close to. One pass over p's secondments: the hand planner asks this of every
        candidate it looks at."""
        mine = self.ledger.by_person.get(self.people[p], ())
        if len(mine) >= self.settings.max_secondments_per_person:
            return None
        cooling = self.settings.cooling_off_months
        reach = until
        for a, b in mine:
            if start < b + 1 + cooling:  # (not over, cooling-off included, by ``start``)
                if a < start + 1 + cooling:
                    return None  # too close to ``start`` itself
                reach = min(reach, a - 1 - cooling)
        return reach

    def _r1_r6_r7_post(self, q: int, start: Month, end: Month) -> bool:
        """R1/R6: apart from others by a vacant month, or a handover overlap; R7 staggering."""
        overlap = self.settings.handover_overlap_months
        new_handovers: list[Month] = []
        for a, b in self.ledger.by_post[self.problem.posts[q].post]:
            if b <= start - 2 or a >= end + 2:
                continue  # a vacant month between them
            if a < start and start == b - overlap + 1:
                new_handovers.append(start)  # takes over from (a, b)
            elif start < a and a == end - overlap + 1:
                new_handovers.append(a)  # hands over to (a, b)
            else:
                return False
        limit = self.settings.max_handovers_per_month
        return all(self.ledger.handovers[t] + 1 <= limit
                   for t in new_handovers if t in self.horizon)

    def _r8_r9_r10_reach(self, p: int, start: Month, end: Month) -> Month:
        """The last month up to ``end`` to which a secondment from ``start`` keeps R8–R10.

        ``start - 1`` when even its first month would break one: every count only grows
        with the length, so the first month that breaks one ends the reach.
        """
        broken = self._r8_r9_r10_break(self.limits[p], start, end)
        return end if broken is None else broken - 1

    def _r8_r9_r10_break(self, limits: tuple[str, int, int | None, int], start: Month,
                         end: Month) -> Month | None:
        """The first month up to ``end`` in which a secondment from ``start`` of someone
        with these ``limits`` (see ``__init__``) would break R8-R10; None if none."""
        code, cap, budget, pence = limits
        out = self.ledger.agency_out
        months = range(max(start, self.horizon[0]), min(end, self.last) + 1)
        if budget is None:
            for t in months:
                if out.get((code, t), 0) >= cap:
                    return t
            return None
        # The financial years come one after another: the year's spend so far is carried
        # from month to month and read afresh from the ledger when the year turns.
        year_of, spent_by_year = self.year_of, self.ledger.agency_pence
        year, spent = None, 0
        for t in months:
            if out.get((code, t), 0) >= cap:
                return t
            if year_of[t] != year:
                year = year_of[t]
                spent = spent_by_year.get((code, year), 0)
            spent += pence
            if spent > budget:
                return t
        return None

    def _commit(self, person: str, post: str, start: Month, end: Month,
                existing: bool = False) -> None:
        """Add the secondment to the plan and to every count the rules read."""
        ledger = self.ledger
        for a, b in ledger.by_post[post]:
            for later, earlier in ((start, (a, b)), (a, (start, end))):
                if earlier[0] < later <= earlier[1] + 1 and later in self.horizon:
                    ledger.handovers[later] += 1
        ledger.by_post[post].append((start, end))
        q = self.post_index.get(post)
        successor = None if q is None else self._successor_month(q, end)
        if successor is not None:
            ledger.promised[successor] += 1
        self._count_person(person, start, end, 1)
        self.plan.append(Secondment(person=person, post=post, start=start, end=end,
                                    existing=existing))

    def _count_person(self, person: str, start: Month, end: Month, sign: int) -> None:
        """Add (``sign`` 1) or take away (-1) a secondment's months in the person's and their
        agency's counts (R8-R11)."""
        ledger = self.ledger
        if sign > 0:
            ledger.by_person[person].append((start, end))
        else:
            ledger.by_person[person].remove((start, end))
        p = self.person_index.get(person)
        if p is None:
            return
        code, _cap, _budget, pence = self.limits[p]
        for t in range(max(start, self.settings.horizon_start),
                       min(end, self.settings.horizon_end) + 1):
            ledger.agency_out[(code, t)] += sign
            ledger.agency_months[code] += sign
            ledger.agency_pence[(code, self.year_of[t])] += sign * pence

    def polish(self, plan: Sequence[Secondment], rate: Preference) -> tuple[Secondment, ...]:
        """``plan`` (Existing secondments included, as committed already) with each new
        secondment moved, where the rules allow, to a candidate ``rate`` ranks lower for the
        same post and months (see ``polish_plan``)."""
        problem = self.problem
        new = [s for s in plan if not s.existing]
        for s in new:
            self._commit(s.person, s.post, s.start, s.end)
        pledged = {a.agency: a.pledged_months for a in problem.agencies
                   if a.pledged_months is not None}

        def short(code: str, extra: int) -> int:
            """The agency's pledged months short with ``extra`` more months out."""
            return max(0, pledged.get(code, 0) - self.ledger.agency_months[code] - extra)

        ranked = {q: sorted((rate(p, q), p) for p in range(len(problem.candidates))
                            if (p, q) in self.domains)
                  for q in range(len(problem.posts))}
        holder = [self.person_index[s.person] for s in new]
        posts = [self.post_index[s.post] for s in new]
        for _ in range(POLISH_PASSES):
            moved = False
            # The worst-matched first: they have the most to gain.
            for i in sorted(range(len(new)), key=lambda i: -rate(holder[i], posts[i])):
                s, p, q = new[i], holder[i], posts[i]
                self._count_person(s.person, s.start, s.end, -1)
                current, chosen = rate(p, q), p
                months = len(range(max(s.start, self.settings.horizon_start),
                                   min(s.end, self.settings.horizon_end) + 1))
                mine = problem.candidates[p].agency
                for value, other in ranked[q]:
                    if value >= current:
                        break
                    theirs = problem.candidates[other].agency
                    # No agency further short of its pledge (the same agency: no change).
                    if (self._may_take(other, q, s.start, s.end)
                            and short(mine, 0) + short(theirs, months)
                            <= short(mine, months) + short(theirs, 0)):
                        chosen = other
                        break
                person = problem.candidates[chosen].person
                self._count_person(person, s.start, s.end, 1)
                if chosen != p:
                    new[i], holder[i], moved = s.model_copy(update={"person": person}), chosen, True
            if not moved:
                break
        kept = [s for s in plan if s.existing]
        return tuple(sorted((*kept, *new), key=lambda s: (s.post, s.start, s.end, s.person)))

    def _may_take(self, p: int, q: int, start: Month, end: Month) -> bool:
        """Whether person p may hold post q from ``start`` to ``end`` with everything
        committed so far (R2-R5, R8-R11; the post's own rules are the months')."""
        months = self.domains.get((p, q))
        return (months is not None and months[0] <= start and end <= months[-1]
                and end - start + 1 <= self.longest[p]
                and self._r11_person(p, start, end)
                and self._r8_r9_r10_reach(p, start, end) == end)


def greedy_plan(problem: Problem, preference: Preference | None = None,
                domains: dict[Pair, range] | None = None, *,
                stagger: bool = False, pledges_first: bool = False,
                effort: Effort | None = None) -> tuple[Secondment, ...]:
    """The first-come-first-served plan a planner makes by hand (Existing ones included).

    Candidates are taken in Candidates-sheet order, or by ``preference`` for each post;
    with ``stagger``, lengths are chosen to keep the handovers apart (see the module); with
    ``pledges_first``, staff of agencies still short of their pledge are asked first. The
    steps taken are added to ``effort``.
    """
    return _Greedy(problem, preference, domains, stagger, pledges_first, effort).run()


def matched_rate(problem: Problem) -> Preference:
    """How well candidate p matches post q: the balance goal's preference, travel and cost
    per month of p holding q (lower is better)."""
    settings = problem.settings

    def matched(p: int, q: int) -> float:
        candidate = problem.candidates[p]
        grade = problem.grade_by_key.get((candidate.agency, candidate.grade))
        return (pair_rate(problem, (p, q))
                + settings.weight_cost * (grade.monthly_cost if grade else 0.0))

    return matched


def budget_may_bind(problem: Problem) -> bool:
    """Whether some agency's yearly budget (R10) would not pay for as many of its staff as its
    limit lets out (R8, R9) all year, were they its dearest: only then can asking the
    cheapest grades first buy months."""
    for agency in problem.agencies:
        if agency.backfill_budget is None:
            continue
        costs = sorted((monthly_pence(problem, c) for c in problem.candidates
                        if c.agency == agency.agency), reverse=True)
        most = min(problem.most_out(agency.agency), len(costs))
        if 12 * sum(costs[:most]) > budget_pence(agency):
            return True
    return False


def random_order(draw: Sequence[float]) -> Preference:
    """Candidates in the random order ``draw`` (a number from 0 to 1 each) gives."""
    def drawn(p: int, q: int) -> float:
        return draw[p]

    return drawn


def thrifty(problem: Problem, draw: Sequence[float]) -> Preference:
    """The cheapest grades first: candidate p's monthly cost in pounds, plus ``draw[p]``
    (from 0 to 1) times ``THRIFT_SPREAD``, so that candidates whose costs are close are asked
    in a random order, plus how well p matches post q (``matched_rate``: the balance goal's
    preference, travel and cost per month), so that of two people of the same grade the one
    nearer home tends to go first.

    Measured on the generated tight 20-post instances (seeds 1, 2, 11, 12; the best of 15
    plans each): without the match, 91, 99, 80 and 78 vacant post-months and a balance of
    218,000-235,000; with it 89, 99, 77 and 78, and 114,000-144,000. Twice the match gave
    98, 101, 81 and 79."""
    matched = matched_rate(problem)
    cost = [monthly_pence(problem, candidate) / 100 + THRIFT_SPREAD * share
            for candidate, share in zip(problem.candidates, draw, strict=True)]

    def cheapest(p: int, q: int) -> float:
        return cost[p] + matched(p, q)

    return cheapest


def polish_plan(problem: Problem, plan: Sequence[Secondment],
                domains: dict[Pair, range] | None = None) -> tuple[Secondment, ...]:
    """``plan`` with each new secondment moved, where every rule allows, to a better-matched
    candidate for the same post and months (see ``matched_rate``), the worst-matched first,
    until no move is left (at most ``POLISH_PASSES`` rounds).

    The posts' months are the same, so the cover and the handovers are; no agency falls
    further short of its pledge; each move lowers the balance goal's preference, travel
    and cost. Existing (agreed) secondments stay as they are. ``domains``: the months each
    pair may have under R2-R4, when already worked out.
    """
    return _Greedy(problem, domains=domains).polish(plan, matched_rate(problem))


def starting_plans(problem: Problem, seed: int, effort: Effort | None = None
                   ) -> Iterator[tuple[Secondment, ...]]:
    """Hand plans made with different rankings of the candidates, the plain rule first.

    The plain rule in sheet order (the status quo), then staggered plans (see the module):
    in sheet order, best-matched first (the balance goal's preference, travel and cost per
    month), longest-available first (who can cover most), then random orders from ``seed``,
    each first as the thrifty planner's (the cheapest grades first, see ``thrifty``; only
    where a budget may bind, see ``budget_may_bind``) and then as it is, with the
    best-matched order asking first the staff of agencies still owed pledged months after
    ``PLEDGE_AWARE_AFTER`` of them. The steps taken are added to ``effort``.
    """
    domains = restrict_domains(problem, frozenset(), [])
    matched = matched_rate(problem)

    def available(p: int, q: int) -> float:
        months = domains.get((p, q))
        return -min(len(months), longest_run(problem, p)) if months else 0.0

    yield greedy_plan(problem, None, domains, effort=effort)
    for ranking in (None, matched, available):
        yield greedy_plan(problem, ranking, domains, stagger=True, effort=effort)
    thrift = budget_may_bind(problem)
    rng = random.Random(seed)
    for count in itertools.count():
        if count == PLEDGE_AWARE_AFTER:
            yield greedy_plan(problem, matched, domains, stagger=True, pledges_first=True,
                              effort=effort)
        draw = [rng.random() for _ in problem.candidates]
        if thrift:
            yield greedy_plan(problem, thrifty(problem, draw), domains, stagger=True,
                              effort=effort)
        yield greedy_plan(problem, random_order(draw), domains, stagger=True, effort=effort)
