"""Random tiny problems with unusual settings: every plan the solver returns passes the
independent checker with the same goal terms, and "infeasible" is only said when the agreed
secondments on their own already break a rule.

The problems stress the handover and person rules: overlap 0, 1 or 2, cooling-off, several
secondments per person, posts that start late or are funded, and agreed secondments that start
before the horizon or run past it (some of them breaking rules on purpose).
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from rotation.checker import check_plan
from rotation.domain import Candidate, Post, Problem, Secondment
from rotation.plan import SolveResult
from rotation.solver import SolveOptions, solve
from tests.factory import agency, candidate, m, post, problem

AREAS = ["Area P0", "Area P1", "Area P2"]


def proven_random_problems(count: int) -> Iterator[tuple[Problem, SolveResult]]:
    """The first ``count`` random problems (seeds 0, 1, ...) that the solver proves optimal
    within 10 s, each with its result: for tests that a floor or bound never passes an
    optimum."""
    for seed in range(count):
        problem_ = random_problem(random.Random(seed))
        result = solve(problem_, SolveOptions(time_limit=10, workers=2))
        if result.status == "OPTIMAL" and result.goals is not None:
            yield problem_, result


def random_problem(rng: random.Random) -> Problem:
    """A problem of 1-3 posts, 1-5 people and 4-10 months with random rules."""
    first = m("2027-04")
    months = rng.randint(4, 10)
    posts = [_random_post(rng, index, first) for index in range(rng.randint(1, 3))]
    people = [_random_person(rng, index, first) for index in range(rng.randint(1, 5))]
    agreed = []
    for _ in range(rng.choice([0, 0, 1, 2, 3])):
        start = first + rng.randint(-6, months - 1)
        agreed.append(Secondment(person=rng.choice(people).person, post=rng.choice(posts).post,
                                 start=start, end=start + rng.randint(0, 8)))
    shortest = rng.randint(1, 4)
    return problem(
        posts=posts, candidates=people, existing=agreed, horizon_months=months,
        agencies=[agency("HC", max_concurrent=rng.randint(0, 3),
                         backfill_budget=rng.choice([None, 3800.0 * rng.randint(2, 12)]),
                         pledged_months=rng.choice([None, rng.randint(0, 20)])),
                  agency("NHS", max_concurrent=rng.randint(0, 3),
                         pledged_months=rng.choice([None, rng.randint(0, 20)]))],
        min_secondment_months=shortest,
        max_secondment_months=rng.randint(max(shortest - 1, 1), 7),
        handover_overlap_months=rng.choice([0, 1, 1, 2]),
        max_handovers_per_month=rng.randint(0, 2), cooling_off_months=rng.choice([0, 0, 1, 3]),
        max_secondments_per_person=rng.randint(1, 3), max_secondees_per_agency=rng.randint(1, 3))


def _random_post(rng: random.Random, index: int, first: int) -> Post:
    late_start = first + rng.randint(0, 2) if rng.random() < 0.2 else None
    funding = rng.choice(["seconded"] * 5 + ["funded", "either"])
    return post(f"P{index}", start=late_start, funding=funding)


def _random_person(rng: random.Random, index: int, first: int) -> Candidate:
    extra: dict[str, object] = {}
    if rng.random() < 0.3:
        extra["available_from"] = first + rng.randint(-2, 4)
    if rng.random() < 0.3:
        extra["available_to"] = first + rng.randint(3, 12)
    if rng.random() < 0.2:
        extra["max_months"] = rng.randint(1, 6)
    if rng.random() < 0.15:
        extra["excluded_areas"] = ("Area P0",)
    if rng.random() < 0.3:
        extra["preferred_areas"] = tuple(rng.sample(AREAS, 2))
    code = rng.choice(["HC", "NHS"])
    return candidate(f"C{index}", agency=code, grade="HC8" if code == "HC" else "Band 6",
                     home_area=rng.choice(["", "Area P0", "Area P1"]), **extra)


@pytest.mark.parametrize("seed", range(40))
def test_solver_plans_pass_the_checker(seed: int) -> None:
    problem_ = random_problem(random.Random(seed))
    result = solve(problem_, SolveOptions(time_limit=5, workers=1))
    agreed_only = check_plan(problem_, [s.model_copy(update={"existing": True})
                                        for s in problem_.existing])
    if result.has_plan:
        report = check_plan(problem_, result.secondments, funded=result.funded)
        assert report.ok, [str(b) for b in report.breaches]
        assert report.goals == result.goals
        if agreed_only.ok:  # keeping just the agreed secondments is a plan too
            assert result.goals is not None
            assert result.goals.vacant_post_months <= agreed_only.goals.vacant_post_months
    else:
        assert result.status == "INFEASIBLE"
        assert result.conflicts
        assert not agreed_only.ok, "a plan exists: the agreed secondments alone keep every rule"
