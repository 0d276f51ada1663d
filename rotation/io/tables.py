"""Raw tables from an ``.xlsx`` workbook or a folder of CSV files, before any meaning is read.

Both the input reader and the plan reader start here. A table is a sheet's header and its
non-blank rows, each row numbered as Excel numbers it (the header is row 1). Sheet and column
names are matched case-insensitively, ignoring surrounding spaces and treating spaces or
hyphens as underscores, so ``Max concurrent`` finds ``max_concurrent``. Anything that is not a
readable workbook becomes one clear :class:`InvalidInput` finding, never a traceback.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rotation.findings import Finding, InvalidInput, error
from rotation.io.safety import UnsafeFile, inspect_workbook

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")
_OTHER_SPREADSHEETS = {
    ".xls": "an old-style Excel .xls file",
    ".ods": "an OpenDocument .ods spreadsheet",
    ".numbers": "an Apple Numbers file",
}
_SEPARATORS = re.compile(r"[\s\-]+")


@dataclass(frozen=True)
class Formula:
    """A cell that holds a formula rather than a typed value (inputs must be values)."""

    text: str


@dataclass(frozen=True)
class RawRow:
    """One non-blank row: its Excel row number and its cells by normalised column name."""

    number: int
    cells: dict[str, object]

    def get(self, column: str) -> object:
        """The cell under ``column`` (None when blank or when the column is absent)."""
        return self.cells.get(column)

    def blank_in(self, columns: Iterable[str]) -> bool:
        """Whether every one of ``columns`` is blank (a note in another column does not count)."""
        return all(is_blank(self.cells.get(column)) for column in columns)


@dataclass
class RawTable:
    """One sheet (or CSV file): its name as written, its columns and its non-blank rows."""

    name: str
    columns: tuple[str, ...]
    rows: list[RawRow] = field(default_factory=list)
    header_row: int = 1
    duplicate_columns: tuple[str, ...] = ()


def normalise_name(name: object) -> str:
    """A sheet, column or setting name in the form used for matching: ``max_concurrent``."""
    if name is None:
        return ""
    return _SEPARATORS.sub("_", str(name).strip()).casefold()


def is_blank(value: object) -> bool:
    """Whether a cell is empty (None or only spaces)."""
    return value is None or (isinstance(value, str) and not value.strip())


def read_tables(path: Path, *, header_search_rows: int = 1,
                header_must_have: Sequence[str] = ()) -> dict[str, RawTable]:
    """Every sheet of a workbook (or CSV file of a folder), keyed by normalised sheet name.

    The header is the first of the top ``header_search_rows`` rows that holds every column in
    ``header_must_have`` (row 1 when none does). Raises InvalidInput when ``path`` is not a
    readable workbook or CSV folder.
    """
    grids = _read_folder(path) if path.is_dir() else _read_workbook(path)
    tables: dict[str, RawTable] = {}
    for name, grid in grids:
        key = normalise_name(name)
        if key not in tables:  # Excel forbids two sheets differing only by case; CSV may not
            tables[key] = _table_from_grid(name, grid, header_search_rows, header_must_have)
    return tables


def _not_readable(path: Path, reason: str) -> InvalidInput:
    """The single finding for an input that is not a workbook at all."""
    return InvalidInput([error(f"{path} {reason}")])


def _read_workbook(path: Path) -> list[tuple[str, list[tuple[object, ...]]]]:
    """Every worksheet of an .xlsx file as a grid of cell values; formulas become Formula."""
    if not path.exists():
        raise _not_readable(path, "does not exist: check the name and folder")
    suffix = path.suffix.casefold()
    if suffix in _OTHER_SPREADSHEETS:
        raise _not_readable(path, f"is {_OTHER_SPREADSHEETS[suffix]}: open it in Excel (or "
                                  "LibreOffice) and save it as an Excel Workbook (.xlsx)")
    if suffix == ".csv":
        raise _not_readable(path, "is a single CSV file: give the folder that holds the CSV "
                                  "files (Settings.csv, Agencies.csv, ...) instead")
    try:
        inspect_workbook(path)  # size, zip structure and zip-bomb checks before parsing
    except UnsafeFile as exc:
        raise InvalidInput([error(str(exc))]) from exc
    except OSError as exc:
        raise _not_readable(path, f"could not be read: {exc.strerror or exc}") from exc
    try:
        with path.open("rb") as handle:
            return _load_grids(handle)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, TypeError,
            IndexError, AttributeError, EOFError) as exc:
        raise _not_readable(path, "could not be opened as an Excel .xlsx workbook: it may be "
                                  "another kind of file, damaged, or password-protected "
                                  f"({type(exc).__name__})") from exc
    except OSError as exc:
        raise _not_readable(path, f"could not be read: {exc.strerror or exc}") from exc
    except Exception as exc:  # openpyxl raises assorted errors on malformed files
        if type(exc).__module__.startswith(("openpyxl", "defusedxml", "xml")):
            raise _not_readable(path, "could not be opened as an Excel .xlsx workbook: "
                                      f"it is damaged or not a workbook ({exc})") from exc
        raise


def _load_grids(handle: object) -> list[tuple[str, list[tuple[object, ...]]]]:
    """Read every worksheet from an open file, marking formula cells."""
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        # openpyxl warns about workbook features it drops (data validation extensions,
        # conditional formats, default styles); none of them matter for reading values.
        warnings.simplefilter("ignore")
        book = load_workbook(handle, read_only=True, data_only=False)
        try:
            grids = []
            for sheet in book.worksheets:
                grid = [tuple(_cell_value(cell) for cell in row) for row in sheet.iter_rows()]
                grids.append((str(sheet.title), grid))
            return grids
        finally:
            book.close()


def _cell_value(cell: object) -> object:
    """A cell's value, with formulas marked so that the reader can reject them."""
    value = getattr(cell, "value", None)
    if getattr(cell, "data_type", None) == "f" or (
            value is not None and type(value).__name__ in ("ArrayFormula", "DataTableFormula")):
        return Formula(str(getattr(value, "text", value)))
    return value


def _read_folder(path: Path) -> list[tuple[str, list[tuple[object, ...]]]]:
    """Every ``*.csv`` file of a folder as a grid of text cells, named by the file's stem."""
    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.casefold() == ".csv")
    if not files:
        raise _not_readable(path, "is a folder with no CSV files in it: give an .xlsx "
                                  "workbook, or a folder holding Settings.csv, Agencies.csv, ...")
    grids = []
    for file in files:
        try:
            grids.append((file.stem, _read_csv(file)))
        except OSError as exc:
            raise _not_readable(file, f"could not be read: {exc.strerror or exc}") from exc
        except csv.Error as exc:
            raise _not_readable(file, f"is not a readable CSV file ({exc})") from exc
    return grids


def _read_csv(file: Path) -> list[tuple[object, ...]]:
    """A CSV file's rows; UTF-8 (with or without Excel's byte-order mark), else Windows-1252.

    Quoted cells may hold commas and line breaks. A header with semicolons and no commas
    means the file uses semicolons.
    """
    raw = file.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    # Excel in some European locales saves CSV with semicolons; the header tells which.
    header = text.split("\n", 1)[0]
    delimiter = ";" if ";" in header and "," not in header else ","
    return [tuple(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _table_from_grid(name: str, grid: list[tuple[object, ...]], header_search_rows: int,
                     header_must_have: Sequence[str]) -> RawTable:
    """Find the header, then keep every row that has something in a named column."""
    header_index = _find_header(grid, header_search_rows, header_must_have)
    header = [normalise_name(v) if not isinstance(v, Formula) else ""
              for v in (grid[header_index] if grid else ())]
    positions: dict[str, int] = {}
    duplicates: list[str] = []
    for position, column in enumerate(header):
        if not column:
            continue
        if column in positions:
            duplicates.append(column)
        else:
            positions[column] = position
    table = RawTable(name, tuple(positions), header_row=header_index + 1,
                     duplicate_columns=tuple(dict.fromkeys(duplicates)))
    for index in range(header_index + 1, len(grid)):
        values = grid[index]
        cells = {column: _clean(values[pos]) if pos < len(values) else None
                 for column, pos in positions.items()}
        if not all(is_blank(v) for v in cells.values()):
            table.rows.append(RawRow(index + 1, cells))
    return table


def _find_header(grid: list[tuple[object, ...]], search_rows: int,
                 must_have: Sequence[str]) -> int:
    """The index of the first row holding every required column name (0 when none does)."""
    wanted = set(must_have)
    for index, values in enumerate(grid[:max(1, search_rows)]):
        if wanted <= {normalise_name(v) for v in values if not isinstance(v, Formula)}:
            return index
    return 0


def _clean(value: object) -> object:
    """Blank text becomes None; other text is trimmed."""
    if isinstance(value, str):
        stripped = value.strip()
        return stripped or None
    return value


def missing_columns(table: RawTable, required: Iterable[str]) -> list[str]:
    """The required columns the table lacks."""
    return [c for c in required if c not in table.columns]


def header_findings(table: RawTable, sheet: str, known: Iterable[str]) -> list[Finding]:
    """Errors about a table's header itself: a column the reader uses is named twice."""
    wanted = set(known)
    return [error(f"the column '{c}' appears twice in the header: delete or rename one",
                  sheet, table.header_row, c) for c in table.duplicate_columns if c in wanted]
