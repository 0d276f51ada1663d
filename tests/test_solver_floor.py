"""The vacancy floor (``floor``): no plan the rules allow has fewer vacant post-months, and on
a problem planned on a shortlist a plan that reaches it has its cover proven."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from openpyxl import load_workbook

from rotation.domain import Problem
from rotation.generate import generate_problem
from rotation.io.writer import write_problem
from rotation.solver import SolveOptions, solve
from rotation.solver.domains import restrict_domains
from rotation.solver.floor import vacancy_floor
from tests.test_cli import run
from tests.test_solver_properties import proven_random_problems

solve_module = importlib.import_module("rotation.solver.solve")
shortlist_module = importlib.import_module("rotation.solver.shortlist")


def test_no_plan_has_fewer_vacancies_than_the_floor() -> None:
    # Random tiny problems with agreed secondments, funded and ``either`` posts, late posts,
    # budgets, and overlaps of 0-2 months: the floor never passes CP-SAT's proven optimum,
    # and it is often that optimum.
    compared = reached = 0
    for given, result in proven_random_problems(600):
        floor = vacancy_floor(given, restrict_domains(given, frozenset(), []), 10)
        if floor is None:
            continue
        best = result.goals.vacant_post_months
        assert floor <= best, (floor, best)
        compared += 1
        reached += floor == best > 0
    assert compared >= 60
    assert reached >= 10  # a floor stuck at 0 would pass the first assertion alone


def _crowded() -> Problem:
    # Six posts all filled from the first month, secondments of 6-8 months and one handover
    # a month: the first holders leave in months 6-8, so three of the six posts must wait a
    # month for their next holder, whoever is chosen.
    given = generate_problem(posts=6, candidates=24, months=14, seed=3)
    settings = given.settings.model_copy(update={
        "min_secondment_months": 6, "max_secondment_months": 8, "max_handovers_per_month": 1,
        "handover_overlap_months": 1})
    return given.model_copy(update={"settings": settings})


def test_the_floor_sees_handovers_crowding_into_the_same_months() -> None:
    given = _crowded()
    floor = vacancy_floor(given, restrict_domains(given, frozenset(), []), 10)
    result = solve(given, SolveOptions(time_limit=30, workers=2))
    assert result.status == "OPTIMAL" and result.goals is not None
    assert floor is not None and floor > 0
    assert floor == result.goals.vacant_post_months


def test_a_shortlisted_plan_at_the_floor_has_its_cover_proven(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shortlist_module, "PAIR_MONTH_BUDGET", 300)
    given = _crowded()
    result = solve(given, SolveOptions(time_limit=20, workers=2))
    assert result.shortlist is not None  # planned on a shortlist: never OPTIMAL as a whole
    assert result.status == "FEASIBLE" and result.goals is not None
    assert result.vacancy_floor == result.goals.vacant_post_months > 0
    assert "cover" in result.proven_goals


class _StillWorking:
    """A HiGHS run that is never ready (as on a slow machine with a short time limit). Like
    HiGHS, it stops only when asked to and asking is switched on at its checks."""

    asked = False
    checking = False

    @property
    def stopped(self) -> bool:
        return self.asked and self.checking

    def wait(self, timeout: float = -1.0) -> tuple[bool, None]:
        return (self.stopped, None)

    def cancelSolve(self) -> None:
        self.asked = True

    def startCallback(self, _check: object) -> None:
        self.checking = True


def test_a_floor_not_ready_in_time_makes_the_run_not_repeatable(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shortlist_module, "PAIR_MONTH_BUDGET", 300)
    run = _StillWorking()
    monkeypatch.setattr(solve_module.VacancyFloor, "start",
                        classmethod(lambda cls, problem, domains: cls(run)))
    result = solve(_crowded(), SolveOptions(time_limit=10, workers=2))
    assert run.stopped  # not left running
    assert result.has_plan and result.vacancy_floor is None
    assert "cover" not in result.proven_goals
    assert not result.reproducible


def test_the_planner_is_told_the_cover_is_the_best_possible(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(shortlist_module, "PAIR_MONTH_BUDGET", 300)
    source, plan = tmp_path / "crowded.xlsx", tmp_path / "plan.xlsx"
    write_problem(source, _crowded())
    code, output = run("solve", source, "-o", plan, "--time-limit", "20", "--workers", "2")
    assert code == 0, output
    summary = {row[0]: row[1] for row in load_workbook(plan)["Summary"].iter_rows(
        min_row=2, values_only=True)}
    floor = summary["vacancy_floor"]
    assert floor == summary["vacant_post_months"] > 0
    assert (f"No plan can have fewer than {floor} vacant post-months" in output
            and "this cover is the best possible" in output)
