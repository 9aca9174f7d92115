"""A station's recipients as a page of a Relay connection: ids and the clear facts; names come from cases."""

from __future__ import annotations

from typing import Any

import asyncpg

from services.reporting.queries.pages import paged
from services.reporting.queries.scope import scope_args, station_scope
from shared.kernel.places import community_key
from shared.runtime import RequestContext

COMMUNITY_OF = "community_of(r.station_id, r.community_id, r.community_key)"
"""A recipient row's community (0028): its event's id, or the street's community its old text names, or none."""

NAMED = ("(SELECT c.community_id FROM communities c JOIN stations s ON s.street_id = c.street_id"
         " WHERE s.station_id = r.station_id AND (c.name_key = {key} OR c.division_code = {key}))")
"""The communities of a row's station's street that a name's key (or a 12-digit code) names."""


async def recipient_list(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """Newest first; merged duplicates left out unless asked for; erased ones kept (they still count). By
    community: a community of the station's street however it was written (name or code, in the filter or in the
    records), and text no community has only as that text; each row shows its community's registered name."""
    where = (f"{station_scope()}"
             " AND ($3::text IS NULL OR $3 = ANY(categories))"
             f" AND ($4::text IS NULL OR community_id IN {NAMED.format(key='$4')}"
             "      OR (community_id IS NULL AND community_key = $4))"
             " AND ($5 OR merged_into IS NULL) AND ($6::text IS NULL OR community_id = $6)")
    community = body.get("community")
    return await paged(
        pool, body, "recipient",
        "SELECT * FROM (SELECT r.seq, r.recipient_id, r.station_id, coalesce(n.name, r.community) AS community,"
        " o.community_id, r.community_key, r.categories, r.erased, r.merged_into,"
        " (SELECT count(*) FROM cases c JOIN recipients d USING (recipient_id)"
        "   WHERE coalesce(d.merged_into, d.recipient_id) = r.recipient_id AND c.status = 'open') AS open_cases"
        f" FROM recipients r CROSS JOIN LATERAL (SELECT {COMMUNITY_OF} AS community_id) o"
        " LEFT JOIN communities n ON n.community_id = o.community_id) r", where,
        [*scope_args(request.actor, body), body.get("category"),
         None if community is None else community_key(str(community)), bool(body.get("include_merged")),
         body.get("community_id")])
