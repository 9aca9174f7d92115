"""What this service keeps of the cases stream: who carries which open case, for the staff rules."""

from __future__ import annotations

import asyncpg

from shared.consumer import Projection, ReceivedEvent
from shared.contracts.cases import CaseClosed, CaseOpened, CaseReopened, CaseTransferred


async def case_changed(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    match event.payload:
        case CaseOpened() as e:
            await conn.execute("INSERT INTO carried_cases (case_id, station_id, worker_id, number, opened_year, open)"
                               " VALUES ($1, $2, $3, $4, $5, true)", e.case_id, e.station_id, e.worker_id, e.number,
                               e.opened_on.year)
        case CaseTransferred() as e:
            await conn.execute("UPDATE carried_cases SET worker_id = $2 WHERE case_id = $1", e.case_id, e.to_worker_id)
        case CaseClosed() as e:
            await conn.execute("UPDATE carried_cases SET open = false WHERE case_id = $1", e.case_id)
        case CaseReopened() as e:
            await conn.execute("UPDATE carried_cases SET open = true WHERE case_id = $1", e.case_id)


CARRIED_CASES = Projection(
    name="carried_cases", version=1, tables=("carried_cases",),
    handlers={name: case_changed for name in ("CaseOpened", "CaseTransferred", "CaseClosed", "CaseReopened")})

FOLLOWED: dict[str, list[Projection]] = {"cases": [CARRIED_CASES]}
"""The other services' streams this service follows, and what it keeps of them."""


class CarriedCases:
    """The open cases a worker carries at some stations, as followed from the cases stream (a moment behind
    it: a case opened in the last instant may not be here yet)."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def open_cases(self, worker_id: str,
                         station_ids: tuple[str, ...]) -> list[tuple[str, str, int | None, int]]:
        """(case id, station id, number, year of intake) of each."""
        rows = await self._pool.fetch(
            "SELECT case_id, station_id, number, opened_year FROM carried_cases WHERE open AND worker_id = $1"
            " AND station_id = ANY($2) ORDER BY opened_year, number, case_id", worker_id, list(station_ids))
        return [(r["case_id"], r["station_id"], r["number"], r["opened_year"]) for r in rows]
