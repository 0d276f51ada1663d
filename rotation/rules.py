"""The hard rules of SPEC.md section 3, by id. Solver, checker, tests and messages share these."""

from __future__ import annotations

RULES: dict[str, str] = {
    "R1": "one holder",
    "R2": "grade",
    "R3": "skills",
    "R4": "availability",
    "R5": "length",
    "R6": "handover",
    "R7": "staggering",
    "R8": "backfill limit",
    "R9": "team mix",
    "R10": "backfill budget",
    "R11": "person",
    "R12": "existing",
    "R13": "funded officer",
    "R14": "central budget",
}


def rule_title(rule_id: str) -> str:
    """``R8 backfill limit`` for ``R8``."""
    return f"{rule_id} {RULES[rule_id]}"
