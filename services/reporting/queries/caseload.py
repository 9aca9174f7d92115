"""A case's timeline, each worker's caseload, and what is overdue: the station head's morning view."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import asyncpg

from services.reporting.queries.scope import by_station, scope_args, visible_stations
from shared.batches import batch_ids, grouped, within_budget
from shared.china import china_today
from shared.contracts.errors import InvalidInput, Message
from shared.runtime import RequestContext

NO_SESSION_DAYS = 30
APPROVAL_DAYS = 7

_OVERDUE = """
    SELECT case_id, station_id, worker_id, 'no_session' AS kind,
           coalesce(last_session_on, opened_on) AS since
      FROM cases WHERE status = 'open' AND coalesce(last_session_on, opened_on) < $3
    UNION ALL
    SELECT case_id, station_id, worker_id, 'plan_awaiting_approval', plan_submitted_on
      FROM cases WHERE status = 'open' AND plan_status = 'submitted' AND plan_submitted_on < $4
    UNION ALL
    SELECT case_id, station_id, worker_id, 'closing_awaiting_approval', closing_requested_on
      FROM cases WHERE status = 'open' AND closing_status = 'requested' AND closing_requested_on < $4
"""


def as_of(body: dict[str, Any]) -> date:
    """The day the rules are judged on: `as_of` when asked (a month's end, say), else today in China."""
    if not body.get("as_of"):
        return china_today()
    try:
        return date.fromisoformat(str(body["as_of"]))
    except ValueError as error:
        raise InvalidInput(Message(zh=f"日期 {body['as_of']} 应写作 YYYY-MM-DD",
                                   en=f"Date {body['as_of']} must be written YYYY-MM-DD"), field="asOf") from error


async def _timelines(pool: asyncpg.Pool, ids: list[str], request: RequestContext) -> dict[str, list[dict[str, Any]]]:
    rows = await pool.fetch(
        "SELECT t.case_id, t.version, t.event_type, t.happened_on, t.recorded_at, t.actor FROM case_timeline t"
        " JOIN cases c USING (case_id) WHERE t.case_id = ANY($1::text[])"
        " AND ($2::text[] IS NULL OR c.station_id = ANY($2)) ORDER BY t.case_id, t.happened_on, t.version",
        ids, visible_stations(request.actor))
    return grouped(ids, rows, "case_id")


async def case_timeline(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    case_id = str(body.get("case_id", ""))
    return {"timeline": (await _timelines(pool, [case_id], request))[case_id]}


async def case_timeline_batch(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """Every event of each case named (at most 100), in order: a page of cases with their timelines."""
    ids = batch_ids(body, "case_ids")
    return within_budget(ids, (await _timelines(pool, ids, request)).__getitem__)


def _overdue_query(scoped: str) -> str:
    return (f"SELECT * FROM ({_OVERDUE}) o WHERE ($1::text[] IS NULL OR o.station_id = ANY($1))"
            f" AND ($2::text IS NULL OR o.station_id = $2) {scoped}")


async def overdue(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """Open cases with no session for 30 days, and plans or closings waiting for approval over 7 days."""
    day = as_of(body)
    visible, station_id = scope_args(request.actor, body)
    sql, visible = by_station(_overdue_query("ORDER BY since, case_id"), visible, station_id)
    rows = await pool.fetch(sql, visible, station_id, day - timedelta(days=NO_SESSION_DAYS),
                            day - timedelta(days=APPROVAL_DAYS))
    return {"overdue": [dict(r) for r in rows]}


async def caseload(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """Per worker: open cases, urgent ones, cases waiting for approval, and overdue items."""
    day = as_of(body)
    visible, station_id = scope_args(request.actor, body)
    sql, visible = by_station(
        "SELECT c.station_id, c.worker_id, count(*) AS open_cases,"
        " count(*) FILTER (WHERE c.risk_level = 'urgent') AS urgent,"
        " count(*) FILTER (WHERE c.urgent_since IS NOT NULL AND c.urgent_acknowledged_on IS NULL) AS urgent_flagged,"
        " count(*) FILTER (WHERE c.plan_status = 'submitted' OR c.closing_status = 'requested') AS awaiting_approval,"
        f" (SELECT count(*) FROM ({_OVERDUE}) o WHERE o.worker_id = c.worker_id AND o.station_id = c.station_id)"
        " AS overdue"
        " FROM cases c WHERE c.status = 'open' AND ($1::text[] IS NULL OR c.station_id = ANY($1))"
        " AND ($2::text IS NULL OR c.station_id = $2) GROUP BY c.station_id, c.worker_id"
        " ORDER BY c.station_id, c.worker_id", visible, station_id)
    rows = await pool.fetch(sql, visible, station_id, day - timedelta(days=NO_SESSION_DAYS),
                            day - timedelta(days=APPROVAL_DAYS))
    return {"caseload": [dict(r) for r in rows]}
