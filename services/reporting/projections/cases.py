"""Recipients, cases per station and their sessions: the facts behind case-work figures."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import asyncpg

from services.reporting.projections import (
    BatchProjector,
    Projection,
    Projector,
    ReceivedEvent,
    columns,
    statements,
)
from shared.china import china_day
from shared.contracts.cases import (
    CaseAssessed,
    CaseClosed,
    CaseClosingRequested,
    CaseClosingReturned,
    CaseEvaluated,
    CaseOpened,
    CaseReopened,
    CaseSessionRecorded,
    CaseTransferred,
    RecipientErased,
    RecipientMergedInto,
    RecipientRegistered,
    RecipientUpdated,
    RiskLevel,
    ServicePlanApproved,
    ServicePlanDrafted,
    ServicePlanReturned,
    ServicePlanSubmitted,
    UrgentRiskAcknowledged,
)
from shared.kernel.places import community_key


def _recipient(event: ReceivedEvent) -> tuple[object, ...]:
    e: RecipientRegistered = event.payload
    return (e.recipient_id, e.station_id, e.community, [c.category.value for c in e.categories], e.community_id,
            community_key(e.community))


recipient_registered, recipients_registered = statements(
    ("INSERT INTO recipients (recipient_id, station_id, community, categories, community_id, community_key)"
     " VALUES ($1, $2, $3, $4, $5, $6)", _recipient))


async def recipient_updated(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    e: RecipientUpdated = event.payload
    await conn.execute("UPDATE recipients SET community = coalesce($2, community),"
                       " categories = coalesce($3, categories),"
                       " community_id = CASE WHEN $2::text IS NULL THEN community_id ELSE $4 END,"
                       " community_key = CASE WHEN $2::text IS NULL THEN community_key ELSE $5 END"
                       " WHERE recipient_id = $1", e.recipient_id, e.community,
                       None if e.categories is None else [c.category.value for c in e.categories],
                       e.community_id, e.community and community_key(e.community))


async def recipient_merged(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    """A duplicate's cases and sessions count as the survivor's from now on (distinct people stay right); the
    duplicates merged into it before go with it, so `merged_into` always names the last survivor."""
    e: RecipientMergedInto = event.payload
    await conn.execute("UPDATE recipients SET merged_into = $2 WHERE recipient_id = $1 OR merged_into = $1",
                       e.recipient_id, e.into_recipient_id)


async def recipient_erased(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    e: RecipientErased = event.payload
    await conn.execute("UPDATE recipients SET erased = true WHERE recipient_id = $1", e.recipient_id)


def _opened(event: ReceivedEvent) -> tuple[object, ...]:
    e: CaseOpened = event.payload
    return e.case_id, e.station_id, e.recipient_id, e.worker_id, e.intake_source.value, e.opened_on, e.number


def _first_period(event: ReceivedEvent) -> tuple[object, ...]:
    e: CaseOpened = event.payload
    return e.case_id, e.station_id, e.opened_on


case_opened, cases_opened = statements(
    ("INSERT INTO cases (case_id, station_id, recipient_id, worker_id, intake_source, status, opened_on, number)"
     " VALUES ($1, $2, $3, $4, $5, 'open', $6, $7)", _opened),
    ("INSERT INTO case_periods (case_id, period, station_id, opened_on) VALUES ($1, 1, $2, $3)", _first_period))


async def case_session_recorded(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    e: CaseSessionRecorded = event.payload
    await conn.execute(
        "INSERT INTO case_sessions (session_id, case_id, station_id, recipient_id, held_on, mode,"
        " duration_minutes, participants)"
        " SELECT $1, $2, $3, recipient_id, $4, $5, $6, $7 FROM cases WHERE case_id = $2",
        e.session_id, e.case_id, e.station_id, e.held_on, e.mode.value, e.duration_minutes, e.participants)
    await conn.execute(
        "UPDATE cases SET session_count = session_count + 1, last_session_on = greatest(last_session_on, $2),"
        " relationship_stage = coalesce($3, relationship_stage) WHERE case_id = $1",
        e.case_id, e.held_on, e.relationship_stage and e.relationship_stage.value)


async def case_sessions_recorded(conn: asyncpg.Connection, events: Sequence[ReceivedEvent]) -> None:
    """A run of sessions at once: their rows, then each case's counter, last day and relationship stage moved
    as the sessions one by one would (the count adds up, the last day is the latest, the stage the last given)."""
    sessions: list[CaseSessionRecorded] = [event.payload for event in events]
    await conn.execute(  # one statement for the run's rows (unnest's arrays), each with its case's recipient
        "INSERT INTO case_sessions (session_id, case_id, station_id, recipient_id, held_on, mode,"
        " duration_minutes, participants)"
        " SELECT s.session_id, s.case_id, s.station_id, c.recipient_id, s.held_on, s.mode, s.duration_minutes,"
        " s.participants FROM unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::text[], $6::integer[],"
        " $7::integer[]) AS s (session_id, case_id, station_id, held_on, mode, duration_minutes, participants)"
        " JOIN cases c ON c.case_id = s.case_id",
        *columns([(e.session_id, e.case_id, e.station_id, e.held_on, e.mode.value, e.duration_minutes,
                   e.participants) for e in sessions], 7))
    moved: dict[str, tuple[int, date, str | None]] = {}
    for e in sessions:
        count, last, stage = moved.get(e.case_id, (0, e.held_on, None))
        moved[e.case_id] = (count + 1, max(last, e.held_on),
                            (e.relationship_stage and e.relationship_stage.value) or stage)
    await conn.execute(
        "UPDATE cases c SET session_count = c.session_count + m.sessions,"
        " last_session_on = greatest(c.last_session_on, m.last_on),"
        " relationship_stage = coalesce(m.stage, c.relationship_stage)"
        " FROM unnest($1::text[], $2::integer[], $3::date[], $4::text[]) AS m (case_id, sessions, last_on, stage)"
        " WHERE c.case_id = m.case_id", *columns([(case_id, *figures) for case_id, figures in moved.items()], 4))


def _closed(event: ReceivedEvent) -> tuple[object, ...]:
    e: CaseClosed = event.payload
    return e.case_id, e.closed_on, e.outcome.value


def _closed_period(event: ReceivedEvent) -> tuple[object, ...]:
    e: CaseClosed = event.payload
    return e.case_id, e.closed_on


case_closed, cases_closed = statements(
    ("UPDATE cases SET status = 'closed', stage = 'closed', closed_on = $2, outcome = $3,"
     " closing_status = 'approved' WHERE case_id = $1", _closed),
    # The closing ends the period open now; it stays on its day whatever happens to the case later.
    ("UPDATE case_periods SET closed_on = $2 WHERE case_id = $1 AND closed_on IS NULL"
     " AND period = (SELECT max(period) FROM case_periods WHERE case_id = $1)", _closed_period))


async def case_reopened(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    """The case's current state is open again; its earlier closing keeps its period (and its month's figures),
    and a new period starts on the day it was reopened."""
    e: CaseReopened = event.payload
    await conn.execute("INSERT INTO case_periods (case_id, period, station_id, opened_on)"
                       " SELECT $1, max(period) + 1, $2, $3 FROM case_periods WHERE case_id = $1"
                       " HAVING bool_and(closed_on IS NOT NULL)", e.case_id, e.station_id, e.reopened_on)
    await conn.execute(
        "UPDATE cases SET status = 'open', closed_on = NULL, outcome = NULL, closing_status = 'none',"
        " evaluated_on = NULL, stage = CASE WHEN approved_plan_version > 0 THEN 'planned'"
        " WHEN risk_level IS NOT NULL THEN 'assessed' ELSE 'intake' END WHERE case_id = $1", e.case_id)


async def case_transferred(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    e: CaseTransferred = event.payload
    await conn.execute("UPDATE cases SET worker_id = $2 WHERE case_id = $1", e.case_id, e.to_worker_id)


def _evaluated(event: ReceivedEvent) -> tuple[object, ...]:
    e: CaseEvaluated = event.payload
    return e.case_id, e.evaluated_on


case_evaluated, cases_evaluated = statements(
    ("UPDATE cases SET evaluated_on = $2, stage = 'evaluated' WHERE case_id = $1", _evaluated))


def _closing_requested(event: ReceivedEvent) -> tuple[object, ...]:
    e: CaseClosingRequested = event.payload
    return e.case_id, china_day(event.recorded_at)


def _closing_returned(event: ReceivedEvent) -> tuple[object, ...]:
    e: CaseClosingReturned = event.payload
    return (e.case_id,)


closing_requested, closings_requested = statements(
    ("UPDATE cases SET closing_status = 'requested', closing_requested_on = $2 WHERE case_id = $1",
     _closing_requested))
closing_returned, closings_returned = statements(
    ("UPDATE cases SET closing_status = 'returned' WHERE case_id = $1", _closing_returned))


def _assessed(event: ReceivedEvent) -> tuple[object, ...]:
    """An urgent risk raises the flag to the station head (a new urgent assessment raises it again)."""
    e: CaseAssessed = event.payload
    return e.case_id, e.risk_level.value, e.assessed_on, e.assessed_on if e.risk_level == RiskLevel.URGENT else None


case_assessed, cases_assessed = statements(
    ("UPDATE cases SET risk_level = $2, assessed_on = $3,"
     " stage = CASE WHEN stage = 'intake' THEN 'assessed' ELSE stage END,"
     " urgent_since = $4, urgent_acknowledged_by = NULL, urgent_acknowledged_on = NULL WHERE case_id = $1",
     _assessed))


async def urgent_risk_acknowledged(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    e: UrgentRiskAcknowledged = event.payload
    await conn.execute("UPDATE cases SET urgent_acknowledged_by = $2, urgent_acknowledged_on = $3"
                       " WHERE case_id = $1", e.case_id, e.acknowledged_by, e.acknowledged_on)


def _drafted(event: ReceivedEvent) -> tuple[object, ...]:
    e: ServicePlanDrafted = event.payload
    return e.case_id, e.plan_version


def _submitted(event: ReceivedEvent) -> tuple[object, ...]:
    e: ServicePlanSubmitted = event.payload
    return e.case_id, e.submitted_on


def _returned(event: ReceivedEvent) -> tuple[object, ...]:
    e: ServicePlanReturned = event.payload
    return (e.case_id,)


def _approved(event: ReceivedEvent) -> tuple[object, ...]:
    e: ServicePlanApproved = event.payload
    return e.case_id, e.plan_version


PLANS: dict[str, tuple[Projector, BatchProjector]] = {
    "ServicePlanDrafted": statements(
        ("UPDATE cases SET plan_version = $2, plan_status = 'draft' WHERE case_id = $1", _drafted)),
    "ServicePlanSubmitted": statements(
        ("UPDATE cases SET plan_status = 'submitted', plan_submitted_on = $2 WHERE case_id = $1", _submitted)),
    "ServicePlanReturned": statements(("UPDATE cases SET plan_status = 'returned' WHERE case_id = $1", _returned)),
    "ServicePlanApproved": statements(
        ("UPDATE cases SET plan_status = 'approved', approved_plan_version = $2,"
         " stage = CASE WHEN stage IN ('intake', 'assessed') THEN 'planned' ELSE stage END WHERE case_id = $1",
         _approved)),
}
"""A plan's steps, each its own type's statement."""


PROJECTORS: dict[str, Projector] = {
    "RecipientRegistered": recipient_registered,
    "RecipientErased": recipient_erased,
    "RecipientUpdated": recipient_updated,
    "RecipientMergedInto": recipient_merged,
    "UrgentRiskAcknowledged": urgent_risk_acknowledged,
    "CaseOpened": case_opened,
    "CaseSessionRecorded": case_session_recorded,
    "CaseClosed": case_closed,
    "CaseAssessed": case_assessed,
    "CaseEvaluated": case_evaluated,
    "CaseReopened": case_reopened,
    "CaseTransferred": case_transferred,
    "CaseClosingRequested": closing_requested,
    "CaseClosingReturned": closing_returned,
    **{name: one for name, (one, _) in PLANS.items()},
}

BATCH_PROJECTORS: dict[str, BatchProjector] = {
    "CaseSessionRecorded": case_sessions_recorded,
    "RecipientRegistered": recipients_registered,
    "CaseOpened": cases_opened,
    "CaseAssessed": cases_assessed,
    "CaseEvaluated": cases_evaluated,
    "CaseClosingRequested": closings_requested,
    "CaseClosingReturned": closings_returned,
    "CaseClosed": cases_closed,
    **{name: many for name, (_, many) in PLANS.items()},
}
"""Every type a case's or a recipient's life is made of in numbers, each changing only its own stream's rows."""

PROJECTION = Projection(name="cases", version=3, tables=("recipients", "cases", "case_sessions", "case_periods"),
                        handlers=PROJECTORS, batch_handlers=BATCH_PROJECTORS)
"""Version 2: a case's open periods (`case_periods`), so a reopening no longer takes a closing out of its month;
a merge carries the duplicates merged into the one merged. Version 3: a recipient's community id and its text's key
(communities are references)."""
