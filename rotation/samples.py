"""The Highland sample: the team of report CPB/19a/21 (Highland Community Planning Board,
December 2021), with fictional candidates.

The team is one Partnership Development Manager and five Partnership Officers, one per area.
The manager's post is directly funded (the report's recommended Option 2, the hybrid); the
officer posts are filled by secondment from the five partner agencies.

The common level scale puts each agency's grades side by side:

- level 5: HC7, NHS Band 5, Police Constable, SFRS Crew Commander, HIE Grade C;
- level 6: HC8, NHS Band 6, Police Sergeant, SFRS Watch Commander, HIE Grade D;
- level 7: HC10, NHS Band 7, Police Inspector, SFRS Station Commander, HIE Grade E.

The report equates HC8 with "NHS Band 5/6" and a Police Sergeant. Band 5 sits at level 5 and
Band 6 at level 6, and officer posts accept levels 5 to 6, so both bands can fill them.

Costs follow the report: an officer at circa £35k and the manager at circa £45k, each plus
on-costs of about 31.8%, give about £290,000 a year for five officers and the manager (Option
1) and about £60,000 for the manager alone (Option 2's minimum): £3,845 a month for HC8 and
£4,943 for HC10, other agencies' grades a little either side.

Everyone named here is fictional. Regenerate the shipped workbook with
``python -m rotation.samples inputs/highland.xlsx``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rotation.domain import Agency, Candidate, Grade, Post, Problem, Secondment, Settings, Travel
from rotation.months import Month, parse_month

CAITHNESS = "Caithness and Sutherland"
EAST_ROSS = "East and Mid Ross"
SKYE = "Skye, Wester Ross and Lochaber"
NAIRN = "Nairn and Badenoch and Strathspey"
INVERNESS = "Inverness"
AREAS = (CAITHNESS, EAST_ROSS, SKYE, NAIRN, INVERNESS)

OFFICER = "Partnership Officer"
MANAGER = "Partnership Development Manager"
ENGAGEMENT = "community engagement"

# One-way driving minutes between the areas' main towns (Wick/Golspie, Dingwall/Invergordon,
# Fort William/Portree, Nairn/Aviemore, Inverness), the same both ways.
_MINUTES_BETWEEN: dict[tuple[str, str], int] = {
    (INVERNESS, EAST_ROSS): 35,
    (INVERNESS, NAIRN): 45,
    (INVERNESS, SKYE): 130,
    (INVERNESS, CAITHNESS): 135,
    (EAST_ROSS, NAIRN): 70,
    (EAST_ROSS, CAITHNESS): 100,
    (EAST_ROSS, SKYE): 125,
    (NAIRN, SKYE): 140,
    (NAIRN, CAITHNESS): 175,
    (SKYE, CAITHNESS): 230,
}


def _m(text: str) -> Month:
    """Month number of ``YYYY-MM`` text."""
    return parse_month(text)


def highland_settings() -> Settings:
    """Three years from April 2027, with the default rules."""
    return Settings(plan_name="Highland Partnership Officer rotation",
                    horizon_start=_m("2027-04"), horizon_months=36)


def highland_agencies() -> tuple[Agency, ...]:
    """The five partners: what each can release, afford and has pledged over the three years.

    Police Scotland and HIE can each spare one officer at a time, and their backfill budgets
    fall a little short of a full year of one (a Sergeant costs £47,880 a year, an HIE
    Grade D £45,720). The pledges add up to 186 officer-months, more than the 180 the five
    posts need over three years: only the handover overlap months leave room for them all.
    """
    return (
        Agency(agency="HC", name="Highland Council", max_concurrent=2, pledged_months=66),
        Agency(agency="NHS", name="NHS Highland", max_concurrent=2, pledged_months=54),
        Agency(agency="POL", name="Police Scotland", max_concurrent=1,
               backfill_budget=45000.0, pledged_months=24),
        Agency(agency="SFRS", name="Scottish Fire and Rescue Service", max_concurrent=1,
               pledged_months=24),
        Agency(agency="HIE", name="Highlands and Islands Enterprise", max_concurrent=1,
               backfill_budget=40000.0, pledged_months=18),
    )


def highland_grades() -> tuple[Grade, ...]:
    """Each agency's grades at levels 5, 6 and 7, with monthly salary plus on-costs."""
    table = (
        ("HC", "HC7", 5, 3420.0), ("HC", "HC8", 6, 3845.0), ("HC", "HC10", 7, 4943.0),
        ("NHS", "Band 5", 5, 3290.0), ("NHS", "Band 6", 6, 3870.0),
        ("NHS", "Band 7", 7, 4870.0),
        ("POL", "Constable", 5, 3520.0), ("POL", "Sergeant", 6, 3990.0),
        ("POL", "Inspector", 7, 5060.0),
        ("SFRS", "Crew Commander", 5, 3480.0), ("SFRS", "Watch Commander", 6, 3905.0),
        ("SFRS", "Station Commander", 7, 4980.0),
        ("HIE", "Grade C", 5, 3350.0), ("HIE", "Grade D", 6, 3810.0),
        ("HIE", "Grade E", 7, 4900.0),
    )
    return tuple(Grade(agency=agency, grade=grade, level=level, monthly_cost=cost)
                 for agency, grade, level, cost in table)


def highland_posts() -> tuple[Post, ...]:
    """Five officer posts, one per area, and the funded manager hosted in Inverness."""
    officers = (("CS", CAITHNESS), ("EMR", EAST_ROSS), ("SWL", SKYE), ("NBS", NAIRN),
                ("INV", INVERNESS))
    return (
        *(Post(post=post, area=area, role=OFFICER, min_level=5, max_level=6,
               skills=(ENGAGEMENT,)) for post, area in officers),
        Post(post="PDM", area=INVERNESS, role=MANAGER, min_level=7, max_level=7,
             funding="funded"),
    )


def highland_candidates() -> tuple[Candidate, ...]:
    """Twenty fictional members of staff who have put their names forward.

    Most are at level 6; Alasdair Ross (HC10) and Shona Matheson (Band 7) are at level 7 and
    fit no officer post, and Ailsa Davidson lacks the community engagement the posts need:
    the validator points all three out.
    """
    def person(person_id: str, name: str, agency: str, grade: str, home: str, *,
               available_from: str | None = None, available_to: str | None = None,
               max_months: int | None = None, skills: tuple[str, ...] = (ENGAGEMENT,),
               preferred: tuple[str, ...] = (), excluded: tuple[str, ...] = ()) -> Candidate:
        """One candidate, months as text; everyone has community engagement unless told."""
        return Candidate(
            person=person_id, name=name, agency=agency, grade=grade, home_area=home,
            available_from=_m(available_from) if available_from else None,
            available_to=_m(available_to) if available_to else None,
            max_months=max_months, skills=skills, preferred_areas=preferred,
            excluded_areas=excluded)

    return (
        person("P01", "Eilidh Fraser", "NHS", "Band 6", EAST_ROSS, available_to="2028-06",
               preferred=(EAST_ROSS, CAITHNESS, INVERNESS)),
        person("P02", "Calum Macleod", "HC", "HC8", INVERNESS,
               preferred=(INVERNESS, NAIRN)),
        person("P03", "Morag Mackenzie", "HC", "HC8", CAITHNESS, available_from="2027-06",
               preferred=(CAITHNESS, EAST_ROSS), excluded=(SKYE,)),
        person("P04", "Ruaridh Munro", "HC", "HC7", EAST_ROSS, max_months=18,
               preferred=(EAST_ROSS, INVERNESS)),
        person("P05", "Kirsty Grant", "HC", "HC8", NAIRN, available_from="2028-01",
               preferred=(NAIRN, INVERNESS)),
        person("P06", "Alasdair Ross", "HC", "HC10", INVERNESS,
               skills=(ENGAGEMENT, "strategic planning"), preferred=(INVERNESS,)),
        person("P07", "Fiona Macdonald", "HC", "HC8", SKYE, available_to="2029-12",
               skills=(ENGAGEMENT, "Gaelic"), preferred=(SKYE,)),
        person("P08", "Hamish Sutherland", "NHS", "Band 6", CAITHNESS,
               preferred=(CAITHNESS, EAST_ROSS), excluded=(SKYE, NAIRN)),
        person("P09", "Catriona Mackay", "NHS", "Band 5", INVERNESS, available_from="2027-09",
               max_months=12, preferred=(INVERNESS, NAIRN, EAST_ROSS)),
        person("P10", "Iain Cameron", "NHS", "Band 6", SKYE, available_from="2028-04",
               skills=(ENGAGEMENT, "Gaelic"), preferred=(SKYE, INVERNESS)),
        person("P11", "Shona Matheson", "NHS", "Band 7", INVERNESS,
               skills=(ENGAGEMENT, "public health"), preferred=(INVERNESS, EAST_ROSS)),
        person("P12", "Donald Macrae", "POL", "Sergeant", SKYE, available_to="2029-03",
               preferred=(SKYE, NAIRN)),
        person("P13", "Mairi Campbell", "POL", "Sergeant", INVERNESS,
               available_from="2028-10", preferred=(INVERNESS, EAST_ROSS, NAIRN)),
        person("P14", "Ewan Gunn", "POL", "Constable", CAITHNESS, available_from="2029-01",
               preferred=(CAITHNESS,), excluded=(SKYE,)),
        person("P15", "Isla Macpherson", "SFRS", "Watch Commander", NAIRN,
               preferred=(NAIRN, INVERNESS)),
        person("P16", "Lachlan Chisholm", "SFRS", "Watch Commander", EAST_ROSS,
               available_from="2028-06", max_months=18,
               preferred=(EAST_ROSS, CAITHNESS, INVERNESS)),
        person("P17", "Rhona Maclean", "SFRS", "Crew Commander", SKYE,
               available_to="2028-09", preferred=(SKYE,), excluded=(CAITHNESS,)),
        person("P18", "Niall MacKinnon", "HIE", "Grade D", INVERNESS,
               skills=(ENGAGEMENT, "economic development"), preferred=(INVERNESS, EAST_ROSS)),
        person("P19", "Ailsa Davidson", "HIE", "Grade C", NAIRN, available_from="2028-04",
               skills=("data analysis", "GIS"), preferred=(NAIRN,)),
        person("P20", "Seumas Macintyre", "HIE", "Grade D", SKYE, available_from="2027-10",
               skills=(ENGAGEMENT, "Gaelic"), preferred=(SKYE, INVERNESS)),
    )


def highland_travel() -> tuple[Travel, ...]:
    """One-way minutes for every ordered pair of different areas."""
    return tuple(
        Travel(from_area=origin, to_area=destination, minutes=minutes)
        for (first, second), minutes in _MINUTES_BETWEEN.items()
        for origin, destination in ((first, second), (second, first))
    )


def highland_existing() -> tuple[Secondment, ...]:
    """Two secondments agreed in 2026 that run into the plan: Caithness and Inverness."""
    return (
        Secondment(person="P01", post="CS", start=_m("2026-10"), end=_m("2028-03"),
                   existing=True),
        Secondment(person="P02", post="INV", start=_m("2026-10"), end=_m("2027-09"),
                   existing=True),
    )


def highland_problem() -> Problem:
    """The Highland sample problem, as shipped in ``inputs/highland.xlsx``."""
    return Problem(
        settings=highland_settings(),
        agencies=highland_agencies(),
        grades=highland_grades(),
        posts=highland_posts(),
        candidates=highland_candidates(),
        travel=highland_travel(),
        existing=highland_existing(),
    )


def main(argv: list[str]) -> int:
    """Write the Highland sample workbook to the path given (``inputs/highland.xlsx``)."""
    from rotation.io.writer import write_problem

    if len(argv) != 1:
        print("usage: python -m rotation.samples inputs/highland.xlsx", file=sys.stderr)
        return 2
    target = Path(argv[0])
    write_problem(target, highland_problem())
    print(f"Wrote the Highland sample to {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
