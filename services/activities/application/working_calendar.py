"""The working calendar's handler, the calendar a rule of working days reads, and a year of it to show."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from services.activities.domain import working_calendar
from services.activities.domain.working_calendar import CorrectWorkingYear, DeclareWorkingYear
from shared.application import Decider, Unit, execute, load
from shared.contracts.errors import InvalidInput, Message
from shared.eventstore import AppendResult, EventStore
from shared.kernel.working_days import DaySource, WorkingCalendar
from shared.runtime import RequestContext

WORKING_YEAR = Decider(stream_type="working_calendar", initial_state=working_calendar.WORKING_YEAR,
                       evolve=working_calendar.evolve)


def _stream(year: int) -> str:
    return f"working_calendar-{year}"


async def on_working_year(command: DeclareWorkingYear | CorrectWorkingYear, unit: Unit) -> AppendResult:
    decide = working_calendar.DECIDES[type(command)]
    return await execute(unit, WORKING_YEAR, _stream(command.year), lambda state: decide(command, state),
                         {"year": command.year})


async def _declared(store: EventStore, years: range) -> dict[int, working_calendar.WorkingYear]:
    return {year: (await load(store, WORKING_YEAR, _stream(year)))[0] for year in years}


async def calendar_between(store: EventStore, first: date, last: date) -> WorkingCalendar:
    """China's calendar with the bureau's declarations of the years from `first` to `last`."""
    return working_calendar.calendar(await _declared(store, working_calendar.years_between(first, last)))


class NotAYear(InvalidInput):
    def __init__(self, field: str) -> None:
        super().__init__(Message(zh=f"{field} 不是有效的年份或月份", en=f"{field} is not a valid year or month"),
                         field=field)


async def working_calendar_year(store: EventStore, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """A year's days (or one month's): each day's kind, holiday, and where it comes from; for a day the bureau
    declared, what the package says of it, when the package knows the year."""
    try:
        year, month = int(body["year"]), int(body.get("month") or 0)
        if not 1900 <= year <= 2200:
            raise ValueError(year)
        first = date(year, month or 1, 1)
        last = (first + timedelta(days=31)).replace(day=1) - timedelta(days=1) if month else date(year, 12, 31)
    except (KeyError, TypeError, ValueError, OverflowError):
        raise NotAYear("month" if body.get("month") else "year") from None
    declared = await _declared(store, range(year, year + 2))
    calendar = working_calendar.calendar(declared)
    package = WorkingCalendar()
    days = []
    for day in calendar.days(first, last):
        said = package.day(day.day)
        days.append({"day": day.day.isoformat(), "kind": day.kind.value, "working": day.working,
                     "holiday": day.holiday, "source": day.source.value,
                     "package_kind": said.kind.value if day.source is DaySource.BUREAU
                     and said.source is DaySource.PACKAGE else None})
    mine = declared[year]
    return {"year": year, "source": calendar.source(year).value,
            "package_knows": package.source(year) is DaySource.PACKAGE, "notice": mine.notice or None,
            "declared_on": mine.declared_on and mine.declared_on.isoformat(), "days": days}
