"""China's working days (工作日): Monday to Friday, less the public holidays, plus the make-up working days (调休).

The State Council publishes each year's arrangement late in the year before (国务院办公厅关于某年部分节假日安排的通知).
`chinese-calendar` (PyPI) carries those notices for the years its release knows; the district bureau can declare
a year itself (before a release knows it, or to correct one), and a year the bureau declared is read from the
bureau's declaration alone, every day of it: a notice is one arrangement for the whole year, so a year is never
half one source and half the other. A year neither knows is counted Monday to Friday, and whoever counts across
it is told so (`WorkingDayCount.assumed`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

import chinese_calendar


class DayKind(StrEnum):
    WORKDAY = "workday"  # 工作日
    WEEKEND = "weekend"  # 周末
    HOLIDAY = "holiday"  # 法定节假日 (a weekend day inside a holiday period too)
    MAKE_UP_WORKDAY = "make_up_workday"  # 调休上班 (a Saturday or Sunday worked)


class DaySource(StrEnum):
    """Where a day's kind comes from."""

    BUREAU = "bureau"  # the district bureau's declaration of the year
    PACKAGE = "package"  # the chinese-calendar package
    WEEKDAYS = "weekdays"  # nobody knows the year: Monday to Friday assumed


@dataclass(frozen=True, kw_only=True)
class YearArrangement:
    """One year's public holidays (with their names) and make-up working days, as the notice gives them."""

    holidays: Mapping[date, str] = field(default_factory=dict)
    make_up_workdays: frozenset[date] = frozenset()


@dataclass(frozen=True, kw_only=True)
class Day:
    """A day of the calendar: its kind, the holiday's name if it is one, and where that comes from."""

    day: date
    kind: DayKind
    source: DaySource
    holiday: str | None = None

    @property
    def working(self) -> bool:
        return self.kind in (DayKind.WORKDAY, DayKind.MAKE_UP_WORKDAY)


@dataclass(frozen=True, kw_only=True)
class WorkingDayCount:
    """How many working days, and whether any day counted was in a year nobody knows (counted Monday to Friday)."""

    days: int
    assumed: bool


def _package_years() -> dict[int, YearArrangement]:
    holidays: dict[int, dict[date, str]] = {}
    for day, name in chinese_calendar.holidays.items():
        holidays.setdefault(day.year, {})[day] = chinese_calendar.Holiday(name).chinese
    workdays: dict[int, set[date]] = {}
    for day in chinese_calendar.workdays:
        workdays.setdefault(day.year, set()).add(day)
    return {year: YearArrangement(holidays=named, make_up_workdays=frozenset(workdays.get(year, ())))
            for year, named in holidays.items()}


PACKAGE_YEARS: Mapping[int, YearArrangement] = _package_years()
"""Every year the installed chinese-calendar knows (2004 to the year after its release, as a notice came out)."""


@dataclass(frozen=True, kw_only=True)
class WorkingCalendar:
    """The package's years, and the bureau's, which win over the package's for the years they declare."""

    package: Mapping[int, YearArrangement] = field(default_factory=lambda: PACKAGE_YEARS)
    bureau: Mapping[int, YearArrangement] = field(default_factory=dict)

    def declaring(self, bureau: Mapping[int, YearArrangement]) -> WorkingCalendar:
        """This calendar with the bureau's declarations of some years."""
        return WorkingCalendar(package=self.package, bureau={**self.bureau, **bureau})

    def source(self, year: int) -> DaySource:
        if year in self.bureau:
            return DaySource.BUREAU
        return DaySource.PACKAGE if year in self.package else DaySource.WEEKDAYS

    def day(self, day: date) -> Day:
        following = self.bureau.get(day.year + 1)
        if following is not None and (day in following.holidays or day in following.make_up_workdays):
            return _kind_of(day, following, DaySource.BUREAU)  # a New Year's holiday begun in December
        source = self.source(day.year)
        return _kind_of(day, {DaySource.BUREAU: self.bureau, DaySource.PACKAGE: self.package}.get(source, {})
                        .get(day.year), source)

    def days(self, first: date, last: date) -> Iterator[Day]:
        """Each day from `first` to `last`, both included."""
        day = first
        while day <= last:
            yield self.day(day)
            day += timedelta(days=1)

    def year(self, year: int) -> list[Day]:
        return list(self.days(date(year, 1, 1), date(year, 12, 31)))

    def working_days_after(self, start: date, end: date) -> WorkingDayCount:
        """The working days after `start` up to and including `end`."""
        counted = list(self.days(start + timedelta(days=1), end))
        return WorkingDayCount(days=sum(d.working for d in counted),
                               assumed=any(d.source is DaySource.WEEKDAYS for d in counted))


def _kind_of(day: date, arrangement: YearArrangement | None, source: DaySource) -> Day:
    if arrangement is not None and day in arrangement.holidays:
        return Day(day=day, kind=DayKind.HOLIDAY, source=source, holiday=arrangement.holidays[day])
    if arrangement is not None and day in arrangement.make_up_workdays:
        return Day(day=day, kind=DayKind.MAKE_UP_WORKDAY, source=source)
    return Day(day=day, kind=DayKind.WEEKEND if day.weekday() >= 5 else DayKind.WORKDAY, source=source)


def arrangement(holidays: Iterable[tuple[str, date, date]], make_up_workdays: Iterable[date]) -> YearArrangement:
    """A year's arrangement from its holiday periods (name, first day, last day) and make-up working days."""
    named: dict[date, str] = {}
    for name, first, last in holidays:
        day = first
        while day <= last:
            named[day] = name
            day += timedelta(days=1)
    return YearArrangement(holidays=named, make_up_workdays=frozenset(make_up_workdays))
