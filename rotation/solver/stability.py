"""Replanning (SPEC.md section 6): change as little of the previous plan as the higher goals allow.

The measure is ``changed_months``: person-months inside the horizon in which someone holds a
different post (or none) than in the previous plan, exactly as ``rotation.changes.
changed_months`` counts them. It is linear in the hold variables, because a plan never has
one person in two posts in the same month (R11): for a month in which the person held post q
before, the month is changed unless they hold q now (1 - hold[q]); for a month in which they
held nothing, it is changed if they hold anything now.

The stability goal is a tier of its own, after cover and pledges and before the weighted
balance (the issue's "below cover and pledges, above preferences"). ``weight_stability`` 0
turns it off; any other value puts it in that place.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ortools.sat.python import cp_model

from rotation.domain import Secondment
from rotation.months import Month
from rotation.solver.context import SolverModel
from rotation.solver.interrupt import new_solver
from rotation.solver.objective import GoalTier
from rotation.solver.tally import Tally, Var

STABILITY_GOAL = "stability"


def stability_tier(model: SolverModel, previous: Sequence[Secondment]) -> GoalTier | None:
    """The stability goal tier, or None when there is no previous plan or its weight is 0."""
    if not previous or model.settings.weight_stability <= 0:
        return None
    changed = changed_months_tally(model, previous)
    return GoalTier(STABILITY_GOAL, {"changed_months": changed}, changed)


def changed_months_tally(model: SolverModel, previous: Sequence[Secondment]) -> Tally:
    """Person-months in the horizon whose post differs from ``previous`` (none counts too)."""
    problem = model.problem
    variables = model.variables
    old_posts = _old_posts(previous, problem.horizon)
    post_index = {p.post: q for q, p in enumerate(problem.posts)}
    pair_of = {(pair.person, pair.post): pair for pair in variables.pairs}
    changed = Tally()
    for p, candidate in enumerate(problem.candidates):
        for t in problem.horizon:
            old = old_posts.pop((candidate.person, t), set())
            if not old:
                changed.add(variables.person_holding(p, t))
                continue
            q = post_index.get(next(iter(old))) if len(old) == 1 else None
            if q is None:
                changed.constant += 1  # a post that is gone, or two at once: cannot recur
                continue
            holding = Tally(constant=sum(1 for s in variables.stints_by_person[p]
                                         if s.post == q and s.covers(t)))
            pair = pair_of.get((p, q))
            if pair is not None and t in pair.hold:
                holding.terms.append((pair.hold[t], 1))
            changed.add(Tally(constant=1) - holding)
    changed.constant += len(old_posts)  # people no longer on the Candidates sheet
    return changed


def hint_previous(model: SolverModel, previous: Sequence[Secondment]) -> None:
    """Start the search from the previous plan: hint every hold and start, and the counts.

    The plan replaces any earlier hint (one plan at a time: CP-SAT refuses a hint that names
    a variable twice)."""
    # Existing secondments are constants of the model, not decisions to hint.
    agreed = {(s.person, s.post, s.start, s.end) for s in model.problem.existing}
    chosen = [s for s in previous if (s.person, s.post, s.start, s.end) not in agreed]
    held: set[tuple[str, str, Month]] = {
        (s.person, s.post, t) for s in chosen for t in range(s.start, s.end + 1)}
    people = model.problem.candidates
    posts = model.problem.posts
    hints: dict[int, tuple[Var, int]] = {}
    for pair in model.variables.pairs:
        person, post = people[pair.person].person, posts[pair.post].post

        def was_held(t: Month, person: str = person, post: str = post) -> bool:
            return (person, post, t) in held

        for t, var in pair.hold.items():
            hints.setdefault(var.index, (var, int(was_held(t))))
        starts = 0
        for t in pair.months:
            began = was_held(t) and not was_held(t - 1)
            starts += began
            if t in pair.start:
                var = pair.start[t]
                hints.setdefault(var.index, (var, int(began)))
            if t in pair.started:
                var = pair.started[t]
                hints.setdefault(var.index, (var, starts))
    on_post = {(s.person, t) for s in chosen for t in range(s.start, s.end + 1)}
    for (p, t), var in model.variables.person_on.items():
        hints.setdefault(var.index, (var, int((people[p].person, t) in on_post)))
    model.cp.clear_hints()
    hint = model.cp.proto.solution_hint  # (at once: one ``add_hint`` a variable is slow)
    hint.vars.extend(list(hints))
    hint.values.extend([value for _var, value in hints.values()])


def _old_posts(previous: Sequence[Secondment], horizon: range
               ) -> dict[tuple[str, Month], set[str]]:
    """The posts each person held in each horizon month of the previous plan."""
    posts: dict[tuple[str, Month], set[str]] = defaultdict(set)
    for secondment in previous:
        for t in range(max(secondment.start, horizon.start),
                       min(secondment.end, horizon.stop - 1) + 1):
            posts[(secondment.person, t)].add(secondment.post)
    return posts


def complete_hint(model: SolverModel, seconds: float) -> list[int] | None:
    """Extend the hint to every variable, so that the search starts from the hinted plan.

    The hint names the decisions (who holds which post when); the model's own counts
    (vacancies, handovers, running totals) follow from them. A short search with the hinted
    decisions fixed works those out; its solution becomes the whole hint, and is returned
    (None when there is none: a hint that breaks a rule is left as it was, for the search to
    repair).
    """
    cp = model.cp
    if not cp.proto.solution_hint.vars:
        return None
    trial = cp.clone()
    trial.clear_objective()
    solver = new_solver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 1
    solver.parameters.fix_variables_to_their_hinted_value = True
    # With every decision fixed, propagation alone finds the rest: one presolve pass, no
    # probing or symmetry (measured: 1.0 s instead of 1.8 on the generated 150-post problem).
    solver.parameters.max_presolve_iterations = 1
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.symmetry_level = 0
    if solver.solve(trial) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    solution = list(solver.response_proto.solution)
    hint_solution(cp, solution)
    return solution


def hint_solution(cp: cp_model.CpModel, solution: list[int]) -> None:
    """Replace the hint by a whole solution (every variable's value, by index)."""
    cp.clear_hints()
    cp.proto.solution_hint.vars.extend(range(len(solution)))
    cp.proto.solution_hint.values.extend(solution)
