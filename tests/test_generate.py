"""Generated problems: deterministic, of the size asked, valid, and region-bound when asked."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from rotation.domain import Candidate, Post, Problem
from rotation.generate import generate_problem
from rotation.io.reader import read_problem
from rotation.io.writer import write_problem
from rotation.validation import validate_problem

# The sizes benchmarks use: (posts, candidates, months).
SIZES = [(5, 20, 36), (20, 80, 48), (60, 250, 60), (150, 600, 60)]


def eligible_by_skills(post: Post, candidate: Candidate) -> bool:
    """R3: the candidate has every skill the post requires (case-insensitively)."""
    return {s.casefold() for s in post.skills} <= {s.casefold() for s in candidate.skills}


def errors(problem: Problem) -> list[str]:
    return [str(f) for f in validate_problem(problem) if f.severity == "error"]


def test_the_same_arguments_give_the_same_problem() -> None:
    first = generate_problem(posts=20, candidates=80, months=48, seed=7, regions=4)
    again = generate_problem(posts=20, candidates=80, months=48, seed=7, regions=4)
    other = generate_problem(posts=20, candidates=80, months=48, seed=8, regions=4)
    assert first == again
    assert first != other


@pytest.mark.parametrize(("posts", "candidates", "months"), SIZES)
@pytest.mark.parametrize("tight", [False, True])
def test_benchmark_sizes_are_valid_and_of_the_size_asked(posts: int, candidates: int,
                                                         months: int, tight: bool) -> None:
    problem = generate_problem(posts=posts, candidates=candidates, months=months, seed=1,
                               tight=tight, regions=posts // 5)
    assert len(problem.posts) == posts
    assert len(problem.candidates) == candidates
    assert problem.settings.horizon_months == months
    assert problem.settings.horizon_start == 2027 * 12 + 3  # April 2027
    assert problem.existing == ()
    assert errors(problem) == []


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(("posts", "candidates", "months", "regions"),
                         [(1, 1, 1, 0), (3, 8, 18, 0), (7, 3, 12, 3), (12, 40, 30, 20)])
def test_small_and_odd_sizes_are_valid(posts: int, candidates: int, months: int, regions: int,
                                       seed: int) -> None:
    for tight in (False, True):
        problem = generate_problem(posts=posts, candidates=candidates, months=months,
                                   seed=seed, tight=tight, regions=regions)
        assert errors(problem) == []


def test_the_largest_size_is_generated_quickly() -> None:
    started = time.perf_counter()
    generate_problem(posts=150, candidates=600, months=60, seed=3, tight=True, regions=30)
    assert time.perf_counter() - started < 1.0


def test_candidates_are_eligible_only_in_their_own_region() -> None:
    problem = generate_problem(posts=20, candidates=80, months=36, seed=2, regions=4)
    region_of_area: dict[str, str] = {}
    for post in problem.posts:
        (skill,) = post.skills
        assert skill.startswith("region ")
        region_of_area.setdefault(post.area, skill)
        assert region_of_area[post.area] == skill, "an area lies in one region"
    assert len(set(region_of_area.values())) == 4
    for candidate in problem.candidates:
        home_region = region_of_area[candidate.home_area]
        for post in problem.posts:
            same_region = region_of_area[post.area] == home_region
            assert eligible_by_skills(post, candidate) == same_region
        assert {region_of_area[a] for a in candidate.preferred_areas} <= {home_region}


def test_without_regions_no_post_requires_a_skill() -> None:
    problem = generate_problem(posts=10, candidates=30, months=24, seed=5)
    assert all(post.skills == () for post in problem.posts)


def test_every_area_has_a_post_and_travel_between_every_pair() -> None:
    problem = generate_problem(posts=20, candidates=60, months=36, seed=4, regions=3)
    areas = set(problem.areas)
    assert {c.home_area for c in problem.candidates} <= areas
    assert set(problem.travel_minutes_by_pair) == {(a, b) for a in areas for b in areas
                                                   if a != b}


def test_tight_problems_have_scarce_capacity_binding_budgets_and_long_minimums() -> None:
    posts = 40
    relaxed = generate_problem(posts=posts, candidates=160, months=48, seed=6)
    tight = generate_problem(posts=posts, candidates=160, months=48, seed=6, tight=True)
    relaxed_capacity = sum(a.max_concurrent for a in relaxed.agencies)
    tight_capacity = sum(a.max_concurrent for a in tight.agencies)
    assert relaxed_capacity >= 2 * posts
    assert posts < tight_capacity <= posts * 1.1 + 1
    assert tight.settings.min_secondment_months == 18
    assert relaxed.settings.min_secondment_months == 12
    cost = {g.agency: g.monthly_cost for g in tight.grades if g.level == 6}
    for agency in tight.agencies:
        # The budget cannot pay for the agency's full limit all year round.
        assert agency.backfill_budget is not None
        assert agency.backfill_budget < agency.max_concurrent * 12 * cost[agency.agency]
    assert all(a.backfill_budget is None for a in relaxed.agencies)
    exclusions = sum(bool(c.excluded_areas) for c in tight.candidates)
    assert exclusions > sum(bool(c.excluded_areas) for c in relaxed.candidates)


def test_a_generated_problem_round_trips_through_the_workbook(tmp_path: Path) -> None:
    problem = generate_problem(posts=12, candidates=40, months=36, seed=9, tight=True,
                               regions=3)
    path = tmp_path / "generated.xlsx"
    write_problem(path, problem)
    read, _warnings = read_problem(path)
    assert read == problem


def test_impossible_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="at least one post"):
        generate_problem(posts=0, candidates=5, months=12, seed=0)
