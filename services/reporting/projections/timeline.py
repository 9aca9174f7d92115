"""Each case's timeline: every event of its stream, with the day it happened, when it was recorded and by whom.

A worker often enters a visit or a plan days later (补录), so the two dates differ: `happened_on` is the event's
own business date (held_on, drafted_on, approved_on, …, named once in HAPPENED_ON), `recorded_at` the instant
the event store took it. The timeline reads in the order things happened, then in the order they were recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import asyncpg

from services.reporting.projections import Projection, Projector, ReceivedEvent
from shared.china import china_day
from shared.contracts import registered_events

HAPPENED_ON: dict[str, str | None] = {
    "CaseOpened": "opened_on",
    "CaseSessionRecorded": "held_on",
    "CaseAssessed": "assessed_on",
    "UrgentRiskAcknowledged": "acknowledged_on",
    "ServicePlanDrafted": "drafted_on",
    "ServicePlanSubmitted": "submitted_on",
    "ServicePlanApproved": "approved_on",
    "ServicePlanReturned": "returned_on",
    "CaseEvaluated": "evaluated_on",
    "CaseClosingRequested": "closed_on",
    "CaseClosingReturned": "returned_on",
    "CaseClosed": "closed_on",
    "CaseReopened": "reopened_on",
    "CaseTransferred": "transferred_on",
    "CaseReferred": "referred_on",
    "ReferralFeedbackReceived": "received_on",
}
"""Each case event's field holding the day it happened; None for an event that happens when it is recorded. A
closing request is dated by the closing day it asks for, so it never follows the closing it leads to."""


def happened_on(event: ReceivedEvent) -> date:
    """The event's business date, or the day (China time) it was recorded where it has none."""
    name = HAPPENED_ON.get(event.type)
    day = getattr(event.payload, name, None) if name else None
    return day if isinstance(day, date) else china_day(event.recorded_at)


async def case_event(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    await conn.execute(
        "INSERT INTO case_timeline (case_id, version, event_type, recorded_at, actor, happened_on)"
        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING", event.stream_id.removeprefix("case-"),
        event.version, event.type, event.recorded_at, event.actor, happened_on(event))


async def case_events(conn: asyncpg.Connection, events: Sequence[ReceivedEvent]) -> None:
    """A run of case events at once: new rows, each of its own stream and version."""
    await conn.execute(
        "INSERT INTO case_timeline (case_id, version, event_type, recorded_at, actor, happened_on)"
        " SELECT * FROM unnest($1::text[], $2::integer[], $3::text[], $4::timestamptz[], $5::text[], $6::date[])"
        " ON CONFLICT DO NOTHING", [e.stream_id.removeprefix("case-") for e in events], [e.version for e in events],
        [e.type for e in events], [e.recorded_at for e in events], [e.actor for e in events],
        [happened_on(e) for e in events])


PROJECTORS: dict[str, Projector] = {
    e.type_name: case_event for e in registered_events() if e.service == "cases" and e.aggregate == "case"}

PROJECTION = Projection(name="timeline", version=2, tables=("case_timeline",), handlers=PROJECTORS,
                        batch_handlers={name: case_events for name in PROJECTORS})
