"""The working calendar: the bureau declares a year whole and corrects it whole; no one else may; it wins over the
package, for every day of that year."""

from __future__ import annotations

from datetime import date
from functools import reduce
from typing import Any

import pytest

from services.activities.domain import working_calendar
from services.activities.domain.errors import (
    AlreadyExists,
    BothHolidayAndWorkday,
    DayOutsideTheYear,
    NotAWeekend,
    NotFoundHere,
    OnlyTheBureau,
)
from services.activities.domain.working_calendar import CorrectWorkingYear, DeclareWorkingYear
from shared.contracts import Actor, Role
from shared.contracts.activities import DeclaredHoliday, WorkingYearCorrected, WorkingYearDeclared
from shared.kernel.working_days import PACKAGE_YEARS, DayKind, DaySource
from shared.rules import BlankField

pytestmark = pytest.mark.dateless  # its dates are data

UNKNOWN = max(PACKAGE_YEARS) + 1
TODAY = date(UNKNOWN - 1, 6, 10)
BUREAU = Actor(subject="mzj-1", name="民政局", role=Role.DISTRICT_BUREAU, station_ids=("*",))
HEAD = Actor(subject="head-1", name="站长", role=Role.STATION_HEAD, station_ids=("s-hsp",))
NATIONAL_DAY = DeclaredHoliday(name="国庆节", first_day=date(UNKNOWN, 10, 1), last_day=date(UNKNOWN, 10, 7))
SATURDAY = next(date(UNKNOWN, 10, d) for d in range(8, 15) if date(UNKNOWN, 10, d).weekday() == 5)


def declare(**changes: Any) -> DeclareWorkingYear:
    fields = {"actor": BUREAU, "today": TODAY, "year": UNKNOWN, "holidays": (NATIONAL_DAY,),
              "make_up_workdays": (SATURDAY,), "notice": "国办发明电〔2026〕9号"}
    return DeclareWorkingYear(**{**fields, **changes})


def test_the_bureau_declares_a_year_and_it_wins_over_the_package_for_every_day_of_it() -> None:
    [declared] = working_calendar.declare(declare(), working_calendar.WORKING_YEAR)
    assert isinstance(declared, WorkingYearDeclared) and declared.make_up_workdays == (SATURDAY,)
    state = working_calendar.evolve(working_calendar.WORKING_YEAR, declared)
    calendar = working_calendar.calendar({UNKNOWN: state})

    assert calendar.source(UNKNOWN) is DaySource.BUREAU
    assert calendar.day(date(UNKNOWN, 10, 2)).kind is DayKind.HOLIDAY
    assert calendar.day(date(UNKNOWN, 10, 2)).holiday == "国庆节"
    assert calendar.day(SATURDAY).kind is DayKind.MAKE_UP_WORKDAY and calendar.day(SATURDAY).working
    assert calendar.source(UNKNOWN - 1) is DaySource.PACKAGE

    # Declared for a year the package knows, the declaration is the year: the package's 1 October is a day.
    known = UNKNOWN - 1
    [over] = working_calendar.declare(declare(year=known, holidays=(DeclaredHoliday(
        name="元旦", first_day=date(known, 1, 1), last_day=date(known, 1, 1)),), make_up_workdays=()),
        working_calendar.WORKING_YEAR)
    overridden = working_calendar.calendar({known: working_calendar.evolve(working_calendar.WORKING_YEAR, over)})
    october = date(known, 10, 1)
    assert overridden.day(october).source is DaySource.BUREAU
    assert overridden.day(october).kind in (DayKind.WORKDAY, DayKind.WEEKEND)


def test_a_correction_replaces_the_year_whole_and_needs_a_declaration_and_a_reason() -> None:
    with pytest.raises(NotFoundHere):
        working_calendar.correct(CorrectWorkingYear(actor=BUREAU, today=TODAY, year=UNKNOWN, holidays=(NATIONAL_DAY,),
                                                    reason="录错了"), working_calendar.WORKING_YEAR)
    declared = reduce(working_calendar.evolve, working_calendar.declare(declare(), working_calendar.WORKING_YEAR),
                      working_calendar.WORKING_YEAR)
    with pytest.raises(AlreadyExists):
        working_calendar.declare(declare(), declared)
    with pytest.raises(BlankField):
        working_calendar.correct(CorrectWorkingYear(actor=BUREAU, today=TODAY, year=UNKNOWN, holidays=(NATIONAL_DAY,),
                                                    reason=" "), declared)
    [corrected] = working_calendar.correct(CorrectWorkingYear(
        actor=BUREAU, today=TODAY, year=UNKNOWN, holidays=(NATIONAL_DAY,), reason="调休日录错了"), declared)
    assert isinstance(corrected, WorkingYearCorrected) and corrected.make_up_workdays == ()
    calendar = working_calendar.calendar({UNKNOWN: working_calendar.evolve(declared, corrected)})
    assert not calendar.day(SATURDAY).working


def test_only_a_district_role_declares_a_year() -> None:
    with pytest.raises(OnlyTheBureau) as refused:
        working_calendar.declare(declare(actor=HEAD), working_calendar.WORKING_YEAR)
    assert refused.value.code == "forbidden" and "调休" in refused.value.message.zh
    assert "make-up working days" in refused.value.message.en


@pytest.mark.parametrize(("changes", "error", "field"), [
    ({"holidays": ()}, BlankField, "holidays"),
    ({"holidays": (DeclaredHoliday(name="国庆节", first_day=date(UNKNOWN + 1, 10, 1),
                                   last_day=date(UNKNOWN + 1, 10, 7)),)}, DayOutsideTheYear, "holidays"),
    ({"make_up_workdays": (date(UNKNOWN, 10, 8) if date(UNKNOWN, 10, 8).weekday() < 5
                           else date(UNKNOWN, 10, 11),)}, NotAWeekend, "makeUpWorkdays"),
    ({"make_up_workdays": (next(date(UNKNOWN, 10, d) for d in range(1, 8) if date(UNKNOWN, 10, d).weekday() == 5),)},
     BothHolidayAndWorkday, "makeUpWorkdays"),
])
def test_a_declaration_is_refused_when_its_days_are_not_an_arrangement_of_the_year(
        changes: dict[str, Any], error: type[Exception], field: str) -> None:
    with pytest.raises(error) as refused:
        working_calendar.declare(declare(**changes), working_calendar.WORKING_YEAR)
    assert refused.value.field == field  # type: ignore[attr-defined]


def test_a_new_years_holiday_begun_in_december_is_the_following_years_declaration() -> None:
    # 元旦 2019: 30 December 2018 to 1 January 2019, Saturday 29 December 2018 worked.
    [declared] = working_calendar.declare(declare(year=UNKNOWN, holidays=(DeclaredHoliday(
        name="元旦", first_day=date(UNKNOWN - 1, 12, 31), last_day=date(UNKNOWN, 1, 1)),), make_up_workdays=()),
        working_calendar.WORKING_YEAR)
    calendar = working_calendar.calendar({UNKNOWN: working_calendar.evolve(working_calendar.WORKING_YEAR, declared)})
    assert calendar.day(date(UNKNOWN - 1, 12, 31)).kind is DayKind.HOLIDAY
    assert calendar.day(date(UNKNOWN - 1, 12, 31)).source is DaySource.BUREAU
