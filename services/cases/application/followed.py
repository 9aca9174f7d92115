"""What this service keeps of the activities stream: which stations exist and which are closed, for intake; and
the communities of each station's street, which a recipient's community is resolved against."""

from __future__ import annotations

import asyncpg

from services.cases.domain.stations import FollowedStation
from shared.consumer import Projection, ReceivedEvent
from shared.contracts.activities import CommunityAdded, StationClosed, StationOpened


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



async def place_changed(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    match event.payload:
        case StationOpened() as e:
            await conn.execute("INSERT INTO followed_station_streets (station_id, street_id) VALUES ($1, $2)"
                               " ON CONFLICT DO NOTHING", e.station_id, e.street_id)
        case CommunityAdded() as e:
            await conn.execute("INSERT INTO followed_communities (community_id, street_id, name, division_code)"
                               " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                               e.community_id, e.street_id, e.name, e.division_code)


FOLLOWED_COMMUNITIES = Projection(
    name="followed_communities", version=1, tables=("followed_communities", "followed_station_streets"),
    handlers={name: place_changed for name in ("StationOpened", "CommunityAdded")})
"""Its own projection rather than a second version of followed_stations: a write service's followed projections
are not rebuilt, but one new to the consumer has it read the stream again from the first event (shared.consumer),
so the places of an installation from before it are followed too."""

FOLLOWED: dict[str, list[Projection]] = {"activities": [FOLLOWED_STATIONS, FOLLOWED_COMMUNITIES]}
"""The other services' streams this service follows, and what it keeps of them."""


class FollowedStations:
    """The activities service's stations as followed from its stream (a moment behind it)."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def station(self, station_id: str) -> FollowedStation | None:
        closed = await self._pool.fetchval("SELECT closed FROM followed_stations WHERE station_id = $1", station_id)
        return None if closed is None else FollowedStation(closed=closed)

    async def communities(self, station_id: str) -> list[dict[str, str | None]]:
        """The communities of the station's street; none when this service knows none (or not the station)."""
        rows = await self._pool.fetch(
            "SELECT c.community_id, c.name, c.division_code FROM followed_communities c"
            " JOIN followed_station_streets s USING (street_id) WHERE s.station_id = $1 ORDER BY c.community_id",
            station_id)
        return [dict(row) for row in rows]
