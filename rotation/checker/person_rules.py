"""The rules about each secondment and each person: R2–R5, R11 and R12."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import combinations

from rotation.checker.facts import (
    by_person,
    candidate_of,
    existing_keys,
    in_order,
    is_available,
    is_well_formed,
    level_of,
    missing_skills,
    post_of,
    secondment_key,
    spans,
    well_formed,
)
from rotation.checker.words import (
    held,
    level_band,
    listing,
    month_count,
    person_name,
    span,
    window,
)
from rotation.domain import Problem, Secondment
from rotation.months import format_month
from rotation.plan import Breach


def _breach(rule: str, secondment: Secondment, message: str) -> Breach:
    """A breach about one secondment: its person and post."""
    return Breach(rule=rule, message=message, people=(secondment.person,),
                  posts=(secondment.post,))


def check_r2_grade(problem: Problem, secondments: Sequence[Secondment]) -> list[Breach]:
    """R2 grade: the person's grade level lies within the levels the post takes."""
    breaches: list[Breach] = []
    for secondment in in_order(secondments):
        candidate = candidate_of(problem, secondment)
        if candidate is None:
            breaches.append(_breach("R2", secondment,
                f"cannot check the grade of an unknown person: {secondment.person} "
                f"(in post {secondment.post}, {span(secondment.start, secondment.end)}) "
                "is not on the Candidates sheet"))
            continue
        level = level_of(problem, candidate)
        if level is None:
            breaches.append(_breach("R2", secondment,
                f"cannot check the grade of {candidate.display_name}: grade {candidate.grade} "
                f"of {candidate.agency} is not on the Grades sheet ({held(problem, secondment)})"))
            continue
        post = post_of(problem, secondment)
        if post is None or post.min_level <= level <= post.max_level:
            continue  # an unknown post is reported under R4
        breaches.append(_breach("R2", secondment,
            f"{candidate.display_name} ({candidate.grade}, level {level}) is placed in post "
            f"{post.post} ({span(secondment.start, secondment.end)}), which takes grade "
            f"level {level_band(post)}"))
    return breaches


def check_r3_skills(problem: Problem, secondments: Sequence[Secondment]) -> list[Breach]:
    """R3 skills: the person has every skill the post requires."""
    breaches: list[Breach] = []
    for secondment in in_order(secondments):
        candidate = candidate_of(problem, secondment)
        post = post_of(problem, secondment)
        if candidate is None or post is None:
            continue  # reported under R2 or R4
        lacking = missing_skills(post, candidate)
        if lacking:
            breaches.append(_breach("R3", secondment,
                f"{candidate.display_name} lacks {listing(lacking)}, which post {post.post} "
                f"requires ({span(secondment.start, secondment.end)})"))
    return breaches


def check_r4_availability(problem: Problem, secondments: Sequence[Secondment]) -> list[Breach]:
    """R4 availability: the person is free, the post exists and is open, the area not excluded."""
    breaches: list[Breach] = []
    # A reversed secondment has no months, so only its post is judged.
    for secondment in in_order(secondments):
        post = post_of(problem, secondment)
        if post is None:
            breaches.append(_breach("R4",
                secondment, f"{held(problem, secondment)}: post {secondment.post} is not "
                "on the Posts sheet"))
            continue
        if post.funding == "funded":
            breaches.append(_breach("R4", secondment,
                f"post {post.post} is funded directly and not open to secondees, but "
                f"{held(problem, secondment)} is placed in it"))
        outside_post = [m for m in range(secondment.start, secondment.end + 1)
                        if (post.start is not None and m < post.start)
                        or (post.end is not None and m > post.end)]
        for first, last in spans(outside_post):
            breaches.append(_breach("R4", secondment,
                f"post {post.post} exists only {window(post.start, post.end)}, but "
                f"{held(problem, secondment)} holds it in {span(first, last)}"))
        candidate = candidate_of(problem, secondment)
        if candidate is None:
            continue  # reported under R2
        unavailable = [m for m in range(secondment.start, secondment.end + 1)
                       if not is_available(candidate, m)]
        for first, last in spans(unavailable):
            breaches.append(_breach("R4", secondment,
                f"{candidate.display_name} is available only "
                f"{window(candidate.available_from, candidate.available_to)}, but is placed in "
                f"post {post.post} in {span(first, last)}"))
        if post.area in candidate.excluded_areas:
            breaches.append(_breach("R4", secondment,
                f"{candidate.display_name} has excluded the area {post.area}, but is placed in "
                f"post {post.post} there ({span(secondment.start, secondment.end)})"))
    return breaches


def check_r5_length(problem: Problem, secondments: Sequence[Secondment]) -> list[Breach]:
    """R5 length: one unbroken run of months, neither too long nor too short, inside the plan."""
    settings = problem.settings
    agreed = existing_keys(problem)
    breaches: list[Breach] = []
    for secondment in in_order(secondments):
        if not is_well_formed(secondment):
            breaches.append(_breach("R5", secondment,
                f"{person_name(problem, secondment.person)} in post {secondment.post} ends "
                f"({format_month(secondment.end)}) before starting "
                f"({format_month(secondment.start)})"))
            continue
        months = secondment.months
        if months > settings.max_secondment_months:
            breaches.append(_breach("R5", secondment,
                f"{held(problem, secondment)} lasts {month_count(months)}, longer than the "
                f"longest secondment of {month_count(settings.max_secondment_months)}"))
        candidate = candidate_of(problem, secondment)
        if candidate is not None and candidate.max_months is not None \
                and months > candidate.max_months:
            breaches.append(_breach("R5", secondment,
                f"{held(problem, secondment)} lasts {month_count(months)}, longer than "
                f"{candidate.display_name}'s own limit of {month_count(candidate.max_months)}"))
        if months < settings.min_secondment_months and secondment.end < settings.horizon_end:
            breaches.append(_breach("R5", secondment,
                f"{held(problem, secondment)} lasts {month_count(months)}, shorter than the "
                f"shortest secondment of {month_count(settings.min_secondment_months)} (only "
                f"one running to the plan's last month, {format_month(settings.horizon_end)}, "
                "may be shorter)"))
        outside_horizon = (secondment.start < settings.horizon_start
                           or secondment.end > settings.horizon_end)
        if outside_horizon and secondment_key(secondment) not in agreed:
            breaches.append(_breach("R5", secondment,
                f"{held(problem, secondment)} reaches outside the planned months "
                f"{span(settings.horizon_start, settings.horizon_end)}; only a secondment on "
                "the Existing sheet may"))
    return breaches


def check_r11_person(problem: Problem, secondments: Sequence[Secondment]) -> list[Breach]:
    """R11 person: no more than the allowed number of secondments each, with cooling-off between."""
    settings = problem.settings
    cooling_off = settings.cooling_off_months
    breaches: list[Breach] = []
    for person, own in by_person(well_formed(secondments)).items():
        name = person_name(problem, person)
        posts = tuple(dict.fromkeys(s.post for s in own))
        if len(own) > settings.max_secondments_per_person:
            listed = ", ".join(f"post {s.post} {span(s.start, s.end)}" for s in own)
            breaches.append(Breach(rule="R11",
                message=f"{name} has {len(own)} secondments ({listed}) but at most "
                        f"{settings.max_secondments_per_person} allowed per person",
                people=(person,), posts=posts))
        for before, after in combinations(own, 2):
            earliest = before.end + 1 + cooling_off
            if after.start >= earliest:
                continue
            if after.start <= before.end:
                message = (f"{name} holds two secondments at once in "
                           f"{span(after.start, min(before.end, after.end))}: post {before.post} "
                           f"{span(before.start, before.end)} and post {after.post} "
                           f"{span(after.start, after.end)}")
            else:
                gap = after.start - before.end - 1
                when = "straight" if gap == 0 else month_count(gap)
                message = (f"{name} starts in post {after.post} in {format_month(after.start)}, "
                           f"{when} after leaving post {before.post} in "
                           f"{format_month(before.end)}; with "
                           f"{month_count(cooling_off)} of cooling-off the next secondment may "
                           f"start in {format_month(earliest)} at the earliest")
            breaches.append(Breach(rule="R11", message=message, people=(person,),
                                   posts=(before.post, after.post)))
    return breaches


def check_r12_existing(problem: Problem, secondments: Sequence[Secondment]) -> list[Breach]:
    """R12 existing: every agreed (Existing) secondment is in the plan, unchanged."""
    in_plan = Counter(secondment_key(s) for s in secondments)
    breaches: list[Breach] = []
    for agreed in problem.existing:
        key = secondment_key(agreed)
        if in_plan[key] > 0:
            in_plan[key] -= 1
            continue
        row = f", Existing row {agreed.row}" if agreed.row is not None else ""
        message = (f"the agreed secondment of {person_name(problem, agreed.person)} in post "
                   f"{agreed.post} ({span(agreed.start, agreed.end)}{row}) is not in the plan")
        changed = [s for s in in_order(secondments)
                   if s.person == agreed.person and s.post == agreed.post]
        if changed:
            as_planned = " and ".join(span(s.start, s.end) for s in changed)
            message += f": the plan has it as {as_planned}"
        breaches.append(_breach("R12", agreed, message))
    return breaches
