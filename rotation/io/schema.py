"""The sheets and columns of the input workbook (SPEC.md section 2).

This is the one place that names them. The reader, the template and the sample writer all
work from these tables, so a column added here appears everywhere at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "integer", "number", "month", "list", "funding"]


@dataclass(frozen=True)
class Column:
    """One column of an input sheet."""

    name: str
    kind: Kind
    required: bool
    help: str


@dataclass(frozen=True)
class Sheet:
    """One input sheet: its name, columns, whether it must be present and the id column."""

    name: str
    columns: tuple[Column, ...]
    required: bool
    help: str
    key: tuple[str, ...] = ()

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


@dataclass(frozen=True)
class SettingRow:
    """One row of the Settings sheet."""

    name: str
    kind: Kind
    default: object
    help: str


SETTINGS_ROWS: tuple[SettingRow, ...] = (
    SettingRow("plan_name", "text", None, "Title shown on outputs (blank = the file name)."),
    SettingRow("horizon_start", "month", None, "Required. First planned month, YYYY-MM."),
    SettingRow("horizon_months", "integer", None, "Required. Number of months planned, 1 to 120."),
    SettingRow("min_secondment_months", "integer", 12, "Shortest secondment, in months."),
    SettingRow("max_secondment_months", "integer", 23,
               "Longest secondment (HMRC: one expected to pass 24 months loses travel relief)."),
    SettingRow("handover_overlap_months", "integer", 1,
               "Months an incoming officer shadows the outgoing one (0 = back to back)."),
    SettingRow("max_handovers_per_month", "integer", 1,
               "Handovers that may start in one month across all posts."),
    SettingRow("cooling_off_months", "integer", 12,
               "Gap required before the same person starts another secondment."),
    SettingRow("max_secondments_per_person", "integer", 1,
               "Secondments one person may have in the horizon."),
    SettingRow("max_secondees_per_agency", "integer", 2,
               "Team mix: most secondees of one agency on the team in any month."),
    SettingRow("weight_preference", "number", 60,
               "Goal weight per month per place down a person's area ranking."),
    SettingRow("weight_travel", "number", 1, "Goal weight per month per minute of one-way travel."),
    SettingRow("weight_cost", "number", 0.01, "Goal weight per pound of backfill cost."),
    SettingRow("weight_stability", "number", 1000,
               "Goal weight per month changed against a previous plan (replanning)."),
    SettingRow("central_budget", "number", None,
               "Central budget for funded posts, pounds per financial year (blank = no limit)."),
    SettingRow("host_agency", "text", None,
               "Agency whose grades price a funded officer: its grade at the post's top level "
               "(blank = HC if listed, else the first agency)."),
)

SETTINGS = Sheet(
    "Settings",
    (
        Column("setting", "text", True, "The setting's name, as listed below."),
        Column("value", "text", True, "Its value; blank takes the default."),
    ),
    True,
    "One row per setting. Missing optional settings take their defaults.",
    key=("setting",),
)

AGENCIES = Sheet(
    "Agencies",
    (
        Column("agency", "text", True, "Short code, unique (e.g. HC, NHS, POL, SFRS, HIE)."),
        Column("name", "text", False, "Full name."),
        Column("max_concurrent", "integer", True,
               "Backfill limit: most of its staff on secondment at once (0 or more)."),
        Column("backfill_budget", "number", False,
               "Pounds per financial year it can spend backfilling (blank = no limit)."),
        Column("pledged_months", "integer", False,
               "Officer-months it has pledged over the horizon (blank = none)."),
    ),
    True,
    "One row per partner agency.",
    key=("agency",),
)

GRADES = Sheet(
    "Grades",
    (
        Column("agency", "text", True, "Agency code from the Agencies sheet."),
        Column("grade", "text", True, "Grade name, e.g. HC8, Band 6, Sergeant."),
        Column("level", "integer", True,
               "Level on the common scale (e.g. HC8 = Band 5/6 = Sergeant; HC10 = Band 7)."),
        Column("monthly_cost", "number", True, "Pounds per month, salary plus on-costs."),
    ),
    True,
    "One row per agency grade, placed on one common level scale.",
    key=("agency", "grade"),
)

POSTS = Sheet(
    "Posts",
    (
        Column("post", "text", True, "Post id, unique (e.g. CS, EMR, SWL, NBS, INV)."),
        Column("area", "text", True, "The area the post serves."),
        Column("role", "text", False, "Role title."),
        Column("min_level", "integer", True, "Lowest grade level that may fill it."),
        Column("max_level", "integer", True, "Highest grade level that may fill it."),
        Column("skills", "list", False, "Required skills, comma-separated (blank = none)."),
        Column("start", "month", False, "First month the post exists (blank = horizon start)."),
        Column("end", "month", False, "Last month the post exists (blank = horizon end)."),
        Column("funding", "funding", False,
               "seconded (default), funded (a directly funded officer) or either."),
    ),
    True,
    "One row per post.",
    key=("post",),
)

CANDIDATES = Sheet(
    "Candidates",
    (
        Column("person", "text", True, "Person id, unique."),
        Column("name", "text", False, "Name shown on outputs."),
        Column("agency", "text", True, "Home agency code."),
        Column("grade", "text", True, "Grade at the home agency (from the Grades sheet)."),
        Column("home_area", "text", False, "Area the person lives and works in."),
        Column("available_from", "month", False, "First month they could start (blank = now)."),
        Column("available_to", "month", False, "Last month they could serve (blank = open)."),
        Column("max_months", "integer", False, "Personal cap on a secondment's length."),
        Column("skills", "list", False, "Skills, comma-separated."),
        Column("preferred_areas", "list", False, "Areas they would like, best first."),
        Column("excluded_areas", "list", False, "Areas they must not be placed in."),
    ),
    True,
    "One row per member of staff who could be seconded.",
    key=("person",),
)

TRAVEL = Sheet(
    "Travel",
    (
        Column("from_area", "text", True, "Home area."),
        Column("to_area", "text", True, "Post's area."),
        Column("minutes", "integer", True, "One-way travel time in minutes."),
    ),
    False,
    "Optional. One-way travel times; missing pairs are 0 within an area, unknown otherwise.",
    key=("from_area", "to_area"),
)

EXISTING = Sheet(
    "Existing",
    (
        Column("person", "text", True, "Person id from the Candidates sheet."),
        Column("post", "text", True, "Post id from the Posts sheet."),
        Column("start", "month", True, "First month (may be before the horizon)."),
        Column("end", "month", True, "Last month (may be after the horizon)."),
    ),
    False,
    "Optional. Secondments already agreed or in progress; the plan keeps them exactly.",
    key=("person", "post", "start"),
)

INPUT_SHEETS: tuple[Sheet, ...] = (SETTINGS, AGENCIES, GRADES, POSTS, CANDIDATES, TRAVEL, EXISTING)

FUNDING_CHOICES: tuple[str, ...] = ("seconded", "funded", "either")

SCENARIOS = Sheet(
    "Scenarios",
    (
        Column("scenario", "text", True, "Scenario name; its rows together make one scenario."),
        Column("sheet", "text", True, "What the row changes: Settings, Agencies or Posts."),
        Column("id", "text", False,
               "The setting's name, agency code or post id (blank for Settings when column "
               "names the setting)."),
        Column("column", "text", True,
               "The column to change: a setting's name (or value), an agency's max_concurrent, "
               "backfill_budget or pledged_months, or a post's funding."),
        Column("value", "text", False, "The new value; blank clears a budget or pledge."),
    ),
    False,
    "Optional. Only for `rotation compare`: what-if scenarios planned beside Options 1 to 3, "
    "one change per row.",
    key=("scenario", "sheet", "id", "column"),
)
"""The what-if sheet of ``rotation compare``: read by ``rotation.appraisal``, not by the
planner's solve, so it is not one of ``INPUT_SHEETS``."""
