"""What one command costs the cases service in PostgreSQL round trips: the write path's main cost at load (each
round trip is a socket write and a wake-up of the server), so a change that adds one shows here."""

from __future__ import annotations

from datetime import date, timedelta

import asyncpg
import pytest

from tests.support import System, open_case_for, open_station, worker

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

OPENED_ON = date(2026, 3, 2)
SESSIONS = 6
MOST_ROUND_TRIPS = 1
"""A session on a case this process has loaded: the append as one statement, which is also the cached state's check
(the case still at its version, its persons' keys still there), and nothing else."""


def _counted(pool: asyncpg.Pool, queries: list[str]) -> None:
    """Log every statement sent on the pool's open connections (those a sequential caller reuses)."""
    for holder in pool._holders:
        if holder._con is not None:
            holder._con.add_query_logger(lambda logged: queries.append(logged.query))


async def test_a_session_on_a_loaded_case_takes_few_round_trips(system: System) -> None:
    station_id = await open_station(system)
    opened = await open_case_for(system, station_id, opened_on=OPENED_ON)
    actor = worker(station_id)

    async def session(day: int) -> None:
        await system.call("cases", "record_case_session", {
            "case_id": opened["case_id"], "held_on": (OPENED_ON + timedelta(days=day)).isoformat(),
            "mode": "home_visit", "duration_minutes": 45, "participants": 1, "notes": "回访"}, actor)

    await session(1)  # loaded and cached; its statements prepared
    queries: list[str] = []
    _counted(system.cases.pool, queries)
    for day in range(2, 2 + SESSIONS):
        await session(day)

    per_command = len(queries) / SESSIONS
    print(f"round trips per record_case_session: {per_command:.1f}")
    for query in dict.fromkeys(queries):
        print(f"  {queries.count(query) / SESSIONS:.1f}× {' '.join(query.split())[:110]}")
    assert per_command <= MOST_ROUND_TRIPS
    sessions = await system.cases.pool.fetchval("SELECT count(*) FROM events WHERE stream_id = $1"
                                                " AND type = 'CaseSessionRecorded'", f"case-{opened['case_id']}")
    assert sessions == SESSIONS + 1
