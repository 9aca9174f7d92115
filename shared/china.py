"""China Standard Time: the calendar of every rule and report (a day, week and month are Asia/Shanghai's)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def utc_now() -> datetime:
    """The instant now, from Python's clock: every instant hemiao stores comes from here, never the database's
    `now()`, so that one clock (which a test can set) decides what day a thing happened on."""
    return datetime.now(UTC)


def china_today() -> date:
    """Today in China."""
    return datetime.now(CHINA).date()


def china_day(instant: datetime) -> date:
    """The day in China of an instant."""
    return instant.astimezone(CHINA).date()
