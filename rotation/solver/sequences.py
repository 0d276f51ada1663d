"""Each post's holders as one sequence: R1 and R6 restated so the LP relaxation sees them.

R1 and R6 (``rules_posts``) are exact, but their clauses say little to the LP relaxation
that bounds the search: a fractional plan can rotate a post through many part-time holders
and never hand over. Here every post gets, per month t of its existence in the horizon,
``none[t]`` (no secondee holds it) and ``handover[t]`` (a handover starts in t), tied to the
post's holders n, starts S and ends E by what R1 and R6 mean for a sequence of holders:

  none[t] + n[t] - (handovers whose overlap covers t) = 1   one holder, or two in an overlap
  n[t] <= 2 * (1 - none[t])                                 none means none
  S[t] <= handover[t] + none[t-1]                           a start takes over or ends a gap
  handover[t] <= S[t],  handover[t] <= E[t+O-1]             a handover is a start whose
                                                            predecessor leaves O months on
  E[t] <= handover[t-O+1] + none[t+1]                       an end is handed over or leaves
                                                            a gap

Every plan that keeps R1 and R6 satisfies these with its real gaps and handovers, so they
forbid nothing new; they only make each transition visible as a handover (counted by R7,
a month's worth of double cost) or a vacancy. Built only while R1 and R6 are both in the
model (the infeasibility explanation relaxes one at a time).
"""

from __future__ import annotations

from rotation.months import Month
from rotation.solver.context import SolverModel
from rotation.solver.tally import Tally


def add_sequences(model: SolverModel) -> None:
    """The ``none`` and ``handover`` variables of every post secondees may fill, and their ties."""
    if not (model.applies("R1") and model.applies("R6")):
        return
    for q, post in enumerate(model.problem.posts):
        if post.funding == "funded" or not model.variables.pairs_by_post[q]:
            continue
        months = model.problem.post_months(post)
        if len(months):
            _post_sequence(model, q, months)


def _post_sequence(model: SolverModel, q: int, months: range) -> None:
    variables = model.variables
    cp = model.cp
    overlap = model.settings.handover_overlap_months
    fixed = _fixed_handovers(model, q, overlap)
    none = {t: model.new_bool(f"none[{q},{t}]") for t in months}
    handover = {t: model.new_bool(f"handover[{q},{t}]") for t in months}
    for t in months:
        model.handover[(q, t)] = handover[t]
        model.no_secondee[(q, t)] = none[t]

    def handover_at(u: Month) -> Tally:
        if u in handover:
            return Tally.of([handover[u]])
        return Tally(constant=fixed.count(u))

    def none_at(u: Month) -> Tally:
        if u in none:
            return Tally.of([none[u]])
        return Tally(constant=int(variables.holders(q, u).lowest == 0))

    for t in months:
        holders = variables.holders(q, t)
        overlapping = Tally()
        for u in range(t - overlap + 1, t + 1):
            overlapping.add(handover_at(u))
        cp.add((Tally.of([none[t]]) + holders - overlapping).expr() == 1)
        cp.add(holders.expr() <= 2 - 2 * none[t])
        starts = variables.starts(q, t)
        cp.add((starts - handover_at(t) - none_at(t - 1)).expr() <= 0)
        cp.add((handover_at(t) - starts).expr() <= 0)
        cp.add((handover_at(t) - variables.ends(q, t + overlap - 1)).expr() <= 0)
        if t + 1 in none:
            cp.add((variables.ends(q, t) - handover_at(t - overlap + 1)
                    - none_at(t + 1)).expr() <= 0)


def _fixed_handovers(model: SolverModel, q: int, overlap: int) -> list[Month]:
    """The months in which one Existing secondment of the post hands over to another."""
    stints = model.variables.stints_by_post[q]
    return [b.start for b in stints for a in stints
            if a is not b and a.start < b.start and b.start == a.end - overlap + 1]
