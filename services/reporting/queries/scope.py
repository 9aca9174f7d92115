"""The caller's stations, as a SQL filter: every query is scoped by the service, not only the gateway."""

from __future__ import annotations

from typing import Any

from shared.contracts import Actor
from shared.contracts.errors import Forbidden, Message


def visible_stations(actor: Actor) -> list[str] | None:
    """None when the caller sees every station, else the stations they may see."""
    return None if actor.sees_every_station else list(actor.station_ids)


def station_scope(prefix: str = "") -> str:
    """SQL for "a station the caller sees ($1: their stations, null for every one) and, if asked ($2), that
    one"; `prefix` names the table (`"c."`)."""
    return f"($1::text[] IS NULL OR {prefix}station_id = ANY($1)) AND ($2::text IS NULL OR {prefix}station_id = $2)"


def listed(sql: str) -> str:
    """A statement of `station_scope()` for a list of stations that is never null ($1): the same rows, but each
    table read by its station index whatever plan the server keeps. Written `$1 IS NULL OR ...`, a statement is
    planned afresh only for its first five calls on a connection; the generic plan PostgreSQL then keeps cannot
    use the station column, and reads every station's rows of the period (a province's, for one district)."""
    return sql.replace("$1::text[] IS NULL OR ", "")


def by_station(sql: str, stations: list[str] | None, station_id: str | None) -> tuple[str, list[str] | None]:
    """A statement of `station_scope()` and its $1, read through the station index when stations are named (one
    station, or the caller's list: `listed`); as it is for every station."""
    if station_id is not None and stations is None:
        stations = [station_id]
    return (sql, None) if stations is None else (listed(sql), stations)


def require_visible(actor: Actor, station_id: str) -> None:
    """A station named outright that the caller may not see is refused, not answered empty."""
    if not actor.may_act_for(station_id):
        raise Forbidden(Message(zh=f"您无权查看社工站 {station_id}", en=f"You may not see station {station_id}"),
                        field="stationId")


def scope_args(actor: Actor, body: dict[str, Any]) -> list[Any]:
    """$1 and $2 of `station_scope()`: the caller's stations, and the station the query names (refused when it
    is not one of theirs, as `cases` and the dashboards refuse it, rather than answered empty)."""
    station_id = body.get("station_id")
    if station_id is not None:
        require_visible(actor, str(station_id))
    return [visible_stations(actor), station_id]
