"""Dates as the services send them (ISO text), for the GraphQL types."""

from __future__ import annotations

from datetime import date
from typing import Any


def day(value: Any) -> date:
    return date.fromisoformat(str(value))


def optional_day(value: Any) -> date | None:
    return None if value is None else day(value)
