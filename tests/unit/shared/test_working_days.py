"""China's working days: the package's years, the bureau's over them, and Monday to Friday said to be assumed."""

from __future__ import annotations

from datetime import date

import pytest

from shared.kernel.working_days import PACKAGE_YEARS, DayKind, DaySource, WorkingCalendar, arrangement

pytestmark = pytest.mark.dateless  # its dates are data

UNKNOWN = max(PACKAGE_YEARS) + 1
CALENDAR = WorkingCalendar()


def test_the_package_knows_the_years_of_its_notices_and_names_their_holidays_in_chinese() -> None:
    assert set(range(2004, 2027)) <= set(PACKAGE_YEARS)
    spring = CALENDAR.day(date(2025, 1, 29))
    assert (spring.kind, spring.holiday, spring.source) == (DayKind.HOLIDAY, "春节", DaySource.PACKAGE)
    assert CALENDAR.day(date(2025, 1, 26)).kind is DayKind.MAKE_UP_WORKDAY  # Sunday worked before 春节
    assert CALENDAR.day(date(2025, 10, 4)).kind is DayKind.HOLIDAY  # a Saturday inside 国庆节 is the holiday's


def test_a_count_across_a_year_nobody_knows_says_it_assumed_monday_to_friday() -> None:
    inside = CALENDAR.working_days_after(date(2025, 9, 30), date(2025, 10, 15))
    across = CALENDAR.working_days_after(date(UNKNOWN - 1, 12, 28), date(UNKNOWN, 1, 8))
    assert (inside.days, inside.assumed) == (6, False)
    assert across.assumed and CALENDAR.source(UNKNOWN) is DaySource.WEEKDAYS
    assert CALENDAR.working_days_after(date(2025, 10, 15), date(2025, 10, 15)).days == 0


def test_the_bureaus_year_wins_over_the_package_for_every_day_of_it() -> None:
    declared = CALENDAR.declaring({2025: arrangement([("元旦", date(2025, 1, 1), date(2025, 1, 1))], [])})
    assert declared.day(date(2025, 10, 8)).kind is DayKind.WORKDAY  # the package's holiday, not the bureau's
    assert declared.day(date(2025, 10, 8)).source is DaySource.BUREAU
    assert declared.day(date(2024, 10, 1)).source is DaySource.PACKAGE
