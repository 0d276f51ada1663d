"""The solver's goals (SPEC.md section 4): each tier on its own, and their strict priority.

Tiny instances on the factory defaults (tests/factory.py), here over a 6-month horizon from
2027-04 so that one person (at most 6 months) can fill a post alone. Optima by hand in the
comments; every plan also passes the independent checker (``plan_for``).
"""

from __future__ import annotations

import pytest

from rotation.plan import GoalTerms
from rotation.solver import Progress, SolveOptions, solve
from tests.factory import agency, candidate, grade, post, problem, secondment, travel
from tests.test_solver_rules import plan_for


def goals_of(**parts: object) -> GoalTerms:
    """The goal terms of the optimal plan of a 6-month problem."""
    result = plan_for(problem(horizon_months=6, **parts))  # type: ignore[arg-type]
    assert result.status == "OPTIMAL"
    assert result.goals is not None
    return result.goals


def test_cover_fills_every_post_month_it_can() -> None:
    # Two posts, two people: each fills one post for all 6 months.
    goals = goals_of(posts=[post("P1"), post("P2")], candidates=[candidate("A"), candidate("B")])
    assert goals.vacant_post_months == 0


def test_pledges_use_the_pledging_agency() -> None:
    # NHS pledges 6 months: its candidate B fills the post rather than A (otherwise equal).
    goals = goals_of(candidates=[candidate("A"), candidate("B", agency="NHS", grade="Band 6")],
                     agencies=[agency("HC"), agency("NHS", pledged_months=6)])
    assert goals.pledge_shortfall_months == 0


def test_preferences_place_people_in_their_chosen_areas() -> None:
    # A prefers P2's area, B prefers P1's: swapping them costs nothing else. Penalty 0.
    result = plan_for(problem(
        horizon_months=6, posts=[post("P1"), post("P2")],
        candidates=[candidate("A", preferred_areas=("Area P2",)),
                    candidate("B", preferred_areas=("Area P1",))]))
    assert result.goals is not None and result.goals.preference_penalty == 0
    assert {(s.person, s.post) for s in result.secondments} == {("A", "P2"), ("B", "P1")}


def test_travel_places_people_near_home() -> None:
    # A lives in P1's area, B in P2's; the areas are 60 minutes apart. Travel 0.
    goals = goals_of(posts=[post("P1"), post("P2")],
                     candidates=[candidate("A", home_area="Area P2"),
                                 candidate("B", home_area="Area P1")],
                     travel_times=[travel("Area P1", "Area P2", 60),
                                   travel("Area P2", "Area P1", 60)])
    assert goals.travel_minutes == 0


def test_cost_prefers_the_cheaper_grade() -> None:
    # B's grade costs £3,000 a month against A's £3,800: B for 6 months, £18,000.
    goals = goals_of(candidates=[candidate("A"), candidate("B", agency="NHS", grade="Band 5")],
                     grades=[grade("HC", "HC8"), grade("NHS", "Band 5", monthly_cost=3000.0)])
    assert goals.backfill_cost == 18000.0


def test_the_objective_is_the_weighted_third_tier() -> None:
    # One person, first choice elsewhere (penalty 1), 30 minutes from home, £3,800 a month,
    # for 6 months: 60 * 6 + 1 * 180 + 0.01 * 22,800 = 768.
    result = plan_for(problem(
        horizon_months=6, candidates=[candidate("A", home_area="Home",
                                                preferred_areas=("Elsewhere",))],
        travel_times=[travel("Home", "Area P1", 30)]))
    assert result.status == "OPTIMAL"
    assert result.objective == pytest.approx(768.0)
    assert result.best_bound == pytest.approx(768.0)


def test_cover_outranks_cost() -> None:
    # The only candidate costs £50,000 a month: still placed, nothing vacant.
    goals = goals_of(grades=[grade("HC", "HC8", monthly_cost=50000.0), grade("NHS", "Band 6")])
    assert goals.vacant_post_months == 0


def test_cover_outranks_pledges() -> None:
    # No handovers allowed. NHS pledges 6 months but its B may serve 3 at most. B for 3 months
    # then A after a vacant month would cut the shortfall to 3 at the price of 1 vacancy:
    # cover wins, A fills all 6 months, the shortfall stays 6.
    goals = goals_of(candidates=[candidate("A"),
                                 candidate("B", agency="NHS", grade="Band 6", max_months=3)],
                     agencies=[agency("HC"), agency("NHS", pledged_months=6)],
                     max_handovers_per_month=0)
    assert (goals.vacant_post_months, goals.pledge_shortfall_months) == (0, 6)


def test_pledges_outrank_preferences() -> None:
    # A loves the post's area, B (NHS, which pledged 6 months) ranks it below their choice.
    # The pledge wins: B for 6 months, penalty 6 (rank 1 for 6 months).
    goals = goals_of(candidates=[candidate("A", preferred_areas=("Area P1",)),
                                 candidate("B", agency="NHS", grade="Band 6",
                                           preferred_areas=("Elsewhere",))],
                     agencies=[agency("HC"), agency("NHS", pledged_months=6)])
    assert (goals.pledge_shortfall_months, goals.preference_penalty) == (0, 6)


def test_goals_count_existing_secondments_inside_the_horizon_only() -> None:
    # A's agreed secondment runs 2027-01..2027-06: 3 of its months are in the horizon. B takes
    # over in 2027-06 and stays to the end (4 months): 7 secondee-months, £26,600.
    result = plan_for(problem(horizon_months=6, candidates=[candidate("A"), candidate("B")],
                              existing=[secondment("A", "P1", "2027-01", "2027-06")]))
    assert result.goals is not None
    assert result.goals.vacant_post_months == 0
    assert result.goals.backfill_cost == 7 * 3800.0
    assert result.goals.handovers == 1


def test_progress_reports_each_stage_in_order() -> None:
    seen: list[Progress] = []
    result = solve(problem(candidates=[candidate("A"), candidate("B"), candidate("C")],
                           agencies=[agency("HC", pledged_months=30), agency("NHS")]),
                   SolveOptions(time_limit=10, workers=2), on_progress=seen.append)
    assert result.status == "OPTIMAL"
    assert seen, "no progress reported"
    assert [p.stage for p in seen] == sorted(p.stage for p in seen)
    assert {p.goal for p in seen} <= {"cover", "pledges", "balance"}
    assert seen[-1].goal == "balance" and seen[-1].stage == seen[-1].stages == 3
    assert all(p.time_left <= 10 and p.elapsed >= 0 for p in seen)


def test_result_reports_the_search_settings_and_sorts_the_plan() -> None:
    result = solve(problem(posts=[post("P2"), post("P1")],
                           candidates=[candidate("A"), candidate("B"), candidate("C")]),
                   SolveOptions(time_limit=7, workers=1, seed=3))
    assert (result.time_limit, result.workers, result.seed) == (7, 1, 3)
    assert result.build_seconds > 0 and result.solve_seconds > 0
    keys = [(s.post, s.start) for s in result.secondments]
    assert keys == sorted(keys)
    assert keys[0][0] == "P1"  # by post id, not by the order of the Posts sheet
