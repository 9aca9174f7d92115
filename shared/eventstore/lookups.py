"""Lookup tables a write service derives from its own events, so that a rule loads only the streams it needs (the
stations of one street, a leaver's groups, a worker's open cases) rather than every stream of a type.

Written from the events as decided, in the transaction that appends them (the store keeps them as derived rows,
`PostgresEventStore.keep`), so a rule never reads them a moment behind; derived, so rebuilt from the store by the
service's `reindex`, and filled at start-up when a table is empty while the store holds streams of its type (an
installation older than the table)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence

import asyncpg

from shared.eventstore.protocol import EventStore, StreamAppend

Apply = Callable[[asyncpg.Connection, Sequence[object]], Awaitable[None]]
"""Writes what a stream's events (in order) change in the tables, inside the caller's transaction."""

READ_AT_ONCE = 500
"""Streams a rebuild reads in one query."""


class LookupTables:
    """Tables, each derived from one stream type (`tables`: table → stream type), kept by `apply`, which writes
    rows for the events of `writes_for` (their classes) and for no other."""

    def __init__(self, pool: asyncpg.Pool, tables: Mapping[str, str], apply: Apply,
                 writes_for: Iterable[type]) -> None:
        self._pool = pool
        self._tables = dict(tables)
        self._apply = apply
        self.writes_for = frozenset(kind.__name__ for kind in writes_for)

    async def write(self, conn: asyncpg.Connection, append: StreamAppend) -> None:
        await self._apply(conn, append.events)

    async def rebuild(self, store: EventStore, tables: Iterable[str] | None = None) -> dict[str, int]:
        """The tables (all, unless named) anew from the store, each in one transaction that appends wait for (none
        is missed), answering each one's rows."""
        rebuilt: dict[str, int] = {}
        for table in self._tables if tables is None else tables:
            rows = await self._rebuilt(store, table, only_if_empty=False)
            assert rows is not None
            rebuilt[table] = rows
        return rebuilt

    async def fill_if_empty(self, store: EventStore) -> dict[str, int]:
        """At start-up, before the service takes commands: each table that is empty while the store holds
        streams of its type, filled from the store. Answers the tables filled and their rows."""
        filled = {table: await self._rebuilt(store, table, only_if_empty=True) for table in self._tables}
        return {table: rows for table, rows in filled.items() if rows is not None}

    async def _rebuilt(self, store: EventStore, table: str, *, only_if_empty: bool) -> int | None:
        stream_type = self._tables[table]
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
            if only_if_empty and (await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM {table})") or not
                                  await conn.fetchval("SELECT EXISTS (SELECT 1 FROM events WHERE stream_type = $1"
                                                      " AND version = 1)", stream_type)):
                return None
            await conn.execute(f"DELETE FROM {table}")
            stream_ids = await store.stream_ids(stream_type)
            for start in range(0, len(stream_ids), READ_AT_ONCE):
                for history in (await store.read_streams(stream_ids[start:start + READ_AT_ONCE])).values():
                    await self._apply(conn, [recorded.payload for recorded in history])
            rows: int = await conn.fetchval(f"SELECT count(*) FROM {table}")
            return rows
