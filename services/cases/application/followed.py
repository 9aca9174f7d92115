"""What this service keeps of the activities stream: which stations exist and which are closed, for intake."""

from __future__ import annotations

import asyncpg

from services.cases.domain.stations import FollowedStation
from shared.consumer import Projection, ReceivedEvent
from shared.contracts.activities import StationClosed, StationOpened


async def station_changed(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    match event.payload:
        case StationOpened() as e:
            await conn.execute("INSERT INTO followed_stations (station_id) VALUES ($1) ON CONFLICT DO NOTHING",
                               e.station_id)
        case StationClosed() as e:
            await conn.execute("INSERT INTO followed_stations (station_id, closed, closed_on) VALUES ($1, true, $2)"
                               " ON CONFLICT (station_id) DO UPDATE SET closed = true, closed_on = $2",
                               e.station_id, e.closed_on)


FOLLOWED_STATIONS = Projection(
    name="followed_stations", version=1, tables=("followed_stations",),
    handlers={name: station_changed for name in ("StationOpened", "StationClosed")})

FOLLOWED: dict[str, list[Projection]] = {"activities": [FOLLOWED_STATIONS]}
"""The other services' streams this service follows, and what it keeps of them."""


class FollowedStations:
    """The activities service's stations as followed from its stream (a moment behind it)."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def station(self, station_id: str) -> FollowedStation | None:
        closed = await self._pool.fetchval("SELECT closed FROM followed_stations WHERE station_id = $1", station_id)
        return None if closed is None else FollowedStation(closed=closed)
