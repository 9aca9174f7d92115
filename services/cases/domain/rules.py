"""Checks several deciders share; each raises the error that names its field."""

from __future__ import annotations

from services.cases.domain.errors import ReadOnlyRole
from shared.contracts import Actor, Role
from shared.rules import happened_on, require_not_future, require_range, require_station, require_text, unseen

__all__ = ["EDITORS", "happened_on", "require_editor", "require_not_future", "require_range", "require_station",
           "require_text", "unseen"]

EDITORS = (Role.SOCIAL_WORKER, Role.STATION_HEAD, Role.SYSTEM)
"""Who records case content; the bureau, directors and supervisors read (supervisors also approve)."""


def require_editor(actor: Actor, station_id: str, field: str = "stationId") -> None:
    """The caller works at the station, as a social worker or its head: the only ones who write case content."""
    require_station(actor, station_id, field)
    if actor.role not in EDITORS:
        raise ReadOnlyRole(actor.role.value)
