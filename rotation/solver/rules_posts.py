"""R1, R6, R7: how the holders of one post follow each other.

Per post and month the model counts holders n, starts S and ends E (new secondments plus
Existing ones). With overlap O >= 1 the rules become, for every month t:
  n[t] <= 2 (R1);  S[t] <= 1 and no back-to-back: S[t] + E[t-1] <= 1 + n[t-1] / 2 (R6);
  a newcomer in t while someone continues from t-1 means that person leaves exactly in
  t+O-1 (R6).
Together these give the exact meaning of R1 and R6 (a holder pair in a month is always a
handover pair; consecutive secondments either leave a vacant month or overlap by O). They
rule out only oddities a planner would never want: two secondments starting in one post in
the same month, or a month in which two end and another starts. With O = 0, one holder a
month is all R1 and R6 ask.
"""

from __future__ import annotations

from rotation.months import Month, format_month
from rotation.solver.context import SolverModel
from rotation.solver.tally import Tally, Var


def r1_one_holder(model: SolverModel) -> None:
    """R1 one holder: a post has one holder a month, two only while handing over (R6)."""
    limit = 2 if model.settings.handover_overlap_months >= 1 else 1
    for q, post in enumerate(model.problem.posts):
        for t in model.variables.post_span(q):
            holders = model.variables.holders(q, t)
            model.at_most(holders, limit, "R1", (
                f"post {post.post} would have {holders.lowest} holders in {format_month(t)} "
                f"from existing secondments; at most {limit} may hold it at once"))


def r6_handover(model: SolverModel) -> None:
    """R6 handover: a successor with no vacant month between starts O months before the end."""
    overlap = model.settings.handover_overlap_months
    if overlap == 0:
        return  # with one holder a month (R1) a follow-on is back to back, which O = 0 allows
    variables = model.variables
    for q, post in enumerate(model.problem.posts):
        for t in variables.post_span(q):
            starts = variables.starts(q, t)
            if starts.highest == 0:
                continue
            label = f"post {post.post}"
            model.at_most(starts, 1, "R6", (
                f"two existing secondments start in {label} in {format_month(t)}: "
                "only one newcomer may start at a time"))
            # Back to back: someone ends in t-1 and someone starts in t. Allowed only when a
            # third holder continues (n[t-1] = 2 with one end), who is then the one handed over to.
            ends_before = variables.ends(q, t - 1)
            if ends_before.highest > 0:
                model.at_most(2 * starts + 2 * ends_before - variables.holders(q, t - 1), 2,
                              "R6", f"in {label} an existing secondment ends in "
                                    f"{format_month(t - 1)} and another starts in "
                                    f"{format_month(t)}, back to back without the "
                                    f"{overlap}-month handover overlap")
            _continuing_holder_leaves(model, q, t, label, overlap)


def _continuing_holder_leaves(model: SolverModel, q: int, t: Month, label: str,
                              overlap: int) -> None:
    """R6: whoever holds the post in t-1 and t when a newcomer starts in t leaves in t+O-1."""
    variables = model.variables
    leave = t + overlap - 1
    for stint in variables.stints_by_post[q]:
        if stint.covers(t - 1) and stint.covers(t) and stint.end != leave:
            model.at_most(variables.starts(q, t), 0, "R6", (
                f"in {label} a secondment starts in {format_month(t)} while an existing one "
                f"runs on to {format_month(stint.end)}; the handover needs it to end in "
                f"{format_month(leave)}"))
    newcomer = _start_literal(model, q, t)
    if newcomer is None:
        return
    guard = [] if isinstance(newcomer, bool) else [newcomer.Not()]
    for pair in variables.pairs_by_post[q]:
        before, now = pair.hold.get(t - 1), pair.hold.get(t)
        if before is None or now is None:
            continue
        unless = [*guard, before.Not(), now.Not()]
        for later in range(t + 1, leave + 1):
            if later not in pair.hold:
                model.cp.add_bool_or(unless)  # cannot stay until t+O-1: must not continue
                break
            model.cp.add_bool_or([*unless, pair.hold[later]])
        else:
            if leave + 1 in pair.hold:
                model.cp.add_bool_or([*unless, pair.hold[leave + 1].Not()])


def _start_literal(model: SolverModel, q: int, t: Month) -> Var | bool | None:
    """A literal true when a secondment starts in post q in month t (None: none can)."""
    starts = model.variables.starts(q, t)
    if starts.lowest >= 1:
        return True
    if starts.highest == 0:
        return None
    if len(starts.terms) == 1 and starts.terms[0][1] == 1:
        return starts.terms[0][0]
    newcomer = model.new_bool(f"newcomer[{q},{t}]")
    model.cp.add(newcomer == starts.expr())
    return newcomer


def r7_staggering(model: SolverModel) -> None:
    """R7 staggering: at most max_handovers_per_month handovers start in any month, in all posts."""
    limit = model.settings.max_handovers_per_month
    if limit >= len(model.problem.posts):
        return  # at most one handover per post and month can start (R6), so never binding
    for t in model.problem.horizon:
        handovers = Tally()
        for q in range(len(model.problem.posts)):
            handovers.add(_handover(model, q, t))
        model.at_most(handovers, limit, "R7", (
            f"{handovers.lowest} handovers of existing secondments start in "
            f"{format_month(t)}, more than the {limit} allowed a month"))


def _handover(model: SolverModel, q: int, t: Month) -> Tally:
    """1 when a handover starts in post q in month t: a newcomer while someone else holds on.

    With O >= 1 that is a start while a holder continues from t-1 (S + n - 2 >= 1, since n
    counts the newcomer and at most one other); with O = 0 a start right after an end.
    Where the post's sequence is modelled (``sequences``), its handover variable is exact.
    """
    sequenced = model.handover.get((q, t))
    if sequenced is not None:
        return Tally.of([sequenced])
    variables = model.variables
    starts = variables.starts(q, t)
    if model.settings.handover_overlap_months >= 1:
        lower = starts + variables.holders(q, t) - 2
    else:
        lower = starts + variables.ends(q, t - 1) - 1
    if lower.highest <= 0:
        return Tally()
    if lower.lowest >= 1:
        return Tally(constant=1)
    handover = model.new_bool(f"handover[{q},{t}]")
    model.cp.add(handover >= lower.expr())
    return Tally.of([handover])
