"""The search on realistic sizes: the Highland sample is proven optimal on 2 workers, and a time
limit too short to finish still gives a checked plan (at worst the greedy hand plan)."""

from __future__ import annotations

import importlib
import subprocess
import sys
import time
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
from ortools.sat.python import cp_model

from rotation.checker import check_plan
from rotation.generate import generate_problem
from rotation.samples import highland_problem
from rotation.solver import SolveOptions, solve
from rotation.solver.goals import goal_terms
from rotation.solver.greedy import starting_plans
from rotation.solver.interrupt import POLL_SECONDS, LateStop, SearchEnd, new_solver
from rotation.solver.options import Progress
from rotation.solver.relaxation import Relaxation
from tests.searches import searched_goals, searches

solve_module = importlib.import_module("rotation.solver.solve")


@pytest.mark.slow
def test_highland_sample_is_solved_to_optimality_on_two_workers() -> None:
    # 5 posts, 20 candidates, 36 months, two agreed secondments: typically 5-8 s.
    problem = highland_problem()
    result = solve(problem, SolveOptions(time_limit=60, workers=2))
    assert result.status == "OPTIMAL"
    assert result.goals is not None and result.goals.vacant_post_months == 0
    report = check_plan(problem, result.secondments)
    assert report.ok, [str(b) for b in report.breaches]
    assert report.goals == result.goals
    assert result.best_bound == pytest.approx(result.objective)


def test_a_short_time_limit_still_gives_a_checked_plan() -> None:
    # A generated 5-post, 20-candidate, 36-month problem whose balance tier takes minutes to
    # prove: in 6 seconds the plan is feasible and checked, and a bound, where the search got
    # far enough to have one (it may not on a busy machine), is below its objective.
    problem = generate_problem(posts=5, candidates=20, months=36, seed=0)
    result = solve(problem, SolveOptions(time_limit=6, workers=2))
    assert result.status in ("FEASIBLE", "OPTIMAL")
    assert check_plan(problem, result.secondments).ok
    assert result.objective is not None
    if result.best_bound is not None:
        assert result.best_bound <= result.objective + 1e-6


def test_no_search_plan_in_time_gives_the_hand_planners_plan() -> None:
    # Too short for CP-SAT to find anything: the best of the hand plans (its warm start) is
    # the answer, its holders chosen afresh for the same posts' months at the end (see
    # ``_polished``), feasible, checked and not claimed optimal.
    problem = highland_problem()
    result = solve(problem, SolveOptions(time_limit=0.02, workers=1))
    assert result.status == "FEASIBLE"
    hand_plans = list(islice(starting_plans(problem, seed=0), solve_module.MIN_HAND_PLANS))
    months = {(s.post, s.start, s.end) for s in result.secondments}
    assert months in [{(s.post, s.start, s.end) for s in plan} for plan in hand_plans]
    assert check_plan(problem, result.secondments).ok
    assert result.goals is not None and result.best_bound is None


def test_a_search_that_finds_nothing_keeps_the_plan_so_far(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # CP-SAT's pledge search ends with no plan of its own (as a large model's may in a short
    # stage): the stage keeps the plan it started from, and the balance is still searched.
    monkeypatch.setattr(solve_module, "MIP_GOALS", ())
    real = solve_module.solve_interruptibly
    goals: list[str] = []

    def nothing_for_pledges(solver: Any, cp: Any, reporter: Any = None) -> Any:
        goal = reporter.tier.goal if reporter else "restricted"
        goals.append(goal)
        if goal == "pledges":  # a search stopped before it found anything
            solver.parameters.max_time_in_seconds = 0.0
            real(solver, cp, reporter)
            return SearchEnd(cp_model.UNKNOWN, interrupted=False)
        return real(solver, cp, reporter)

    monkeypatch.setattr(solve_module, "solve_interruptibly", nothing_for_pledges)
    problem = highland_problem()
    result = solve(problem, SolveOptions(time_limit=10, workers=2), lambda progress: None)
    assert "pledges" in goals and goals[-1] == "balance"
    assert result.status == "FEASIBLE" and "pledges" not in result.proven_goals
    assert check_plan(problem, result.secondments).ok


def test_the_hand_plan_is_reported_as_the_first_plan() -> None:
    # The planner sees at once that a plan exists: the search's starting point comes first.
    problem = highland_problem()
    options = SolveOptions(time_limit=2, workers=2, reproducible=False)
    seen: list[Progress] = []
    solve(problem, options, seen.append)
    first = seen[0]
    assert first.goal == "cover" and first.stage == first.stages == 0
    assert first.elapsed == 0.0 and all(later.stage >= 1 for later in seen[1:])
    hand_plan = solve_module._hand_plan(problem, options)
    assert hand_plan is not None
    assert first.value == goal_terms(problem, hand_plan.secondments).vacant_post_months


def test_a_reproducible_search_cut_short_by_the_clock_is_not_called_reproducible(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The deterministic budget is 30 s, but the clock (here made to run out almost at once,
    # as on a machine far slower than the budget assumes) ends every stage first.
    configure = solve_module.configure

    def hurried(solver: Any, *args: Any, **keywords: Any) -> None:
        configure(solver, *args, **keywords)
        solver.parameters.max_time_in_seconds = 0.05

    monkeypatch.setattr(solve_module, "configure", hurried)
    # (without the whole-secondment relaxation, which would prove the goals CP-SAT cannot)
    monkeypatch.setattr(solve_module, "MIP_GOALS", ())
    problem = generate_problem(posts=5, candidates=20, months=36, seed=1)
    result = solve(problem, SolveOptions(time_limit=30, workers=2))
    assert result.has_plan and result.status == "FEASIBLE"
    assert not result.reproducible


def test_a_reproducible_search_that_finishes_is_reproducible() -> None:
    problem = generate_problem(posts=2, candidates=4, months=12, seed=1)
    result = solve(problem, SolveOptions(time_limit=30, workers=2))
    assert result.status == "OPTIMAL" and result.reproducible


def test_ctrl_c_while_the_model_is_built_keeps_the_hand_plan(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The planner has already been told a plan exists; stopping now keeps it, marked.
    def interrupted(*args: Any, **keywords: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(solve_module, "build_model", interrupted)
    problem = highland_problem()
    options = SolveOptions(time_limit=10, workers=2)
    result = solve(problem, options)
    assert result.status == "FEASIBLE" and result.interrupted
    hand_plan = solve_module._hand_plan(problem, options)
    assert hand_plan is not None and result.secondments == hand_plan.secondments
    assert check_plan(problem, result.secondments).ok


def test_a_goal_the_starting_plan_meets_at_its_floor_is_not_searched(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The staggered hand plan fills every month of both posts: no search can better that
    # cover, so the cover stage is settled without one; the later goals are still searched
    # (the balance by CP-SAT itself here, not settled by its relaxation's bound).
    monkeypatch.setattr(solve_module, "GUIDED_GOALS", ())
    from tests.factory import agency, candidate, post
    from tests.factory import problem as small_problem

    people = [candidate(p, agency="HC" if i % 2 else "NHS", grade="HC8" if i % 2 else "Band 6")
              for i, p in enumerate("ABCDEF")]
    given = small_problem(posts=[post("P1"), post("P2")], candidates=people,
                          agencies=[agency("HC", max_concurrent=4),
                                    agency("NHS", max_concurrent=4)],
                          max_secondees_per_agency=4)
    result, searched = searched_goals(monkeypatch, given)
    assert result.status == "OPTIMAL" and result.goals is not None
    assert result.goals.vacant_post_months == 0
    assert "cover" not in searched and "balance" in searched
    assert "cover" in result.proven_goals
    assert check_plan(given, result.secondments).ok


def test_a_goal_the_starting_plan_leaves_above_its_floor_is_searched(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # One person for a 12-month post, at most 6 months each: 6 vacant months that only a
    # search can prove unavoidable (no month lacks an eligible person).
    from tests.factory import candidate, post
    from tests.factory import problem as small_problem

    given = small_problem(posts=[post("P1")], candidates=[candidate("A")])
    result, searched = searched_goals(monkeypatch, given)
    assert result.status == "OPTIMAL" and result.goals is not None
    assert result.goals.vacant_post_months == 6
    assert searched[0] == "cover"


def _unguided(monkeypatch: pytest.MonkeyPatch, problem: Any) -> Any:
    """The same solve with the relaxation switched off."""
    with monkeypatch.context() as patch:
        patch.setattr(solve_module, "GUIDED_GOALS", ())
        plain, searched = searched_goals(patch, problem)
    assert "restricted" not in searched
    assert plain.status == "OPTIMAL"
    return plain


def test_the_balance_stage_searches_the_relaxations_pairs_then_a_narrowed_model(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The restricted search runs just before the balance stage's own search, and that search
    # runs on a copy narrowed by the relaxation's reduced costs: both change how fast the
    # optimum is found and proven, never which value is optimal.
    given = generate_problem(posts=3, candidates=10, months=24, seed=2)
    narrowed: list[Any] = []
    real = Relaxation.tightened

    def noting(self: Relaxation, cp: Any, plan: Any) -> Any:
        narrowed.append(real(self, cp, plan))
        return narrowed[-1]

    monkeypatch.setattr(Relaxation, "tightened", noting)
    result, ran = searches(monkeypatch, given)
    assert [goal for goal, _ in ran][-2:] == ["restricted", "balance"]
    assert narrowed and narrowed[-1] is not None
    assert ran[-1][1] is narrowed[-1]  # the balance search ran on the narrowed copy
    assert result.status == "OPTIMAL"
    assert check_plan(given, result.secondments).ok
    assert result.objective == pytest.approx(_unguided(monkeypatch, given).objective)


def test_a_plan_the_relaxation_proves_optimal_needs_no_balance_search(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Here the restricted search finds a plan whose value the relaxation's bound matches:
    # it is optimal, and the balance stage's own search never runs.
    given = generate_problem(posts=3, candidates=10, months=24, seed=3)
    result, searched = searched_goals(monkeypatch, given)
    assert searched[-1] == "restricted" and "balance" not in searched
    assert result.status == "OPTIMAL" and "balance" in result.proven_goals
    assert result.best_bound == pytest.approx(result.objective)
    assert check_plan(given, result.secondments).ok
    assert result.objective == pytest.approx(_unguided(monkeypatch, given).objective)


def test_a_large_model_skips_the_relaxation(monkeypatch: pytest.MonkeyPatch) -> None:
    # On a large model the relaxation itself would take longer than the search it guides.
    monkeypatch.setattr(solve_module, "LARGE_MODEL", 0)
    given = generate_problem(posts=3, candidates=10, months=24, seed=3)
    result, searched = searched_goals(monkeypatch, given)
    assert "restricted" not in searched and "balance" in searched
    assert check_plan(given, result.secondments).ok


def test_the_bound_shown_for_the_balance_never_goes_down() -> None:
    # The relaxation's bound is shown until CP-SAT's own bound, weaker at first, catches up.
    given = generate_problem(posts=3, candidates=10, months=24, seed=3)
    seen: list[Progress] = []
    solve(given, SolveOptions(time_limit=10, workers=2), seen.append)
    balance = [p for p in seen if p.goal == "balance"]
    assert balance
    bounds = [p.bound for p in balance]
    assert bounds == sorted(bounds)
    assert all(p.bound <= p.value + 1e-9 for p in balance)


def test_ctrl_c_in_the_restricted_search_keeps_its_best_plan(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Ctrl-C while the restricted search runs: its best plan (or the stage's starting plan)
    # is the answer, marked interrupted, and the balance stage's own search never starts.
    searched: list[str] = []
    real = solve_module.solve_interruptibly

    def stopped_in_restricted(solver: Any, cp: Any, reporter: Any = None) -> Any:
        searched.append(reporter.tier.goal if reporter else "restricted")
        end = real(solver, cp, reporter)
        return SearchEnd(end.status, interrupted=reporter is None)

    monkeypatch.setattr(solve_module, "solve_interruptibly", stopped_in_restricted)
    monkeypatch.setattr(solve_module, "MIP_GOALS", ())  # CP-SAT's own stages
    given = generate_problem(posts=3, candidates=10, months=24, seed=3)
    result = solve(given, SolveOptions(time_limit=10, workers=2), lambda _: None)
    assert searched[-1] == "restricted"
    assert result.interrupted and result.status == "FEASIBLE"
    assert check_plan(given, result.secondments).ok


def _staffing_model(floor: float | None, start_value: float | None = None,
                    notify: Any = None) -> tuple[cp_model.CpModel, Any]:
    """At least three of twenty posts filled, as few (weighted) as possible, hinted with every
    post filled (60); its search reporter (``start_value``: the plan so far's; ``notify``:
    the progress handler)."""
    model = cp_model.CpModel()
    filled = [model.new_bool_var(f"filled {i}") for i in range(20)]
    model.add(sum(filled) >= 3)
    model.minimize(sum((i % 5 + 1) * f for i, f in enumerate(filled)))
    for f in filled:
        model.add_hint(f, True)
    tier = type("Tier", (), {"goal": "cover", "scale": 1.0})()
    reporter = solve_module._Reporter(notify, tier, 1, 1, 0.0, 10.0, None, floor, start_value)
    return model, reporter


def test_a_search_stops_at_the_floor_pricing_proved() -> None:
    # The floor proven for a stage (pricing's bound) ends its search at the first plan that
    # reaches it: on a large model CP-SAT took 5-17 s more to prove that plan the best. Here
    # a floor every plan meets: the search ends at its first plan of its own (the hinted
    # plan, 60, comes first, but from CP-SAT's completing the hint: see the next test),
    # unproven.
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.cp_model_presolve = False  # (else presolve alone proves it)
    model, reporter = _staffing_model(floor=100)
    status = solver.solve(model, reporter)
    assert reporter.at_floor and status == cp_model.FEASIBLE
    assert 3 < solver.objective_value < 60
    model, reporter = _staffing_model(floor=None)
    status = solver.solve(model, reporter)
    assert not reporter.at_floor and status == cp_model.OPTIMAL and solver.objective_value == 3


def test_a_hint_completed_at_the_floor_is_stopped_by_the_waiting_thread() -> None:
    # CP-SAT's plan from its hint, completed after presolve, at the floor: the callback leaves
    # the stop to the waiting thread (OR-Tools 9.15 aborts the program when a callback stops
    # the search there, see ``interrupt.LateStop``), and the search still ends at the floor.
    solver = new_solver()
    solver.parameters.num_workers = 1
    solver.parameters.cp_model_presolve = False  # (else presolve alone proves it)
    model, reporter = _staffing_model(floor=100)
    end = solve_module.solve_interruptibly(solver, model, reporter)
    assert reporter.late_stop.asked is not None
    assert reporter.at_floor and end.status in (cp_model.FEASIBLE, cp_model.OPTIMAL)


@pytest.mark.parametrize("start_value", [60, 2])
def test_a_search_notes_when_it_last_beat_the_plan_so_far(start_value: int) -> None:
    # The reporter notes how far into the search (its work) the last plan better than the
    # stage's plan so far came; none when no plan beats it (the optimum is 3).
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.cp_model_presolve = False
    model, reporter = _staffing_model(floor=None, start_value=start_value)
    status = solver.solve(model, reporter)
    assert status == cp_model.OPTIMAL and solver.objective_value == 3
    if start_value == 60:
        assert reporter.last_better is not None
        assert 0 <= reporter.last_better <= solver.deterministic_time
    else:
        assert reporter.last_better is None


@pytest.mark.parametrize("start_value", [None, 10])
def test_progress_never_shows_a_value_worse_than_the_stage_s_plan_so_far(
        start_value: int | None) -> None:
    # The search's first plan is its hint (60): with a plan of 10 already found by the stage,
    # the planner is shown 10 until the search beats it, never 60; with none, 60 first.
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.cp_model_presolve = False
    seen: list[Progress] = []
    model, reporter = _staffing_model(floor=None, start_value=start_value, notify=seen.append)
    assert solver.solve(model, reporter) == cp_model.OPTIMAL
    shown = [progress.value for progress in seen]
    assert shown == sorted(shown, reverse=True) and shown[-1] == 3
    assert shown[0] == (60 if start_value is None else 10)
    assert all(progress.bound <= progress.value for progress in seen)


@pytest.mark.parametrize(("last_better", "work", "expected"), [
    (None, 10.0, False),  # nothing better found
    (2.0, 10.0, False),  # found early, nothing since
    (8.0, 10.0, True),  # still finding late in its run
])
def test_a_search_still_finding_late_in_its_run(last_better: float | None, work: float,
                                                  expected: bool) -> None:
    search = solve_module.StageOutcome(cp_model.FEASIBLE, [], 0.0, 0.0, work=work,
                                       last_better=last_better)
    assert solve_module._still_finding(search) is expected


def test_a_search_whose_completed_hint_reaches_the_floor_ends_without_aborting() -> None:
    # A random tiny problem (seed 191 of those in test_solver_patterns) whose pledge stage
    # starts from a plan 4 months short, with HiGHS's floor of 3: CP-SAT completes the hint
    # after its presolve into a plan at 3, and OR-Tools 9.15 aborted the whole program when
    # the callback stopped the search there. The stop is now left to the waiting thread
    # (``interrupt.LateStop``). In a process of its own, so that an abort fails this test
    # rather than the whole run.
    script = (
        "import importlib, random\n"
        "from tests.test_solver_patterns import _changed\n"
        "from tests.test_solver_properties import random_problem\n"
        "from rotation.solver import SolveOptions, solve\n"
        "importlib.import_module('rotation.solver.solve').PATTERN_GOALS = ()\n"
        "rng = random.Random(191)\n"
        "given = _changed(random_problem(rng), 'HC', max_concurrent=rng.randint(2, 3),\n"
        "                 backfill_budget=3800.0 * rng.randint(2, 12))\n"
        "result = solve(given, SolveOptions(time_limit=10, workers=2))\n"
        "print(result.status, result.goals.pledge_shortfall_months)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, cwd=Path(__file__).parent.parent)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["OPTIMAL", "3"]


def test_a_late_stop_is_due_only_a_wake_up_after_it_was_asked() -> None:
    stop = LateStop()
    assert not stop.due()
    stop.ask()
    assert not stop.due()
    stop.asked = time.monotonic() - POLL_SECONDS
    assert stop.due()
