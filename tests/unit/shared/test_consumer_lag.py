"""Lag in seconds: how long events have waited since the last batch applied, and nothing while none waits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.consumer import lag_seconds

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

NOW = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)


def test_events_waiting_have_waited_since_the_last_batch_applied() -> None:
    assert lag_seconds(3, NOW - timedelta(seconds=5), NOW) == 5.0


def test_nothing_waiting_is_no_lag_however_long_ago_the_last_batch_was() -> None:
    assert lag_seconds(0, NOW - timedelta(hours=2), NOW) == 0.0


def test_a_consumer_that_never_applied_anything_says_no_lag_in_seconds_only_in_events() -> None:
    assert lag_seconds(7, None, NOW) == 0.0
