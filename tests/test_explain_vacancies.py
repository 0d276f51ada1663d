"""Why a post stays vacant, and which single change to the input would fill it."""

from __future__ import annotations

from rotation.checker import check_plan
from rotation.domain import Problem, Secondment
from rotation.explain.relaxations import relaxations_for
from rotation.explain.vacancies import explain_vacancies, vacancy_lines
from rotation.plan import Vacancy
from tests.factory import agency, candidate, m, post, problem, secondment


def limited_problem() -> tuple[Problem, tuple[Secondment, ...]]:
    """Two posts, 12 months. HC may have one person out; its A holds P2 all year. NHS's D is
    available only until 2027-09 and holds P1 2027-04..2027-09, so P1 is vacant
    2027-10..2028-03: raising HC's limit (B or C could go) or keeping D longer fills it."""
    prob = problem(posts=[post("P1"), post("P2")],
                   candidates=[candidate("A"), candidate("B"), candidate("C"),
                               candidate("D", agency="NHS", grade="Band 6",
                                         available_to="2027-09")],
                   agencies=[agency("HC", max_concurrent=1), agency("NHS", max_concurrent=1)],
                   min_secondment_months=3, max_secondment_months=12)
    plan = (secondment("D", "P1", "2027-04", "2027-09"),
            secondment("A", "P2", "2027-04", "2028-03"))
    return prob, plan


def test_the_plan_is_vacant_where_the_example_says() -> None:
    prob, plan = limited_problem()
    report = check_plan(prob, plan)
    assert report.ok
    assert [(v.post, v.first, v.last) for v in report.vacancies] == [
        ("P1", m("2027-10"), m("2028-03"))]


def test_single_changes_that_fill_the_vacancy_are_named() -> None:
    prob, plan = limited_problem()
    report = check_plan(prob, plan)
    [explained] = explain_vacancies(prob, plan, report.vacancies, time_budget=20)
    assert explained.fills == (
        "raising Agency HC's backfill limit to 2 fills P1 2027-10..2028-03",
        "making Person D available until 2028-03 fills P1 2027-10..2028-03")
    vacancy = explained.explained()
    assert vacancy.reason.startswith(report.vacancies[0].reason.rstrip("."))
    assert "What would fill it: raising Agency HC's backfill limit to 2" in vacancy.reason
    [line] = vacancy_lines([explained])
    assert line.startswith("P1 2027-10..2028-03 (6 months vacant): ")


def test_the_explanation_is_the_same_every_time() -> None:
    prob, plan = limited_problem()
    vacancies = check_plan(prob, plan).vacancies
    first = explain_vacancies(prob, plan, vacancies, time_budget=20)
    assert explain_vacancies(prob, plan, vacancies, time_budget=20) == first


def test_a_vacancy_no_single_change_fills_says_so() -> None:
    # Nobody fits P1's grade band (level 9): no relaxation on offer touches grades.
    prob = problem(posts=[post("P1", min_level=9, max_level=9)], candidates=[candidate("A")])
    vacancies = check_plan(prob, ()).vacancies
    [explained] = explain_vacancies(prob, (), vacancies, time_budget=10)
    assert explained.fills == ()
    assert "no candidate fits" in explained.explained().reason
    assert "No single change tried fills it" in explained.explained().reason


def test_without_time_the_changes_are_counted_as_not_tried() -> None:
    prob, plan = limited_problem()
    vacancies = check_plan(prob, plan).vacancies
    [explained] = explain_vacancies(prob, plan, vacancies, time_budget=0)
    assert explained.fills == () and explained.untried > 0
    assert "not tried for lack of time" in explained.sentence()


def test_relaxations_are_offered_only_for_agencies_whose_staff_fit() -> None:
    # Only HC's staff fit P1 (NHS's grade is level 3), so NHS's limit is not offered.
    prob = problem(candidates=[candidate("A"), candidate("N", agency="NHS", grade="Band 6")],
                   grades=None)
    prob = prob.model_copy(update={"grades": (prob.grades[0], prob.grades[1].model_copy(
        update={"level": 3}))})
    vacancy = Vacancy(post="P1", first=m("2027-04"), last=m("2028-03"))
    offered = [r.description for r in relaxations_for(
        prob, prob.posts[0], vacancy.first, vacancy.last)]
    assert "raising Agency HC's backfill limit to 3" in offered
    assert not any("NHS" in description for description in offered)
