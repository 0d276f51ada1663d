"""Builders for small problems written in Python, so that a test states only what matters.

Defaults: a 12-month horizon from 2027-04; agencies HC and NHS with a limit of 2; grades HC8
and Band 6 at level 5 (£3,800 a month); posts at level 5..5; secondments 3..6 months long,
overlap 1, one handover a month, no cooling-off, one secondment per person.
"""

from __future__ import annotations

from typing import Any

from rotation.domain import Agency, Candidate, Grade, Post, Problem, Secondment, Settings, Travel
from rotation.months import parse_month

HORIZON_START = "2027-04"


def m(text: str) -> int:
    """Month number of ``YYYY-MM`` text."""
    return parse_month(text)


def settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "plan_name": "test",
        "horizon_start": m(HORIZON_START),
        "horizon_months": 12,
        "min_secondment_months": 3,
        "max_secondment_months": 6,
        "handover_overlap_months": 1,
        "max_handovers_per_month": 1,
        "cooling_off_months": 0,
        "max_secondments_per_person": 1,
        "max_secondees_per_agency": 2,
    }
    values.update(overrides)
    return Settings(**values)


def agency(code: str = "HC", **overrides: Any) -> Agency:
    values: dict[str, Any] = {"agency": code, "name": f"Agency {code}", "max_concurrent": 2}
    values.update(overrides)
    return Agency(**values)


def grade(agency_code: str = "HC", name: str = "HC8", **overrides: Any) -> Grade:
    values: dict[str, Any] = {"agency": agency_code, "grade": name, "level": 5,
                              "monthly_cost": 3800.0}
    values.update(overrides)
    return Grade(**values)


def post(post_id: str = "P1", **overrides: Any) -> Post:
    values: dict[str, Any] = {"post": post_id, "area": f"Area {post_id}", "role": "Officer",
                              "min_level": 5, "max_level": 5}
    for key in ("start", "end"):
        if isinstance(overrides.get(key), str):
            overrides[key] = m(overrides[key])
    values.update(overrides)
    return Post(**values)


def candidate(person: str = "A", **overrides: Any) -> Candidate:
    values: dict[str, Any] = {"person": person, "name": f"Person {person}", "agency": "HC",
                              "grade": "HC8"}
    for key in ("available_from", "available_to"):
        if isinstance(overrides.get(key), str):
            overrides[key] = m(overrides[key])
    values.update(overrides)
    return Candidate(**values)


def secondment(person: str, post_id: str, start: str, end: str, existing: bool = False
               ) -> Secondment:
    return Secondment(person=person, post=post_id, start=m(start), end=m(end), existing=existing)


def travel(from_area: str, to_area: str, minutes: int) -> Travel:
    return Travel(from_area=from_area, to_area=to_area, minutes=minutes)


def problem(*, posts: list[Post] | None = None, candidates: list[Candidate] | None = None,
            agencies: list[Agency] | None = None, grades: list[Grade] | None = None,
            existing: list[Secondment] | None = None, travel_times: list[Travel] | None = None,
            **setting_overrides: Any) -> Problem:
    """A problem from the given parts; anything not given takes the defaults above."""
    return Problem(
        settings=settings(**setting_overrides),
        agencies=tuple(agencies if agencies is not None else [agency("HC"), agency("NHS")]),
        grades=tuple(grades if grades is not None
                     else [grade("HC", "HC8"), grade("NHS", "Band 6")]),
        posts=tuple(posts if posts is not None else [post("P1")]),
        candidates=tuple(candidates if candidates is not None else [candidate("A")]),
        travel=tuple(travel_times or []),
        existing=tuple(s.model_copy(update={"existing": True}) for s in existing or []),
    )
