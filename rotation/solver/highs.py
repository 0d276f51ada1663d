"""HiGHS, as the solver uses it: quiet on the planner's terminal, one thread, and stopped at
once by Ctrl-C."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import highspy

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
