"""A year of China's working calendar, day by day, with where each day's kind comes from."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry

from gateway.types.dates import day as as_day
from shared.kernel.working_days import DayKind, DaySource

strawberry.enum(DayKind, description="工作日 WORKDAY, 周末 WEEKEND, 法定节假日 HOLIDAY, 调休上班 MAKE_UP_WORKDAY")
strawberry.enum(DaySource, description="BUREAU: the district bureau's declaration of the year; PACKAGE: the "
                                       "chinese-calendar package; WEEKDAYS: nobody knows the year, Monday to Friday "
                                       "assumed")


@strawberry.type(description="One day of the working calendar")
class CalendarDay:
    day: date
    kind: DayKind
    working: bool = strawberry.field(description="Counts towards a rule of working days (10 for volunteer records)")
    holiday: str | None = strawberry.field(description="The holiday's name (国庆节), on a holiday")
    source: DaySource = strawberry.field(description="Where this day's kind comes from")
    package_kind: DayKind | None = strawberry.field(
        description="On a day the bureau declared, what chinese-calendar says of it (null when it does not know "
                    "the year): where they differ, the bureau's declaration wins")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> CalendarDay:
        return cls(day=as_day(row["day"]), kind=DayKind(row["kind"]), working=row["working"], holiday=row["holiday"],
                   source=DaySource(row["source"]),
                   package_kind=row["package_kind"] and DayKind(row["package_kind"]))


@strawberry.type(description="工作日历 A year's working days: the bureau's declaration, else chinese-calendar's, else "
                             "Monday to Friday")
class WorkingCalendarYear:
    year: int
    source: DaySource = strawberry.field(description="Where the year's days come from")
    package_knows: bool = strawberry.field(description="Whether the installed chinese-calendar knows the year")
    notice: str | None = strawberry.field(description="The State Council notice the bureau declared it from")
    declared_on: date | None = strawberry.field(description="When the bureau declared (or last corrected) it")
    days: list[CalendarDay]

    @classmethod
    def from_answer(cls, found: dict[str, Any]) -> WorkingCalendarYear:
        return cls(year=found["year"], source=DaySource(found["source"]), package_knows=found["package_knows"],
                   notice=found["notice"], declared_on=found["declared_on"] and as_day(found["declared_on"]),
                   days=[CalendarDay.from_row(d) for d in found["days"]])
