"""The suite's own clock (tests/clock.py): the today-run never lets China's day turn under a test."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.china import CHINA
from tests.clock import today_run_instant

pytestmark = pytest.mark.dateless  # its days are data

DAY = date(2026, 3, 14)


def china(day: date, hour: int, minute: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CHINA).astimezone(UTC)


def test_a_test_well_before_chinas_midnight_runs_at_the_machines_time() -> None:
    assert today_run_instant(china(DAY, 0, 5), DAY) is None
    assert today_run_instant(china(DAY, 23, 39), DAY) is None


@pytest.mark.parametrize("now", [china(DAY, 23, 40), china(DAY, 23, 59), china(date(2026, 3, 15), 0, 2),
                                 china(date(2026, 3, 15), 7, 30)])
def test_near_or_past_midnight_a_test_starts_at_23_00_of_the_runs_day(now: datetime) -> None:
    """Past 23:40, or once the day has turned since the run began (its modules took their dates then)."""
    assert today_run_instant(now, DAY) == china(DAY, 23, 0)
