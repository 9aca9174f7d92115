"""Stations with their street and communities; streets and communities with their official codes, and the
community a name or a code names."""

from __future__ import annotations

from typing import Any

import asyncpg

from services.reporting.queries.scope import require_visible, visible_stations
from shared.batches import batch_ids, grouped, within_budget
from shared.contracts.errors import Forbidden
from shared.kernel.places import resolve_community
from shared.runtime import RequestContext


async def stations(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    rows = await pool.fetch(
        "SELECT s.station_id, s.name, s.code, s.opened_on, s.closed_on, t.street_id, t.name AS street_name, t.district,"
        " coalesce(array_agg(c.name ORDER BY c.name) FILTER (WHERE c.name IS NOT NULL), '{}') AS communities"
        " FROM stations s JOIN streets t USING (street_id) LEFT JOIN communities c ON c.street_id = s.street_id"
        " WHERE $1::text[] IS NULL OR s.station_id = ANY($1)"
        " GROUP BY s.station_id, t.street_id ORDER BY s.code", visible_stations(request.actor))
    return {"stations": [dict(r) for r in rows]}


async def _compounds_of(pool: asyncpg.Pool, ids: list[str], request: RequestContext) -> dict[str, list[dict[str, Any]]]:
    rows = await pool.fetch(
        "SELECT s.station_id, p.compound_id, p.name, c.name AS community, p.community_id, p.street_id FROM compounds p"
        " JOIN communities c USING (community_id) JOIN stations s ON s.street_id = p.street_id"
        " WHERE s.station_id = ANY($1::text[]) AND ($2::text[] IS NULL OR s.station_id = ANY($2))"
        " ORDER BY s.station_id, c.name, p.name", ids, visible_stations(request.actor))
    return grouped(ids, rows, "station_id")


async def compounds(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """The residential compounds of a station's street, by community; or the one compound asked for by id, if
    it is in the street of a station the caller sees."""
    compound_id = body.get("compound_id")
    if compound_id is not None:
        rows = await pool.fetch(
            "SELECT DISTINCT p.compound_id, p.name, c.name AS community, p.community_id, p.street_id FROM compounds p"
            " JOIN communities c USING (community_id) JOIN stations s ON s.street_id = p.street_id"
            " WHERE p.compound_id = $1 AND ($2::text[] IS NULL OR s.station_id = ANY($2))",
            str(compound_id), visible_stations(request.actor))
        return {"compounds": [dict(r) for r in rows]}
    station_id = str(body.get("station_id", ""))
    require_visible(request.actor, station_id)
    return {"compounds": (await _compounds_of(pool, [station_id], request))[station_id]}


async def compounds_batch(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """The compounds of each station named (at most 100); a station the caller may not see is refused in
    `refused`, as `compounds` refuses it, and its siblings are answered."""
    ids: list[str] = []
    refused: dict[str, dict[str, Any]] = {}
    for station_id in batch_ids(body, "station_ids"):
        try:
            require_visible(request.actor, station_id)
            ids.append(station_id)
        except Forbidden as error:
            refused[station_id] = error.as_dict()
    return {**within_budget(ids, (await _compounds_of(pool, ids, request)).__getitem__), "refused": refused}


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


_STREETS_SEEN = ("($1::text[] IS NULL OR t.street_id IN (SELECT street_id FROM stations WHERE station_id = ANY($1)))")
"""The streets a caller sees: every one for the bureau, else those of their stations."""


async def streets(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """The district's streets with their codes, and the station open in each (if one); or the one street asked
    for by `street_id`."""
    rows = await pool.fetch(
        "SELECT t.street_id, t.name, t.district, t.district_code, t.division_code,"
        " (SELECT s.station_id FROM stations s WHERE s.street_id = t.street_id AND s.closed_on IS NULL"
        "  ORDER BY s.opened_on DESC LIMIT 1) AS station_id"
        f" FROM streets t WHERE {_STREETS_SEEN} AND ($2::text IS NULL OR t.street_id = $2)"
        " ORDER BY t.division_code NULLS LAST, t.name", visible_stations(request.actor), body.get("street_id"))
    return {"streets": [dict(r) for r in rows]}


async def _street_of(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> str | None:
    """The street a query names: `street_id`, or the street of `station_id` (a station the caller sees)."""
    station_id = body.get("station_id")
    if station_id is not None:
        require_visible(request.actor, str(station_id))
        found: str | None = await pool.fetchval("SELECT street_id FROM stations WHERE station_id = $1",
                                                str(station_id))
        return found
    street_id = body.get("street_id")
    return None if street_id is None else str(street_id)


_COMMUNITY = "c.community_id, c.street_id, c.name, c.kind, c.division_code"


async def communities(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """The communities (社区) and villages (村) of a street, or of a station's street, or of every street the
    caller sees, with their division codes; or the one asked for by `community_id`."""
    street_id = await _street_of(pool, body, request)
    named = body.get("street_id") is not None or body.get("station_id") is not None
    if named and street_id is None:
        return {"communities": []}
    rows = await pool.fetch(
        f"SELECT {_COMMUNITY} FROM communities c JOIN streets t USING (street_id)"
        f" WHERE {_STREETS_SEEN} AND ($2::text IS NULL OR c.street_id = $2)"
        " AND ($3::text IS NULL OR c.community_id = $3)"
        " ORDER BY c.street_id, c.division_code NULLS LAST, c.name", visible_stations(request.actor), street_id,
        body.get("community_id"))
    return {"communities": [dict(r) for r in rows]}


async def community(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """The community of a street (or of a station's street) that `text` names, by its name (spaces and
    full-width forms aside) or its 12-digit division code; `unknown_community` when none does."""
    text = str(body.get("text") or "")
    street_id = await _street_of(pool, body, request)
    found = (await communities(pool, {"street_id": street_id}, request))["communities"] if street_id else []
    community_id = resolve_community(text, found, field=str(body.get("field") or "community"))
    return {"community": next(c for c in found if c["community_id"] == community_id)}


async def _communities_of(pool: asyncpg.Pool, ids: list[str], request: RequestContext
                          ) -> dict[str, list[dict[str, Any]]]:
    rows = await pool.fetch(
        f"SELECT s.station_id, {_COMMUNITY} FROM communities c JOIN stations s ON s.street_id = c.street_id"
        " WHERE s.station_id = ANY($1::text[]) ORDER BY s.station_id, c.division_code NULLS LAST, c.name", ids)
    return grouped(ids, rows, "station_id")


async def communities_batch(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """The communities of each station's street (at most 100 stations); one the caller may not see is refused in
    `refused`, and its siblings are answered."""
    ids: list[str] = []
    refused: dict[str, dict[str, Any]] = {}
    for station_id in batch_ids(body, "station_ids"):
        try:
            require_visible(request.actor, station_id)
            ids.append(station_id)
        except Forbidden as error:
            refused[station_id] = error.as_dict()
    return {**within_budget(ids, (await _communities_of(pool, ids, request)).__getitem__), "refused": refused}
