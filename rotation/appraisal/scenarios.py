"""The scenarios ``rotation compare`` plans: the board's three options and the planner's own.

The three options of report CPB/19a/21 change only the posts' funding:

- **Option 1, all funded**: every post ``funded`` (a directly funded officer throughout);
  the Existing secondments are left out, since a funded post takes no secondee (R4).
- **Option 2, hybrid**: the manager post(s) ``funded``; every other post ``either``, so an
  officer post is funded only where no secondee can cover it and the central budget allows.
- **Option 3, all seconded**: every post ``seconded``, the manager's included.

The manager posts are those whose role names a manager; if no role does, the posts the
input already marks ``funded``.

A ``Scenarios`` sheet in the input adds what-ifs, one change a row in long format:
``scenario, sheet, id, column, value`` (see ``rotation.io.schema.SCENARIOS``). Each change is
applied to the input as given; ``id`` ``*`` changes every agency or post at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from rotation.domain import Agency, Post, Problem, Settings
from rotation.findings import Finding, InvalidInput, error
from rotation.io.cells import CellError, read_cell, read_text
from rotation.io.schema import AGENCIES, POSTS, SCENARIOS, SETTINGS, SETTINGS_ROWS, Kind
from rotation.io.tables import RawRow, missing_columns, normalise_name, read_tables
from rotation.validation import did_you_mean, input_errors

EVERY = "*"
"""An ``id`` that changes every agency (or every post) at once."""

AGENCY_COLUMNS: dict[str, Kind] = {"max_concurrent": "integer", "backfill_budget": "number",
                                   "pledged_months": "integer"}
POST_COLUMNS: dict[str, Kind] = {"funding": "funding"}
SETTING_KINDS: dict[str, Kind] = {row.name: row.kind for row in SETTINGS_ROWS}
REQUIRED = ("scenario", "sheet", "column")


@dataclass(frozen=True)
class Scenario:
    """One way of resourcing the team: a name, what it means, and the problem to plan."""

    name: str
    description: str
    problem: Problem


@dataclass(frozen=True)
class Change:
    """One row of the Scenarios sheet: set ``column`` of ``id`` on ``sheet`` to ``value``."""

    scenario: str
    sheet: str
    id: str
    column: str
    value: object
    row: int


# -- the board's options -------------------------------------------------------------------

def manager_posts(problem: Problem) -> set[str]:
    """The manager post ids: roles naming a manager, else the posts already ``funded``."""
    named = {p.post for p in problem.posts if "manager" in p.role.casefold()}
    return named or {p.post for p in problem.posts if p.funding == "funded"}


def with_funding(problem: Problem, funding_of: dict[str, str]) -> Problem:
    """The problem with some posts' funding replaced."""
    posts = tuple(p.model_copy(update={"funding": funding_of[p.post]}) if p.post in funding_of
                  else p for p in problem.posts)
    return rebuilt(problem, posts=posts)


def rebuilt(problem: Problem, **parts: Any) -> Problem:
    """A new Problem with some parts replaced.

    Not ``model_copy``: that would carry over the look-ups (``post_by_id`` and the like)
    already cached on the original, which would then describe the old parts.
    """
    fields = {name: getattr(problem, name) for name in Problem.model_fields}
    return Problem(**{**fields, **parts})


def board_options(problem: Problem) -> list[Scenario]:
    """Options 1, 2 and 3 of the December 2021 report, on this input."""
    managers = manager_posts(problem)
    everyone = [p.post for p in problem.posts]
    named = ", ".join(sorted(managers)) or "none"
    return [
        Scenario("Option 1", "all posts directly funded (agreed secondments give way to "
                             "funded officers)",
                 rebuilt(with_funding(problem, dict.fromkeys(everyone, "funded")),
                         existing=())),
        Scenario("Option 2", f"manager funded ({named}); officers seconded, funded only "
                             "where no secondee can cover and the central budget allows",
                 with_funding(problem, {post: "funded" if post in managers else "either"
                                        for post in everyone})),
        Scenario("Option 3", "all posts seconded",
                 with_funding(problem, dict.fromkeys(everyone, "seconded"))),
    ]


# -- the Scenarios sheet ---------------------------------------------------------------------

def read_scenarios(path: Path, problem: Problem) -> list[Scenario]:
    """The input's own scenarios, in the order first named; InvalidInput lists every error."""
    table = read_tables(path).get(normalise_name(SCENARIOS.name))
    if table is None:
        return []
    absent = missing_columns(table, REQUIRED)
    if absent:
        raise InvalidInput([error(f"the header has no '{column}' column: add it",
                                  SCENARIOS.name, table.header_row, column)
                            for column in absent])
    findings: list[Finding] = []
    changes: list[Change] = []
    for row in table.rows:
        if row.blank_in(tuple(c.name for c in SCENARIOS.columns)):
            continue
        change = _read_change(row, problem, findings)
        if change is not None:
            changes.append(change)
    scenarios = _build(problem, changes, findings)
    if findings:
        raise InvalidInput(sorted(findings, key=lambda f: f.location.row or 0
                                  if f.location else 0))
    return scenarios


def _read_change(row: RawRow, problem: Problem, findings: list[Finding]) -> Change | None:
    """One row as a Change, or None with its errors added to ``findings``."""
    before = len(findings)
    texts: dict[str, str] = {}
    for column in ("scenario", "sheet", "id", "column"):
        try:
            texts[column] = read_text(row.get(column)) or ""
        except CellError as exc:
            findings.append(_at(row, column, str(exc)))
            texts[column] = ""
    for column in REQUIRED:
        if not texts[column] and len(findings) == before:
            findings.append(_at(row, column, f"{column} is blank: it is required"))
    if len(findings) > before:
        return None
    sheet = _sheet_name(texts["sheet"])
    if sheet is None:
        findings.append(_at(row, "sheet", f"'{texts['sheet']}' cannot be changed by a "
                                          "scenario: write Settings, Agencies or Posts"))
        return None
    target, column = texts["id"], normalise_name(texts["column"])
    if sheet == SETTINGS.name and column == "value" and target:
        column, target = normalise_name(target), ""  # the setting named in id instead
    kind = _kind(sheet, column, row, findings)
    if kind is None or not _known_id(sheet, target, problem, row, findings):
        return None
    try:
        value = read_cell(row.get("value"), kind)
    except CellError as exc:
        findings.append(_at(row, "value", f"{column}: {exc}"))
        return None
    return Change(texts["scenario"], sheet, target, column, value, row.number)


def _sheet_name(text: str) -> str | None:
    """The sheet a scenario row changes, matched without regard to case."""
    for sheet in (SETTINGS, AGENCIES, POSTS):
        if normalise_name(text) == normalise_name(sheet.name):
            return sheet.name
    return None


def _kind(sheet: str, column: str, row: RawRow, findings: list[Finding]) -> Kind | None:
    """The kind of value the column holds, or None (with an error) if it cannot be changed."""
    allowed = {SETTINGS.name: SETTING_KINDS, AGENCIES.name: AGENCY_COLUMNS,
               POSTS.name: POST_COLUMNS}[sheet]
    if column in allowed and column not in ("horizon_start", "horizon_months"):
        return allowed[column]
    what = "setting" if sheet == SETTINGS.name else f"column of {sheet}"
    choices = [c for c in allowed if c not in ("horizon_start", "horizon_months")]
    findings.append(_at(row, "column", f"'{column}' is not a {what} a scenario may change"
                                       f"{did_you_mean(column, choices)}: choose one of "
                                       f"{', '.join(choices)}"))
    return None


def _known_id(sheet: str, target: str, problem: Problem, row: RawRow,
              findings: list[Finding]) -> bool:
    """Whether ``id`` names an agency or post of the input (or ``*``); Settings need none."""
    if sheet == SETTINGS.name:
        if target:
            findings.append(_at(row, "id", "leave id blank for a setting: name the setting in "
                                           "column and give its value in value"))
            return False
        return True
    known = problem.agency_by_code if sheet == AGENCIES.name else problem.post_by_id
    if target == EVERY or target in known:
        return True
    findings.append(_at(row, "id", f"'{target}' is not on the {sheet} sheet"
                                   f"{did_you_mean(target, known)} (write {EVERY} for all)"))
    return False


def _at(row: RawRow, column: str, message: str) -> Finding:
    """An error on a cell of the Scenarios sheet."""
    return error(message, SCENARIOS.name, row.number, column)


def _build(problem: Problem, changes: list[Change], findings: list[Finding]) -> list[Scenario]:
    """One Scenario per name, its changes applied to the input in row order."""
    names = list(dict.fromkeys(change.scenario for change in changes))
    scenarios = []
    for name in names:
        own = [change for change in changes if change.scenario == name]
        changed = problem
        for change in own:
            try:
                changed = apply_change(changed, change)
            except ValidationError as exc:
                reason = "; ".join(str(e["msg"]) for e in exc.errors())
                findings.append(error(f"scenario '{name}': {change.column} cannot be "
                                      f"{change.value!r}: {reason}", SCENARIOS.name,
                                      change.row, "value"))
        for finding in input_errors(changed):
            findings.append(error(f"scenario '{name}' makes the input invalid: "
                                  f"{finding.message}", SCENARIOS.name, own[0].row, "scenario"))
        described = "; ".join(f"{c.sheet} {c.id + ' ' if c.id else ''}{c.column} = "
                              f"{'blank' if c.value is None else c.value}" for c in own)
        scenarios.append(Scenario(name, described, changed))
    return scenarios


def apply_change(problem: Problem, change: Change) -> Problem:
    """The problem with one change made; pydantic checks the changed record's limits."""
    if change.sheet == SETTINGS.name:
        settings = Settings.model_validate(_replaced(problem.settings, change))
        return rebuilt(problem, settings=settings)
    if change.sheet == AGENCIES.name:
        agencies = tuple(Agency.model_validate(_replaced(a, change))
                         if change.id in (EVERY, a.agency) else a for a in problem.agencies)
        return rebuilt(problem, agencies=agencies)
    posts = tuple(Post.model_validate(_replaced(p, change)) if change.id in (EVERY, p.post)
                  else p for p in problem.posts)
    return rebuilt(problem, posts=posts)


def _replaced(record: Settings | Agency | Post, change: Change) -> dict[str, Any]:
    """The record's fields with one replaced (a blank setting takes its default)."""
    fields = {name: getattr(record, name) for name in type(record).model_fields}
    if change.value is None and change.sheet == SETTINGS.name:
        fields.pop(change.column, None)
    else:
        fields[change.column] = change.value
    return fields
