"""Street-level meetings (社会组织沙龙, the street's joint meeting) and the organisations that came to each."""

from __future__ import annotations

import asyncpg

from services.reporting.projections import Projection, Projector, ReceivedEvent
from shared.contracts.activities import StreetMeetingHeld


async def street_meeting_held(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    e: StreetMeetingHeld = event.payload
    await conn.execute(
        "INSERT INTO street_meetings (meeting_id, station_id, kind, title, held_on, present, agenda, minutes,"
        " project_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)", e.meeting_id, e.station_id, e.kind.value,
        e.title, e.held_on, [p.value for p in e.present], list(e.agenda), e.minutes, e.project_id)
    await conn.executemany(
        "INSERT INTO street_meeting_organisations (meeting_id, organisation_id, station_id, held_on, position)"
        " VALUES ($1, $2, $3, $4, $5)",
        [(e.meeting_id, o, e.station_id, e.held_on, n) for n, o in enumerate(e.organisation_ids, start=1)])


PROJECTORS: dict[str, Projector] = {"StreetMeetingHeld": street_meeting_held}

PROJECTION = Projection(name="street_meetings", version=1, tables=("street_meetings", "street_meeting_organisations"),
                        handlers=PROJECTORS)
