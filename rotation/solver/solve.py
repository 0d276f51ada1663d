"""Solve a problem goal tier by goal tier and return the plan as domain records.

Stages are strictly lexicographic (SPEC.md section 4): stage 1 minimises vacant post-months;
stage 2 keeps vacancies at the best found and minimises pledge shortfall; stage 3 keeps both
and minimises the weighted balance of preference, travel and cost. A tier no choice can
change is skipped. Each stage starts from the previous stage's plan (a full solution hint;
the first from the best hand plan), and a stage whose starting plan already holds its tier
at the lowest value the variables allow (say, no vacant month at all) is settled without a
search. The time limit is shared: a stage may use what is left minus a fair share kept for
each later stage (a search that cannot prove its goal on a large model takes less: see
``PLEDGES_SEARCH_SHARE`` and ``FLOOR_LOOK_SHARE``). In a reproducible solve the sharing
counts CP-SAT's deterministic time, not the clock, so that every stage gets the same budget
on every run. The whole-secondment relaxation (see ``secondment_mip``) gives a second
opinion: its proven optimum becomes the goal's floor and its plan the hint. It is asked
first for the cover and pledge goals (and for the balance once it has settled an earlier
goal), first for the balance when a search narrowed by its reduced costs applies, and for
the balance otherwise when CP-SAT has not proven it in the first part of its stage.

Ctrl-C stops the stage under way (see ``interrupt``): no later stage runs, and the best
plan found so far is returned, marked ``interrupted``.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ortools.sat.python import cp_model

from rotation.checker import plan_breaches
from rotation.checker.goals import goal_terms as checked_goal_terms
from rotation.domain import FundedStretch, Problem, Secondment
from rotation.funded_posts import implied_stretches
from rotation.months import Month
from rotation.plan import GoalTerms, SolveResult
from rotation.solver.conflicts import describe_breaches, explain_infeasibility
from rotation.solver.domains import Domains, Pair, restrict_domains
from rotation.solver.floor import FLOOR_SHARE, VacancyFloor
from rotation.solver.funding import funded_from_solution, hand_funded, hint_funded
from rotation.solver.goals import balance_value, goal_terms
from rotation.solver.greedy import Effort, budget_may_bind, polish_plan, starting_plans
from rotation.solver.holders import Holders, best_holders
from rotation.solver.interrupt import LateStop, new_solver, solve_interruptibly
from rotation.solver.model import BuiltModel, build_model
from rotation.solver.objective import GoalTier
from rotation.solver.options import Progress, SolveOptions
from rotation.solver.patterns import PATTERNED_GOALS, AgencyPatterns
from rotation.solver.pricing import PricedMip
from rotation.solver.rebuild import rank as plan_rank
from rotation.solver.rebuild import rebuilt_plans
from rotation.solver.relaxation import Relaxation, restricted_model, solve_relaxation
from rotation.solver.secondment_mip import INTEGRAL, MAX_COLUMNS, SecondmentMip, column_count
from rotation.solver.shortlist import too_large
from rotation.solver.stability import complete_hint, hint_previous, hint_solution
from rotation.solver.variables import Variables

ProgressHandler = Callable[[Progress], None]

MIN_LATER_STAGE_SECONDS = 3.0
"""Each later stage keeps at least this much (or 15% of the limit), when the limit allows."""

REPRODUCIBLE_SUBSOLVERS = ("max_lp", "pseudo_costs")
"""Full-problem workers of the deterministic search (measured on Highland and the generated
S instances: about 1.2-2.3 times faster than ``max_lp`` with ``quick_restart``, and far faster
than the default portfolio of ten interleaved on two threads; see benchmarks/notes.md)."""

LARGE_SUBSOLVERS = ("default_lp", "quick_restart_no_lp")
"""Full-problem workers of the deterministic search on a large model (see ``LARGE_MODEL``):
measured on the generated L instance, 1.6 GB instead of 2.0 and a better plan in 60 s."""

LARGE_MODEL = 10_000
"""Pair-months (see ``variables``) above which a model is large."""

MIN_HAND_PLANS, MAX_HAND_PLANS, HAND_PLAN_SHARE = 5, 55, 0.02
"""How many hand plans the warm start is chosen from (see ``_hand_plan``). At least the
first thrifty one (``greedy.thrifty``, the fifth): on the generated tight 60-post instance,
where only the first four fitted the share of a 60 s limit, it has 280 vacant post-months
against 293. At most as many as the 25 random orders made before thrifty plans were tried,
with a thrifty plan each (S: every plan in 0.1 s)."""

REBUILD_SHARE, REBUILD_MOST_SIZE = 0.5, 100_000
"""A large problem (see ``shortlist``) of at most ``REBUILD_MOST_SIZE`` pair-months (every
month R2-R4 allow each person in each post), where a budget may bind (see
``greedy.budget_may_bind``), has its hand plan rebuilt in parts (see ``rebuild``) for
``REBUILD_SHARE`` of the time limit, counted in the hand planner's steps; the search has the
rest. Measured on the generated tight 20-post instances (52,000 pair-months; 30 s): CP-SAT's
cover stage found no better cover than the thrifty hand plans in its time; with the
rebuilding for 15 % of the limit the plans had 84, 97, 74, 74 and 99 vacant post-months on
seeds 1, 2, 11, 12 and 3 instead of 92, 98, 77, 79 and 104, and the rounds were still finding
better plans when they stopped; for half of it, 79, 96, 73, 72 and 95 (30 % of it: 83, 96,
73, 73 and 95; 70 %: 79, 96, 73, 71 and 94, little more for leaving the search under a
third of the limit). On the 150-post national one (127,000) the rounds took
its hand plan from 722 to 719 but the search then found nothing better (708 without them),
and on the 60-post one (637,000) they found no better cover."""


HAND_PLAN_STEPS_PER_SECOND = 500_000
"""The hand planner's steps (``greedy.Effort``) in a second, as measured on the 2-core
benchmark machine (0.25-0.8 million across the generated sizes): what turns
``HAND_PLAN_SHARE`` of the time limit into a number of steps, the same on every machine."""

HINT_SECONDS = 5.0
"""At most this long to work out the starting plan's counts (see ``complete_hint``)."""

GUIDED_GOALS = ("balance",)
"""Goals whose stage first searches the pairs its linear relaxation uses, then searches the
model narrowed by the relaxation's reduced costs (see ``relaxation``). Measured: the balance
stage on S took 1.1 s to find the optimum that way and 1.6 s to prove it, instead of
10.3 s; Highland 1.2 + 2.3 s instead of 8.2 s; with the narrowing, S's proof 0.1 s and the
generated S instances' balance stage 0.6-2.0 s instead of 1.6-2.9 s. Not cover or pledges:
their relaxations are so degenerate that CLP took 10-22 s on S and Highland."""

GUIDE_SHARE = 0.05
"""The share of its stage's budget the relaxation and the restricted search may use. Where
the restricted search proves nothing quickly (the generated tight S instances) the second
opinion does (see ``FIRST_LOOK_SHARE``); a quarter of the budget cost those 6-9 s a stage and
bought nothing on the relaxed S instance or Highland."""

MIP_GOALS = ("cover", "funding", "pledges", "balance")
"""Goals the whole-secondment relaxation (see ``secondment_mip``) states."""

MIP_FIRST_GOALS = ("cover", "funding", "pledges")
"""Goals whose stage asks the whole-secondment relaxation first, before CP-SAT searches (and
the balance, once the relaxation has settled an earlier goal). A stage runs only when its
starting plan is not already at the floor (some vacancy or pledged month short that the
rules do not obviously force), which is where the relaxation is strongest: on the generated
tight S instances HiGHS proves each goal at its root in 0.3-3 s, while CP-SAT's
month-by-month bound stays far below it. Measured (tight S seeds 1-6, 60 s limit): 1.1,
1.9, 7.8, 7.4, 1.6 and 9.3 s in all, instead of 6.0, 6.2, 14.5, 14.9, 7.3 and 15.3 with
CP-SAT's first look first; Highland 4.0 s instead of 6.6 (its pledges).

An earlier goal settled by the agencies' patterns (see ``PATTERN_GOALS``) counts as settled
by the relaxation. Measured on the generated tight S instances (seeds 1-10, 21-29 and 40-71,
60 s limit): seeds 25, 44, 52 and 58 took 1.8, 1.8, 2.4 and 6.4 s instead of 5.4, 4.2, 5.0
and 10.6 (the balance's narrowed search held no plan, and CP-SAT's guided start and first
look came before HiGHS's proof); the rest, the relaxed instances and Highland within noise."""

MIP_NARROWED_FIRST = ("balance",)
"""Goals whose stage asks the whole-secondment relaxation first for a search narrowed by its
reduced costs (see ``secondment_mip``). Measured on the generated relaxed S instances, seeds
1-16: 0.9-2.0 s a solve instead of 0.8-6.4 s with CP-SAT's guided search first; Highland 5-7
s instead of 8-9. Not the whole relaxation first: on Highland, before the narrowed search
looked wider, HiGHS took 3.9 s over the balance CP-SAT proves in about 2.

Where there is no narrowed search (it would leave out too few columns, or its columns hold
no plan), the stage asks for the whole relaxation's optimum at once, as ``MIP_FIRST_GOALS``
do. Measured on the generated relaxed S instances, seeds 1-16, 30-34 and 60-199: seed 80,
the one such, 3.6 s instead of 6.2 (CP-SAT's guided start and first look, 2.5 s, proved
nothing before HiGHS did); the rest, the tight seeds 1-10, 21-29 and 40-71 and Highland
within noise."""

PATTERN_GOALS = tuple(PATTERNED_GOALS)
"""Goals whose relaxation first works out their floor from the agencies' patterns (see
``patterns``), before HiGHS searches for the optimum. Measured on the generated tight S
instances, seeds 1-10 and 21-29, with a 10 s limit: the cover proven on 16 of the 19 instead
of 6, six covers better (by 2-6 vacant post-months) and eight plans proven optimal instead
of five; the runs whose covers were already proven took about as long. The pledges, with a
60 s limit: seeds 49 and 50 proven optimal in 10.3 and 21.5 s instead of 28.6 and 38.9 (the
pledges' stage 0.9 and 2.5 s instead of 17.8 and 16.6); where the floor stays below the
optimum the generation costs 1-3 s (seed 40: 15.4 s instead of 14.1)."""

PATTERN_SHARE = 0.75
"""The share of its stage's budget the patterns may take (they stop sooner once the floor
can rise no further: 0.2-2 s on the generated tight S instances). HiGHS's search after
them keeps its own time, out of CP-SAT's."""

FIRST_LOOK_SHARE = 0.05
"""The share of its stage's budget CP-SAT searches alone before, if it has not proven the
goal, the whole-secondment relaxation is asked for the goal's optimum: a goal whose
relaxation has not been asked first (see ``MIP_FIRST_GOALS`` and ``MIP_NARROWED_FIRST``:
a stage with no plan yet to start from). A goal the relaxation was asked about first and did
not settle gets CP-SAT's whole stage instead."""

PRICED_GOALS = ("cover", "pledges", "balance")
"""Goals whose stage, on a large model, first prices in whole secondments (see ``pricing``)
for a plan and a bound."""

PRICED_SHARE = {"cover": 0.5, "pledges": 0.5, "balance": 0.9}
"""The share of the stage's wall-clock budget pricing may take, by goal. Measured on
generated 20-post instances (30 s): the balance's linear program converges in about 6-7 s
and HiGHS then needs 3-13 s to find a plan within 0.5 % of the best among its columns
(50,982 against 50,772 on the bench instance, 46,811 against 46,810 on seed 7, where with
half the stage it had stopped at 245,021, and CP-SAT alone reached 231,383-244,414); CP-SAT
seldom improves such a plan in the time left. The cover of the scarce-staff instance is
CP-SAT's to find (HiGHS found none better among its columns), so its stage keeps half."""

PLEDGES_SEARCH_SHARE = 0.5
"""On a large model whose pledges pricing has not settled, the share of the stage's budget
CP-SAT then searches; the rest goes to the balance. There the pledges' bound is the linear
one, often 0 (a fractional plan keeps every pledge), so the search never proves its plan
and would take all but the balance's least share. Measured on the generated 20-post
instance of seed 2 (30 s): the pledges stage ended at 21 months short either way, and the
balance's pricing, given 8 s instead of 1.5, found a plan 4 months short with a balance
within 0.01 % of its bound (55,589 against 55,588.8), where it had been 261,987 (79 %)."""

MIP_SHARE = 0.5
"""The share of the stage's remaining wall-clock budget HiGHS may take for that optimum."""

NEAR_FLOOR = 0.05
"""On a large model, a starting plan whose vacancies are within this share of the vacancy
floor (at least ``NEAR_FLOOR_MONTHS``) is CP-SAT's to finish before any pricing (see
``FLOOR_LOOK_SHARE``)."""

NEAR_FLOOR_MONTHS = 3

NEAR_FLOOR_SIZE = 200_000
"""The near-floor search first (see ``NEAR_FLOOR``) only where the whole problem has at
least this many pair-months (every month R2-R4 allow each person in each post, shortlist or
not): pricing the cover grows with them. On the generated 60-post instances (about 650,000)
pricing took 14 s and found no better cover, and the search reached the floor in 10; on the
20-post ones (about 52,000) pricing reached it in 2-3 s, and the search first had used 7.5 s
of a 30 s solve without reaching it (seeds 2, 8, 9 and 10)."""

FLOOR_LOOK_SHARE = 0.35
"""The share of the cover stage's budget CP-SAT first searches alone, on a large model whose
starting plan is near the vacancy floor, stopping as soon as a plan reaches the floor. On the
generated L instances (seeds 2 and 3: hand plans 81 and 83, floors 80 and 81) pricing the
cover took 14 s and found nothing better; CP-SAT, then, reached the floor 10-13 s later.
Searching first, it reached it about 10 s into the stage, and the balance had the 16 s saved.
Where the first search does not reach the floor, a second as long follows if the first was
still finding better plans (see ``SECOND_LOOK_AFTER``), with no pricing, and the rest of the
stage goes to the later goals: on seeds 4-7 pricing had then found no
better cover in 7-14 s, nor CP-SAT in the 13-16 s after it, and the balance, given 30 s
instead of 17-19, ended 3-13 % from its bound instead of 24-31 % (seed 6 stays far), with the
same cover. Far from the floor (the scarce-staff instances), pricing goes first as before."""

SECOND_LOOK_AFTER = 0.5
"""The near-floor search (see ``FLOOR_LOOK_SHARE``) goes on for a second look only when its
first found a better plan after this share of its work; otherwise the rest of the cover
stage goes to the later goals. Measured on unseen generated L instances (relaxed, 60 s): on
seeds 4-7 the second look had never found a better cover; seed 5 (84 against a floor of 82,
no better plan in the first look) then ended 1.0-1.3 % from its balance bound instead of
3.9-4.4 %; seed 4 (its 84 found early in the first look, so no second look either) 1.7 %,
2.0 % and 12.4 % in three runs (12.8 % before; its balance's secondment search needs about
25 s, which the second look had taken), and in a fourth run the first look found no better
cover than the hand plan's 85 (the search is held to the clock on a large model) and the
stage ended there: 85 vacant, 1.9 % from the balance bound. Seeds 6 and 7 the same plans."""

HOLDERS_SHARE = 0.05
HOLDERS_MOST = 5.0
"""Choosing the best holders for an unproven plan's secondments (see ``_polished``) has this
share of the time limit, and at most this many seconds, after the search. Measured (60 s):
on unseen generated 60-post problems HiGHS settles the choice in 0.8-1.6 s, on the 150-post
benchmark problem in about 1.5 s; on the tight benchmark problems (20, 60 and 150 posts),
whose agencies' budgets and limits bind, it found nothing better than the search's holders
in 10 s (and nor did it in 60 s on 20 posts), so there the time is spent for nothing."""

HOLDERS_FIRST_SIZE = 200_000
"""The balance stage starts from the best holders for the plan so far (see
``_Stages._start_with_best_holders``) only where the whole problem has at least this many
pair-months (see ``NEAR_FLOOR_SIZE``): there the balance's searches are short of time. On
the generated 20-post instances (about 52,000), whose balance stage has time to find good
holders itself, seeds 2-5 ended with the same plans either way and seed 1 (the bench's)
0.53 % from its bound instead of 0.32 %: the searches from the better start kept its
posts' months. The 150-post national instance (about 128,000: its regions keep it small)
ended within 0.01 % of the same balance either way."""

WALL_CLOCK_MARGIN = 1.5
"""A reproducible stage stops by deterministic time; the clock stops the whole search only
at this many times the time limit (a much slower or busier machine): then the run is no
longer reproducible, and the result says so. A large model (see ``LARGE_MODEL``), whose
work units run slower than seconds, is held to the time limit itself."""


def configure(solver: cp_model.CpSolver, options: SolveOptions, workers: int,
              seconds: float, wall_seconds: float | None = None, *,
              large: bool = False) -> None:
    """Set the search parameters measured to work on this model.

    The full-problem worker is ``max_lp``: it puts every constraint (clauses included) in
    the LP relaxation, which the default first worker leaves out, and its bound is what lets
    the cover and balance stages be proven optimal. One presolve pass is enough: further
    passes cost more time than they save on every stage. On a ``large`` model that LP is
    too big to solve in the time and memory a planner has, so lighter workers search instead.
    """
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = options.seed
    solver.parameters.max_presolve_iterations = 1
    if options.reproducible:
        # Interleaved search synchronises the workers in fixed batches, so the path does not
        # depend on thread timing; the budget is deterministic time (about a second each).
        solver.parameters.interleave_search = True
        solver.parameters.subsolvers.extend(
            LARGE_SUBSOLVERS if large else REPRODUCIBLE_SUBSOLVERS)
        solver.parameters.max_deterministic_time = seconds
        solver.parameters.max_time_in_seconds = min(
            seconds * WALL_CLOCK_MARGIN, seconds if wall_seconds is None else wall_seconds)
    elif not large:
        solver.parameters.extra_subsolvers.append("max_lp")


@dataclass
class StageOutcome:
    """How one stage ended: its status, its best solution (all variable values) and bound."""

    status: cp_model.CpSolverStatus
    solution: list[int] | None
    value: float
    bound: float
    interrupted: bool = False  # Ctrl-C stopped it
    # For a CP-SAT search: its work (deterministic time), and how far into it the last plan
    # better than its starting plan came (None: no better plan).
    work: float = 0.0
    last_better: float | None = None


def solve(problem: Problem, options: SolveOptions,
          on_progress: ProgressHandler | None = None) -> SolveResult:
    """The best plan the hard rules allow for ``problem``, or why there is none."""
    started = time.monotonic()
    workers = options.workers or os.cpu_count() or 1
    common: dict[str, Any] = {"seed": options.seed, "workers": workers,
                              "time_limit": options.time_limit,
                              "reproducible": options.reproducible}
    # Warm start: the hand planner's plan is found in a blink and reported at once; the
    # search starts from it and, if it finds nothing better in time, it is the answer.
    hand_plan = _hand_plan(problem, options) if not options.previous else None
    if hand_plan is not None and on_progress is not None:
        on_progress(Progress(goal="cover", stage=0, stages=0,
                             value=hand_plan.goals.vacant_post_months,
                             bound=0, elapsed=0.0, time_left=options.time_limit))
    floor = None
    search_options = options
    try:
        # A problem too large to model whole gets a floor on its vacancies, worked out on
        # the other core while this one builds the model (see ``floor``).
        whole = restrict_domains(problem, frozenset(), [])
        large = too_large(whole)
        floor = VacancyFloor.start(problem, whole) if large else None
        if (hand_plan is not None and large and budget_may_bind(problem)
                and sum(len(months) for months in whole.values()) <= REBUILD_MOST_SIZE
                and not any(post.funding == "either" for post in problem.posts)):
            # The hand plan rebuilt in parts, in a share of the search's time (see
            # ``rebuild``); a plan it finds stands if Ctrl-C stops the rest.
            search_options = replace(options, time_limit=(1 - REBUILD_SHARE)
                                     * options.time_limit)
            steps = round(HAND_PLAN_STEPS_PER_SECOND * REBUILD_SHARE * options.time_limit)
            for rebuilt in rebuilt_plans(problem, hand_plan.secondments, options.seed, steps,
                                         domains=whole):
                fewer = (rebuilt.goals.vacant_post_months
                         < hand_plan.goals.vacant_post_months)
                hand_plan = HandPlan(rebuilt.secondments, hand_plan.funded, rebuilt.goals)
                if on_progress is not None and fewer:  # (said in vacant post-months)
                    on_progress(Progress(goal="cover", stage=0, stages=0,
                                         value=rebuilt.goals.vacant_post_months, bound=0,
                                         elapsed=time.monotonic() - started,
                                         time_left=options.time_limit))
        start = hand_plan.secondments if hand_plan is not None else ()
        built = build_model(problem, previous=options.previous,
                            shortlist_keeping=_pairs_of(problem, (*start, *options.previous)))
        if hand_plan is not None:
            hint_previous(built.model, hand_plan.secondments)
            hint_funded(built.model, hand_plan.funded)
        hint = None if built.breaches else complete_hint(built.model, HINT_SECONDS)
        vacancy_floor = None
        if floor is not None:
            waited = FLOOR_SHARE * options.time_limit - (time.monotonic() - started)
            vacancy_floor = floor.value(waited)
    except KeyboardInterrupt:  # Ctrl-C while the model is built: the hand plan stands
        if hand_plan is None:
            raise
        return _hand_plan_result(problem, hand_plan, interrupted=True, started=started,
                                 build_seconds=time.monotonic() - started, **common)
    finally:
        if floor is not None:
            floor.stop()
    common["build_seconds"] = time.monotonic() - started
    common["shortlist"] = built.shortlist.sentence() if built.shortlist else None
    if built.breaches:
        return SolveResult(status="INFEASIBLE", conflicts=describe_breaches(built.breaches),
                           **common)
    floor_late = floor is not None and floor.late  # the clock, not the problem, decided
    if vacancy_floor is not None:  # no plan goes below it: the search's bound starts there
        cover = built.tiers[0]
        cover.least = vacancy_floor
        built.model.cp.add(cover.total.expr() >= vacancy_floor)

    search_started = time.monotonic()
    deadline = search_started + search_options.time_limit
    stages = _Stages(built, search_options, workers, deadline, on_progress, hint,
                     whole if built.shortlist is not None else None)
    outcome = stages.run()
    common["reproducible"] = (options.reproducible and not stages.clock_stopped
                              and not floor_late)
    proved = stages.whole_bounds  # what pricing proved for every plan of the whole problem
    if "cover" in proved:
        least = max(0, math.ceil(proved["cover"] - INTEGRAL))
        vacancy_floor = least if vacancy_floor is None else max(vacancy_floor, least)
    common["vacancy_floor"] = vacancy_floor
    if built.shortlist is not None:  # proven among the shortlisted pairs only
        outcome.proven = False
        balance = built.tiers[-1]
        outcome.balance_bound = (proved["balance"] / balance.scale if "balance" in proved
                                 and balance.goal == "balance" else None)
        outcome.balance_exact = False
        outcome.proven_goals = [tier.goal for tier in built.tiers if tier.is_constant]
    if outcome.solution is None and not outcome.infeasible and hand_plan is not None:
        return _hand_plan_result(problem, hand_plan, interrupted=outcome.interrupted,
                                 started=search_started, **common)
    if outcome.interrupted and outcome.solution is None:
        return SolveResult(status="UNKNOWN", interrupted=True,
                           solve_seconds=time.monotonic() - search_started, **common)
    if outcome.infeasible:
        conflicts = explain_infeasibility(problem, options, workers, deadline)
        return SolveResult(status="INFEASIBLE", conflicts=conflicts,
                           solve_seconds=time.monotonic() - search_started, **common)
    if outcome.solution is None:
        return SolveResult(status="UNKNOWN", solve_seconds=time.monotonic() - search_started,
                           **common)

    variables = built.model.variables
    secondments = plan_from_solution(problem, variables, outcome.solution)
    funded = funded_from_solution(problem, built.model, outcome.solution)
    goals = goal_terms(problem, secondments, options.previous, funded=funded)
    if stages.outside_plan is not None and built.shortlist is not None:
        outside = _outside_plan(problem, options, stages.outside_plan, secondments, goals)
        if outside is not None:
            secondments, funded, goals = outside
            common["shortlist"] += ("; the plan also pairs people with posts outside it, "
                                    "where pricing the whole problem showed it pays")
    if not outcome.proven and not options.previous:
        polished = _polished(problem, secondments, funded, goals,
                             _holders_seconds(options.time_limit),
                             only_after_moves=stages.large)
        if polished is not None:
            secondments, goals, clock_stopped = polished
            common["reproducible"] = common["reproducible"] and not clock_stopped
    if (hand_plan is not None and not outcome.proven
            and _ranks(hand_plan.goals) < _ranks(goals)):  # stopped before the search beat it
        secondments, funded = hand_plan.secondments, hand_plan.funded
        goals = hand_plan.goals
        outcome.balance_bound = None
    if vacancy_floor is not None and goals.vacant_post_months <= vacancy_floor:
        # The best cover any plan of the whole problem can have, shortlist or not; and then
        # no pledged month short (or as few as pricing proved possible) is the best too.
        least_short = math.ceil(proved.get("pledges", 0.0) - INTEGRAL)
        for goal, proven in (("cover", True),
                             ("pledges", goals.pledge_shortfall_months <= max(0, least_short))):
            if proven and goal not in outcome.proven_goals:
                outcome.proven_goals.append(goal)
    objective = balance_value(problem.settings, goals)
    bound = None if outcome.balance_bound is None else min(objective, outcome.balance_bound)
    return SolveResult(status="OPTIMAL" if outcome.proven else "FEASIBLE",
                       interrupted=outcome.interrupted,
                       secondments=secondments, funded=funded, goals=goals,
                       objective=objective,
                       best_bound=objective if outcome.balance_exact else bound,
                       proven_goals=tuple(outcome.proven_goals),
                       solve_seconds=time.monotonic() - search_started, **common)


def _holders_seconds(time_limit: float) -> float:
    """The time HiGHS has to choose a plan's holders afresh (see ``HOLDERS_SHARE``)."""
    return min(HOLDERS_MOST, HOLDERS_SHARE * time_limit)


def _polished(problem: Problem, secondments: tuple[Secondment, ...],
              funded: tuple[FundedStretch, ...], goals: GoalTerms, seconds: float, *,
              only_after_moves: bool = False
              ) -> tuple[tuple[Secondment, ...], GoalTerms, bool] | None:
    """The plan found with better-matched holders for its secondments, the same posts and
    months, when that lowers the balance and keeps every rule: the plan, its goal terms and
    whether the clock stopped the choice (so that a rerun may differ); None otherwise.

    First each secondment is moved to a better-matched candidate where the rules allow
    (``greedy.polish_plan``, a blink), then every holder is chosen afresh at once
    (``holders.best_holders``, HiGHS for at most ``seconds``), which can also exchange two
    holders or pass a secondment along a chain of people. The search's plan is the best it
    found in its time, and on a large problem the best among the shortlisted pairs, so its
    holders are often not the best for its months. Measured on unseen generated 60-post
    problems (60 s): seed 2's balance 665,936 as found, 226,294 moved one at a time, 181,953
    chosen afresh (1.6 s; the whole problem's bound 172,247). Not for a replan, whose plan
    should change as little as the goals allow. With ``only_after_moves`` (a large model),
    the holders are chosen afresh only when the polish moved someone: on the tight
    benchmark problems it moved no one, and HiGHS then found nothing better in 10 s.
    """
    domains = restrict_domains(problem, frozenset(), [])
    plan = polish_plan(problem, secondments, domains)
    chosen = Holders(None, clock_stopped=False)
    try:
        if plan != secondments or not only_after_moves:
            chosen = best_holders(problem, plan, seconds, domains)
    except KeyboardInterrupt:  # Ctrl-C: the plan as polished so far is the answer
        chosen = Holders(None, clock_stopped=True)
    plan = chosen.plan or plan
    if plan == secondments:
        return None
    better = goal_terms(problem, plan, funded=funded)
    settings = problem.settings
    if (_ranks(better) > _ranks(goals)
            or balance_value(settings, better) >= balance_value(settings, goals)
            or plan_breaches(problem, plan, funded=funded)):
        return None
    return plan, better, chosen.clock_stopped


def _outside_plan(problem: Problem, options: SolveOptions,
                  new_secondments: tuple[Secondment, ...], plan: Sequence[Secondment],
                  goals: GoalTerms
                  ) -> tuple[tuple[Secondment, ...], tuple[FundedStretch, ...], GoalTerms] | None:
    """A plan pricing found outside the shortlist (``new_secondments``, with ``plan``'s
    agreed ones), its funded officers and goal terms, when it keeps every rule (as the
    independent check finds) and is better than ``plan`` (goal terms ``goals``): the same
    cover and pledges or better, then a lower balance. Only where no post may be either
    seconded or funded, so that its funded officers are the funded posts' own."""
    if any(post.funding == "either" for post in problem.posts):
        return None
    outside = (*(s for s in plan if s.existing), *new_secondments)
    funded = tuple(implied_stretches(problem))
    if plan_breaches(problem, outside, funded=funded):
        return None
    checked = checked_goal_terms(problem, outside, options.previous, funded=funded)
    settings = problem.settings
    if (*_ranks(checked), balance_value(settings, checked)) >= (
            *_ranks(goals), balance_value(settings, goals)):
        return None
    return outside, funded, checked


@dataclass(frozen=True)
class HandPlan:
    """The warm start: a hand plan, its funded officers and its goal terms."""

    secondments: tuple[Secondment, ...]
    funded: tuple[FundedStretch, ...]  # its funded officers (see ``funding.hand_funded``)
    goals: GoalTerms

    @classmethod
    def of(cls, problem: Problem, secondments: tuple[Secondment, ...]) -> HandPlan:
        """The hand plan of ``secondments``, with the funded officers it leaves room for."""
        funded = hand_funded(problem, secondments)
        return cls(secondments, funded, goal_terms(problem, secondments, funded=funded))


def _hand_plan(problem: Problem, options: SolveOptions) -> HandPlan | None:
    """The best of a few hand plans (see ``greedy.starting_plans``), when it keeps every rule
    (it always should), by cover, then pledges, then the balance.

    At least ``MIN_HAND_PLANS`` are made, more while they take under ``HAND_PLAN_SHARE`` of
    the time limit (at most ``MAX_HAND_PLANS``). That share is counted in the hand planner's
    steps, not seconds, so that the same plans are made on a fast machine as on a slow or
    busy one, and the search starts from the same plan. Where a post may be ``either``
    seconded or funded, each month the plan leaves it vacant is funded while the central
    budget allows (see ``funding.hand_funded``).
    """
    steps = HAND_PLAN_STEPS_PER_SECOND * HAND_PLAN_SHARE * options.time_limit
    effort = Effort()
    best: tuple[tuple[int, float, int, float], HandPlan] | None = None
    for count, plan in enumerate(starting_plans(problem, options.seed, effort), start=1):
        hand_plan = HandPlan.of(problem, plan)
        rank = plan_rank(problem, hand_plan.goals)
        if best is None or rank < best[0]:
            best = (rank, hand_plan)
        if count >= MAX_HAND_PLANS or (count >= MIN_HAND_PLANS and effort.steps > steps):
            break
    assert best is not None
    chosen = best[1]
    return None if plan_breaches(problem, chosen.secondments, funded=chosen.funded) else chosen


def _hand_plan_result(problem: Problem, hand_plan: HandPlan, *,
                      interrupted: bool, started: float, **common: Any) -> SolveResult:
    """The hand plan as the answer: the search found nothing better, or was stopped."""
    return SolveResult(status="FEASIBLE", interrupted=interrupted,
                       secondments=hand_plan.secondments,
                       funded=hand_plan.funded, goals=hand_plan.goals,
                       objective=balance_value(problem.settings, hand_plan.goals),
                       solve_seconds=time.monotonic() - started, **common)


def _pairs_of(problem: Problem, plan: Sequence[Secondment]) -> set[Pair]:
    """The (person, post) index pairs a plan's secondments use."""
    person_index = {c.person: p for p, c in enumerate(problem.candidates)}
    post_index = {post.post: q for q, post in enumerate(problem.posts)}
    return {(person_index[s.person], post_index[s.post]) for s in plan
            if s.person in person_index and s.post in post_index}


def _ranks(goals: GoalTerms) -> tuple[int, float, int]:
    """The goals above the balance, in priority order (lower is better): the cover, the
    direct cost of funded officers, the pledges."""
    return (goals.vacant_post_months, goals.direct_cost, goals.pledge_shortfall_months)


@dataclass
class _Outcome:
    """How the stages ended: no plan can exist, or the best plan found (if any)."""

    infeasible: bool = False
    interrupted: bool = False  # Ctrl-C stopped the search: the plan is the best so far
    solution: list[int] | None = None
    proven: bool = False  # every stage that ran proved its optimum
    balance_bound: float | None = None  # the third tier's proven bound, in its own units
    balance_exact: bool = False  # the third tier cannot vary: its value is its bound
    # Goal tiers whose value is proven optimal: constant ones, and each stage proved in a run
    # of proved stages (a later stage's optimum holds only given the earlier ones').
    proven_goals: list[str] = field(default_factory=list)


class _Stages:
    """The lexicographic stages over one built model."""

    def __init__(self, built: BuiltModel, options: SolveOptions, workers: int,
                 deadline: float, on_progress: ProgressHandler | None,
                 hint: list[int] | None = None, whole: Domains | None = None) -> None:
        self.built = built
        self.options = options
        self.workers = workers
        self.deadline = deadline
        self.on_progress = on_progress
        self.work_done = 0.0  # deterministic time spent by the stages so far
        self.clock_stopped = False  # a reproducible stage was cut short by the clock
        pair_months = sum(len(pair.hold) for pair in built.model.variables.pairs)
        self.whole_pair_months = pair_months if whole is None else sum(
            len(months) for months in whole.values())
        self.large = pair_months > LARGE_MODEL
        # The whole solution the model is hinted with, if it is (the completed hand plan, then
        # each stage's plan): a stage whose tier it already holds at its floor need not run.
        self.hint = hint
        # The whole-secondment relaxation, made when a stage first needs it, and the goal
        # values the stages have held so far (which it must hold too).
        self.second_opinion = (not self.large and not built.model.relaxed
                               and 0 < column_count(built.model) <= MAX_COLUMNS)
        self.mip: SecondmentMip | None = None
        self.kept: list[tuple[GoalTier, float]] = []
        self.mip_settled = False  # an earlier stage was settled by the relaxation (or patterns)
        # A large model's whole-secondment plans, priced in goal by goal (see ``pricing``),
        # over ``whole`` (every pair R2-R4 allow, for a shortlisted model); and the bounds
        # they prove for every plan of the whole problem, by goal (in the tier's units).
        self.pricing = self.large and not self.second_opinion and not built.model.relaxed
        self.whole = whole
        self.priced: PricedMip | None = None
        self.whole_bounds: dict[str, float] = {}
        # The stage's bound when its plan so far was found outside CP-SAT (by pricing).
        self.found_outside: float | None = None
        self.floor: int | None = None  # the stage's floor pricing proved, if any
        # A plan pricing found that pairs people with posts the shortlist left out (new
        # secondments only): the model cannot hold it, so ``solve`` weighs it at the end.
        self.outside_plan: tuple[Secondment, ...] | None = None

    def run(self) -> _Outcome:
        """Run every stage whose tier can change; stop early if one finds no plan."""
        tiers = [tier for tier in self.built.tiers if not tier.is_constant]
        balance_exact = self.built.tiers[-1].is_constant  # nothing to trade off in tier 3
        if not tiers:
            tiers = [self.built.tiers[-1]]  # a single feasibility search
        outcome = _Outcome(balance_exact=balance_exact,
                           proven_goals=[t.goal for t in self.built.tiers if t.is_constant])
        proven = True
        for index, tier in enumerate(tiers):
            try:
                stage = self._run_stage(tier, index, len(tiers))
            except KeyboardInterrupt:  # Ctrl-C between two searches: keep what we have
                outcome.interrupted = True
                proven = False
                break
            if stage.interrupted:
                outcome.interrupted = True
                if stage.solution is not None:
                    outcome.solution = stage.solution
                proven = False
                break
            if stage.solution is None:
                if outcome.solution is None and stage.status == cp_model.INFEASIBLE:
                    return _Outcome(infeasible=True)
                proven = False  # keep the previous stage's plan
                break
            outcome.solution = stage.solution
            proven = proven and stage.status == cp_model.OPTIMAL
            if proven:
                outcome.proven_goals.append(tier.goal)
            if tier.goal == "balance" and math.isfinite(stage.bound):
                outcome.balance_bound = stage.bound / tier.scale
            if index + 1 < len(tiers):
                self._keep(tier, stage)
        outcome.proven = proven and outcome.solution is not None
        return outcome

    def _run_stage(self, tier: GoalTier, index: int, count: int) -> StageOutcome:
        cp = self.built.model.cp
        self.found_outside = None
        # The tier's floor known without a search (the vacancy floor, the shortfall the rules
        # force), if any: a plan there is the best, and ends the search.
        self.floor = None if tier.least is None else int(tier.least)
        if self.hint is not None and self._at_floor(tier, self.hint):
            return self._settled(tier, index, count, self.hint)
        if tier.goal == "balance" and self.whole_pair_months >= HOLDERS_FIRST_SIZE \
                and not self.built.model.relaxed and not self.options.previous \
                and self.hint is not None:
            self._start_with_best_holders(tier)
        cp.minimize(tier.total.expr())
        share = 1.0  # of the stage's budget, for CP-SAT's search below
        if self.pricing and tier.goal in PRICED_GOALS and self.hint is not None:
            near = self._near_floor(tier, self.hint)
            if near:
                stage = self._budget(count - index)
                first = self._search(tier, index, count, cp, FLOOR_LOOK_SHARE * stage,
                                     FLOOR_LOOK_SHARE * self._budget(count - index, clock=True),
                                     None)
                if first.interrupted or first.status in (cp_model.OPTIMAL,
                                                         cp_model.INFEASIBLE):
                    return first
                if first.solution is not None:
                    self._start_from(first.solution)
                if not _still_finding(first):
                    return first  # the rest of the stage is the later goals'
                # Pricing the cover is left out (it seldom moves a plan this near the floor)
                # and the search goes on as long again: the rest is the later goals'.
                share = min(1.0, FLOOR_LOOK_SHARE * stage
                            / max(0.01, self._budget(count - index)))
            else:
                wall = self._budget(count - index, clock=True)
                settled = self._priced_plan(tier, index, count, PRICED_SHARE[tier.goal] * wall)
                if settled is not None:
                    return settled
            if self.pricing and tier.goal == "pledges":
                share = PLEDGES_SEARCH_SHARE
        fully = tier.goal in MIP_FIRST_GOALS or self.mip_settled
        asked = (self.second_opinion and tier.goal in MIP_GOALS and self.hint is not None
                 and (fully or tier.goal in MIP_NARROWED_FIRST))
        if asked:  # the relaxation first: its optimum as the floor, its plan as the hint
            seconds = MIP_SHARE * self._held_to_clock(count - index)
            settled = self._asked(tier, index, count, seconds, bound=0.0,
                                  narrowed_only=not fully)
            if settled is not None:
                return settled
            if not fully and self.mip is not None and tier.goal in self.mip.unnarrowed:
                # No narrowed search to ask: the whole relaxation's optimum instead.
                seconds = MIP_SHARE * self._held_to_clock(count - index)
                settled = self._asked(tier, index, count, seconds, bound=0.0)
                if settled is not None:
                    return settled
        # The relaxation, when solved: its bound is shown until CP-SAT's own catches up, and
        # the search runs on the model narrowed by its reduced costs.
        relaxation = None
        searched = cp
        if tier.goal in GUIDED_GOALS and not self.large and self.hint is not None:
            stopped, relaxation = self._guided_start(tier, index, count)
            if stopped is not None:
                return stopped
        if relaxation is not None and self.hint is not None:
            if relaxation.proves(_value_of(tier, self.hint)):  # nothing better to search for
                return self._settled(tier, index, count, self.hint)
            searched = relaxation.tightened(cp, self.hint) or cp
        relaxed_bound = None if relaxation is None else relaxation.objective
        budget = share * self._budget(count - index)
        wall = share * self._budget(count - index, clock=True)
        if asked or not self.second_opinion or tier.goal not in MIP_GOALS:
            return self._search(tier, index, count, searched, budget, wall, relaxed_bound)
        # CP-SAT first; if it has not proven the goal, the relaxation's optimum as its floor.
        started = time.monotonic()
        first = self._search(tier, index, count, searched, FIRST_LOOK_SHARE * budget,
                             FIRST_LOOK_SHARE * wall, relaxed_bound)
        if first.interrupted or first.status in (cp_model.OPTIMAL, cp_model.INFEASIBLE):
            return first
        if first.solution is not None:
            self._start_from(first.solution)
        if self.hint is not None:
            seconds = MIP_SHARE * max(0.01, min(wall - (time.monotonic() - started),
                                                self._held_to_clock(count - index)))
            settled = self._asked(tier, index, count, seconds, bound=first.bound)
            if settled is not None:
                return settled
        wall = max(0.01, self._budget(count - index, clock=True))
        # (less any time HiGHS ran out of, see ``_stopped_by_clock``)
        budget = max(0.01, min((1 - FIRST_LOOK_SHARE) * budget,
                               share * self._budget(count - index)))
        searched = cp
        if relaxation is not None and self.hint is not None:
            searched = relaxation.tightened(cp, self.hint) or cp  # with the floor, if any
        return self._search(tier, index, count, searched, budget, wall, relaxed_bound)

    def _search(self, tier: GoalTier, index: int, count: int, searched: cp_model.CpModel,
                budget: float, wall: float, relaxed_bound: float | None) -> StageOutcome:
        """One CP-SAT search of the stage's model (or a narrowed copy), started from the hint."""
        solver = new_solver()
        configure(solver, self.options, self.workers, budget, wall, large=self.large)
        start_value = None if self.hint is None else _value_of(tier, self.hint)
        reporter = _Reporter(self.on_progress, tier, index + 1, count, self.deadline,
                             self.options.time_limit, relaxed_bound, self.floor, start_value)
        end = solve_interruptibly(solver, searched, reporter)
        status = end.status
        at_floor = reporter.at_floor
        if at_floor and status == cp_model.FEASIBLE:
            status = cp_model.OPTIMAL  # a plan at the floor pricing proved ended it
        self.work_done += solver.deterministic_time
        if (self.options.reproducible and status != cp_model.OPTIMAL
                and status != cp_model.INFEASIBLE and not end.interrupted
                and solver.deterministic_time < 0.99 * budget):
            self.clock_stopped = True  # the clock, not the deterministic budget, ended it
        if status == cp_model.MODEL_INVALID:
            raise RuntimeError(f"the solver model is invalid: {searched.validate()}")
        hint = self.hint  # a whole solution of the model (see ``_start_from``)
        found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        if hint is not None and status in (cp_model.FEASIBLE, cp_model.UNKNOWN):
            # CP-SAT may not take up its hint in time (a large model, a short stage): the
            # plan so far stays the answer, and the next stage starts from it.
            value = _value_of(tier, hint)
            if not found or solver.objective_value > value:
                bound = -math.inf if self.found_outside is None else self.found_outside
                if found:
                    bound = max(bound, solver.best_objective_bound)
                return StageOutcome(cp_model.FEASIBLE, hint, value, min(bound, value),
                                    end.interrupted, solver.deterministic_time)
        if not found:
            return StageOutcome(status, None, 0.0, 0.0, end.interrupted,
                                solver.deterministic_time)
        bound = solver.objective_value if at_floor else solver.best_objective_bound
        return StageOutcome(status, list(solver.response_proto.solution),
                            solver.objective_value, bound, end.interrupted,
                            solver.deterministic_time, reporter.last_better)

    def _asked(self, tier: GoalTier, index: int, count: int, seconds: float,
               bound: float, narrowed_only: bool = False) -> StageOutcome | None:
        """``_second_opinion``, or on Ctrl-C while HiGHS runs the stage's plan so far (with
        ``bound``, the stage's bound so far), marked interrupted."""
        try:
            return self._second_opinion(tier, index, count, seconds, bound, narrowed_only)
        except KeyboardInterrupt:
            assert self.hint is not None
            return StageOutcome(cp_model.FEASIBLE, self.hint, _value_of(tier, self.hint),
                                bound, interrupted=True)

    def _second_opinion(self, tier: GoalTier, index: int, count: int, seconds: float,
                        bound: float, narrowed_only: bool = False) -> StageOutcome | None:
        """Ask the whole-secondment relaxation for the tier's optimum (see ``secondment_mip``;
        with ``narrowed_only``, only by a narrowed search).

        When HiGHS proves it within ``seconds``, no plan can go below it: the tier is held at
        or above it from now on, so that CP-SAT's bound starts there, and its plan, fixed in
        this model, becomes the hint. If that plan reaches the optimum here too, it is the
        stage's proven optimum and no further search runs (returned); otherwise None. When
        the time runs out first, the best plan HiGHS found becomes the hint if the model
        accepts it and it is better than the plan so far (``bound`` is the stage's bound so
        far, for the progress shown): on the generated tight S instances with a 5 s limit
        HiGHS finds a plan 3 vacant months better than the hand plan's within a second, which
        CP-SAT's short search had not.
        """
        cp = self.built.model.cp
        if self.mip is None:
            self.mip = SecondmentMip.of(self.built.model)
            if self.mip is None:
                self.second_opinion = False
                return None
            for kept_tier, value in self.kept:
                self.mip.keep(kept_tier, value)
        if not self.mip.states(tier):
            return None
        assert self.hint is not None  # (the stage's plan so far)
        floor = None
        proof = None  # CP-SAT's search for the race, when begun before it (see below)
        try:
            if tier.goal in PATTERN_GOALS and not narrowed_only:
                looking = PATTERN_SHARE * self._held_to_clock(count - index)
                if self.workers >= 2:
                    # The patterns take one core: CP-SAT's search of the race starts on the
                    # other meanwhile (measured on the tight S seeds 40-71: 164.6 s in all
                    # instead of 173.0, the same plans; seed 41 7.1 s instead of 8.5).
                    proof = self.mip.proof_race(tier, looking + seconds)
                settled = self._pattern_floor(tier, index, count, looking)
                if settled is not None:
                    return settled
                floor = self.floor  # (HiGHS keeps its whole time: the patterns' is CP-SAT's)
            started = time.monotonic()  # (the patterns count their own time, see above)
            optimum = self.mip.optimum(tier, seconds, narrowed_only=narrowed_only,
                                       floor=floor, race=self.workers >= 2, started=proof)
        finally:
            if proof is not None:
                proof.stop()
        elapsed = time.monotonic() - started
        if (optimum is None or (not optimum.proven and not optimum.doubted)) \
                and (not narrowed_only or elapsed >= seconds):
            self._stopped_by_clock(elapsed)
        if optimum is None:
            return None
        current = _value_of(tier, self.hint)
        if optimum.value > current:
            return None  # no better, or (proven) a sound relaxation never does this
        if optimum.proven:
            cp.add(tier.total.expr() >= optimum.value)
        completed = self._completed(optimum.plan, optimum.funded)
        if completed is None:
            return None  # its plan breaks a rule it leaves out
        value = _value_of(tier, completed)
        if optimum.proven and value <= optimum.value:
            self._start_from(completed)
            self.mip_settled = True
            return self._settled(tier, index, count, completed)
        if value >= current:
            return None  # no better here
        # A better plan to search on from (not proven, or not at the optimum here).
        self._start_from(completed)
        self._report(tier, index, count, value, optimum.value if optimum.proven else bound)
        return None

    def _pattern_floor(self, tier: GoalTier, index: int, count: int,
                       seconds: float) -> StageOutcome | None:
        """Work out the goal's floor from the agencies' patterns (see ``patterns``) within
        ``seconds``: hold the tier at or above it, so that a plan there ends the searches
        (``self.floor``), and start from the best plan among the patterns when it is better
        than the plan so far. Returns the stage's outcome when a plan reaches the floor."""
        assert self.mip is not None and self.hint is not None
        model = self.built.model
        patterns = AgencyPatterns.of(self.mip, tier, plan_from_solution(
            model.problem, model.variables, self.hint), seconds)
        if patterns is None:
            return None
        current = round(_value_of(tier, self.hint))
        started = time.monotonic()
        found = patterns.floor(seconds, target=current)
        if found is None or found.stopped:
            self._stopped_by_clock(time.monotonic() - started)
        if found is None:
            return None
        if found.floor > 0:
            self.built.model.cp.add(tier.total.expr() >= found.floor)
            self.floor = found.floor if self.floor is None else max(self.floor, found.floor)
        if current <= found.floor:
            # Settled by the patterns as by HiGHS: the balance then asks HiGHS first too.
            self.mip_settled = True
            return self._settled(tier, index, count, self.hint)
        if found.plan is None or found.value is None or found.value >= current:
            return None
        completed = self._completed(found.plan)
        if completed is None:
            return None  # it breaks a rule the whole-secondment model leaves out
        value = _value_of(tier, completed)
        if value >= current:
            return None
        self._start_from(completed)
        if value <= found.floor:
            self.mip_settled = True
            return self._settled(tier, index, count, completed)
        self._report(tier, index, count, value, found.floor)
        return None

    def _stopped_by_clock(self, seconds: float) -> None:
        """A step held to the clock (HiGHS, or the linear relaxation) ran out of time. A
        reproducible run, which counts its searches' work rather than the clock, may then not
        repeat exactly, and adds the step's seconds to that work, so that its later searches
        get that much less (a ``--fast`` run's clock counts them already). Measured on the
        generated tight S instances, seeds 1-10, with a 5 s limit: 1.7-5.8 s a solve, where
        with HiGHS's seconds not counted they took 2.1-8.2 s (seed 3: HiGHS 3.3 s of 8.0)."""
        if self.options.reproducible:
            self.clock_stopped = True
            self.work_done += seconds

    def _completed(self, plan: Sequence[Secondment],
                   funded: Sequence[FundedStretch] = ()) -> list[int] | None:
        """The model's whole solution with the plan's secondments (and ``either`` posts'
        funded months, if given), when it keeps every rule (the hint is left as it was:
        ``_start_from`` makes a solution the plan so far)."""
        assert self.hint is not None
        hint_previous(self.built.model, plan)
        if funded:
            hint_funded(self.built.model, funded)
        completed = complete_hint(self.built.model, HINT_SECONDS)
        hint_solution(self.built.model.cp, self.hint)
        return completed

    def _priced_plan(self, tier: GoalTier, index: int, count: int, seconds: float
                     ) -> StageOutcome | None:
        """Price in the whole secondments of the tier's goal for a large model, within
        ``seconds`` (see ``pricing``): start the stage from HiGHS's plan when CP-SAT finds it
        keeps every rule and is better, hold the tier at or above the bound it proves for
        the model, and keep the bound it proves for the whole problem. Returns the stage's
        outcome when the plan reaches that bound (settled), or on Ctrl-C (the plan so far)."""
        model = self.built.model
        if self.priced is None:
            self.priced = PricedMip.of(model, self.whole, parallel=self.workers >= 2)
            if self.priced is None:
                self.pricing = False
                return None
            for kept_tier, kept_value in self.kept:
                self.priced.keep(kept_tier, kept_value)
        assert self.hint is not None
        current = self.hint
        value = _value_of(tier, current)
        plan = plan_from_solution(model.problem, model.variables, current)
        try:
            priced = self.priced.improve(tier, plan, seconds)
        except KeyboardInterrupt:
            return StageOutcome(cp_model.FEASIBLE, current, value, 0.0, interrupted=True)
        if self.options.reproducible:
            self.work_done += seconds  # its allowance, not its time: the same on every run
        if priced is None:
            return None
        self.clock_stopped = self.clock_stopped or (priced.stopped and self.options.reproducible)
        if priced.outside is not None:
            self.outside_plan = priced.outside
        if priced.whole_bound is not None and priced.whole_bound > 0:  # (else it says nothing)
            self.whole_bounds[tier.goal] = priced.whole_bound
        floor = None if priced.bound is None else math.ceil(priced.bound - INTEGRAL)
        if floor is not None and 0 < floor <= value:  # (a sound bound never passes a plan)
            model.cp.add(tier.total.expr() >= floor)
            # A plan there ends the stage's search (see ``_Reporter``).
            self.floor = floor if self.floor is None else max(self.floor, floor)
        if priced.plan is not None:
            completed = self._completed(priced.plan)
            if completed is not None and _value_of(tier, completed) < value:
                current, value = completed, _value_of(tier, completed)
                self.found_outside = float(max(floor or 0, 0))
                self._report(tier, index, count, value, self.found_outside)
                self._start_from(current)
        if floor is not None and value <= floor:
            return self._settled(tier, index, count, current)
        return None

    def _guided_start(self, tier: GoalTier, index: int, count: int
                      ) -> tuple[StageOutcome | None, Relaxation | None]:
        """Search the pairs the stage's linear relaxation or its starting plan uses, and start
        the stage from the better plan found there (see ``relaxation``).

        Takes at most ``GUIDE_SHARE`` of the stage's budget. Returns the stage's outcome only
        when Ctrl-C stopped the restricted search (its best plan, marked interrupted), and the
        relaxation when it was solved (its bound and reduced costs).
        """
        assert self.hint is not None
        plan: list[int] = self.hint
        cp = self.built.model.cp
        budget = GUIDE_SHARE * self._budget(count - index)
        wall = GUIDE_SHARE * self._held_to_clock(count - index)
        started = time.monotonic()
        relaxation = solve_relaxation(cp, wall)
        if relaxation is None:
            if time.monotonic() - started >= wall:
                self._stopped_by_clock(time.monotonic() - started)
            return None, None
        trial = restricted_model(cp, self.built.model.variables.pairs, relaxation, plan)
        if trial is None:
            return None, relaxation
        value = _value_of(tier, plan)
        solver = new_solver()
        wall = max(0.01, wall - (time.monotonic() - started))
        configure(solver, self.options, self.workers, budget, wall)
        end = solve_interruptibly(solver, trial)
        self.work_done += solver.deterministic_time
        if end.status in (cp_model.OPTIMAL, cp_model.FEASIBLE) \
                and solver.objective_value < value:
            plan, value = list(solver.response_proto.solution), solver.objective_value
            self._start_from(plan)
            self._report(tier, index, count, value, min(value, relaxation.objective))
        if not end.interrupted:
            return None, relaxation
        return (StageOutcome(cp_model.FEASIBLE, plan, value, relaxation.objective,
                             interrupted=True), relaxation)

    def _near_floor(self, tier: GoalTier, solution: list[int]) -> bool:
        """Whether the solution's vacancies are above the vacancy floor, but near it (see
        ``NEAR_FLOOR``), in a problem large enough for the search to go first there (see
        ``NEAR_FLOOR_SIZE``)."""
        if (tier.goal != "cover" or tier.least is None
                or self.whole_pair_months < NEAR_FLOOR_SIZE):
            return False
        value = _value_of(tier, solution)
        near = max(NEAR_FLOOR_MONTHS, NEAR_FLOOR * tier.least)
        return tier.least < value <= tier.least + near

    def _at_floor(self, tier: GoalTier, solution: list[int]) -> bool:
        """Whether the solution holds the tier as low as the variables' bounds let it go (no
        vacancy, no shortfall), or as low as the tier's ``least`` (the shortfall the rules
        alone force): then no search can improve it."""
        proto = self.built.model.cp.proto
        floor = tier.total.constant  # each variable's own bounds: shortfalls are not 0/1
        for var, coef in tier.total.terms:
            domain = proto.variables[var.index].domain
            # (the last bound by its position: OR-Tools 9.15's proto fields read [-1] as [0],
            # which made a pledge's months held, counted negatively, count for nothing: on
            # the tight S seed 57 a plan 64 months short passed for the least, 57)
            floor += coef * (domain[0] if coef > 0 else domain[len(domain) - 1])
        if tier.least is not None:
            floor = max(floor, tier.least)
        return _value_of(tier, solution) <= floor

    def _settled(self, tier: GoalTier, index: int, count: int,
                 solution: list[int]) -> StageOutcome:
        """The solution as the stage's proven optimum, found without the stage's search."""
        value = _value_of(tier, solution)
        self._report(tier, index, count, value, value)
        return StageOutcome(cp_model.OPTIMAL, solution, value, value)

    def _report(self, tier: GoalTier, index: int, count: int, value: float,
                bound: float) -> None:
        """Send a Progress snapshot for a plan found outside the stage's own search."""
        if self.on_progress is None:
            return
        left = max(0.0, self.deadline - time.monotonic())
        self.on_progress(Progress(goal=tier.goal, stage=index + 1, stages=count,
                                  value=value / tier.scale, bound=bound / tier.scale,
                                  elapsed=self.options.time_limit - left, time_left=left))

    def _budget(self, stages_left: int, clock: bool = False) -> float:
        """Seconds for this stage: what is left, minus a fair share for each later stage.

        A reproducible solve counts deterministic time spent instead of the clock (unless
        ``clock``: its wall-clock cap).
        """
        if self.options.reproducible and not clock:
            remaining = max(0.0, self.options.time_limit - self.work_done)
        elif self.options.reproducible:
            margin = 1.0 if self.large else WALL_CLOCK_MARGIN
            late = (margin - 1) * self.options.time_limit
            remaining = max(0.0, self.deadline + late - time.monotonic())
        else:
            remaining = max(0.0, self.deadline - time.monotonic())
        share = min(max(MIN_LATER_STAGE_SECONDS, 0.15 * self.options.time_limit),
                    remaining / stages_left)
        return max(remaining - (stages_left - 1) * share, min(remaining, 0.05), 0.01)

    def _held_to_clock(self, stages_left: int) -> float:
        """Seconds for a step of this stage held to the clock (HiGHS, the linear relaxation):
        within both the stage's budget and the clock's (see ``_budget``), so that in a
        reproducible run it does not take the late margin meant for a busier machine."""
        return min(self._budget(stages_left), self._budget(stages_left, clock=True))

    def _keep(self, tier: GoalTier, stage: StageOutcome) -> None:
        """Hold the tier at its best value found and start the next stage from that plan."""
        cp = self.built.model.cp
        cp.add(tier.total.expr() <= round(stage.value))
        self.kept.append((tier, round(stage.value)))
        if self.mip is not None:
            self.mip.keep(tier, round(stage.value))
        if self.priced is not None:
            self.priced.keep(tier, round(stage.value))
        assert stage.solution is not None
        self._start_from(stage.solution)

    def _start_with_best_holders(self, tier: GoalTier) -> None:
        """Start the balance stage from the plan so far with the best holders for its posts'
        months among the model's own pairs and runs (see ``holders``), when that lowers
        the balance.

        On a large problem the earlier stages leave holders chosen for the cover, and
        choosing them afresh first gives the balance's searches a far better start: on
        unseen generated 60-post problems (60 s) seeds 2 and 4 ended 2.5 % and 2.1 % from
        their bounds instead of 5.3 % and 3.0 % with the same choice made only at the end.
        Only when moving one person at a time (``polish_plan``) finds a better holder for
        some secondment: on the tight benchmark problems it found none, nor HiGHS a better
        choice in 10 s, and the time is the balance's pricing's. (HiGHS starts from the plan
        as it is, whose holders the model has, not from the polished one.)
        """
        assert self.hint is not None
        model = self.built.model
        pairs = {(pair.person, pair.post): pair for pair in model.variables.pairs}

        def in_model(p: int, q: int, start: Month, end: Month) -> bool:
            pair = pairs.get((p, q))
            return pair is not None and start in pair.runs and end in pair.runs[start]

        plan = plan_from_solution(model.problem, model.variables, self.hint)
        domains = {key: pair.months for key, pair in pairs.items()}
        if polish_plan(model.problem, plan, domains) == plan:
            return  # (see the docstring)
        seconds = min(_holders_seconds(self.options.time_limit),
                      max(0.01, self._budget(1, clock=True)))
        chosen = best_holders(model.problem, plan, seconds, domains, in_model)
        if self.options.reproducible and chosen.clock_stopped:
            self.clock_stopped = True
        if chosen.plan is None:
            return
        solution = self._completed(chosen.plan)
        if solution is not None and _value_of(tier, solution) < _value_of(tier, self.hint):
            self._start_from(solution)

    def _start_from(self, solution: list[int]) -> None:
        """Hint the model with a whole solution, and remember it as the plan so far."""
        hint_solution(self.built.model.cp, solution)
        self.hint = solution


def _still_finding(search: StageOutcome) -> bool:
    """Whether a search was still finding better plans late in its run (see
    ``SECOND_LOOK_AFTER``)."""
    return (search.last_better is not None
            and search.last_better > SECOND_LOOK_AFTER * search.work)


def _value_of(tier: GoalTier, solution: Sequence[int]) -> float:
    """The tier's value (in its scaled units) in a whole solution of the model."""
    return float(tier.total.value(lambda var: solution[var.index]))


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Sends a Progress snapshot to the caller on each plan a stage's search finds (with the
    stage's best value so far), and notes how far into the search (its deterministic time)
    the last plan better than ``start_value`` (the stage's plan so far) came."""

    def __init__(self, notify: ProgressHandler | None, tier: GoalTier, stage: int, stages: int,
                 deadline: float, time_limit: float, known_bound: float | None = None,
                 floor: float | None = None, start_value: float | None = None) -> None:
        super().__init__()
        self.notify = notify
        self.best = math.inf if start_value is None else start_value
        self.last_better: float | None = None
        self.known_bound = known_bound
        self.floor = floor
        self.at_floor = False
        self.tier = tier
        self.stage = stage
        self.stages = stages
        self.deadline = deadline
        self.time_limit = time_limit
        self.late_stop = LateStop()

    def on_solution_callback(self) -> None:
        """Report the stage's best value and bound so far, in the tier's own units; stop
        the search at the stage's floor (a plan there is the best: CP-SAT on a large model
        took 5-17 s more to prove it)."""
        if self.objective_value < self.best:
            self.best = self.objective_value
            self.last_better = self.deterministic_time
        if self.floor is not None and self.objective_value <= self.floor:
            self.at_floor = True
            if self.response_proto.solution_info == LateStop.HINT:
                self.late_stop.ask()  # (not here: see ``LateStop``)
            else:
                self.stop_search()
        if self.notify is None:
            return
        now = time.monotonic()
        bound = min(self.best_objective_bound, self.best)
        if self.known_bound is not None:  # the relaxation's, until CP-SAT's own catches up
            bound = max(bound, min(self.known_bound, self.best))
        # The stage's best so far, not this plan's: a search that has not yet taken up its
        # hint may first find a worse plan than the one it started from.
        self.notify(Progress(
            goal=self.tier.goal, stage=self.stage, stages=self.stages,
            value=self.best / self.tier.scale,
            bound=bound / self.tier.scale,
            elapsed=self.time_limit - max(0.0, self.deadline - now),
            time_left=max(0.0, self.deadline - now)))


def plan_from_solution(problem: Problem, variables: Variables,
                       solution: list[int]) -> tuple[Secondment, ...]:
    """The plan's secondments (Existing ones as given), sorted by post, then start."""
    people = problem.candidates
    posts = problem.posts
    found = [s.model_copy(update={"existing": True}) for s in problem.existing]
    for pair in variables.pairs:
        run_start: int | None = None
        for month, held in pair.hold.items():
            if solution[held.index]:
                run_start = month if run_start is None else run_start
            elif run_start is not None:
                found.append(Secondment(person=people[pair.person].person,
                                        post=posts[pair.post].post, start=run_start,
                                        end=month - 1))
                run_start = None
        if run_start is not None:
            found.append(Secondment(person=people[pair.person].person,
                                    post=posts[pair.post].post, start=run_start,
                                    end=pair.months[-1]))
    return tuple(sorted(found, key=lambda s: (s.post, s.start, s.end, s.person)))
