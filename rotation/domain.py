"""The planning problem and the plan, as validated domain objects.

Field names are the column names of SPEC.md section 2. Ids are strings; months are month
numbers (see ``rotation.months``). Each record remembers the spreadsheet row it was read
from (``row``), so that later findings can point back at it. Nothing here knows about
workbooks or the solver.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from rotation.months import Month, financial_year, month_range

Funding = Literal["seconded", "funded", "either"]

# Upper bounds far beyond any real plan; they keep a mistyped figure from making the
# solver's model enormous or its objective overflow.
MONTHS_CAP = 240
COUNT_CAP = 10_000
WEIGHT_CAP = 1_000_000.0


class Record(BaseModel):
    """A row of an input sheet."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    row: int | None = Field(default=None, exclude=True, repr=False)

    # Where a record was read from is not part of what it says: two records that differ only
    # in their spreadsheet row are equal.
    def _content(self) -> tuple[object, ...]:
        return tuple(value for name, value in self.__dict__.items() if name != "row")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Record)
        return self._content() == other._content()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._content()))


class Settings(Record):
    """Plan-wide settings: the horizon, secondment rules and goal weights."""

    plan_name: str = ""
    horizon_start: Month
    horizon_months: int = Field(ge=1, le=120)
    min_secondment_months: int = Field(default=12, ge=1, le=MONTHS_CAP)
    max_secondment_months: int = Field(default=23, ge=1, le=MONTHS_CAP)
    handover_overlap_months: int = Field(default=1, ge=0, le=24)
    max_handovers_per_month: int = Field(default=1, ge=0, le=COUNT_CAP)
    cooling_off_months: int = Field(default=12, ge=0, le=MONTHS_CAP)
    max_secondments_per_person: int = Field(default=1, ge=0, le=120)
    max_secondees_per_agency: int = Field(default=2, ge=0, le=COUNT_CAP)
    # Weights of the third goal tier (SPEC.md section 4); see the README for their meaning.
    weight_preference: float = Field(default=60.0, ge=0, le=WEIGHT_CAP)
    weight_travel: float = Field(default=1.0, ge=0, le=WEIGHT_CAP)
    weight_cost: float = Field(default=0.01, ge=0, le=WEIGHT_CAP)
    weight_stability: float = Field(default=1000.0, ge=0, le=WEIGHT_CAP)
    central_budget: float | None = Field(default=None, ge=0)
    # The agency whose grades price a funded officer (blank: HC if listed, else the first).
    host_agency: str = ""

    @property
    def horizon_end(self) -> Month:
        """The last planned month."""
        return self.horizon_start + self.horizon_months - 1


class Agency(Record):
    """A partner agency that seconds staff."""

    agency: str
    name: str = ""
    max_concurrent: int = Field(ge=0, le=COUNT_CAP)
    backfill_budget: float | None = Field(default=None, ge=0)
    pledged_months: int | None = Field(default=None, ge=0, le=COUNT_CAP * 120)


class Grade(Record):
    """An agency's grade, placed on the common level scale."""

    agency: str
    grade: str
    level: int
    monthly_cost: float = Field(ge=0)

    @field_validator("monthly_cost")
    @classmethod
    def _whole_pence(cls, value: float) -> float:
        return round(value, 2)


class Post(Record):
    """A Partnership post: one area, a grade band, and the months it exists."""

    post: str
    area: str
    role: str = ""
    min_level: int
    max_level: int
    skills: tuple[str, ...] = ()
    start: Month | None = None
    end: Month | None = None
    funding: Funding = "seconded"


class Candidate(Record):
    """A member of staff who could be seconded."""

    person: str
    name: str = ""
    agency: str
    grade: str
    home_area: str = ""
    available_from: Month | None = None
    available_to: Month | None = None
    max_months: int | None = Field(default=None, ge=1, le=MONTHS_CAP)
    skills: tuple[str, ...] = ()
    preferred_areas: tuple[str, ...] = ()
    excluded_areas: tuple[str, ...] = ()

    @property
    def display_name(self) -> str:
        """The name, or the id when no name is given."""
        return self.name or self.person


class Travel(Record):
    """One-way travel time from a home area to a post's area."""

    from_area: str
    to_area: str
    minutes: int = Field(ge=0, le=24 * 60)


class Secondment(Record):
    """One person in one post for an unbroken run of months, inclusive."""

    person: str
    post: str
    start: Month
    end: Month
    existing: bool = False

    @property
    def months(self) -> int:
        """Length in months, counting months outside the horizon."""
        return self.end - self.start + 1

    def covers(self, value: Month) -> bool:
        """Whether the person is in the post in that month."""
        return self.start <= value <= self.end


class FundedStretch(Record):
    """A directly funded officer in one post for an unbroken run of months, inclusive."""

    post: str
    start: Month
    end: Month

    @property
    def months(self) -> int:
        """Length in months."""
        return self.end - self.start + 1

    def covers(self, value: Month) -> bool:
        """Whether the funded officer is in the post in that month."""
        return self.start <= value <= self.end


class Problem(BaseModel):
    """Everything one input workbook says."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    settings: Settings
    agencies: tuple[Agency, ...] = ()
    grades: tuple[Grade, ...] = ()
    posts: tuple[Post, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    travel: tuple[Travel, ...] = ()
    existing: tuple[Secondment, ...] = ()

    # -- the horizon --------------------------------------------------------------------
    @property
    def horizon(self) -> range:
        """Every planned month."""
        return month_range(self.settings.horizon_start, self.settings.horizon_end)

    def financial_years(self) -> list[int]:
        """The financial years the horizon touches, by the calendar year they start in."""
        return sorted({financial_year(m) for m in self.horizon})

    def most_out(self, code: str) -> int:
        """The most of an agency's staff that may be seconded at once: its backfill limit
        (R8) and the team-mix cap (R9); the cap alone for an agency not on the sheet."""
        agency = self.agency_by_code.get(code)
        cap = self.settings.max_secondees_per_agency
        return cap if agency is None else min(cap, agency.max_concurrent)

    # -- look-ups by id -----------------------------------------------------------------
    @cached_property
    def agency_by_code(self) -> dict[str, Agency]:
        return {a.agency: a for a in self.agencies}

    @cached_property
    def grade_by_key(self) -> dict[tuple[str, str], Grade]:
        """Grades by (agency, grade)."""
        return {(g.agency, g.grade): g for g in self.grades}

    @cached_property
    def post_by_id(self) -> dict[str, Post]:
        return {p.post: p for p in self.posts}

    @cached_property
    def candidate_by_person(self) -> dict[str, Candidate]:
        return {c.person: c for c in self.candidates}

    @cached_property
    def areas(self) -> tuple[str, ...]:
        """The areas that have posts, in the order the posts are listed."""
        return tuple(dict.fromkeys(p.area for p in self.posts))

    @cached_property
    def travel_minutes_by_pair(self) -> dict[tuple[str, str], int]:
        return {(t.from_area, t.to_area): t.minutes for t in self.travel}

    def grade_of(self, candidate: Candidate) -> Grade:
        """The candidate's grade record."""
        return self.grade_by_key[(candidate.agency, candidate.grade)]

    def post_months(self, post: Post) -> range:
        """The months of the horizon in which the post exists."""
        first = max(self.settings.horizon_start, post.start or self.settings.horizon_start)
        last = min(self.settings.horizon_end, post.end or self.settings.horizon_end)
        return month_range(first, last)

    def travel_minutes(self, from_area: str, to_area: str) -> int | None:
        """One-way minutes from a home area to a post's area; 0 within an area; None if unknown."""
        known = self.travel_minutes_by_pair.get((from_area, to_area))
        if known is not None:
            return known
        return 0 if from_area == to_area else None

    def preference_penalty(self, candidate: Candidate, area: str) -> int:
        """How far down the candidate's ranking an area is: 0 for the first choice.

        An area the candidate did not list counts as one place below their last choice;
        a candidate who listed nothing is indifferent (0 everywhere).
        """
        ranking = candidate.preferred_areas
        if not ranking:
            return 0
        return ranking.index(area) if area in ranking else len(ranking)

    def seconded_posts(self) -> Iterator[Post]:
        """Posts a secondee may fill (funding ``seconded`` or ``either``)."""
        return (p for p in self.posts if p.funding != "funded")
