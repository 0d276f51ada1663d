"""Reading the input workbook (or CSV folder) into a validated Problem, in one pass.

Every sheet and row is read even after an error, so that a planner sees every mistake at
once: ``read_problem`` raises :class:`InvalidInput` carrying all the errors (and warnings),
each pointing at a sheet, row and column. Rows that could not be read are left out of the
cross-reference checks without hiding the rows that could.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from rotation.domain import Agency, Candidate, Grade, Post, Problem, Secondment, Settings, Travel
from rotation.findings import Finding, InvalidInput, error, warning
from rotation.io.cells import CellError, read_cell, read_text
from rotation.io.safety import has_macros
from rotation.io.schema import (
    AGENCIES,
    CANDIDATES,
    EXISTING,
    GRADES,
    INPUT_SHEETS,
    POSTS,
    SETTINGS,
    SETTINGS_ROWS,
    TRAVEL,
    Sheet,
)
from rotation.io.tables import (
    RawRow,
    RawTable,
    header_findings,
    missing_columns,
    normalise_name,
    read_tables,
)
from rotation.months import month
from rotation.validation import Unread, did_you_mean, input_errors, validate_problem

_MODELS: dict[str, type[BaseModel]] = {
    AGENCIES.name: Agency,
    GRADES.name: Grade,
    POSTS.name: Post,
    CANDIDATES.name: Candidate,
    TRAVEL.name: Travel,
    EXISTING.name: Secondment,
}


def read_problem(path: Path) -> tuple[Problem, list[Finding]]:
    """Read and validate an input; return the Problem and its warnings.

    Raises InvalidInput listing every error (and warning) when the input cannot be planned.
    """
    tables = read_tables(path)
    findings: list[Finding] = []
    settings_read = read_settings(tables.get("settings"), _default_plan_name(path))
    findings += settings_read.findings
    areas = AreaNames()
    areas.register_posts(tables.get("posts"))
    records: dict[str, list[Any]] = {}
    unread = _UnreadIds()
    for sheet in INPUT_SHEETS[1:]:
        table = tables.get(sheet.name.casefold())
        sheet_findings, records[sheet.name] = _read_sheet(sheet, table, areas, unread)
        findings += sheet_findings
    problem = Problem(
        settings=settings_read.settings,
        agencies=tuple(records[AGENCIES.name]),
        grades=tuple(records[GRADES.name]),
        posts=tuple(records[POSTS.name]),
        candidates=tuple(records[CANDIDATES.name]),
        travel=tuple(records[TRAVEL.name]),
        existing=tuple(records[EXISTING.name]),
    )
    if findings or not settings_read.complete:
        # Some rows are missing from the Problem: report only the errors that still make
        # sense, since a warning such as "fits no post" may just reflect an unreadable row.
        findings += input_errors(problem, setting_rows=settings_read.rows,
                                 unread=unread.frozen(areas))
    else:
        findings += validate_problem(problem, setting_rows=settings_read.rows)
    findings = sort_findings(_macro_warnings(path) + findings)
    if any(f.severity == "error" for f in findings):
        raise InvalidInput(findings)
    return problem, findings


def _macro_warnings(path: Path) -> list[Finding]:
    """A warning when the workbook carries macros: they are ignored, never run."""
    if not has_macros(path):
        return []
    return [warning(f"{path.name} contains macros: they were ignored (rotation reads only "
                    "the typed values and never runs macros)")]


def _default_plan_name(path: Path) -> str:
    """The plan name used when Settings leaves it blank: the file's (or folder's) name."""
    return path.name if path.is_dir() else path.stem


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Findings in sheet order, then row order; unlocated ones first; stable otherwise."""
    order = {sheet.name: index for index, sheet in enumerate(INPUT_SHEETS)}

    def key(finding: Finding) -> tuple[int, int]:
        where = finding.location
        if where is None:
            return (-1, 0)
        return (order.get(where.sheet, len(order)), where.row or 0)

    return sorted(findings, key=key)


@dataclass
class SettingsRead:
    """The Settings sheet as read: the settings, each setting's row, and what went wrong.

    ``complete`` is False when a required setting is missing or unreadable; ``settings``
    then holds stand-in values so that the other sheets can still be checked.
    """

    settings: Settings
    rows: dict[str, int]
    findings: list[Finding]
    complete: bool


_SETTING_KINDS = {row.name: row.kind for row in SETTINGS_ROWS}
_REQUIRED_SETTINGS = {"horizon_start": "the first planned month, e.g. 2027-04",
                      "horizon_months": "the number of months to plan, 1 to 120"}
_STAND_INS: dict[str, Any] = {"horizon_start": month(2000, 1), "horizon_months": 12}


def read_settings(table: RawTable | None, default_plan_name: str) -> SettingsRead:
    """The Settings sheet's ``setting``/``value`` rows; missing optional settings take defaults."""
    findings: list[Finding] = []
    rows: dict[str, int] = {}
    values: dict[str, Any] = {}
    unreadable: set[str] = set()
    if table is None:
        findings.append(error("the input has no Settings sheet: add one with the columns "
                              "setting and value", SETTINGS.name))
    else:
        findings += header_findings(table, SETTINGS.name, ("setting", "value"))
        absent = missing_columns(table, ("setting", "value"))
        findings += [error(f"the header has no '{column}' column: add it", SETTINGS.name,
                           table.header_row, column) for column in absent]
        for row in table.rows if not absent else ():
            if row.blank_in(("setting", "value")):
                continue
            name = _setting_name(row, rows, findings)
            if name is None:
                continue
            rows[name] = row.number
            try:
                value = read_cell(row.get("value"), _SETTING_KINDS[name])
            except CellError as exc:
                findings.append(error(f"{name}: {exc}", SETTINGS.name, row.number, "value"))
                unreadable.add(name)
                continue
            if value is not None:
                values[name] = value
    for name, meaning in _REQUIRED_SETTINGS.items():
        if name not in values and name not in unreadable and table is not None:
            findings.append(error(f"{name} is required: give {meaning}", SETTINGS.name,
                                  rows.get(name), "value" if name in rows else None))
    values.setdefault("plan_name", default_plan_name)
    return _build_settings(values, rows, findings)


def _setting_name(row: RawRow, seen: Mapping[str, int], findings: list[Finding]) -> str | None:
    """The row's setting name when it is a known one given for the first time, else None."""
    cell = row.get("setting")
    try:
        name = normalise_name(read_text(cell))
    except CellError as exc:
        findings.append(error(str(exc), SETTINGS.name, row.number, "setting"))
        return None
    if not name:
        findings.append(error("the setting name is blank: write one of "
                              f"{', '.join(_SETTING_KINDS)}", SETTINGS.name, row.number,
                              "setting"))
        return None
    if name not in _SETTING_KINDS:
        findings.append(error(f"'{cell}' is not a setting{did_you_mean(name, _SETTING_KINDS)}: "
                              f"the settings are {', '.join(_SETTING_KINDS)}", SETTINGS.name,
                              row.number, "setting"))
        return None
    if name in seen:
        findings.append(error(f"{name} is given twice (first on row {seen[name]}): keep one",
                              SETTINGS.name, row.number, "setting"))
        return None
    return name


def _build_settings(values: dict[str, Any], rows: dict[str, int], findings: list[Finding]
                    ) -> SettingsRead:
    """Settings from the values read; a value out of range is an error and is left out."""
    complete = all(name in values for name in _REQUIRED_SETTINGS)
    try:
        settings = Settings(**{**_STAND_INS, **values})
    except ValidationError as exc:
        findings += field_errors(exc, SETTINGS.name, rows.get, values)
        rejected = {str(problem["loc"][0]) for problem in exc.errors() if problem["loc"]}
        complete = complete and not rejected & set(_REQUIRED_SETTINGS)
        kept = {name: value for name, value in values.items() if name not in rejected}
        settings = Settings(**{**_STAND_INS, **kept})
    return SettingsRead(settings, rows, findings, complete)


class AreaNames:
    """One spelling per area: the Posts sheet's, matched ignoring case and extra spaces."""

    def __init__(self) -> None:
        self._spelling: dict[str, str] = {}
        self.post_areas: set[str] = set()

    @staticmethod
    def _key(name: str) -> str:
        return " ".join(name.split()).casefold()

    def register(self, name: str) -> str:
        """The known spelling of ``name``, or ``name`` itself becoming the known spelling."""
        return self._spelling.setdefault(self._key(name), " ".join(name.split()))

    def lookup(self, name: str) -> str:
        """The known spelling of ``name``, or ``name`` unchanged when the area is not known."""
        return self._spelling.get(self._key(name), name)

    def join_split_names(self, pieces: tuple[str, ...]) -> tuple[str, ...]:
        """Rejoin list items that a comma inside an area's name split apart.

        ``Skye, Wester Ross and Lochaber`` is one area, yet a comma-separated list cell splits
        it in two; the longest run of pieces that spells a known area is taken as that area.
        """
        joined: list[str] = []
        start = 0
        while start < len(pieces):
            end = next((end for end in range(len(pieces), start + 1, -1)
                        if self._key(", ".join(pieces[start:end])) in self._spelling),
                       start + 1)
            joined.append(", ".join(pieces[start:end]))
            start = end
        return tuple(joined)

    def register_posts(self, table: RawTable | None) -> None:
        """Learn the Posts sheet's spellings first, from every row, readable or not."""
        for row in table.rows if table else ():
            try:
                area = read_text(row.get("area"))
            except CellError:
                continue
            if area:
                self.post_areas.add(self.register(area))


@dataclass
class _UnreadIds:
    """Ids seen on rows that could not be read, so that references to them are not flagged."""

    ids: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)

    def add(self, sheet: Sheet, row: RawRow) -> None:
        """Remember the key of an unreadable row, as far as its key cells can be read."""
        try:
            key = tuple(read_text(row.get(column)) or "" for column in sheet.key)
        except CellError:
            return
        self.ids.setdefault(sheet.name, set()).add(key)

    def frozen(self, areas: AreaNames) -> Unread:
        """The ids as validation expects them; every Posts area, even on an unreadable row."""
        def first(sheet: Sheet) -> frozenset[str]:
            return frozenset(key[0] for key in self.ids.get(sheet.name, ()))

        return Unread(
            agencies=first(AGENCIES),
            grades=frozenset((k[0], k[1]) for k in self.ids.get(GRADES.name, ())),
            posts=first(POSTS),
            people=first(CANDIDATES),
            areas=frozenset(areas.post_areas),
        )


def _read_sheet(sheet: Sheet, table: RawTable | None, areas: AreaNames, unread: _UnreadIds
                ) -> tuple[list[Finding], list[Any]]:
    """Every readable row of one sheet as a record; an error for every problem found."""
    if table is None:
        if not sheet.required:
            return [], []
        return [error(f"the input has no {sheet.name} sheet: add one with the columns "
                      f"{', '.join(c.name for c in sheet.columns)}", sheet.name)], []
    findings = header_findings(table, sheet.name, (c.name for c in sheet.columns))
    absent = missing_columns(table, (c.name for c in sheet.columns if c.required))
    findings += [error(f"the header has no '{column}' column: add it", sheet.name,
                       table.header_row, column) for column in absent]
    records = []
    rows = [row for row in table.rows if not row.blank_in(c.name for c in sheet.columns)]
    if sheet.required and not rows and not absent:
        findings.append(error(f"the {sheet.name} sheet has no rows: add at least one "
                              f"{sheet.key[-1]}", sheet.name))
    for row in rows:
        row_findings, record = _read_row(sheet, row, areas, set(absent))
        findings += row_findings
        if record is None:
            unread.add(sheet, row)
        else:
            records.append(record)
    return findings, records


def _read_row(sheet: Sheet, row: RawRow, areas: AreaNames, absent: set[str]
              ) -> tuple[list[Finding], Any]:
    """One row as a record, or None with the errors that stop it being read."""
    findings: list[Finding] = []
    values: dict[str, Any] = {}
    for column in sheet.columns:
        try:
            value = read_cell(row.get(column.name), column.kind)
        except CellError as exc:
            findings.append(error(str(exc), sheet.name, row.number, column.name))
            continue
        if value is None or value == ():
            if column.required and column.name not in absent:
                findings.append(error(f"{column.name} is blank: it is required", sheet.name,
                                      row.number, column.name))
            continue
        values[column.name] = value
    if findings or absent:
        return findings, None
    _normalise_areas(sheet, values, areas)
    if sheet is EXISTING:
        values["existing"] = True
    try:
        return [], _MODELS[sheet.name](row=row.number, **values)
    except ValidationError as exc:
        return field_errors(exc, sheet.name, lambda _field: row.number, values), None


def _normalise_areas(sheet: Sheet, values: dict[str, Any], areas: AreaNames) -> None:
    """Spell every area as the Posts sheet does; home areas may add spellings of their own."""
    if sheet is POSTS:
        values["area"] = areas.register(values["area"])
    elif sheet is CANDIDATES:
        if "home_area" in values:
            values["home_area"] = areas.register(values["home_area"])
        for column in ("preferred_areas", "excluded_areas"):
            if column in values:
                named = areas.join_split_names(values[column])
                values[column] = tuple(dict.fromkeys(areas.lookup(a) for a in named))
    elif sheet is TRAVEL:
        values["from_area"] = areas.register(values["from_area"])
        values["to_area"] = areas.lookup(values["to_area"])


def field_errors(exc: ValidationError, sheet: str, row_of: Callable[[str], int | None],
                 values: Mapping[str, Any]) -> list[Finding]:
    """pydantic's complaints as located errors in a planner's words."""
    findings = []
    for problem in exc.errors():
        column = str(problem["loc"][0]) if problem["loc"] else None
        shown = _number_text(values.get(column, problem.get("input")) if column
                             else problem.get("input"))
        findings.append(error(f"{column} {_plain(problem)} (it is {shown})", sheet,
                              row_of(column or ""),
                              "value" if sheet == SETTINGS.name else column))
    return findings


def _plain(problem: Mapping[str, Any]) -> str:
    """A pydantic error type in plain words."""
    limits = problem.get("ctx") or {}
    kind = problem["type"]
    if kind == "greater_than_equal":
        return f"must be {_number_text(limits['ge'])} or more"
    if kind == "less_than_equal":
        return f"must be {_number_text(limits['le'])} or less"
    if kind == "greater_than":
        return f"must be more than {_number_text(limits['gt'])}"
    if kind == "less_than":
        return f"must be less than {_number_text(limits['lt'])}"
    return str(problem["msg"]).lower()


def _number_text(value: object) -> object:
    """``5`` rather than ``5.0`` in messages."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
