"""Days are China Standard Time's: a report's day, week and month are Asia/Shanghai's."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def china_day(instant: datetime) -> date:
    return instant.astimezone(CHINA).date()
