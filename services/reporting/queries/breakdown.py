"""Cases by stage, risk, category and community, per station: what the station head and the bureau count first."""

from __future__ import annotations

from typing import Any

import asyncpg

from services.reporting.queries.scope import scope_args, station_scope
from shared.runtime import RequestContext

_DIMENSIONS = {
    "stage": "SELECT c.station_id, c.stage AS key, count(*) FROM scoped c GROUP BY 1, 2",
    "risk": "SELECT c.station_id, coalesce(c.risk_level, 'not_assessed') AS key, count(*) FROM scoped c"
            " GROUP BY 1, 2",
    "category": "SELECT c.station_id, k.key, count(*) FROM scoped c, unnest(c.categories) AS k(key) GROUP BY 1, 2",
    "community": "SELECT c.station_id, coalesce(n.name, c.community) AS key, count(*), c.community_id"
                 " FROM scoped c LEFT JOIN communities n USING (community_id) GROUP BY 1, 2, 4",
}
"""`community`: a community of the street however its recipients' records wrote it, by its registered name (and
id); text that names none, as written."""


async def case_breakdown(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """Per visible station: its cases (open ones unless `status` says otherwise) counted four ways.
    A case counts once under each category its recipient is in (a merged duplicate's: the survivor's)."""
    scoped = ("WITH scoped AS (SELECT c.station_id, c.stage, c.risk_level,"
              " coalesce(s.categories, r.categories, '{}') AS categories,"
              " coalesce(s.community, r.community, '') AS community,"
              " CASE WHEN s.recipient_id IS NULL THEN community_of(r.station_id, r.community_id, r.community_key)"
              "      ELSE community_of(s.station_id, s.community_id, s.community_key) END AS community_id FROM cases c"
              " LEFT JOIN recipients r USING (recipient_id)"
              " LEFT JOIN recipients s ON s.recipient_id = r.merged_into"
              f" WHERE {station_scope('c.')}"
              " AND c.status = $3) ")
    args = (*scope_args(request.actor, body), body.get("status") or "open")
    stations: dict[str, dict[str, Any]] = {}
    for dimension, query in _DIMENSIONS.items():
        for row in await pool.fetch(scoped + query + " ORDER BY 1, 3 DESC, 2", *args):
            counts = stations.setdefault(row["station_id"], {"station_id": row["station_id"], "stage": [], "risk": [],
                                                             "category": [], "community": []})
            counts[dimension].append({"key": row["key"], "count": row["count"],
                                      **({"community_id": row["community_id"]} if dimension == "community" else {})})
    return {"stations": [stations[s] for s in sorted(stations)]}
