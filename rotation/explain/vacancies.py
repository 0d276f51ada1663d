"""Why a post stays vacant, and which single change to the input would fill it.

For each vacant stretch the checker already says what stands in the way, from the plan alone
(``Vacancy.reason``). Here each single relaxation (``relaxations``) is tried with a short
re-solve of the cover goal: the model minimises vacant post-months first and, among plans as
good, leaves as few months of the stretch vacant as it can. A change is reported when that
plan covers some of the stretch and has fewer vacant post-months than the same search
without the change (the baseline, so that a merely longer search is not credited to it).

Every re-solve uses one worker, a fixed seed and a deterministic time limit, so the same
inputs give the same explanation; the whole explanation keeps to a total time budget.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from rotation.domain import Problem, Secondment
from rotation.explain.relaxations import Relaxation, relaxations_for
from rotation.months import format_span
from rotation.plan import Vacancy
from rotation.solver.interrupt import new_solver
from rotation.solver.model import build_model
from rotation.solver.stability import hint_previous
from rotation.solver.tally import Tally

MIN_SECONDS_PER_TRY = 0.5
MAX_SECONDS_PER_TRY = 5.0


@dataclass(frozen=True)
class Fill:
    """What one re-solve found: vacant post-months in all, and months of the stretch covered."""

    vacant: int
    covered: int


@dataclass(frozen=True)
class VacancyExplanation:
    """A vacancy, the changes that would fill it, and whether every change could be tried."""

    vacancy: Vacancy
    fills: tuple[str, ...] = ()
    untried: int = 0
    search_may_fill: bool = False

    def sentence(self) -> str:
        """The changes in words, to follow the checker's reason."""
        if self.search_may_fill:
            return "a longer search (--time-limit) may fill it without any change"
        parts = []
        if self.fills:
            parts.append("what would fill it: " + "; ".join(self.fills))
        elif not self.untried:
            parts.append("no single change tried fills it (limits, budgets, handovers, "
                         "cooling-off, secondments per person, length, availability)")
        if self.untried:
            parts.append(f"{self.untried} change(s) not tried for lack of time")
        return "; ".join(parts)

    def explained(self) -> Vacancy:
        """The vacancy with these findings added to its reason."""
        reason = self.vacancy.reason.rstrip(".")
        extra = self.sentence()
        return self.vacancy.model_copy(update={"reason": f"{reason}. {extra[0].upper()}"
                                                         f"{extra[1:]}." if reason else extra})


def explain_vacancies(problem: Problem, secondments: Sequence[Secondment],
                      vacancies: Sequence[Vacancy], time_budget: float
                      ) -> list[VacancyExplanation]:
    """For each vacancy, the single changes that fill it, within ``time_budget`` seconds."""
    posts = {p.post: p for p in problem.posts}
    work = [(v, relaxations_for(problem, posts[v.post], v.first, v.last))
            for v in vacancies if v.post in posts]
    tries = sum(1 + len(changes) for _, changes in work)  # each vacancy has a baseline too
    per_try = min(MAX_SECONDS_PER_TRY, max(MIN_SECONDS_PER_TRY, time_budget / max(tries, 1)))
    stop = time.monotonic() + time_budget
    vacant_now = sum(v.months for v in vacancies)
    found = []
    for vacancy, changes in work:
        found.append(_explain_one(problem, secondments, vacancy, changes, per_try, stop,
                                  vacant_now))
    return found


def _explain_one(problem: Problem, secondments: Sequence[Secondment], vacancy: Vacancy,
                 changes: list[Relaxation], per_try: float, stop: float,
                 vacant_now: int) -> VacancyExplanation:
    """Try the baseline, then each change in turn, while time is left."""
    if time.monotonic() >= stop:
        return VacancyExplanation(vacancy, untried=len(changes))
    baseline = try_fill(problem, secondments, vacancy, per_try)
    if baseline is not None and baseline.vacant < vacant_now:
        return VacancyExplanation(vacancy, search_may_fill=True)
    fills: list[str] = []
    for index, change in enumerate(changes):
        if time.monotonic() >= stop:
            return VacancyExplanation(vacancy, tuple(fills), untried=len(changes) - index)
        outcome = try_fill(change.apply(problem), secondments, vacancy, per_try)
        if outcome is None or not outcome.covered:
            continue
        if outcome.vacant >= (baseline.vacant if baseline is not None else vacant_now):
            continue  # it covers this stretch only by emptying another
        what = f"{vacancy.post} {format_span(vacancy.first, vacancy.last)}"
        if outcome.covered < vacancy.months:
            what = f"{outcome.covered} of the {vacancy.months} months of {what}"
        fills.append(f"{change.description} fills {what}")
    return VacancyExplanation(vacancy, tuple(fills))


def try_fill(problem: Problem, secondments: Sequence[Secondment], vacancy: Vacancy,
             seconds: float) -> Fill | None:
    """The best cover found for ``problem`` (favouring the stretch), or None if none was found."""
    built = build_model(problem)
    if built.breaches:
        return None
    model = built.model
    cover = next(tier for tier in built.tiers if tier.goal == "cover").total
    q = next(i for i, p in enumerate(problem.posts) if p.post == vacancy.post)
    covered = Tally()
    for t in range(vacancy.first, vacancy.last + 1):
        holders = model.variables.holders(q, t)
        if holders.highest == 0:
            continue
        held = model.new_bool(f"covered[{t}]")
        model.cp.add(holders.expr() >= held)
        covered.terms.append((held, 1))
    # Vacant post-months first; a month of the stretch covered only breaks ties.
    model.cp.minimize((vacancy.months + 1) * cover.expr() - covered.expr())
    hint_previous(model, secondments)
    solver = new_solver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_deterministic_time = seconds
    solver.parameters.max_time_in_seconds = 4 * seconds  # a guard on slow machines
    status = solver.solve(model.cp)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return Fill(vacant=cover.value(solver.value), covered=covered.value(solver.value))


def vacancy_lines(explanations: Sequence[VacancyExplanation]) -> list[str]:
    """One line per vacancy for the terminal: the post, months, reason and what would fill it."""
    lines = []
    for explanation in explanations:
        vacancy = explanation.explained()
        lines.append(f"{vacancy.post} {format_span(vacancy.first, vacancy.last)} "
                     f"({vacancy.months} months vacant): {vacancy.reason}")
    return lines

