"""The street's resource map (资源图): organisations, venues, firms and people that can help, and what used them."""

from __future__ import annotations

from dataclasses import dataclass

from services.activities.domain.commands import MapResource, UseResource
from services.activities.domain.errors import AlreadyExists, NotFoundHere, UsedByWhat
from services.activities.domain.outreach import Recorded
from services.activities.domain.places import STREET, Station, Street, community_named, require_open
from services.activities.domain.projects import Project
from services.activities.domain.rules import (
    require_own_activity,
    require_own_project,
    require_recorder,
)
from shared.contracts.activities import ResourceMapped, ResourceUsed
from shared.rules import happened_on, require_text, unseen


@dataclass(frozen=True)
class Resource:
    mapped: bool = False
    station_id: str = ""


RESOURCE = Resource()


def map_resource(command: MapResource, station: Station, state: Resource, street: Street = STREET) -> list[object]:
    """A resource of a community of the station's `street`, or of the street at large (none named)."""
    if state.mapped:
        raise AlreadyExists("资源", "The resource", "resourceId")
    require_open(station, command.station_id)
    require_recorder(command.actor, command.station_id)
    community_id, community = community_named(street, command.community_id, command.community, required=False)
    return [ResourceMapped(resource_id=command.resource_id, station_id=command.station_id, kind=command.kind,
                           name=require_text("name", command.name), community=community,
                           community_id=community_id, offers=require_text("offers", command.offers),
                           contact=command.contact.strip() or None)]


def use(command: UseResource, state: Resource, project: Project | None, activity: Recorded | None) -> list[object]:
    """Exactly one of a project or an activity of the resource's own station."""
    if not state.mapped or unseen(command.actor, state.station_id):
        raise NotFoundHere("资源", "resource", command.resource_id, "resourceId")
    require_recorder(command.actor, state.station_id, field="resourceId")
    if (command.project_id is None) == (command.activity_id is None):
        raise UsedByWhat()
    require_own_project(command.actor, project, command.project_id, state.station_id)
    require_own_activity(command.actor, activity, command.activity_id, state.station_id)
    used_on = happened_on("usedOn", command.used_on, command.today,
                          (project.starts_on if project is not None and command.project_id else None,
                           "项目开始日期", "the project's start"))
    return [ResourceUsed(resource_id=command.resource_id, station_id=state.station_id, project_id=command.project_id,
                         activity_id=command.activity_id, used_on=used_on)]


def evolve(state: Resource, event: object) -> Resource:
    match event:
        case ResourceMapped(station_id=station_id):
            return Resource(mapped=True, station_id=station_id)
    return state
