"""A linear program over whole secondments whose rows come as its columns first need them.

Both of pricing's programs (``pricing`` over single secondments, ``paths`` over posts'
chains) add rows by key (see ``chains.RowKey`` and ``secondment_mip.RuleRows``) and keep
each row's bounds, which their prices and bounds read.
"""

from __future__ import annotations

import math

import numpy as np

from rotation.domain import Problem
from rotation.solver.chains import RowKey, row_bounds
from rotation.solver.highs import new_highs
from rotation.solver.secondment_mip import RuleRows

ELASTIC = 10.0
"""A goal held by a later stage may slip in the linear program at this many times the dearest
secondment's cost a unit (never in a plan). Without it the held goals' prices swing wildly
while few columns are in: on the generated M instance (vacancies held at 6) the balance's
program had not converged in 7 s; a bound from it holds all the same (it only adds columns).
"""


def elastic_price(costs: np.ndarray) -> float:
    """What a unit of a held goal's slip costs, given each possible secondment's cost under
    the goal (see ``ELASTIC``)."""
    dearest = float(costs.max()) if len(costs) else 0.0
    return ELASTIC * max(1.0, dearest)


class Program:
    """A HiGHS program with its rows by key, and their bounds."""

    def __init__(self, problem: Problem, rules: RuleRows) -> None:
        self.problem = problem
        self.rules = rules
        self.highs = new_highs()
        self.rows: dict[RowKey, int] = {}
        self.row_keys: list[RowKey] = []
        self.row_lower: list[float] = []
        self.row_upper: list[float] = []

    def _row(self, key: RowKey, upper: float | None = None) -> int:
        """The row of ``key``, added (empty) if new; ``upper``: its only bound, for a row that
        holds a goal."""
        index = self.rows.get(key)
        if index is None:
            if upper is not None:
                lower = -math.inf
            elif str(key[0]) in RuleRows.KINDS:
                lower, upper = self.rules.bounds(key)
            else:
                lower, upper = row_bounds(self.problem, key)
            index = self.rows[key] = len(self.row_keys)
            self.row_keys.append(key)
            self.row_lower.append(lower)
            self.row_upper.append(upper)
            self.highs.addRow(lower, upper, 0, np.zeros(0, dtype=np.int32), np.zeros(0))
        return index

    def _usable(self, duals: np.ndarray) -> np.ndarray:
        """The program's row prices, with a price towards a row's open side set to 0 (so that
        weak duality holds for them whatever the solver's accuracy)."""
        lower, upper = np.array(self.row_lower), np.array(self.row_upper)
        keep = ((duals > 0) & np.isfinite(lower)) | ((duals < 0) & np.isfinite(upper))
        return np.where(keep, duals, 0.0)
