"""Stations with their street and communities."""

from __future__ import annotations

from typing import Any

import asyncpg

from services.reporting.queries.scope import visible_stations
from shared.runtime import RequestContext


async def stations(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    rows = await pool.fetch(
        "SELECT s.station_id, s.name, s.code, s.opened_on, t.street_id, t.name AS street_name, t.district,"
        " coalesce(array_agg(c.name ORDER BY c.name) FILTER (WHERE c.name IS NOT NULL), '{}') AS communities"
        " FROM stations s JOIN streets t USING (street_id) LEFT JOIN communities c ON c.street_id = s.street_id"
        " WHERE $1::text[] IS NULL OR s.station_id = ANY($1)"
        " GROUP BY s.station_id, t.street_id ORDER BY s.code", visible_stations(request.actor))
    return {"stations": [dict(r) for r in rows]}
