"""Stress tests: what the plan loses if one partner agency or one person drops out.

Each case changes the input in one way and is planned afresh with the same solver, seed and
time limit as the baseline (the input as given):

- **an agency seconds nobody**: its ``max_concurrent`` is 0 and its staff's Existing
  secondments are withdrawn (an agency that can second nobody recalls them too, or the
  limit could not hold);
- **a person withdraws**: they leave the Candidates sheet, with any Existing secondment.

A case whose agency or person has no secondment in the baseline plan leaves that plan
standing, so it is not solved again: its figures are the baseline's. Cases are ranked by the
vacant post-months the loss causes, then by the extra cost: the partnership's single points
of failure first. A figure marked "proven optimal" is exact: removing the same agency or
person by hand and running ``rotation solve`` gives the same vacant post-months.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from rotation.appraisal.compare import Outcome, plan_one
from rotation.appraisal.scenarios import Scenario, rebuilt
from rotation.domain import Problem
from rotation.solver import SolveOptions
from rotation.solver.options import Progress

Kind = Literal["agency", "person"]


@dataclass(frozen=True)
class Case:
    """One loss to plan for: an agency that seconds nobody or a person who withdraws."""

    kind: Kind
    subject: str  # agency code or person id
    label: str
    problem: Problem


@dataclass
class CaseResult:
    """How one case plans out, against the baseline."""

    case: Case
    outcome: Outcome
    baseline: Outcome
    reused: bool = False  # the baseline plan stands: the subject had no secondment in it

    @property
    def has_plan(self) -> bool:
        """Whether the case found a plan (and so has figures)."""
        return self.outcome.figures is not None

    @property
    def vacant_post_months(self) -> int | None:
        """Vacant post-months with the loss, or None without a plan."""
        return None if self.outcome.figures is None else self.outcome.figures.vacant_post_months

    @property
    def extra_vacant_months(self) -> int | None:
        """Vacant post-months the loss adds to the baseline."""
        vacant, before = self.vacant_post_months, _vacant(self.baseline)
        return None if vacant is None or before is None else vacant - before

    @property
    def cost(self) -> float | None:
        """Direct plus backfill cost over the horizon with the loss."""
        return _cost(self.outcome)

    @property
    def extra_cost(self) -> float | None:
        """What the loss adds to (or, when negative, saves from) the baseline's cost."""
        cost, before = self.cost, _cost(self.baseline)
        return None if cost is None or before is None else round(cost - before, 2)

    @property
    def posts_suffering(self) -> dict[str, int]:
        """Posts with more vacant months than in the baseline, and how many more."""
        before = vacancy_by_post(self.baseline)
        after = vacancy_by_post(self.outcome)
        return {post: months - before.get(post, 0) for post, months in sorted(after.items())
                if months > before.get(post, 0)}

    @property
    def proof(self) -> str:
        """Whether the figures are proven optimal, in words."""
        return self.outcome.status_in_words


def _vacant(outcome: Outcome) -> int | None:
    return None if outcome.figures is None else outcome.figures.vacant_post_months


def _cost(outcome: Outcome) -> float | None:
    if outcome.report is None:
        return None
    goals = outcome.report.goals
    return round(goals.direct_cost + goals.backfill_cost, 2)


def vacancy_by_post(outcome: Outcome) -> dict[str, int]:
    """Vacant months per post in an outcome's plan (empty without a plan)."""
    counts: dict[str, int] = {}
    for vacancy in outcome.report.vacancies if outcome.report else ():
        counts[vacancy.post] = counts.get(vacancy.post, 0) + vacancy.months
    return counts


def agency_seconds_nobody(problem: Problem, code: str) -> Problem:
    """The input with the agency's limit at 0 and its staff's Existing secondments withdrawn."""
    staff = {c.person for c in problem.candidates if c.agency == code}
    agencies = tuple(a.model_copy(update={"max_concurrent": 0}) if a.agency == code else a
                     for a in problem.agencies)
    existing = tuple(s for s in problem.existing if s.person not in staff)
    return rebuilt(problem, agencies=agencies, existing=existing)


def person_withdraws(problem: Problem, person: str) -> Problem:
    """The input without the person, on the Candidates sheet or in Existing secondments."""
    return rebuilt(problem,
                   candidates=tuple(c for c in problem.candidates if c.person != person),
                   existing=tuple(s for s in problem.existing if s.person != person))


def stress_cases(problem: Problem) -> list[Case]:
    """Every agency in turn, then every candidate in turn."""
    cases = [Case("agency", a.agency, f"{a.name or a.agency} ({a.agency}) seconds nobody",
                  agency_seconds_nobody(problem, a.agency)) for a in problem.agencies]
    cases += [Case("person", c.person, f"{c.display_name} ({c.person}, {c.agency}) withdraws",
                   person_withdraws(problem, c.person)) for c in problem.candidates]
    return cases


def involved(case: Case, baseline: Outcome, problem: Problem) -> bool:
    """Whether the case's agency or person has a secondment in the baseline plan."""
    people = {s.person for s in baseline.result.secondments}
    if case.kind == "person":
        return case.subject in people
    return any(problem.candidate_by_person[p].agency == case.subject for p in people
               if p in problem.candidate_by_person)


Announce = Callable[[int, int, str], None]
"""Told before each plan is made: its number (from 1), how many there are, and what it is."""


def run_stress(problem: Problem, options: SolveOptions, announce: Announce | None = None,
               on_progress: Callable[[Progress], None] | None = None
               ) -> tuple[Outcome, list[CaseResult]]:
    """Plan the baseline and every case; the cases come back ranked, worst first."""
    cases = stress_cases(problem)
    total = len(cases) + 1
    if announce is not None:
        announce(1, total, "the input as given (baseline)")
    baseline = plan_one(Scenario("Baseline", "the input as given", problem), options,
                        on_progress)
    results = []
    for number, case in enumerate(cases, start=2):
        if baseline.figures is not None and not involved(case, baseline, problem):
            if announce is not None:
                announce(number, total, f"{case.label}: not in the baseline plan, which stands")
            results.append(CaseResult(case, baseline, baseline, reused=True))
            continue
        if announce is not None:
            announce(number, total, case.label)
        outcome = plan_one(Scenario(case.label, case.label, case.problem), options, on_progress)
        results.append(CaseResult(case, outcome, baseline))
    return baseline, rank(results)


def rank(results: Sequence[CaseResult]) -> list[CaseResult]:
    """Worst first: no plan, then most vacant post-months, then most extra cost."""
    def key(result: CaseResult) -> tuple[int, int, float, str, str]:
        vacant = result.vacant_post_months
        return (0 if vacant is None else 1, -(vacant or 0), -(result.extra_cost or 0.0),
                result.case.kind, result.case.subject)

    return sorted(results, key=key)


StressCell = str | int | float | None
STRESS_HEADER = ("rank", "loss", "vacant_post_months", "extra_vacant_months", "cost",
                 "extra_cost", "posts_that_suffer", "how_sure")


def stress_rows(results: Sequence[CaseResult]) -> list[tuple[StressCell, ...]]:
    """The ranked table, one row per case (``STRESS_HEADER`` columns)."""
    rows: list[tuple[StressCell, ...]] = []
    for rank_number, result in enumerate(results, start=1):
        suffering = ", ".join(f"{post} +{months}"
                              for post, months in result.posts_suffering.items())
        how_sure = result.proof
        if result.reused:
            how_sure = f"not in the baseline plan: it stands ({how_sure})"
        rows.append((rank_number, result.case.label, result.vacant_post_months,
                     result.extra_vacant_months, result.cost, result.extra_cost,
                     suffering or "none", how_sure))
    return rows
