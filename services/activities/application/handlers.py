"""Command handlers of the activities service: load what the rule needs, one domain call, append."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from services.activities.application.lookups import EVERY_STREAM, Lookups
from services.activities.application.working_calendar import calendar_between, on_working_year
from services.activities.domain import (
    governance,
    groups,
    organisations,
    outreach,
    places,
    projects,
    references,
    reports,
    resources,
    staff,
    supervision,
    volunteers,
)
from services.activities.domain.commands import (
    AddCommunity,
    AddCompound,
    AddGroupMember,
    AwardContract,
    ChangeGroupLeaders,
    ChangeGroupPhase,
    ChangeOrganisationStatus,
    CloseGroup,
    CloseStation,
    DesignateVolunteerLeader,
    EraseVolunteer,
    FileOrganisation,
    FollowUpSupervisionAction,
    FormVolunteerTeam,
    HoldJointMeeting,
    JoinStaff,
    JoinVolunteerTeam,
    MapResource,
    MoveStaff,
    OpenStation,
    PlanGroup,
    ProgressIssue,
    RecordActivity,
    RecordGroupFeedback,
    RecordGroupSession,
    RecordOrganisationActivity,
    RecordOrganisationMilestone,
    RecordProjectMeeting,
    RecordPublicity,
    RecordQualification,
    RecordSupervision,
    RecordSurvey,
    RecordTraining,
    RecordVolunteerService,
    RegisterOperator,
    RegisterOrganisation,
    RegisterStreet,
    RegisterVolunteer,
    SetStationTargets,
    SetUpGovernance,
    StaffLeaves,
    StartProject,
    SubmitWorkReport,
    UseResource,
)
from services.activities.domain.volunteer_search import Registrant
from services.activities.domain.working_calendar import DECIDES
from shared.application import CommandHandler, Decider, Unit, execute, execute_across, execute_telling, load
from shared.contracts.activities import JointMeetingHeld
from shared.eventstore import AppendResult, EventStore
from shared.kernel.matching import PotentialMatch

STREET = Decider(stream_type="street", initial_state=places.STREET, evolve=places.evolve_street)
OPERATOR = Decider(stream_type="operator", initial_state=places.OPERATOR, evolve=places.evolve_operator)
CLAIM = Decider(stream_type="division_code", initial_state=places.UNCLAIMED, evolve=places.evolve_claim)
STATION = Decider(stream_type="station", initial_state=places.STATION, evolve=places.evolve_station)
PROJECT = Decider(stream_type="project", initial_state=projects.PROJECT, evolve=projects.evolve)
GROUP = Decider(stream_type="group", initial_state=groups.GROUP, evolve=groups.evolve)
ACTIVITY = Decider(stream_type="activity", initial_state=outreach.RECORDED, evolve=outreach.evolve)
PUBLICITY = Decider(stream_type="publicity", initial_state=outreach.RECORDED, evolve=outreach.evolve)
SURVEY = Decider(stream_type="survey", initial_state=outreach.RECORDED, evolve=outreach.evolve)
STAFF = Decider(stream_type="staff", initial_state=staff.STAFF, evolve=staff.evolve)
SUPERVISION = Decider(stream_type="supervision", initial_state=supervision.SUPERVISION, evolve=supervision.evolve)
MEETING = Decider(stream_type="meeting", initial_state=supervision.MEETING, evolve=supervision.evolve_meeting)
VOLUNTEER = Decider(stream_type="volunteer", initial_state=volunteers.VOLUNTEER, evolve=volunteers.evolve)
TEAM = Decider(stream_type="volunteer_team", initial_state=volunteers.TEAM, evolve=volunteers.evolve_team)
TRAINING = Decider(stream_type="training", initial_state=False, evolve=lambda _, __: True)
ORGANISATION = Decider(stream_type="organisation", initial_state=organisations.ORGANISATION,
                       evolve=organisations.evolve)
GOVERNANCE = Decider(stream_type="governance", initial_state=governance.GOVERNANCE, evolve=governance.evolve)
REPORT = Decider(stream_type="work_report", initial_state=reports.REPORT, evolve=reports.evolve)
RESOURCE = Decider(stream_type="resource", initial_state=resources.RESOURCE, evolve=resources.evolve)


class OpenCases(Protocol):
    """Who carries which open case: the cases service's, as this service follows them."""

    async def open_cases(self, worker_id: str,
                         station_ids: tuple[str, ...]) -> list[tuple[str, str, int | None, int]]:
        """(case id, station id, number, year of intake) of each."""


class VolunteersOnRecord(Protocol):
    """The volunteers already on record, as the search index finds them."""

    async def like(self, store: EventStore, station_id: str, new: Registrant) -> list[PotentialMatch]:
        """The volunteers of the station `new` probably is, likeliest first."""


class Recipients(Protocol):
    """The cases service's recipients, as this service follows them (a moment behind)."""

    async def recipient(self, recipient_id: str) -> references.FollowedRecipient | None:
        """The recipient, waiting a little for one not heard of yet; None if it still has not come."""


async def register_street(command: RegisterStreet, unit: Unit) -> AppendResult:
    return await _street_with_code(command, unit, {"street_id": command.street_id})


async def add_community(command: AddCommunity, unit: Unit) -> AppendResult:
    return await _street_with_code(command, unit, {"street_id": command.street_id,
                                                   "community_id": command.community_id})


async def _street_with_code(command: RegisterStreet | AddCommunity, unit: Unit,
                            result: dict[str, str]) -> AppendResult:
    """A division code is taken in its own stream, with the street's events: a code is one place's."""
    street = f"street-{command.street_id}"
    if command.division_code is None:
        return await execute(unit, STREET, street, lambda state: places.decide_street(command, state), result)
    return await execute_across(unit, [(CLAIM, f"division_code-{command.division_code}"), (STREET, street)],
                                lambda states: places.decide_coded(command, states[1], states[0]), result)


async def add_compound(command: AddCompound, unit: Unit) -> AppendResult:
    return await execute(unit, STREET, f"street-{command.street_id}",
                         lambda state: places.decide_street(command, state),
                         {"street_id": command.street_id, "compound_id": command.compound_id})


async def register_operator(command: RegisterOperator, unit: Unit) -> AppendResult:
    return await execute(unit, OPERATOR, f"operator-{command.operator_id}",
                         lambda state: places.decide_operator(command, {}, state), {"operator_id": command.operator_id})


def place_routes(lookups: Lookups = EVERY_STREAM) -> dict[type, CommandHandler]:
    """Awarding a contract and opening a station weigh other aggregates of their type: the lookups name the few
    that can matter (application/lookups.py), and only those are loaded."""

    async def award_contract(command: AwardContract, unit: Unit) -> AppendResult:
        streets = {s: (await load(unit.store, STREET, f"street-{s}"))[0] for s in dict.fromkeys(command.street_ids)}
        holding = await lookups.operators_holding(unit.store, command.contract_id, command.street_ids)
        every_contract = tuple(c for operator in await _loaded(unit, OPERATOR, holding) for c in operator.contracts)
        return await execute(unit, OPERATOR, f"operator-{command.operator_id}",
                             lambda state: places.decide_operator(command, streets, state, every_contract),
                             {"operator_id": command.operator_id, "contract_id": command.contract_id})

    async def open_station(command: OpenStation, unit: Unit) -> AppendResult:
        street, _ = await load(unit.store, STREET, f"street-{command.street_id}")
        others = tuple(await _loaded(unit, STATION, await lookups.stations_sharing(unit.store, command.street_id,
                                                                                   command.code)))
        return await execute(unit, STATION, f"station-{command.station_id}",
                             lambda state: places.open_station(command, street, state, others),
                             {"station_id": command.station_id})

    return {AwardContract: award_contract, OpenStation: open_station}


async def _loaded(unit: Unit, decider: Decider[Any], stream_ids: Sequence[str]) -> list[Any]:
    """The aggregates of these streams."""
    return [(await load(unit.store, decider, stream_id))[0] for stream_id in stream_ids]


async def close_station(command: CloseStation, unit: Unit) -> AppendResult:
    return await execute(unit, STATION, f"station-{command.station_id}",
                         lambda state: places.close_station(command, state), {"station_id": command.station_id})


async def set_station_targets(command: SetStationTargets, unit: Unit) -> AppendResult:
    return await execute(unit, STATION, f"station-{command.station_id}",
                         lambda state: projects.set_targets(command, state), {"station_id": command.station_id})


async def _station(unit: Unit, station_id: str) -> places.Station:
    return (await load(unit.store, STATION, f"station-{station_id}"))[0]


async def _street_of(unit: Unit, station: places.Station) -> places.Street:
    """The station's street, whose communities the station's records name: one stream, by the station's id."""
    return (await load(unit.store, STREET, f"street-{station.street_id}"))[0] if station.street_id else places.STREET


async def _project(unit: Unit, project_id: str | None) -> projects.Project | None:
    return None if project_id is None else (await load(unit.store, PROJECT, f"project-{project_id}"))[0]


async def start_project(command: StartProject, unit: Unit) -> AppendResult:
    station = await _station(unit, command.station_id)
    street = await _street_of(unit, station)
    return await execute(unit, PROJECT, f"project-{command.project_id}",
                         lambda state: projects.start(command, station, state, street),
                         {"project_id": command.project_id})


async def _staff_named(unit: Unit, staff_ids: Sequence[str]) -> dict[str, staff.Staff]:
    return {s: (await load(unit.store, STAFF, _staff_stream(s)))[0] for s in dict.fromkeys(staff_ids)}


async def plan_group(command: PlanGroup, unit: Unit) -> AppendResult:
    station, project = await _station(unit, command.station_id), await _project(unit, command.project_id)
    leaders, street = await _staff_named(unit, command.leader_ids), await _street_of(unit, station)
    return await execute(unit, GROUP, f"group-{command.group_id}",
                         lambda state: groups.plan(command, station, project, leaders, state, street),
                         {"group_id": command.group_id})


async def change_group_leaders(command: ChangeGroupLeaders, unit: Unit) -> AppendResult:
    leaders = await _staff_named(unit, command.leader_ids)
    return await execute(unit, GROUP, f"group-{command.group_id}",
                         lambda state: groups.change_leaders(command, leaders, state), {"group_id": command.group_id})


def member_routes(recipients: Recipients) -> dict[type, CommandHandler]:
    """Adding a member looks up their recipient, as this service follows the cases service."""

    async def add_group_member(command: AddGroupMember, unit: Unit) -> AppendResult:
        known = None if command.recipient_id is None else await recipients.recipient(command.recipient_id)
        return await execute(unit, GROUP, f"group-{command.group_id}",
                             lambda state: groups.add_member(command, known, state),
                             {"group_id": command.group_id, "member_id": command.member_id})

    return {AddGroupMember: add_group_member}


async def on_group(command: groups.GroupCommand, unit: Unit) -> AppendResult:
    """Any command the group decides alone; it answers the group id and the new entity's id, if any."""
    made = {name: getattr(command, name) for name in ("member_id", "session_id", "feedback_id")
            if hasattr(command, name)}
    return await execute(unit, GROUP, f"group-{command.group_id}", lambda state: groups.decide(command, state),
                         {"group_id": command.group_id, **made})


async def record_activity(command: RecordActivity, unit: Unit) -> AppendResult:
    station, project = await _station(unit, command.station_id), await _project(unit, command.project_id)
    street = await _street_of(unit, station)
    return await execute(unit, ACTIVITY, f"activity-{command.activity_id}",
                         lambda state: outreach.record_activity(command, station, project, state, street),
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


async def record_supervision(command: RecordSupervision, unit: Unit) -> AppendResult:
    station = await _station(unit, command.station_id)
    return await execute(unit, SUPERVISION, f"supervision-{command.supervision_id}",
                         lambda state: supervision.record(command, station, state),
                         {"supervision_id": command.supervision_id})


async def follow_up_supervision_action(command: FollowUpSupervisionAction, unit: Unit) -> AppendResult:
    return await execute(unit, SUPERVISION, f"supervision-{command.supervision_id}",
                         lambda state: supervision.follow_up(command, state),
                         {"supervision_id": command.supervision_id, "action_id": command.action_id})


async def record_project_meeting(command: RecordProjectMeeting, unit: Unit) -> AppendResult:
    stations = await _stations(unit, command.station_ids)
    return await execute(unit, MEETING, f"meeting-{command.meeting_id}",
                         lambda state: supervision.record_meeting(command, stations, state),
                         {"meeting_id": command.meeting_id})


def _volunteer_stream(volunteer_id: str) -> str:
    return f"volunteer-{volunteer_id}"


def volunteer_routes(on_record: VolunteersOnRecord) -> dict[type, CommandHandler]:
    """Registering a volunteer answers, beside the new id, the volunteers of the station it probably repeats
    (looked up in the search index): the registration is made all the same, for the station to merge or not."""

    async def register_volunteer(command: RegisterVolunteer, unit: Unit) -> AppendResult:
        station = await _station(unit, command.station_id)
        new = Registrant(name=command.name, gender=command.gender, id_number=command.id_number,
                         birth_year=command.birth_date.year if command.birth_date else command.birth_year,
                         contact=command.contact, residence_area=command.residence_area)
        like = await on_record.like(unit.store, command.station_id, new)
        return await execute(unit, VOLUNTEER, _volunteer_stream(command.volunteer_id),
                             lambda state: volunteers.register(command, station, state),
                             {"volunteer_id": command.volunteer_id,
                              "potential_matches": [{"volunteer_id": m.record_id, "likelihood": m.likelihood,
                                                     "reasons": [r.value for r in m.reasons]} for m in like]})

    return {RegisterVolunteer: register_volunteer}


async def on_volunteer(command: DesignateVolunteerLeader | EraseVolunteer, unit: Unit) -> AppendResult:
    decide = {DesignateVolunteerLeader: volunteers.designate_leader, EraseVolunteer: volunteers.erase}[type(command)]
    return await execute(unit, VOLUNTEER, _volunteer_stream(command.volunteer_id),
                         lambda state: decide(command, state),  # type: ignore[operator]
                         {"volunteer_id": command.volunteer_id})


async def record_volunteer_service(command: RecordVolunteerService, unit: Unit) -> AppendResult:
    """Late or not by China's working days (with the bureau's declarations of the years it spans), at a
    community activity of the volunteer's station when one is named."""
    calendar = await calendar_between(unit.store, command.served_on, command.today)
    activity = None if command.activity_id is None else (
        await load(unit.store, ACTIVITY, f"activity-{command.activity_id}"))[0]
    return await execute(unit, VOLUNTEER, _volunteer_stream(command.volunteer_id),
                         lambda state: volunteers.record_service_at(command, activity, state, calendar=calendar),
                         {"volunteer_id": command.volunteer_id, "record_id": command.record_id})


async def form_volunteer_team(command: FormVolunteerTeam, unit: Unit) -> AppendResult:
    station = await _station(unit, command.station_id)
    street = await _street_of(unit, station)
    return await execute(unit, TEAM, f"volunteer_team-{command.team_id}",
                         lambda state: volunteers.form_team(command, station, state, street),
                         {"team_id": command.team_id})


async def join_volunteer_team(command: JoinVolunteerTeam, unit: Unit) -> AppendResult:
    volunteer, _ = await load(unit.store, VOLUNTEER, _volunteer_stream(command.volunteer_id))
    return await execute(unit, TEAM, f"volunteer_team-{command.team_id}",
                         lambda state: volunteers.join_team(command, volunteer, state),
                         {"team_id": command.team_id, "volunteer_id": command.volunteer_id})


async def record_training(command: RecordTraining, unit: Unit) -> AppendResult:
    station = await _station(unit, command.station_id)
    attendees = {v: (await load(unit.store, VOLUNTEER, _volunteer_stream(v)))[0]
                 for v in dict.fromkeys(command.attendee_ids)}
    return await execute(unit, TRAINING, f"training-{command.training_id}",
                         lambda already: volunteers.record_training(command, station, attendees, already),
                         {"training_id": command.training_id})


def _organisation_stream(organisation_id: str) -> str:
    return f"organisation-{organisation_id}"


async def register_organisation(command: RegisterOrganisation, unit: Unit) -> AppendResult:
    station = await _station(unit, command.station_id)
    street = await _street_of(unit, station)
    return await execute(unit, ORGANISATION, _organisation_stream(command.organisation_id),
                         lambda state: organisations.register(command, station, state, street),
                         {"organisation_id": command.organisation_id})


async def on_organisation(command: RecordOrganisationMilestone | FileOrganisation | ChangeOrganisationStatus,
                          unit: Unit) -> AppendResult:
    decide = {RecordOrganisationMilestone: organisations.milestone, FileOrganisation: organisations.file,
              ChangeOrganisationStatus: organisations.change_status}[type(command)]
    return await execute(unit, ORGANISATION, _organisation_stream(command.organisation_id),
                         lambda state: decide(command, state),  # type: ignore[operator]
                         {"organisation_id": command.organisation_id})


async def record_organisation_activity(command: RecordOrganisationActivity, unit: Unit) -> AppendResult:
    project = await _project(unit, command.project_id)
    return await execute(unit, ORGANISATION, _organisation_stream(command.organisation_id),
                         lambda state: organisations.record_activity(command, project, state),
                         {"organisation_id": command.organisation_id, "record_id": command.record_id})


async def set_up_governance(command: SetUpGovernance, unit: Unit) -> AppendResult:
    station = await _station(unit, command.station_id)
    street = await _street_of(unit, station)
    return await execute(unit, GOVERNANCE, f"governance-{command.compound_id}",
                         lambda state: governance.set_up(command, station, street, state),
                         {"compound_id": command.compound_id})


async def hold_joint_meeting(command: HoldJointMeeting, unit: Unit) -> AppendResult:
    """The meeting, answering the ids of the issues it raised (numbered as it is decided)."""
    return await execute_telling(
        unit, GOVERNANCE, f"governance-{command.compound_id}", lambda state: governance.hold_meeting(command, state),
        {"compound_id": command.compound_id, "meeting_id": command.meeting_id},
        lambda events: {"raised_issue_ids": [i.issue_id for e in events if isinstance(e, JointMeetingHeld)
                                             for i in e.raised]})


async def progress_issue(command: ProgressIssue, unit: Unit) -> AppendResult:
    return await execute(unit, GOVERNANCE, f"governance-{command.compound_id}",
                         lambda state: governance.progress(command, state),
                         {"compound_id": command.compound_id, "issue_id": command.issue_id})


async def submit_work_report(command: SubmitWorkReport, unit: Unit) -> AppendResult:
    station = await _station(unit, command.station_id)
    report_id = reports.report_id(command.station_id, command.kind, command.period_start)
    return await execute(unit, REPORT, f"work_report-{report_id}",
                         lambda state: reports.submit(command, station, state), {"report_id": report_id})


async def map_resource(command: MapResource, unit: Unit) -> AppendResult:
    station = await _station(unit, command.station_id)
    street = await _street_of(unit, station)
    return await execute(unit, RESOURCE, f"resource-{command.resource_id}",
                         lambda state: resources.map_resource(command, station, state, street),
                         {"resource_id": command.resource_id})


async def use_resource(command: UseResource, unit: Unit) -> AppendResult:
    project = await _project(unit, command.project_id)
    activity = None if command.activity_id is None else (
        await load(unit.store, ACTIVITY, f"activity-{command.activity_id}"))[0]
    return await execute(unit, RESOURCE, f"resource-{command.resource_id}",
                         lambda state: resources.use(command, state, project, activity),
                         {"resource_id": command.resource_id})


async def _stations(unit: Unit, station_ids: Sequence[str]) -> dict[str, places.Station]:
    return {s: await _station(unit, s) for s in dict.fromkeys(station_ids)}


def _staff_stream(staff_id: str) -> str:
    return f"staff-{staff_id}"


async def join_staff(command: JoinStaff, unit: Unit) -> AppendResult:
    stations = await _stations(unit, command.station_ids)
    return await execute(unit, STAFF, _staff_stream(command.staff_id),
                         lambda state: staff.join(command, stations, state), {"staff_id": command.staff_id})


async def record_qualification(command: RecordQualification, unit: Unit) -> AppendResult:
    return await execute(unit, STAFF, _staff_stream(command.staff_id),
                         lambda state: staff.record_qualification(command, state), {"staff_id": command.staff_id})


async def open_work(unit: Unit, cases: OpenCases, staff_id: str, station_ids: tuple[str, ...],
                    lookups: Lookups = EVERY_STREAM) -> staff.OpenWork:
    """The open cases and groups someone carries at these stations, named as users know them
    (HSP-2026-0042; a group by its name). Leaving no station, there is nothing to look up; the groups loaded are
    those the lookups say the staff member leads there."""
    if not station_ids:
        return staff.OpenWork(cases=(), groups=())
    codes = {s: station.code for s, station in (await _stations(unit, station_ids)).items()}
    carried = [case_id if number is None else f"{codes.get(station_id, '?')}-{year}-{number:04d}"
               for case_id, station_id, number, year in await cases.open_cases(staff_id, station_ids)]
    led = []
    for stream_id in await lookups.groups_led(unit.store, staff_id, station_ids):
        group, _ = await load(unit.store, GROUP, stream_id)
        if groups.led_by(group, staff_id, station_ids):
            led.append(group.name)
    return staff.OpenWork(cases=tuple(carried), groups=tuple(led))


def staff_routes(cases: OpenCases, lookups: Lookups = EVERY_STREAM) -> dict[type, CommandHandler]:
    """Moving and leaving look up the open work; the lookups of cases and groups come from the running service."""

    async def move_staff(command: MoveStaff, unit: Unit) -> AppendResult:
        current, _ = await load(unit.store, STAFF, _staff_stream(command.staff_id))
        work = await open_work(unit, cases, command.staff_id, staff.leaving(current, command.to_station_ids),
                               lookups)
        stations = await _stations(unit, command.to_station_ids)
        return await execute(unit, STAFF, _staff_stream(command.staff_id),
                             lambda state: staff.move(command, stations, work, state), {"staff_id": command.staff_id})

    async def staff_leaves(command: StaffLeaves, unit: Unit) -> AppendResult:
        current, _ = await load(unit.store, STAFF, _staff_stream(command.staff_id))
        work = await open_work(unit, cases, command.staff_id, staff.leaving(current), lookups)
        return await execute(unit, STAFF, _staff_stream(command.staff_id),
                             lambda state: staff.leave(command, work, state), {"staff_id": command.staff_id})

    return {MoveStaff: move_staff, StaffLeaves: staff_leaves}


def routes(cases: OpenCases, recipients: Recipients, on_record: VolunteersOnRecord,
           lookups: Lookups = EVERY_STREAM) -> dict[type, CommandHandler]:
    from services.activities.application import street_meetings  # it loads through this module's deciders

    return {**ROUTES, **place_routes(lookups), **street_meetings.ROUTES, **staff_routes(cases, lookups),
            **member_routes(recipients), **volunteer_routes(on_record)}


ROUTES: dict[type, CommandHandler] = {
    RegisterStreet: register_street,
    AddCommunity: add_community,
    CloseStation: close_station,
    AddCompound: add_compound,
    RegisterOperator: register_operator,
    **place_routes(),
    SetStationTargets: set_station_targets,
    StartProject: start_project,
    PlanGroup: plan_group,
    ChangeGroupLeaders: change_group_leaders,
    ChangeGroupPhase: on_group,
    RecordGroupSession: on_group,
    RecordGroupFeedback: on_group,
    CloseGroup: on_group,
    RecordActivity: record_activity,
    RecordPublicity: record_publicity,
    RecordSurvey: record_survey,
    JoinStaff: join_staff,
    RecordQualification: record_qualification,
    MapResource: map_resource,
    SubmitWorkReport: submit_work_report,
    SetUpGovernance: set_up_governance,
    HoldJointMeeting: hold_joint_meeting,
    ProgressIssue: progress_issue,
    RegisterOrganisation: register_organisation,
    RecordOrganisationMilestone: on_organisation,
    FileOrganisation: on_organisation,
    ChangeOrganisationStatus: on_organisation,
    RecordOrganisationActivity: record_organisation_activity,
    RecordVolunteerService: record_volunteer_service,
    DesignateVolunteerLeader: on_volunteer,
    EraseVolunteer: on_volunteer,
    FormVolunteerTeam: form_volunteer_team,
    JoinVolunteerTeam: join_volunteer_team,
    RecordTraining: record_training,
    RecordSupervision: record_supervision,
    FollowUpSupervisionAction: follow_up_supervision_action,
    RecordProjectMeeting: record_project_meeting,
    UseResource: use_resource,
    **{command: on_working_year for command in DECIDES},
}
"""Every command but those that need the cases or recipients this service follows, or the volunteers on record
(see `routes`)."""
