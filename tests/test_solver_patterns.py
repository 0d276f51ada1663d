"""The cover's and the pledges' floors from the agencies' patterns (``patterns``): never above
what a plan can reach, above the whole-secondment model's linear bound where budgets bite,
and what settles the goal on a tight problem whose other proofs are slow."""

from __future__ import annotations

import importlib
import itertools
import math
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rotation.checker import check_plan
from rotation.domain import Problem
from rotation.generate import generate_problem
from rotation.io.reader import read_problem
from rotation.months import financial_year, month
from rotation.solver import SolveOptions, solve
from rotation.solver.model import build_model
from rotation.solver.patterns import AgencyPatterns, SecondmentType, _Agency
from rotation.solver.secondment_mip import SecondmentMip
from tests.searches import searched_goals
from tests.test_solver_properties import random_problem

solve_module = importlib.import_module("rotation.solver.solve")

UNREACHABLE = 10**6
"""A target no floor reaches, so that the floor is never cut short at a plan's value."""


def _cover(built: Any) -> Any:
    return next(tier for tier in built.tiers if tier.goal == "cover")


def _pledges(built: Any) -> Any:
    return next(tier for tier in built.tiers if tier.goal == "pledges")


def _whole_secondments(problem_: Problem) -> tuple[Any, SecondmentMip]:
    """The problem's built model and its whole-secondment model (which it must have)."""
    built = build_model(problem_)
    mip = SecondmentMip.of(built.model)
    assert mip is not None
    return built, mip


def _changed(problem_: Problem, code: str | None = None, **change: Any) -> Problem:
    """The problem with ``change`` made to one agency (``code``) or to every one."""
    data = problem_.model_dump()
    for agency in data["agencies"]:
        if code is None or agency["agency"] == code:
            agency.update(change)
    return Problem.model_validate(data)


def test_the_floor_never_passes_a_proven_cover(monkeypatch: pytest.MonkeyPatch) -> None:
    # Random tiny problems whose council has a budget and two or three out at once: the
    # floor is at most the cover CP-SAT proves without the patterns' help, and the plan
    # found among the patterns is no better than the floor.
    monkeypatch.setattr(solve_module, "PATTERN_GOALS", ())
    compared = 0
    for seed in range(300):
        rng = random.Random(seed)
        problem_ = _changed(random_problem(rng), "HC", max_concurrent=rng.randint(2, 3),
                            backfill_budget=3800.0 * rng.randint(2, 12))
        result = solve(problem_, SolveOptions(time_limit=10, workers=2))
        if result.status != "OPTIMAL" or result.goals is None:
            continue
        built = build_model(problem_)
        mip = SecondmentMip.of(built.model)
        patterns = None if mip is None else AgencyPatterns.of(mip, _cover(built))
        if patterns is None:
            continue
        found = patterns.floor(10, target=UNREACHABLE)
        assert found is not None and not found.stopped
        assert found.floor <= result.goals.vacant_post_months
        if found.plan is not None:  # (a plan of the whole-secondment model, which the
            # solver completes in its own before taking it)
            assert found.value is not None and found.value >= found.floor
        compared += 1
    assert compared >= 40  # enough problems had something to generate to mean something


def test_the_pledges_floor_never_passes_proven_pledges(monkeypatch: pytest.MonkeyPatch) -> None:
    # Random tiny problems whose budgeted agencies owe pledged months: with the cover held at
    # the optimum CP-SAT proves without the patterns' help, the pledges' floor (generated
    # from that plan's patterns) is at most the pledged months short it proves.
    monkeypatch.setattr(solve_module, "PATTERN_GOALS", ())
    compared = reached = 0
    for seed in range(200):
        rng = random.Random(seed)
        problem_ = _changed(random_problem(rng), "HC", max_concurrent=rng.randint(1, 3),
                            backfill_budget=3800.0 * rng.randint(2, 12),
                            pledged_months=rng.randint(6, 40))
        result = solve(problem_, SolveOptions(time_limit=10, workers=2))
        if result.status != "OPTIMAL" or result.goals is None:
            continue
        built = build_model(problem_)
        mip = SecondmentMip.of(built.model)
        if mip is None or not mip.states(_pledges(built)):
            continue
        mip.keep(_cover(built), result.goals.vacant_post_months)
        patterns = AgencyPatterns.of(mip, _pledges(built), result.secondments)
        if patterns is None:
            continue
        found = patterns.floor(10, target=UNREACHABLE)
        assert found is not None and not found.stopped
        assert found.floor <= result.goals.pledge_shortfall_months
        if found.plan is not None:
            assert found.value is not None and found.value >= found.floor
        compared += 1
        reached += 0 < found.floor == result.goals.pledge_shortfall_months
    assert compared >= 40
    assert reached >= 20  # most floors are the optimum itself, not only 0


def _linear_bound(mip: SecondmentMip, tier: Any) -> float:
    """The whole-secondment model's own linear bound on the tier."""
    bound = mip.linear_bound(tier, 60)
    assert bound is not None
    return bound


def test_the_patterns_see_what_the_fractions_of_secondments_hide() -> None:
    # The generated tight problem, seed 3: the council has two out at a time on a budget for
    # 19 months a year. The linear bound is 26.94; the patterns' floor is the optimum, 31.
    problem_ = generate_problem(posts=5, candidates=20, months=36, seed=3, tight=True)
    built, mip = _whole_secondments(problem_)
    tier = _cover(built)
    assert math.ceil(_linear_bound(mip, tier) - 1e-6) == 27
    patterns = AgencyPatterns.of(mip, tier)
    assert patterns is not None
    found = patterns.floor(30, target=UNREACHABLE)
    assert found is not None and found.floor == 31
    optimum = SecondmentMip.of(built.model).optimum(tier, 60)  # type: ignore[union-attr]
    assert optimum is not None and optimum.proven and optimum.value == 31


def test_the_pledges_patterns_count_each_agency_s_months_short_whole() -> None:
    # The generated tight problem, seed 50, with the cover held at its optimum (34 vacant
    # post-months): the linear bound on the pledged months short is 19, since fractions of
    # secondments fill every agency's pledge as far as its budget goes; the patterns' floor
    # is the optimum, 28 (HiGHS took 15 s to prove it).
    problem_ = generate_problem(posts=5, candidates=20, months=36, seed=50, tight=True)
    built, mip = _whole_secondments(problem_)
    cover = AgencyPatterns.of(mip, _cover(built))
    assert cover is not None
    covered = cover.floor(30, target=UNREACHABLE)
    assert covered is not None and covered.plan is not None
    assert covered.floor == covered.value == 34
    mip.keep(_cover(built), 34)
    assert math.ceil(_linear_bound(mip, _pledges(built)) - 1e-6) == 19
    patterns = AgencyPatterns.of(mip, _pledges(built), covered.plan)
    assert patterns is not None
    assert len(patterns.agencies) == 5  # every budgeted agency, one out at a time or more
    found = patterns.floor(30, target=UNREACHABLE)
    assert found is not None and found.floor == 28


def test_no_pledges_patterns_where_fractions_fill_every_pledge(highland_path: Path) -> None:
    # The Highland sample: with the cover held at 0, the linear bound on the pledged months
    # short is 0, and the patterns are not generated (nothing above 0 to find there); the
    # generated tight problem above, with a linear bound of 19, has them.
    problem_, _ = read_problem(highland_path)
    built, mip = _whole_secondments(problem_)
    assert mip.short_columns  # (two agencies owe months)
    mip.keep(_cover(built), 0)
    assert _linear_bound(mip, _pledges(built)) < 1e-6
    assert AgencyPatterns.of(mip, _pledges(built)) is None


def test_a_floor_ends_the_search_at_the_first_plan_that_reaches_it() -> None:
    problem_ = generate_problem(posts=5, candidates=20, months=36, seed=3, tight=True)
    built = build_model(problem_)
    tier = _cover(built)
    mip = SecondmentMip.of(built.model)
    assert mip is not None
    reached = mip.optimum(tier, 60, floor=31)
    assert reached is not None and reached.proven and reached.value == 31
    assert len(reached.plan) > 0
    below = SecondmentMip.of(built.model).optimum(tier, 60, floor=30)  # type: ignore[union-attr]
    assert below is not None and below.proven and below.value == 31  # proven the long way


def _every_pattern(types: list[SecondmentType], out_left: dict[int, int],
                   spend_left: dict[int, int]) -> list[tuple[int, ...]]:
    """Every count of each type, up to two, that keeps the limit each month and the budget
    each financial year (by brute force)."""
    months = sorted(out_left)
    found = []
    for counts in itertools.product(range(3), repeat=len(types)):
        if any(sum(c for c, kind in zip(counts, types, strict=True)
                   if kind.start <= t <= kind.end) > out_left[t] for t in months):
            continue
        spend = {year: 0 for year in spend_left}
        for c, kind in zip(counts, types, strict=True):
            for t in range(kind.start, kind.end + 1):
                spend[financial_year(t)] += c * kind.pence
        if all(spend[year] <= spend_left[year] for year in spend_left):
            found.append(counts)
    return found


def _priced_as_listed(part: _Agency, duals: np.ndarray,
                      allowed: dict[tuple[int, ...], float]) -> None:
    """The agency's pricing at ``duals`` against ``allowed``, every pattern with its cost."""
    found = part.price(duals, 10)
    assert found is not None
    patterns, least = found
    best = min(allowed.values())
    assert patterns[0][1] == pytest.approx(best, abs=1e-6)  # the cheapest comes first
    assert least <= best + 1e-9
    for pattern, cost in patterns:  # each one a pattern the agency's rules allow
        assert allowed[tuple(int(c) for c in pattern)] == pytest.approx(cost)


def test_pricing_finds_the_cheapest_pattern_among_all_of_them() -> None:
    # Five secondment types over six months from February, two out at a time (one in May)
    # and a budget of 500 a financial year (February-March, then April-July): every pattern
    # listed and priced by brute force.
    first = month(2027, 2)
    types = [SecondmentType(first, first + 2, 100), SecondmentType(first + 1, first + 4, 90),
             SecondmentType(first + 3, first + 5, 120), SecondmentType(first, first + 5, 60),
             SecondmentType(first + 2, first + 3, 200)]
    months = range(first, first + 6)
    out_left = {t: 2 for t in months}
    out_left[first + 3] = 1
    years = {financial_year(t) for t in months}
    spend_left = {year: 500 for year in years}
    part = _Agency(types, 0, 0, out_left, spend_left)
    rng = np.random.default_rng(7)
    for _ in range(20):
        duals = rng.uniform(-300, 100, len(types)).round(3)
        allowed = {counts: sum(c * min(d, 0.0) for c, d in zip(counts, duals, strict=True))
                   for counts in _every_pattern(types, out_left, spend_left)}
        _priced_as_listed(part, duals, allowed)


def test_pricing_counts_the_months_a_pattern_leaves_a_pledge_short() -> None:
    # As above, for an agency that owes 9 months: a pattern costs its types' prices (every
    # price now, since dropping a secondment leaves the pledge shorter) and each month short.
    first = month(2027, 2)
    types = [SecondmentType(first, first + 2, 100), SecondmentType(first + 1, first + 4, 90),
             SecondmentType(first + 3, first + 5, 120), SecondmentType(first, first + 5, 60)]
    months = range(first, first + 6)
    out_left = {t: 2 for t in months}
    years = {financial_year(t) for t in months}
    spend_left = {year: 600 for year in years}
    part = _Agency(types, 0, 0, out_left, spend_left, owed=9)
    rng = np.random.default_rng(11)
    for _ in range(20):
        duals = rng.uniform(-2, 1, len(types)).round(3)
        allowed = {}
        for counts in _every_pattern(types, out_left, spend_left):
            held = sum(c * (kind.end - kind.start + 1)
                       for c, kind in zip(counts, types, strict=True))
            allowed[counts] = (sum(c * d for c, d in zip(counts, duals, strict=True))
                               + max(0, 9 - held))
        _priced_as_listed(part, duals, allowed)


def test_the_patterns_settle_a_cover_the_whole_secondment_model_proves_slowly() -> None:
    # The generated tight problem, seed 21: HiGHS had not proven its cover of 41 vacant
    # post-months in 10 s, nor CP-SAT in 7 more; the patterns' floor is 41, and a plan there.
    problem_ = generate_problem(posts=5, candidates=20, months=36, seed=21, tight=True)
    result = solve(problem_, SolveOptions(time_limit=10, workers=2))
    assert result.goals is not None and result.goals.vacant_post_months == 41
    assert "cover" in result.proven_goals
    assert check_plan(problem_, result.secondments).ok


def test_only_budgeted_agencies_with_two_or_more_out_have_patterns() -> None:
    problem_ = generate_problem(posts=5, candidates=20, months=36, seed=3, tight=True)
    built, mip = _whole_secondments(problem_)
    patterns = AgencyPatterns.of(mip, _cover(built))
    assert patterns is not None
    assert [problem_.most_out(a.agency) for a in problem_.agencies
            if a.backfill_budget is not None].count(2) == len(patterns.agencies) == 1
    # Without budgets, or with one out at a time everywhere, nothing to generate.
    for change in ({"backfill_budget": None}, {"max_concurrent": 1}):
        built, mip = _whole_secondments(_changed(problem_, **change))
        assert AgencyPatterns.of(mip, _cover(built)) is None, change


def test_a_goal_the_patterns_settle_sends_the_balance_to_highs_first(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The generated tight problem, seed 44: the patterns settle its cover and pledges. Its
    # balance is then asked of HiGHS whole, once, as after a goal HiGHS settles: no narrowed
    # search first (whose columns hold no plan here), and no CP-SAT search (1.8 s instead of
    # 4.2 on the benchmark machine, when CP-SAT's guided start and first look came first).
    asked: list[bool] = []
    real = SecondmentMip.optimum

    def noting(self: SecondmentMip, tier: Any, seconds: float, **kwargs: Any) -> Any:
        if tier.goal == "balance":
            asked.append(kwargs.get("narrowed_only", False))
        return real(self, tier, seconds, **kwargs)

    monkeypatch.setattr(SecondmentMip, "optimum", noting)
    problem_ = generate_problem(posts=5, candidates=20, months=36, seed=44, tight=True)
    result, goals = searched_goals(monkeypatch, problem_, second_opinion=True, time_limit=60)
    assert result.status == "OPTIMAL"
    assert {"cover", "pledges", "balance"} <= set(result.proven_goals)
    assert "balance" not in goals and "restricted" not in goals
    assert asked == [False]
    assert check_plan(problem_, result.secondments).ok
