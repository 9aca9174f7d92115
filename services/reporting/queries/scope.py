"""The caller's stations, as a SQL filter: every query is scoped by the service, not only the gateway."""

from __future__ import annotations

from shared.contracts import Actor


def visible_stations(actor: Actor) -> list[str] | None:
    """None when the caller sees every station, else the stations they may see."""
    return None if actor.sees_every_station else list(actor.station_ids)
