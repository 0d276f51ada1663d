"""Comparing two plans: which secondments were kept, moved, added or dropped.

Used by ``rotation diff`` and by replanning (SPEC.md section 6), which lists every change
against the previous plan. Nothing here reads or writes files.

Matching, per person: an old and a new secondment of the same person are paired when they are
in the same post first (identical ones before all others), then by the most months in common,
then by the smallest shift of start and end, then by order of start. Pairs are taken greedily
in that order, so the result never depends on the order the plans list their rows in.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict

from rotation.domain import Secondment
from rotation.months import Month, format_month, format_span

ChangeKind = Literal["kept", "moved", "added", "dropped"]
# The order changes are listed in: what a planner must act on first, unchanged ones last.
CHANGE_KINDS: tuple[ChangeKind, ...] = ("dropped", "moved", "added", "kept")

_DIGITS = re.compile(r"(\d+)")


class Change(BaseModel):
    """What became of one secondment between an old plan and a new one.

    ``old`` is None for an added secondment, ``new`` is None for a dropped one. ``frozen``
    says the old secondment starts before the freeze month, so a replan had to keep it.
    ``reason`` is left empty here; replanning fills it in (``model_copy(update=...)``).
    """

    model_config = ConfigDict(frozen=True)

    kind: ChangeKind
    person: str
    old: Secondment | None = None
    new: Secondment | None = None
    description: str
    reason: str = ""
    frozen: bool = False

    @property
    def before(self) -> str:
        """The old secondment as ``INV 2027-04..2028-02``, or empty when it was added."""
        return _post_and_span(self.old) if self.old else ""

    @property
    def after(self) -> str:
        """The new secondment as ``INV 2027-04..2028-02``, or empty when it was dropped."""
        return _post_and_span(self.new) if self.new else ""


def compare_plans(old: Sequence[Secondment], new: Sequence[Secondment], *,
                  frozen_until: Month | None = None) -> list[Change]:
    """Every secondment of both plans as one Change, sorted by kind, person, then month.

    With ``frozen_until``, old secondments starting before that month are marked frozen, and
    the description of a frozen one that was moved or dropped says it should have been kept.
    """
    old_by_person = _by_person(old)
    new_by_person = _by_person(new)
    changes: list[Change] = []
    for person in sorted(old_by_person.keys() | new_by_person.keys()):
        olds = old_by_person.get(person, [])
        news = new_by_person.get(person, [])
        pairs = match_secondments(olds, news)
        paired_old = {i for i, _ in pairs}
        paired_new = {j for _, j in pairs}
        for i, j in pairs:
            changes.append(_paired_change(person, olds[i], news[j], frozen_until))
        changes += [_dropped(person, s, frozen_until)
                    for i, s in enumerate(olds) if i not in paired_old]
        changes += [_added(person, s) for j, s in enumerate(news) if j not in paired_new]
    return sorted(changes, key=change_sort_key)


def match_secondments(olds: Sequence[Secondment], news: Sequence[Secondment]
                      ) -> list[tuple[int, int]]:
    """Pairs (old index, new index) of one person's secondments: same post first, then overlap.

    Greedy on the ranking (same post, identical, most months in common, smallest shift of
    start and end, earliest start): each secondment is in at most one pair. The caller must
    pass each list in a fixed order (``compare_plans`` sorts them by start).
    """
    ranked = sorted(
        ((_pair_rank(a, b), i, j) for i, a in enumerate(olds) for j, b in enumerate(news)),
    )
    pairs: list[tuple[int, int]] = []
    used_old: set[int] = set()
    used_new: set[int] = set()
    for _rank, i, j in ranked:
        if i in used_old or j in used_new:
            continue
        pairs.append((i, j))
        used_old.add(i)
        used_new.add(j)
    return sorted(pairs)


def summarise(changes: Iterable[Change]) -> dict[ChangeKind, int]:
    """How many changes of each kind, every kind present (0 when none), in listing order."""
    counts = Counter(change.kind for change in changes)
    return {kind: counts[kind] for kind in CHANGE_KINDS}


def summary_sentence(counts: Mapping[ChangeKind, int]) -> str:
    """``2 dropped, 1 moved, 0 added, 5 kept`` for a ``summarise`` result."""
    return ", ".join(f"{counts.get(kind, 0)} {kind}" for kind in CHANGE_KINDS)


def changed_months(old: Sequence[Secondment], new: Sequence[Secondment],
                   horizon: range | None = None) -> int:
    """Person-months in which someone holds a different post (or none) than in the old plan.

    Counted per person and per month, over the months of ``horizon`` (every month either plan
    touches when None). Someone newly placed, or no longer placed, counts for each month of the
    difference; someone moved from one post to another counts once per month. This is the
    stability measure of replanning (SPEC.md section 6).
    """
    old_posts = _posts_by_person_month(old, horizon)
    new_posts = _posts_by_person_month(new, horizon)
    keys = old_posts.keys() | new_posts.keys()
    return sum(1 for key in keys if old_posts.get(key, set()) != new_posts.get(key, set()))


def change_sort_key(change: Change) -> tuple[int, tuple[object, ...], Month, str]:
    """Kind (in CHANGE_KINDS order), then person (P2 before P10), then month, then post."""
    secondment = change.new or change.old
    assert secondment is not None  # every Change has at least one side
    return (CHANGE_KINDS.index(change.kind), natural_key(change.person), secondment.start,
            secondment.post)


def natural_key(text: str) -> tuple[object, ...]:
    """A sort key that puts ``P2`` before ``P10`` and ignores case."""
    # re.split with a group alternates text and digits, so each position has one type.
    return tuple(int(part) if index % 2 else part.casefold()
                 for index, part in enumerate(_DIGITS.split(text)))


def changes_table(changes: Sequence[Change], people: Mapping[str, str] | None = None, *,
                  show_kept: bool = False) -> list[str]:
    """The changes as aligned text lines (header first) for a terminal; kept ones only if asked.

    Returns no lines when there is nothing to list.
    """
    listed = [c for c in changes if show_kept or c.kind != "kept"]
    if not listed:
        return []
    names = people or {}
    with_reasons = any(c.reason for c in listed)
    header = ("change", "person", "name", "what changes") + (("reason",) if with_reasons else ())
    rows = [header]
    for change in listed:
        row = (change.kind, change.person, names.get(change.person, ""), change.description)
        rows.append(row + ((change.reason,) if with_reasons else ()))
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    return ["  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True))
            .rstrip() for row in rows]


# -- helpers ---------------------------------------------------------------------------------


def _by_person(secondments: Iterable[Secondment]) -> dict[str, list[Secondment]]:
    """Each person's secondments in a fixed order (start, end, post), whatever the input order."""
    grouped: dict[str, list[Secondment]] = defaultdict(list)
    for secondment in secondments:
        grouped[secondment.person].append(secondment)
    return {person: sorted(items, key=lambda s: (s.start, s.end, natural_key(s.post)))
            for person, items in grouped.items()}


def _pair_rank(a: Secondment, b: Secondment) -> tuple[bool, bool, int, int]:
    """Smaller is a better match: same post, identical, most months in common, least shift."""
    overlap = max(0, min(a.end, b.end) - max(a.start, b.start) + 1)
    identical = _same_placement(a, b)
    shift = abs(a.start - b.start) + abs(a.end - b.end)
    return (a.post != b.post, not identical, -overlap, shift)


def _same_placement(a: Secondment, b: Secondment) -> bool:
    """Same person, post, start and end (the ``existing`` flag and row do not matter)."""
    return (a.person, a.post, a.start, a.end) == (b.person, b.post, b.start, b.end)


def _is_frozen(secondment: Secondment, frozen_until: Month | None) -> bool:
    """Whether replanning with ``--freeze-until`` had to keep this old secondment as it was."""
    return frozen_until is not None and secondment.start < frozen_until


def _paired_change(person: str, old: Secondment, new: Secondment,
                   frozen_until: Month | None) -> Change:
    """``kept`` for an identical pair, ``moved`` otherwise."""
    frozen = _is_frozen(old, frozen_until)
    if _same_placement(old, new):
        description = f"{_post_and_span(old)} as before"
        if frozen and frozen_until is not None:
            description += f" (frozen: starts before {format_month(frozen_until)})"
        return Change(kind="kept", person=person, old=old, new=new, description=description,
                      frozen=frozen)
    description = _moved_description(old, new) + _frozen_warning(frozen, frozen_until)
    return Change(kind="moved", person=person, old=old, new=new, description=description,
                  frozen=frozen)


def _dropped(person: str, old: Secondment, frozen_until: Month | None) -> Change:
    """An old secondment with no counterpart in the new plan."""
    frozen = _is_frozen(old, frozen_until)
    description = (f"no longer in the plan: {_post_and_span(old)} ({_months(old.months)})"
                   + _frozen_warning(frozen, frozen_until))
    return Change(kind="dropped", person=person, old=old, description=description,
                  frozen=frozen)


def _added(person: str, new: Secondment) -> Change:
    """A new secondment with no counterpart in the old plan."""
    return Change(kind="added", person=person, new=new,
                  description=f"new: {_post_and_span(new)} ({_months(new.months)})")


def _moved_description(old: Secondment, new: Secondment) -> str:
    """``INV 2027-04..2028-02 → INV 2027-06..2028-04 (2 months later)``, or ``post EMR → SWL``."""
    if old.start == new.start and old.end == new.end:
        return f"post {old.post} → {new.post}, {format_span(old.start, old.end)} as before"
    return f"{_post_and_span(old)} → {_post_and_span(new)} ({_date_shift(old, new)})"


def _date_shift(old: Secondment, new: Secondment) -> str:
    """How the dates moved: ``2 months later``, ``ends 1 month earlier``, or both ends apart."""
    start_shift = new.start - old.start
    end_shift = new.end - old.end
    if start_shift == end_shift:
        return _shift_words(start_shift)
    moves = [f"starts {_shift_words(start_shift)}" if start_shift else "",
             f"ends {_shift_words(end_shift)}" if end_shift else ""]
    return ", ".join(move for move in moves if move)


def _shift_words(shift: int) -> str:
    """``2 months later`` or ``1 month earlier`` (``shift`` is not 0)."""
    return f"{_months(abs(shift))} {'later' if shift > 0 else 'earlier'}"


def _frozen_warning(frozen: bool, frozen_until: Month | None) -> str:
    """The note on a frozen secondment that changed (replanning should have kept it)."""
    if not frozen or frozen_until is None:
        return ""
    return (f"; it starts before the freeze month {format_month(frozen_until)}, "
            "so it should have been kept")


def _post_and_span(secondment: Secondment) -> str:
    """``INV 2027-04..2028-02``."""
    return f"{secondment.post} {format_span(secondment.start, secondment.end)}"


def _months(count: int) -> str:
    """``1 month`` or ``5 months``."""
    return "1 month" if count == 1 else f"{count} months"


def _posts_by_person_month(secondments: Iterable[Secondment], horizon: range | None
                           ) -> dict[tuple[str, Month], set[str]]:
    """The posts each person holds in each month (inside ``horizon`` when given)."""
    posts: dict[tuple[str, Month], set[str]] = defaultdict(set)
    for secondment in secondments:
        first, last = secondment.start, secondment.end
        if horizon is not None:
            if not horizon:
                continue
            first, last = max(first, horizon.start), min(last, horizon.stop - 1)
        for month in range(first, last + 1):
            posts[(secondment.person, month)].add(secondment.post)
    return posts
