"""Money as the model counts it: whole pence, so that every cost and budget is an integer.

A month of a person's grade is rounded to the nearest penny; a budget (an agency's yearly
backfill budget, R10, or the central budget, R14) is rounded down, so a plan the model
accepts is within the budget as given.
"""

from __future__ import annotations

import math

from rotation.domain import Agency, Candidate, Problem


def monthly_pence(problem: Problem, candidate: Candidate) -> int:
    """A month of the person's grade, in whole pence (0 for a grade with no cost given)."""
    grade = problem.grade_by_key.get((candidate.agency, candidate.grade))
    return 0 if grade is None else round(grade.monthly_cost * 100)


def budget_pence(agency: Agency) -> int:
    """The agency's backfill budget for a financial year (R10), rounded down to whole pence."""
    assert agency.backfill_budget is not None
    return pence_down(agency.backfill_budget)


def pence_down(pounds: float) -> int:
    """A budget in whole pence, rounded down (a hair's allowance for binary fractions)."""
    return math.floor(pounds * 100 + 1e-6)
