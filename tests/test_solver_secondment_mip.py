"""The whole-secondment relaxation (``secondment_mip``): its optimum is a floor no plan the
rules allow goes below, and a goal CP-SAT has not proven at first look is settled by it."""

from __future__ import annotations

import importlib
import subprocess
import sys
from typing import Any

import pytest

from rotation.checker import check_plan
from rotation.generate import generate_problem
from rotation.solver import SolveOptions, solve
from rotation.solver.model import build_model
from rotation.solver.secondment_mip import SecondmentMip
from rotation.solver.stability import complete_hint, hint_previous
from tests.searches import searched_goals
from tests.test_solver_properties import proven_random_problems

solve_module = importlib.import_module("rotation.solver.solve")


def test_the_relaxation_never_promises_more_than_the_rules_allow() -> None:
    # Random tiny problems with agreed secondments, funded and ``either`` posts, cooling-off,
    # several secondments a person and overlaps of 0-2 months: for each goal in turn, the
    # relaxation's optimum is at most CP-SAT's proven one, given the goals above held there.
    compared = 0
    for problem_, result in proven_random_problems(120):
        built = build_model(problem_)
        mip = SecondmentMip.of(built.model)
        if mip is None:
            continue
        hint_previous(built.model, result.secondments)
        plan = complete_hint(built.model, 10)
        assert plan is not None
        for tier in built.tiers:
            if tier.goal not in ("cover", "pledges", "balance"):
                continue
            value = tier.total.value(lambda var, plan=plan: plan[var.index])
            optimum = mip.optimum(tier, 10)
            assert optimum is not None
            assert optimum.value <= value, (tier.goal, optimum.value, value)
            mip.keep(tier, value)
        compared += 1
    assert compared >= 30  # enough problems had a proven plan to mean something


def _tight() -> Any:
    return generate_problem(posts=5, candidates=20, months=36, seed=1, tight=True)


def test_a_goal_not_proven_at_first_look_is_settled_by_the_relaxation(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # CP-SAT gets almost no time of its own: every goal is proven by the relaxation's optimum
    # and its plan, which the model accepts at the same value.
    monkeypatch.setattr(solve_module, "FIRST_LOOK_SHARE", 1e-4)
    asked: list[str] = []
    real = SecondmentMip.optimum

    def noting(self: SecondmentMip, tier: Any, seconds: float) -> Any:
        asked.append(tier.goal)
        return real(self, tier, seconds)

    monkeypatch.setattr(SecondmentMip, "optimum", noting)
    given = _tight()
    result = solve(given, SolveOptions(time_limit=30, workers=2))
    assert result.status == "OPTIMAL"
    assert asked == ["cover", "pledges", "balance"]
    assert result.goals is not None
    assert (result.goals.vacant_post_months, result.goals.pledge_shortfall_months) == (32, 25)
    assert check_plan(given, result.secondments).ok
    again = solve(given, SolveOptions(time_limit=30, workers=2))
    assert again.secondments == result.secondments  # HiGHS on one thread: the same plan


def test_tight_cover_and_pledges_ask_the_relaxation_before_any_search(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The starting plan leaves vacancies and pledged months short: the relaxation is asked
    # first and settles both goals, and, having done so, the balance too; CP-SAT never
    # searches (before, it searched each goal first and took 6-7 s instead of about 1).
    result, searched = searched_goals(monkeypatch, _tight(), second_opinion=True)
    assert result.status == "OPTIMAL"
    assert searched == []


def test_a_problem_whose_starting_plan_is_at_its_floors_leaves_the_balance_to_cp_sat(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # No vacancy and the pledge shortfall the rules force: cover and pledges are settled by
    # the starting plan, and CP-SAT proves the balance at first look, without asking.
    asked: list[str] = []
    monkeypatch.setattr(SecondmentMip, "optimum",
                        lambda self, tier, seconds: asked.append(tier.goal))
    given = generate_problem(posts=5, candidates=20, months=36, seed=1)
    assert solve(given, SolveOptions(time_limit=60, workers=2)).status == "OPTIMAL"
    assert asked == []


def test_highs_prints_nothing_on_the_planner_s_terminal() -> None:
    # HiGHS writes a banner to standard output as it starts; --json output must stay clean.
    code = ("from rotation.generate import generate_problem\n"
            "from rotation.solver.model import build_model\n"
            "from rotation.solver.secondment_mip import SecondmentMip\n"
            "built = build_model(generate_problem(posts=2, candidates=4, months=12, seed=1))\n"
            "mip = SecondmentMip.of(built.model)\n"
            "print(mip is not None, mip.optimum(built.tiers[0], 5) is not None)\n")
    shown = subprocess.run([sys.executable, "-c", code],
                           capture_output=True, text=True, check=True)
    assert shown.stdout == "True True\n"


def test_ctrl_c_during_the_second_opinion_keeps_the_stage_s_plan(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(solve_module, "FIRST_LOOK_SHARE", 1e-4)

    def pressed(self: SecondmentMip, tier: Any, seconds: float) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(SecondmentMip, "optimum", pressed)
    given = _tight()
    result = solve(given, SolveOptions(time_limit=30, workers=2))
    assert result.interrupted and result.has_plan
    assert check_plan(given, result.secondments).ok


def test_ctrl_c_stops_highs_at_once() -> None:
    # In a child process, as a terminal sends it: HiGHS, asked for a cover its proof takes
    # 7-8 s to settle, is stopped half a second in and hands back within a moment.
    code = ("import os, signal, threading, time\n"
            "from rotation.generate import generate_problem\n"
            "from rotation.solver.model import build_model\n"
            "from rotation.solver.secondment_mip import SecondmentMip\n"
            "built = build_model(generate_problem(posts=5, candidates=20, months=36, seed=6,\n"
            "                                     tight=True))\n"
            "mip = SecondmentMip.of(built.model)\n"
            "threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT)).start()\n"
            "started = time.monotonic()\n"
            "try:\n"
            "    mip.optimum(built.tiers[0], 60)\n"
            "    print('finished')\n"
            "except KeyboardInterrupt:\n"
            "    print('stopped', time.monotonic() - started < 3)\n")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, timeout=120)
    assert shown.stdout == "stopped True\n"
