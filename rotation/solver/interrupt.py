"""Let Ctrl-C stop a CP-SAT search and keep its best plan, instead of killing the program.

CP-SAT left to itself catches SIGINT and quietly returns FEASIBLE, so the caller cannot
tell an interrupted search from one that ran out of time, and later stages would run on.
Python's own handler, on the other hand, only runs in the main thread between bytecodes,
never while the main thread sits inside the solver. So the search runs in a helper thread
(with CP-SAT's SIGINT catching off) while the main thread waits on an event; Ctrl-C raises
KeyboardInterrupt there, which asks the solver to stop and waits for its best plan.

The wait uses ``Event.wait`` rather than ``Thread.join``: a join interrupted by
KeyboardInterrupt can mark a still-running thread as finished (measured on Python 3.11).
"""

from __future__ import annotations

import signal
import threading
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

POLL_SECONDS = 0.1
"""How often the waiting main thread wakes up (Ctrl-C is seen within this time)."""


@dataclass
class SearchEnd:
    """How one search ended: CP-SAT's status, and whether Ctrl-C stopped it."""

    status: cp_model.CpSolverStatus
    interrupted: bool


def new_solver() -> cp_model.CpSolver:
    """A CP-SAT solver that leaves Ctrl-C to Python.

    Left to itself, CP-SAT installs its own SIGINT handler for each search and afterwards
    resets SIGINT to the system default, so a later Ctrl-C would kill the program outright
    instead of stopping it cleanly. Every solver the program makes comes from here.
    """
    solver = cp_model.CpSolver()
    solver.parameters.catch_sigint_signal = False
    return solver


def solve_interruptibly(solver: cp_model.CpSolver, model: cp_model.CpModel,
                        callback: cp_model.CpSolverSolutionCallback | None = None) -> SearchEnd:
    """Run ``solver.solve(model, callback)``; Ctrl-C stops it early with its best plan kept.
    A callback with a ``late_stop`` (see ``LateStop``) has the waiting thread stop the
    search once that stop is due."""
    solver.parameters.catch_sigint_signal = False
    if threading.current_thread() is not threading.main_thread():
        return SearchEnd(solver.solve(model, callback), interrupted=False)

    finished = threading.Event()
    statuses: list[cp_model.CpSolverStatus] = []
    errors: list[BaseException] = []

    def search() -> None:
        # Signals go to the main thread only: it is the one that handles Ctrl-C.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            statuses.append(solver.solve(model, callback))
        except BaseException as error:  # re-raised in the caller's thread below
            errors.append(error)
        finally:
            finished.set()

    late = getattr(callback, "late_stop", None)
    worker = threading.Thread(target=search, name="cp-sat search", daemon=True)
    worker.start()
    interrupted = False
    while not finished.is_set():
        try:
            finished.wait(POLL_SECONDS)
        except KeyboardInterrupt:
            interrupted = True
            solver.stop_search()  # repeated Ctrl-C just asks again; the search ends shortly
        if isinstance(late, LateStop) and not finished.is_set() and late.due():
            solver.stop_search()
    worker.join()
    if errors:
        raise errors[0]
    return SearchEnd(statuses[0], interrupted)


class LateStop:
    """A stop a solution callback asks for but leaves to the waiting thread (a callback's
    ``late_stop``: see ``solve_interruptibly``), no sooner than ``POLL_SECONDS`` after it
    was asked.

    OR-Tools 9.15 aborts the whole program ("Check failed: solution->size() ==
    postsolve_mapping.size()") when a callback stops the search at the plan it makes of its
    hint after presolve (``solution_info`` "complete_hint"), before the search proper has
    begun: seen on a random tiny problem whose hint, so completed, reached the goal's floor.
    """

    HINT = "complete_hint"

    def __init__(self) -> None:
        self.asked: float | None = None

    def ask(self) -> None:
        if self.asked is None:
            self.asked = time.monotonic()

    def due(self) -> bool:
        return self.asked is not None and time.monotonic() - self.asked >= POLL_SECONDS
