"""Each case's station, worker and whether it is open (`case_workers`, migration 0004), so that transferring a
leaving worker's cases loads those cases only, not every case stream. Written from the events as decided in the
transaction that appends them (the store keeps it as derived rows); derived, so rebuilt by `python -m
services.cases reindex`, and filled at start-up when it is empty while the store holds cases (an installation older
than the table)."""

from __future__ import annotations

from collections.abc import Iterable

import asyncpg

from shared.contracts.cases import CaseClosed, CaseOpened, CaseReopened, CaseTransferred
from shared.eventstore import EventStore, StreamAppend

READ_AT_ONCE = 500
"""Case streams a rebuild reads in one query."""


class CaseWorkers:
    """`WorkersCases` (services/cases/application/handlers.py) answered from the table."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def write(self, conn: asyncpg.Connection, append: StreamAppend) -> None:
        await apply(conn, append.events)

    async def open_cases_of(self, store: EventStore, station_id: str, worker_id: str) -> list[str]:
        """The worker's open cases at the station, in the order they were opened (as the scan found them)."""
        rows = await self._pool.fetch(
            "SELECT case_id FROM case_workers WHERE open AND worker_id = $1 AND station_id = $2 ORDER BY"
            " (SELECT global_position FROM events WHERE stream_id = 'case-' || case_id AND version = 1)",
            worker_id, station_id)
        return [f"case-{row['case_id']}" for row in rows]

    async def rebuild(self, store: EventStore) -> int:
        """The table anew from the store, in one transaction that appends wait for; its rows."""
        rows = await self._rebuilt(store, only_if_empty=False)
        assert rows is not None
        return rows

    async def fill_if_empty(self, store: EventStore) -> int | None:
        """At start-up, before the service takes commands: the table filled from the store if it is empty while
        the store holds cases. Its rows, or None when it was left as it was."""
        return await self._rebuilt(store, only_if_empty=True)

    async def _rebuilt(self, store: EventStore, *, only_if_empty: bool) -> int | None:
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("LOCK TABLE case_workers IN EXCLUSIVE MODE")
            if only_if_empty and (await conn.fetchval("SELECT EXISTS (SELECT 1 FROM case_workers)") or not
                                  await conn.fetchval("SELECT EXISTS (SELECT 1 FROM events WHERE stream_type = 'case'"
                                                      " AND version = 1)")):
                return None
            await conn.execute("DELETE FROM case_workers")
            stream_ids = await store.stream_ids("case")
            for start in range(0, len(stream_ids), READ_AT_ONCE):
                for history in (await store.read_streams(stream_ids[start:start + READ_AT_ONCE])).values():
                    await apply(conn, [recorded.payload for recorded in history])
            rows: int = await conn.fetchval("SELECT count(*) FROM case_workers")
            return rows


async def apply(conn: asyncpg.Connection, events: Iterable[object]) -> None:
    """The rows the events change, in the caller's transaction."""
    for event in events:
        match event:
            case CaseOpened() as e:
                await conn.execute(
                    "INSERT INTO case_workers (case_id, station_id, worker_id, open) VALUES ($1, $2, $3, true)"
                    " ON CONFLICT (case_id) DO UPDATE SET station_id = $2, worker_id = $3, open = true",
                    e.case_id, e.station_id, e.worker_id)
            case CaseTransferred() as e:
                await conn.execute("UPDATE case_workers SET worker_id = $2 WHERE case_id = $1",
                                   e.case_id, e.to_worker_id)
            case CaseClosed(case_id=case_id):
                await conn.execute("UPDATE case_workers SET open = false WHERE case_id = $1", case_id)
            case CaseReopened(case_id=case_id):
                await conn.execute("UPDATE case_workers SET open = true WHERE case_id = $1", case_id)
