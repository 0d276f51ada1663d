"""The domain records: month arithmetic, equality regardless of source row, sane bounds."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from rotation.months import (
    financial_year,
    financial_year_label,
    format_month,
    format_span,
    parse_month,
)
from tests import factory


def test_months_read_from_text_and_dates_alike() -> None:
    assert parse_month("2027-04") == parse_month(dt.date(2027, 4, 30)) == parse_month(
        "2027-04-01")
    assert format_month(parse_month("2027-04") + 12) == "2028-04"
    with pytest.raises(ValueError, match="YYYY-MM"):
        parse_month("April")


def test_financial_years_run_april_to_march() -> None:
    assert financial_year(parse_month("2028-03")) == 2027
    assert financial_year(parse_month("2028-04")) == 2028
    assert financial_year_label(2027) == "2027/28"
    assert format_span(parse_month("2027-04"), parse_month("2027-04")) == "2027-04"


def test_records_are_equal_whatever_row_they_came_from() -> None:
    first = factory.secondment("A", "P1", "2027-04", "2027-09")
    assert first == first.model_copy(update={"row": 12})
    assert len({first, first.model_copy(update={"row": 3})}) == 1
    assert first != first.model_copy(update={"end": first.end + 1})


@pytest.mark.parametrize("setting, value", [
    ("cooling_off_months", 10**6),
    ("handover_overlap_months", 10**9),
    ("max_secondment_months", 10**9),
    ("weight_cost", 1e308),
])
def test_absurd_settings_are_refused_before_they_reach_the_solver(setting: str, value: float
                                                                  ) -> None:
    with pytest.raises(ValidationError, match=setting):
        factory.settings(**{setting: value})
    factory.settings(**{setting: 12})


def test_the_most_an_agency_may_have_out_is_its_limit_within_the_team_mix_cap() -> None:
    # R8 and R9 together; staff of an agency missing from the sheet have the cap alone.
    given = factory.problem(agencies=[factory.agency("HC", max_concurrent=1),
                                      factory.agency("NHS", max_concurrent=5)],
                            max_secondees_per_agency=3)
    assert [given.most_out(code) for code in ("HC", "NHS", "POL")] == [1, 3, 3]
