"""What this service keeps of the cases stream: who carries which open case, for the staff rules; and which
recipients exist, at which station, erased or merged, for a group's member list."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg

from services.activities.domain.references import FollowedRecipient
from shared.consumer import Projection, ReceivedEvent
from shared.contracts.cases import (
    CaseClosed,
    CaseOpened,
    CaseReopened,
    CaseTransferred,
    RecipientErased,
    RecipientMergedInto,
    RecipientRegistered,
)


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



async def recipient_changed(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    match event.payload:
        case RecipientRegistered() as e:
            await conn.execute("INSERT INTO followed_recipients (recipient_id, station_id) VALUES ($1, $2)"
                               " ON CONFLICT (recipient_id) DO NOTHING", e.recipient_id, e.station_id)
        case RecipientMergedInto() as e:
            await conn.execute("UPDATE followed_recipients SET merged_into = $2 WHERE recipient_id = $1",
                               e.recipient_id, e.into_recipient_id)
        case RecipientErased() as e:
            await conn.execute("UPDATE followed_recipients SET erased = true WHERE recipient_id = $1",
                               e.recipient_id)


FOLLOWED_RECIPIENTS = Projection(
    name="followed_recipients", version=1, tables=("followed_recipients",),
    handlers={name: recipient_changed for name in ("RecipientRegistered", "RecipientMergedInto",
                                                   "RecipientErased")})

FOLLOWED: dict[str, list[Projection]] = {"cases": [CARRIED_CASES, FOLLOWED_RECIPIENTS]}
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


ARRIVAL_WAIT_SECONDS = 2.0
"""How long a reference this service has not heard of yet is looked for again before it is refused: the cases
stream reaches this service within a few tens of milliseconds when all is well."""


T = TypeVar("T")


async def arrived(look: Callable[[], Awaitable[T | None]], within: float = ARRIVAL_WAIT_SECONDS,
                     every: float = 0.05) -> T | None:
    """What `look` finds, looking again every `every` seconds for up to `within` seconds while it finds nothing:
    a thing registered an instant ago elsewhere may not have been followed here yet."""
    deadline = time.monotonic() + within
    while (found := await look()) is None and time.monotonic() < deadline:
        await asyncio.sleep(every)
    return found


class FollowedRecipients:
    """The cases service's recipients as followed from its stream (a moment behind it)."""

    def __init__(self, pool: asyncpg.Pool, within: float = ARRIVAL_WAIT_SECONDS) -> None:
        self._pool = pool
        self._within = within

    async def now(self, recipient_id: str) -> FollowedRecipient | None:
        row = await self._pool.fetchrow("SELECT station_id, erased, merged_into FROM followed_recipients"
                                        " WHERE recipient_id = $1", recipient_id)
        return None if row is None else FollowedRecipient(station_id=row["station_id"], erased=row["erased"],
                                                          merged_into=row["merged_into"])

    async def recipient(self, recipient_id: str) -> FollowedRecipient | None:
        """The recipient, waiting a little for one not heard of yet; None if it still has not come."""
        return await arrived(lambda: self.now(recipient_id), self._within)
