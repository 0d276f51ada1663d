"""R5 and R10: the runs (start and end months) one secondment of a pair may have.

R5 alone decides where a run may start: it must reach the minimum length (or run on to the
horizon's last month) inside the pair's months without passing the maximum. R10 narrows that
further when the person's agency has a backfill budget: one person's months in a financial
year cost at least their own grade's months, so a run never holds more months of a year than
the budget (less what the agency's Existing secondments already spend that year) pays for on
its own. With a minimum length longer than a year's worth of budget that rules out most
starts: an 18-month secondment of someone whose agency can pay 9 months a year must straddle
a year end with at most 9 months on either side. A run that breaks this breaks R10 whatever
else the plan holds, so leaving it out of the model changes no plan the model accepts; it
makes the model smaller and its linear relaxation much closer to the whole-secondment truth.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rotation.domain import Problem
from rotation.months import Month, financial_year, financial_year_end
from rotation.solver.pence import budget_pence, monthly_pence


@dataclass(frozen=True)
class RunLimits:
    """What one run of a person may be: R5's lengths, and R10's months per financial year."""

    shortest: int
    longest: int
    horizon_end: Month
    year_cap: Mapping[int, int] | None = None  # financial year -> most months; None = any


def possible_runs(months: range, limits: RunLimits) -> dict[Month, range]:
    """Each month a run of the pair may start in, with the months it may end in (a range).

    ``months`` are the pair's months (R2-R4). A run starting in s ends no sooner than its
    minimum length allows (or at the horizon's end, if that comes first) and no later than
    its maximum length, the pair's last month or the first month that would pass a year's cap.
    """
    runs: dict[Month, range] = {}
    for start in months:
        earliest = min(start + limits.shortest - 1, limits.horizon_end)
        latest = _latest_end(start, min(start + limits.longest - 1, months[-1]), limits)
        if earliest <= latest:
            runs[start] = range(earliest, latest + 1)
    return runs


def _latest_end(start: Month, last: Month, limits: RunLimits) -> Month:
    """The last month a run from ``start`` can reach by ``last`` within each year's cap.

    Taken a financial year at a time: the run holds its first year's months from ``start``
    and each later year's from April, so it stops inside the first year whose cap is less
    than the months it would hold there.
    """
    if limits.year_cap is None:
        return last
    first = start
    while first <= last:
        year = financial_year(first)
        through = min(last, financial_year_end(year))
        cap = limits.year_cap.get(year)
        if cap is not None and cap < through - first + 1:
            return first + cap - 1
        first = through + 1
    return last


def year_caps(problem: Problem, existing: Mapping[str, Mapping[int, int]]
              ) -> dict[int, dict[int, int]]:
    """R10 per person: the most months of each financial year one run of theirs may hold.

    ``existing`` is what each agency's Existing secondments already spend (pence) in each
    financial year inside the horizon. People whose agency has no budget, or whose grade has
    no cost, have no cap and are left out.
    """
    caps: dict[int, dict[int, int]] = {}
    years = problem.financial_years()
    for p, candidate in enumerate(problem.candidates):
        agency = problem.agency_by_code.get(candidate.agency)
        pence = monthly_pence(problem, candidate)
        if agency is None or agency.backfill_budget is None or pence <= 0:
            continue
        spent = existing.get(candidate.agency, {})
        caps[p] = {year: max(0, budget_pence(agency) - spent.get(year, 0)) // pence
                   for year in years}
    return caps
