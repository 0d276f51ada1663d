"""HiGHS, as the solver uses it: quiet on the planner's terminal, one thread, and stopped at
once by Ctrl-C."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import highspy
import numpy as np
from highspy import cb

from rotation.solver.interrupt import POLL_SECONDS

FEASIBLE = 2
"""HiGHS's primal solution status when it holds a feasible solution."""

INTERRUPT_CHECKS = (cb.HighsCallbackType.kCallbackSimplexInterrupt,
                    cb.HighsCallbackType.kCallbackIpmInterrupt,
                    cb.HighsCallbackType.kCallbackMipInterrupt)
"""The points at which a solve asks whether it should stop (see ``stop_solve``)."""


def new_highs() -> highspy.Highs:
    """A HiGHS instance that prints nothing and runs on one thread (so that a run repeats
    exactly, given the same time)."""
    with _standard_output_off():  # HiGHS prints its banner as it starts
        highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.HandleUserInterrupt = True  # so that Ctrl-C can stop it (see ``stop_solve``)
    _asks_to_stop(highs, False)
    highs.setOptionValue("threads", 1)
    return highs


def stop_solve(highs: highspy.Highs) -> None:
    """Ask a solve running on another thread to stop: it stops at its next check, within a
    moment.

    A solve asks Python whether to stop at every simplex iteration and search node, and each
    time it must wait for the interpreter's lock: on a thread of its own while this one runs
    Python (building the model, pricing), it waited at every check. The vacancy floor's
    program on the generated 150-post problem took 63 s instead of 4 that way. So the checks
    are off until a stop is asked for (HiGHS reads the switch as it goes).
    """
    highs.cancelSolve()
    _asks_to_stop(highs, True)


def _asks_to_stop(highs: highspy.Highs, asks: bool) -> None:
    """Switch a solve's checks for a stop on or off (see ``stop_solve``)."""
    for check in INTERRUPT_CHECKS:
        if asks:
            highs.startCallback(check)
        else:
            highs.stopCallback(check)


def run_interruptibly(highs: highspy.Highs,
                      stop_when: Callable[[], bool] | None = None) -> bool:
    """Run HiGHS in its own thread, so that Ctrl-C stops it at once (as ``interrupt`` does
    for CP-SAT) and is then raised here for the stages to keep their best plan.

    ``stop_when``, asked as the solve goes on, stops it early when it says so: then True."""
    highs.startSolve()
    stopped = asked = False
    while True:
        try:
            finished, _ = highs.wait(POLL_SECONDS)
        except KeyboardInterrupt:
            stop_solve(highs)
            stopped = True
            continue
        if finished:
            break
        if not (stopped or asked) and stop_when is not None and stop_when():
            stop_solve(highs)
            asked = True
    if stopped or asked:
        _asks_to_stop(highs, False)  # (for its next solve, if any)
    if stopped:
        raise KeyboardInterrupt
    return asked


@dataclass(frozen=True)
class ColumnArrays:
    """A program's costs, bounds and matrix (column by column) as arrays, read from HiGHS
    once for the searches among some of its columns (each read copies the whole matrix:
    about 0.05 s on a 5-post problem's 426,000 entries)."""

    cost: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    integrality: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    start: np.ndarray
    index: np.ndarray
    value: np.ndarray
    offset: float = 0.0

    @classmethod
    def of(cls, highs: highspy.Highs) -> ColumnArrays:
        """The arrays of the program HiGHS holds (not while it solves it)."""
        program = highs.getLp()
        matrix = program.a_matrix_
        start, index = np.asarray(matrix.start_), np.asarray(matrix.index_)
        value = np.asarray(matrix.value_)
        if matrix.format_ != highspy.MatrixFormat.kColwise:  # rows added since it last solved
            rows = np.repeat(np.arange(len(start) - 1), np.diff(start))
            order = np.argsort(index, kind="stable")
            start = np.searchsorted(index[order], np.arange(program.num_col_ + 1))
            index, value = rows[order], value[order]
        return cls(cost=np.asarray(program.col_cost_), lower=np.asarray(program.col_lower_),
                   upper=np.asarray(program.col_upper_),
                   integrality=np.asarray(list(program.integrality_)),
                   row_lower=np.asarray(program.row_lower_),
                   row_upper=np.asarray(program.row_upper_), start=start, index=index,
                   value=value, offset=float(program.offset_))

    @property
    def columns(self) -> np.ndarray:
        """Each matrix entry's column (``index`` holds its row)."""
        return np.repeat(np.arange(len(self.start) - 1), np.diff(self.start))


class IntegerSearch:
    """HiGHS's search for a whole-valued solution of a copy of a linear ``program``: its
    ``integer`` columns take whole values (from ``start``, their values in a known
    solution), ``opened`` columns range over 0-1 and ``closed`` ones are held at 0; it
    stops within ``seconds``, or once within ``gap`` of its bound. A fresh instance, since
    HiGHS holds a solve to the time limit summed over an instance's solves.

    ``run`` searches here; ``start`` searches on a thread of its own (HiGHS runs on one
    core, so the caller can use the other meanwhile) and ``result`` waits for it. Used as a
    context manager, a search still running on the way out (Ctrl-C, an error) is stopped.
    """

    def __init__(self, program: highspy.Highs, integer: np.ndarray, start: np.ndarray, *,
                 opened: np.ndarray | None = None, closed: np.ndarray | None = None,
                 gap: float, seconds: float) -> None:
        highs = new_highs()
        highs.passModel(program.getLp())
        highs.changeColsIntegrality(len(integer), integer,
                                    np.full(len(integer), highspy.HighsVarType.kInteger))
        for columns, upper in ((opened, 1.0), (closed, 0.0)):
            if columns is not None and len(columns):
                highs.changeColsBounds(len(columns), columns, np.zeros(len(columns)),
                                       np.full(len(columns), upper))
        highs.setSolution(len(integer), integer, start)
        highs.setOptionValue("mip_rel_gap", gap)
        highs.setOptionValue("time_limit", max(0.01, seconds))
        self.highs = highs
        self._thread: threading.Thread | None = None
        self._finished = threading.Event()

    def run(self) -> tuple[np.ndarray | None, bool]:
        """Search here: every column's value (None if it found no solution), and whether
        the clock, not the gap, stopped it."""
        run_interruptibly(self.highs)
        return self._outcome()

    def start(self) -> None:
        """Search on a thread of its own. (Not through highspy's own ``startSolve``, whose
        lock is shared by every instance in the process: one solve at a time.)"""
        self._thread = threading.Thread(target=self._run_here, daemon=True)
        self._thread.start()

    def _run_here(self) -> None:
        """The search on its thread; then the thread's own HiGHS scheduler is let go, as
        highspy does after a solve on a thread."""
        try:
            self.highs.run()
        finally:
            highspy.Highs.resetThreadScheduler(False)
            self._finished.set()

    def result(self) -> tuple[np.ndarray | None, bool]:
        """Wait for the search ``start`` began; what ``run`` returns. Ctrl-C stops it."""
        assert self._thread is not None
        try:
            while not self._finished.wait(POLL_SECONDS):
                pass
        except KeyboardInterrupt:
            self.stop()
            raise
        return self._outcome()

    def stop(self) -> None:
        """Stop a search still running on its thread, and wait until it has.

        The waits are on an event, not ``Thread.join``: a join that Ctrl-C interrupts can
        mark a thread still running as finished (see ``interrupt``), and a search left
        running as the program exits aborts it."""
        if self._thread is None or self._finished.is_set():
            return
        stop_solve(self.highs)
        while True:
            try:
                if self._finished.wait(POLL_SECONDS):
                    break
            except KeyboardInterrupt:  # a second Ctrl-C: the search is stopping already
                stop_solve(self.highs)
        self._thread.join()

    def __enter__(self) -> IntegerSearch:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def _outcome(self) -> tuple[np.ndarray | None, bool]:
        late = self.highs.getModelStatus() != highspy.HighsModelStatus.kOptimal
        if self.highs.getInfo().primal_solution_status != FEASIBLE:
            return None, late
        return np.array(self.highs.getSolution().col_value), late


@contextmanager
def _standard_output_off() -> Iterator[None]:
    """Keep what compiled code writes to standard output off the planner's terminal (and out
    of ``--json`` output)."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as sink:
            os.dup2(sink.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
