"""What the plan sheets show, worked out once from the problem and the secondments.

This is display logic, not rule checking: it answers "who holds this post this month", "how
many of this agency's staff are out", "what does this agency spend this financial year" the
way SPEC.md and the checker count them (months inside the horizon only), so that the
workbook and the checker's figures agree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rotation.checker import handovers
from rotation.domain import Candidate, FundedStretch, Grade, Post, Problem, Secondment
from rotation.funded_posts import direct_cost_pence_by_year, funded_months
from rotation.months import Month, financial_year

SecondmentKey = tuple[str, str, Month, Month]


def secondment_key(secondment: Secondment) -> SecondmentKey:
    """The identity of a secondment: person, post, start and end."""
    return (secondment.person, secondment.post, secondment.start, secondment.end)


class PlanView:
    """The plan as the sheets display it: secondments in post order and figures by month."""

    def __init__(self, problem: Problem, secondments: Iterable[Secondment],
                 funded: Iterable[FundedStretch] = ()) -> None:
        """Sort the secondments, mark the agreed (Existing) ones and index who holds what.

        ``funded`` are the plan's funded stretches; ``funded`` posts count as funded in every
        month of their existence whether listed or not (``rotation.funded_posts``).
        """
        self.problem = problem
        self.funded: tuple[FundedStretch, ...] = tuple(
            sorted(funded, key=lambda s: (s.post, s.start, s.end)))
        self._funded_months = funded_months(problem, self.funded)
        agreed = {secondment_key(s) for s in problem.existing}
        marked = [s if s.existing or secondment_key(s) not in agreed
                  else s.model_copy(update={"existing": True}) for s in secondments]
        self.secondments: tuple[Secondment, ...] = tuple(
            sorted(marked, key=lambda s: (s.post, s.start, s.end, s.person)))
        # Who takes over from whom is the checker's call (R6, R7), so the sheet agrees with it.
        self._follows: dict[SecondmentKey, Secondment] = {
            secondment_key(incoming): outgoing
            for outgoing, incoming in handovers(problem, self.secondments)}
        self._holders: dict[tuple[str, Month], list[Secondment]] = defaultdict(list)
        for secondment in self.secondments:
            for month in self.horizon_months_of(secondment):
                self._holders[(secondment.post, month)].append(secondment)

    # -- people --------------------------------------------------------------------------
    def candidate(self, person: str) -> Candidate | None:
        """The candidate record, or None for a person the input does not list."""
        return self.problem.candidate_by_person.get(person)

    def person_name(self, person: str) -> str:
        """The name shown for a person (the id when there is no name)."""
        found = self.candidate(person)
        return found.display_name if found else person

    def agency_of(self, person: str) -> str:
        """The person's agency code ("" when unknown)."""
        found = self.candidate(person)
        return found.agency if found else ""

    def grade_of(self, person: str) -> Grade | None:
        """The person's grade record, or None when it cannot be found."""
        found = self.candidate(person)
        if found is None:
            return None
        return self.problem.grade_by_key.get((found.agency, found.grade))

    def post(self, post_id: str) -> Post | None:
        """The post record, or None for a post the input does not list."""
        return self.problem.post_by_id.get(post_id)

    # -- months --------------------------------------------------------------------------
    def horizon_months_of(self, secondment: Secondment) -> range:
        """The secondment's months that lie inside the horizon."""
        settings = self.problem.settings
        return range(max(secondment.start, settings.horizon_start),
                     min(secondment.end, settings.horizon_end) + 1)

    def holders(self, post_id: str, month: Month) -> list[Secondment]:
        """Secondments holding the post in a horizon month, earliest start first."""
        return self._holders.get((post_id, month), [])

    def follows(self, secondment: Secondment) -> Secondment | None:
        """The secondment this one takes over from, when its start is a handover."""
        return self._follows.get(secondment_key(secondment))

    def is_handover_month(self, post_id: str, month: Month) -> bool:
        """Whether two holders share the post this month because one takes over from the other."""
        holders = self.holders(post_id, month)
        if len(holders) != 2:
            return False
        outgoing = self.follows(holders[1])
        return outgoing is not None and secondment_key(outgoing) == secondment_key(holders[0])

    # -- funded officers ----------------------------------------------------------------
    def is_funded(self, post_id: str, month: Month) -> bool:
        """Whether a directly funded officer holds the post in a horizon month."""
        return month in self._funded_months.get(post_id, ())

    def direct_cost(self, year: int) -> float:
        """Pounds the central budget spends on funded officers in one financial year (R14)."""
        return direct_cost_pence_by_year(self.problem, self.funded).get(year, 0) / 100

    def funded_months_in(self, year: int) -> int:
        """Post-months held by funded officers in one financial year (inside the horizon)."""
        return sum(1 for months in self._funded_months.values() for m in months
                   if financial_year(m) == year)

    # -- agencies ------------------------------------------------------------------------
    def people_out(self, agency: str, month: Month) -> list[str]:
        """Names of the agency's people on secondment in a horizon month."""
        people = dict.fromkeys(s.person for s in self.secondments
                               if s.covers(month) and self.agency_of(s.person) == agency)
        return [self.person_name(person) for person in people]

    def staff_out(self, agency: str, month: Month) -> int:
        """How many of the agency's people are on secondment in a month (R8, R9)."""
        return len(self.people_out(agency, month))

    def backfill_cost(self, agency: str, year: int) -> float:
        """Pounds of backfill for the agency's secondees in one financial year (R10)."""
        total = 0.0
        for secondment in self.secondments:
            grade = self.grade_of(secondment.person)
            if grade is None or self.agency_of(secondment.person) != agency:
                continue
            months = sum(1 for m in self.horizon_months_of(secondment)
                         if financial_year(m) == year)
            total += months * grade.monthly_cost
        return round(total, 2)

    def delivered_months(self, agency: str) -> int:
        """Secondee-months the agency gives inside the horizon (what pledges count)."""
        return sum(len(self.horizon_months_of(s)) for s in self.secondments
                   if self.agency_of(s.person) == agency)
