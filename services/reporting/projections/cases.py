"""Recipients, cases per station and their sessions: the facts behind case-work figures."""

from __future__ import annotations

import asyncpg

from services.reporting.projections import Projector, ReceivedEvent
from shared.contracts.cases import CaseClosed, CaseOpened, CaseSessionRecorded, RecipientRegistered


async def recipient_registered(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    e: RecipientRegistered = event.payload
    await conn.execute("INSERT INTO recipients (recipient_id, station_id, name, community, categories)"
                       " VALUES ($1, $2, $3, $4, $5)", e.recipient_id, e.station_id, e.name, e.community,
                       [c.value for c in e.categories])


async def case_opened(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    e: CaseOpened = event.payload
    await conn.execute(
        "INSERT INTO cases (case_id, station_id, recipient_id, worker_id, intake_source, presenting_problem,"
        " status, opened_on) VALUES ($1, $2, $3, $4, $5, $6, 'open', $7)",
        e.case_id, e.station_id, e.recipient_id, e.worker_id, e.intake_source.value, e.presenting_problem,
        e.opened_on)


async def case_session_recorded(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    e: CaseSessionRecorded = event.payload
    await conn.execute(
        "INSERT INTO case_sessions (session_id, case_id, station_id, recipient_id, held_on, mode,"
        " duration_minutes, participants)"
        " SELECT $1, $2, $3, recipient_id, $4, $5, $6, $7 FROM cases WHERE case_id = $2",
        e.session_id, e.case_id, e.station_id, e.held_on, e.mode.value, e.duration_minutes, e.participants)
    await conn.execute(
        "UPDATE cases SET session_count = session_count + 1,"
        " last_session_on = greatest(last_session_on, $2) WHERE case_id = $1", e.case_id, e.held_on)


async def case_closed(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    e: CaseClosed = event.payload
    await conn.execute("UPDATE cases SET status = 'closed', closed_on = $2, close_reason = $3, outcome = $4"
                       " WHERE case_id = $1", e.case_id, e.closed_on, e.reason, e.outcome.value)


PROJECTORS: dict[str, Projector] = {
    "RecipientRegistered": recipient_registered,
    "CaseOpened": case_opened,
    "CaseSessionRecorded": case_session_recorded,
    "CaseClosed": case_closed,
}
