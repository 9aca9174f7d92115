"""Read models, one module each: plain functions from an event to the rows it changes.

`PROJECTORS` maps an event's type name to the functions that apply it; the
consumer runs them inside the transaction that also moves its checkpoint.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg


@dataclass(frozen=True, kw_only=True)
class ReceivedEvent:
    """An event as reporting receives it from the stream."""

    type: str
    payload: Any
    stream_id: str
    version: int
    event_id: str
    stream_seq: int
    recorded_at: datetime
    actor: str


Projector = Callable[[asyncpg.Connection, ReceivedEvent], Awaitable[None]]


def projectors() -> dict[str, list[Projector]]:
    from services.reporting.projections import cases, disclosures, places, timeline, work

    table: dict[str, list[Projector]] = {}
    for module in (places, cases, disclosures, timeline, work):
        for type_name, projector in module.PROJECTORS.items():
            table.setdefault(type_name, []).append(projector)
    return table
