"""A weighted sum of 0/1 decision variables plus a constant, as the rules count things.

Existing secondments enter every count as constants, so many sums in the model are partly
or wholly known before the search. A ``Tally`` keeps the two apart, which lets the model
skip constraints that cannot bind and spot, before solving, a rule the fixed part alone
already breaks (see ``SolverModel.at_most``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ortools.sat.python import cp_model

Var = cp_model.IntVar


class Tally:
    """``sum(coef * var) + constant`` over 0/1 variables."""

    __slots__ = ("constant", "terms")

    def __init__(self, terms: Iterable[tuple[Var, int]] = (), constant: int = 0) -> None:
        self.terms: list[tuple[Var, int]] = [(var, coef) for var, coef in terms if coef]
        self.constant = constant

    @classmethod
    def of(cls, variables: Iterable[Var], constant: int = 0) -> Tally:
        """The plain count of some 0/1 variables, plus a constant."""
        return cls(((var, 1) for var in variables), constant)

    def __add__(self, other: Tally | int) -> Tally:
        if isinstance(other, int):
            return Tally(self.terms, self.constant + other)
        return Tally(self.terms + other.terms, self.constant + other.constant)

    def add(self, other: Tally, factor: int = 1) -> None:
        """Add ``factor * other`` to this sum in place (cheaper than ``+`` in long loops)."""
        if factor:
            self.terms.extend((var, factor * coef) for var, coef in other.terms)
            self.constant += factor * other.constant

    def __sub__(self, other: Tally | int) -> Tally:
        return self + (-1) * other

    def __rmul__(self, factor: int) -> Tally:
        return Tally(((var, factor * coef) for var, coef in self.terms), factor * self.constant)

    def scaled(self, factor: float) -> Tally:
        """Every coefficient and the constant multiplied by ``factor`` and rounded."""
        return Tally(((var, round(coef * factor)) for var, coef in self.terms),
                     round(self.constant * factor))

    @property
    def is_constant(self) -> bool:
        """Whether no decision variable is involved."""
        return not self.terms

    @property
    def lowest(self) -> int:
        """The smallest value the sum can take."""
        return self.constant + sum(coef for _, coef in self.terms if coef < 0)

    @property
    def highest(self) -> int:
        """The largest value the sum can take."""
        return self.constant + sum(coef for _, coef in self.terms if coef > 0)

    def expr(self) -> cp_model.LinearExpr:
        """The sum as a CP-SAT linear expression."""
        variables = [var for var, _ in self.terms]
        coefficients = [coef for _, coef in self.terms]
        return cp_model.LinearExpr.weighted_sum(variables, coefficients) + self.constant

    def value(self, value_of: Callable[[Var], int]) -> int:
        """The sum's value in a solution, given each variable's value."""
        return self.constant + sum(coef * value_of(var) for var, coef in self.terms)
