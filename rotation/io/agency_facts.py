"""What the agencies' own workbooks are made from, taken from a solve or from a plan workbook.

``PlanFacts`` holds the plan as the agency workbooks show it: every Secondments row, each
post's months, and one ``AgencyBlock`` per agency. ``facts_from_solve`` builds it from the
problem and the solver's result; ``rotation.io.plan_facts_reader`` builds the same facts from a
plan workbook alone, so that ``rotation split`` needs only the file the agencies were sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from rotation.domain import Post, Problem
from rotation.io.plan_sheets.agencies import AgencyBlock, agency_blocks
from rotation.io.plan_sheets.view import PlanView
from rotation.io.xlsx import CellValue
from rotation.months import Month, format_month
from rotation.plan import CheckReport, SolveResult

# What a post-month with no holder is: a vacancy, a funded post's month, a month in which the
# post does not exist, or (a plan without a Schedule sheet) not known.
EmptyKind = Literal["vacant", "funded", "none", "unknown"]


@dataclass(frozen=True)
class PlanRow:
    """One row of a plan's Secondments sheet."""

    person: str
    name: str
    agency: str
    grade: str
    post: str
    area: str
    start: Month
    end: Month
    existing: bool
    follows: str  # the person this secondment takes over from ("" when not a handover)

    @property
    def months(self) -> int:
        """Length in months, counting months outside the horizon."""
        return self.end - self.start + 1

    def cells(self, follows: str | None = None) -> tuple[CellValue, ...]:
        """The row's cells in the Secondments sheet's column order; ``follows`` replaces it."""
        return (self.person, self.name, self.agency, self.grade, self.post, self.area,
                format_month(self.start), format_month(self.end), self.months,
                "yes" if self.existing else "no", self.follows if follows is None else follows)


@dataclass(frozen=True)
class PostRow:
    """A post on the Schedule, and what each horizon month shows when nobody holds it."""

    post: str
    area: str
    when_empty: tuple[EmptyKind, ...]


@dataclass(frozen=True)
class PlanFacts:
    """The plan as the agency workbooks show it."""

    plan_name: str
    status: str
    months: tuple[Month, ...]
    vacant_post_months: int | None
    rows: tuple[PlanRow, ...]
    posts: tuple[PostRow, ...]
    blocks: tuple[AgencyBlock, ...]
    _holders: dict[tuple[str, Month], list[PlanRow]] = field(
        init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        """Index who holds each post in each horizon month, earliest start first."""
        horizon = set(self.months)
        for row in sorted(self.rows, key=lambda r: (r.start, r.end, r.person)):
            for month in range(row.start, row.end + 1):
                if month in horizon:
                    self._holders.setdefault((row.post, month), []).append(row)

    def holders(self, post: str, month: Month) -> list[PlanRow]:
        """The rows holding a post in a horizon month, earliest start first."""
        return self._holders.get((post, month), [])

    def agency_of(self) -> dict[str, str]:
        """Each person's agency code, as the Secondments rows give it."""
        agencies: dict[str, str] = {}
        for row in self.rows:
            agencies.setdefault(row.person, row.agency)
        return agencies


def empty_kind(problem: Problem, post: Post, month: Month) -> EmptyKind:
    """What a post-month with no holder is, as the plan's Schedule marks it."""
    if month not in problem.post_months(post):
        return "none"
    return "funded" if post.funding == "funded" else "vacant"


def facts_from_solve(problem: Problem, result: SolveResult, report: CheckReport) -> PlanFacts:
    """The facts of a solved plan, figured as the plan workbook figures them."""
    view = PlanView(problem, result.secondments, result.funded)
    rows = []
    for secondment in view.secondments:
        candidate = view.candidate(secondment.person)
        post = view.post(secondment.post)
        outgoing = view.follows(secondment)
        rows.append(PlanRow(
            person=secondment.person, name=view.person_name(secondment.person),
            agency=candidate.agency if candidate else "",
            grade=candidate.grade if candidate else "", post=secondment.post,
            area=post.area if post else "", start=secondment.start, end=secondment.end,
            existing=secondment.existing, follows=outgoing.person if outgoing else ""))
    months = tuple(problem.horizon)
    # A funded stretch of an ``either`` post shows as funded, as on the plan's Schedule.
    posts = tuple(PostRow(p.post, p.area,
                          tuple("funded" if view.is_funded(p.post, m) else empty_kind(problem, p, m)
                                for m in months))
                  for p in problem.posts)
    return PlanFacts(plan_name=problem.settings.plan_name, status=result.status, months=months,
                     vacant_post_months=report.goals.vacant_post_months, rows=tuple(rows),
                     posts=posts, blocks=tuple(agency_blocks(view)))
