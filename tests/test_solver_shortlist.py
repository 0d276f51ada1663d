"""Large problems are planned on a shortlist of each candidate's best-matched posts."""

from __future__ import annotations

import pytest

from rotation.checker import check_plan
from rotation.domain import Problem
from rotation.generate import generate_problem
from rotation.solver import SolveOptions, solve
from rotation.solver import model as model_module
from rotation.solver.domains import restrict_domains
from rotation.solver.shortlist import shortlist_domains


def rate(problem: Problem, pair: tuple[int, int]) -> float:
    candidate = problem.candidates[pair[0]]
    area = problem.posts[pair[1]].area
    minutes = problem.travel_minutes(candidate.home_area, area) or 0
    return 60 * problem.preference_penalty(candidate, area) + minutes


@pytest.fixture(scope="module")
def wide() -> Problem:
    # 12 posts, 40 candidates: about 400 pairs and 18,000 pair-months allowed.
    return generate_problem(posts=12, candidates=40, months=48, seed=3)


def test_a_problem_within_the_budget_is_modelled_whole(wide: Problem) -> None:
    domains = restrict_domains(wide, frozenset(), [])
    kept, shortlist = shortlist_domains(wide, domains)
    assert shortlist is None and kept == domains


def test_each_candidate_keeps_their_best_matched_posts(wide: Problem) -> None:
    domains = restrict_domains(wide, frozenset(), [])
    kept, shortlist = shortlist_domains(wide, domains, budget=6_000)
    assert shortlist is not None
    assert sum(len(months) for months in kept.values()) <= 6_000
    assert set(kept) < set(domains)
    assert all(kept[pair] == domains[pair] for pair in kept)  # months are never cut
    assert shortlist.pairs_kept == len(kept) and shortlist.pairs_allowed == len(domains)
    per_post = {q for _, q in domains}
    for q in per_post:  # every post keeps its best-matched candidates
        field = sorted((pair for pair in domains if pair[1] == q),
                       key=lambda pair: (rate(wide, pair), pair))
        assert set(field[:shortlist.candidates_per_post]) <= set(kept)
    for p in {p for p, _ in domains}:  # a candidate's top posts are kept, in rate order
        ranked = sorted((pair for pair in domains if pair[0] == p),
                        key=lambda pair: (rate(wide, pair), pair))
        assert set(ranked[:shortlist.posts_per_candidate]) <= set(kept)


def test_pairs_to_keep_survive_the_shortlist(wide: Problem) -> None:
    domains = restrict_domains(wide, frozenset(), [])
    worst = max(domains, key=lambda pair: (rate(wide, pair), pair))
    kept, _ = shortlist_domains(wide, domains, keep={worst}, budget=6_000)
    assert worst in kept
    without, _ = shortlist_domains(wide, domains, budget=6_000)
    assert worst not in without


def test_a_shortlisted_plan_keeps_every_rule_but_is_not_claimed_optimal(
        wide: Problem, monkeypatch: pytest.MonkeyPatch) -> None:
    small = generate_problem(posts=5, candidates=20, months=36, seed=1)
    original = model_module.shortlist_domains
    monkeypatch.setattr(model_module, "shortlist_domains",
                        lambda problem, domains, keep=(): original(problem, domains, keep,
                                                                   budget=1_200))
    result = solve(small, SolveOptions(time_limit=5, workers=2, reproducible=False))
    assert result.status == "FEASIBLE"
    assert result.shortlist is not None and "best-matched posts" in result.shortlist
    assert result.best_bound is None
    assert check_plan(small, result.secondments).ok
    assert "balance" not in result.proven_goals


def test_a_tight_budget_cuts_candidates_per_post_once_posts_per_candidate_is_one(
        wide: Problem) -> None:
    domains = restrict_domains(wide, frozenset(), [])
    kept, shortlist = shortlist_domains(wide, domains, budget=2_500)
    assert shortlist is not None
    assert shortlist.posts_per_candidate == 1 and shortlist.candidates_per_post < 8
    assert sum(len(months) for months in kept.values()) <= 2_500
