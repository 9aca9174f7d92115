"""Community social organisations (社区社会组织): incubated, filed (备案), active, dormant or dissolved."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from services.activities.domain.commands import (
    ChangeOrganisationStatus,
    FileOrganisation,
    RecordOrganisationActivity,
    RecordOrganisationMilestone,
    RegisterOrganisation,
)
from services.activities.domain.errors import (
    AlreadyExists,
    DateBeforeThe,
    MilestonesMissing,
    NotFoundHere,
    OutsideProject,
    StatusOrder,
)
from services.activities.domain.places import STREET, Station, Street, community_named, require_open
from services.activities.domain.projects import Project
from services.activities.domain.rules import require_own_project, require_recorder
from shared.contracts import Actor
from shared.contracts.activities import (
    IncubationMilestone,
    OrganisationActivityHeld,
    OrganisationFiled,
    OrganisationMilestoneReached,
    OrganisationRegistered,
    OrganisationStatus,
    OrganisationStatusChanged,
)
from shared.rules import happened_on, require_not_future, require_range, require_text, unseen

NEXT: dict[OrganisationStatus, tuple[OrganisationStatus, ...]] = {
    OrganisationStatus.INCUBATING: (OrganisationStatus.DISSOLVED,),
    OrganisationStatus.FILED: (OrganisationStatus.ACTIVE, OrganisationStatus.DORMANT, OrganisationStatus.DISSOLVED),
    OrganisationStatus.ACTIVE: (OrganisationStatus.DORMANT, OrganisationStatus.DISSOLVED),
    OrganisationStatus.DORMANT: (OrganisationStatus.ACTIVE, OrganisationStatus.DISSOLVED),
    OrganisationStatus.DISSOLVED: (),
}
"""Where each status may go by `ChangeOrganisationStatus`; incubating → filed is `FileOrganisation`."""


@dataclass(frozen=True)
class Organisation:
    registered: bool = False
    station_id: str = ""
    founded_on: date = date.min
    status: OrganisationStatus = OrganisationStatus.INCUBATING
    milestones: frozenset[IncubationMilestone] = frozenset()
    last_milestone_on: date = date.min
    changed_on: date = date.min
    """The day of the last change of status."""
    record_ids: frozenset[str] = frozenset()


ORGANISATION = Organisation()


def register(command: RegisterOrganisation, station: Station, state: Organisation,
             street: Street = STREET) -> list[object]:
    """An organisation of a community of the station's `street` (see `community_named`)."""
    if state.registered:
        raise AlreadyExists("社会组织", "The organisation", "organisationId")
    require_open(station, command.station_id)
    require_recorder(command.actor, command.station_id)
    require_not_future("foundedOn", command.founded_on, command.today)
    require_range("members", command.members, 1, 100_000)
    community_id, community = community_named(street, command.community_id, command.community)
    return [OrganisationRegistered(
        organisation_id=command.organisation_id, station_id=command.station_id,
        name=require_text("name", command.name), community=community, community_id=community_id,
        type=command.type, leader=command.leader.strip() or None, members=command.members,
        founded_on=command.founded_on)]


def _current(organisation_id: str, state: Organisation, actor: Actor) -> Organisation:
    """A registered organisation of a station the caller sees (another station's is not found)."""
    if not state.registered or unseen(actor, state.station_id):
        raise NotFoundHere("社会组织", "organisation", organisation_id, "organisationId")
    return state


def milestone(command: RecordOrganisationMilestone, state: Organisation) -> list[object]:
    organisation = _current(command.organisation_id, state, command.actor)
    require_recorder(command.actor, organisation.station_id, field="organisationId")
    if command.milestone in organisation.milestones:
        raise AlreadyExists("该培育节点", "The milestone", "milestone")
    require_not_future("reachedOn", command.reached_on, command.today)
    if command.reached_on < organisation.founded_on:
        raise DateBeforeThe("reachedOn", "成立日期", "founding")
    return [OrganisationMilestoneReached(organisation_id=command.organisation_id,
                                         station_id=organisation.station_id, milestone=command.milestone,
                                         reached_on=command.reached_on)]


def file(command: FileOrganisation, state: Organisation) -> list[object]:
    organisation = _current(command.organisation_id, state, command.actor)
    require_recorder(command.actor, organisation.station_id, field="organisationId")
    if organisation.status != OrganisationStatus.INCUBATING:
        raise StatusOrder(organisation.status.value, OrganisationStatus.FILED.value, field="organisationId")
    missing = [m.value for m in IncubationMilestone if m not in organisation.milestones]
    if missing:
        raise MilestonesMissing(missing)
    require_not_future("filedOn", command.filed_on, command.today)
    if command.filed_on < max(organisation.founded_on, organisation.last_milestone_on):
        raise DateBeforeThe("filedOn", "成立或培育节点日期", "founding or the milestones")
    return [OrganisationFiled(organisation_id=command.organisation_id, station_id=organisation.station_id,
                              filing_number=require_text("filingNumber", command.filing_number),
                              filed_on=command.filed_on)]


def change_status(command: ChangeOrganisationStatus, state: Organisation) -> list[object]:
    organisation = _current(command.organisation_id, state, command.actor)
    require_recorder(command.actor, organisation.station_id, field="organisationId")
    if command.status not in NEXT[organisation.status]:
        raise StatusOrder(organisation.status.value, command.status.value)
    changed_on = happened_on("changedOn", command.changed_on, command.today,
                             (max(organisation.founded_on, organisation.last_milestone_on, organisation.changed_on),
                              "成立、培育节点或上次状态变更的日期",
                              "the founding, the milestones or the last change of status"))
    return [OrganisationStatusChanged(organisation_id=command.organisation_id, station_id=organisation.station_id,
                                      status=command.status, changed_on=changed_on, reason=command.reason.strip())]


def record_activity(command: RecordOrganisationActivity, project: Project | None,
                    state: Organisation) -> list[object]:
    organisation = _current(command.organisation_id, state, command.actor)
    require_recorder(command.actor, organisation.station_id, field="organisationId")
    if organisation.status == OrganisationStatus.DISSOLVED:
        raise StatusOrder(organisation.status.value, "activity", field="organisationId")
    if command.record_id in organisation.record_ids:
        raise AlreadyExists(f"活动记录 {command.record_id}", f"Record {command.record_id}", "recordId")
    require_own_project(command.actor, project, command.project_id, organisation.station_id)
    require_not_future("heldOn", command.held_on, command.today)
    if project is not None and not project.starts_on <= command.held_on <= project.ends_on:
        raise OutsideProject(project.starts_on, project.ends_on)  # it counts in the project's progress
    require_range("participants", command.participants, 0, 100_000)
    return [OrganisationActivityHeld(organisation_id=command.organisation_id, station_id=organisation.station_id,
                                     record_id=command.record_id, held_on=command.held_on,
                                     content=require_text("content", command.content),
                                     participants=command.participants, project_id=command.project_id)]


def evolve(state: Organisation, event: object) -> Organisation:
    match event:
        case OrganisationRegistered(station_id=station_id, founded_on=founded_on):
            return Organisation(registered=True, station_id=station_id, founded_on=founded_on)
        case OrganisationMilestoneReached(milestone=reached, reached_on=reached_on):
            return replace(state, milestones=state.milestones | {reached},
                           last_milestone_on=max(state.last_milestone_on, reached_on))
        case OrganisationFiled(filed_on=filed_on):
            return replace(state, status=OrganisationStatus.FILED, changed_on=max(state.changed_on, filed_on))
        case OrganisationStatusChanged(status=status, changed_on=changed_on):
            return replace(state, status=status, changed_on=max(state.changed_on, changed_on))
        case OrganisationActivityHeld(record_id=record_id):
            return replace(state, record_ids=state.record_ids | {record_id})
    return state
