"""Directly funded officers in the model: R13 funded officer, R14 central budget, the funding goal.

An ``either`` post gets one 0/1 variable per month of its existence in the horizon: a funded
officer holds it that month. ``funded`` posts need none: they are funded in every month of
their existence (``rotation.funded_posts``), a constant in the central budget and the funding
goal. The funding goal (least direct cost, in pence) sits directly below cover, so the plan
funds a month only where no secondee can cover it, and prefers cheaper funded months.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

from rotation.domain import FundedStretch, Problem, Secondment
from rotation.funded_posts import (
    funded_monthly_pence,
    funded_months,
    implied_stretches,
    stretches_from_months,
)
from rotation.months import Month, financial_year, financial_year_label
from rotation.solver.context import SolverModel
from rotation.solver.pence import pence_down
from rotation.solver.tally import Tally


def add_funding(model: SolverModel) -> None:
    """Create the funded-month variables of ``either`` posts, then R13 and R14 on them."""
    problem = model.problem
    for q, post in enumerate(problem.posts):
        if post.funding != "either":
            continue
        for t in problem.post_months(post):
            if model.variables.holders(q, t).lowest >= 1:
                continue  # an Existing secondee holds it: nobody needs funding
            model.funded[(q, t)] = model.new_bool(f"funded[{q},{t}]")
    if model.applies("R13"):
        r13_funded_officer(model)
    if model.applies("R14"):
        r14_central_budget(model)


def r13_funded_officer(model: SolverModel) -> None:
    """R13 funded officer: never alongside a secondee; the hand-over between them is back to back.

    Funded officers exist only in ``either`` posts' months (by construction), one at a time.
    """
    variables = model.variables
    for (q, t), funded in model.funded.items():
        for pair in variables.pairs_by_post[q]:
            held = pair.hold.get(t)
            if held is not None:
                model.cp.add_implication(funded, held.Not())


def r14_central_budget(model: SolverModel) -> None:
    """R14 central budget: funded officers' cost in a financial year stays within the budget."""
    budget = model.settings.central_budget
    if budget is None:
        return
    # Costs are whole pence; the budget is rounded down to whole pence, as R10 does.
    for year in model.problem.financial_years():
        cost = direct_cost_pence(model, year)
        model.at_most(cost, pence_down(budget), "R14", (
            f"the directly funded posts alone cost £{cost.lowest / 100:,.2f} in "
            f"{financial_year_label(year)}, more than the central budget of £{budget:,.2f}"))


def direct_cost_pence(model: SolverModel, year: int | None = None) -> Tally:
    """Funded officers' cost in pence, in one financial year or (None) over the horizon."""
    problem = model.problem
    cost = Tally()
    for post in problem.posts:
        if post.funding == "funded":
            pence = funded_monthly_pence(problem, post)
            cost.constant += pence * sum(1 for t in problem.post_months(post)
                                         if year is None or financial_year(t) == year)
    for (q, t), funded in model.funded.items():
        if year is None or financial_year(t) == year:
            cost.terms.append((funded, funded_monthly_pence(problem, problem.posts[q])))
    return cost


def funding_goal(model: SolverModel) -> Tally:
    """The funding goal: direct cost in pence, plus one per funded month of an ``either`` post.

    The extra penny a month makes a post that no grade prices (cost 0) funded only where
    needed, and otherwise never outweighs a real difference in cost.
    """
    goal = direct_cost_pence(model)
    goal.add(Tally.of(model.funded.values()))
    return goal


def funded_officer(model: SolverModel, q: int, t: int) -> Tally:
    """1 when a funded officer holds ``either`` post q in month t (cover counts it)."""
    funded = model.funded.get((q, t))
    return Tally() if funded is None else Tally.of([funded])


def funded_from_solution(problem: Problem, model: SolverModel,
                         solution: list[int]) -> tuple[FundedStretch, ...]:
    """The plan's funded stretches: ``funded`` posts whole, ``either`` posts where chosen."""
    chosen: dict[int, list[Month]] = defaultdict(list)
    for (q, t), funded in model.funded.items():
        if solution[funded.index]:
            chosen[q].append(t)
    return with_funded_posts(problem, chosen)


def with_funded_posts(problem: Problem, chosen: dict[int, list[Month]]
                      ) -> tuple[FundedStretch, ...]:
    """The funded stretches of ``funded`` posts (whole) and of the months ``chosen`` for
    ``either`` posts (by post index), by post and start."""
    stretches = implied_stretches(problem)
    for q, months in chosen.items():
        stretches += stretches_from_months(problem.posts[q].post, months)
    return tuple(sorted(stretches, key=lambda s: (s.post, s.start)))


def hand_funded(problem: Problem, secondments: Sequence[Secondment]
                ) -> tuple[FundedStretch, ...]:
    """The funded officers a hand plan of ``secondments`` would add, as a planner does it:
    every month an ``either`` post is left with no secondee is funded, cheapest posts first,
    while the central budget (R14) allows in that financial year; ``funded`` posts whole."""
    held: set[tuple[str, Month]] = {
        (s.post, t) for s in (*secondments, *problem.existing) for t in range(s.start, s.end + 1)}
    budget = problem.settings.central_budget
    # What the central budget leaves each financial year once the funded posts are paid.
    left = {year: math.inf if budget is None else pence_down(budget)
            for year in problem.financial_years()}
    for post in problem.posts:
        if post.funding == "funded":
            for t in problem.post_months(post):
                left[financial_year(t)] -= funded_monthly_pence(problem, post)
    open_months = sorted(
        (funded_monthly_pence(problem, post), q, t)
        for q, post in enumerate(problem.posts) if post.funding == "either"
        for t in problem.post_months(post) if (post.post, t) not in held)
    chosen: dict[int, list[Month]] = defaultdict(list)
    for pence, q, t in open_months:
        if left[financial_year(t)] >= pence:
            left[financial_year(t)] -= pence
            chosen[q].append(t)
    return with_funded_posts(problem, chosen)


def hint_funded(model: SolverModel, funded: Sequence[FundedStretch]) -> None:
    """Add a plan's funded months of ``either`` posts to the model's hint (after
    ``stability.hint_previous``, which replaces the hint with the plan's secondments)."""
    months = funded_months(model.problem, funded)
    hint = model.cp.proto.solution_hint
    for (q, t), var in model.funded.items():
        hint.vars.append(var.index)
        hint.values.append(int(t in months.get(model.problem.posts[q].post, ())))
