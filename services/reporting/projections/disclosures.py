"""The audit trail of unmasked reads of sensitive data: recipients' (cases) and volunteers' (activities)."""

from __future__ import annotations

import asyncpg

from services.reporting.projections import Projection, Projector, ReceivedEvent
from shared.contracts.activities import VolunteerDataDisclosed
from shared.contracts.cases import RecipientDataDisclosed


async def data_disclosed(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    e: RecipientDataDisclosed = event.payload
    await conn.execute(
        "INSERT INTO disclosures (recipient_id, station_id, fields, purpose, read_by, read_by_role, read_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7)",
        e.recipient_id, e.station_id, list(e.fields), e.purpose, e.read_by, e.read_by_role, e.read_at)


async def volunteer_data_disclosed(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    e: VolunteerDataDisclosed = event.payload
    await conn.execute(
        "INSERT INTO volunteer_disclosures (volunteer_id, station_id, fields, purpose, read_by, read_by_role,"
        " read_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        e.volunteer_id, e.station_id, list(e.fields), e.purpose, e.read_by, e.read_by_role, e.read_at)


PROJECTORS: dict[str, Projector] = {"RecipientDataDisclosed": data_disclosed,
                                    "VolunteerDataDisclosed": volunteer_data_disclosed}

PROJECTION = Projection(name="disclosures", version=2, tables=("disclosures", "volunteer_disclosures"),
                        handlers=PROJECTORS)
"""Version 2: volunteers' unmasked reads too (a new table, filled from the activities' events)."""
