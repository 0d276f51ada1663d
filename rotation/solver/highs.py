"""HiGHS, as the solver uses it: quiet on the planner's terminal, one thread, and stopped at
once by Ctrl-C."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import highspy
import numpy as np

from rotation.solver.interrupt import POLL_SECONDS


def new_highs() -> highspy.Highs:
    """A HiGHS instance that prints nothing and runs on one thread (so that a run repeats
    exactly, given the same time)."""
    with _standard_output_off():  # HiGHS prints its banner as it starts
        highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.HandleUserInterrupt = True  # so that Ctrl-C can stop it (see below)
    highs.setOptionValue("threads", 1)
    return highs


def run_interruptibly(highs: highspy.Highs) -> None:
    """Run HiGHS in its own thread, so that Ctrl-C stops it at once (as ``interrupt`` does
    for CP-SAT) and is then raised here for the stages to keep their best plan."""
    highs.startSolve()
    stopped = False
    while True:
        try:
            finished, _ = highs.wait(POLL_SECONDS)
        except KeyboardInterrupt:
            highs.cancelSolve()  # it stops at its next check, within a moment
            stopped = True
            continue
        if finished:
            break
    if stopped:
        raise KeyboardInterrupt


def best_integer(program: highspy.Highs, integer: np.ndarray, start: np.ndarray, *,
                 opened: np.ndarray | None = None, closed: np.ndarray | None = None,
                 gap: float, seconds: float) -> tuple[np.ndarray | None, bool]:
    """HiGHS's best solution, within ``seconds`` or ``gap`` of its bound, of a copy of the
    linear ``program`` whose ``integer`` columns take whole values (from ``start``, their
    values in a known solution), ``opened`` columns range over 0-1 and ``closed`` ones are
    held at 0: every column's value (None if it found none), and whether the clock, not
    the gap, stopped it. A fresh instance, since HiGHS holds a solve to the time limit
    summed over an instance's solves."""
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
    run_interruptibly(highs)
    late = highs.getModelStatus() != highspy.HighsModelStatus.kOptimal
    if highs.getInfo().primal_solution_status != 2:  # no feasible solution
        return None, late
    return np.array(highs.getSolution().col_value), late


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
