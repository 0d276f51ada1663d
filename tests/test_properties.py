"""Property tests: on generated small problems, every solver plan passes the independent checker,
the checker's goal terms equal the solver's, and no plan the checker accepts beats the solver's
OPTIMAL plan on cover and then pledges.
"""

from __future__ import annotations

import random
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rotation.checker import check_plan
from rotation.domain import Problem, Secondment
from rotation.solver import SolveOptions, solve
from tests import factory

AREAS = ("North", "South", "West")
SKILLS = ("gaelic", "data")


@st.composite
def small_problems(draw: st.DrawFn) -> Problem:
    """Problems of 1–3 posts, 1–5 candidates, two agencies and a 6–12 month horizon."""
    horizon = draw(st.integers(6, 12))
    start = factory.m(factory.HORIZON_START)
    min_months = draw(st.integers(1, 4))
    max_months = draw(st.integers(min_months, min_months + 4))
    overlap = draw(st.integers(0, min(2, min_months)))
    agencies = [
        factory.agency(code, max_concurrent=draw(st.integers(0, 3)),
                       backfill_budget=draw(st.one_of(st.none(), st.sampled_from(
                           [4000.0, 8000.0, 20000.0]))),
                       pledged_months=draw(st.one_of(st.none(), st.integers(0, 8))))
        for code in ("HC", "NHS")
    ]
    grades = [factory.grade("HC", "HC8", level=5, monthly_cost=1000.0),
              factory.grade("HC", "HC10", level=7, monthly_cost=1500.0),
              factory.grade("NHS", "Band 6", level=5, monthly_cost=1100.0)]
    posts = []
    for index in range(draw(st.integers(1, 3))):
        first = draw(st.one_of(st.none(), st.integers(0, 3)))
        posts.append(factory.post(
            f"P{index + 1}", area=AREAS[index],
            max_level=draw(st.sampled_from([5, 7, 7])),
            skills=tuple(draw(st.sampled_from([(), (), (), ("gaelic",)]))),
            start=None if first is None else start + first,
            funding=draw(st.sampled_from(["seconded", "seconded", "seconded", "funded"]))))
    candidates = []
    for index in range(draw(st.integers(2, 6))):
        agency_code = draw(st.sampled_from(["HC", "NHS"]))
        grade_name = (draw(st.sampled_from(["HC8", "HC10"])) if agency_code == "HC"
                      else "Band 6")
        from_offset = draw(st.one_of(st.none(), st.integers(0, 4)))
        candidates.append(factory.candidate(
            f"C{index + 1}", agency=agency_code, grade=grade_name,
            home_area=draw(st.sampled_from(AREAS)),
            available_from=None if from_offset is None else start + from_offset,
            max_months=draw(st.one_of(st.none(), st.integers(1, 6))),
            skills=tuple(draw(st.lists(st.sampled_from(SKILLS), min_size=1, max_size=2,
                                               unique=True))),
            preferred_areas=tuple(draw(st.permutations(AREAS)))[: draw(st.integers(0, 3))],
            excluded_areas=tuple(draw(st.sampled_from([(), (), (), ("North",)])))))
    travel = [factory.travel(a, b, 30 + 10 * i) for i, (a, b) in
              enumerate((a, b) for a in AREAS for b in AREAS if a != b)]
    overrides: dict[str, Any] = {
        "horizon_months": horizon,
        "min_secondment_months": min_months,
        "max_secondment_months": max_months,
        "handover_overlap_months": overlap,
        "max_handovers_per_month": draw(st.integers(0, 2)),
        "cooling_off_months": draw(st.integers(0, 3)),
        "max_secondments_per_person": draw(st.integers(1, 2)),
        "max_secondees_per_agency": draw(st.integers(1, 3)),
    }
    return factory.problem(posts=posts, candidates=candidates, agencies=agencies,
                           grades=grades, travel_times=travel, **overrides)


def _random_feasible_plan(problem: Problem, seed: int) -> list[Secondment]:
    """A plan built by adding random secondments one at a time, keeping each only if the
    checker still finds no breach: a known-feasible plan to compare the solver against."""
    rng = random.Random(seed)
    first, last = problem.settings.horizon_start, problem.settings.horizon_end
    options = [
        Secondment(person=c.person, post=p.post, start=s, end=e)
        for c in problem.candidates for p in problem.posts
        for s in range(first, last + 1) for e in range(s, last + 1)
    ]
    rng.shuffle(options)
    plan: list[Secondment] = []
    for option in options[:600]:
        trial = [*plan, option]
        if check_plan(problem, trial).ok:
            plan = trial
    return plan


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_solver_plans_pass_the_checker_and_beat_known_feasible_plans(problem: Problem) -> None:
    result = solve(problem, SolveOptions(time_limit=10, workers=1, seed=0))
    assert result.has_plan, result.status
    report = check_plan(problem, result.secondments)
    assert report.ok, [str(b) for b in report.breaches]
    assert result.goals == report.goals
    if result.status == "OPTIMAL":
        best = (report.goals.vacant_post_months, report.goals.pledge_shortfall_months)
        for seed in range(3):
            rival = check_plan(problem, _random_feasible_plan(problem, seed)).goals
            assert best <= (rival.vacant_post_months, rival.pledge_shortfall_months)
