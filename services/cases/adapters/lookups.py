"""The lookup tables of the cases service (migration 0004), so that a rule loads the streams it needs only:
`case_workers` (each case's station, worker and whether it is open) for transferring a leaving worker's cases, and
`import_lookup` (each import's station) for finishing a roster and listing a station's imports. Written from the
events as decided in the transaction that appends them (the store keeps them as derived rows); derived, so rebuilt
by `python -m services.cases reindex`, and filled at start-up when a table is empty while the store holds streams
of its type (an installation older than the tables)."""

from __future__ import annotations

from collections.abc import Iterable

import asyncpg

from shared.contracts.cases import CaseClosed, CaseOpened, CaseReopened, CaseTransferred
from shared.contracts.imports import ImportStarted
from shared.eventstore import EventStore
from shared.eventstore.lookups import LookupTables

TABLES = {"case_workers": "case", "import_lookup": "import"}
"""Each table and the stream type it is derived from."""
WRITES_FOR = (CaseOpened, CaseTransferred, CaseClosed, CaseReopened, ImportStarted)
"""The events `apply` writes rows for."""


def _first_written(prefix: str, column: str) -> str:
    """An ORDER BY for rows in the order their streams began (as `stream_ids` answers them)."""
    return f"(SELECT global_position FROM events WHERE stream_id = '{prefix}-' || {column} AND version = 1)"


class CaseLookups(LookupTables):
    """`WorkersCases` (application/handlers.py) and `ImportsAt` (application/imports.py) from the tables."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        super().__init__(pool, TABLES, apply, WRITES_FOR)

    async def open_cases_of(self, store: EventStore, station_id: str, worker_id: str) -> list[str]:
        """The worker's open cases at the station, in the order they were opened."""
        rows = await self._pool.fetch(
            "SELECT case_id FROM case_workers WHERE open AND worker_id = $1 AND station_id = $2"
            f" ORDER BY {_first_written('case', 'case_id')}", worker_id, station_id)
        return [f"case-{row['case_id']}" for row in rows]

    async def imports_at(self, store: EventStore, station_id: str) -> list[str]:
        """The station's imports, oldest first."""
        rows = await self._pool.fetch("SELECT import_id FROM import_lookup WHERE station_id = $1"
                                      f" ORDER BY {_first_written('import', 'import_id')}", station_id)
        return [f"import-{row['import_id']}" for row in rows]


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
            case ImportStarted() as e:
                await conn.execute("INSERT INTO import_lookup (import_id, station_id) VALUES ($1, $2)"
                                   " ON CONFLICT (import_id) DO UPDATE SET station_id = $2", e.import_id, e.station_id)
