"""The goals of SPEC.md section 4 as model expressions, one tier per lexicographic stage.

Tier 1 ``cover``: vacant post-months. Then ``funding``: the direct cost of funded officers
(see ``funding``; constant, so its stage is skipped, unless some post is ``either``).
Tier 2 ``pledges``: pledged months short. Tier 3 ``balance``: weight_preference *
preference_penalty + weight_travel * travel_minutes + weight_cost * backfill_cost, each term
present only where its weight is above 0.

Scaling of tier 3: CP-SAT needs whole numbers, so tier 3 is minimised in hundredths of a
weighted unit (``BALANCE_SCALE``): each term's per-month coefficient (rank, minutes, or
pence times weight) is multiplied by 100 and rounded. The objective reported to planners
is recomputed exactly from the plan's goal terms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rotation.domain import Agency, Candidate, Post
from rotation.months import financial_year
from rotation.solver.context import SolverModel
from rotation.solver.funding import funded_officer, funding_goal
from rotation.solver.pence import budget_pence, monthly_pence
from rotation.solver.rules_people import people_of
from rotation.solver.tally import Tally
from rotation.solver.variables import longest_run

PerMonth = Callable[[SolverModel, Candidate, Post], int]

BALANCE_SCALE = 100
"""Tier 3 is minimised in units of 1/BALANCE_SCALE of the weighted objective."""


@dataclass
class GoalTier:
    """One goal tier: its name, its named terms and the expression minimised (``scale`` units)."""

    goal: str
    terms: dict[str, Tally]
    total: Tally
    scale: int = 1
    least: int | None = None  # a value no plan can go below, known without a search

    @property
    def is_constant(self) -> bool:
        """Whether no choice can change the tier (its stage can be skipped)."""
        return self.total.is_constant


def goal_tiers(model: SolverModel) -> list[GoalTier]:
    """The goal tiers, highest priority first (``funding`` is constant without ``either`` posts)."""
    vacant = vacant_post_months(model)
    shortfall = pledge_shortfall_months(model)
    terms = balance_terms(model)
    weights = _balance_weights(model)
    balance = Tally()
    for name, term in terms.items():
        balance.add(term.scaled(BALANCE_SCALE * weights[name]))
    funding = funding_goal(model)
    return [GoalTier("cover", {"vacant_post_months": vacant}, vacant),
            GoalTier("funding", {"direct_cost": funding}, funding),
            GoalTier("pledges", {"pledge_shortfall_months": shortfall}, shortfall,
                     least=least_shortfall(model)),
            GoalTier("balance", terms, balance, BALANCE_SCALE)]


def vacant_post_months(model: SolverModel) -> Tally:
    """Months of posts open to secondees (inside the horizon and the post's life) with no holder."""
    vacant = Tally()
    for q, post in enumerate(model.problem.posts):
        if post.funding == "funded":
            continue
        for t in model.problem.post_months(post):
            # A funded officer in an ``either`` post covers the month as a secondee would.
            holders = model.variables.holders(q, t) + funded_officer(model, q, t)
            if holders.lowest >= 1:
                continue
            if holders.highest == 0:
                vacant.constant += 1
                continue
            # Only a lower bound is needed: the stage minimises it, later stages cap it.
            empty = model.new_bool(f"vacant[{q},{t}]")
            model.cp.add(holders.expr() + empty >= 1)
            none = model.no_secondee.get((q, t))
            if none is not None:  # the same, in the terms the LP relaxation bounds well
                model.cp.add(empty + funded_officer(model, q, t).expr() >= none)
            vacant.terms.append((empty, 1))
    return vacant


def pledge_shortfall_months(model: SolverModel) -> Tally:
    """Over agencies with a pledge: pledged months minus their staff's seconded months, if short."""
    problem = model.problem
    shortfall = Tally()
    for agency in problem.agencies:
        if agency.pledged_months is None:
            continue
        gap = Tally(constant=agency.pledged_months)
        for p, candidate in enumerate(problem.candidates):
            if candidate.agency == agency.agency:
                for t in problem.horizon:
                    gap.add(model.variables.person_holding(p, t), -1)
        if gap.highest <= 0:
            continue  # the pledge is met whatever the plan
        if gap.lowest >= 0:
            shortfall.add(gap)  # never met: the shortfall is the gap itself
            continue
        short = model.cp.new_int_var(0, gap.highest, f"short[{agency.agency}]")
        model.cp.add(short >= gap.expr())
        shortfall.terms.append((short, 1))
    return shortfall


def least_shortfall(model: SolverModel) -> int:
    """A shortfall no plan can go below: over agencies with a pledge, what the pledge asks
    beyond the most months the rules let the agency's staff give (see ``most_months``).

    On the generated S instance this is the optimum itself, so the pledge stage is settled
    without a search (1.5 s saved).
    """
    return sum(max(0, agency.pledged_months - most_months(model, agency))
               for agency in model.problem.agencies if agency.pledged_months is not None)


def most_months(model: SolverModel, agency: Agency) -> int:
    """The most secondee-months inside the horizon the agency's staff can give in any plan,
    counted from the rules without a search.

    In each month, no more of its staff than can hold a post then, its backfill limit (R8)
    and the team-mix cap (R9) allow; in each financial year, no more months than its budget
    (R10) buys at its cheapest grade; and no more than each person's most secondments (R11)
    of the longest length (R5) allow, for people with no Existing secondment. Rules left out
    of the model are left out of the count.
    """
    problem = model.problem
    variables = model.variables
    people = people_of(model, agency.agency)
    cap = len(people)
    if model.applies("R8"):
        cap = min(cap, agency.max_concurrent)
    if model.applies("R9"):
        cap = min(cap, model.settings.max_secondees_per_agency)
    # How many secondments each person could hold in each month, whatever else happens.
    could = {p: [variables.person_holding(p, t).highest for t in problem.horizon]
             for p, _ in people}
    by_year: dict[int, int] = {}
    for i, t in enumerate(problem.horizon):
        out = min(cap, sum(could[p][i] for p, _ in people))
        by_year[financial_year(t)] = by_year.get(financial_year(t), 0) + out
    pence = [monthly_pence(model.problem, candidate) for _, candidate in people]
    if model.applies("R10") and agency.backfill_budget is not None and people \
            and min(pence) > 0:
        affordable = budget_pence(agency) // min(pence)
        by_year = {year: min(months, affordable) for year, months in by_year.items()}
    most = sum(by_year.values())
    if model.applies("R5") and model.applies("R11"):
        each = 0
        for p, _ in people:
            can = sum(could[p])
            if not variables.stints_by_person[p]:
                can = min(can, model.settings.max_secondments_per_person
                          * longest_run(problem, p))
            each += can
        most = min(most, each)
    return most


def balance_terms(model: SolverModel) -> dict[str, Tally]:
    """The third-tier terms whose weight is above 0, each in its own unit per secondee-month."""
    problem = model.problem
    terms: dict[str, Tally] = {}
    for name, (weight, per_month) in _balance_units(model).items():
        if weight <= 0:
            continue
        term = Tally()
        for pair in model.variables.pairs:
            amount = per_month(model, problem.candidates[pair.person], problem.posts[pair.post])
            term.terms.extend((held, amount) for held in pair.hold.values() if amount)
        for stint in model.variables.stints:
            inside = sum(1 for t in problem.horizon if stint.covers(t))
            term.constant += inside * per_month(model, problem.candidates[stint.person],
                                                problem.posts[stint.post])
        terms[name] = term
    return terms


def balance_rate(model: SolverModel, candidate: Candidate, post: Post) -> int:
    """The balance tier's coefficient on one month of ``candidate`` holding ``post`` (in
    1/``BALANCE_SCALE`` units, rounded term by term as ``goal_tiers`` does), whether or not
    the model has a variable for it."""
    weights = _balance_weights(model)
    return sum(round(per_month(model, candidate, post) * BALANCE_SCALE * weights[name])
               for name, (weight, per_month) in _balance_units(model).items() if weight > 0)


def _balance_weights(model: SolverModel) -> dict[str, float]:
    """Each balance term's weight per unit (backfill cost is counted in pence, its weight is
    per pound)."""
    settings = model.settings
    return {"preference_penalty": settings.weight_preference,
            "travel_minutes": settings.weight_travel,
            "backfill_cost": settings.weight_cost / 100}


def _balance_units(model: SolverModel) -> dict[str, tuple[float, PerMonth]]:
    """Each balance term's weight and its amount per secondee-month."""
    settings = model.settings
    return {"preference_penalty": (settings.weight_preference, _preference),
            "travel_minutes": (settings.weight_travel, _travel),
            "backfill_cost": (settings.weight_cost, _pence)}


def _preference(model: SolverModel, candidate: Candidate, post: Post) -> int:
    return model.problem.preference_penalty(candidate, post.area)


def _travel(model: SolverModel, candidate: Candidate, post: Post) -> int:
    if not candidate.home_area:
        return 0
    return model.problem.travel_minutes(candidate.home_area, post.area) or 0


def _pence(model: SolverModel, candidate: Candidate, post: Post) -> int:
    return monthly_pence(model.problem, candidate)
