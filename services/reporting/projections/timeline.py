"""Each case's timeline: every event of its stream, in version order, with who did it and when."""

from __future__ import annotations

import asyncpg

from services.reporting.projections import Projection, Projector, ReceivedEvent
from shared.contracts import registered_events


async def case_event(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    await conn.execute(
        "INSERT INTO case_timeline (case_id, version, event_type, recorded_at, actor) VALUES ($1, $2, $3, $4, $5)"
        " ON CONFLICT DO NOTHING", event.stream_id.removeprefix("case-"), event.version, event.type,
        event.recorded_at, event.actor)


PROJECTORS: dict[str, Projector] = {
    e.type_name: case_event for e in registered_events() if e.service == "cases" and e.aggregate == "case"}

PROJECTION = Projection(name="timeline", version=1, tables=("case_timeline",), handlers=PROJECTORS)
