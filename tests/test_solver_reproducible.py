"""Reproducible runs (same input and seed, same plan) and the greedy hand plan (always valid)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rotation.checker import check_plan
from rotation.generate import generate_problem
from rotation.solver import SolveOptions, solve
from rotation.solver.goals import goal_terms
from rotation.solver.greedy import greedy_plan
from tests.factory import HORIZON_START, agency, candidate, m, post, problem, secondment


@pytest.mark.parametrize(("posts", "candidates", "months", "tight", "regions"), [
    (5, 20, 36, False, 0), (5, 20, 36, True, 0), (12, 40, 48, True, 3)])
def test_greedy_plan_keeps_every_rule(posts: int, candidates: int, months: int, tight: bool,
                                      regions: int) -> None:
    """The hand planner's rule never breaks a rule, whatever vacancies it leaves."""
    generated = generate_problem(posts=posts, candidates=candidates, months=months, seed=3,
                                 tight=tight, regions=regions)
    plan = greedy_plan(generated)
    report = check_plan(generated, plan)
    assert report.breaches == ()
    assert plan  # it does place people


def test_greedy_plan_keeps_existing_and_hands_over_from_them() -> None:
    """An Existing secondment stays; the post's next holder overlaps it by one month (R6)."""
    kept = secondment("P1", "A", "2027-01", "2027-06")
    given = problem(posts=[post("A")], candidates=[candidate("P1"), candidate("P2")],
                    existing=[kept])
    plan = greedy_plan(given)
    assert kept.model_copy(update={"existing": True}) in plan
    # P1's secondment ends 2027-06, so P2 starts then (overlap 1) for the longest 6 months.
    assert [s for s in plan if not s.existing] == [secondment("P2", "A", "2027-06", "2027-11")]
    assert check_plan(given, plan).breaches == ()


def test_staggered_hand_plan_keeps_handovers_apart() -> None:
    """Two posts filled in the same month: the plain rule gives both holders the longest
    length, so both successors would hand over in the same month and R7 (one a month) leaves
    one post vacant; staggering shortens one secondment by a month and fills every month."""
    people = [candidate(p, agency="HC" if i % 2 else "NHS", grade="HC8" if i % 2 else "Band 6")
              for i, p in enumerate("ABCDEF")]
    given = problem(posts=[post("P1"), post("P2")], candidates=people,
                    agencies=[agency("HC", max_concurrent=4), agency("NHS", max_concurrent=4)],
                    max_secondees_per_agency=4)
    plain, staggered = greedy_plan(given), greedy_plan(given, stagger=True)
    for plan in (plain, staggered):
        assert check_plan(given, plan).breaches == ()
    assert goal_terms(given, plain).vacant_post_months >= 1
    assert goal_terms(given, staggered).vacant_post_months == 0
    firsts = sorted(s.end for s in staggered if s.start == m(HORIZON_START))
    assert firsts == [m("2027-08"), m("2027-09")]  # handovers in August and September


def test_two_reproducible_solves_give_the_same_plan() -> None:
    """Same input, same seed, deterministic search: identical secondments, twice."""
    generated = generate_problem(posts=4, candidates=14, months=30, seed=5, tight=True)
    options = SolveOptions(time_limit=4, seed=7, workers=2, reproducible=True)
    first = solve(generated, options)
    second = solve(generated, options)
    assert first.has_plan and first.reproducible
    assert first.secondments == second.secondments
    assert first.status == second.status
    assert check_plan(generated, first.secondments).breaches == ()


def test_two_default_cli_solves_write_identical_secondments(tmp_path: Path) -> None:
    """A planner who runs `rotation solve` twice gets the same Secondments sheet: the
    deterministic search is the default, even when the time limit stops it early."""
    from click.testing import CliRunner
    from openpyxl import load_workbook

    from rotation.cli import main
    from rotation.io.writer import write_problem

    source = tmp_path / "in.xlsx"
    write_problem(source, generate_problem(posts=4, candidates=14, months=30, seed=5,
                                           tight=True))
    sheets = []
    for name in ("a.xlsx", "b.xlsx"):
        result = CliRunner().invoke(main, ["solve", str(source), "-o", str(tmp_path / name),
                                           "--time-limit", "3", "--seed", "7"])
        assert result.exit_code == 0, result.output
        book = load_workbook(tmp_path / name, read_only=True)
        sheets.append(list(book["Secondments"].iter_rows(values_only=True)))
        book.close()
    assert sheets[0] == sheets[1]
