"""Fuzzing the readers: spoiled workbooks give a Problem or located errors, never a traceback.

Each example starts from the valid input of tests/workbooks.py (or a valid plan) and applies
a few random spoilings: odd values in random cells, sheets emptied, deleted or renamed by case,
columns deleted or duplicated, blank rows and columns inserted, cells merged, the archive's
XML corrupted. The property: ``read_problem`` (``read_plan``) returns, or raises InvalidInput
whose every error has a message and, when it points somewhere, a sensible location. Any other
exception fails. The examples are bounded so that the whole module runs in about a minute.
"""

from __future__ import annotations

import datetime as dt
import functools
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from rotation.domain import Problem, Secondment
from rotation.findings import Finding, InvalidInput
from rotation.io.plan_reader import PLAN_SHEET, read_plan
from rotation.io.reader import read_problem
from rotation.io.schema import INPUT_SHEETS
from tests.factory import problem as small_problem
from tests.workbooks import Rows, sheets, write_csv_folder

Book = dict[str, Rows]
SHEET_NAMES = {sheet.name for sheet in INPUT_SHEETS}
# Derandomised, so that every run tries the same examples and a failure always reproduces;
# about 40 seconds in all. Raise max_examples locally to hunt further.
FUZZ = settings(max_examples=250, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FUZZ_CHEAP = settings(FUZZ, max_examples=600)  # for examples that are refused in milliseconds

# -- values a planner (or a hostile sender) might leave in a cell ------------------------------
# openpyxl cannot store control characters or lone surrogates in a workbook, so text for
# .xlsx files leaves them out; CSV files get every character.
_XLSX_TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=40)
_ODD_TEXT = st.sampled_from([
    "NaN", "nan", "inf", "-inf", "1e400", "-0", "0x1F", "£", "£3,800.50", "1,2,3", "  ",
    "TRUE", "yes", "#N/A", "#VALUE!", "None", "null", "2027-13", "2027-00", "2027-04-31",
    "31/04/2027", "April", "Apr 2027", "2027/4", "0000-01", "9999-12", "99999-01", "1e3",
    "=1+1", "=A1", "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3", "Ω≈ç√", "مريم", "🌄" * 5,
    "x" * 5000, "9" * 400, ",,,", " , ", "funded", "FUNDED", "either", "seconded ",
])
CELL_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.sampled_from([0, 1, -1, 120, 121, 10**9, 10**9 + 1, 10**15, -(10**15), 2**63, 1e308,
                     -1e308, 5e-324, 0.5, 12.000001]),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
    st.times(),
    _ODD_TEXT,
    _XLSX_TEXT,
)


# -- spoiling a book (sheet name -> rows, header first) -----------------------------------------
def _set_random_cell(book: Book, data: st.DataObject) -> None:
    """Put an odd value into one cell (header included)."""
    name = data.draw(st.sampled_from(sorted(book)))
    rows = book[name]
    if not rows:
        return
    row = data.draw(st.integers(0, len(rows) - 1))
    width = max(len(rows[row]), 1)
    column = data.draw(st.integers(0, width))
    while len(rows[row]) <= column:
        rows[row].append(None)
    rows[row][column] = data.draw(CELL_VALUES)


def _empty_sheet(book: Book, data: st.DataObject) -> None:
    """Leave a sheet with no rows at all, or only its header."""
    name = data.draw(st.sampled_from(sorted(book)))
    book[name] = book[name][:data.draw(st.integers(0, 1))]


def _delete_sheet(book: Book, data: st.DataObject) -> None:
    if len(book) > 1:
        del book[data.draw(st.sampled_from(sorted(book)))]


def _rename_sheet_by_case(book: Book, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(book)))
    new = data.draw(st.sampled_from([name.upper(), name.lower(), f" {name} ", name + "s"]))
    if new not in book:
        book[new] = book.pop(name)


def _delete_column(book: Book, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(book)))
    rows = book[name]
    if rows and rows[0]:
        index = data.draw(st.integers(0, len(rows[0]) - 1))
        book[name] = [row[:index] + row[index + 1:] for row in rows]


def _duplicate_header(book: Book, data: st.DataObject) -> None:
    """Copy one header name over another, or append it as an extra column."""
    name = data.draw(st.sampled_from(sorted(book)))
    header = book[name][0] if book[name] else []
    if header:
        source = data.draw(st.sampled_from(header))
        target = data.draw(st.integers(0, len(header)))
        if target == len(header):
            header.append(source)
        else:
            header[target] = source


def _insert_blank_rows(book: Book, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(book)))
    rows = book[name]
    at = data.draw(st.integers(0, len(rows)))
    rows[at:at] = [[None] * data.draw(st.integers(0, 3))
                   for _ in range(data.draw(st.integers(1, 3)))]


def _insert_blank_column(book: Book, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(book)))
    at = data.draw(st.integers(0, 12))
    book[name] = [[*row[:at], None, *row[at:]] for row in book[name]]


def _add_random_row(book: Book, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(book)))
    book[name].append(data.draw(st.lists(CELL_VALUES, max_size=12)))


def _swap_two_rows(book: Book, data: st.DataObject) -> None:
    """Move the header down (or a data row up)."""
    name = data.draw(st.sampled_from(sorted(book)))
    rows = book[name]
    if len(rows) >= 2:
        first, second = data.draw(st.integers(0, len(rows) - 1)), 0
        rows[first], rows[second] = rows[second], rows[first]


SPOILINGS: list[Callable[[Book, st.DataObject], None]] = [
    _set_random_cell, _set_random_cell, _set_random_cell, _empty_sheet, _delete_sheet,
    _rename_sheet_by_case, _delete_column, _duplicate_header, _insert_blank_rows,
    _insert_blank_column, _add_random_row, _swap_two_rows,
]


def _spoiled(book: Book, data: st.DataObject, spoilings: list[Callable[..., None]]) -> Book:
    """The book after one to four random spoilings."""
    for _ in range(data.draw(st.integers(1, 4))):
        data.draw(st.sampled_from(spoilings))(book, data)
    return book


# -- writing a spoiled book --------------------------------------------------------------------
def _write_book(path: Path, book: Book, merges: Sequence[str] = (), as_text: bool = False
                ) -> Path:
    """The book as an .xlsx; text starting with '=' becomes a formula unless ``as_text``."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in book.items():
        sheet = workbook.create_sheet(name[:31])
        for row_number, row in enumerate(rows, start=1):
            for column_number, value in enumerate(row, start=1):
                cell = sheet.cell(row=row_number, column=column_number, value=value)
                if as_text and isinstance(value, str):
                    cell.data_type = "s"
        for merge in merges:
            if sheet.max_row >= 2:
                sheet.merge_cells(merge)
    workbook.save(path)
    return path


@contextmanager
def _folder() -> Iterator[Path]:
    """A fresh temporary folder for one example (hypothesis reuses pytest's tmp_path)."""
    with tempfile.TemporaryDirectory(prefix="rotation-fuzz-") as name:
        yield Path(name)


# -- the property --------------------------------------------------------------------------------
def _assert_sensible(findings: list[Finding], known_sheets: set[str]) -> None:
    """Every error has a message; a location names a known sheet, a real row and a column."""
    errors = [f for f in findings if f.severity == "error"]
    assert errors, "InvalidInput raised without an error"
    for finding in findings:
        assert finding.message.strip(), finding
        where = finding.location
        if where is not None:
            assert where.sheet in known_sheets, finding
            assert where.row is None or where.row >= 1, finding
            assert where.column is None or where.column.strip(), finding


def _read_input(path: Path) -> Problem | None:
    """read_problem, holding it to the property: a Problem, or sensible findings."""
    try:
        problem, warnings = read_problem(path)
    except InvalidInput as exc:
        _assert_sensible(exc.findings, SHEET_NAMES)
        return None
    assert isinstance(problem, Problem)
    assert all(f.severity == "warning" and f.message for f in warnings)
    return problem


@FUZZ
@given(data=st.data())
def test_spoiled_workbooks_read_or_give_located_errors(data: st.DataObject) -> None:
    book = _spoiled(sheets(), data, SPOILINGS)
    as_text = data.draw(st.booleans())
    with _folder() as folder:
        _read_input(_write_book(folder / "input.xlsx", book, as_text=as_text))


@FUZZ
@given(data=st.data())
def test_spoiled_cell_values_give_located_errors(data: st.DataObject) -> None:
    """With the structure intact, every error points at a sheet (and a row, for a row's fault)."""
    book = sheets()
    for _ in range(data.draw(st.integers(1, 5))):
        _set_random_cell(book, data)
    with _folder() as folder:
        try:
            read_problem(_write_book(folder / "input.xlsx", book))
        except InvalidInput as exc:
            _assert_sensible(exc.findings, SHEET_NAMES)
            assert all(f.location is not None for f in exc.errors), exc.findings


@FUZZ_CHEAP
@given(data=st.data())
def test_spoiled_csv_folders_read_or_give_located_errors(data: st.DataObject) -> None:
    book = _spoiled(sheets(), data, SPOILINGS)
    # CSV files hold any character, control characters and NUL included.
    for _ in range(data.draw(st.integers(0, 2))):
        name = data.draw(st.sampled_from(sorted(book)))
        book[name].append([data.draw(st.text(max_size=30)) for _ in range(3)])
    with _folder() as folder:
        try:
            path = write_csv_folder(folder / "input", book)
        except UnicodeEncodeError:
            return  # a lone surrogate cannot be saved as UTF-8: no such file can exist
        _read_input(path)


@FUZZ
@given(data=st.data())
def test_merged_cells_read_or_give_located_errors(data: st.DataObject) -> None:
    book = _spoiled(sheets(), data, [_set_random_cell, _insert_blank_rows])
    column = get_column_letter(data.draw(st.integers(1, 11)))
    last_row = data.draw(st.integers(2, 4))
    wide = f"A{last_row}:{get_column_letter(data.draw(st.integers(2, 11)))}{last_row}"
    merges = data.draw(st.lists(st.sampled_from([f"{column}2:{column}{last_row}", wide]),
                                min_size=1, max_size=1))
    with _folder() as folder:
        _read_input(_write_book(folder / "input.xlsx", book, merges=merges))


# -- a damaged archive -------------------------------------------------------------------------
def _corrupt_part(data: st.DataObject, xml: bytes) -> bytes:
    """XML with a slice replaced, cut short, or a tag's name changed."""
    how = data.draw(st.sampled_from(["replace", "truncate", "rename", "insert"]))
    at = data.draw(st.integers(0, max(len(xml) - 1, 0)))
    if how == "truncate":
        return xml[:at]
    if how == "rename":
        return xml.replace(b"<c ", b"<q ", 1).replace(b"<row", b"<r0w", 1)
    junk = data.draw(st.one_of(
        st.binary(max_size=20),
        st.sampled_from([b"<", b">", b"&", b"&amp", b'"', b"<c r=\"ZZZZ9999999\">", b"</row>",
                         b'<c t="s"><v>99</v></c>', b'<c t="n"><v>x</v></c>',
                         b'<c t="d"><v>not a date</v></c>', b'<c t="b"><v>7</v></c>',
                         b'<c r="A1" s="999"><v>1</v></c>', b"<f>SUM(A1)</f>",
                         b'<sheet name="X" sheetId="99" r:id="rId99"/>'])))
    if how == "insert":
        return xml[:at] + junk + xml[at:]
    return xml[:at] + junk + xml[at + len(junk):]


@functools.cache
def _valid_parts() -> dict[str, bytes]:
    """The parts of the valid workbook, made once so that every example starts the same."""
    with _folder() as folder, zipfile.ZipFile(_write_book(folder / "valid.xlsx",
                                                          sheets())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(path: Path, parts: dict[str, bytes]) -> Path:
    """An archive of the parts, byte for byte the same for the same parts."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2027, 4, 1, 0, 0, 0)), content,
                             compress_type=zipfile.ZIP_DEFLATED)
    return path


@FUZZ_CHEAP
@given(data=st.data())
def test_damaged_archives_are_refused_or_read(data: st.DataObject) -> None:
    parts = dict(_valid_parts())
    for _ in range(data.draw(st.integers(1, 3))):
        name = data.draw(st.sampled_from(sorted(parts)))
        if data.draw(st.integers(0, 9)) == 0:
            del parts[name]
        else:
            parts[name] = _corrupt_part(data, parts[name])
    with _folder() as folder:
        damaged = _zip(folder / "damaged.xlsx", parts)
        if data.draw(st.booleans()):  # and sometimes the zip itself: bytes flipped
            raw = bytearray(damaged.read_bytes())
            for _ in range(data.draw(st.integers(1, 4))):
                raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
            damaged.write_bytes(bytes(raw))
        _read_input(damaged)


# -- the plan reader ---------------------------------------------------------------------------
PLAN_HEADER = ["person", "name", "agency", "grade", "post", "area", "start", "end", "months",
               "existing", "follows"]


def _plan_book() -> Book:
    """A valid plan's Secondments sheet, and a Summary sheet beside it."""
    return {
        "Summary": [["setting", "value"], ["plan_name", "fuzz"]],
        PLAN_SHEET: [
            list(PLAN_HEADER),
            ["A", "Ann", "HC", "HC8", "P1", "Area P1", "2027-04", "2027-09", 6, "no", None],
            ["B", "Bob", "NHS", "Band 6", "P1", "Area P1", "2027-09", "2028-02", 6, "yes", "A"],
        ],
    }


def _read_plan_sensibly(path: Path, problem: Problem | None) -> None:
    """read_plan, held to the property."""
    try:
        secondments = read_plan(path, problem)
    except InvalidInput as exc:
        _assert_sensible(exc.findings, {PLAN_SHEET})
        return
    assert all(isinstance(s, Secondment) and s.start <= s.end for s in secondments)


@FUZZ
@given(data=st.data())
def test_spoiled_plans_read_or_give_located_errors(data: st.DataObject) -> None:
    book = _spoiled(_plan_book(), data, SPOILINGS)
    problem = data.draw(st.sampled_from([None, small_problem()]))
    with _folder() as folder:
        path = _write_book(folder / "plan.xlsx", book, as_text=data.draw(st.booleans()))
        _read_plan_sensibly(path, problem)
