"""The period a dashboard counts: a month, a year, or any range of days, each checked and named when refused."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from services.reporting.queries.periods import Period, asked_period
from shared.contracts.errors import InvalidInput

TODAY = date(2025, 8, 14)


def test_a_month_a_year_and_a_range_are_each_a_period_with_its_last_day_included() -> None:
    assert asked_period({"month": "2025-02"}, today=TODAY) == Period(date(2025, 2, 1), date(2025, 3, 1))
    assert asked_period({"year": 2019}, today=TODAY) == Period(date(2019, 1, 1), date(2020, 1, 1))
    since = asked_period({"from": "2019-01-01", "to": "2025-07-31"}, today=TODAY)
    assert (since.start, since.last, since.answer()["until"]) == (date(2019, 1, 1), date(2025, 7, 31), "2025-08-01")


def test_a_month_with_its_own_year_is_that_month_as_before_ranges_came() -> None:
    assert asked_period({"month": "2025-02", "year": 2025}, today=TODAY) == asked_period({"month": "2025-02"},
                                                                                          today=TODAY)


def test_nothing_asked_is_the_month_or_the_year_of_today_and_a_range_ends_today_by_default() -> None:
    assert asked_period({}, today=TODAY) == Period(date(2025, 8, 1), date(2025, 9, 1))
    assert asked_period({}, default="year", today=TODAY) == Period(date(2025, 1, 1), date(2026, 1, 1))
    assert asked_period({"from": "2019-01-01"}, today=TODAY).last == TODAY


def test_a_range_may_end_after_today_and_span_ten_years_but_not_more() -> None:
    assert asked_period({"from": "2025-08-01", "to": "2025-08-31"}, today=TODAY).last == date(2025, 8, 31)
    assert asked_period({"from": "2015-03-01", "to": "2025-02-28"}, today=TODAY).last == date(2025, 2, 28)
    with pytest.raises(InvalidInput) as refused:
        asked_period({"from": "2015-03-01", "to": "2025-03-01"}, today=TODAY)
    assert refused.value.field == "to"


@pytest.mark.parametrize(("body", "field"), [
    ({"from": "2025-08-10", "to": "2025-08-09"}, "to"),
    ({"from": "2014-12-31", "to": "2015-01-31"}, "from"),
    ({"from": "2025-08-15"}, "from"),
    ({"to": "2025-08-01"}, "from"),
    ({"from": "2025-13-01"}, "from"),
    ({"from": "2025-01-01", "to": "soon"}, "to"),
    ({"month": "2025-02", "year": 2024}, "year"),
    ({"month": "2025-02", "from": "2025-01-01"}, "from"),
    ({"year": 2014}, "year"),
    ({"month": "Feb"}, "month"),
])
def test_a_period_that_cannot_be_counted_is_refused_naming_the_argument(body: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        asked_period(body, today=TODAY)
    assert refused.value.field == field
    assert refused.value.message.zh and refused.value.message.en
