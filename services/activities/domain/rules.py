"""Who records the station's work, and the checks its deciders share."""

from __future__ import annotations

from services.activities.domain.errors import NotOfThisStation, ReadOnlyRole
from shared.contracts import Actor, Role
from shared.rules import require_station

RECORDERS = (Role.SOCIAL_WORKER, Role.STATION_HEAD, Role.PROJECT_DIRECTOR, Role.SYSTEM)
"""Station staff and the operating organisation's project director record; supervisors and the bureau read."""


def require_recorder(actor: Actor, station_id: str, field: str = "stationId") -> None:
    require_station(actor, station_id, field=field)
    if actor.role not in RECORDERS:
        raise ReadOnlyRole(actor.role.value)


def require_same_station(station_id: str, owner: str, what_zh: str, what_en: str, field: str) -> None:
    """A reference (a project, an activity) must be the station's own."""
    if owner != station_id:
        raise NotOfThisStation(what_zh, what_en, field)
