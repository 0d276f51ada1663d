"""CP-SAT racing HiGHS to the proof of a whole-secondment program's optimum, on the second core.

HiGHS proves a goal of the whole-secondment model (see ``secondment_mip``) by its root's
rounds of cuts and restarts, slow where the linear bound is far below the optimum (the
generated tight S instances: 2-10 s a goal). CP-SAT, on one worker, searching the same
program proves some of those sooner and others far later; measured, from scratch (HiGHS /
CP-SAT): the cover of seeds 8, 26, 43 and 46 in 5.9 / 2.9, 6.2 / 4.8, 2.6 / 2.2 and 2.5 / 1.5
s, seed 41's in 6.5 s / not in 60; the balance of seeds 8, 26, 50, 65 and 70 in 6.3 / 5.1, 8.6
/ 7.2, 10.3 / 8.9, 5.3 / 2.5 and 10.4 / 6.3 s, seed 57's in 11.4 s / not in 60. So the two
run side by side, and the first proof ends both.

The answer stays HiGHS's. Once CP-SAT has proven the optimum, HiGHS is stopped at its first
plan that reaches it (at once if its plan in hand does), and whichever search ends first, the
plan taken is HiGHS's first at the optimum: its plans come in the same order on every run,
so the race changes when the answer comes, not what it is, and a reproducible run stays
reproducible. (Not HiGHS's last plan: it may replace a plan by one of the same value a
rounding error better in a continuous column, as it did at 17 pledged months short on the
tight seed 65.)

CP-SAT takes every column as a whole number (HiGHS leaves the chains' arcs and the months
short continuous; with whole secondments they come out whole): every plan the rules allow
is one of its solutions, so its optimum is a floor for them as HiGHS's is.
"""

from __future__ import annotations

import math
import signal
import threading
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np
from ortools.sat.python import cp_model

from rotation.solver.highs import ColumnArrays, run_interruptibly
from rotation.solver.interrupt import POLL_SECONDS, new_solver

WHOLE = 1e-9
"""How far from a whole number a coefficient or bound may be and still count as one."""

REACHED = 0.5
"""HiGHS's plan reaches CP-SAT's optimum when within this of it (the goals are whole)."""


def whole(program: ColumnArrays) -> bool:
    """Whether every cost and coefficient of a program is a whole number (CP-SAT's are)."""
    return all(bool(np.all(np.abs(values - np.round(values)) <= WHOLE))
               for values in (program.cost, program.value))


def cp_sat_copy(program: ColumnArrays) -> cp_model.CpModel:
    """A program read from HiGHS (every cost and coefficient whole, see ``whole``),
    every column whole, as a CP-SAT model minimising its objective (less its offset)."""
    model = cp_model.CpModel()
    columns = [model.new_int_var(math.ceil(low - WHOLE), math.floor(up + WHOLE), "")
               for low, up in zip(program.lower, program.upper, strict=True)]
    order = np.argsort(program.index, kind="stable")  # the entries row by row
    starts = np.searchsorted(program.index[order], np.arange(len(program.row_lower) + 1))
    indices = program.columns[order].tolist()
    coefficients = np.round(program.value[order]).astype(np.int64).tolist()
    bounds = zip(program.row_lower, program.row_upper, strict=True)
    for row, (low, up) in enumerate(bounds):
        first, last = starts[row], starts[row + 1]
        expression = cp_model.LinearExpr.weighted_sum(
            [columns[j] for j in indices[first:last]], coefficients[first:last])
        lowest = -cp_model.INT_MAX if low <= -highspy.kHighsInf else math.ceil(low - WHOLE)
        highest = cp_model.INT_MAX if up >= highspy.kHighsInf else math.floor(up + WHOLE)
        model.add_linear_constraint(expression, lowest, highest)
    costed = np.flatnonzero(program.cost)
    objective = cp_model.LinearExpr.weighted_sum(
        [columns[j] for j in costed], np.round(program.cost[costed]).astype(np.int64).tolist())
    model.minimize(objective)
    return model


class ProofRace:
    """CP-SAT's search of the program HiGHS holds, on a thread of its own (see
    ``run_racing``); ``optimum`` is the program's optimum once CP-SAT has proven it."""

    def __init__(self, highs: highspy.Highs, seconds: float, floor: float | None) -> None:
        self._program = ColumnArrays.of(highs)  # (read before HiGHS starts: not while it runs)
        self._solver = new_solver()
        self._solver.parameters.num_workers = 1  # (the other core is HiGHS's)
        self._solver.parameters.max_time_in_seconds = max(0.01, seconds)
        self._at_floor = _AtFloor(self._solver_floor(floor), self._solver)
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()
        self._ended = threading.Event()
        self.optimum: float | None = None

    @property
    def can_run(self) -> bool:
        """Whether CP-SAT can state the program (every cost and coefficient whole)."""
        return whole(self._program)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="cp-sat proof", daemon=True)
        self._thread.start()

    def hold_at(self, floor: float | None) -> None:
        """Give the search a floor found since it started (see ``_AtFloor``)."""
        self._at_floor.set_floor(self._solver_floor(floor))

    def _solver_floor(self, floor: float | None) -> float | None:
        """A floor of the program (its offset included) in the copy's terms (without it)."""
        return None if floor is None else floor - self._program.offset

    def stop(self) -> None:
        """Stop the search if it is still running, and wait until it has. The stop is asked
        again at every wait: one asked just before CP-SAT starts its search goes unheard."""
        self._stopped.set()
        if self._thread is None:
            return
        interrupted = False
        while True:
            self._solver.stop_search()
            try:
                if self._ended.wait(POLL_SECONDS):
                    break
            except KeyboardInterrupt:  # (Ctrl-C again: the search is stopping already)
                interrupted = True
        self._thread.join()
        if interrupted:
            raise KeyboardInterrupt

    def _run(self) -> None:
        """The search's thread: ``_search``, then ``stop`` is told it has ended."""
        try:
            # Signals go to the main thread only: it is the one that handles Ctrl-C.
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            self._search()
        finally:
            self._ended.set()

    def _search(self) -> None:
        """Search the program; a plan at the floor, when there is one, ends the search (the
        floor is not a row of the copy: held there, CP-SAT proved seed 41's cover in 13-20 s
        instead of 3-4, seed 54's in 10-30 s instead of 6)."""
        model = cp_sat_copy(self._program)
        if self._stopped.is_set():
            return  # (HiGHS ended while the model was built)
        status = self._solver.solve(model, self._at_floor)
        if (status == cp_model.OPTIMAL or self._at_floor.reached) \
                and not self._stopped.is_set():
            self.optimum = self._solver.objective_value + self._program.offset


class _AtFloor(cp_model.CpSolverSolutionCallback):
    """Stops a search at its first plan at or below a floor (no plan goes below it, so that
    plan is the optimum). The floor may come while the search runs: if a plan there was
    found already, the search stops then."""

    def __init__(self, floor: float | None, solver: cp_model.CpSolver) -> None:
        super().__init__()
        self.floor = floor
        self.solver = solver  # (the one searching: its stop is heard from any thread)
        self.best = math.inf  # the best plan's value so far
        self.reached = False

    def on_solution_callback(self) -> None:
        self.best = min(self.best, self.objective_value)
        self._check()

    def set_floor(self, floor: float | None) -> None:
        """Set the floor (from another thread than the search's)."""
        self.floor = floor
        self._check()

    def _check(self) -> None:
        if self.floor is not None and self.best <= self.floor + REACHED:
            self.reached = True
            self.solver.stop_search()


@dataclass
class RaceEnd:
    """How a raced search ended: the optimum CP-SAT proved when HiGHS was stopped at a plan
    reaching it (else None), and HiGHS's plans as it found them (value, every column)."""

    optimum: float | None
    plans: list[tuple[float, np.ndarray]]

    def first_at(self, costs: np.ndarray, value: float) -> np.ndarray | None:
        """HiGHS's first plan whose columns cost ``value`` (within ``REACHED``) at ``costs``,
        if it found one (from the columns: HiGHS's own report can be off, see
        ``secondment_mip``)."""
        return next((plan for _, plan in self.plans
                     if len(plan) == len(costs) and abs(float(costs @ plan) - value) <= REACHED),
                    None)


def run_racing(highs: highspy.Highs, seconds: float, floor: float | None = None,
               started: ProofRace | None = None) -> RaceEnd:
    """Run HiGHS's search (as ``run_interruptibly``) while CP-SAT searches the same program on
    the other core for ``seconds`` at most, or goes on with ``started``, a search of it begun
    earlier (``SecondmentMip.proof_race`` begins one). HiGHS is stopped once its plan reaches
    an optimum CP-SAT has proven (its status is then interrupted); CP-SAT once HiGHS ends.

    HiGHS may replace a plan with one of the same whole value a rounding error better (a
    continuous column, such as the months short), so the plan to take is HiGHS's first at the
    optimum, from ``RaceEnd.plans``: the same whichever search ends first."""
    plans: list[tuple[float, np.ndarray]] = []
    race = started or ProofRace(highs, seconds, floor)
    if not race.can_run:
        run_interruptibly(highs)
        return RaceEnd(None, plans)

    def improved(event: Any) -> None:  # (highspy's callback event)
        plans.append((event.data_out.objective_function_value,
                      np.array(event.data_out.mip_solution, dtype=np.float64)))

    def reached() -> bool:
        return (race.optimum is not None and bool(plans)
                and abs(plans[-1][0] - race.optimum) <= REACHED)

    highs.cbMipImprovingSolution.subscribe(improved)
    if started is None:
        race.start()
    else:
        race.hold_at(floor)
    try:
        stopped = run_interruptibly(highs, stop_when=reached)
    finally:
        race.stop()
        highs.cbMipImprovingSolution.unsubscribe(improved)
    return RaceEnd(race.optimum if stopped else None, plans)
