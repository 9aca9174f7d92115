"""Checks several deciders share; each raises the error that names its field."""

from __future__ import annotations

from datetime import date

from services.cases.domain.errors import BlankField, DateInFuture, NotYourStation, OutOfRange, ReadOnlyRole
from shared.contracts import Actor, Role

EDITORS = (Role.SOCIAL_WORKER, Role.STATION_HEAD, Role.SYSTEM)
"""Who records case content; the bureau, directors and supervisors read (supervisors also approve)."""


def require_station(actor: Actor, station_id: str) -> None:
    if not actor.may_act_for(station_id):
        raise NotYourStation(station_id)


def require_editor(actor: Actor, station_id: str, field: str = "stationId") -> None:
    """The caller works at the station, as a social worker or its head: the only ones who write case content."""
    if not actor.may_act_for(station_id):
        raise NotYourStation(station_id, field=field)
    if actor.role not in EDITORS:
        raise ReadOnlyRole(actor.role.value)


def require_not_future(field: str, value: date, today: date) -> None:
    if value > today:
        raise DateInFuture(field, value)


def require_text(field: str, value: str) -> str:
    if not value.strip():
        raise BlankField(field)
    return value.strip()


def require_range(field: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise OutOfRange(field, low, high)
