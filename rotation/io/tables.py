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
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException

from rotation.findings import Finding, InvalidInput, error
from rotation.io.safety import UnsafeFile, inspect_text_file, inspect_workbook

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")
_OTHER_SPREADSHEETS = {
    ".xls": "an old-style Excel .xls file",
    ".ods": "an OpenDocument .ods spreadsheet",
    ".numbers": "an Apple Numbers file",
}
_SEPARATORS = re.compile(r"[\s\-]+")
# A planning workbook has a few hundred rows and a dozen columns. These bounds stop a small
# hostile file expanding into billions of cells: a sheet may claim a million rows, or put one
# cell in column XFD so that every row is padded to 16,384 cells.
MAX_SHEET_ROWS = 100_000
MAX_SHEET_COLUMNS = 200
# Shared strings let one long text fill thousands of cells; this caps the text held at once.
MAX_TOTAL_CHARACTERS = 20_000_000


@dataclass(frozen=True)
class Formula:
    """A cell that holds a formula rather than a typed value (inputs must be values)."""

    text: str


@dataclass(frozen=True)
class ExcelError:
    """A cell showing an Excel error such as ``#N/A`` or ``#VALUE!`` instead of a value."""

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


def read_workbook_grids(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every worksheet of an .xlsx file as rows of cell values, keyed by normalised sheet name.

    For sheets that hold several tables one under another (a plan's Backfill sheet), which
    ``read_tables`` cannot split. Raises InvalidInput when ``path`` is not a readable workbook.
    """
    grids: dict[str, list[tuple[object, ...]]] = {}
    for name, grid in _read_workbook(path):
        grids.setdefault(normalise_name(name), grid)
    return grids


def _not_readable(path: Path, reason: str) -> InvalidInput:
    """The single finding for an input that is not a workbook at all."""
    return InvalidInput([error(f"{path} {reason}")])


def _read_workbook(path: Path) -> list[tuple[str, list[tuple[object, ...]]]]:
    """Every worksheet of an .xlsx file as a grid of cell values; formulas become Formula.

    Raises InvalidInput with one plain reason when the file is unsafe or not a workbook.
    """
    if not path.exists():
        raise _not_readable(path, "does not exist: check the name and folder")
    if not path.is_file():  # a device or pipe could be read for ever
        raise _not_readable(path, "is not a file: give an .xlsx workbook or a folder of CSV "
                                  "files")
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
    except UnsafeFile as exc:
        raise _not_readable(path, str(exc)) from exc
    except Exception as exc:
        failure = _load_failure(path, exc)
        if failure is None:
            raise
        raise failure from exc


# What openpyxl and the zip and XML layers raise on a damaged or foreign file.
_DAMAGED_FILE_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, KeyError,
                        ValueError, TypeError, IndexError, AttributeError, EOFError,
                        OverflowError, RecursionError)


def _load_failure(path: Path, exc: Exception) -> InvalidInput | None:
    """The one finding for a workbook that openpyxl could not load; None for our own bugs."""
    if _caused_by(exc, DefusedXmlException):
        # defusedxml refuses entity declarations: the billion-laughs bomb, and external
        # entities (XXE) that would pull a local file's content into a cell. openpyxl wraps
        # the refusal in a ValueError, hence the search along the chain of causes.
        return _not_readable(path, "contains XML entity declarations, which Excel never "
                                   "writes: refused as unsafe")
    if isinstance(exc, _DAMAGED_FILE_ERRORS):
        return _not_readable(path, "could not be opened as an Excel .xlsx workbook: it may be "
                                   "another kind of file, damaged, or password-protected "
                                   f"({type(exc).__name__})")
    if isinstance(exc, OSError):
        # openpyxl raises a bare OSError (no strerror) for an archive with no workbook part.
        reason = exc.strerror or f"it is not an Excel workbook ({exc})"
        return _not_readable(path, f"could not be read: {reason}")
    if type(exc).__module__.startswith(("openpyxl", "defusedxml", "xml")):
        return _not_readable(path, "could not be opened as an Excel .xlsx workbook: it is "
                                   f"damaged or not a workbook ({exc})")
    return None


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    """Whether ``exc`` or any exception it was raised from or during is of ``kind``."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _load_grids(handle: object) -> list[tuple[str, list[tuple[object, ...]]]]:
    """Read every worksheet from an open file, marking formula and error cells.

    Raises UnsafeFile when a sheet is far larger than any planning workbook.
    """
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        # openpyxl warns about workbook features it drops (data validation extensions,
        # conditional formats, default styles); none of them matter for reading values.
        warnings.simplefilter("ignore")
        book = load_workbook(handle, read_only=True, data_only=False, keep_vba=False,
                             keep_links=False)
        try:
            budget = _TextBudget()
            return [(str(sheet.title), _sheet_grid(sheet, budget)) for sheet in book.worksheets]
        finally:
            book.close()


@dataclass
class _TextBudget:
    """The characters of text read so far, against MAX_TOTAL_CHARACTERS."""

    used: int = 0

    def spend(self, value: object, sheet_title: str) -> None:
        """Count a cell's text; refuse the workbook once the total is beyond reason."""
        if isinstance(value, str):
            self.used += len(value)
            if self.used > MAX_TOTAL_CHARACTERS:
                raise UnsafeFile(f"holds more text than a planning workbook could (sheet "
                                 f"{sheet_title}): refused as unsafe")


def _sheet_grid(sheet: Any, budget: _TextBudget) -> list[tuple[object, ...]]:
    """One worksheet's rows, row N at index N-1, at most MAX_SHEET_COLUMNS wide."""
    # The sheet's stated size (its <dimension>) may claim a million rows and columns, and
    # openpyxl would pad every row to it: read only the cells the sheet really holds.
    sheet.reset_dimensions()
    grid: list[tuple[object, ...]] = []
    for row in sheet.iter_rows():
        if len(grid) >= MAX_SHEET_ROWS:
            # Blank or merely formatted rows below the limit are harmless; data there is not.
            if any(not is_blank(_cell_value(cell)) for cell in row[:MAX_SHEET_COLUMNS]):
                raise UnsafeFile(f"has data below row {MAX_SHEET_ROWS:,} of sheet "
                                 f"{sheet.title}; a planning workbook is far smaller: delete "
                                 "the rows below your data")
            continue
        values = tuple(_cell_value(cell) for cell in row[:MAX_SHEET_COLUMNS])
        for value in values:
            budget.spend(value, str(sheet.title))
        grid.append(values)
    return grid


def _cell_value(cell: object) -> object:
    """A cell's value, with formulas and Excel errors marked so that the reader rejects them."""
    value = getattr(cell, "value", None)
    data_type = getattr(cell, "data_type", None)
    if data_type == "f" or (
            value is not None and type(value).__name__ in ("ArrayFormula", "DataTableFormula")):
        return Formula(str(getattr(value, "text", value)))
    if data_type == "e":
        return ExcelError(str(value))
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
            inspect_text_file(file)
            grids.append((file.stem, _read_csv(file)))
        except UnsafeFile as exc:
            raise InvalidInput([error(str(exc))]) from exc
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
