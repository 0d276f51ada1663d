"""The checker's goal terms and handovers, worked out by hand on small plans.

Factory defaults: horizon 2027-04..2028-03, overlap 1, posts at level 5, grades HC8 and
Band 6 at £3,800 a month.
"""

from __future__ import annotations

from rotation.checker import goal_terms, handovers
from rotation.months import format_month
from tests.factory import agency, candidate, grade, m, post, problem, secondment, travel


def test_an_empty_plan_leaves_every_open_post_vacant_but_not_a_funded_one() -> None:
    # P1 exists all 12 months, P2 from 2027-10 (6 months), P3 is funded: 18 vacant months.
    prob = problem(posts=[post("P1"), post("P2", start="2027-10", funding="either"),
                          post("P3", funding="funded")])
    goals = goal_terms(prob, [])
    assert goals.vacant_post_months == 18
    assert (goals.pledge_shortfall_months, goals.preference_penalty, goals.travel_minutes,
            goals.backfill_cost, goals.handovers) == (0, 0, 0, 0.0, 0)


def test_vacant_months_are_those_no_secondment_of_the_post_covers() -> None:
    # P1: A 2027-04..2027-09 leaves 2027-10..2028-03 (6). P2 (exists to 2027-12): B
    # 2027-06..2027-11 leaves 2027-04, 2027-05 and 2027-12 (3). 9 in all.
    prob = problem(posts=[post("P1"), post("P2", end="2027-12")],
                   candidates=[candidate("A"), candidate("B", agency="NHS", grade="Band 6")])
    plan = [secondment("A", "P1", "2027-04", "2027-09"),
            secondment("B", "P2", "2027-06", "2027-11")]
    assert goal_terms(prob, plan).vacant_post_months == 9


def test_pledge_shortfall_counts_months_inside_the_horizon_only() -> None:
    # HC pledged 10: A's Existing secondment 2026-10..2027-06 gives 3 months in the horizon,
    # C gives 4: short by 3. NHS pledged 5 and B gives 6: short by 0. POL has no pledge.
    prob = problem(
        posts=[post("P1"), post("P2"), post("P3")],
        candidates=[candidate("A"), candidate("B", agency="NHS", grade="Band 6"),
                    candidate("C")],
        agencies=[agency("HC", pledged_months=10), agency("NHS", pledged_months=5),
                  agency("POL")],
        existing=[secondment("A", "P1", "2026-10", "2027-06")],
        max_secondment_months=23)
    plan = [*prob.existing, secondment("B", "P2", "2027-04", "2027-09"),
            secondment("C", "P3", "2027-04", "2027-07")]
    assert goal_terms(prob, plan).pledge_shortfall_months == 3


def test_preference_penalty_is_rank_months() -> None:
    # A ranks P1's area second (rank 1) for 6 months: 6. B listed nothing: 0. C listed only
    # another area, so P3's area counts one below it (rank 1) for 4 months: 4. Total 10.
    prob = problem(
        posts=[post("P1"), post("P2"), post("P3")],
        candidates=[candidate("A", preferred_areas=("Area P2", "Area P1")), candidate("B"),
                    candidate("C", agency="NHS", grade="Band 6", preferred_areas=("Area P9",))])
    plan = [secondment("A", "P1", "2027-04", "2027-09"),
            secondment("B", "P2", "2027-04", "2027-09"),
            secondment("C", "P3", "2027-04", "2027-07")]
    assert goal_terms(prob, plan).preference_penalty == 10


def test_travel_minutes_count_unknown_pairs_and_blank_homes_as_zero() -> None:
    # A: Home -> Area P1 is 30 minutes for 6 months = 180. B lives in Area P2 (same area, 0).
    # C's pair is unknown (0); D has no home area (0). Total 180.
    prob = problem(
        posts=[post("P1"), post("P2"), post("P3"), post("P4")],
        candidates=[candidate("A", home_area="Home"), candidate("B", home_area="Area P2"),
                    candidate("C", agency="NHS", grade="Band 6", home_area="Faraway"),
                    candidate("D", agency="NHS", grade="Band 6")],
        agencies=[agency("HC"), agency("NHS")],
        travel_times=[travel("Home", "Area P1", 30), travel("Faraway", "Area P1", 99)])
    plan = [secondment("A", "P1", "2027-04", "2027-09"),
            secondment("B", "P2", "2027-04", "2027-09"),
            secondment("C", "P3", "2027-04", "2027-09"),
            secondment("D", "P4", "2027-04", "2027-09")]
    assert goal_terms(prob, plan).travel_minutes == 180


def test_backfill_cost_across_a_financial_year_boundary_and_outside_the_horizon() -> None:
    # Horizon 2027-10..2028-09. A (HC8 £3,800.00): 2028-01..2028-06 is 6 months = £22,800.00
    # across 2027/28 and 2028/29. B (Band 6 £4,100.50): Existing 2027-07..2027-12 has 3
    # months in the horizon = £12,301.50. Total £35,101.50.
    prob = problem(
        horizon_start=m("2027-10"),
        posts=[post("P1"), post("P2")],
        candidates=[candidate("A"), candidate("B", agency="NHS", grade="Band 6")],
        grades=[grade("HC", "HC8"), grade("NHS", "Band 6", monthly_cost=4100.50)],
        existing=[secondment("B", "P2", "2027-07", "2027-12")])
    plan = [secondment("A", "P1", "2028-01", "2028-06"), *prob.existing]
    assert goal_terms(prob, plan).backfill_cost == 35101.50


def test_handovers_pair_each_follower_with_the_secondment_it_takes_over_from() -> None:
    # P1: A hands over to B in 2027-09 (overlap 1). P2: C then, after a vacant 2027-08, D:
    # a fill after a vacancy is not a handover.
    prob = problem(posts=[post("P1"), post("P2")],
                   candidates=[candidate("A"), candidate("B"), candidate("C"), candidate("D")])
    plan = [secondment("D", "P2", "2027-09", "2028-02"),
            secondment("B", "P1", "2027-09", "2028-02"),
            secondment("A", "P1", "2027-04", "2027-09"),
            secondment("C", "P2", "2027-04", "2027-07")]
    pairs = handovers(prob, plan)
    assert [(a.person, b.person) for a, b in pairs] == [("A", "B")]
    assert goal_terms(prob, plan).handovers == 1


def test_back_to_back_is_a_handover_when_the_overlap_is_zero() -> None:
    prob = problem(handover_overlap_months=0, candidates=[candidate("A"), candidate("B")])
    plan = [secondment("A", "P1", "2027-04", "2027-09"),
            secondment("B", "P1", "2027-10", "2028-03")]
    assert [(a.person, b.person) for a, b in handovers(prob, plan)] == [("A", "B")]


def test_a_handover_starting_before_the_horizon_is_not_counted() -> None:
    # Existing A hands over to Existing B in 2027-02, before the horizon; B hands over to C
    # in 2027-08 (B ends 2027-08): one handover counted, two pairs listed.
    prob = problem(candidates=[candidate("A"), candidate("B"), candidate("C", agency="NHS",
                                                                         grade="Band 6")],
                   existing=[secondment("A", "P1", "2026-09", "2027-02"),
                             secondment("B", "P1", "2027-02", "2027-08")],
                   max_secondment_months=23)
    plan = [*prob.existing, secondment("C", "P1", "2027-08", "2028-01")]
    pairs = handovers(prob, plan)
    assert [(a.person, b.person, format_month(b.start)) for a, b in pairs] == [
        ("A", "B", "2027-02"), ("B", "C", "2027-08")]
    assert goal_terms(prob, plan).handovers == 1


def test_goals_of_a_whole_small_plan() -> None:
    # Two posts, horizon 12 months. P1: A 2027-04..2027-09, B 2027-09..2028-02 (handover),
    # 2028-03 vacant. P2: nobody for 12 months. Vacant 13. HC pledged 20: A 6 + B 6 = 12,
    # short by 8. Cost 12 months x £3,800 = £45,600. No preferences or travel.
    prob = problem(posts=[post("P1"), post("P2")],
                   candidates=[candidate("A"), candidate("B")],
                   agencies=[agency("HC", pledged_months=20)])
    plan = [secondment("A", "P1", "2027-04", "2027-09"),
            secondment("B", "P1", "2027-09", "2028-02")]
    goals = goal_terms(prob, plan)
    assert goals.model_dump() == {
        "vacant_post_months": 13, "pledge_shortfall_months": 8, "preference_penalty": 0,
        "travel_minutes": 0, "backfill_cost": 45600.0, "handovers": 1, "changed_months": 0,
        "funded_months": 0, "direct_cost": 0.0}
