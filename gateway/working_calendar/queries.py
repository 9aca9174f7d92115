"""workingCalendar: a year (or a month of it), day by day, and where each day's kind comes from."""

from __future__ import annotations

import strawberry

from gateway.context import Context
from gateway.working_calendar.types import WorkingCalendarYear


async def working_calendar(info: strawberry.Info[Context, None], year: int,
                           month: int | None = None) -> WorkingCalendarYear:
    found = await info.context.query("working_calendar", {"year": year, "month": month}, service="activities")
    return WorkingCalendarYear.from_answer(found)
