"""A station's projects (项目) and the yearly targets the bureau sets it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.activities.domain.commands import SetStationTargets, StartProject
from services.activities.domain.errors import AlreadyExists, EndsBeforeStart
from services.activities.domain.places import STREET, Station, Street, community_named, require_open
from services.activities.domain.rules import require_bureau, require_recorder
from shared.contracts.activities import ProjectStarted, StationTargetsSet
from shared.rules import require_range, require_text, words


@dataclass(frozen=True)
class Project:
    started: bool = False
    station_id: str = ""
    starts_on: date = date.min
    ends_on: date = date.max


PROJECT = Project()


def set_targets(command: SetStationTargets, station: Station) -> list[object]:
    require_bureau(command.actor)
    require_open(station, command.station_id)
    require_range("year", command.year, 2015, command.today.year + 1)
    for name in ("projects", "groups", "activities", "person_times"):
        require_range(name, getattr(command, name), 0, 1_000_000)
    return [StationTargetsSet(station_id=command.station_id, year=command.year, projects=command.projects,
                              groups=command.groups, activities=command.activities,
                              person_times=command.person_times, set_by=command.actor.subject)]


def start(command: StartProject, station: Station, state: Project, street: Street = STREET) -> list[object]:
    """The project's communities are the station's `street`'s (see `community_named`), each once."""
    if state.started:
        raise AlreadyExists("项目", "The project", "projectId")
    require_open(station, command.station_id)
    require_recorder(command.actor, command.station_id)
    if command.ends_on < command.starts_on:
        raise EndsBeforeStart("endsOn")
    planned = command.planned
    for name in ("groups", "group_sessions", "activities", "person_times"):
        require_range(f"planned.{name}", getattr(planned, name), 0, 1_000_000)
    named = [community_named(street, community_id, "", "communities", id_field="communityIds")
             for community_id in words(command.community_ids)]
    named += [community_named(street, None, text, "communities", id_field="communityIds")
              for text in words(command.communities)]
    communities = tuple(dict.fromkeys(name for _, name in named))
    ids = tuple(dict.fromkeys(community_id for community_id, _ in named if community_id is not None))
    return [ProjectStarted(
        project_id=command.project_id, station_id=command.station_id, name=require_text("name", command.name),
        aims=require_text("aims", command.aims), target_population=command.target_population.strip(),
        communities=communities, community_ids=ids if len(ids) == len(communities) else (),
        starts_on=command.starts_on, ends_on=command.ends_on,
        planned=planned)]


def evolve(state: Project, event: object) -> Project:
    match event:
        case ProjectStarted(station_id=station_id, starts_on=starts_on, ends_on=ends_on):
            return Project(started=True, station_id=station_id, starts_on=starts_on, ends_on=ends_on)
    return state
