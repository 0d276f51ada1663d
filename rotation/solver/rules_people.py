"""R5 and R8–R12: the rules about a person's secondments and an agency's staff."""

from __future__ import annotations

from collections.abc import Callable

from ortools.sat.python import cp_model

from rotation.domain import Candidate
from rotation.months import financial_year, financial_year_label, format_month, format_span
from rotation.solver.context import FixedBreach, SolverModel
from rotation.solver.pence import budget_pence, monthly_pence
from rotation.solver.tally import Tally
from rotation.solver.variables import PairVars, Stint, longest_run


def r5_length(model: SolverModel) -> None:
    """R5 length: one unbroken run of min..max months (shorter if it runs to the horizon's end)."""
    settings = model.settings
    shortest = settings.min_secondment_months
    for pair in model.variables.pairs:
        longest = longest_run(model.problem, pair.person)
        # Every held month t lies within a run, so a start lies in the `shortest`..`longest`
        # months up to t:  starts(t-shortest, t] <= held[t] <= starts(t-longest, t].
        # The left side holds a new secondment for its first `shortest` months (fewer when the
        # horizon ends first); two starts of one pair are never that close, so a plain count
        # works. The right side caps the length (month start+longest has no start in reach)
        # and, unlike windows of longest+1 months, keeps the LP bound honest: one start buys
        # at most `longest` months of cover. Each window is the difference of two running
        # counts of starts, so a constraint has three terms however long the window.
        started = _running_starts(model, pair)
        for t, held in pair.hold.items():
            now = started(t)
            recent = _difference(now, started(t - shortest))
            if recent is not None:
                model.cp.add(recent <= held)
            reach = _difference(now, started(t - longest))
            model.cp.add(held <= (0 if reach is None else reach))
    for stint in model.variables.stints:
        _r5_existing_length(model, stint)


Count = cp_model.IntVar | None
"""A running count of starts: a variable, or None while no run can have started."""


def _difference(later: Count, earlier: Count) -> cp_model.LinearExpr | None:
    """``later - earlier`` as an expression, None when it is 0 whatever the plan."""
    if later is earlier or later is None:
        return None
    return later if earlier is None else later - earlier


def _running_starts(model: SolverModel, pair: PairVars) -> Callable[[int], Count]:
    """The number of the pair's runs started up to and including a month, as a function.

    One variable per month a run may start in (the first is that month's start itself);
    in other months the count is the one before. With R11 in the model the count never
    passes the person's secondment limit.
    """
    limit = len(pair.start)
    if model.applies("R11"):
        limit = min(limit, model.settings.max_secondments_per_person)
    counts: dict[int, Count] = {}
    count: Count = None
    for t in pair.months:
        start = pair.start.get(t)
        if start is not None:
            if count is None:
                count = start
            else:
                total = model.cp.new_int_var(0, limit, f"started[{pair.person},{pair.post},{t}]")
                model.cp.add(total == count + start)
                pair.started[t] = count = total
        counts[t] = count
    first, last = pair.months[0], pair.months[-1]

    def started(month: int) -> Count:
        return None if month < first else counts[min(month, last)]

    return started


def _r5_existing_length(model: SolverModel, stint: Stint) -> None:
    settings = model.settings
    length = stint.end - stint.start + 1
    longest = longest_run(model.problem, stint.person)
    where = _describe(model, stint)
    if length > longest:
        model.breaches.append(FixedBreach("R5", f"{where} lasts {length} months, more than the "
                                            f"{longest} allowed"))
    if length < settings.min_secondment_months and stint.end < settings.horizon_end:
        model.breaches.append(FixedBreach("R5", f"{where} lasts {length} months, fewer than the "
                                            f"{settings.min_secondment_months} required"))


def r8_backfill_limit(model: SolverModel) -> None:
    """R8 backfill limit: in any month an agency has at most max_concurrent staff on secondment."""
    for agency in model.problem.agencies:
        for t in model.problem.horizon:
            out = _staff_out(model, agency.agency, t)
            model.at_most(out, agency.max_concurrent, "R8", (
                f"{agency.agency} has {out.lowest} staff on existing secondments in "
                f"{format_month(t)}, more than its backfill limit of {agency.max_concurrent}"))


def r9_team_mix(model: SolverModel) -> None:
    """R9 team mix: in any month at most max_secondees_per_agency secondees come from one agency."""
    cap = model.settings.max_secondees_per_agency
    for code in sorted({c.agency for c in model.problem.candidates}):
        for t in model.problem.horizon:
            out = _staff_out(model, code, t)
            model.at_most(out, cap, "R9", (
                f"{code} has {out.lowest} secondees on the team in {format_month(t)} from existing "
                f"secondments, more than the team-mix cap of {cap}"))


def r10_backfill_budget(model: SolverModel) -> None:
    """R10 backfill budget: an agency's backfill cost in a financial year stays within budget."""
    problem = model.problem
    for agency in problem.agencies:
        if agency.backfill_budget is None:
            continue
        # Costs are whole pence; the budget is rounded down to whole pence, so a plan the
        # model accepts is within the budget (the checker allows 0.005 on top).
        budget = budget_pence(agency)
        people = people_of(model, agency.agency)
        for year in problem.financial_years():
            cost = Tally()
            for t in problem.horizon:
                if financial_year(t) != year:
                    continue
                for p, candidate in people:
                    cost.add(model.variables.person_holding(p, t),
                             monthly_pence(model.problem, candidate))
            model.at_most(cost, budget, "R10", (
                f"{agency.agency}'s existing secondments cost £{cost.lowest / 100:,.2f} in "
                f"{financial_year_label(year)}, more than its budget of "
                f"£{agency.backfill_budget:,.2f}"))


def r11_person(model: SolverModel) -> None:
    """R11 person: a few secondments each, never two at once, cooling_off months apart."""
    settings = model.settings
    variables = model.variables
    cooling = settings.cooling_off_months
    for p, candidate in enumerate(model.problem.candidates):
        if not variables.pairs_by_person[p] and not variables.stints_by_person[p]:
            continue
        name = candidate.display_name
        model.at_most(variables.person_starts(p), settings.max_secondments_per_person, "R11",
                      f"{name} has {len(variables.stints_by_person[p])} existing secondments, "
                      f"more than the {settings.max_secondments_per_person} allowed per person")
        if settings.max_secondments_per_person <= 1 and not variables.stints_by_person[p]:
            continue  # one start in all means one run: never two at once, nothing to cool off
        # In any month the person holds a secondment, none of theirs may have ended in the
        # `cooling` months before (with cooling 0: simply at most one at a time).
        for t in variables.person_span(p):
            holding = variables.person_holding(p, t)
            if holding.highest == 0:
                continue
            recent_ends = Tally()
            for u in range(t - cooling, t):
                recent_ends.add(variables.person_ends(p, u))
            model.at_most(holding + recent_ends, 1, "R11", (
                f"{name}'s existing secondments overlap or are less than {cooling} months "
                f"apart around {format_month(t)}"))


def r12_existing(model: SolverModel) -> None:
    """R12 existing: every Existing secondment is kept exactly as agreed (its months are fixed)."""
    # The kept secondments are constants in every count (see variables.Stint); what cannot
    # be kept is one that names a person or post the problem does not know.
    problem = model.problem
    for secondment in problem.existing:
        span = format_span(secondment.start, secondment.end)
        if secondment.person not in problem.candidate_by_person:
            model.breaches.append(FixedBreach("R12", (
                f"the existing secondment of {secondment.person} in post {secondment.post} "
                f"({span}) names a person who is not on the Candidates sheet")))
        if secondment.post not in problem.post_by_id:
            model.breaches.append(FixedBreach("R12", (
                f"the existing secondment of {secondment.person} in post {secondment.post} "
                f"({span}) names a post that is not on the Posts sheet")))
        if secondment.end < secondment.start:
            model.breaches.append(FixedBreach("R12", (
                f"the existing secondment of {secondment.person} in post {secondment.post} "
                "ends before it starts")))


def _staff_out(model: SolverModel, agency_code: str, t: int) -> Tally:
    total = Tally()
    for p, _candidate in people_of(model, agency_code):
        total.add(model.variables.person_holding(p, t))
    return total


def people_of(model: SolverModel, agency_code: str) -> list[tuple[int, Candidate]]:
    """The agency's candidates, with their index."""
    return [(p, c) for p, c in enumerate(model.problem.candidates) if c.agency == agency_code]


def _describe(model: SolverModel, stint: Stint) -> str:
    candidate = model.problem.candidates[stint.person]
    post = model.problem.posts[stint.post]
    return (f"the existing secondment of {candidate.display_name} in post {post.post} "
            f"({format_span(stint.start, stint.end)})")

