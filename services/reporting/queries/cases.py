"""A case, and a station's cases as a page of a Relay connection."""

from __future__ import annotations

import base64
from typing import Any

import asyncpg

from services.reporting.queries.scope import visible_stations
from shared.contracts.errors import InvalidInput, Message
from shared.runtime import RequestContext

CASE_NUMBER = "s.code || '-' || extract(year FROM c.opened_on)::int || '-' || lpad(c.number::text, 4, '0')"
"""The readable case number, HSP-2026-0042: the station's code, the year of intake, the number in its register."""

_CASE_COLUMNS = """
    c.seq, c.case_id, c.station_id, s.name AS station_name, c.recipient_id, coalesce(r.erased, false) AS erased,
    c.worker_id, c.intake_source, c.status, c.opened_on, c.closed_on, c.outcome, c.session_count,
    c.last_session_on, c.stage, c.risk_level, c.assessed_on, c.plan_version, c.plan_status, c.approved_plan_version,
    c.evaluated_on, c.closing_status, c.relationship_stage, c.number, c.urgent_since, c.urgent_acknowledged_by,
    c.urgent_acknowledged_on, """ + CASE_NUMBER + """ AS case_number
    FROM cases c LEFT JOIN stations s USING (station_id) LEFT JOIN recipients r USING (recipient_id)
"""
MAX_PAGE = 100


def encode_cursor(seq: int, kind: str = "case") -> str:
    return base64.urlsafe_b64encode(f"{kind}:{seq}".encode()).decode()


def decode_cursor(cursor: str, kind: str = "case") -> int:
    try:
        found, _, seq = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if found != kind:
            raise ValueError(found)
        return int(seq)
    except ValueError as error:
        raise InvalidInput(Message(zh="分页游标 after 无效", en="The cursor in `after` is not valid"),
                           field="after") from error


async def case(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    row = await pool.fetchrow(
        f"SELECT {_CASE_COLUMNS} WHERE c.case_id = $1 AND ($2::text[] IS NULL OR c.station_id = ANY($2))",
        str(body.get("case_id", "")), visible_stations(request.actor))
    return {"case": None if row is None else dict(row)}


_FILTERS = (
    ("station_id", "c.station_id = {}"),
    ("status", "c.status = {}"),
    ("stage", "c.stage = {}"),
    ("risk_level", "c.risk_level = {}"),
    ("plan_status", "c.plan_status = {}"),
    ("category", "{} = ANY(r.categories)"),
    ("recipient_id", "coalesce(r.merged_into, c.recipient_id) = {}"),
    ("number", CASE_NUMBER + " = upper({})"),
)
"""Each filter of the case list: the body's key and its condition (a merged duplicate's cases are the survivor's)."""


def page_size(body: dict[str, Any]) -> int:
    first = int(body.get("first") or 20)
    if not 1 <= first <= MAX_PAGE:
        raise InvalidInput(Message(zh=f"first 应在 1 到 {MAX_PAGE} 之间", en=f"first must be between 1 and {MAX_PAGE}"),
                           field="first")
    return first


def connection(rows: list[asyncpg.Record], first: int, total: int, kind: str = "case") -> dict[str, Any]:
    """A Relay page of rows fetched newest first, one more than asked to tell whether there is a next page."""
    page = rows[:first]
    return {"edges": [{"cursor": encode_cursor(r["seq"], kind), "node": dict(r)} for r in page],
            "has_next_page": len(rows) > first, "end_cursor": encode_cursor(page[-1]["seq"], kind) if page else None,
            "total_count": total}


async def paged(pool: asyncpg.Pool, body: dict[str, Any], kind: str, select: str, where: str,
                args: list[Any], seq: str = "seq") -> dict[str, Any]:
    """A Relay page of `select … WHERE where`, newest (highest `seq`) first, after the body's cursor."""
    first = page_size(body)
    after = decode_cursor(body["after"], kind) if body.get("after") else None
    n = len(args)
    rows = await pool.fetch(f"{select} WHERE {where} AND (${n + 1}::bigint IS NULL OR {seq} < ${n + 1})"
                            f" ORDER BY {seq} DESC LIMIT ${n + 2}", *args, after, first + 1)
    total = await pool.fetchval(f"SELECT count(*) FROM ({select} WHERE {where}) counted", *args)
    return connection(rows, first, total, kind)


async def cases(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    first = page_size(body)
    after = decode_cursor(body["after"]) if body.get("after") else None
    args: list[Any] = [visible_stations(request.actor)]
    conditions = ["($1::text[] IS NULL OR c.station_id = ANY($1))"]
    for key, condition in _FILTERS:
        if body.get(key) is not None:
            args.append(str(body[key]))
            conditions.append(condition.format(f"${len(args)}::text"))
    if body.get("urgent_flagged"):
        conditions.append("c.urgent_since IS NOT NULL AND c.urgent_acknowledged_on IS NULL AND c.status = 'open'")
    where = " AND ".join(conditions)
    counted = f"SELECT count(*) FROM cases c LEFT JOIN stations s USING (station_id)" \
              f" LEFT JOIN recipients r USING (recipient_id) WHERE {where}"
    rows = await pool.fetch(f"SELECT {_CASE_COLUMNS} WHERE {where} AND (${len(args) + 1}::bigint IS NULL"
                            f" OR c.seq < ${len(args) + 1}) ORDER BY c.seq DESC LIMIT ${len(args) + 2}",
                            *args, after, first + 1)
    return connection(rows, first, await pool.fetchval(counted, *args))
