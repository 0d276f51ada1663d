"""The rules about posts: R1 one holder, R6 handover and R7 staggering, and what a handover is."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from itertools import pairwise

from rotation.checker.facts import by_post, runs_by_key, well_formed
from rotation.checker.words import holder, listing, month_count, person_name, span
from rotation.domain import Problem, Secondment
from rotation.months import Month, format_month
from rotation.plan import Breach


def check_r1_one_holder(problem: Problem, secondments: Sequence[Secondment]) -> list[Breach]:
    """R1 one holder: a post has one holder a month, or two only while one hands over."""
    overlap = problem.settings.handover_overlap_months
    breaches: list[Breach] = []
    for post_id, held in by_post(well_formed(secondments)).items():
        crowded: dict[Month, tuple[Secondment, ...]] = {}
        for month in problem.horizon:
            holders = tuple(s for s in held if s.covers(month))
            if len(holders) >= 3 or (len(holders) == 2 and not _is_handover_pair(holders, overlap)):
                crowded[month] = holders
        for first, last, holders in runs_by_key(crowded):
            who = ", ".join(holder(problem, s) for s in holders)
            if len(holders) >= 3:
                allowed = "at most two may share a post, and only during a handover overlap"
            elif overlap == 0:
                allowed = "two may not share a post when the handover overlap is 0 months"
            else:
                allowed = ("two may share a post only during a handover overlap of "
                           f"{month_count(overlap)}, and these two are not handing over")
            breaches.append(Breach(
                rule="R1",
                message=f"post {post_id} has {len(holders)} holders in {span(first, last)} "
                        f"({who}): {allowed}",
                people=tuple(dict.fromkeys(s.person for s in holders)),
                posts=(post_id,),
            ))
    return breaches


def _is_handover_pair(pair: tuple[Secondment, ...], overlap: int) -> bool:
    """Whether one of the two starts exactly ``overlap`` months before the other ends."""
    first, second = pair
    return (second.start == first.end - overlap + 1 or first.start == second.end - overlap + 1)


def check_r6_handover(problem: Problem, secondments: Sequence[Secondment]) -> list[Breach]:
    """R6 handover: whoever follows straight on starts the overlap before the last one ends."""
    overlap = problem.settings.handover_overlap_months
    breaches: list[Breach] = []
    for post_id, held in by_post(well_formed(secondments)).items():
        for before, after in pairwise(held):
            if after.start > before.end + 1:
                continue  # a vacant month or more between them: not a handover
            expected = before.end - overlap + 1
            if after.start == expected:
                continue
            incoming = person_name(problem, after.person)
            outgoing = person_name(problem, before.person)
            how = ("back to back" if overlap == 0
                   else f"with a handover overlap of {month_count(overlap)}")
            breaches.append(Breach(
                rule="R6",
                message=f"in post {post_id}, {incoming} starts in {format_month(after.start)} "
                        f"while {outgoing} holds it until {format_month(before.end)}: {how}, "
                        f"{incoming} must start in {format_month(expected)}, or in "
                        f"{format_month(before.end + 2)} or later after a vacant month",
                people=(before.person, after.person),
                posts=(post_id,),
            ))
    return breaches


def handovers(problem: Problem, secondments: Sequence[Secondment]
              ) -> list[tuple[Secondment, Secondment]]:
    """Every (outgoing, incoming) pair where the incoming secondment follows on in its post.

    A secondment B is a handover when another A in the same post has
    A.start < B.start <= A.end + 1. Each B appears once: should several secondments qualify
    (only in a plan that breaks R1 or R6), B follows the one that ends last.
    """
    pairs: list[tuple[Secondment, Secondment]] = []
    for held in by_post(well_formed(secondments)).values():
        for incoming in held:
            outgoing = [s for s in held if s.start < incoming.start <= s.end + 1]
            if outgoing:
                latest = max(outgoing, key=lambda s: (s.end, s.start, s.person))
                pairs.append((latest, incoming))
    return sorted(pairs, key=lambda pair: (pair[1].start, pair[1].post, pair[1].person))


def check_r7_staggering(problem: Problem, secondments: Sequence[Secondment]) -> list[Breach]:
    """R7 staggering: no more than the allowed number of handovers start in any one month."""
    limit = problem.settings.max_handovers_per_month
    starting: dict[Month, list[tuple[Secondment, Secondment]]] = defaultdict(list)
    for outgoing, incoming in handovers(problem, secondments):
        if incoming.start in problem.horizon:
            starting[incoming.start].append((outgoing, incoming))
    breaches: list[Breach] = []
    for month, pairs in sorted(starting.items()):
        if len(pairs) <= limit:
            continue
        described = [f"{person_name(problem, b.person)} takes over post {b.post} from "
                     f"{person_name(problem, a.person)}" for a, b in pairs]
        breaches.append(Breach(
            rule="R7",
            message=f"{len(pairs)} handovers start in {format_month(month)} "
                    f"({listing(described)}) but at most {limit} may start in one month",
            people=tuple(dict.fromkeys(b.person for _a, b in pairs)),
            posts=tuple(dict.fromkeys(b.post for _a, b in pairs)),
        ))
    return breaches
