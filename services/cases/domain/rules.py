"""Checks several deciders share; each raises the error that names its field."""

from __future__ import annotations

from datetime import date

from services.cases.domain.errors import BlankField, DateInFuture, NotYourStation, OutOfRange
from shared.contracts import Actor


def require_station(actor: Actor, station_id: str) -> None:
    if not actor.may_act_for(station_id):
        raise NotYourStation(station_id)


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
