"""Vacant runs of months in each post, and the best reason the plan alone can give for each.

Reasons are tried in order: first what rules candidates out whatever the plan (grade, skills,
area exclusions, availability), then what the plan itself shows about each candidate who
would otherwise fit (placed elsewhere, secondments used up, cooling-off, their agency at its
backfill limit, budget or team-mix cap), then the length of the gap.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from rotation.checker.facts import (
    BUDGET_TOLERANCE_POUNDS,
    backfill_months,
    backfill_pence,
    by_person,
    is_available,
    level_of,
    missing_skills,
    monthly_cost_pence,
    people_out,
    spans,
    vacant_months,
    well_formed,
)
from rotation.checker.words import level_band, listing, month_count, people_names, pounds
from rotation.domain import Candidate, FundedStretch, Post, Problem, Secondment
from rotation.funded_posts import direct_cost_pence_by_year, funded_monthly_pence, funded_months
from rotation.months import Month, financial_year, financial_year_label
from rotation.plan import Vacancy

# Why an eligible candidate cannot take a month, in the order they are reported.
PLACED, USED_UP, COOLING_OFF, AT_LIMIT, OVER_BUDGET, TEAM_MIX = (
    "placed", "used up", "cooling-off", "limit", "budget", "team mix")
BLOCK_ORDER = (PLACED, USED_UP, COOLING_OFF, AT_LIMIT, OVER_BUDGET, TEAM_MIX)


def find_vacancies(problem: Problem, secondments: Sequence[Secondment],
                   funded: Sequence[FundedStretch] = ()) -> list[Vacancy]:
    """Every unbroken run of months in which a post open to secondees has no holder, and why.

    A month a funded officer holds (an ``either`` post's funded stretch) is not vacant.
    """
    plan = _PlanState.of(problem, well_formed(secondments))
    by_funding = funded_months(problem, funded)
    spent = direct_cost_pence_by_year(problem, funded)
    vacancies: list[Vacancy] = []
    for post in problem.seconded_posts():
        empty = set(vacant_months(problem, post, plan.secondments))
        for first, last in spans(empty - by_funding.get(post.post, set())):
            reason = vacancy_reason(problem, post, first, last, plan)
            vacancies.append(Vacancy(post=post.post, first=first, last=last,
                                     reason=reason + unfunded_reason(problem, post, first, last,
                                                                     spent)))
    return vacancies


def unfunded_reason(problem: Problem, post: Post, first: Month, last: Month,
                    spent: dict[int, int]) -> str:
    """For an ``either`` post: the financial years whose central budget cannot fund a month."""
    budget = problem.settings.central_budget
    if post.funding != "either" or budget is None:
        return ""
    monthly = funded_monthly_pence(problem, post)
    years = sorted({financial_year(m) for m in range(first, last + 1)
                    if (spent.get(financial_year(m), 0) + monthly) / 100
                    > budget + BUDGET_TOLERANCE_POUNDS})
    if not years:
        return ""
    labels = ", ".join(financial_year_label(year) for year in years)
    return (f"; nor can a funded officer cover it: the central budget of "
            f"{pounds(round(budget * 100))} a year is spent in {labels} (R14)")


@dataclass
class _PlanState:
    """What the plan commits each person and agency to, worked out once."""

    secondments: list[Secondment]
    own: dict[str, list[Secondment]]
    out: dict[str, dict[Month, set[str]]]
    spent_pence: dict[tuple[str, int], int] = field(default_factory=dict)

    @classmethod
    def of(cls, problem: Problem, secondments: list[Secondment]) -> _PlanState:
        """The state of a well-formed plan."""
        spent = {key: backfill_pence(problem, months)
                 for key, months in backfill_months(problem, secondments).items()}
        return cls(secondments, by_person(secondments), people_out(problem, secondments), spent)


def vacancy_reason(problem: Problem, post: Post, first: Month, last: Month,
                   plan: _PlanState) -> str:
    """The best plain-English reason why the post is vacant from ``first`` to ``last``."""
    if not problem.candidates:
        return "there are no candidates"
    fitting = [c for c in problem.candidates if _fits(problem, post, c)]
    if not fitting:
        return _nobody_fits(problem, post)
    run = range(first, last + 1)
    available = [c for c in fitting if any(is_available(c, m) for m in run)]
    if not available:
        return (f"no candidate who fits ({people_names(problem, (c.person for c in fitting))}) "
                "is available in these months")
    blocked: dict[str, list[Candidate]] = defaultdict(list)
    figures: dict[tuple[str, str], str] = {}
    free: list[Candidate] = []
    for candidate in available:
        reason = _blocking_reason(problem, candidate, run, plan, figures)
        if reason is None:
            free.append(candidate)
        else:
            blocked[reason].append(candidate)
    if not free:
        return "eligible candidates are all ruled out: " + "; ".join(
            _blocked_phrase(problem, reason, blocked[reason], figures)
            for reason in BLOCK_ORDER if blocked[reason])
    return _free_reason(problem, free, first, last)


def _fits(problem: Problem, post: Post, candidate: Candidate) -> bool:
    """Whether grade, skills and area exclusions allow the candidate in the post at all."""
    level = level_of(problem, candidate)
    return (level is not None and post.min_level <= level <= post.max_level
            and not missing_skills(post, candidate) and post.area not in candidate.excluded_areas)


def _nobody_fits(problem: Problem, post: Post) -> str:
    """Which of grade, skills and area exclusions rule every candidate out."""
    causes: list[str] = []
    levels = [level_of(problem, c) for c in problem.candidates]
    if any(level is None or not post.min_level <= level <= post.max_level for level in levels):
        causes.append(f"grade level (needs {level_band(post)})")
    if any(missing_skills(post, c) for c in problem.candidates):
        causes.append(f"skills (needs {listing(list(post.skills))})")
    if any(post.area in c.excluded_areas for c in problem.candidates):
        causes.append("area exclusions")
    verb = "rules" if len(causes) == 1 else "rule"
    return f"no candidate fits: {listing(causes, 'or')} {verb} out everyone"


def _blocking_reason(problem: Problem, candidate: Candidate, run: range, plan: _PlanState,
                     figures: dict[tuple[str, str], str]) -> str | None:
    """Why the plan leaves the candidate no month of the run, or None if some month is free.

    ``figures`` collects, per (reason, agency), the figures to show for agency-wide reasons.
    """
    reasons: set[str] = set()
    for month in run:
        if not is_available(candidate, month):
            continue
        found = _month_blocks(problem, candidate, month, plan, figures)
        if not found:
            return None
        reasons.update(found)
    return next(reason for reason in BLOCK_ORDER if reason in reasons)


def _month_blocks(problem: Problem, candidate: Candidate, month: Month, plan: _PlanState,
                  figures: dict[tuple[str, str], str]) -> list[str]:
    """Every reason the plan gives why the candidate could not start or serve in the month."""
    settings = problem.settings
    own = plan.own.get(candidate.person, [])
    found: list[str] = []
    if any(s.covers(month) for s in own):
        found.append(PLACED)
    if len(own) >= settings.max_secondments_per_person:
        found.append(USED_UP)
    cooling = settings.cooling_off_months
    if cooling and any(s.end < month <= s.end + cooling or s.start - cooling <= month < s.start
                       for s in own):
        found.append(COOLING_OFF)
    out = len(plan.out.get(candidate.agency, {}).get(month, set()))
    agency = problem.agency_by_code.get(candidate.agency)
    if agency is not None and out >= agency.max_concurrent:
        found.append(AT_LIMIT)
        figures[(AT_LIMIT, candidate.agency)] = f"{out}/{agency.max_concurrent}"
    if agency is not None and agency.backfill_budget is not None:
        year = financial_year(month)
        spent = plan.spent_pence.get((candidate.agency, year), 0)
        if (spent + (monthly_cost_pence(problem, candidate.person) or 0)) / 100 \
                > agency.backfill_budget + BUDGET_TOLERANCE_POUNDS:
            found.append(OVER_BUDGET)
            figures[(OVER_BUDGET, candidate.agency)] = (
                f"{pounds(spent)} of {pounds(round(agency.backfill_budget * 100))} "
                f"in {financial_year_label(year)}")
    if out >= settings.max_secondees_per_agency:
        found.append(TEAM_MIX)
        figures[(TEAM_MIX, candidate.agency)] = f"{out}/{settings.max_secondees_per_agency}"
    return found


def _blocked_phrase(problem: Problem, reason: str, candidates: list[Candidate],
                    figures: dict[tuple[str, str], str]) -> str:
    """One group of ruled-out candidates, e.g. ``placed elsewhere (Person 3, Person 7)``."""
    names = people_names(problem, (c.person for c in candidates))
    if reason == PLACED:
        return f"placed elsewhere then ({names})"
    if reason == USED_UP:
        return f"used up their secondments ({names})"
    if reason == COOLING_OFF:
        return f"in cooling-off between secondments ({names})"
    agencies = ", ".join(f"{code} {figures[(reason, code)]}"
                         for code in sorted({c.agency for c in candidates}))
    if reason == AT_LIMIT:
        return f"their agencies are at their backfill limit ({agencies})"
    if reason == OVER_BUDGET:
        return f"their agencies' backfill budgets are spent ({agencies})"
    return f"their agencies have as many on the team as the team mix allows ({agencies})"


def _free_reason(problem: Problem, free: list[Candidate], first: Month, last: Month) -> str:
    """Why the months stay vacant although some candidates who fit look free."""
    settings = problem.settings
    minimum = settings.min_secondment_months
    names = people_names(problem, (c.person for c in free))
    gap = last - first + 1
    if gap < minimum and last < settings.horizon_end:
        return (f"the gap of {month_count(gap)} is shorter than the shortest secondment of "
                f"{month_count(minimum)} (R5), so nobody fits in between")
    if all(not _can_serve_minimum(problem, c) for c in free):
        return (f"candidates who fit and are free ({names}) are available for less than the "
                f"shortest secondment of {month_count(minimum)} (R5)")
    return (f"no reason found in the plan itself: candidates who fit look free ({names}); "
            "filling these months may break the length, handover or staggering rules (R5–R7) "
            "or cost a higher goal")


def _can_serve_minimum(problem: Problem, candidate: Candidate) -> bool:
    """Whether the candidate's availability in the horizon allows a secondment long enough."""
    settings = problem.settings
    first, last = settings.horizon_start, settings.horizon_end
    if candidate.available_from is not None:
        first = max(first, candidate.available_from)
    if candidate.available_to is not None:
        last = min(last, candidate.available_to)
    return last - first + 1 >= settings.min_secondment_months or last == settings.horizon_end
