"""The lookup tables of services/activities/application/lookups.py (migration 0004): a row per station, contract
and group, written from the events as decided in the transaction that appends them, so a rule never reads them a
moment behind; derived, so rebuilt from the store by `python -m services.activities reindex`, and filled at
start-up when a table is empty and the store holds streams of its type (an installation older than the tables)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import asyncpg

from shared.contracts.activities import (
    ContractAwarded,
    GroupClosed,
    GroupLeadersChanged,
    GroupPhase,
    GroupPhaseChanged,
    GroupPlanned,
    StationClosed,
    StationOpened,
)
from shared.eventstore import EventStore, StreamAppend

TABLES = {"station_lookup": "station", "contract_lookup": "operator", "group_lookup": "group"}
"""Each table and the stream type it is derived from."""
READ_AT_ONCE = 500
"""Streams a rebuild reads in one query."""

_FIRST_WRITTEN = "(SELECT global_position FROM events WHERE stream_id = {stream} AND version = 1)"


class ActivityLookups:
    """`Lookups` answered from the tables, kept by the store as derived rows (`store.keep`)."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def write(self, conn: asyncpg.Connection, append: StreamAppend) -> None:
        await apply(conn, append.events)

    async def stations_sharing(self, store: EventStore, street_id: str, code: str) -> list[str]:
        rows = await self._pool.fetch("SELECT station_id FROM station_lookup WHERE street_id = $1 OR code = $2"
                                      " ORDER BY station_id", street_id, code)
        return [f"station-{row['station_id']}" for row in rows]

    async def operators_holding(self, store: EventStore, contract_id: str, street_ids: Sequence[str]) -> list[str]:
        rows = await self._pool.fetch("SELECT DISTINCT operator_id FROM contract_lookup"
                                      " WHERE contract_id = $1 OR street_ids && $2::text[] ORDER BY operator_id",
                                      contract_id, list(street_ids))
        return [f"operator-{row['operator_id']}" for row in rows]

    async def groups_led(self, store: EventStore, staff_id: str, station_ids: Sequence[str]) -> list[str]:
        rows = await self._pool.fetch(
            "SELECT group_id FROM group_lookup WHERE open AND leader_ids @> ARRAY[$1::text]"
            " AND station_id = ANY($2::text[]) ORDER BY "
            + _FIRST_WRITTEN.format(stream="'group-' || group_id"), staff_id, list(station_ids))
        return [f"group-{row['group_id']}" for row in rows]

    async def rebuild(self, store: EventStore, tables: Iterable[str] = TABLES) -> dict[str, int]:
        """The tables anew from the store, each in one transaction that appends wait for (none is missed),
        answering each one's rows."""
        rebuilt: dict[str, int] = {}
        for table in tables:
            rows = await self._rebuilt(store, table, only_if_empty=False)
            assert rows is not None
            rebuilt[table] = rows
        return rebuilt

    async def fill_if_empty(self, store: EventStore) -> dict[str, int]:
        """At start-up, before the service takes commands: each table that is empty while the store holds
        streams of its type, filled from the store. Answers the tables filled and their rows."""
        filled = {table: await self._rebuilt(store, table, only_if_empty=True) for table in TABLES}
        return {table: rows for table, rows in filled.items() if rows is not None}

    async def _rebuilt(self, store: EventStore, table: str, *, only_if_empty: bool) -> int | None:
        stream_type = TABLES[table]
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
            if only_if_empty and (await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM {table})") or not
                                  await conn.fetchval("SELECT EXISTS (SELECT 1 FROM events WHERE stream_type = $1"
                                                      " AND version = 1)", stream_type)):
                return None
            await conn.execute(f"DELETE FROM {table}")
            stream_ids = await store.stream_ids(stream_type)
            for start in range(0, len(stream_ids), READ_AT_ONCE):
                read = await store.read_streams(stream_ids[start:start + READ_AT_ONCE])
                for history in read.values():
                    await apply(conn, [recorded.payload for recorded in history])
            rows: int = await conn.fetchval(f"SELECT count(*) FROM {table}")
            return rows


async def apply(conn: asyncpg.Connection, events: Iterable[object]) -> None:
    """The rows the events change, in the caller's transaction."""
    for event in events:
        match event:
            case StationOpened() as e:
                await conn.execute(
                    "INSERT INTO station_lookup (station_id, street_id, code, closed) VALUES ($1, $2, $3, false)"
                    " ON CONFLICT (station_id) DO UPDATE SET street_id = $2, code = $3, closed = false",
                    e.station_id, e.street_id, e.code)
            case StationClosed(station_id=station_id):
                await conn.execute("UPDATE station_lookup SET closed = true WHERE station_id = $1", station_id)
            case ContractAwarded() as e:
                await conn.execute(
                    "INSERT INTO contract_lookup (operator_id, contract_id, street_ids) VALUES ($1, $2, $3)"
                    " ON CONFLICT (operator_id, contract_id) DO UPDATE SET street_ids ="
                    " ARRAY(SELECT DISTINCT unnest(contract_lookup.street_ids || $3::text[]))",
                    e.operator_id, e.contract_id, list(e.street_ids))
            case GroupPlanned() as e:
                await conn.execute(
                    "INSERT INTO group_lookup (group_id, station_id, leader_ids, open) VALUES ($1, $2, $3, true)"
                    " ON CONFLICT (group_id) DO UPDATE SET station_id = $2, leader_ids = $3, open = true",
                    e.group_id, e.station_id, list(e.leader_ids))
            case GroupLeadersChanged() as e:
                await conn.execute("UPDATE group_lookup SET leader_ids = $2 WHERE group_id = $1",
                                   e.group_id, list(e.leader_ids))
            case GroupPhaseChanged() as e:
                await conn.execute("UPDATE group_lookup SET open = $2 WHERE group_id = $1",
                                   e.group_id, e.phase != GroupPhase.CLOSED)
            case GroupClosed(group_id=group_id):
                await conn.execute("UPDATE group_lookup SET open = false WHERE group_id = $1", group_id)
