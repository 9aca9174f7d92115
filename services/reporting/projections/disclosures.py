"""The audit trail of unmasked reads of sensitive data, recipients' (cases) and volunteers' (activities), and of
every search for them."""

from __future__ import annotations

import asyncpg

from services.reporting.projections import Projection, Projector, ReceivedEvent
from shared.contracts.activities import VolunteerDataDisclosed, VolunteersSearched
from shared.contracts.cases import RecipientDataDisclosed, RecipientsSearched


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


def _searched(people: str) -> Projector:
    async def searched(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
        e: RecipientsSearched | VolunteersSearched = event.payload
        await conn.execute(
            "INSERT INTO searches (people, station_ids, criteria, purpose, found, searched_by, searched_by_role,"
            " searched_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            people, None if e.every_station else list(e.station_ids), [c.value for c in e.criteria], e.purpose,
            list(e.found), e.searched_by, e.searched_by_role, e.searched_at)

    return searched


PROJECTORS: dict[str, Projector] = {"RecipientDataDisclosed": data_disclosed,
                                    "VolunteerDataDisclosed": volunteer_data_disclosed,
                                    "RecipientsSearched": _searched("recipients"),
                                    "VolunteersSearched": _searched("volunteers")}

PROJECTION = Projection(name="disclosures", version=3, tables=("disclosures", "volunteer_disclosures", "searches"),
                        handlers=PROJECTORS)
"""Version 2: volunteers' unmasked reads too (a new table, filled from the activities' events). Version 3: every
search for recipients or volunteers (`searches`, migration 0031)."""
