"""What the timeline picture shows, worked out without matplotlib.

A :class:`Timeline` is the plan as a Gantt chart sees it: the posts (down), the horizon
(across), one bar per secondment, and the spans of months a post is vacant, filled by a
directly funded officer, or does not exist. It is built either from the problem and the
secondments (when the plan workbook is written) or from a plan workbook alone (``rotation
plot``), so the same picture comes out either way. :func:`bar_pieces` splits bars where they
share a post, so that a handover overlap is drawn as two half-height slices.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rotation.checker import handovers
from rotation.domain import FundedStretch, Problem, Secondment
from rotation.funded_posts import funded_months
from rotation.io.xlsx import clean_text
from rotation.months import Month

SharedKind = Literal["handover", "clash"]


@dataclass(frozen=True)
class TimelinePost:
    """One row of the picture: a post and its area."""

    post: str
    area: str


@dataclass(frozen=True)
class Bar:
    """One secondment: who, from which agency, in which post, from when to when (inclusive).

    ``start`` and ``end`` are the secondment's own months and may lie outside the horizon
    (an agreed secondment that began earlier); the picture clips them to the horizon.
    """

    post: str
    person: str
    name: str
    agency: str
    start: Month
    end: Month
    existing: bool = False
    follows: str | None = None  # the person this secondment takes over from, in a handover


@dataclass(frozen=True)
class Span:
    """A run of months ``first..last`` (inclusive) in one post."""

    post: str
    first: Month
    last: Month

    @property
    def months(self) -> int:
        """Number of months in the run."""
        return self.last - self.first + 1


@dataclass(frozen=True)
class Piece:
    """A run of months of one bar drawn the same way.

    ``slots`` bars share the post in these months and this bar takes slot ``slot`` (0 = top);
    ``shared`` says whether the sharing is a handover overlap or a clash that breaks R1.
    """

    bar: Bar
    first: Month
    last: Month
    slot: int
    slots: int
    shared: SharedKind | None

    @property
    def months(self) -> int:
        """Number of months in the piece."""
        return self.last - self.first + 1


@dataclass(frozen=True)
class Timeline:
    """The plan as the picture shows it: posts, horizon, bars and the spans without a secondee."""

    plan_name: str
    horizon_start: Month
    horizon_end: Month
    posts: tuple[TimelinePost, ...]
    agencies: tuple[tuple[str, str], ...]  # (code, name) in the order of the Agencies sheet
    bars: tuple[Bar, ...]
    vacancies: tuple[Span, ...] = ()
    funded: tuple[Span, ...] = ()
    closed: tuple[Span, ...] = ()  # months in which the post does not exist

    @property
    def horizon(self) -> range:
        """Every month of the horizon."""
        return range(self.horizon_start, self.horizon_end + 1)

    def bars_of(self, post: str) -> list[Bar]:
        """The post's bars, earliest first."""
        return sorted((b for b in self.bars if b.post == post),
                      key=lambda b: (b.start, b.end, b.person))

    @classmethod
    def from_plan(cls, problem: Problem, secondments: Iterable[Secondment],
                  funded_stretches: Iterable[FundedStretch] = ()) -> Timeline:
        """The timeline of a plan, from the problem, its secondments and funded stretches."""
        plan = list(secondments)
        by_funding = funded_months(problem, list(funded_stretches))
        agreed = {(s.person, s.post, s.start, s.end) for s in problem.existing}
        follows = {(b.person, b.post, b.start, b.end): a.person
                   for a, b in handovers(problem, plan)}
        bars = []
        for s in plan:
            key = (s.person, s.post, s.start, s.end)
            candidate = problem.candidate_by_person.get(s.person)
            bars.append(Bar(post=s.post, person=s.person,
                            name=clean_text(candidate.display_name if candidate
                                            else s.person),
                            agency=candidate.agency if candidate else "",
                            start=s.start, end=s.end, existing=s.existing or key in agreed,
                            follows=follows.get(key)))
        vacancies: list[Span] = []
        funded: list[Span] = []
        closed: list[Span] = []
        for post in problem.posts:
            held = {m for s in plan if s.post == post.post for m in range(s.start, s.end + 1)}
            exists = set(problem.post_months(post))
            empty = [m for m in problem.post_months(post) if m not in held]
            paid = by_funding.get(post.post, set())
            funded.extend(runs(post.post, [m for m in empty if m in paid]))
            vacancies.extend(runs(post.post, [m for m in empty if m not in paid]))
            closed.extend(runs(post.post, [m for m in problem.horizon
                                           if m not in exists and m not in held]))
        settings = problem.settings
        return cls(
            plan_name=clean_text(settings.plan_name),
            horizon_start=settings.horizon_start,
            horizon_end=settings.horizon_end,
            posts=tuple(TimelinePost(clean_text(p.post), clean_text(p.area))
                        for p in problem.posts),
            agencies=tuple((clean_text(a.agency), clean_text(a.name or a.agency))
                           for a in problem.agencies),
            bars=tuple(sorted(bars, key=lambda b: (b.post, b.start, b.end, b.person))),
            vacancies=tuple(vacancies),
            funded=tuple(funded),
            closed=tuple(closed),
        )

    @classmethod
    def from_workbook(cls, path: Path) -> Timeline:
        """The timeline of a plan workbook written by ``rotation solve``, read alone.

        Raises InvalidInput (every problem located) when ``path`` is not such a workbook.
        """
        # The io layer knows the sheets; imported here because it builds Timeline objects.
        from rotation.io.timeline_reader import read_timeline

        return read_timeline(path)


def runs(post: str, months: Iterable[Month]) -> list[Span]:
    """Consecutive months gathered into spans, earliest first."""
    spans: list[Span] = []
    for month in sorted(set(months)):
        if spans and spans[-1].last == month - 1:
            spans[-1] = Span(post, spans[-1].first, month)
        else:
            spans.append(Span(post, month, month))
    return spans


def bar_pieces(timeline: Timeline, post: str) -> list[Piece]:
    """The post's bars inside the horizon, split wherever the number sharing the post changes.

    Each bar keeps one lane (the lowest free when it starts), so that in an overlap the
    outgoing officer is drawn above the incoming one.
    """
    bars = timeline.bars_of(post)
    lanes = _lanes(bars)
    pieces: list[Piece] = []
    for bar in bars:
        first = max(bar.start, timeline.horizon_start)
        last = min(bar.end, timeline.horizon_end)
        current: Piece | None = None
        for month in range(first, last + 1):
            sharing = sorted((b for b in bars if b.start <= month <= b.end),
                             key=lambda b: lanes[id(b)])
            slot = next(i for i, b in enumerate(sharing) if b is bar)
            shared = None if len(sharing) == 1 else _shared_kind(sharing)
            if (current is not None and current.slot == slot and current.slots == len(sharing)
                    and current.shared == shared):
                current = Piece(bar, current.first, month, slot, len(sharing), shared)
                pieces[-1] = current
            else:
                current = Piece(bar, month, month, slot, len(sharing), shared)
                pieces.append(current)
    return pieces


def _lanes(bars: Sequence[Bar]) -> dict[int, int]:
    """A lane per bar (by object id): the lowest lane free of every earlier bar still running."""
    lanes: dict[int, int] = {}
    for bar in bars:
        taken = {lanes[id(b)] for b in bars if id(b) in lanes and b.end >= bar.start}
        lanes[id(bar)] = next(lane for lane in range(len(bars)) if lane not in taken)
    return lanes


def _shared_kind(sharing: Sequence[Bar]) -> SharedKind:
    """A handover when exactly two share and the later one takes over from the earlier."""
    if len(sharing) == 2:
        earlier, later = sorted(sharing, key=lambda b: (b.start, b.end))
        if later.follows == earlier.person and later.start > earlier.start:
            return "handover"
    return "clash"
