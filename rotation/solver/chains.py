"""Each post's holders as a chain in time: the network both whole-secondment models share.

R1 and R6 together mean that a post's secondments follow one another: a holder's successor
either takes over ``O`` months before the holder leaves (a handover, counted by R7) or starts
after at least one vacant month; with ``O = 0`` a successor straight after is the handover.
Two never start in the same month, and no one is left holding on past a handover. So a
post's plan is a path through its months, one unit of flow from its first month to its
last: through secondments (an arc from the month one starts to the month it ends), handover
arcs (from a holder's last month to the successor's first) and vacant months.

A linear program over whole secondments sees the rules far better in this form than as
"at most one holder a month": a fractional plan cannot rotate a post through several
part-time holders without paying for each change as a handover or a vacant month. On the
generated tight S instances HiGHS proves each goal 2-20 times faster with it; on the
generated M and L instances its linear optimum alone is the best cover (see ``floor``).

This module gives each post's arcs other than the secondments themselves; the models add
one arc per possible secondment (from ``("S", start)`` to ``("E", end)``). Agreed (Existing)
secondments are arcs the flow must take, clipped to the post's months in the horizon.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from rotation.domain import Problem
from rotation.months import Month
from rotation.solver.variables import Stint

Node = tuple[str, Month]
"""``("S", t)``: a secondment starts in t; ``("E", t)``: one ends in t; ``("V", t)``: the
post is vacant in t."""


RowKey = tuple[object, ...]
"""A row of the networks: ``("flow", q, node)`` what enters a node of post q less what leaves
it (0); ``("source", q)`` the unit leaving post q's source (1); ``("handovers", t)`` the
handovers starting in month t (at most R7's limit)."""

Terms = list[tuple[RowKey, float]]


@dataclass(frozen=True)
class Arc:
    """One arc of a post's network. ``tail`` None: from the post's source (one unit leaves
    it); ``head`` None: into its sink."""

    tail: Node | None
    head: Node | None
    vacant: bool = False  # enters a vacant month: costs one vacant post-month
    handover: Month | None = None  # a handover starting in this month (R7 counts it)
    agreed: bool = False  # an agreed secondment: the flow must take it


def chains_hold(problem: Problem, stints: Sequence[Stint]) -> bool:
    """Whether every secondment, new or agreed, is longer than the handover overlap, as the
    chain needs (a holder is never still in their own overlap months at the next handover)."""
    overlap = problem.settings.handover_overlap_months
    return (problem.settings.min_secondment_months > overlap
            and all(s.end - s.start + 1 > overlap for s in stints))


def post_arcs(problem: Problem, q: int, stints: Sequence[Stint]) -> Iterator[Arc]:
    """The arcs of post q's network other than its possible secondments (see the module)."""
    settings = problem.settings
    overlap = settings.handover_overlap_months
    months = problem.post_months(problem.posts[q])
    if not len(months):
        return
    first, last = months[0], months[-1]
    counted = settings.max_handovers_per_month < len(problem.posts)
    yield Arc(None, ("S", first))
    yield Arc(None, ("V", first), vacant=True)
    for stint in stints:
        start, end = max(stint.start, first), min(stint.end, last)
        if start <= end:
            yield Arc(("S", start), ("E", end), agreed=True)
    for t in months:
        successor = t - overlap + 1 if overlap else t + 1
        if first <= successor <= last:
            month = successor if counted and successor in problem.horizon else None
            yield Arc(("E", t), ("S", successor), handover=month)
        if t < last:
            yield Arc(("E", t), ("V", t + 1), vacant=True)  # a gap of at least a month
            yield Arc(("V", t), ("V", t + 1), vacant=True)
            yield Arc(("V", t), ("S", t + 1))
        else:
            yield Arc(("E", t), None)
            yield Arc(("V", t), None)


def run_terms(q: int, start: Month, end: Month) -> Terms:
    """A secondment of post q's rows: it leaves the month it starts and enters the one it ends."""
    return [(("flow", q, ("S", start)), -1.0), (("flow", q, ("E", end)), 1.0)]


def arc_terms(q: int, arc: Arc) -> Terms:
    """Another arc of post q (see ``post_arcs``) in the rows."""
    terms: Terms = [(("source", q), 1.0) if arc.tail is None else (("flow", q, arc.tail), -1.0)]
    if arc.head is not None:
        terms.append((("flow", q, arc.head), 1.0))
    if arc.handover is not None:
        terms.append((("handovers", arc.handover), 1.0))
    return terms


def row_bounds(problem: Problem, key: RowKey) -> tuple[float, float]:
    """The lower and upper bound of a row (see ``RowKey``)."""
    if key[0] == "source":
        return 1.0, 1.0
    if key[0] == "handovers":
        return -math.inf, problem.settings.max_handovers_per_month
    return 0.0, 0.0
