"""China Standard Time: the calendar of every rule and report (a day, week and month are Asia/Shanghai's)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def china_today() -> date:
    """Today in China."""
    return datetime.now(CHINA).date()


def china_day(instant: datetime) -> date:
    """The day in China of an instant."""
    return instant.astimezone(CHINA).date()
