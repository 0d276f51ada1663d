"""Errors and warnings about a parsed Problem, each pointing at the sheet, row and column.

Errors make the input unplannable (a duplicate id, a reference to something not listed, a
range the wrong way round). Warnings are things a planner should know before solving: a
candidate who fits no post, a post nobody can fill, a pledge that cannot be met, travel times
that are missing. One small function per check; ``validate_problem`` runs them all.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

from rotation.domain import Candidate, Post, Problem, Record
from rotation.findings import Finding, error, warning
from rotation.io.schema import (
    AGENCIES,
    CANDIDATES,
    EXISTING,
    GRADES,
    POSTS,
    SETTINGS,
    TRAVEL,
    Sheet,
)
from rotation.months import format_month, format_span

R = TypeVar("R", bound=Record)


@dataclass(frozen=True)
class Unread:
    """Ids on rows the reader could not read: references to them are not reported as unknown.

    Without this, one mistyped cost on the Grades sheet would also make every candidate of that
    grade "unknown", burying the real error.
    """

    agencies: frozenset[str] = frozenset()
    grades: frozenset[tuple[str, str]] = frozenset()
    posts: frozenset[str] = frozenset()
    people: frozenset[str] = frozenset()
    areas: frozenset[str] = frozenset()


def validate_problem(problem: Problem, *, setting_rows: Mapping[str, int] | None = None,
                     unread: Unread | None = None) -> list[Finding]:
    """Every error and warning about the problem.

    ``setting_rows`` (setting name → Settings row) and ``unread`` come from the reader; a
    Problem built in Python needs neither.
    """
    return (input_errors(problem, setting_rows=setting_rows, unread=unread)
            + input_warnings(problem))


def input_errors(problem: Problem, *, setting_rows: Mapping[str, int] | None = None,
                 unread: Unread | None = None) -> list[Finding]:
    """The errors only: checks that hold even when some rows could not be read."""
    skip = unread or Unread()
    return [
        *check_duplicate_ids(problem),
        *check_unknown_agencies(problem, skip),
        *check_unknown_grades(problem, skip),
        *check_unknown_areas(problem, skip),
        *check_existing_references(problem, skip),
        *check_month_order(problem),
        *check_level_bands(problem),
        *check_secondment_length_settings(problem, setting_rows or {}),
        *check_host_agency(problem, setting_rows or {}, skip),
        *check_preferred_and_excluded(problem),
    ]


def input_warnings(problem: Problem) -> list[Finding]:
    """The warnings: things that are allowed but will shape (or spoil) the plan."""
    return [
        *check_candidates_eligible(problem),
        *check_posts_fillable(problem),
        *check_pledges_possible(problem),
        *check_travel_pairs(problem),
    ]


# -- helpers ---------------------------------------------------------------------------------

def _error_at(message: str, sheet: Sheet, record: Record | None, column: str | None = None
              ) -> Finding:
    """An error on a record's row; the column must be one of the sheet's."""
    if column is not None:
        sheet.column(column)  # a wrong name here is a bug: fail loudly in the tests
    return error(message, sheet.name, record.row if record else None, column)


def _warning_at(message: str, sheet: Sheet, record: Record | None = None,
                column: str | None = None) -> Finding:
    """A warning on a record's row (or on the sheet as a whole)."""
    if column is not None:
        sheet.column(column)
    return warning(message, sheet.name, record.row if record else None, column)


def did_you_mean(value: str, known: Iterable[str]) -> str:
    """`` (did you mean 'NHS'?)`` when a known id differs only by case or a typo, else ''."""
    choices = list(dict.fromkeys(known))
    folded = value.casefold()
    same_but_case = [k for k in choices if k.casefold() == folded]
    close = same_but_case or difflib.get_close_matches(value, choices, n=1, cutoff=0.8)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _listed(items: Iterable[str]) -> str:
    """``'A', 'B'`` for messages."""
    return ", ".join(f"'{item}'" for item in items)


# -- errors ----------------------------------------------------------------------------------

def check_duplicate_ids(problem: Problem) -> list[Finding]:
    """Each agency, grade (per agency), post, person and travel pair is listed once."""
    return [
        *_duplicates(AGENCIES, problem.agencies, lambda a: (a.agency,)),
        *_duplicates(GRADES, problem.grades, lambda g: (g.agency, g.grade)),
        *_duplicates(POSTS, problem.posts, lambda p: (p.post,)),
        *_duplicates(CANDIDATES, problem.candidates, lambda c: (c.person,)),
        *_duplicates(TRAVEL, problem.travel, lambda t: (t.from_area, t.to_area)),
        *_duplicates(EXISTING, problem.existing,
                     lambda s: (s.person, s.post, format_month(s.start))),
    ]


def _duplicates(sheet: Sheet, records: Sequence[R], key_of: Callable[[R], tuple[str, ...]]
                ) -> list[Finding]:
    """An error on every record whose key an earlier record of the sheet already has."""
    findings = []
    first_seen: dict[tuple[str, ...], R] = {}
    for record in records:
        key = key_of(record)
        if key in first_seen:
            earlier = first_seen[key].row
            where = f" (first on row {earlier})" if earlier else ""
            findings.append(_error_at(
                f"{' / '.join(sheet.key)} '{' / '.join(key)}' is listed twice{where}: "
                "each must appear once", sheet, record, sheet.key[0]))
        else:
            first_seen[key] = record
    return findings


def check_unknown_agencies(problem: Problem, unread: Unread) -> list[Finding]:
    """Every grade and candidate belongs to an agency on the Agencies sheet."""
    known = set(problem.agency_by_code) | unread.agencies
    findings = [
        _error_at(f"grade '{g.grade}' names agency '{g.agency}', which is not on the Agencies "
                  f"sheet{did_you_mean(g.agency, known)}", GRADES, g, "agency")
        for g in problem.grades if g.agency not in known
    ]
    findings += [
        _error_at(f"{c.person}: agency '{c.agency}' is not on the Agencies sheet"
                  f"{did_you_mean(c.agency, known)}", CANDIDATES, c, "agency")
        for c in problem.candidates if c.agency not in known
    ]
    return findings


def check_unknown_grades(problem: Problem, unread: Unread) -> list[Finding]:
    """Every candidate's grade is on the Grades sheet for the candidate's own agency."""
    known_agencies = set(problem.agency_by_code) | unread.agencies
    known = set(problem.grade_by_key) | unread.grades
    findings = []
    for c in problem.candidates:
        if c.agency not in known_agencies or (c.agency, c.grade) in known:
            continue  # an unknown agency is reported once, by check_unknown_agencies
        own = [g for a, g in problem.grade_by_key if a == c.agency]
        listed = f" (its grades: {_listed(own)})" if own else " (it has no grades listed)"
        findings.append(_error_at(
            f"{c.person}: grade '{c.grade}' is not on the Grades sheet for agency "
            f"{c.agency}{did_you_mean(c.grade, own)}{listed}", CANDIDATES, c, "grade"))
    return findings


def check_unknown_areas(problem: Problem, unread: Unread) -> list[Finding]:
    """Preferred, excluded and travel areas are post areas; home areas are known somewhere."""
    post_areas = set(problem.areas) | unread.areas
    travel_homes = {t.from_area for t in problem.travel}
    findings: list[Finding] = []
    for c in problem.candidates:
        for column, areas in (("preferred_areas", c.preferred_areas),
                              ("excluded_areas", c.excluded_areas)):
            findings += [
                _error_at(f"{c.person}: area '{area}' in {column} is not the area of any post"
                          f"{did_you_mean(area, post_areas)}", CANDIDATES, c, column)
                for area in areas if area not in post_areas
            ]
        if c.home_area and c.home_area not in post_areas | travel_homes:
            findings.append(_error_at(
                f"{c.person}: home area '{c.home_area}' is neither the area of a post nor a "
                f"from_area on the Travel sheet{did_you_mean(c.home_area, post_areas)}: check "
                "the spelling, or add Travel rows from it", CANDIDATES, c, "home_area"))
    findings += [
        _error_at(f"to_area '{t.to_area}' is not the area of any post"
                  f"{did_you_mean(t.to_area, post_areas)}", TRAVEL, t, "to_area")
        for t in problem.travel if t.to_area not in post_areas
    ]
    return findings


def check_existing_references(problem: Problem, unread: Unread) -> list[Finding]:
    """Each Existing secondment names a listed person and a listed post."""
    people = set(problem.candidate_by_person) | unread.people
    posts = set(problem.post_by_id) | unread.posts
    findings: list[Finding] = []
    for s in problem.existing:
        if s.person not in people:
            findings.append(_error_at(
                f"person '{s.person}' is not on the Candidates sheet"
                f"{did_you_mean(s.person, people)}", EXISTING, s, "person"))
        if s.post not in posts:
            findings.append(_error_at(
                f"post '{s.post}' is not on the Posts sheet{did_you_mean(s.post, posts)}",
                EXISTING, s, "post"))
    return findings


def check_month_order(problem: Problem) -> list[Finding]:
    """Availability, a post's existence and an Existing secondment do not end before they start."""
    findings = [
        _error_at(f"{c.person}: available_from {format_month(c.available_from)} is after "
                  f"available_to {format_month(c.available_to)}", CANDIDATES, c, "available_to")
        for c in problem.candidates
        if c.available_from is not None and c.available_to is not None
        and c.available_from > c.available_to
    ]
    findings += [
        _error_at(f"post {p.post}: start {format_month(p.start)} is after end "
                  f"{format_month(p.end)}", POSTS, p, "end")
        for p in problem.posts if p.start is not None and p.end is not None and p.start > p.end
    ]
    findings += [
        _error_at(f"{s.person} in {s.post}: start {format_month(s.start)} is after end "
                  f"{format_month(s.end)}", EXISTING, s, "end")
        for s in problem.existing if s.start > s.end
    ]
    return findings


def check_level_bands(problem: Problem) -> list[Finding]:
    """A post's min_level is not above its max_level."""
    return [
        _error_at(f"post {p.post}: min_level {p.min_level} is above max_level {p.max_level}",
                  POSTS, p, "max_level")
        for p in problem.posts if p.min_level > p.max_level
    ]


def check_secondment_length_settings(problem: Problem, setting_rows: Mapping[str, int]
                                     ) -> list[Finding]:
    """min_secondment_months is not above max_secondment_months (R5 could never hold)."""
    s = problem.settings
    if s.min_secondment_months <= s.max_secondment_months:
        return []
    return [error(f"min_secondment_months ({s.min_secondment_months}) is more than "
                  f"max_secondment_months ({s.max_secondment_months}): no secondment could "
                  "keep R5 length", SETTINGS.name,
                  setting_rows.get("min_secondment_months"), "value")]


def check_host_agency(problem: Problem, setting_rows: Mapping[str, int], unread: Unread
                      ) -> list[Finding]:
    """host_agency, when given, is on the Agencies sheet (its grades price funded officers)."""
    host = problem.settings.host_agency
    known = set(problem.agency_by_code) | unread.agencies
    if not host or host in known:
        return []
    return [error(f"host_agency '{host}' is not on the Agencies sheet"
                  f"{did_you_mean(host, known)}: its grades price the funded officers",
                  SETTINGS.name, setting_rows.get("host_agency"), "value")]


def check_preferred_and_excluded(problem: Problem) -> list[Finding]:
    """No one both prefers and excludes the same area."""
    findings = []
    for c in problem.candidates:
        both = [area for area in c.preferred_areas if area in c.excluded_areas]
        if both:
            findings.append(_error_at(
                f"{c.person}: {_listed(both)} is both in preferred_areas and in excluded_areas: "
                "remove it from one", CANDIDATES, c, "excluded_areas"))
    return findings


# -- warnings --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Misfit:
    """Why one candidate cannot hold one post: a kind, and a detail shared by similar posts."""

    kind: Literal["grade", "skills", "excluded", "months"]
    post: str
    detail: str


def why_not_eligible(problem: Problem, candidate: Candidate, post: Post) -> Misfit | None:
    """None when the candidate could hold the post at some time; else the first reason not.

    Checks R2 (grade band), R3 (skills), R4 (excluded area, and some month in which the
    person is available, the post exists and the horizon runs) and that the months available
    are enough for the shortest secondment (R5) unless they run to the horizon's end.
    """
    level = problem.grade_of(candidate).level
    if not post.min_level <= level <= post.max_level:
        return Misfit("grade", post.post, f"{post.min_level}..{post.max_level}")
    own = {skill.casefold() for skill in candidate.skills}
    missing = [skill for skill in post.skills if skill.casefold() not in own]
    if missing:
        return Misfit("skills", post.post, _listed(missing))
    if post.area in candidate.excluded_areas:
        return Misfit("excluded", post.post, post.area)
    settings = problem.settings
    first = max(settings.horizon_start, candidate.available_from or settings.horizon_start,
                post.start or settings.horizon_start)
    last = min(settings.horizon_end, candidate.available_to or settings.horizon_end,
               post.end or settings.horizon_end)
    if first > last:
        return Misfit("months", post.post, "no month when they are available, the post exists "
                                           "and the horizon runs")
    if last - first + 1 < settings.min_secondment_months and last < settings.horizon_end:
        return Misfit("months", post.post,
                      f"only {last - first + 1} month(s) ({format_span(first, last)}), fewer "
                      f"than min_secondment_months {settings.min_secondment_months}")
    return None


NAMED_POSTS = 6
"""Most posts a warning names one by one. Beyond it the first few are named and the rest
counted, or "all of them" said: on a national scheme's 150 posts a candidate whose grade fits
none was warned about with all 150 named, a screenful for each of dozens of candidates."""


MANY_DETAILS = 3
"""Beyond this many grade bands, skills, areas or windows behind a candidate's misfits, the
misfits of that kind are given as one reason (see ``MERGED_REASONS``)."""

MERGED_REASONS = {"grade": "grade level {level} is outside the bands of",
                  "skills": "lacks a skill needed by",
                  "excluded": "excludes the area of",
                  "months": "is not available long enough for"}
KIND_RULES = {"grade": "R2", "skills": "R3", "excluded": "R4", "months": "R4, R5"}


def _posts_in_words(posts: list[str], every: int) -> str:
    """``posts``, named, or counted beyond ``NAMED_POSTS`` (``every``: how many there are)."""
    if len(posts) <= NAMED_POSTS:
        return ", ".join(posts)
    if len(posts) == every:
        return f"all {every} posts"
    shown = NAMED_POSTS - 1
    return f"{', '.join(posts[:shown])} and {len(posts) - shown} other posts"


def _misfits_in_words(level: int, misfits: list[Misfit]) -> str:
    """The reasons a candidate fits no post (one misfit a post), with posts sharing a reason
    named together."""
    details: dict[str, set[str]] = defaultdict(set)
    for misfit in misfits:
        details[misfit.kind].add(misfit.detail)
    posts_by_reason: dict[tuple[str, str], list[str]] = defaultdict(list)
    for misfit in misfits:
        # A kind with many details (a skill for each of a scheme's regions) is one reason.
        many = len(details[misfit.kind]) > MANY_DETAILS
        posts_by_reason[(misfit.kind, "" if many else misfit.detail)].append(misfit.post)
    parts = []
    for (kind, detail), posts in posts_by_reason.items():
        named = _posts_in_words(posts, len(misfits))
        if not detail:
            parts.append(f"{MERGED_REASONS[kind].format(level=level)} {named} ({KIND_RULES[kind]})")
        elif kind == "grade":
            parts.append(f"grade level {level} is outside the band {detail} of {named} (R2)")
        elif kind == "skills":
            parts.append(f"lacks {detail}, needed by {named} (R3)")
        elif kind == "excluded":
            parts.append(f"excludes '{detail}', the area of {named} (R4)")
        else:
            parts.append(f"{detail} for {named} (R4, R5)")
    return "; ".join(parts)


def _gradable(problem: Problem) -> list[Candidate]:
    """Candidates whose grade is known (the others are already errors)."""
    return [c for c in problem.candidates if (c.agency, c.grade) in problem.grade_by_key]


def check_candidates_eligible(problem: Problem) -> list[Finding]:
    """Warn about each candidate who fits no post (R2, R3, R4, R5), saying why for each post."""
    posts = list(problem.seconded_posts())
    if not posts:
        return [_warning_at("every post is funded: no one will be seconded", POSTS)]
    findings = []
    for c in _gradable(problem):
        misfits = [why_not_eligible(problem, c, p) for p in posts]
        if all(misfit is not None for misfit in misfits):
            why = _misfits_in_words(problem.grade_of(c).level,
                                    [misfit for misfit in misfits if misfit is not None])
            findings.append(_warning_at(
                f"{c.person} ({c.display_name}) fits no post, so will not be seconded: {why}",
                CANDIDATES, c, "person"))
    return findings


def check_posts_fillable(problem: Problem) -> list[Finding]:
    """Warn about each post no candidate can ever fill, counting the reasons."""
    candidates = _gradable(problem)
    findings = []
    for p in problem.seconded_posts():
        if problem.post_months(p).stop <= problem.post_months(p).start:
            continue  # the post does not exist within the horizon: nothing to fill
        misfits = [why_not_eligible(problem, c, p) for c in candidates]
        if any(misfit is None for misfit in misfits):
            continue
        counts: dict[str, int] = defaultdict(int)
        for misfit in misfits:
            if misfit is not None:
                counts[misfit.kind] += 1
        labels = {"grade": "outside its grade band", "skills": "lack its skills",
                  "excluded": "exclude its area", "months": "not available while it exists"}
        why = ", ".join(f"{n} {labels[kind]}" for kind, n in counts.items()) or "no candidates"
        outcome = ("it will be funded directly or stay vacant" if p.funding == "either"
                   else "it will stay vacant")
        findings.append(_warning_at(
            f"post {p.post} ({p.area}): no candidate can ever fill it ({why}); {outcome}",
            POSTS, p, "post"))
    return findings


def check_pledges_possible(problem: Problem) -> list[Finding]:
    """Warn when an agency's pledge cannot be met by its own backfill limit (R8)."""
    horizon = problem.settings.horizon_months
    findings = []
    for a in problem.agencies:
        if not a.pledged_months:
            continue
        if a.max_concurrent == 0:
            findings.append(_warning_at(
                f"agency {a.agency} pledges {a.pledged_months} months but its max_concurrent "
                "is 0, so none of its staff can be seconded (R8)", AGENCIES, a,
                "pledged_months"))
        elif a.pledged_months > a.max_concurrent * horizon:
            findings.append(_warning_at(
                f"agency {a.agency} pledges {a.pledged_months} months, more than "
                f"max_concurrent {a.max_concurrent} × {horizon} months allows (R8)", AGENCIES,
                a, "pledged_months"))
    return findings


def check_travel_pairs(problem: Problem) -> list[Finding]:
    """Warn once per (home area, post area) pair with no travel time; they count as 0 minutes."""
    post_areas = list(dict.fromkeys(p.area for p in problem.seconded_posts()))
    homes = list(dict.fromkeys(c.home_area for c in problem.candidates if c.home_area))
    missing = [(home, area) for home in homes for area in post_areas
               if home != area and problem.travel_minutes(home, area) is None]
    if not missing:
        return []
    if not problem.travel:
        return [_warning_at("no travel times are given, so travel is left out of the plan "
                            "(add a Travel sheet with from_area, to_area, minutes)", TRAVEL)]
    return [_warning_at(f"no travel time from '{home}' to '{area}': it counts as 0 minutes "
                        "(add a Travel row)", TRAVEL) for home, area in missing]
