"""Hostile and odd input workbooks: each refused with one plain reason, or read; never a traceback.

Workbooks arrive by email from several organisations, so the reader must stand up to entity
bombs, external entities (XXE), zip bombs, renamed files, formulas, macros and the everyday
oddities of hand-kept spreadsheets. Each refusal is checked through ``read_problem`` and
through ``rotation validate`` (exit 2, one line of reason, quickly).
"""

from __future__ import annotations

import datetime as dt
import struct
import time
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import Workbook, load_workbook

from rotation.checker import check_plan
from rotation.cli import main
from rotation.domain import Problem
from rotation.findings import Finding, InvalidInput, Location, warning
from rotation.io import safety, tables
from rotation.io.plan_reader import read_plan
from rotation.io.plan_writer import write_plan
from rotation.io.reader import read_problem
from rotation.io.writer import write_problem
from rotation.plan import CheckReport, SolveResult, Vacancy
from tests.factory import agency, candidate, grade, m, post, problem, secondment, travel
from tests.workbooks import Rows, set_cell, sheets, write_csv_folder, write_xlsx

# Nested entities: each level multiplies by ten, so the ninth would be a billion "lol"s.
BILLION_LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE lolz [\n'
    '<!ENTITY lol "lol">\n'
    + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">\n'
              for n in range(1, 10))
    + "]>\n"
).encode()
SECRET = "SECRET-TOKEN-7f3a9c"
FAST_SECONDS = 1.0


# -- building hostile files ----------------------------------------------------------------
def _valid(tmp_path: Path, name: str = "valid.xlsx") -> Path:
    """The valid input workbook of tests/workbooks.py."""
    return write_xlsx(tmp_path / name, sheets())


def _rewrite(source: Path, target: Path, edits: dict[str, Callable[[bytes], bytes]],
             extra: dict[str, bytes] | None = None) -> Path:
    """Copy a workbook's zip archive, transforming some parts and adding others."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w",
                                                          zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            new.writestr(info.filename, edits.get(info.filename, lambda d: d)(data))
        for name, data in (extra or {}).items():
            new.writestr(name, data)
    return target


def _with_shared_strings(source: Path, target: Path, strings_xml: bytes) -> Path:
    """The workbook with a sharedStrings part whose first string is Settings' plan_name."""
    def content_types(data: bytes) -> bytes:
        return data.replace(b"</Types>", (
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))

    def relationships(data: bytes) -> bytes:
        return data.replace(b"</Relationships>", (
            b'<Relationship Id="rIdStrings" Type="http://schemas.openxmlformats.org/'
            b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            b"</Relationships>"))

    def settings_sheet(data: bytes) -> bytes:
        inline = b'<c r="B2" t="inlineStr"><is><t>Test plan</t></is></c>'
        assert inline in data
        return data.replace(inline, b'<c r="B2" t="s"><v>0</v></c>')

    return _rewrite(source, target, {"[Content_Types].xml": content_types,
                                     "xl/_rels/workbook.xml.rels": relationships,
                                     "xl/worksheets/sheet1.xml": settings_sheet},
                    {"xl/sharedStrings.xml": strings_xml})


def _shared_strings(*items: str, doctype: bytes = b"") -> bytes:
    """A sharedStrings part holding ``items`` (raw XML text), after an optional DOCTYPE."""
    body = "".join(f"<si><t>{item}</t></si>" for item in items)
    return doctype + (
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(items)}" uniqueCount="{len(items)}">{body}</sst>').encode()


def _prepend(prefix: bytes) -> Callable[[bytes], bytes]:
    """A part edit putting ``prefix`` (a DOCTYPE) before the part's XML."""
    return lambda data: prefix + data.split(b"?>", 1)[-1]


def _declare_size(path: Path, part: str, size: int) -> Path:
    """Make the zip's central directory claim ``size`` uncompressed bytes for ``part``."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + name_length] == part.encode():
            struct.pack_into("<I", data, at + 24, size)
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))
    return path


def _patch_sheet(path: Path, sheet_number: int, old: bytes, new: bytes) -> Path:
    """Replace raw XML in one worksheet of a workbook, in place."""
    part = f"xl/worksheets/sheet{sheet_number}.xml"

    def edit(data: bytes) -> bytes:
        assert old in data, f"{old!r} not in {part}"
        return data.replace(old, new)

    target = _rewrite(path, path.with_name("patched-" + path.name), {part: edit})
    return target.replace(path)


# -- what a refusal looks like ---------------------------------------------------------------
def _refused(path: Path) -> list[Finding]:
    """The errors read_problem raises for ``path``, checked to come quickly."""
    started = time.perf_counter()
    with pytest.raises(InvalidInput) as raised:
        read_problem(path)
    assert time.perf_counter() - started < FAST_SECONDS
    errors = raised.value.errors
    assert errors and all(f.message for f in errors)
    return errors


def _validate(path: Path) -> Result:
    """``rotation validate`` on ``path``: never a traceback, never an unexpected exception."""
    started = time.perf_counter()
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert time.perf_counter() - started < FAST_SECONDS
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def _refused_by_cli(path: Path, reason: str) -> str:
    """``rotation validate`` exits 2 with exactly one error line, which contains ``reason``."""
    result = _validate(path)
    assert result.exit_code == 2, result.output
    error_lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(error_lines) == 1, result.output
    assert reason in error_lines[0]
    assert "nothing was written" in result.output
    return result.output


def _one_reason(path: Path, reason: str) -> None:
    """Refused by the reader and by the command line with one located-or-not reason."""
    errors = _refused(path)
    assert len(errors) == 1
    assert reason in errors[0].message
    _refused_by_cli(path, reason)


def _located(path: Path) -> set[tuple[Location | None, str]]:
    """Every error of ``path`` as (location, message)."""
    return {(f.location, f.message) for f in _refused(path)}


# -- 1. XML attacks ----------------------------------------------------------------------------
ENTITY_REFUSAL = "contains XML entity declarations, which Excel never writes: refused as unsafe"


def test_an_entity_bomb_in_the_shared_strings_is_refused(tmp_path: Path) -> None:
    bomb = _with_shared_strings(_valid(tmp_path), tmp_path / "bomb.xlsx",
                                _shared_strings("&lol9;", doctype=BILLION_LAUGHS))
    _one_reason(bomb, ENTITY_REFUSAL)


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/worksheets/sheet5.xml",
                                  "xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml"])
def test_an_entity_bomb_in_any_parsed_part_is_refused(tmp_path: Path, part: str) -> None:
    bomb = _rewrite(_valid(tmp_path), tmp_path / "bomb.xlsx", {part: _prepend(BILLION_LAUGHS)})
    _one_reason(bomb, ENTITY_REFUSAL)


def test_the_shared_strings_of_a_sound_workbook_are_read(tmp_path: Path) -> None:
    """The control for the bomb above: the same construction without the DOCTYPE reads."""
    sound = _with_shared_strings(_valid(tmp_path), tmp_path / "sound.xlsx",
                                 _shared_strings("Shared plan"))
    problem, _warnings = read_problem(sound)
    assert problem.settings.plan_name == "Shared plan"


def test_an_external_entity_is_refused_and_the_file_never_shows(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    doctype = f'<!DOCTYPE sst [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>\n'.encode()
    xxe = _with_shared_strings(_valid(tmp_path), tmp_path / "xxe.xlsx",
                               _shared_strings("&xxe;", doctype=doctype))
    errors = _refused(xxe)
    assert [f.message for f in errors] == [f"{xxe} {ENTITY_REFUSAL}"]
    output = _refused_by_cli(xxe, ENTITY_REFUSAL)
    assert SECRET not in output and SECRET not in str(errors)


def test_an_external_dtd_is_never_fetched(tmp_path: Path) -> None:
    """A DOCTYPE naming an outside DTD declares no entity: the sheet reads, the file unread."""
    secret = tmp_path / "secret.dtd"
    secret.write_text(f'<!ENTITY plan "{SECRET}">')
    doctype = f'<!DOCTYPE worksheet SYSTEM "{secret.as_uri()}">\n'.encode()
    path = _rewrite(_valid(tmp_path), tmp_path / "dtd.xlsx",
                    {"xl/worksheets/sheet1.xml": _prepend(doctype)})
    problem, _warnings = read_problem(path)
    assert SECRET not in problem.model_dump_json()
    result = _validate(path)
    assert result.exit_code == 0 and SECRET not in result.output


# -- 1. zip bombs, size, files that are not workbooks ------------------------------------------
@pytest.fixture
def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any attempt to parse the workbook fail the test."""
    def parse(_handle: object) -> None:
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(tables, "_load_grids", parse)


@pytest.mark.usefixtures("no_parsing")
def test_a_part_declaring_a_huge_size_is_refused_before_parsing(tmp_path: Path) -> None:
    bomb = _declare_size(_valid(tmp_path, "bomb.xlsx"), "xl/worksheets/sheet4.xml",
                         0xF000_0000)
    _one_reason(bomb, "refused as a possible zip bomb")


@pytest.mark.usefixtures("no_parsing")
def test_a_highly_compressed_part_is_refused_before_parsing(tmp_path: Path) -> None:
    padding = b"<row/>" * (2 * 1024 * 1024 // 6 + 1)  # 2 MB that compress a thousand-fold
    bomb = _rewrite(_valid(tmp_path), tmp_path / "bomb.xlsx", {},
                    {"xl/worksheets/sheet8.xml": padding})
    _one_reason(bomb, "refused as a possible zip bomb")


RENAMED_FILES = {
    "random bytes": bytes(range(256)) * 20,
    "PNG image": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64),
    "PDF document": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
    "empty file": b"",
    "text": b"person,name\nA,Ann\n",
}


@pytest.mark.parametrize("kind", RENAMED_FILES)
def test_a_renamed_file_is_not_a_workbook(tmp_path: Path, kind: str) -> None:
    fake = tmp_path / "input.xlsx"
    fake.write_bytes(RENAMED_FILES[kind])
    _one_reason(fake, "is not an Excel workbook (.xlsx): save it from Excel")


def test_a_password_protected_workbook_is_named_as_such(tmp_path: Path) -> None:
    encrypted = tmp_path / "locked.xlsx"  # Excel wraps an encrypted workbook in an OLE file
    encrypted.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    _one_reason(encrypted, "is password-protected or an old-style .xls file")


@pytest.mark.parametrize("parts", [{"hello.txt": b"hi"},
                                   {"word/document.xml": b"<document/>"}],
                         ids=["plain zip", "zip without a workbook part"])
def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path: Path,
                                                 parts: dict[str, bytes]) -> None:
    fake = tmp_path / "input.xlsx"
    with zipfile.ZipFile(fake, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    _one_reason(fake, "input.xlsx")


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safety, "MAX_FILE_BYTES", 1024)
    _one_reason(_valid(tmp_path), "a planning workbook is far smaller (the limit is")


def test_a_csv_file_over_the_size_limit_is_refused_unread(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    folder = write_csv_folder(tmp_path / "input", sheets())
    (folder / "Travel.csv").write_text("from_area,to_area,minutes\n" + "a,b,1\n" * 400)
    monkeypatch.setattr(safety, "MAX_FILE_BYTES", 1024)
    _one_reason(folder, "Travel.csv is")


# -- 1. formulas, error cells, macros -----------------------------------------------------------
def test_formula_cells_are_located_errors(tmp_path: Path) -> None:
    book = sheets()
    set_cell(book, "Agencies", 2, "max_concurrent", "=1+1")
    set_cell(book, "Agencies", 3, "name", "=A1")
    set_cell(book, "Settings", 3, "value", "=TODAY()")
    set_cell(book, "Candidates", 2, "skills", '=CONCAT("a",",b")')
    set_cell(book, "Posts", 3, "end", "=DATE(2029,3,1)")
    book["Settings"].append(["=B1", 3])
    path = write_xlsx(tmp_path / "formulas.xlsx", book)
    errors = _located(path)
    assert {where for where, _message in errors} == {
        Location("Settings", 3, "value"), Location("Settings", 9, "setting"),
        Location("Agencies", 2, "max_concurrent"), Location("Agencies", 3, "name"),
        Location("Posts", 3, "end"), Location("Candidates", 2, "skills")}
    assert all("formulas are not accepted" in message for _where, message in errors)
    result = _validate(path)
    assert result.exit_code == 2
    assert ("error: Agencies, row 2, column max_concurrent: formulas are not accepted, type "
            "the value (found =1+1)") in result.output


def test_a_formulas_cached_value_is_never_used(tmp_path: Path) -> None:
    book = sheets()
    set_cell(book, "Agencies", 2, "max_concurrent", "=1+1")
    path = write_xlsx(tmp_path / "cached.xlsx", book)
    _patch_sheet(path, 2, b"<f>1+1</f><v />", b"<f>1+1</f><v>2</v>")
    assert load_workbook(path, data_only=True)["Agencies"]["C2"].value == 2  # Excel's cache
    assert _located(path) == {(Location("Agencies", 2, "max_concurrent"),
                               "formulas are not accepted, type the value (found =1+1)")}


def test_an_excel_error_cell_is_a_located_error(tmp_path: Path) -> None:
    path = _valid(tmp_path)
    _patch_sheet(path, 5, b'<c r="B2" t="inlineStr"><is><t>Ann Bell</t></is></c>',
                 b'<c r="B2" t="e"><v>#N/A</v></c>')
    assert _located(path) == {(Location("Candidates", 2, "name"),
                               "the cell shows the Excel error #N/A: type the value")}


def _macro_workbook(tmp_path: Path, name: str) -> Path:
    """The valid workbook saved as a macro-enabled one, with a VBA project part."""
    def content_types(data: bytes) -> bytes:
        return data.replace(
            b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml"
        ).replace(b"application/vnd.openxmlformats-officedocument.sheet.macroEnabled",
                  b"application/vnd.ms-excel.sheet.macroEnabled").replace(
            b"</Types>", b'<Default Extension="bin" '
                         b'ContentType="application/vnd.ms-office.vbaProject"/></Types>')

    def relationships(data: bytes) -> bytes:
        return data.replace(b"</Relationships>", (
            b'<Relationship Id="rIdVBA" Type="http://schemas.microsoft.com/office/2006/'
            b'relationships/vbaProject" Target="vbaProject.bin"/></Relationships>'))

    return _rewrite(_valid(tmp_path), tmp_path / name,
                    {"[Content_Types].xml": content_types,
                     "xl/_rels/workbook.xml.rels": relationships},
                    {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"Sub AutoOpen()" * 50})


@pytest.mark.parametrize("name", ["macros.xlsm", "macros-renamed.xlsx"])
def test_macros_are_ignored_with_a_warning_and_the_data_read(tmp_path: Path,
                                                            name: str) -> None:
    path = _macro_workbook(tmp_path, name)
    problem, warnings = read_problem(path)
    assert [c.person for c in problem.candidates] == ["A", "B"]
    assert [f.message for f in warnings] == [
        f"{name} contains macros: they were ignored (rotation reads only the typed values "
        "and never runs macros)"]
    result = _validate(path)
    assert result.exit_code == 0
    assert "contains macros: they were ignored" in result.output


def test_a_workbook_without_macros_has_no_macro_warning(tmp_path: Path) -> None:
    assert read_problem(_valid(tmp_path))[1] == []


# -- 1. the oddities of hand-kept workbooks -------------------------------------------------
def test_hidden_and_protected_sheets_are_read(tmp_path: Path) -> None:
    path = _valid(tmp_path)
    book = load_workbook(path)
    book["Posts"].sheet_state = "hidden"
    book["Grades"].sheet_state = "veryHidden"
    book["Candidates"].protection.sheet = True
    book["Candidates"].protection.password = "secret"
    book.save(path)
    problem, _warnings = read_problem(path)
    assert [p.post for p in problem.posts] == ["INV", "CS"]
    assert _validate(path).exit_code == 0


def test_merged_cells_read_as_the_top_left_value(tmp_path: Path) -> None:
    """Only a merged range's first cell holds the value: the others are blank."""
    path = _valid(tmp_path)
    book = load_workbook(path)
    book["Candidates"].merge_cells("B2:B3")  # names: an optional column
    book["Agencies"].merge_cells("A2:A3")    # agency codes: required
    book.save(path)
    errors = _located(path)
    assert (Location("Agencies", 3, "agency"), "agency is blank: it is required") in errors
    assert _validate(path).exit_code == 2


def test_a_duplicated_header_is_a_located_error(tmp_path: Path) -> None:
    book = sheets()
    book["Candidates"][0][1] = "Person"
    errors = _located(write_xlsx(tmp_path / "dup.xlsx", book))
    assert (Location("Candidates", 1, "person"),
            "the column 'person' appears twice in the header: delete or rename one") in errors


@pytest.mark.parametrize(("typed", "read"), [
    ("2027-04-01", "2027-04"), ("Apr 2027", "2027-04"), ("April 2027", "2027-04"),
    ("2027/4", "2027-04"), ("apr-27", "2027-04"), (dt.datetime(2027, 4, 30), "2027-04"),
])
def test_months_typed_in_common_forms_are_read(tmp_path: Path, typed: object,
                                               read: str) -> None:
    book = sheets()
    set_cell(book, "Candidates", 2, "available_from", typed)
    problem, _warnings = read_problem(write_xlsx(tmp_path / "months.xlsx", book))
    assert problem.candidate_by_person["A"].available_from == m(read)


@pytest.mark.parametrize("typed", ["1 April 2027", "04/2027", "next April", "2027-13",
                                   "0000/01", "Apr 9999", "1899-12", dt.time(9, 30)])
def test_months_typed_in_other_forms_are_located_errors(tmp_path: Path, typed: object) -> None:
    book = sheets()
    set_cell(book, "Candidates", 2, "available_from", typed)
    errors = _located(write_xlsx(tmp_path / "months.xlsx", book))
    [(where, message)] = errors
    assert where == Location("Candidates", 2, "available_from")
    assert "is not a month" in message and "YYYY-MM" in message


@pytest.mark.parametrize(("sheet", "column", "typed"), [
    ("Agencies", "max_concurrent", 10**12), ("Agencies", "backfill_budget", 1e308),
    ("Grades", "monthly_cost", "1e400"), ("Agencies", "pledged_months", -(10**15)),
])
def test_numbers_beyond_any_planning_figure_are_located_errors(tmp_path: Path, sheet: str,
                                                               column: str,
                                                               typed: object) -> None:
    """Such numbers once reached the solver and overflowed it with a traceback."""
    book = sheets()
    set_cell(book, sheet, 2, column, typed)
    [(where, message)] = _located(write_xlsx(tmp_path / "huge.xlsx", book))
    assert where == Location(sheet, 2, column)
    assert "is far larger than any planning figure (at most 1,000,000,000)" in message


def test_a_four_hundred_digit_number_is_a_located_error(tmp_path: Path) -> None:
    """openpyxl reads it as a Python int too long for a float: once a traceback."""
    path = _valid(tmp_path)
    _patch_sheet(path, 2, b'<c r="C2" t="n"><v>2</v></c>',
                 b'<c r="C2" t="n"><v>' + b"9" * 400 + b"</v></c>")
    assert _located(path) == {(Location("Agencies", 2, "max_concurrent"),
                               "a 400-digit number is far larger than any planning figure (at "
                               "most 1,000,000,000): check the cell")}


UNICODE_NAMES = {
    "A": "Seònaid Nic Dhòmhnaill",     # Gaelic accents
    "B": "Zoë Ó Briain 🌄",             # emoji beyond the Basic Multilingual Plane
}


def test_unicode_names_ids_and_areas_are_read_exactly(tmp_path: Path) -> None:
    book = sheets()
    for person, name in UNICODE_NAMES.items():
        set_cell(book, "Candidates", 2 if person == "A" else 3, "name", name)
    set_cell(book, "Agencies", 3, "name", "مريم للخدمات الصحية")  # right-to-left
    set_cell(book, "Grades", 3, "grade", "Bànd 6 ✓")
    set_cell(book, "Candidates", 3, "grade", "Bànd 6 ✓")
    problem, _warnings = read_problem(write_xlsx(tmp_path / "unicode.xlsx", book))
    assert {c.person: c.name for c in problem.candidates} == UNICODE_NAMES
    assert problem.agency_by_code["NHS"].name == "مريم للخدمات الصحية"
    assert problem.candidate_by_person["B"].grade == "Bànd 6 ✓"


def test_whitespace_only_cells_count_as_blank(tmp_path: Path) -> None:
    book = sheets()
    set_cell(book, "Candidates", 2, "name", "   ")
    set_cell(book, "Agencies", 3, "name", "\u00a0\t")
    set_cell(book, "Agencies", 3, "backfill_budget", "  ")
    set_cell(book, "Candidates", 3, "person", " \t ")
    errors = _located(write_xlsx(tmp_path / "blank.xlsx", book))
    assert (Location("Candidates", 3, "person"), "person is blank: it is required") in errors
    assert not any(where and where.sheet == "Agencies" for where, _message in errors)


def test_control_characters_are_dropped_from_text(tmp_path: Path) -> None:
    """A CSV may carry them; a workbook cannot, so ids keep matching their written plan."""
    book = sheets()
    set_cell(book, "Candidates", 2, "name", "Ann\x07 Bell\x1b")
    set_cell(book, "Candidates", 3, "person", "B\x00")
    problem, _warnings = read_problem(write_csv_folder(tmp_path / "input", book))
    assert [(c.person, c.name) for c in problem.candidates] == [("A", "Ann Bell"),
                                                               ("B", "Bob Ross")]


# -- 1. small files that would expand into millions of cells -------------------------------
def test_a_sheet_claiming_a_million_rows_is_read_quickly(tmp_path: Path) -> None:
    """A few bytes once made openpyxl pad a million rows to 16,384 cells each (hours)."""
    path = _valid(tmp_path)
    _patch_sheet(path, 2, b'<dimension ref="A1:E3"', b'<dimension ref="A1:XFD1048576"')
    _patch_sheet(path, 2, b"</sheetData>", b'<row r="1048576" ht="20" customHeight="1">'
                                           b'<c r="A1048576" s="0"/></row></sheetData>')
    started = time.perf_counter()
    problem, _warnings = read_problem(path)
    # Walking a million empty rows takes openpyxl a moment; allow for a slow machine.
    assert time.perf_counter() - started < 3 * FAST_SECONDS
    assert [a.agency for a in problem.agencies] == ["HC", "NHS"]


def test_a_cell_far_out_to_the_right_is_ignored(tmp_path: Path) -> None:
    path = _valid(tmp_path)
    _patch_sheet(path, 2, b"</row></sheetData>",
                 b'<c r="XFD3"><v>1</v></c></row></sheetData>')
    problem, _warnings = read_problem(path)
    assert [a.agency for a in problem.agencies] == ["HC", "NHS"]


def test_data_in_the_last_row_of_the_sheet_is_refused_quickly(tmp_path: Path) -> None:
    path = _valid(tmp_path)
    _patch_sheet(path, 2, b"</sheetData>",
                 b'<row r="1048576"><c r="A1048576"><v>1</v></c></row></sheetData>')
    _one_reason(path, f"has data below row {tables.MAX_SHEET_ROWS:,} of sheet Agencies")


def test_one_long_shared_string_repeated_in_many_cells_is_refused(tmp_path: Path) -> None:
    """A few hundred kilobytes that would become gigabytes of text once every cell is read."""
    long_text = "x" * 1_000_000
    path = _with_shared_strings(_valid(tmp_path), tmp_path / "long.xlsx",
                                _shared_strings("Test plan", long_text))
    cells = "".join(f'<row r="{n}"><c r="F{n}" t="s"><v>1</v></c></row>' for n in range(10, 40))
    _patch_sheet(path, 1, b"</sheetData>", cells.encode() + b"</sheetData>")
    assert path.stat().st_size < 100_000
    _one_reason(path, "holds more text than a planning workbook could")


# -- 1. the plan reader meets the same files ---------------------------------------------------
def _plan_book(path: Path, rows: Rows) -> Path:
    """A plan workbook with a Secondments sheet of the given rows (header first)."""
    book = Workbook()
    book.active.title = "Secondments"
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_a_plan_with_a_formula_is_a_located_error(tmp_path: Path) -> None:
    path = _plan_book(tmp_path / "plan.xlsx", [["person", "post", "start", "end"],
                                               ["A", "INV", "=DATE(2027,4,1)", "2027-09"]])
    with pytest.raises(InvalidInput) as raised:
        read_plan(path)
    [finding] = raised.value.errors
    assert finding.location == Location("Secondments", 2, "start")
    assert "formulas are not accepted" in finding.message


def test_a_plan_bomb_is_refused_by_check(tmp_path: Path) -> None:
    plan = _plan_book(tmp_path / "plan.xlsx", [["person", "post", "start", "end"]])
    bomb = _rewrite(plan, tmp_path / "bomb.xlsx",
                    {"xl/worksheets/sheet1.xml": _prepend(BILLION_LAUGHS)})
    with pytest.raises(InvalidInput) as raised:
        read_plan(bomb)
    assert [f.message for f in raised.value.errors] == [f"{bomb} {ENTITY_REFUSAL}"]
    result = CliRunner().invoke(main, ["check", str(_valid(tmp_path)), str(bomb)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert ENTITY_REFUSAL in result.output


# -- 2. formula injection: text from the input is written as text, in every sheet ------------
HYPERLINK = '=HYPERLINK("http://example.org","x")'
COMMAND = "+cmd|' /C calc'!A0"
INJECTIONS = (HYPERLINK, COMMAND, "-2+3", "@SUM(A1)")
CONTROL = "\x07\x1b"


def _injection_problem(control: str = CONTROL) -> Problem:
    """A valid problem whose every text (ids, names, areas, skills, roles) could run in Excel.

    ``control`` is appended to some texts, ids among them: the written files must drop it.
    """
    area_one, area_two = f"@Area{control}", "+Area 2"
    agency_two, post_two = f"+H{control}", f"-P2{control}"
    return problem(
        plan_name=f"=1+1 plan{control}",
        horizon_months=12,
        agencies=[agency("=A1", name=HYPERLINK), agency(agency_two, name=f"-2+3{control}")],
        grades=[grade("=A1", "@SUM(A1)"), grade(agency_two, f"-1{control}")],
        posts=[post("=P1", area=area_one, role=COMMAND, skills=("=skill",)),
               post(post_two, area=area_two, role=f"-Role{control}")],
        candidates=[
            candidate("=A", name=HYPERLINK, agency="=A1", grade="@SUM(A1)", home_area=area_one,
                      skills=("=skill",), preferred_areas=(area_one,),
                      excluded_areas=(area_two,)),
            candidate("+B", name=COMMAND, agency=agency_two, grade=f"-1{control}",
                      home_area=area_two, skills=("=skill", f"@x{control}")),
            candidate("-C", name="-2+3", agency="=A1", grade="@SUM(A1)"),
        ],
        travel_times=[travel(area_one, area_two, 30), travel(area_two, area_one, 30)],
        existing=[secondment("-C", post_two, "2027-01", "2027-06")],
    )


def _injection_plan(problem_: Problem) -> tuple[SolveResult, CheckReport]:
    """A hand-made plan for the injection problem, with the checker's report."""
    plan = (*problem_.existing, secondment("=A", "=P1", "2027-04", "2027-09"),
            secondment("+B", problem_.existing[0].post, "2027-06", "2027-11"))
    report = check_plan(problem_, plan)
    assert report.ok, report.breaches
    report = report.model_copy(update={"vacancies": (
        Vacancy(post="=P1", first=m("2027-10"), last=m("2028-03"),
                reason=f"{HYPERLINK} is not free{CONTROL}"),)})
    result = SolveResult(status="OPTIMAL", secondments=plan, goals=report.goals, objective=1.0,
                         best_bound=1.0, solve_seconds=0.5, seed=0, workers=1, time_limit=5.0)
    return result, report


def _text_cells(path: Path) -> set[str]:
    """Every text cell of every sheet; fails on a formula cell or a <f> element anywhere."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name)
                assert b"<f>" not in xml and b"<f " not in xml, f"a formula in {name}"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an openpyxl warning means Excel would repair the file
        book = load_workbook(path)
    texts = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}: {cell.value}"
                if isinstance(cell.value, str):
                    assert not set(cell.value) & set(CONTROL), f"{sheet.title}!{cell.coordinate}"
                    texts.add(cell.value)
    return texts


def test_the_template_holds_no_formula(tmp_path: Path) -> None:
    target = tmp_path / "template.xlsx"
    result = CliRunner().invoke(main, ["template", str(target)])
    assert result.exit_code == 0, result.output
    assert "setting" in _text_cells(target)


def test_an_input_written_back_keeps_every_injection_as_text(tmp_path: Path) -> None:
    target = tmp_path / "input.xlsx"
    write_problem(target, _injection_problem())
    texts = _text_cells(target)
    assert set(INJECTIONS) | {"=A1", "=P1", "=A", "+B", "@Area", "-1", "=1+1 plan"} <= texts
    problem_, _warnings = read_problem(target)
    assert problem_ == _injection_problem(control="")


def _write_injection_plan(target: Path, control: str) -> Path:
    """The injection problem's plan, written by the plan writer."""
    problem_ = _injection_problem(control)
    result, report = _injection_plan(problem_)
    findings = [warning(f"{COMMAND} has a note{control}", "Candidates", 3, "name")]
    write_plan(target, problem_, result, report, findings, "ab" * 32)
    return target


def test_a_plan_keeps_every_injection_as_text(tmp_path: Path) -> None:
    target = _write_injection_plan(tmp_path / "plan.xlsx", control="")
    texts = _text_cells(target)
    assert set(INJECTIONS) | {"=A1", "=P1", "@Area", "=1+1 plan"} <= texts
    assert {(s.person, s.post) for s in read_plan(target)} == {
        ("-C", "-P2"), ("=A", "=P1"), ("+B", "-P2")}


def test_a_plan_drops_control_characters_everywhere(tmp_path: Path) -> None:
    target = _write_injection_plan(tmp_path / "plan.xlsx", control=CONTROL)
    assert "=1+1 plan" in _text_cells(target)


def test_solving_an_injection_input_writes_only_text(tmp_path: Path) -> None:
    source, target = tmp_path / "input.xlsx", tmp_path / "plan.xlsx"
    write_problem(source, _injection_problem())
    solved = CliRunner().invoke(main, ["solve", str(source), "-o", str(target),
                                       "--time-limit", "20", "--workers", "1"])
    assert solved.exit_code == 0, solved.output
    assert set(INJECTIONS) <= _text_cells(target)
    assert {s.person for s in read_plan(target)} >= {"-C"}
    checked = CliRunner().invoke(main, ["check", str(source), str(target)])
    assert checked.exit_code == 0, checked.output
