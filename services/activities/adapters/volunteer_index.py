"""The keyed index volunteers are found by (`volunteer_search_index`): digests of their search terms only, kept
in the transaction of the append that registers or erases them, and rebuilt from the store when asked."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from services.activities.domain.volunteer_search import registration_terms
from shared.contracts.activities import VolunteerErased, VolunteerRegistered
from shared.eventstore import EventStore, StreamAppend
from shared.kernel.search_terms import TermKey

CANDIDATES_AT_MOST = 200
"""Candidates one search confirms at most (a one-character name part at a station of thousands)."""

Row = tuple[str, str, bytes]
"""(station id, volunteer id, digest)."""


class VolunteerIndex:
    """Volunteers by the digests of their terms, under the service's search key."""

    writes_for = frozenset({VolunteerRegistered.__name__, VolunteerErased.__name__})

    def __init__(self, pool: asyncpg.Pool, key: TermKey) -> None:
        self._pool = pool
        self._key = key

    def rows_of(self, registered: VolunteerRegistered) -> list[Row]:
        return [(registered.station_id, registered.volunteer_id, digest)
                for digest in self._key.digests(registration_terms(registered))]

    async def write(self, conn: asyncpg.Connection, append: StreamAppend) -> None:
        """In the append's transaction (the store keeps these derived rows): a registration's rows written, an
        erased volunteer's deleted."""
        for payload in append.events:
            match payload:
                case VolunteerRegistered() as registered:
                    await conn.execute("DELETE FROM volunteer_search_index WHERE volunteer_id = $1",
                                       registered.volunteer_id)
                    await conn.executemany("INSERT INTO volunteer_search_index (station_id, volunteer_id, digest)"
                                           " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", self.rows_of(registered))
                case VolunteerErased() as erased:
                    await conn.execute("DELETE FROM volunteer_search_index WHERE volunteer_id = $1",
                                       erased.volunteer_id)

    async def candidates(self, station_ids: Sequence[str] | None, terms: set[str],
                         at_most: int = CANDIDATES_AT_MOST) -> list[str]:
        """The volunteers at these stations (every station for None) indexed under every one of the terms."""
        digests = self._key.digests(terms)
        rows = await self._pool.fetch(
            "SELECT volunteer_id FROM volunteer_search_index WHERE digest = ANY($1::bytea[])"
            " AND ($2::text[] IS NULL OR station_id = ANY($2::text[])) GROUP BY volunteer_id"
            " HAVING count(DISTINCT digest) = $3 ORDER BY volunteer_id LIMIT $4",
            digests, None if station_ids is None else list(station_ids), len(digests), at_most)
        return [row["volunteer_id"] for row in rows]

    async def rows(self) -> set[Row]:
        """Every row, as it stands."""
        return {(r["station_id"], r["volunteer_id"], bytes(r["digest"]))
                for r in await self._pool.fetch("SELECT station_id, volunteer_id, digest FROM volunteer_search_index")}

    async def from_store(self, store: EventStore) -> set[Row]:
        """The rows the store's events make: each registered volunteer's, none of an erased one."""
        rows: set[Row] = set()
        for stream_id in await store.stream_ids("volunteer"):
            kept: list[Row] = []
            for recorded in await store.read_stream(stream_id):
                match recorded.payload:
                    case VolunteerRegistered() as registered:
                        kept = self.rows_of(registered)
                    case VolunteerErased():
                        kept = []
            rows.update(kept)
        return rows

    async def rebuild(self, store: EventStore) -> int:
        """The index made again from the store, in one transaction, answering its number of rows. The table is
        locked first, so an append waits for it and then writes its own rows; none is lost or left stale."""
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("LOCK TABLE volunteer_search_index IN EXCLUSIVE MODE")
            rows = await self.from_store(store)
            await conn.execute("DELETE FROM volunteer_search_index")
            await conn.executemany("INSERT INTO volunteer_search_index (station_id, volunteer_id, digest)"
                                   " VALUES ($1, $2, $3)", sorted(rows))
        return len(rows)
