"""Comparing two plans (kept, moved, added, dropped) and the Changes sheet that lists them."""

from __future__ import annotations

import random
import warnings
from pathlib import Path

from openpyxl import load_workbook

from rotation.changes import (
    CHANGE_KINDS,
    Change,
    changed_months,
    changes_table,
    compare_plans,
    natural_key,
    summarise,
)
from rotation.io.changes_writer import CHANGES_HEADER, write_changes_sheet, write_diff_workbook
from rotation.io.xlsx import new_workbook
from tests.factory import m, secondment

INJECTION = '=HYPERLINK("http://x","y")'


def kinds(changes: list[Change]) -> list[tuple[str, str]]:
    """(kind, person) of each change, in the order given."""
    return [(c.kind, c.person) for c in changes]


def only(changes: list[Change]) -> Change:
    assert len(changes) == 1, changes
    return changes[0]


# -- each kind ---------------------------------------------------------------------------
def test_an_identical_secondment_is_kept() -> None:
    same = secondment("A", "INV", "2027-04", "2028-02")
    change = only(compare_plans([same], [same.model_copy(update={"row": 9})]))
    assert change.kind == "kept"
    assert change.old is same
    assert change.new is not None and change.new.row == 9  # rows kept, to point back at them
    assert change.description == "INV 2027-04..2028-02 as before"
    assert change.reason == ""


def test_existing_flag_alone_does_not_make_a_change() -> None:
    old = secondment("A", "INV", "2027-04", "2028-02", existing=True)
    assert only(compare_plans([old], [secondment("A", "INV", "2027-04", "2028-02")])).kind \
        == "kept"


def test_new_dates_in_the_same_post_are_a_move_saying_old_and_new() -> None:
    change = only(compare_plans([secondment("A", "INV", "2027-04", "2028-02")],
                                [secondment("A", "INV", "2027-06", "2028-04")]))
    assert change.kind == "moved"
    assert change.description == "INV 2027-04..2028-02 → INV 2027-06..2028-04 (2 months later)"
    assert (change.before, change.after) == ("INV 2027-04..2028-02", "INV 2027-06..2028-04")


def test_a_shortened_secondment_says_which_end_moved() -> None:
    change = only(compare_plans([secondment("A", "INV", "2027-04", "2028-02")],
                                [secondment("A", "INV", "2027-04", "2027-12")]))
    assert change.description.endswith("(ends 2 months earlier)")
    change = only(compare_plans([secondment("A", "INV", "2027-04", "2028-02")],
                                [secondment("A", "INV", "2027-05", "2028-03")]))
    assert change.description.endswith("(1 month later)")


def test_a_new_post_with_the_same_dates_is_a_move_naming_both_posts() -> None:
    change = only(compare_plans([secondment("A", "EMR", "2027-04", "2028-02")],
                                [secondment("A", "SWL", "2027-04", "2028-02")]))
    assert change.kind == "moved"
    assert change.description == "post EMR → SWL, 2027-04..2028-02 as before"


def test_a_new_post_and_new_dates_show_both_placements() -> None:
    change = only(compare_plans([secondment("A", "EMR", "2027-04", "2028-02")],
                                [secondment("A", "SWL", "2027-07", "2028-02")]))
    assert change.description == "EMR 2027-04..2028-02 → SWL 2027-07..2028-02 " \
                                 "(starts 3 months later)"


def test_someone_only_in_the_new_plan_is_added_and_only_in_the_old_dropped() -> None:
    changes = compare_plans([secondment("A", "INV", "2027-04", "2027-09")],
                            [secondment("B", "INV", "2027-04", "2027-06")])
    assert kinds(changes) == [("dropped", "A"), ("added", "B")]
    dropped, added = changes
    assert dropped.new is None and dropped.old is not None
    assert dropped.description == "no longer in the plan: INV 2027-04..2027-09 (6 months)"
    assert added.old is None and added.new is not None
    assert added.description == "new: INV 2027-04..2027-06 (3 months)"
    assert (dropped.after, added.before) == ("", "")


def test_a_secondment_moved_far_away_is_still_the_same_persons_move() -> None:
    # No month in common, different post: the same person in both plans is a move, not a
    # drop and an add.
    change = only(compare_plans([secondment("A", "INV", "2027-04", "2027-09")],
                                [secondment("A", "EMR", "2028-04", "2028-09")]))
    assert change.kind == "moved"


# -- matching ----------------------------------------------------------------------------
def test_the_same_post_is_matched_before_a_larger_overlap_in_another_post() -> None:
    # Old INV overlaps new EMR for 6 months but new INV for none: the same post still wins,
    # so INV is moved later and EMR is added.
    old = [secondment("A", "INV", "2027-04", "2027-09")]
    new = [secondment("A", "EMR", "2027-04", "2027-09"), secondment("A", "INV", "2028-01",
                                                                   "2028-03")]
    changes = compare_plans(old, new)
    assert kinds(changes) == [("moved", "A"), ("added", "A")]
    assert changes[0].new is not None and changes[0].new.post == "INV"
    assert changes[1].new is not None and changes[1].new.post == "EMR"


def test_among_other_posts_the_greatest_overlap_is_matched() -> None:
    # Old INV 04..09 overlaps new EMR 06..11 for 4 months and new SWL 08..2028-01 for 2.
    old = [secondment("A", "INV", "2027-04", "2027-09")]
    new = [secondment("A", "SWL", "2027-08", "2028-01"),
           secondment("A", "EMR", "2027-06", "2027-11")]
    moved, added = compare_plans(old, new)
    assert moved.kind == "moved" and moved.new is not None and moved.new.post == "EMR"
    assert added.kind == "added" and added.new is not None and added.new.post == "SWL"


def test_a_person_with_two_secondments_keeps_one_and_moves_the_other() -> None:
    old = [secondment("A", "INV", "2027-04", "2027-09"),
           secondment("A", "INV", "2028-01", "2028-06")]
    new = [secondment("A", "INV", "2028-02", "2028-07"),
           secondment("A", "INV", "2027-04", "2027-09")]
    changes = compare_plans(old, new)
    assert kinds(changes) == [("moved", "A"), ("kept", "A")]
    moved, kept = changes
    assert moved.old == old[1] and moved.new == new[0]
    assert kept.old == old[0] and kept.new == new[1]


def test_an_identical_pair_is_kept_even_when_another_overlaps_it_as_much() -> None:
    # New 04..09 and new 04..12 both share 6 months with old 04..09: the identical one is kept.
    old = [secondment("A", "INV", "2027-04", "2027-09")]
    new = [secondment("A", "INV", "2027-04", "2027-12"), secondment("A", "INV", "2027-04",
                                                                   "2027-09")]
    assert kinds(compare_plans(old, new)) == [("added", "A"), ("kept", "A")]


def test_the_comparison_does_not_depend_on_row_order() -> None:
    old = [secondment("A", "INV", "2027-04", "2027-09"), secondment("A", "EMR", "2028-01",
                                                                   "2028-06"),
           secondment("B", "SWL", "2027-04", "2027-12"), secondment("C", "CS", "2027-05",
                                                                   "2027-10")]
    new = [secondment("A", "SWL", "2027-05", "2027-10"), secondment("A", "CS", "2027-12",
                                                                   "2028-05"),
           secondment("B", "SWL", "2027-04", "2027-12"), secondment("D", "CS", "2027-05",
                                                                   "2027-10")]
    expected = compare_plans(old, new)
    shuffler = random.Random(7)
    for _ in range(20):
        old_order, new_order = old[:], new[:]
        shuffler.shuffle(old_order)
        shuffler.shuffle(new_order)
        assert compare_plans(old_order, new_order) == expected


def test_changes_are_listed_by_kind_then_person_in_natural_order() -> None:
    old = [secondment(p, "INV", "2027-04", "2027-09") for p in ("P10", "P2", "P1")]
    new = [secondment("P3", "INV", "2027-04", "2027-09"), *old[:2]]
    assert kinds(compare_plans(old, new)) == [("dropped", "P1"), ("added", "P3"),
                                              ("kept", "P2"), ("kept", "P10")]
    assert sorted(["P10", "p2", "P1"], key=natural_key) == ["P1", "p2", "P10"]


def test_empty_plans_give_no_changes_and_zero_counts() -> None:
    assert compare_plans([], []) == []
    assert summarise([]) == {"dropped": 0, "moved": 0, "added": 0, "kept": 0}
    assert changed_months([], []) == 0
    assert changes_table([]) == []
    one = [secondment("A", "INV", "2027-04", "2027-09")]
    assert kinds(compare_plans(one, [])) == [("dropped", "A")]
    assert kinds(compare_plans([], one)) == [("added", "A")]


def test_summarise_counts_each_kind_in_listing_order() -> None:
    old = [secondment("A", "INV", "2027-04", "2027-09"), secondment("B", "EMR", "2027-04",
                                                                   "2027-09")]
    new = [old[0], secondment("B", "EMR", "2027-05", "2027-10"),
           secondment("C", "SWL", "2027-04", "2027-09")]
    counts = summarise(compare_plans(old, new))
    assert counts == {"dropped": 0, "moved": 1, "added": 1, "kept": 1}
    assert tuple(counts) == CHANGE_KINDS


# -- freezing ----------------------------------------------------------------------------
def test_frozen_secondments_are_marked_and_a_changed_one_is_called_out() -> None:
    old = [secondment("A", "INV", "2027-04", "2027-09"), secondment("B", "EMR", "2027-05",
                                                                   "2027-10"),
           secondment("C", "SWL", "2027-08", "2028-01")]
    new = [old[0], secondment("B", "EMR", "2027-06", "2027-11"),
           secondment("C", "SWL", "2027-09", "2028-02")]
    by_person = {c.person: c for c in compare_plans(old, new, frozen_until=m("2027-06"))}
    assert by_person["A"].frozen and by_person["A"].kind == "kept"
    assert "frozen: starts before 2027-06" in by_person["A"].description
    assert by_person["B"].frozen
    assert by_person["B"].description.endswith("it starts before the freeze month 2027-06, "
                                               "so it should have been kept")
    assert not by_person["C"].frozen and "freeze" not in by_person["C"].description
    assert not any(c.frozen for c in compare_plans(old, new))


# -- changed months ----------------------------------------------------------------------
def test_changed_months_counts_each_person_month_with_a_different_post() -> None:
    old = [secondment("A", "INV", "2027-04", "2027-09"),   # moved 2 months later
           secondment("B", "EMR", "2027-04", "2027-06"),   # moved to SWL
           secondment("C", "CS", "2027-04", "2027-05")]    # dropped
    new = [secondment("A", "INV", "2027-06", "2027-11"),
           secondment("B", "SWL", "2027-04", "2027-06"),
           secondment("D", "CS", "2027-04", "2027-04")]    # added
    # A: 04, 05 (old only) and 10, 11 (new only) = 4; B: 3; C: 2; D: 1.
    assert changed_months(old, new) == 10
    # Only 2027-04..2027-05: A 2, B 2, C 2, D 1.
    assert changed_months(old, new, range(m("2027-04"), m("2027-06"))) == 7
    assert changed_months(old, old) == 0
    assert changed_months(old, new, range(0)) == 0


# -- the terminal table ------------------------------------------------------------------
def test_the_table_aligns_columns_and_hides_kept_unless_asked() -> None:
    old = [secondment("A", "INV", "2027-04", "2027-09"), secondment("Bee", "EMR", "2027-04",
                                                                     "2027-09")]
    new = [old[0], secondment("Bee", "EMR", "2027-05", "2027-10")]
    changes = compare_plans(old, new)
    lines = changes_table(changes, {"Bee": "Beatrice Long-Name"})
    assert len(lines) == 2
    assert lines[0].index("what changes") == lines[1].index("EMR 2027-04")
    assert lines[1].startswith("moved   Bee     Beatrice Long-Name  EMR")
    everything = changes_table(changes, show_kept=True)
    assert [line.split()[0] for line in everything[1:]] == ["moved", "kept"]
    with_reason = [changes[0].model_copy(update={"reason": "B asked to start later"})]
    assert changes_table(with_reason)[0].endswith("reason")


# -- the Changes sheet and the diff workbook ---------------------------------------------
def _sample_changes() -> list[Change]:
    old = [secondment("A", "INV", "2027-04", "2027-09"), secondment("B", "EMR", "2027-04",
                                                                   "2027-09"),
           secondment(INJECTION, "SWL", "2027-04", "2027-06")]
    new = [old[0], secondment("B", "SWL", "2027-04", "2027-09"),
           secondment("C", "CS", "2027-06", "2027-11")]
    changes = compare_plans(old, new)
    return [c.model_copy(update={"reason": "@SUM(1)"}) if c.person == "B" else c
            for c in changes]


def test_the_changes_sheet_lists_rows_sorted_coloured_and_in_a_table(tmp_path: Path) -> None:
    book = new_workbook()
    write_changes_sheet(book, list(reversed(_sample_changes())), {"A": "Ann", "B": INJECTION})
    path = tmp_path / "changes.xlsx"
    book.save(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sheet = load_workbook(path)["Changes"]
    rows = [tuple(cell.value for cell in row) for row in sheet.iter_rows()]
    assert rows[0] == CHANGES_HEADER
    assert rows[1] == ("dropped", INJECTION, None, "SWL", "2027-04", "2027-06", None, None,
                       None, "no longer in the plan: SWL 2027-04..2027-06 (3 months)", None)
    assert rows[2][:9] == ("moved", "B", INJECTION, "EMR", "2027-04", "2027-09", "SWL",
                           "2027-04", "2027-09")
    assert rows[2][10] == "@SUM(1)"
    assert [r[0] for r in rows[3:]] == ["added", "kept"]
    assert rows[4][2] == "Ann"
    # Injection strings stay text, never formulas.
    assert sheet["B2"].data_type == "s" and sheet["C3"].data_type == "s"
    assert sheet["K3"].data_type == "s"
    fills = [sheet.cell(row=r, column=1).fill.fgColor.rgb for r in range(2, 6)]
    assert len(set(fills[:3])) == 3  # dropped, moved, added each have their own colour
    assert sheet.cell(row=5, column=1).fill.fill_type is None  # kept stays plain
    assert list(sheet.tables) == ["ChangesTable"]
    assert sheet.tables["ChangesTable"].ref == "A1:K5"
    assert sheet.freeze_panes == "A2"


def test_an_empty_changes_sheet_has_only_its_header(tmp_path: Path) -> None:
    book = new_workbook()
    write_changes_sheet(book, [], None)
    path = tmp_path / "empty.xlsx"
    book.save(path)
    sheet = load_workbook(path)["Changes"]
    assert [tuple(c.value for c in row) for row in sheet.iter_rows()] == [CHANGES_HEADER]


def test_the_diff_workbook_has_a_summary_of_counts_and_the_changes(tmp_path: Path) -> None:
    path = tmp_path / "diff.xlsx"
    write_diff_workbook(path, _sample_changes(), "old.xlsx", "=new.xlsx", people={"A": "Ann"})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        book = load_workbook(path)
    assert book.sheetnames == ["Summary", "Changes"]
    summary = {row[0].value: row[1].value for row in book["Summary"].iter_rows(min_row=2)}
    assert summary["old_plan"] == "old.xlsx"
    assert summary["new_plan"] == "=new.xlsx" and book["Summary"]["B3"].data_type == "s"
    assert (summary["dropped"], summary["moved"], summary["added"], summary["kept"]) \
        == (1, 1, 1, 1)
    assert summary["changes"] == 3
    # B: 6 months in SWL instead of EMR; the dropped one 3; C added 6.
    assert summary["changed_person_months"] == 15
    assert book["Changes"].max_row == 5
    assert not list(tmp_path.glob(".*"))  # the temporary file was moved into place

