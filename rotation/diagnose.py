"""Why no plan is possible, in words a board member understands.

The commonest cause is a set of Existing secondments that already break a rule among
themselves (two agreed secondments in one post, an agency over its limit, a grade that does
not fit). Those are found without a solver: the independent checker is run on the Existing
secondments alone, and each breach is reported with the Existing rows behind it.
"""

from __future__ import annotations

from rotation.checker import check_plan
from rotation.domain import Problem, Secondment
from rotation.plan import Breach
from rotation.rules import rule_title

# Rules that judge the whole plan rather than the secondments in it: a plan of Existing
# secondments alone says nothing about them.
_WHOLE_PLAN_RULES = frozenset({"R12"})


def existing_conflicts(problem: Problem) -> list[str]:
    """Plain-English lines, one per rule the Existing secondments break among themselves."""
    breaches = [b for b in check_plan(problem, problem.existing).breaches
                if b.rule not in _WHOLE_PLAN_RULES]
    return [_describe(breach, problem.existing) for breach in breaches]


def _describe(breach: Breach, existing: tuple[Secondment, ...]) -> str:
    rows = sorted({s.row for s in existing
                   if s.row is not None and _mentions(breach, s)})
    where = ""
    if rows:
        label = "row" if len(rows) == 1 else "rows"
        where = f" (Existing {label} {', '.join(str(r) for r in rows)})"
    return f"{rule_title(breach.rule)}: {breach.message}{where}"


def _mentions(breach: Breach, secondment: Secondment) -> bool:
    """Whether a breach is about this secondment (its person, and its post where named)."""
    if secondment.person not in breach.people:
        return False
    return not breach.posts or secondment.post in breach.posts
