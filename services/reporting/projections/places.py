"""Streets, communities and stations, for names and scopes."""

from __future__ import annotations

import asyncpg

from services.reporting.projections import Projector, ReceivedEvent
from shared.contracts.activities import CommunityAdded, StationOpened, StreetRegistered


async def street_registered(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    e: StreetRegistered = event.payload
    await conn.execute("INSERT INTO streets (street_id, name, district) VALUES ($1, $2, $3)",
                       e.street_id, e.name, e.district)


async def community_added(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    e: CommunityAdded = event.payload
    await conn.execute("INSERT INTO communities (community_id, street_id, name, kind) VALUES ($1, $2, $3, $4)",
                       e.community_id, e.street_id, e.name, e.kind.value)


async def station_opened(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    e: StationOpened = event.payload
    await conn.execute("INSERT INTO stations (station_id, street_id, name, code, opened_on)"
                       " VALUES ($1, $2, $3, $4, $5)", e.station_id, e.street_id, e.name, e.code, e.opened_on)


PROJECTORS: dict[str, Projector] = {
    "StreetRegistered": street_registered,
    "CommunityAdded": community_added,
    "StationOpened": station_opened,
}
