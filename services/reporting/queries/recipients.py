"""A station's recipients as a page of a Relay connection: ids and the clear facts; names come from cases."""

from __future__ import annotations

from typing import Any

import asyncpg

from services.reporting.queries.pages import paged
from services.reporting.queries.scope import scope_args, station_scope
from shared.runtime import RequestContext


async def recipient_list(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """Newest first; merged duplicates left out unless asked for; erased ones kept (they still count)."""
    where = (f"{station_scope()}"
             " AND ($3::text IS NULL OR $3 = ANY(categories)) AND ($4::text IS NULL OR community = $4)"
             " AND ($5 OR merged_into IS NULL)")
    return await paged(
        pool, body, "recipient",
        "SELECT seq, recipient_id, station_id, community, categories, erased, merged_into,"
        " (SELECT count(*) FROM cases c JOIN recipients d USING (recipient_id)"
        "   WHERE coalesce(d.merged_into, d.recipient_id) = r.recipient_id AND c.status = 'open') AS open_cases"
        " FROM recipients r", where,
        [*scope_args(request.actor, body), body.get("category"), body.get("community"),
         bool(body.get("include_merged"))])
