"""Who records the station's work, and the checks its deciders share."""

from __future__ import annotations

from typing import Protocol

from services.activities.domain.errors import NotFoundHere, NotOfThisStation, OnlyTheBureau, ReadOnlyRole
from shared.contracts import Actor, Role
from shared.rules import require_station, unseen

RECORDERS = (Role.SOCIAL_WORKER, Role.STATION_HEAD, Role.PROJECT_DIRECTOR, Role.SYSTEM)
"""Station staff and the operating organisation's project director record; supervisors and the bureau read."""


def require_recorder(actor: Actor, station_id: str, field: str = "stationId") -> None:
    require_station(actor, station_id, field=field)
    if actor.role not in RECORDERS:
        raise ReadOnlyRole(actor.role.value)


def require_bureau(actor: Actor) -> None:
    """Streets, stations, operators and targets are the district bureau's (or the system's)."""
    if actor.role not in (Role.DISTRICT_BUREAU, Role.SYSTEM):
        raise OnlyTheBureau()


def require_same_station(station_id: str, owner: str, what_zh: str, what_en: str, field: str) -> None:
    """A reference (a project, an activity) must be the station's own."""
    if owner != station_id:
        raise NotOfThisStation(what_zh, what_en, field)


class _Project(Protocol):
    @property
    def started(self) -> bool: ...
    @property
    def station_id(self) -> str: ...


class _Activity(Protocol):
    @property
    def recorded(self) -> bool: ...
    @property
    def station_id(self) -> str: ...


def require_own_project(actor: Actor, project: _Project | None, project_id: str | None, station_id: str) -> None:
    """A project referred to (when one is) must have been started, at this station; another station's that the
    caller does not see is not found, in the words of one that does not exist."""
    if project is not None:
        if not project.started or unseen(actor, project.station_id):
            raise NotFoundHere("项目", "project", str(project_id), "projectId")
        require_same_station(station_id, project.station_id, "该项目", "project", "projectId")


def require_own_activity(actor: Actor, activity: _Activity | None, activity_id: str | None,
                         station_id: str) -> None:
    """An activity referred to (when one is) must have been recorded, at this station (or is not found, as
    a project)."""
    if activity is not None:
        if not activity.recorded or unseen(actor, activity.station_id):
            raise NotFoundHere("活动", "activity", str(activity_id), "activityId")
        require_same_station(station_id, activity.station_id, "该活动", "activity", "activityId")
