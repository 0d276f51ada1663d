"""Synthetic problems of any size, shaped like the Highland sample, for trials and benchmarks.

The same arguments always give the same problem (all randomness comes from one
``random.Random(seed)``). Agencies, grades and costs are the Highland ones; areas are named
``Area 1``, ``Area 2``, ... Generated problems have no Existing secondments, so they are always
consistent: the worst a plan can do is leave posts vacant.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from rotation.domain import Agency, Candidate, Grade, Post, Problem, Settings, Travel
from rotation.months import Month, month
from rotation.samples import ENGAGEMENT, OFFICER, highland_agencies, highland_grades

HORIZON_START: Month = month(2027, 4)

# Share of candidates (and of capacity and pledges) each agency provides.
AGENCY_WEIGHTS: dict[str, float] = {"HC": 0.3, "NHS": 0.25, "POL": 0.15, "SFRS": 0.15,
                                    "HIE": 0.15}
# Most staff who come forward are at level 6, the level the officer posts are graded at.
LEVEL_WEIGHTS: dict[int, float] = {5: 0.2, 6: 0.7, 7: 0.1}
EXTRA_SKILLS = ("Gaelic", "data analysis", "economic development", "public health")


@dataclass(frozen=True)
class Shape:
    """What differs between a relaxed and a tight instance."""

    min_secondment_months: int
    spare_capacity: float  # agency places beyond the number of posts, as a share of posts
    budget_share: float | None  # budget as a share of a full year at the limit; None = none
    pledge_share: float  # share of all post-months the agencies pledge between them
    exclusion_chance: float  # chance a candidate excludes areas


RELAXED = Shape(min_secondment_months=12, spare_capacity=1.5, budget_share=None,
                pledge_share=0.6, exclusion_chance=0.1)
TIGHT = Shape(min_secondment_months=18, spare_capacity=0.1, budget_share=0.8,
              pledge_share=0.85, exclusion_chance=0.35)


def generate_problem(*, posts: int, candidates: int, months: int, seed: int,
                     tight: bool = False, regions: int = 0) -> Problem:
    """A random problem of the given size; the same arguments always give the same problem.

    With ``regions`` > 0, posts and candidates are split into that many regions and each post
    requires the skill ``region N`` that only its region's candidates have.
    """
    if posts < 1 or candidates < 0 or not 1 <= months <= 120:
        raise ValueError("need at least one post, no negative candidates and 1 to 120 months")
    rng = random.Random(seed)
    shape = TIGHT if tight else RELAXED
    region_count = min(regions, posts)
    areas = _areas(posts, region_count)
    agencies = _agencies(posts, months, shape)
    settings = Settings(
        plan_name=(f"Generated: {posts} posts, {candidates} candidates, {months} months, "
                   f"seed {seed}{', tight' if tight else ''}"),
        horizon_start=HORIZON_START, horizon_months=months,
        min_secondment_months=shape.min_secondment_months,
        # The team-mix cap never binds before an agency's own limit does.
        max_secondees_per_agency=max(2, *(a.max_concurrent for a in agencies)))
    post_list = _posts(rng, posts, months, areas, region_count)
    grades = highland_grades()
    candidate_list = _candidates(rng, candidates, months, areas, region_count, grades, shape)
    return Problem(settings=settings, agencies=agencies, grades=grades,
                   posts=post_list, candidates=candidate_list, travel=_travel(rng, areas))


def region_skill(region: int) -> str:
    """The skill that marks a post or a candidate as belonging to a region (0-based index)."""
    return f"region {region + 1}"


def _areas(posts: int, region_count: int) -> dict[str, int]:
    """Area names with their region (0-based; all 0 without regions): a few posts per area."""
    count = max(region_count, min(posts, 5 + posts // 5))
    regions = max(region_count, 1)
    return {f"Area {index + 1}": index % regions for index in range(count)}


def _spread(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split a whole number in proportion to weights (largest remainders get the rest)."""
    exact = {key: total * weight / sum(weights.values()) for key, weight in weights.items()}
    shares = {key: math.floor(value) for key, value in exact.items()}
    by_remainder = sorted(exact, key=lambda key: exact[key] - shares[key], reverse=True)
    for key in by_remainder[: total - sum(shares.values())]:
        shares[key] += 1
    return shares


def _agencies(posts: int, months: int, shape: Shape) -> tuple[Agency, ...]:
    """The five Highland agencies with limits, budgets and pledges scaled to the size."""
    capacity = _spread(posts + max(1, math.ceil(posts * shape.spare_capacity)),
                       AGENCY_WEIGHTS)
    pledges = _spread(round(posts * months * shape.pledge_share), AGENCY_WEIGHTS)
    level_six_cost = {g.agency: g.monthly_cost for g in highland_grades() if g.level == 6}
    agencies = []
    for template in highland_agencies():
        code = template.agency
        limit = capacity[code]
        budget = None
        if shape.budget_share is not None and limit > 0:
            # A full year at the limit would cost limit * 12 months; allow only a share.
            budget = float(round(limit * 12 * level_six_cost[code] * shape.budget_share, -3))
        agencies.append(Agency(agency=code, name=template.name, max_concurrent=limit,
                               backfill_budget=budget, pledged_months=pledges[code] or None))
    return tuple(agencies)


def _posts(rng: random.Random, count: int, months: int, areas: dict[str, int],
           region_count: int) -> tuple[Post, ...]:
    """Officer posts spread over the areas (every area gets at least one), region by region."""
    width = len(str(count))
    regions = max(region_count, 1)
    areas_of = {r: [a for a, region in areas.items() if region == r] for r in range(regions)}
    placed = dict.fromkeys(range(regions), 0)
    posts = []
    for index in range(count):
        region = index % regions
        area = areas_of[region][placed[region] % len(areas_of[region])]
        placed[region] += 1
        senior = rng.random() < 0.1
        start = None
        if months >= 24 and rng.random() < 0.1:
            start = HORIZON_START + rng.randint(1, months // 4)  # a post created later on
        posts.append(Post(
            post=f"P{index + 1:0{width}d}", area=area,
            role=f"Senior {OFFICER}" if senior else OFFICER,
            min_level=6 if senior else 5, max_level=7 if senior else 6,
            skills=(region_skill(region),) if region_count else (), start=start))
    return tuple(posts)


def _candidates(rng: random.Random, count: int, months: int, areas: dict[str, int],
                region_count: int, grades: tuple[Grade, ...],
                shape: Shape) -> tuple[Candidate, ...]:
    """Staff from the five agencies, each living in and preferring areas of their own region."""
    width = len(str(max(count, 1)))
    regions = max(region_count, 1)
    areas_of = {r: [a for a, region in areas.items() if region == r] for r in range(regions)}
    grade_at = {(g.agency, g.level): g.grade for g in grades}
    agency_codes = list(AGENCY_WEIGHTS)
    agency_weights = list(AGENCY_WEIGHTS.values())
    levels, level_weights = list(LEVEL_WEIGHTS), list(LEVEL_WEIGHTS.values())
    people = []
    for index in range(count):
        region = index % regions
        local = areas_of[region]
        agency = rng.choices(agency_codes, agency_weights)[0]
        level = rng.choices(levels, level_weights)[0]
        home = rng.choice(local)
        available_from, available_to = _availability(rng, months, shape)
        skills = [ENGAGEMENT]
        if rng.random() < 0.3:
            skills.append(rng.choice(EXTRA_SKILLS))
        if region_count:
            skills.append(region_skill(region))
        preferred = _preferences(rng, home, local)
        excluded = _exclusions(rng, home, preferred, local, shape)
        max_months = None
        if rng.random() < 0.15:
            max_months = rng.randint(shape.min_secondment_months, 23)
        people.append(Candidate(
            person=f"C{index + 1:0{width}d}", name=f"Person {index + 1}", agency=agency,
            grade=grade_at[(agency, level)], home_area=home, available_from=available_from,
            available_to=available_to, max_months=max_months, skills=tuple(skills),
            preferred_areas=preferred, excluded_areas=excluded))
    return tuple(people)


def _availability(rng: random.Random, months: int,
                  shape: Shape) -> tuple[Month | None, Month | None]:
    """A window long enough for one full secondment, or open at either end."""
    available_from = None
    if months >= 12 and rng.random() < 0.35:
        available_from = HORIZON_START + rng.randint(1, months // 2)
    available_to = None
    if rng.random() < 0.25:
        first = available_from if available_from is not None else HORIZON_START
        available_to = first + rng.randint(shape.min_secondment_months - 1,
                                           max(shape.min_secondment_months, months))
    return available_from, available_to


def _preferences(rng: random.Random, home: str, local: list[str]) -> tuple[str, ...]:
    """One to three areas of the region, best first; usually home first."""
    others = [a for a in local if a != home]
    rng.shuffle(others)
    ranked = [home, *others] if rng.random() < 0.6 else [*others, home]
    return tuple(ranked[: rng.randint(1, 3)])


def _exclusions(rng: random.Random, home: str, preferred: tuple[str, ...], local: list[str],
                shape: Shape) -> tuple[str, ...]:
    """Areas a candidate will not go to: never home, never one they prefer."""
    if rng.random() >= shape.exclusion_chance:
        return ()
    choices = [a for a in local if a != home and a not in preferred]
    rng.shuffle(choices)
    return tuple(choices[: rng.randint(1, 2)])


def _travel(rng: random.Random, areas: dict[str, int]) -> tuple[Travel, ...]:
    """One-way minutes between every ordered pair of areas, from places on a 200 km map.

    A region's areas lie close together, so travel within a region is short.
    """
    regions = max(areas.values()) + 1
    centres = [(rng.uniform(0, 200), rng.uniform(0, 200)) for _ in range(regions)]
    places = {}
    for area, region in areas.items():
        x, y = centres[region]
        spread = 200 if regions == 1 else 40
        places[area] = (x + rng.uniform(-spread, spread) / 2, y + rng.uniform(-spread, spread) / 2)
    travel = []
    for origin, (x1, y1) in places.items():
        for destination, (x2, y2) in places.items():
            if origin != destination:
                minutes = round(10 + 1.2 * math.hypot(x1 - x2, y1 - y2))
                travel.append(Travel(from_area=origin, to_area=destination, minutes=minutes))
    return tuple(travel)
