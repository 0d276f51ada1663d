"""Plan several scenarios with the one solver and set their figures side by side.

Every scenario is solved by ``rotation.solver.solve`` (the same model as ``rotation solve``)
with the same seed and its own time limit, and its plan is judged by the independent checker:
the figures come from the checker's report and the plan itself, so they are the figures
``rotation check`` gives for that plan.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rotation.appraisal.scenarios import Scenario
from rotation.checker import check_plan
from rotation.checker.facts import months_in_horizon
from rotation.funded_posts import direct_cost_pence_by_year
from rotation.months import financial_year_label
from rotation.plan import CheckReport, SolveResult
from rotation.solver import SolveOptions, solve
from rotation.solver.options import Progress

MONTHS_A_YEAR = 12


@dataclass(frozen=True)
class Figures:
    """What one scenario's plan means for the partnership, over the horizon."""

    direct_cost_by_year: dict[int, float]
    direct_cost_a_year: float
    backfill_by_agency: dict[str, float]
    backfill_cost: float
    backfill_cost_a_year: float
    vacant_post_months: int
    funded_months: int
    handovers: int
    agencies_on_team: int
    secondments: int
    average_tenure_months: float
    pledge_shortfall_months: int


@dataclass
class Outcome:
    """One scenario planned: the solver's result, the checker's report and the figures."""

    scenario: Scenario
    result: SolveResult
    report: CheckReport | None = None
    figures: Figures | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def status_in_words(self) -> str:
        """How the search ended, for the table: which figures are proven optimal."""
        status = self.result.status
        if status == "FEASIBLE" and "cover" in self.result.proven_goals:
            return "vacancies proven optimal, the rest best found"
        return {"OPTIMAL": "proven optimal", "FEASIBLE": "best found, not proven optimal",
                "INFEASIBLE": "no plan keeps the rules",
                "UNKNOWN": "no plan found in the time limit"}[status]


Announce = Callable[[int, int, Scenario], None]
"""Told before each scenario: its number (from 1), how many there are, and the scenario."""


def plan_scenarios(scenarios: Sequence[Scenario], options: SolveOptions,
                   announce: Announce | None = None,
                   on_progress: Callable[[Progress], None] | None = None) -> list[Outcome]:
    """Solve and check every scenario in turn, each with ``options`` (its own time limit)."""
    outcomes = []
    for number, scenario in enumerate(scenarios, start=1):
        if announce is not None:
            announce(number, len(scenarios), scenario)
        outcomes.append(plan_one(scenario, options, on_progress))
    return outcomes


def plan_one(scenario: Scenario, options: SolveOptions,
             on_progress: Callable[[Progress], None] | None = None) -> Outcome:
    """Solve one scenario and, when there is a plan, check it and work out its figures."""
    result = solve(scenario.problem, options, on_progress)
    outcome = Outcome(scenario, result)
    if not result.has_plan:
        outcome.notes.extend(result.conflicts)
        return outcome
    report = check_plan(scenario.problem, result.secondments, funded=result.funded)
    outcome.report = report
    outcome.figures = figures_of(scenario, result, report)
    outcome.notes.extend(str(breach) for breach in report.breaches)
    return outcome


def figures_of(scenario: Scenario, result: SolveResult, report: CheckReport) -> Figures:
    """The side-by-side figures of one planned scenario (goal terms from the checker)."""
    problem = scenario.problem
    years = problem.settings.horizon_months / MONTHS_A_YEAR
    by_year = {year: pence / 100 for year, pence
               in direct_cost_pence_by_year(problem, result.funded).items()}
    by_agency = dict.fromkeys((a.agency for a in problem.agencies), 0.0)
    on_team: set[str] = set()
    for secondment in result.secondments:
        candidate = problem.candidate_by_person.get(secondment.person)
        if candidate is None:
            continue
        inside = len(months_in_horizon(problem, secondment))
        if inside:
            on_team.add(candidate.agency)
        grade = problem.grade_by_key.get((candidate.agency, candidate.grade))
        if grade is not None:
            by_agency[candidate.agency] = by_agency.get(candidate.agency, 0.0) + round(
                grade.monthly_cost * inside, 2)
    lengths = [s.months for s in result.secondments]
    goals = report.goals
    return Figures(
        direct_cost_by_year=by_year,
        direct_cost_a_year=round(goals.direct_cost / years, 2),
        backfill_by_agency={code: round(cost, 2) for code, cost in by_agency.items()},
        backfill_cost=goals.backfill_cost,
        backfill_cost_a_year=round(goals.backfill_cost / years, 2),
        vacant_post_months=goals.vacant_post_months,
        funded_months=goals.funded_months,
        handovers=goals.handovers,
        agencies_on_team=len(on_team),
        secondments=len(lengths),
        average_tenure_months=round(sum(lengths) / len(lengths), 1) if lengths else 0.0,
        pledge_shortfall_months=goals.pledge_shortfall_months,
    )


Cell = str | int | float | None


def comparison_rows(outcomes: Sequence[Outcome]) -> list[tuple[str, str, list[Cell]]]:
    """The side-by-side table: (measure, unit, one value per scenario), measures down."""
    if not outcomes:
        return []
    problem = outcomes[0].scenario.problem
    rows: list[tuple[str, str, list[Cell]]] = [
        ("what it means", "", [o.scenario.description for o in outcomes]),
        ("status", "", [o.status_in_words for o in outcomes]),
    ]

    def figure(measure: str, unit: str, pick: Callable[[Figures], Cell]) -> None:
        rows.append((measure, unit, [pick(o.figures) if o.figures else None
                                     for o in outcomes]))

    figure("direct cost a year (average)", "£", lambda f: f.direct_cost_a_year)
    for year in problem.financial_years():
        figure(f"direct cost {financial_year_label(year)}", "£", _direct_cost_in(year))
    figure("backfill cost a year (average)", "£", lambda f: f.backfill_cost_a_year)
    figure("backfill cost over the horizon", "£", lambda f: f.backfill_cost)
    for agency in problem.agencies:
        figure(f"backfill cost {agency.agency}", "£", _backfill_of(agency.agency))
    figure("vacant post-months", "months", lambda f: f.vacant_post_months)
    figure("funded post-months", "months", lambda f: f.funded_months)
    figure("handovers", "", lambda f: f.handovers)
    figure("agencies on the team", "", lambda f: f.agencies_on_team)
    figure("secondments", "", lambda f: f.secondments)
    figure("average tenure", "months", lambda f: f.average_tenure_months)
    figure("pledged months short", "months", lambda f: f.pledge_shortfall_months)
    return rows


def _direct_cost_in(year: int) -> Callable[[Figures], Cell]:
    """Picks a scenario's direct cost in one financial year."""
    return lambda figures: figures.direct_cost_by_year.get(year, 0.0)


def _backfill_of(code: str) -> Callable[[Figures], Cell]:
    """Picks a scenario's backfill cost for one agency over the horizon."""
    return lambda figures: figures.backfill_by_agency.get(code, 0.0)
