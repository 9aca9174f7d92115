"""The audit of unmasked reads and of searches for people, newest first: for the district bureau, and for station
heads of their station."""

from __future__ import annotations

from typing import Any

import asyncpg

from services.reporting.queries.scope import scope_args, station_scope
from shared.contracts import Role
from shared.contracts.errors import Forbidden, Message
from shared.runtime import RequestContext

AUDITORS = (Role.DISTRICT_BUREAU, Role.STATION_HEAD, Role.PROJECT_DIRECTOR, Role.SYSTEM)


def _require_auditor(request: RequestContext) -> None:
    if request.actor.role not in AUDITORS:
        raise Forbidden(Message(zh="只有区民政局、项目总监和站长可以查看敏感信息查阅记录",
                                en="Only the bureau, project directors and station heads read the disclosure audit"))


async def disclosures(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    _require_auditor(request)
    first = min(max(int(body.get("first") or 50), 1), 200)
    rows = await pool.fetch(
        "SELECT recipient_id, station_id, fields, purpose, read_by, read_by_role, read_at FROM disclosures"
        f" WHERE {station_scope()}"
        " ORDER BY seq DESC LIMIT $3", *scope_args(request.actor, body), first)
    return {"disclosures": [dict(r) for r in rows]}


async def volunteer_disclosures(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """Unmasked reads of volunteers' data, for the same auditors."""
    _require_auditor(request)
    first = min(max(int(body.get("first") or 50), 1), 200)
    rows = await pool.fetch(
        "SELECT volunteer_id, station_id, fields, purpose, read_by, read_by_role, read_at FROM volunteer_disclosures"
        f" WHERE {station_scope()}"
        " ORDER BY seq DESC LIMIT $3", *scope_args(request.actor, body), first)
    return {"disclosures": [dict(r) for r in rows]}


async def _searches(pool: asyncpg.Pool, people: str, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """The searches for `people`, newest first: those made at the caller's stations (a station named: at it; a
    search over every station only for those who see every station)."""
    _require_auditor(request)
    first = min(max(int(body.get("first") or 50), 1), 200)
    rows = await pool.fetch(
        "SELECT station_ids, criteria, purpose, found, searched_by, searched_by_role, searched_at FROM searches"
        " WHERE people = $3"
        " AND ($1::text[] IS NULL OR station_ids && $1::text[]) AND ($2::text IS NULL OR $2 = ANY(station_ids))"
        " ORDER BY seq DESC LIMIT $4", *scope_args(request.actor, body), people, first)
    return {"searches": [dict(r) for r in rows]}


async def recipient_searches(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """Every findRecipients, found or not, for the auditors of the reads."""
    return await _searches(pool, "recipients", body, request)


async def volunteer_searches(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """Every findVolunteers, found or not, for the same auditors."""
    return await _searches(pool, "volunteers", body, request)
