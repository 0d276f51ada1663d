"""Pricing (``pricing``): its bounds never pass a proven optimum, its prices are the linear
program's own, and a large shortlisted solve plans from it and shows how far from the best
its plan can be."""

from __future__ import annotations

import importlib
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

from rotation.checker import check_plan
from rotation.cli.planning import balance_bound_sentence
from rotation.domain import Problem
from rotation.generate import generate_problem
from rotation.io.writer import write_problem
from rotation.solver import SolveOptions, solve
from rotation.solver.domains import restrict_domains
from rotation.solver.model import build_model
from rotation.solver.paths import PathMaster
from rotation.solver.pricing import PricedMip
from rotation.solver.stability import complete_hint, hint_previous
from tests.test_cli import run
from tests.test_solver_properties import proven_random_problems

solve_module = importlib.import_module("rotation.solver.solve")
shortlist_module = importlib.import_module("rotation.solver.shortlist")


def _tier_value(built: object, goal: str, plan: object) -> float:
    model = built.model  # type: ignore[attr-defined]
    tier = next(t for t in built.tiers if t.goal == goal)  # type: ignore[attr-defined]
    hint_previous(model, plan)  # type: ignore[arg-type]
    solution = complete_hint(model, 10)
    assert solution is not None
    return float(tier.total.value(lambda var: solution[var.index]))


def test_no_plan_goes_below_the_priced_bounds() -> None:
    # Random tiny problems (agreed secondments, budgets, pledges, overlaps of 0-2 months):
    # each goal's bound, for the model and for the whole problem, never passes CP-SAT's
    # proven optimum, goal by goal with the earlier goals held as the stages hold them.
    # Every other problem searches with a second core (see ``PricedMip.parallel``).
    compared = reached = 0
    for index, (given, result) in enumerate(proven_random_problems(200)):
        built = build_model(given)
        priced = PricedMip.of(built.model, restrict_domains(given, frozenset(), []),
                              parallel=bool(index % 2))
        if priced is None:
            continue
        plan = [s for s in result.secondments if not s.existing]
        for goal in ("cover", "pledges", "balance"):
            tier = next(t for t in built.tiers if t.goal == goal)
            if tier.is_constant:
                continue
            best = _tier_value(built, goal, result.secondments)
            found = priced.improve(tier, plan, 10)
            assert found is not None and found.bound is not None
            assert found.whole_bound is not None
            assert found.bound <= best + 1e-6 and found.whole_bound <= best + 1e-6, goal
            compared += 1
            reached += found.bound >= best - 1 - 1e-6 and best > 0
            priced.keep(tier, best)
    assert compared >= 60
    assert reached >= 10  # a bound stuck far below would pass the first assertion alone


def _priced_balance(*, paths: bool) -> tuple[Problem, PricedMip]:
    """A small problem's balance priced in after its cover (priced and held), with chains of
    whole paths or secondment by secondment."""
    given = generate_problem(posts=6, candidates=24, months=24, seed=5)
    built = build_model(given)
    priced = PricedMip.of(built.model)
    assert priced is not None and priced.paths is not None
    if not paths:
        priced.paths = None
    tiers = {t.goal: t for t in built.tiers}
    cover = priced.improve(tiers["cover"], (), 20)
    assert cover is not None and cover.plan is not None
    priced.keep(tiers["cover"], _tier_value(built, "cover", cover.plan))
    found = priced.improve(tiers["balance"], cover.plan, 20)
    assert found is not None and found.bound is not None
    return given, priced


def test_the_path_prices_are_the_programs_reduced_costs() -> None:
    # Each post's path's price, worked out from the rows' prices as pricing works it out
    # (secondments' months and counts, handovers, vacant months, the post's own row), is
    # HiGHS's reduced cost of that path's column.
    given, priced = _priced_balance(paths=True)
    master = priced.paths
    assert master is not None
    solution = master.highs.getSolution()
    duals = np.array(solution.row_dual)
    prices = priced.arrange_prices(master.rows, duals)
    runs = priced.runs
    first = given.horizon[0]
    kept_cover = duals[master.rows[("kept", "cover")]]
    theirs = np.array(solution.col_dual)[master.path_columns]
    mine = []
    for path in master.paths:
        price = -duals[master.rows[("source", path.q)]] - path.vacant * kept_cover
        for j in path.runs:
            p, start, end = int(runs.person[j]), int(runs.start[j]), int(runs.end[j])
            price += float(runs.rate[j]) * (end - start + 1) - prices.person[p] - (
                prices.held[p, end + 1] - prices.held[p, start])
        price -= sum(duals[master.rows[("handovers", month + first)]]
                     for month in path.handovers)
        mine.append(price)
    assert len(mine) > len(given.posts)  # paths were priced in beyond the plan's own
    assert np.allclose(mine, theirs, rtol=1e-7, atol=1e-3 * max(1.0, abs(theirs).max()))


def test_the_balance_searches_the_secondments_of_its_own_paths(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The cover's paths were priced at the cover's costs: their secondments stay out of the
    # balance's search for whole secondments, unless its start or a balance path takes them
    # (on the generated L instance they took that search past its time).
    given = generate_problem(posts=6, candidates=24, months=24, seed=5)
    built = build_model(given)
    priced = PricedMip.of(built.model)
    assert priced is not None and priced.paths is not None
    tiers = {t.goal: t for t in built.tiers}
    cover = priced.improve(tiers["cover"], (), 20)
    assert cover is not None and cover.plan is not None
    cover_runs = {j for path in priced.paths.paths for j in path.runs}
    priced.keep(tiers["cover"], _tier_value(built, "cover", cover.plan))
    generated: list[object] = []
    searched: list[tuple[set[int], set[int]]] = []
    generate, plan_search = PathMaster.generate, PricedMip._plan_search

    def generate_seen(master: PathMaster, *args: object) -> object:
        generated.append(generate(master, *args))  # type: ignore[arg-type]
        return generated[-1]

    def plan_search_seen(self: PricedMip, opened: set[int], start: set[int],
                         seconds: float) -> object:
        searched.append((set(opened), set(start)))
        return plan_search(self, opened, start, seconds)

    monkeypatch.setattr(PathMaster, "generate", generate_seen)
    monkeypatch.setattr(PricedMip, "_plan_search", plan_search_seen)
    found = priced.improve(tiers["balance"], cover.plan, 20)
    assert found is not None and found.plan is not None
    balance_runs = {int(j) for j in generated[0].runs}  # type: ignore[attr-defined]
    assert set(priced._runs_of(cover.plan)) <= balance_runs  # the plan's chains are in
    opened, start = searched[0]
    assert opened == priced._columns(balance_runs) | start
    left_out = priced._columns(cover_runs - balance_runs) - start
    assert left_out and not left_out & opened


def test_the_run_prices_are_the_linear_programs_reduced_costs() -> None:
    # Without whole paths (a network an agreed secondment runs back through), secondments
    # are priced in one by one, at the reduced costs of the chain program's columns.
    _, priced = _priced_balance(paths=False)
    solution = priced.highs.getSolution()
    mine = priced._prices(priced._usable(np.array(solution.row_dual)))
    runs = np.array(priced.run_columns, dtype=np.int64)
    reduced = (priced._reduced(priced.runs, mine, "balance")
               - mine.person[priced.runs.person])[runs]
    theirs = np.array(solution.col_dual)[priced.run_at]
    assert len(runs) > 0
    assert np.allclose(reduced, theirs, rtol=1e-7, atol=1e-3 * max(1.0, abs(theirs).max()))


def _large(seed: int) -> Problem:
    return generate_problem(posts=8, candidates=32, months=30, seed=seed)


def _goals_priced(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The goals pricing is asked for, in order, as the solve goes on."""
    asked: list[str] = []
    real = PricedMip.improve

    def noting(self: PricedMip, tier: object, plan: object, seconds: float) -> object:
        asked.append(tier.goal)  # type: ignore[attr-defined]
        return real(self, tier, plan, seconds)  # type: ignore[arg-type]

    monkeypatch.setattr(PricedMip, "improve", noting)
    return asked


def test_a_large_shortlisted_solve_plans_from_pricing_and_shows_its_gap(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shortlist_module, "PAIR_MONTH_BUDGET", 2_000)
    monkeypatch.setattr(solve_module, "LARGE_MODEL", 1_000)
    given = _large(2)
    asked = _goals_priced(monkeypatch)
    result = solve(given, SolveOptions(time_limit=20, workers=2))
    assert result.shortlist is not None and result.has_plan
    assert "balance" in asked
    assert check_plan(given, result.secondments).ok
    assert result.best_bound is not None and result.objective is not None
    assert 0 <= result.best_bound <= result.objective + 1e-6


def test_the_planner_is_told_how_far_the_balance_can_be_from_the_best(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(shortlist_module, "PAIR_MONTH_BUDGET", 2_000)
    monkeypatch.setattr(solve_module, "LARGE_MODEL", 1_000)
    source, plan = tmp_path / "large.xlsx", tmp_path / "plan.xlsx"
    write_problem(source, _large(2))
    code, output = run("solve", source, "-o", plan, "--time-limit", "20", "--workers", "2")
    assert code == 0, output
    summary = {row[0]: row[1] for row in load_workbook(plan)["Summary"].iter_rows(
        min_row=2, values_only=True)}
    bound, balance = summary["best_bound"], summary["objective"]
    assert bound is not None and 0 < bound <= balance + 1e-6
    assert ("No plan with this cover and these pledges can have a balance below" in output
            or "this balance is the best possible" in output), output


def test_the_balance_bound_sentence() -> None:
    assert balance_bound_sentence(50_772.2, 50_981.7) == (
        "No plan with this cover and these pledges can have a balance below 50,772.2; this "
        "one has 50,981.7 (within 0.4% of the best possible).")
    assert "this balance is the best possible" in balance_bound_sentence(99.995, 100.0)


def test_a_cover_found_by_pricing_binds_the_later_stages_programs(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Scarce staff: the cover stage prices whole secondments itself, then holds its cover.
    # The balance stage's program must hold it too, or its cheapest plan leaves posts empty
    # and no plan it finds can be used.
    monkeypatch.setattr(shortlist_module, "PAIR_MONTH_BUDGET", 2_000)
    monkeypatch.setattr(solve_module, "LARGE_MODEL", 1_000)
    given = generate_problem(posts=8, candidates=32, months=30, seed=2, tight=True)
    found: dict[str, object] = {}
    real = PricedMip.improve

    def noting(self: PricedMip, tier: object, plan: object, seconds: float) -> object:
        priced = real(self, tier, plan, seconds)  # type: ignore[arg-type]
        found[tier.goal] = priced  # type: ignore[attr-defined]
        return priced

    monkeypatch.setattr(PricedMip, "improve", noting)
    result = solve(given, SolveOptions(time_limit=10, workers=2))
    assert {"cover", "balance"} <= set(found)
    balance = found["balance"]
    assert balance is not None and balance.plan is not None  # type: ignore[attr-defined]
    report = check_plan(given, [*balance.plan,  # type: ignore[attr-defined]
                                *(s for s in result.secondments if s.existing)])
    assert report.goals.vacant_post_months <= result.goals.vacant_post_months


def test_time_to_spare_prices_in_the_whole_problem_for_a_closer_bound(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # A shortlist too short for the best plan: with the whole problem's secondments priced
    # in after the search, the balance bound reaches the whole problem's proven optimum (never
    # above it); from the shortlist's prices alone it stays far below.
    given = generate_problem(posts=8, candidates=32, months=30, seed=3)
    # (Its proof took 30-46 s on a busy 2-core machine: the reference gets a minute.)
    best = solve(given, SolveOptions(time_limit=60, workers=2))
    assert best.status == "OPTIMAL" and best.objective is not None
    monkeypatch.setattr(shortlist_module, "PAIR_MONTH_BUDGET", 500)
    monkeypatch.setattr(solve_module, "LARGE_MODEL", 300)
    shortlisted = solve(given, SolveOptions(time_limit=20, workers=2))
    assert shortlisted.goals.vacant_post_months == best.goals.vacant_post_months
    monkeypatch.setattr(PathMaster, "widen", lambda self, goal, seconds: None)
    narrow = solve(given, SolveOptions(time_limit=20, workers=2))
    assert shortlisted.best_bound is not None and narrow.best_bound is not None
    assert shortlisted.best_bound <= best.objective + 1e-6
    assert shortlisted.best_bound >= best.objective - 1
    assert narrow.best_bound < best.objective - 100


def test_a_plan_may_pair_people_with_posts_the_shortlist_left_out(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # A shortlist too short for the best plan: the whole problem's linear optimum uses pairs
    # it left out, and the best plan among its secondments beats the shortlist's best. It is
    # checked like any plan, and the planner is told where it came from.
    given = generate_problem(posts=8, candidates=32, months=30, seed=3)
    monkeypatch.setattr(shortlist_module, "PAIR_MONTH_BUDGET", 500)
    monkeypatch.setattr(solve_module, "LARGE_MODEL", 300)
    wide = solve(given, SolveOptions(time_limit=20, workers=2))
    monkeypatch.setattr(PricedMip, "recombine", lambda self, plans, goal, seconds: (None, False))
    inside_only = PathMaster.search
    monkeypatch.setattr(PathMaster, "search",
                        lambda self, seconds, beyond=False: inside_only(self, seconds))
    narrow = solve(given, SolveOptions(time_limit=20, workers=2))
    assert wide.objective is not None and narrow.objective is not None
    assert wide.goals.vacant_post_months <= narrow.goals.vacant_post_months
    assert wide.objective < narrow.objective
    assert wide.shortlist is not None and "outside it" in wide.shortlist
    assert narrow.shortlist is not None and "outside it" not in narrow.shortlist
    assert check_plan(given, wide.secondments, funded=wide.funded).ok
    assert wide.best_bound is not None and wide.best_bound <= wide.objective + 1e-6


def test_a_plan_from_outside_the_shortlist_is_taken_only_if_better_and_sound() -> None:
    given = generate_problem(posts=3, candidates=10, months=24, seed=2)
    options = SolveOptions(time_limit=20, workers=2)
    best = solve(given, options)
    assert best.status == "OPTIMAL" and best.goals is not None
    new = tuple(s for s in best.secondments if not s.existing)
    worse = check_plan(given, [*best.secondments[:1]]).goals  # most posts left vacant
    taken = solve_module._outside_plan(given, options, new, best.secondments, worse)
    assert taken is not None and set(taken[0]) == set(best.secondments)
    # Not better than the plan it would replace: kept out.
    assert solve_module._outside_plan(given, options, new, best.secondments, best.goals) is None
    # Breaks a rule (one person in two posts at once): kept out, however good it looks.
    first = new[0]
    other = next(p.post for p in given.posts if p.post != first.post)
    clash = (*new, first.model_copy(update={"post": other}))
    assert solve_module._outside_plan(given, options, clash, best.secondments, worse) is None


def _cheapest_by_enumeration(master: PathMaster, network: object, cheapest: np.ndarray,
                             handover: np.ndarray, vacancy: float) -> float:
    """The cheapest path through a post's network found by listing every path that takes its
    agreed secondments (a check on the shortest-path pass, which never lists them)."""
    order, incoming = network.order, network.incoming  # type: ignore[attr-defined]
    outgoing: dict[int, list[tuple[int, float, bool]]] = {i: [] for i in range(-1, len(order))}
    for head, arcs in enumerate(incoming):
        for tail, vacant, month, agreed in arcs:
            cost = (vacancy if vacant else 0.0) - (handover[month] if month >= 0 else 0.0)
            outgoing[tail].append((head, cost, agreed))
    for head, (kind, end) in enumerate(order):
        if kind in "EF":
            for start, place in network.start_at.items():  # type: ignore[attr-defined]
                price = cheapest[start, end - master.first]
                if np.isfinite(price):
                    outgoing[place].append((head, float(price), False))
    ends = set(network.ends)  # type: ignore[attr-defined]
    best = np.inf

    def walk(node: int, cost: float, agreed: int) -> None:
        nonlocal best
        if node in ends and agreed == network.agreed:  # type: ignore[attr-defined]
            best = min(best, cost)
        for head, step, is_agreed in outgoing[node]:
            walk(head, cost + step, agreed + is_agreed)

    walk(-1, 0.0, 0)
    return float(best)


def test_each_posts_shortest_path_is_its_cheapest_whatever_its_networks_shape() -> None:
    # Posts alike are priced together, the others on their own (one starts later, one holds
    # an agreed secondment): every post's path is its cheapest, as listing every path finds.
    from tests.factory import agency, candidate, grade, post, secondment, settings
    given = Problem(
        settings=settings(horizon_months=8, min_secondment_months=2, max_secondment_months=4),
        agencies=(agency("HC", max_concurrent=4),), grades=(grade(),),
        posts=(post("P1"), post("P2"), post("P3", start="2027-06"), post("P4")),
        candidates=tuple(candidate(name) for name in "ABCDEFG"),
        existing=(secondment("G", "P4", "2027-03", "2027-05", existing=True),))
    priced = PricedMip.of(build_model(given).model)
    assert priced is not None and priced.paths is not None
    master = priced.paths
    assert sorted(len(shape.members) for shape in master.shapes) == [1, 1, 2]
    rng = np.random.default_rng(7)
    months = master.months
    for _ in range(20):
        cheapest = rng.normal(0.0, 3.0, (len(given.posts), months, months))
        cheapest[rng.random(cheapest.shape) < 0.6] = np.inf
        cheapest[:, np.tril_indices(months)[0], np.tril_indices(months)[1]] = np.inf  # 2+ months
        holder = np.arange(cheapest.size, dtype=np.int64).reshape(cheapest.shape)
        handover = rng.normal(0.0, 2.0, months)
        vacancy = float(rng.normal(1.0, 1.0))
        found = master._shortest(cheapest, holder, handover, vacancy)
        assert [path.q for path, _ in found] == [n.q for n in master.networks]
        for network, (path, value) in zip(master.networks, found, strict=True):
            listed = _cheapest_by_enumeration(master, network, cheapest[network.q], handover,
                                              vacancy)
            assert value == pytest.approx(listed, abs=1e-9)
            # ...and the path's own secondments, vacant months and handovers cost that much.
            q, start, end = np.unravel_index(np.array(path.runs, dtype=np.int64),
                                             cheapest.shape)
            assert set(q) <= {network.q}
            own = (float(cheapest[q, start, end].sum()) + vacancy * path.vacant
                   - float(handover[list(path.handovers)].sum()))
            assert own == pytest.approx(value, abs=1e-9)


def _a_secondment_short(monkeypatch: pytest.MonkeyPatch, given: Problem) -> int:
    """Make the solve start from its hand plan less the secondment whose loss leaves the
    fewest vacancies (some); those vacancies."""
    made = solve_module._hand_plan

    def a_secondment_short(problem: Problem, options: SolveOptions) -> object:
        plan = made(problem, options).secondments
        shorter = [tuple(s for s in plan if s is not left_out) for left_out in plan]
        fewest = min((vacant, i) for i, fewer in enumerate(shorter)
                     if (vacant := solve_module.goal_terms(problem, fewer).vacant_post_months))
        fewer = shorter[fewest[1]]
        return solve_module.HandPlan.of(problem, fewer)

    start = a_secondment_short(given, SolveOptions(time_limit=20))
    monkeypatch.setattr(solve_module, "_hand_plan", a_secondment_short)
    return int(start.goals.vacant_post_months)  # type: ignore[attr-defined]


@pytest.mark.parametrize("whole_is_large", [True, False])
def test_a_plan_near_the_vacancy_floor_is_finished_by_the_search_before_any_pricing(
        monkeypatch: pytest.MonkeyPatch, whole_is_large: bool) -> None:
    # The hand plan, a secondment short, is a vacancy or two above the floor (no plan has
    # fewer vacancies): in a problem whose whole has many pair-months, CP-SAT's search takes
    # the cover stage first, and a plan at the floor ends it, with no pricing of the cover.
    # (Before, pricing went first whatever the gap.) In a smaller one pricing goes first,
    # and its plan, or the search's after it, reaches the floor.
    monkeypatch.setattr(shortlist_module, "PAIR_MONTH_BUDGET", 2_000)
    monkeypatch.setattr(solve_module, "LARGE_MODEL", 1_000)
    monkeypatch.setattr(solve_module, "NEAR_FLOOR_SIZE", 5_000 if whole_is_large else 50_000)
    given = _large(2)
    vacant = _a_secondment_short(monkeypatch, given)
    asked = _goals_priced(monkeypatch)
    floors: list[object] = []  # where each cover search would stop
    search = solve_module._Stages._search

    def searching(self: object, tier: object, *args: object) -> object:
        if tier.goal == "cover":  # type: ignore[attr-defined]
            floors.append(self.floor)  # type: ignore[attr-defined]
        return search(self, tier, *args)

    monkeypatch.setattr(solve_module._Stages, "_search", searching)
    monkeypatch.setattr(solve_module, "NEAR_FLOOR_MONTHS", max(3, vacant))
    result = solve(given, SolveOptions(time_limit=20, workers=2))
    assert result.shortlist is not None and result.vacancy_floor is not None
    assert result.vacancy_floor < vacant
    assert result.goals is not None
    assert result.goals.vacant_post_months == result.vacancy_floor
    if whole_is_large:
        assert "cover" not in asked and "balance" in asked
        assert floors == [result.vacancy_floor]  # a plan at the floor ends the search
    else:
        assert asked[0] == "cover" and "balance" in asked
        assert all(floor == result.vacancy_floor for floor in floors)
    assert check_plan(given, result.secondments).ok


def _search_budgets(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, float, float]]:
    """Each CP-SAT search of the stages, in order, as it starts: its goal, its budget and
    its stage's whole budget at that moment."""
    searches: list[tuple[str, float, float]] = []
    search = solve_module._Stages._search

    def searching(self: object, tier: object, index: int, count: int, searched: object,
                  budget: float, *args: object) -> object:
        stage = self._budget(count - index)  # type: ignore[attr-defined]
        searches.append((tier.goal, budget, stage))  # type: ignore[attr-defined]
        return search(self, tier, index, count, searched, budget, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(solve_module._Stages, "_search", searching)
    return searches


def test_pledges_pricing_cannot_settle_leaves_half_the_stage_to_the_balance(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Scarce staff: the cover and pledges stages both run. Pricing the pledges does not
    # settle them (their linear bound is below any plan), so CP-SAT searches half the
    # pledges stage's budget and the balance stage starts with the other half; the cover
    # and balance searches keep their whole budgets. The plan keeps every rule.
    monkeypatch.setattr(shortlist_module, "PAIR_MONTH_BUDGET", 2_000)
    monkeypatch.setattr(solve_module, "LARGE_MODEL", 1_000)
    given = generate_problem(posts=8, candidates=32, months=30, seed=2, tight=True)
    asked = _goals_priced(monkeypatch)
    searches = _search_budgets(monkeypatch)
    result = solve(given, SolveOptions(time_limit=10, workers=2))
    budgets = {goal: (budget, stage) for goal, budget, stage in searches}
    assert asked == ["cover", "pledges", "balance"]
    assert set(budgets) == {"cover", "pledges", "balance"}
    spent, stage = budgets["pledges"]
    assert spent == pytest.approx(solve_module.PLEDGES_SEARCH_SHARE * stage)
    for goal in ("cover", "balance"):
        assert budgets[goal][0] == pytest.approx(budgets[goal][1])
    assert result.has_plan and check_plan(given, result.secondments).ok


@pytest.mark.parametrize("still_finding", [True, False])
def test_a_near_floor_cover_search_that_stops_short_looks_again_only_if_still_finding(
        monkeypatch: pytest.MonkeyPatch, still_finding: bool) -> None:
    # The hand plan is a vacancy or two above the floor, and the first search is too short
    # to reach it. A search still finding better plans late in its run gets a second look as
    # long, the cover unpriced, and the rest of the stage goes to the later goals; one that
    # found nothing better (this one: too short for any plan) ends the stage there, and
    # the later goals have the rest.
    monkeypatch.setattr(shortlist_module, "PAIR_MONTH_BUDGET", 2_000)
    monkeypatch.setattr(solve_module, "LARGE_MODEL", 1_000)
    monkeypatch.setattr(solve_module, "NEAR_FLOOR_SIZE", 5_000)
    monkeypatch.setattr(solve_module, "FLOOR_LOOK_SHARE", 0.0005)  # too short for a plan
    if still_finding:
        monkeypatch.setattr(solve_module, "_still_finding", lambda search: True)
    given = _large(2)
    vacant = _a_secondment_short(monkeypatch, given)
    monkeypatch.setattr(solve_module, "NEAR_FLOOR_MONTHS", max(3, vacant))
    asked = _goals_priced(monkeypatch)
    searches = _search_budgets(monkeypatch)
    result = solve(given, SolveOptions(time_limit=20, workers=2))
    covers = [(budget, stage) for goal, budget, stage in searches if goal == "cover"]
    assert "cover" not in asked and "balance" in asked
    first, stage = covers[0]
    assert first == pytest.approx(0.0005 * stage)
    if still_finding:
        assert len(covers) == 2
        second, rest = covers[1]
        assert second == pytest.approx(first)
        assert second < rest / 100  # not what the stage has left: that is the later goals'
    else:
        assert len(covers) == 1
    assert result.has_plan and check_plan(given, result.secondments).ok
