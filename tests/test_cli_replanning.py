"""Replanning and explanations from the command line, as a planner would use them."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from rotation.changes import compare_plans, summarise
from rotation.domain import Problem, Secondment
from rotation.io.plan_reader import read_plan
from rotation.io.reader import read_problem
from rotation.io.writer import write_problem
from rotation.months import parse_month
from tests.conftest import ROOT
from tests.test_cli import run

FREEZE = "2028-04"


def with_fields(problem: Problem, **fields: object) -> Problem:
    values = {name: getattr(problem, name) for name in type(problem).model_fields}
    values.update(fields)
    return type(problem)(**values)


def write_input(path: Path, problem: Problem) -> Path:
    write_problem(path, problem)
    return path


@pytest.fixture(scope="module")
def highland_path_module() -> Path:
    """The Highland sample, for module-wide fixtures."""
    return ROOT / "inputs" / "highland.xlsx"


@pytest.fixture(scope="module")
def highland(highland_path_module: Path) -> Problem:
    """The Highland sample as a problem, to change and write back."""
    problem, _ = read_problem(highland_path_module)
    return problem


@pytest.fixture(scope="module")
def replanned(highland: Problem, highland_path_module: Path,
              tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Solve Highland; withdraw the secondee who starts last; replan with a freeze; solve afresh."""
    folder = tmp_path_factory.mktemp("replan")
    first = folder / "first.xlsx"
    code, output = run("solve", highland_path_module, "-o", first, "--time-limit", "20",
                       "--workers", "2")
    assert code == 0, output
    planned = [s for s in read_plan(first) if not s.existing]
    leaver = max(planned, key=lambda s: (s.start, s.person)).person
    changed = write_input(folder / "changed.xlsx", with_fields(
        highland, candidates=tuple(c for c in highland.candidates if c.person != leaver)))
    second = folder / "second.xlsx"
    code, output = run("solve", changed, "-o", second, "--previous", first, "--freeze-until",
                       FREEZE, "--time-limit", "20", "--workers", "2")
    assert code == 0, output
    fresh = folder / "fresh.xlsx"
    code, output = run("solve", changed, "-o", fresh, "--time-limit", "20", "--workers", "2")
    assert code == 0, output
    return {"first": first, "changed": changed, "second": second, "fresh": fresh,
            "leaver": Path(leaver), "output": Path(output)}


@pytest.mark.slow
def test_replanning_keeps_frozen_secondments_exactly(replanned: dict[str, Path]) -> None:
    first, second = read_plan(replanned["first"]), read_plan(replanned["second"])
    frozen = {_key(s) for s in first if s.start < parse_month(FREEZE)}
    assert frozen and frozen <= {_key(s) for s in second}


@pytest.mark.slow
def test_replanning_changes_far_less_than_a_fresh_solve(replanned: dict[str, Path]) -> None:
    first = read_plan(replanned["first"])
    replan = summarise(compare_plans(first, read_plan(replanned["second"])))
    fresh = summarise(compare_plans(first, read_plan(replanned["fresh"])))
    replan_changes = replan["moved"] + replan["added"] + replan["dropped"]
    fresh_changes = fresh["moved"] + fresh["added"] + fresh["dropped"]
    assert replan["dropped"] >= 1  # the leaver's secondment
    assert 2 * replan_changes <= fresh_changes, (replan, fresh)


@pytest.mark.slow
def test_the_changes_sheet_lists_every_change_with_reasons(replanned: dict[str, Path]) -> None:
    book = load_workbook(replanned["second"], read_only=True)
    assert book.sheetnames[-1] == "Changes"
    rows = list(book["Changes"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    kind, person, reason = (header.index(c) for c in ("kind", "person", "reason"))
    expected = compare_plans(read_plan(replanned["first"]), read_plan(replanned["second"]))
    assert sorted((r[kind], r[person]) for r in body) == sorted(
        (c.kind, c.person) for c in expected)
    leaver = str(replanned["leaver"])
    [gone] = [r for r in body if r[person] == leaver]
    assert gone[kind] == "dropped"
    assert gone[reason] == f"{leaver} is no longer on the Candidates sheet"
    frozen = [r for r in body if r[reason] == "frozen: it starts before the freeze month"]
    assert frozen and all(r[kind] == "kept" for r in frozen)


@pytest.mark.slow
def test_the_replanned_plan_passes_check(replanned: dict[str, Path]) -> None:
    code, output = run("check", replanned["changed"], replanned["second"])
    assert code == 0, output
    assert "keeps every rule" in output


@pytest.mark.slow
def test_check_with_previous_counts_the_changed_months_the_solver_reported(
        replanned: dict[str, Path]) -> None:
    summary = {row[0]: row[1] for row in
               load_workbook(replanned["second"])["Summary"].iter_rows(values_only=True)}
    code, output = run("check", replanned["changed"], replanned["second"], "--previous",
                       replanned["first"])
    assert code == 0, output
    assert f"{summary['changed_months']} person-months changed against" in output
    assert summary["changed_months"] > 0


def _key(secondment: Secondment) -> tuple[str, str, int, int]:
    return (secondment.person, secondment.post, secondment.start, secondment.end)


# -- conflicting Existing secondments, tried as a new user would ------------------------------


def _with_existing(highland: Problem, rows: list[tuple[str, str, str, str]]) -> Problem:
    extra = tuple(Secondment(person=p, post=q, start=parse_month(a), end=parse_month(b),
                             existing=True) for p, q, a, b in rows)
    return with_fields(highland, existing=highland.existing + extra)


CONFLICTS = {
    # NHS Highland may have 2 out: P01 (Existing, CS to 2028-03), P08 and P09 make 3 in
    # 2027-10..2028-03, which is over the team-mix cap of 2 as well.
    "over-limit": ([("P08", "EMR", "2027-04", "2028-03"), ("P09", "NBS", "2027-10", "2028-09")],
                   ["R8 backfill limit", "R9 team mix"],
                   ["NHS Highland has 3 staff out in 2027-10..2028-03",
                    "Existing rows 2, 4 and 5", "Agencies row 3"]),
    # Fiona Macdonald (HC) and Isla Macpherson (SFRS) share EMR for eight months.
    "overlap": ([("P07", "EMR", "2027-04", "2028-03"), ("P15", "EMR", "2027-08", "2028-07")],
                ["R1 one holder"], ["post EMR has 2 holders", "Existing rows 4 and 5"]),
    "grade": ([("P06", "EMR", "2027-04", "2028-03")],
              ["R2 grade"], ["Alasdair Ross (HC10, level 7)", "Existing row 4"]),
}


@pytest.mark.parametrize("case", sorted(CONFLICTS))
def test_conflicting_existing_secondments_exit_3_naming_rule_and_rows(
        case: str, highland: Problem, tmp_path: Path) -> None:
    rows, rules, words = CONFLICTS[case]
    path = write_input(tmp_path / f"{case}.xlsx", _with_existing(highland, rows))
    target = tmp_path / "plan.xlsx"
    code, output = run("solve", path, "-o", target, "--time-limit", "10")
    assert code == 3, output
    lines = [line for line in output.splitlines() if line.startswith("  - ")]
    # One line per rule in conflict, not a dump of every breach.
    assert [line[4:].split(":")[0] for line in lines] == rules, output
    for word in words:
        assert word in lines[0], lines[0]
    assert all("To resolve:" in line for line in lines)
    assert not target.exists()
    code, again = run("explain", path)
    assert code == 3 and lines[0] in again


def test_explain_says_a_plan_exists(highland_path_module: Path) -> None:
    code, output = run("explain", highland_path_module)
    assert code == 0, output
    assert "A plan exists" in output


def test_freeze_until_needs_previous(highland_path_module: Path, tmp_path: Path) -> None:
    code, output = run("solve", highland_path_module, "-o", tmp_path / "p.xlsx",
                       "--freeze-until", "2028-01")
    assert code == 2 and "--freeze-until needs --previous" in output


def test_a_frozen_secondment_of_someone_gone_is_an_input_error(
        highland: Problem, tmp_path: Path) -> None:
    # The previous plan has P03 from 2027-06; P03 is withdrawn and 2028-01 freezes it.
    previous = tmp_path / "previous.xlsx"
    _write_plan_sheet(previous, [("P03", "EMR", "2027-06", "2028-05")])
    changed = write_input(tmp_path / "changed.xlsx", with_fields(
        highland, candidates=tuple(c for c in highland.candidates if c.person != "P03")))
    target = tmp_path / "plan.xlsx"
    code, output = run("solve", changed, "-o", target, "--previous", previous,
                       "--freeze-until", "2028-01")
    assert code == 2, output
    assert "Secondments, row 2" in output and "P03 in post EMR (2027-06..2028-05)" in output
    assert "P03 is no longer on the Candidates sheet" in output
    assert not target.exists()


def test_solve_explain_vacancies_writes_the_explanation_to_notes(tmp_path: Path) -> None:
    from tests.factory import agency, candidate, post, problem

    # HC may have one out and D (NHS) is free only until 2027-09: one post stays vacant.
    prob = problem(posts=[post("P1"), post("P2")],
                   candidates=[candidate("A"), candidate("B"),
                               candidate("D", agency="NHS", grade="Band 6",
                                         available_to="2027-09")],
                   agencies=[agency("HC", max_concurrent=1), agency("NHS", max_concurrent=1)],
                   min_secondment_months=3, max_secondment_months=12)
    path = write_input(tmp_path / "tight.xlsx", prob)
    target = tmp_path / "plan.xlsx"
    code, output = run("solve", path, "-o", target, "--time-limit", "10", "--workers", "1",
                       "--explain-vacancies")
    assert code == 0, output
    assert "backfill limit to 2 fills" in output
    notes = [row for row in load_workbook(target, read_only=True)["Notes"].iter_rows(
        values_only=True) if row[0] == "vacancy"]
    assert notes and all("What would fill it" in str(row[2]) for row in notes)


def _write_plan_sheet(path: Path, rows: list[tuple[str, str, str, str]]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Secondments"
    sheet.append(["person", "post", "start", "end"])
    for row in rows:
        sheet.append(list(row))
    book.save(path)


def test_explain_vacancies_of_a_plan_workbook(tmp_path: Path) -> None:
    from tests.factory import agency, candidate, grade, post, problem

    # One post, HC may have nobody out: the post is vacant all year; raising the limit fills it.
    prob = problem(candidates=[candidate("A")], agencies=[agency("HC", max_concurrent=0)],
                   grades=[grade("HC", "HC8")],
                   min_secondment_months=3, max_secondment_months=12, posts=[post("P1")])
    path = write_input(tmp_path / "closed.xlsx", prob)
    plan = tmp_path / "plan.xlsx"
    code, output = run("solve", path, "-o", plan, "--time-limit", "5", "--workers", "1")
    assert code == 0, output
    code, output = run("explain", path, "--vacancies", plan, "--time-limit", "10")
    assert code == 0, output
    assert "A plan exists" in output
    assert "P1 2027-04..2028-03 (12 months vacant)" in output
    assert "raising Agency HC's backfill limit to 1 fills P1 2027-04..2028-03" in output
