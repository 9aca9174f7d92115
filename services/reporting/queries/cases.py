"""A case, and a station's cases as a page of a Relay connection."""

from __future__ import annotations

from typing import Any

import asyncpg

from services.reporting.queries.pages import connection, decode_cursor, page_size, paged
from services.reporting.queries.scope import require_visible, visible_stations
from shared.batches import batch_pages, grouped, within_budget
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
    ("recipient_id", "coalesce(r.merged_into, c.recipient_id) = {}"),  # as _OWNER below
    ("number", CASE_NUMBER + " = upper({})"),
)
"""Each filter of the case list: the body's key and its condition (a merged duplicate's cases are the survivor's)."""


async def cases(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    if body.get("station_id") is not None:
        require_visible(request.actor, str(body["station_id"]))
    # the stations read through the station index when named (`scope.listed`); every one's by the page's order
    visible = visible_stations(request.actor)
    if visible is None and body.get("station_id") is not None:
        visible = [str(body["station_id"])]
    args: list[Any] = [visible]
    conditions = ["($1::text[] IS NULL OR c.station_id = ANY($1))" if visible is None
                  else "c.station_id = ANY($1::text[])"]
    for key, condition in _FILTERS:
        if body.get(key) is not None:
            args.append(str(body[key]))
            conditions.append(condition.format(f"${len(args)}::text"))
    if body.get("urgent_flagged"):
        conditions.append("c.urgent_since IS NOT NULL AND c.urgent_acknowledged_on IS NULL AND c.status = 'open'")
    return await paged(pool, body, "case", f"SELECT {_CASE_COLUMNS}", " AND ".join(conditions), args, seq="c.seq")


_OWNER = "coalesce(r.merged_into, c.recipient_id)"
"""The recipient whose cases a case is among: a merged duplicate's are the survivor's."""


async def recipient_cases_batch(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext
                                ) -> dict[str, Any]:
    """A page of cases for each `{recipient_id, first, after}` asked (at most 100), newest first, as `cases` with
    `recipient_id` answers one; `pages` answers them in order, as many as fit in an answer (the rest: ask again)."""
    asked = batch_pages(body)
    owners = [str(p.get("recipient_id", "")) for p in asked]
    firsts = [page_size(p) for p in asked]
    afters = [decode_cursor(p["after"], "case") if p.get("after") else None for p in asked]
    visible = visible_stations(request.actor)
    rows = await pool.fetch(
        f"SELECT k.i, q.* FROM unnest($2::text[], $3::bigint[], $4::int[]) WITH ORDINALITY AS k(owner, after, n, i)"
        f" CROSS JOIN LATERAL (SELECT {_CASE_COLUMNS} WHERE ($1::text[] IS NULL OR c.station_id = ANY($1))"
        f" AND {_OWNER} = k.owner AND (k.after IS NULL OR c.seq < k.after) ORDER BY c.seq DESC LIMIT k.n + 1) q"
        " ORDER BY k.i, q.seq DESC", visible, owners, afters, firsts)
    totals = dict(await pool.fetch(
        f"SELECT {_OWNER}, count(*) FROM cases c LEFT JOIN recipients r USING (recipient_id)"
        f" WHERE ($1::text[] IS NULL OR c.station_id = ANY($1)) AND {_OWNER} = ANY($2::text[]) GROUP BY 1",
        visible, owners))
    by_request = grouped([str(n) for n in range(1, len(asked) + 1)],
                         [{**dict(r), "i": str(r["i"])} for r in rows], "i")
    pages = [connection([{k: v for k, v in row.items() if k != "i"} for row in by_request[str(n)]], first,
                        totals.get(owner, 0), "case")
             for n, (owner, first) in enumerate(zip(owners, firsts, strict=True), start=1)]
    answered = within_budget([str(n) for n in range(len(pages))], lambda n: pages[int(n)])
    return {"pages": list(answered["found"].values())}
