"""Stations with their street and communities."""

from __future__ import annotations

from typing import Any

import asyncpg

from services.reporting.queries.scope import require_visible, visible_stations
from shared.runtime import RequestContext


async def stations(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    rows = await pool.fetch(
        "SELECT s.station_id, s.name, s.code, s.opened_on, s.closed_on, t.street_id, t.name AS street_name, t.district,"
        " coalesce(array_agg(c.name ORDER BY c.name) FILTER (WHERE c.name IS NOT NULL), '{}') AS communities"
        " FROM stations s JOIN streets t USING (street_id) LEFT JOIN communities c ON c.street_id = s.street_id"
        " WHERE $1::text[] IS NULL OR s.station_id = ANY($1)"
        " GROUP BY s.station_id, t.street_id ORDER BY s.code", visible_stations(request.actor))
    return {"stations": [dict(r) for r in rows]}


async def compounds(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """The residential compounds of a station's street, by community; or the one compound asked for by id, if
    it is in the street of a station the caller sees."""
    compound_id = body.get("compound_id")
    if compound_id is None:
        require_visible(request.actor, str(body.get("station_id", "")))
    rows = await pool.fetch(
        "SELECT DISTINCT p.compound_id, p.name, c.name AS community FROM compounds p"
        " JOIN communities c USING (community_id) JOIN stations s ON s.street_id = p.street_id"
        " WHERE ($1::text IS NULL OR s.station_id = $1) AND ($2::text[] IS NULL OR s.station_id = ANY($2))"
        " AND ($3::text IS NULL OR p.compound_id = $3) ORDER BY community, p.name",
        None if compound_id is not None else str(body.get("station_id", "")), visible_stations(request.actor),
        compound_id)
    return {"compounds": [dict(r) for r in rows]}


async def operators(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """Operating organisations and their contracts, with the streets' names. A caller who sees some stations
    only sees the contracts for their streets, and the organisations that hold them."""
    visible = visible_stations(request.actor)
    rows = await pool.fetch(
        "SELECT o.operator_id, o.name, coalesce(json_agg(json_build_object('contract_id', k.contract_id,"
        " 'starts_on', k.starts_on, 'ends_on', k.ends_on, 'streets', (SELECT array_agg(t.name ORDER BY t.name)"
        " FROM streets t WHERE t.street_id = ANY(k.street_ids))) ORDER BY k.starts_on)"
        " FILTER (WHERE k.contract_id IS NOT NULL), '[]')::text AS contracts"
        " FROM operators o LEFT JOIN contracts k ON k.operator_id = o.operator_id AND ($1::text[] IS NULL OR"
        "  k.street_ids && (SELECT array_agg(street_id) FROM stations WHERE station_id = ANY($1)))"
        " GROUP BY o.operator_id HAVING $1::text[] IS NULL OR count(k.contract_id) > 0 ORDER BY o.name", visible)
    return {"operators": [dict(r) for r in rows]}
