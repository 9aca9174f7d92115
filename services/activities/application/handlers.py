"""Command handlers of the activities service: load what the rule needs, one domain call, append."""

from __future__ import annotations

from services.activities.domain import groups, outreach, places, projects
from services.activities.domain.commands import (
    AddCommunity,
    AddGroupMember,
    ChangeGroupPhase,
    CloseGroup,
    OpenStation,
    PlanGroup,
    RecordActivity,
    RecordGroupFeedback,
    RecordGroupSession,
    RecordPublicity,
    RecordSurvey,
    RegisterStreet,
    SetStationTargets,
    StartProject,
)
from shared.application import CommandHandler, Decider, Unit, execute, load
from shared.eventstore import AppendResult

STREET = Decider(stream_type="street", initial_state=places.STREET, evolve=places.evolve_street)
STATION = Decider(stream_type="station", initial_state=places.STATION, evolve=places.evolve_station)
PROJECT = Decider(stream_type="project", initial_state=projects.PROJECT, evolve=projects.evolve)
GROUP = Decider(stream_type="group", initial_state=groups.GROUP, evolve=groups.evolve)
ACTIVITY = Decider(stream_type="activity", initial_state=outreach.RECORDED, evolve=outreach.evolve)
PUBLICITY = Decider(stream_type="publicity", initial_state=outreach.RECORDED, evolve=outreach.evolve)
SURVEY = Decider(stream_type="survey", initial_state=outreach.RECORDED, evolve=outreach.evolve)


async def register_street(command: RegisterStreet, unit: Unit) -> AppendResult:
    return await execute(unit, STREET, f"street-{command.street_id}",
                         lambda state: places.decide_street(command, state), {"street_id": command.street_id})


async def add_community(command: AddCommunity, unit: Unit) -> AppendResult:
    return await execute(unit, STREET, f"street-{command.street_id}",
                         lambda state: places.decide_street(command, state),
                         {"street_id": command.street_id, "community_id": command.community_id})


async def open_station(command: OpenStation, unit: Unit) -> AppendResult:
    street, _ = await load(unit.store, STREET, f"street-{command.street_id}")
    return await execute(unit, STATION, f"station-{command.station_id}",
                         lambda state: places.open_station(command, street, state), {"station_id": command.station_id})


async def set_station_targets(command: SetStationTargets, unit: Unit) -> AppendResult:
    return await execute(unit, STATION, f"station-{command.station_id}",
                         lambda state: projects.set_targets(command, state), {"station_id": command.station_id})


async def _station(unit: Unit, station_id: str) -> places.Station:
    return (await load(unit.store, STATION, f"station-{station_id}"))[0]


async def _project(unit: Unit, project_id: str | None) -> projects.Project | None:
    return None if project_id is None else (await load(unit.store, PROJECT, f"project-{project_id}"))[0]


async def start_project(command: StartProject, unit: Unit) -> AppendResult:
    station = await _station(unit, command.station_id)
    return await execute(unit, PROJECT, f"project-{command.project_id}",
                         lambda state: projects.start(command, station, state), {"project_id": command.project_id})


async def plan_group(command: PlanGroup, unit: Unit) -> AppendResult:
    station, project = await _station(unit, command.station_id), await _project(unit, command.project_id)
    return await execute(unit, GROUP, f"group-{command.group_id}",
                         lambda state: groups.plan(command, station, project, state), {"group_id": command.group_id})


async def on_group(command: groups.GroupCommand, unit: Unit) -> AppendResult:
    """Any command the group decides alone; it answers the group id and the new entity's id, if any."""
    made = {name: getattr(command, name) for name in ("member_id", "session_id", "feedback_id")
            if hasattr(command, name)}
    return await execute(unit, GROUP, f"group-{command.group_id}", lambda state: groups.decide(command, state),
                         {"group_id": command.group_id, **made})


async def record_activity(command: RecordActivity, unit: Unit) -> AppendResult:
    station, project = await _station(unit, command.station_id), await _project(unit, command.project_id)
    return await execute(unit, ACTIVITY, f"activity-{command.activity_id}",
                         lambda state: outreach.record_activity(command, station, project, state),
                         {"activity_id": command.activity_id})


async def record_publicity(command: RecordPublicity, unit: Unit) -> AppendResult:
    station, project = await _station(unit, command.station_id), await _project(unit, command.project_id)
    activity = None if command.activity_id is None else (
        await load(unit.store, ACTIVITY, f"activity-{command.activity_id}"))[0]
    return await execute(unit, PUBLICITY, f"publicity-{command.item_id}",
                         lambda state: outreach.record_publicity(command, station, project, activity, state),
                         {"item_id": command.item_id})


async def record_survey(command: RecordSurvey, unit: Unit) -> AppendResult:
    station = await _station(unit, command.station_id)
    return await execute(unit, SURVEY, f"survey-{command.survey_id}",
                         lambda state: outreach.record_survey(command, station, state),
                         {"survey_id": command.survey_id})


ROUTES: dict[type, CommandHandler] = {
    RegisterStreet: register_street,
    AddCommunity: add_community,
    OpenStation: open_station,
    SetStationTargets: set_station_targets,
    StartProject: start_project,
    PlanGroup: plan_group,
    AddGroupMember: on_group,
    ChangeGroupPhase: on_group,
    RecordGroupSession: on_group,
    RecordGroupFeedback: on_group,
    CloseGroup: on_group,
    RecordActivity: record_activity,
    RecordPublicity: record_publicity,
    RecordSurvey: record_survey,
}
