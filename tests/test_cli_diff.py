"""``rotation diff OLD NEW``: the changes between two plan workbooks, printed and written.

The plans are over 2027-04..2028-03 with posts P1 and P2:
- old: Ann in P1 2027-04..2027-09, Bob in P2 2027-04..2027-09, Cat in P1 2027-09..2028-03;
- new: Ann as before, Bob in P2 2027-06..2027-11 (moved 2 months later), Cat dropped,
  Dan in P1 2027-09..2028-03 (added).
"""

from __future__ import annotations

import warnings
from pathlib import Path

from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from rotation.checker import check_plan
from rotation.cli import main
from rotation.domain import Problem, Secondment
from rotation.io.plan_writer import write_plan
from rotation.io.xlsx import write_rows
from rotation.plan import SolveResult
from tests.factory import candidate, post, problem, secondment

INJECTION = '=HYPERLINK("http://x","y")'


def run(*args: object) -> tuple[int, str, str]:
    """Run ``rotation ARGS``; return the exit code, stdout and stderr."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def diff_problem() -> Problem:
    """Two posts, four candidates (names as in the module docstring)."""
    return problem(posts=[post("P1"), post("P2")],
                   candidates=[candidate("A", name="Ann"), candidate("B", name="Bob"),
                               candidate("C", name="Cat"), candidate("D", name="Dan")])


def plan_file(path: Path, secondments: list[Secondment]) -> Path:
    """A plan workbook as ``rotation solve`` writes it."""
    source = diff_problem()
    report = check_plan(source, secondments)
    result = SolveResult(status="FEASIBLE", secondments=tuple(secondments))
    write_plan(path, source, result, report, [], "0" * 64)
    return path


def old_and_new(folder: Path) -> tuple[Path, Path]:
    ann = secondment("A", "P1", "2027-04", "2027-09")
    old = [ann, secondment("B", "P2", "2027-04", "2027-09"),
           secondment("C", "P1", "2027-09", "2028-03")]
    new = [ann, secondment("B", "P2", "2027-06", "2027-11"),
           secondment("D", "P1", "2027-09", "2028-03")]
    return plan_file(folder / "old.xlsx", old), plan_file(folder / "new.xlsx", new)


def test_diff_prints_an_aligned_table_of_changes_and_counts(tmp_path: Path) -> None:
    old, new = old_and_new(tmp_path)
    code, out, _err = run("diff", old, new)
    assert code == 0
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("change"))
    body = lines[lines.index(header) + 1:]
    assert body[0].split()[:3] == ["dropped", "C", "Cat"]
    assert body[1].split()[:3] == ["moved", "B", "Bob"]
    assert "P2 2027-04..2027-09 → P2 2027-06..2027-11 (2 months later)" in body[1]
    assert body[2].split()[:3] == ["added", "D", "Dan"]
    # The description column starts at the same place on every line.
    column = header.index("what changes")
    assert all(line[column - 2:column] == "  " and line[column] != " " for line in body[:3])
    assert "Ann" not in out  # kept ones are counted, not listed
    assert "1 dropped, 1 moved, 1 added, 1 kept" in out and "--all" in out


def test_diff_all_lists_kept_secondments_too(tmp_path: Path) -> None:
    old, new = old_and_new(tmp_path)
    code, out, _err = run("diff", old, new, "--all")
    assert code == 0
    assert any(line.split()[:3] == ["kept", "A", "Ann"] for line in out.splitlines())


def test_diff_of_a_plan_with_itself_lists_nothing(tmp_path: Path) -> None:
    old, _new = old_and_new(tmp_path)
    code, out, _err = run("diff", old, old)
    assert code == 0
    assert "change" not in out.split(":", 1)[1]
    assert "0 dropped, 0 moved, 0 added, 3 kept" in out


def test_diff_writes_the_diff_workbook_and_refuses_to_overwrite(tmp_path: Path) -> None:
    old, new = old_and_new(tmp_path)
    target = tmp_path / "diff.xlsx"
    code, _out, err = run("diff", old, new, "-o", target)
    assert code == 0 and f"Wrote {target}" in err
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        book = load_workbook(target)
    assert book.sheetnames == ["Summary", "Changes"]
    rows = [[cell.value for cell in row] for row in book["Changes"].iter_rows(min_row=2)]
    assert [(r[0], r[1], r[2]) for r in rows] == [("dropped", "C", "Cat"), ("moved", "B", "Bob"),
                                                  ("added", "D", "Dan"), ("kept", "A", "Ann")]

    code, _out, err = run("diff", old, new, "-o", target)
    assert code == 2 and "--force" in err
    assert run("diff", old, new, "-o", target, "--force")[0] == 0


def test_diff_never_writes_over_one_of_its_plans(tmp_path: Path) -> None:
    old, new = old_and_new(tmp_path)
    before = old.read_bytes()
    code, _out, err = run("diff", old, new, "-o", old, "--force")
    assert code == 2 and "is the input file" in err
    assert old.read_bytes() == before


def test_diff_keeps_hand_typed_names_and_ids_as_text(tmp_path: Path) -> None:
    old = tmp_path / "hand.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.title = "Secondments"
    # A name a planner typed that looks like a formula (stored as text, as Excel does).
    write_rows(sheet, [["person", "name", "post", "start", "end"],
                       ["X1", INJECTION, "P1", "2027-04", "2027-09"]])
    book.save(old)
    _old, new = old_and_new(tmp_path)
    target = tmp_path / "diff.xlsx"
    code, out, _err = run("diff", old, new, "-o", target)
    assert code == 0 and INJECTION in out
    changes = load_workbook(target)["Changes"]
    dropped = next(row for row in changes.iter_rows(min_row=2) if row[1].value == "X1")
    assert dropped[2].value == INJECTION and dropped[2].data_type == "s"


def test_diff_of_a_file_that_is_not_a_plan_exits_2_with_located_errors(tmp_path: Path) -> None:
    old, _new = old_and_new(tmp_path)
    broken = tmp_path / "broken.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.title = "Secondments"
    sheet.append(["person", "post", "start", "end"])
    sheet.append(["A", "P1", "April", "2027-09"])
    book.save(broken)
    code, out, err = run("diff", old, broken, "-o", tmp_path / "diff.xlsx")
    assert code == 2 and out == ""
    assert "Secondments, row 2, column start" in err
    assert f"{broken} cannot be read as a plan" in err
    assert not (tmp_path / "diff.xlsx").exists()

    text = tmp_path / "notes.txt"
    text.write_text("not a workbook")
    code, _out, err = run("diff", text, broken)
    assert code == 2
    assert f"{text} cannot be read as a plan" in err and f"{broken} cannot be read" in err
