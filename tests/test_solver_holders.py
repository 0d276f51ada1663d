"""The best holders for a plan's secondments (``holders.best_holders``): who holds each post's
months is chosen afresh, the months kept, every rule and the first two goals held."""

from __future__ import annotations

import importlib
from itertools import islice
from typing import Any

import pytest

from rotation.checker import check_plan
from rotation.domain import Problem, Secondment
from rotation.generate import generate_problem
from rotation.solver import SolveOptions
from rotation.solver.goals import balance_value, goal_terms
from rotation.solver.greedy import polish_plan, starting_plans
from rotation.solver.holders import best_holders
from tests.factory import agency, candidate, grade, m, post, problem, secondment, travel
from tests.searches import solve_stopping_at_hand_plan

solve_module = importlib.import_module("rotation.solver.solve")


def _crossed(**overrides: Any) -> Problem:
    """A lives ten minutes from Area P2 and ninety from P1, B the other way round."""
    people = [candidate("A", home_area="West"),
              candidate("B", home_area="East", agency="NHS", grade="Band 6")]
    times = [travel("West", "Area P1", 90), travel("West", "Area P2", 10),
             travel("East", "Area P1", 10), travel("East", "Area P2", 90)]
    return problem(posts=[post("P1"), post("P2")], candidates=people, travel_times=times,
                   **overrides)


def _holders(plan: tuple[Secondment, ...] | None) -> dict[str, str]:
    assert plan is not None
    return {s.post: s.person for s in plan}


def test_two_holders_change_places_where_neither_could_move_alone() -> None:
    # Each is the other's better match, but each is already seconded (one secondment a
    # person): moving one at a time (polish_plan) cannot do it, choosing both at once can.
    given = _crossed()
    plan = (secondment("A", "P1", "2027-04", "2027-09"),
            secondment("B", "P2", "2027-06", "2027-11"))
    assert polish_plan(given, plan) == plan
    better = best_holders(given, plan, seconds=10).plan
    assert _holders(better) == {"P1": "B", "P2": "A"}
    assert better is not None
    assert {(s.post, s.start, s.end) for s in better} == {(s.post, s.start, s.end) for s in plan}
    before, after = goal_terms(given, plan), goal_terms(given, better)
    assert after.travel_minutes < before.travel_minutes
    assert (after.vacant_post_months, after.handovers) == (before.vacant_post_months,
                                                           before.handovers)
    assert check_plan(given, better).ok


@pytest.mark.parametrize("rule", ["R2 grade", "R5 own limit", "R8 agency full",
                                  "R10 budget"])
def test_holders_stay_where_a_rule_forbids_the_exchange(rule: str) -> None:
    # The same exchange, with one rule in the way (A's secondment is 3 months, B's 6):
    # nothing better is found. Without the rule the exchange is made (the last lines).
    short, long = ("2027-04", "2027-06"), ("2027-07", "2027-12")
    plan = (secondment("A", "P1", *short), secondment("B", "P2", *long))
    extra: dict[str, Any] = {}
    if rule == "R2 grade":  # P2 is for level 6, which B is and A is not
        extra = {"posts": [post("P1", max_level=6), post("P2", min_level=6, max_level=6)],
                 "grades": [grade("HC", "HC8"), grade("NHS", "Band 6", level=6)]}
    elif rule == "R5 own limit":  # A may be seconded for four months at most
        people = [candidate("A", home_area="West", max_months=4),
                  candidate("B", home_area="East", agency="NHS", grade="Band 6")]
        extra = {"candidates": people}
    elif rule == "R8 agency full":  # the council may have one out, and E is from July
        extra = {"agencies": [agency("HC", max_concurrent=1), agency("NHS")],
                 "existing": [secondment("E", "P3", "2027-07", "2027-12")]}
    elif rule == "R10 budget":  # the council pays for five months a year: A's six would not do
        extra = {"agencies": [agency("HC", backfill_budget=19_000.0), agency("NHS")]}
    given = _crossed()
    given = given.model_copy(update=_parts(given, extra))
    plan = (*given.existing, *plan)
    assert check_plan(given, plan).ok
    assert best_holders(given, plan, seconds=10).plan is None
    assert _holders(best_holders(_crossed(), tuple(s for s in plan if not s.existing),
                                 seconds=10).plan) == {"P1": "B", "P2": "A"}


def _parts(given: Problem, extra: dict[str, Any]) -> dict[str, Any]:
    """``extra``'s parts as a model update of ``given`` (an Existing secondment's post and
    holder added to the problem)."""
    update: dict[str, Any] = {key: tuple(value) for key, value in extra.items()
                              if key != "existing"}
    if "existing" in extra:
        update["existing"] = tuple(s.model_copy(update={"existing": True})
                                   for s in extra["existing"])
        update["posts"] = (*given.posts, post("P3"))
        update["candidates"] = (*given.candidates, candidate("E"))
    return update


def test_no_more_pledged_months_short_than_the_plan() -> None:
    # The council is owed six months and has them through A's six in P2: giving A the
    # three months in P1 would leave it three short, so the holders stay; with no pledge,
    # they change places.
    plan = (secondment("B", "P1", "2027-04", "2027-06"),
            secondment("A", "P2", "2027-07", "2027-12"))
    times = [travel("West", "Area P1", 10), travel("West", "Area P2", 90),
             travel("East", "Area P1", 90), travel("East", "Area P2", 10)]
    for pledge, moved in ((6, False), (None, True)):
        given = _crossed(agencies=[agency("HC", pledged_months=pledge), agency("NHS")])
        given = given.model_copy(update={"travel": tuple(times)})
        assert check_plan(given, plan).ok
        better = best_holders(given, plan, seconds=10).plan
        assert (better is not None) == moved
        if better is not None:
            assert (goal_terms(given, better).pledge_shortfall_months
                    <= goal_terms(given, plan).pledge_shortfall_months)


@pytest.mark.parametrize(("second_start", "secondments_of_n"), [("2027-07", 1),
                                                                ("2027-10", 2)])
def test_one_person_takes_two_secondments_only_with_the_cooling_off_between(
        second_start: str, secondments_of_n: int) -> None:
    # N lives next to both posts and may have two secondments three months apart: both
    # when the second starts three months after the first ends, one when it follows at once.
    people = [candidate("X", home_area="Far"), candidate("Y", home_area="Far"),
              candidate("N", home_area="Near")]
    times = [travel("Far", "Area P1", 90), travel("Far", "Area P2", 90),
             travel("Near", "Area P1", 10), travel("Near", "Area P2", 10)]
    given = problem(posts=[post("P1"), post("P2")], candidates=people, travel_times=times,
                    max_secondments_per_person=2, cooling_off_months=3)
    end = m(second_start) + 2
    plan = (secondment("X", "P1", "2027-04", "2027-06"),
            Secondment(person="Y", post="P2", start=m(second_start), end=end))
    better = best_holders(given, plan, seconds=10).plan
    assert better is not None
    assert sum(s.person == "N" for s in better) == secondments_of_n
    assert check_plan(given, better).ok


def test_agreed_secondments_stay_as_they_are() -> None:
    given = _crossed(existing=[secondment("A", "P1", "2027-04", "2027-09"),
                               secondment("B", "P2", "2027-04", "2027-09")])
    assert best_holders(given, given.existing, seconds=10).plan is None


@pytest.mark.parametrize("seed", range(4))
def test_best_holders_keep_every_rule_and_do_at_least_as_well_as_the_polish(seed: int) -> None:
    given = generate_problem(posts=6, candidates=24, months=30, seed=seed, tight=seed % 2 == 1)
    settings = given.settings
    for plan in islice(starting_plans(given, seed), 3):
        polished = polish_plan(given, plan)
        chosen = best_holders(given, polished, seconds=10).plan or polished
        before, after = goal_terms(given, plan), goal_terms(given, chosen)
        assert check_plan(given, chosen).ok
        assert {(s.post, s.start, s.end) for s in chosen} == {(s.post, s.start, s.end)
                                                             for s in plan}
        assert (after.vacant_post_months, after.handovers) == (before.vacant_post_months,
                                                               before.handovers)
        assert after.pledge_shortfall_months <= before.pledge_shortfall_months
        assert (balance_value(settings, after)
                <= balance_value(settings, goal_terms(given, polished)) + 1e-6)


def test_a_solve_s_unproven_plan_gets_its_best_holders(monkeypatch: pytest.MonkeyPatch) -> None:
    # The search stops at once with the hand plan, both holders in the far post: the answer
    # has them changed over.
    given = _crossed()
    crossed = (secondment("A", "P1", "2027-04", "2027-09"),
               secondment("B", "P2", "2027-06", "2027-11"))
    result = solve_stopping_at_hand_plan(monkeypatch, given, crossed)
    assert result.status == "FEASIBLE"
    assert {(s.post, s.person) for s in result.secondments
            if (s.post, s.start) in {("P1", m("2027-04")), ("P2", m("2027-06"))}} == {
        ("P1", "B"), ("P2", "A")}
    assert check_plan(given, result.secondments).ok


def test_only_the_allowed_holders_are_chosen() -> None:
    # The exchange needs A in P2: a model without that pair (a shortlist, say) cannot have it.
    given = _crossed()
    plan = (secondment("A", "P1", "2027-04", "2027-09"),
            secondment("B", "P2", "2027-06", "2027-11"))
    assert best_holders(given, plan, seconds=10,
                        allowed=lambda p, q, start, end: (p, q) != (0, 1)).plan is None


class _Searched(Exception):
    """Raised where the balance stage's search would start, to end the test's solve there."""


@pytest.mark.parametrize("large", [True, False])
def test_a_large_problem_s_balance_stage_starts_from_the_best_holders(
        monkeypatch: pytest.MonkeyPatch, large: bool) -> None:
    # The earlier stages left both holders in the far post, and C, free, lives five minutes
    # from P1: a large problem's balance stage searches from C in P1 and A in P2 (a plan
    # its own model holds, the months the same); a smaller one's, whose searches have time
    # to find good holders themselves, from the plan as it was.
    monkeypatch.setattr(solve_module, "LARGE_MODEL", 0)
    monkeypatch.setattr(solve_module, "HOLDERS_FIRST_SIZE", 0 if large else 10**9)
    given = _crossed()
    given = given.model_copy(update={
        "candidates": (*given.candidates, candidate("C", home_area="Middle")),
        "travel": (*given.travel, travel("Middle", "Area P1", 5),
                   travel("Middle", "Area P2", 90))})
    crossed = (secondment("A", "P1", "2027-04", "2027-09"),
               secondment("B", "P2", "2027-06", "2027-11"))
    starts: list[set[tuple[str, str]]] = []

    def search(self: Any, *args: Any) -> Any:
        plan = solve_module.plan_from_solution(given, self.built.model.variables, self.hint)
        starts.append({(s.post, s.person) for s in plan if s.start in (m("2027-04"),
                                                                     m("2027-06"))})
        raise _Searched

    def run(self: Any) -> Any:
        balance = self.built.tiers[-1]
        assert balance.goal == "balance"
        with pytest.raises(_Searched):
            self._run_stage(balance, 0, 1)
        return solve_module._Outcome(solution=self.hint)

    monkeypatch.setattr(solve_module, "_hand_plan",
                        lambda problem_, options: solve_module.HandPlan.of(problem_, crossed))
    monkeypatch.setattr(solve_module._Stages, "run", run)
    monkeypatch.setattr(solve_module._Stages, "_search", search)
    # Straight to the search: no pricing, no second opinion, no relaxation to guide it.
    for shortcut, answer in (("_priced_plan", None), ("_asked", None),
                             ("_guided_start", (None, None)), ("_near_floor", False)):
        monkeypatch.setattr(solve_module._Stages, shortcut,
                            lambda self, *args, answer=answer, **kwargs: answer)
    solve_module.solve(given, SolveOptions(time_limit=5, workers=1))
    assert starts == [{("P1", "C"), ("P2", "A")} if large else {("P1", "A"), ("P2", "B")}]


@pytest.mark.parametrize("only_after_moves", [False, True])
def test_a_large_model_s_plan_is_looked_at_afresh_only_if_someone_could_move(
        only_after_moves: bool) -> None:
    # No one can move alone in the crossed plan (each better match is seconded already):
    # the exchange is made unless, as for a large model, a move must show the way first.
    given = _crossed()
    plan = (secondment("A", "P1", "2027-04", "2027-09"),
            secondment("B", "P2", "2027-06", "2027-11"))
    polished = solve_module._polished(given, plan, (), goal_terms(given, plan), 10.0,
                                      only_after_moves=only_after_moves)
    if only_after_moves:
        assert polished is None
    else:
        assert polished is not None
        assert {(s.post, s.person) for s in polished[0]} == {("P1", "B"), ("P2", "A")}


def test_ctrl_c_while_the_holders_are_chosen_keeps_the_polished_plan(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The planner presses Ctrl-C as HiGHS chooses: the plan as moved one person at a time is
    # the answer, no traceback, and a rerun may differ (the clock, not the rules, decided).
    given = _crossed()
    given = given.model_copy(update={
        "candidates": (*given.candidates, candidate("C", home_area="Middle")),
        "travel": (*given.travel, travel("Middle", "Area P1", 5))})
    plan = (secondment("A", "P1", "2027-04", "2027-09"),
            secondment("B", "P2", "2027-06", "2027-11"))

    def pressed(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(solve_module, "best_holders", pressed)
    polished = solve_module._polished(given, plan, (), goal_terms(given, plan), 10.0)
    assert polished is not None
    moved, goals, clock_stopped = polished
    assert moved == polish_plan(given, plan) and clock_stopped
    assert goals.travel_minutes < goal_terms(given, plan).travel_minutes
    assert check_plan(given, moved).ok
