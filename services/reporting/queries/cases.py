"""A case, and a station's cases as a page of a Relay connection."""

from __future__ import annotations

import base64
from typing import Any

import asyncpg

from services.reporting.queries.scope import visible_stations
from shared.contracts.errors import InvalidInput, Message
from shared.runtime import RequestContext

_CASE_COLUMNS = """
    c.seq, c.case_id, c.station_id, s.name AS station_name, c.recipient_id, coalesce(r.erased, false) AS erased,
    c.worker_id, c.intake_source, c.status, c.opened_on, c.closed_on, c.outcome, c.session_count,
    c.last_session_on, c.stage, c.risk_level, c.assessed_on, c.plan_version, c.plan_status, c.approved_plan_version,
    c.evaluated_on, c.closing_status, c.relationship_stage
    FROM cases c LEFT JOIN stations s USING (station_id) LEFT JOIN recipients r USING (recipient_id)
"""
MAX_PAGE = 100


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"case:{seq}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        kind, _, seq = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind != "case":
            raise ValueError(kind)
        return int(seq)
    except ValueError as error:
        raise InvalidInput(Message(zh="分页游标 after 无效", en="The cursor in `after` is not valid"),
                           field="after") from error


async def case(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    row = await pool.fetchrow(
        f"SELECT {_CASE_COLUMNS} WHERE c.case_id = $1 AND ($2::text[] IS NULL OR c.station_id = ANY($2))",
        str(body.get("case_id", "")), visible_stations(request.actor))
    return {"case": None if row is None else dict(row)}


async def cases(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    first = int(body.get("first") or 20)
    if not 1 <= first <= MAX_PAGE:
        raise InvalidInput(Message(zh=f"first 应在 1 到 {MAX_PAGE} 之间", en=f"first must be between 1 and {MAX_PAGE}"),
                           field="first")
    after = decode_cursor(body["after"]) if body.get("after") else None
    filters = ("($1::text[] IS NULL OR c.station_id = ANY($1)) AND ($2::text IS NULL OR c.station_id = $2)"
               " AND ($3::text IS NULL OR c.status = $3) AND ($4::text IS NULL OR c.stage = $4)"
               " AND ($5::text IS NULL OR c.risk_level = $5) AND ($6::text IS NULL OR c.plan_status = $6)")
    args = [visible_stations(request.actor), body.get("station_id"), body.get("status"), body.get("stage"),
            body.get("risk_level"), body.get("plan_status")]
    rows = await pool.fetch(f"SELECT {_CASE_COLUMNS} WHERE {filters} AND ($7::bigint IS NULL OR c.seq < $7)"
                            " ORDER BY c.seq DESC LIMIT $8", *args, after, first + 1)
    total = await pool.fetchval(f"SELECT count(*) FROM cases c WHERE {filters}", *args)
    page = rows[:first]
    return {"edges": [{"cursor": encode_cursor(r["seq"]), "node": dict(r)} for r in page],
            "has_next_page": len(rows) > first, "end_cursor": encode_cursor(page[-1]["seq"]) if page else None,
            "total_count": total}
