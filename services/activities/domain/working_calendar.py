"""The working calendar (工作日历): the district bureau's declarations of a year's holidays and make-up working days.

The State Council publishes each year's arrangement late in the year before, and a release of chinese-calendar
follows some time after; until then, and to correct either, the bureau declares the year here. One stream per
year; a declaration is the year's whole arrangement, and a correction replaces it whole. The 10-working-day rule
of volunteer service records reads the calendar these make (`calendar`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from services.activities.domain.errors import (
    AlreadyExists,
    BothHolidayAndWorkday,
    DateBeforeThe,
    DayOutsideTheYear,
    NotAWeekend,
    NotFoundHere,
    OnlyTheBureau,
)
from shared.contracts import Actor, Role
from shared.contracts.activities import DeclaredHoliday, WorkingYearCorrected, WorkingYearDeclared
from shared.contracts.fields import MANY, Reason, Title
from shared.kernel.working_days import WorkingCalendar, YearArrangement, arrangement
from shared.rules import BlankField, require_range, require_text

FIRST_YEAR = 2000
"""The earliest year a declaration may be for: before chinese-calendar's first (2004), for old records."""


@dataclass(frozen=True, kw_only=True)
class DeclareWorkingYear:
    """Declare a year's public holidays and make-up working days as the State Council's notice gives them."""

    actor: Actor
    today: date
    year: int
    holidays: Annotated[tuple[DeclaredHoliday, ...], MANY]
    make_up_workdays: Annotated[tuple[date, ...], MANY] = ()
    notice: Title = ""


@dataclass(frozen=True, kw_only=True)
class CorrectWorkingYear:
    """Correct a year declared before: its whole arrangement again, and why."""

    actor: Actor
    today: date
    year: int
    holidays: Annotated[tuple[DeclaredHoliday, ...], MANY]
    make_up_workdays: Annotated[tuple[date, ...], MANY] = ()
    notice: Title = ""
    reason: Reason


@dataclass(frozen=True)
class WorkingYear:
    """A year as the bureau declared it, if it did."""

    declared: YearArrangement | None = None
    notice: str = ""
    declared_on: date | None = None


WORKING_YEAR = WorkingYear()


def _in_the_year(field: str, day: date, year: int) -> None:
    """A notice's New Year's holiday may begin in the December before (元旦 2019: 2018-12-30 to 2019-01-01)."""
    if day.year != year and not (day.year == year - 1 and day.month == 12):
        raise DayOutsideTheYear(field, day, year)


def _arrangement(actor: Actor, today: date, year: int, holidays: Iterable[DeclaredHoliday],
                 make_up_workdays: Iterable[date]) -> tuple[tuple[DeclaredHoliday, ...], tuple[date, ...]]:
    """The periods (named, in order) and make-up working days (weekend days, each once) of a valid arrangement."""
    if actor.role not in (Role.DISTRICT_BUREAU, Role.SYSTEM):
        raise OnlyTheBureau("节假日与调休上班日", "the public holidays and make-up working days")
    require_range("year", year, FIRST_YEAR, today.year + 1)
    periods = tuple(sorted((DeclaredHoliday(name=require_text("holidays", h.name), first_day=h.first_day,
                                            last_day=h.last_day) for h in holidays), key=lambda h: h.first_day))
    if not periods:
        raise BlankField("holidays")
    for period in periods:
        if period.last_day < period.first_day:
            raise DateBeforeThe("holidays", "假期第一天", "holiday's first day")
        for day in (period.first_day, period.last_day):
            _in_the_year("holidays", day, year)
    workdays = tuple(sorted(set(make_up_workdays)))
    off = arrangement(((p.name, p.first_day, p.last_day) for p in periods), ())
    for day in workdays:
        _in_the_year("makeUpWorkdays", day, year)
        if day.weekday() < 5:
            raise NotAWeekend(day)
        if day in off.holidays:
            raise BothHolidayAndWorkday(day)
    return periods, workdays


def declare(command: DeclareWorkingYear, state: WorkingYear) -> list[object]:
    periods, workdays = _arrangement(command.actor, command.today, command.year, command.holidays,
                                     command.make_up_workdays)
    if state.declared is not None:
        raise AlreadyExists(f"{command.year} 年的工作日历（如需修改请更正）",
                            f"The working calendar of {command.year} (correct it instead)", "year")
    return [WorkingYearDeclared(year=command.year, holidays=periods, make_up_workdays=workdays,
                                notice=command.notice.strip(), declared_on=command.today)]


def correct(command: CorrectWorkingYear, state: WorkingYear) -> list[object]:
    periods, workdays = _arrangement(command.actor, command.today, command.year, command.holidays,
                                     command.make_up_workdays)
    if state.declared is None:
        raise NotFoundHere(f"{command.year} 年的工作日历声明", "declaration of the working calendar of",
                           str(command.year), "year")
    return [WorkingYearCorrected(year=command.year, holidays=periods, make_up_workdays=workdays,
                                 notice=command.notice.strip(), reason=require_text("reason", command.reason),
                                 corrected_on=command.today)]


def evolve(state: WorkingYear, event: object) -> WorkingYear:
    match event:
        case WorkingYearDeclared(holidays=periods, make_up_workdays=workdays, notice=notice, declared_on=on) | \
                WorkingYearCorrected(holidays=periods, make_up_workdays=workdays, notice=notice, corrected_on=on):
            declared = arrangement(((p.name, p.first_day, p.last_day) for p in periods), workdays)
            return WorkingYear(declared=declared, notice=notice, declared_on=on)
    return state


DECIDES: dict[type[Any], Callable[[Any, WorkingYear], list[object]]] = {
    DeclareWorkingYear: declare,
    CorrectWorkingYear: correct,
}


def years_between(first: date, last: date) -> range:
    """The years whose declarations a count of working days from `first` to `last` reads (and the next year's,
    whose New Year's holiday may begin in December); none is declared before FIRST_YEAR."""
    return range(max(first.year, FIRST_YEAR), last.year + 2)


def calendar(declared: dict[int, WorkingYear]) -> WorkingCalendar:
    """The package's calendar with the bureau's declarations of these years, which win over it."""
    return WorkingCalendar().declaring({year: y.declared for year, y in declared.items() if y.declared is not None})
