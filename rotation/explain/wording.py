"""How an explanation points back at the input: sheet rows, settings, and what to relax."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from rotation.checker.words import agency_name, listing, month_count, pounds
from rotation.domain import Problem, Secondment
from rotation.explain.groups import RuleGroup
from rotation.months import Month, financial_year_label

SecondmentKey = tuple[str, str, Month, Month]


def secondment_key(secondment: Secondment) -> SecondmentKey:
    """Person, post, start and end: what identifies a fixed secondment."""
    return (secondment.person, secondment.post, secondment.start, secondment.end)


def rows(label: str, numbers: Sequence[int | None]) -> str:
    """``Existing row 3`` or ``Existing rows 3, 5 and 6`` (unknown rows left out)."""
    known = sorted({n for n in numbers if n is not None})
    if not known:
        return ""
    return f"{label} {'row' if len(known) == 1 else 'rows'} {listing([str(n) for n in known])}"


def sources(secondments: Sequence[Secondment], frozen: Collection[SecondmentKey]) -> str:
    """Where fixed secondments come from: Existing rows, or rows of the previous plan."""
    agreed = [s.row for s in secondments if secondment_key(s) not in frozen]
    kept = [s.row for s in secondments if secondment_key(s) in frozen]
    parts = [rows("Existing", agreed),
             rows("frozen from the previous plan, its Secondments", kept)]
    if not any(parts) and secondments:
        return "on the Existing sheet"
    return "; ".join(part for part in parts if part)


def limit_source(problem: Problem, rule_group: RuleGroup,
                 secondments: Sequence[Secondment]) -> str:
    """The input rows or settings that set the limit a rule group holds to."""
    rule = rule_group.rule
    if rule in ("R8", "R10"):
        agency = problem.agency_by_code.get(rule_group.subject)
        what = "limit" if rule == "R8" else "budget"
        found = rows("Agencies", [agency.row if agency else None])
        return f"the {what} is on {found}" if found else ""
    settings = {"R7": "max_handovers_per_month", "R9": "max_secondees_per_agency",
                "R11": "max_secondments_per_person and cooling_off_months",
                "R6": "handover_overlap_months", "R5": "min_secondment_months and "
                "max_secondment_months"}
    parts = []
    if rule in ("R2", "R3", "R4", "R5"):
        people = [problem.candidate_by_person[s.person].row for s in secondments
                  if s.person in problem.candidate_by_person]
        posts = [problem.post_by_id[s.post].row for s in secondments
                 if s.post in problem.post_by_id and rule != "R5"]
        parts += [rows("Candidates", people), rows("Posts", posts)]
    if rule in settings:
        parts.append(f"{settings[rule]} on the Settings sheet")
    return "; ".join(part for part in parts if part)


def remedy(problem: Problem, rule_group: RuleGroup, over_by: int) -> str:
    """What a planner could change to resolve the conflict of one rule group."""
    rule = rule_group.rule
    settings = problem.settings
    change = "or change or remove one of these secondments"
    if rule == "R8":
        name = agency_name(problem, rule_group.subject)
        return f"raise {name}'s max_concurrent to {rule_group.limit + over_by}, {change}"
    if rule == "R9":
        return f"raise max_secondees_per_agency to {rule_group.limit + over_by}, {change}"
    if rule == "R10":
        name = agency_name(problem, rule_group.subject)
        year = financial_year_label(rule_group.year)
        return (f"raise {name}'s backfill_budget to at least "
                f"{pounds(rule_group.limit + over_by)} (for {year}), or shorten or remove one "
                "of these secondments")
    if rule == "R7":
        return (f"raise max_handovers_per_month to {rule_group.limit + over_by}, or move one "
                "of these starts to another month")
    if rule == "R1":
        return ("change the dates so that they do not share the post, or share it only for a "
                f"handover overlap of {month_count(settings.handover_overlap_months)}, "
                "or remove one of them")
    if rule == "R6":
        return (f"start the newcomer {month_count(settings.handover_overlap_months)} before "
                "the other ends, leave a vacant month between them, or remove one of them")
    if rule == "R11":
        return ("remove one of them or move them further apart, or raise "
                "max_secondments_per_person or lower cooling_off_months")
    if rule == "R2":
        return ("correct the person's grade, the grade's level or the post's levels, or "
                "remove the secondment")
    if rule == "R3":
        return "add the skill to the person or drop it from the post, or remove the secondment"
    if rule == "R4":
        return ("correct the secondment's dates, the person's availability or excluded areas, "
                "or the post's dates or funding")
    return "correct the secondment's dates, or the length settings"
