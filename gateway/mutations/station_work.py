"""The station's work beyond cases: targets, projects, groups and their sessions, activities, publicity, research.

They share one shape (something is recorded; the answer is its id and a token), so they share this module.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time
from typing import Any

import strawberry

from gateway.context import Context
from gateway.mutations.run import run_command
from gateway.types.errors import result_union, user_error
from gateway.types.work import (
    ActivityKind,
    AgeGroup,
    GroupPhase,
    GroupType,
    IncubationMilestone,
    IssueStatus,
    MeetingMode,
    OrganisationStatus,
    OrganisationType,
    PublicityKind,
    PublicityLevel,
    QualificationKind,
    ReportKind,
    ResourceKind,
    StaffRole,
    Stakeholder,
    SupervisorKind,
    SurveyMethod,
    TeamKind,
)
from shared.contracts.errors import DomainError


@strawberry.type(description="Recorded: the id of what was made or changed, and a token to read it back")
class StationWorkRecorded:
    id: strawberry.ID
    group_id: strawberry.ID | None = strawberry.field(description="For a group's member, session or feedback")
    consistency_token: str = strawberry.field(description="Pass to a query to read this write")


StationWorkResult = result_union("StationWorkResult", StationWorkRecorded)


@strawberry.input(description="The bureau's targets for a station's year")
class SetStationTargetsInput:
    station_id: strawberry.ID
    year: int
    projects: int = 2
    groups: int = 0
    activities: int = 0
    person_times: int = strawberry.field(default=0, description="Direct person-times")


@strawberry.input
class PlannedOutputsInput:
    groups: int = 0
    group_sessions: int = 0
    activities: int = 0
    person_times: int = 0


@strawberry.input
class StartProjectInput:
    station_id: strawberry.ID
    name: str
    aims: str
    target_population: str
    communities: list[str]
    starts_on: date
    ends_on: date
    planned: PlannedOutputsInput = strawberry.field(default_factory=PlannedOutputsInput)
    project_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


@strawberry.input
class PlanGroupInput:
    station_id: strawberry.ID
    name: str
    type: GroupType
    target_population: str
    community: str
    leader_ids: list[str]
    planned_sessions: int
    project_id: strawberry.ID | None = None
    planned_on: date | None = strawberry.field(default=None, description="Default today; the year's targets "
                                                                        "count groups by it")
    group_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


@strawberry.input(description="A member by name (sealed), and the recipient they are, if they are one")
class AddGroupMemberInput:
    group_id: strawberry.ID
    name: str
    recipient_id: strawberry.ID | None = None
    member_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


@strawberry.input(description="Hand the group to other leaders")
class ChangeGroupLeadersInput:
    group_id: strawberry.ID
    leader_ids: list[str]


@strawberry.input
class ChangeGroupPhaseInput:
    group_id: strawberry.ID
    phase: GroupPhase


@strawberry.input(description="A session and its sign-in: members present, from the list, and walk-ins")
class RecordGroupSessionInput:
    group_id: strawberry.ID
    held_on: date
    duration_minutes: int
    place: str
    theme: str
    goals: str = ""
    expected: int | None = strawberry.field(default=None, description="Default: every member")
    present_member_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    walk_ins: int = 0
    content: str = ""
    observations: str = ""
    goal_attainment: int | None = strawberry.field(default=None, description="1 (not at all) to 5 (fully)")
    reflection: str = ""
    session_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


@strawberry.input(description="反馈表: satisfaction 1 to 5; the comment is sealed")
class RecordGroupFeedbackInput:
    group_id: strawberry.ID
    member_id: strawberry.ID
    satisfaction: int
    session_number: int | None = strawberry.field(default=None, description="Omit for the end-of-group form")
    comment: str = ""
    pre_score: float | None = None
    post_score: float | None = None
    feedback_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


@strawberry.input
class CloseGroupInput:
    group_id: strawberry.ID
    closed_on: date
    summary: str


@strawberry.input
class RecordActivityInput:
    station_id: strawberry.ID
    community: str
    title: str
    kind: ActivityKind
    held_on: date
    place: str
    direct_participants: int
    indirect_beneficiaries: int = 0
    indirect_basis: str = strawberry.field(default="", description="How the indirect figure was estimated")
    organisers: list[str] = strawberry.field(default_factory=list)
    partners: list[str] = strawberry.field(default_factory=list)
    volunteers: int = 0
    volunteer_hours: float = 0
    references: list[str] = strawberry.field(default_factory=list, description="Links to photos, reports")
    project_id: strawberry.ID | None = None
    activity_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


@strawberry.input
class RecordPublicityInput:
    station_id: strawberry.ID
    kind: PublicityKind
    title: str
    outlet: str
    level: PublicityLevel
    published_on: date
    link: str = ""
    audience: int | None = strawberry.field(default=None, description="e.g. a forum's listeners")
    activity_id: strawberry.ID | None = None
    project_id: strawberry.ID | None = None
    item_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


@strawberry.input
class NeedFoundInput:
    area: str
    population: str
    description: str


@strawberry.input
class RecordSurveyInput:
    station_id: strawberry.ID
    title: str
    method: SurveyMethod
    starts_on: date
    ends_on: date
    distributed: int = 0
    returned: int | None = strawberry.field(default=None, description="Omit when not counted")
    needs: list[NeedFoundInput] = strawberry.field(default_factory=list)
    survey_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


def _recorded(id_field: str) -> Any:
    def payload(data: dict[str, Any], token: str) -> StationWorkRecorded:
        group_id = data.get("group_id") if id_field != "group_id" else None
        return StationWorkRecorded(id=strawberry.ID(str(data[id_field])), consistency_token=token,
                                   group_id=group_id and strawberry.ID(group_id))
    return payload


async def _record(info: strawberry.Info[Context, None], endpoint: str, input_: object, key: str | None,
                  id_field: str) -> StationWorkResult:  # type: ignore[valid-type]
    return await run_command(info, "activities", endpoint, input_, key, _recorded(id_field))


async def set_station_targets(info: strawberry.Info[Context, None], input: SetStationTargetsInput,
                              idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "set_station_targets", input, idempotency_key, "station_id")


async def start_project(info: strawberry.Info[Context, None], input: StartProjectInput,
                        idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "start_project", input, idempotency_key, "project_id")


async def plan_group(info: strawberry.Info[Context, None], input: PlanGroupInput,
                     idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "plan_group", input, idempotency_key, "group_id")


async def add_group_member(info: strawberry.Info[Context, None], input: AddGroupMemberInput,
                           idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "add_group_member", input, idempotency_key, "member_id")


async def change_group_leaders(info: strawberry.Info[Context, None], input: ChangeGroupLeadersInput,
                               idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "change_group_leaders", input, idempotency_key, "group_id")


async def change_group_phase(info: strawberry.Info[Context, None], input: ChangeGroupPhaseInput,
                             idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "change_group_phase", input, idempotency_key, "group_id")


async def record_group_session(info: strawberry.Info[Context, None], input: RecordGroupSessionInput,
                               idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "record_group_session", input, idempotency_key, "session_id")


async def record_group_feedback(info: strawberry.Info[Context, None], input: RecordGroupFeedbackInput,
                                idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "record_group_feedback", input, idempotency_key, "feedback_id")


async def close_group(info: strawberry.Info[Context, None], input: CloseGroupInput,
                      idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "close_group", input, idempotency_key, "group_id")


async def record_activity(info: strawberry.Info[Context, None], input: RecordActivityInput,
                          idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "record_activity", input, idempotency_key, "activity_id")


async def record_publicity(info: strawberry.Info[Context, None], input: RecordPublicityInput,
                           idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "record_publicity", input, idempotency_key, "item_id")


async def record_survey(info: strawberry.Info[Context, None], input: RecordSurveyInput,
                        idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "record_survey", input, idempotency_key, "survey_id")


@strawberry.input(description="staffId is the subject the person signs in with (e.g. sw-hsp-2)")
class JoinStaffInput:
    staff_id: strawberry.ID
    name: str
    role: StaffRole
    station_ids: list[strawberry.ID]
    joined_on: date


@strawberry.input
class RecordQualificationInput:
    staff_id: strawberry.ID
    kind: QualificationKind
    obtained_on: date
    certificate_number: str = ""


@strawberry.input(description="Refused while they carry open cases or groups at a station they leave")
class MoveStaffInput:
    staff_id: strawberry.ID
    to_station_ids: list[strawberry.ID]
    moved_on: date


@strawberry.input(description="Refused while they carry open cases or groups; the refusal names each")
class StaffLeavesInput:
    staff_id: strawberry.ID
    left_on: date
    reason: str


async def join_staff(info: strawberry.Info[Context, None], input: JoinStaffInput,
                     idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "join_staff", input, idempotency_key, "staff_id")


async def record_qualification(info: strawberry.Info[Context, None], input: RecordQualificationInput,
                               idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "record_qualification", input, idempotency_key, "staff_id")


async def move_staff(info: strawberry.Info[Context, None], input: MoveStaffInput,
                     idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "move_staff", input, idempotency_key, "staff_id")


async def staff_leaves(info: strawberry.Info[Context, None], input: StaffLeavesInput,
                       idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "staff_leaves", input, idempotency_key, "staff_id")


@strawberry.input
class MapResourceInput:
    station_id: strawberry.ID
    kind: ResourceKind
    name: str
    offers: str = strawberry.field(description="What it can offer: a venue, funds, volunteers, skills…")
    community: str = ""
    contact: str = strawberry.field(default="", description="Kept sealed")
    resource_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


@strawberry.input(description="Exactly one of projectId and activityId")
class UseResourceInput:
    resource_id: strawberry.ID
    project_id: strawberry.ID | None = None
    activity_id: strawberry.ID | None = None


async def map_resource(info: strawberry.Info[Context, None], input: MapResourceInput,
                       idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "map_resource", input, idempotency_key, "resource_id")


async def use_resource(info: strawberry.Info[Context, None], input: UseResourceInput,
                       idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "use_resource", input, idempotency_key, "resource_id")


@strawberry.input(description="小区 in a community of the street")
class AddCompoundInput:
    street_id: strawberry.ID
    community_id: strawberry.ID
    name: str
    compound_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


@strawberry.input
class RegisterOperatorInput:
    name: str
    operator_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


@strawberry.input(description="The streets whose stations the organisation runs, and the period")
class AwardContractInput:
    operator_id: strawberry.ID
    street_ids: list[strawberry.ID]
    starts_on: date
    ends_on: date
    contract_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


async def add_compound(info: strawberry.Info[Context, None], input: AddCompoundInput,
                       idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "add_compound", input, idempotency_key, "compound_id")


async def register_operator(info: strawberry.Info[Context, None], input: RegisterOperatorInput,
                            idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "register_operator", input, idempotency_key, "operator_id")


async def award_contract(info: strawberry.Info[Context, None], input: AwardContractInput,
                         idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "award_contract", input, idempotency_key, "contract_id")


@strawberry.input(description="The station takes no new work; its records stay")
class CloseStationInput:
    station_id: strawberry.ID
    closed_on: date
    reason: str


async def close_station(info: strawberry.Info[Context, None], input: CloseStationInput,
                        idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "close_station", input, idempotency_key, "station_id")


@strawberry.input
class AgreedActionInput:
    description: str
    owner: str
    due_on: date


@strawberry.input(description="督导: a supervisor, the station head or the project director records it")
class RecordSupervisionInput:
    station_id: strawberry.ID
    supervisor_id: str
    supervisor_kind: SupervisorKind
    staff_ids: list[str]
    held_on: date
    hours: float
    topics: list[str]
    cases_reviewed: int = 0
    actions: list[AgreedActionInput] = strawberry.field(default_factory=list)
    supervision_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


@strawberry.input
class FollowUpSupervisionActionInput:
    supervision_id: strawberry.ID
    action_id: strawberry.ID
    done: bool
    note: str = ""


@strawberry.input(description="推进会 for one or more stations; startsAt with its time zone")
class RecordProjectMeetingInput:
    station_ids: list[strawberry.ID]
    mode: MeetingMode
    starts_at: datetime
    attendees: list[str]
    decisions: list[str] = strawberry.field(default_factory=list)
    action_items: list[str] = strawberry.field(default_factory=list)
    meeting_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


async def record_supervision(info: strawberry.Info[Context, None], input: RecordSupervisionInput,
                             idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "record_supervision", input, idempotency_key, "supervision_id")


async def follow_up_supervision_action(info: strawberry.Info[Context, None], input: FollowUpSupervisionActionInput,
                                       idempotency_key: str | None = None
                                       ) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "follow_up_supervision_action", input, idempotency_key, "supervision_id")


async def record_project_meeting(info: strawberry.Info[Context, None], input: RecordProjectMeetingInput,
                                 idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "record_project_meeting", input, idempotency_key, "meeting_id")


@strawberry.input(description="志愿者登记: name, ID number and contact are sealed with the volunteer's key")
class RegisterVolunteerInput:
    station_id: strawberry.ID
    name: str
    gender: str
    age_group: AgeGroup
    birth_year: int | None = None
    birth_date: date | None = None
    id_number: str | None = strawberry.field(default=None, description="居民身份证号码, checked (GB 11643)")
    contact: str = ""
    residence_area: str = ""
    skills: list[str] = strawberry.field(default_factory=list)
    service_categories: list[str] = strawberry.field(default_factory=list)
    party_member: bool = False
    volunteer_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


@strawberry.input(description="Hours actually served; within startsAt–endsAt when given")
class RecordVolunteerServiceInput:
    volunteer_id: strawberry.ID
    served_on: date
    place: str
    content: str
    hours: float
    organising_unit: str
    person_in_charge: str
    starts_at: time | None = None
    ends_at: time | None = None
    activity_id: strawberry.ID | None = None
    record_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


@strawberry.input
class DesignateVolunteerLeaderInput:
    volunteer_id: strawberry.ID
    note: str = ""


@strawberry.input
class EraseVolunteerInput:
    volunteer_id: strawberry.ID
    reason: str


@strawberry.input
class FormVolunteerTeamInput:
    station_id: strawberry.ID
    name: str
    kind: TeamKind
    community: str = ""
    team_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


@strawberry.input
class JoinVolunteerTeamInput:
    team_id: strawberry.ID
    volunteer_id: strawberry.ID
    leader: bool = strawberry.field(default=False, description="A leader of the team (队长)")


@strawberry.input
class RecordTrainingInput:
    station_id: strawberry.ID
    name: str
    content: str
    hours: float
    organiser: str
    held_on: date
    attendee_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    training_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


async def register_volunteer(info: strawberry.Info[Context, None], input: RegisterVolunteerInput,
                             idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "register_volunteer", input, idempotency_key, "volunteer_id")


async def record_volunteer_service(info: strawberry.Info[Context, None], input: RecordVolunteerServiceInput,
                                   idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "record_volunteer_service", input, idempotency_key, "record_id")


async def designate_volunteer_leader(info: strawberry.Info[Context, None], input: DesignateVolunteerLeaderInput,
                                     idempotency_key: str | None = None
                                     ) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "designate_volunteer_leader", input, idempotency_key, "volunteer_id")


async def erase_volunteer(info: strawberry.Info[Context, None], input: EraseVolunteerInput,
                          idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "erase_volunteer", input, idempotency_key, "volunteer_id")


async def form_volunteer_team(info: strawberry.Info[Context, None], input: FormVolunteerTeamInput,
                              idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "form_volunteer_team", input, idempotency_key, "team_id")


async def join_volunteer_team(info: strawberry.Info[Context, None], input: JoinVolunteerTeamInput,
                              idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "join_volunteer_team", input, idempotency_key, "team_id")


async def record_training(info: strawberry.Info[Context, None], input: RecordTrainingInput,
                          idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "record_training", input, idempotency_key, "training_id")


@strawberry.input
class RegisterOrganisationInput:
    station_id: strawberry.ID
    name: str
    community: str
    type: OrganisationType
    leader: str
    members: int
    founded_on: date
    organisation_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


@strawberry.input
class RecordOrganisationMilestoneInput:
    organisation_id: strawberry.ID
    milestone: IncubationMilestone
    reached_on: date


@strawberry.input(description="备案: only once the leader, the charter and a first activity are there")
class FileOrganisationInput:
    organisation_id: strawberry.ID
    filing_number: str
    filed_on: date


@strawberry.input
class ChangeOrganisationStatusInput:
    organisation_id: strawberry.ID
    status: OrganisationStatus
    reason: str = ""


@strawberry.input
class RecordOrganisationActivityInput:
    organisation_id: strawberry.ID
    held_on: date
    content: str
    participants: int
    project_id: strawberry.ID | None = None
    record_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


async def register_organisation(info: strawberry.Info[Context, None], input: RegisterOrganisationInput,
                                idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "register_organisation", input, idempotency_key, "organisation_id")


async def record_organisation_milestone(info: strawberry.Info[Context, None], input: RecordOrganisationMilestoneInput,
                                        idempotency_key: str | None = None
                                        ) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "record_organisation_milestone", input, idempotency_key, "organisation_id")


async def file_organisation(info: strawberry.Info[Context, None], input: FileOrganisationInput,
                            idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "file_organisation", input, idempotency_key, "organisation_id")


async def change_organisation_status(info: strawberry.Info[Context, None], input: ChangeOrganisationStatusInput,
                                     idempotency_key: str | None = None
                                     ) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "change_organisation_status", input, idempotency_key, "organisation_id")


async def record_organisation_activity(info: strawberry.Info[Context, None], input: RecordOrganisationActivityInput,
                                       idempotency_key: str | None = None
                                       ) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "record_organisation_activity", input, idempotency_key, "record_id")


@strawberry.input(description="A compound's governance bodies and the stakeholders taking part; again to update")
class SetUpGovernanceInput:
    compound_id: strawberry.ID
    station_id: strawberry.ID
    party_branch: str = ""
    owners_committee: str = ""
    supervisory_committee: str = ""
    property_company: str = ""
    stakeholders: list[Stakeholder] = strawberry.field(default_factory=list)


@strawberry.input
class NewIssueInput:
    title: str
    owner: str
    due_on: date


@strawberry.input
class IssueUpdateInput:
    issue_id: strawberry.ID
    status: IssueStatus
    note: str = ""


@strawberry.input(description="联席会议: issues raised here are numbered i1, i2, … per compound")
class HoldJointMeetingInput:
    compound_id: strawberry.ID
    held_on: date
    present: list[Stakeholder]
    agenda: list[str]
    minutes: str
    raise_issues: list[NewIssueInput] = strawberry.field(default_factory=list)
    progress: list[IssueUpdateInput] = strawberry.field(default_factory=list)
    meeting_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


@strawberry.input(description="The station follows an issue up, or records it resolved or escalated")
class ProgressIssueInput:
    compound_id: strawberry.ID
    issue_id: strawberry.ID
    status: IssueStatus
    note: str


async def set_up_governance(info: strawberry.Info[Context, None], input: SetUpGovernanceInput,
                            idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "set_up_governance", input, idempotency_key, "compound_id")


async def hold_joint_meeting(info: strawberry.Info[Context, None], input: HoldJointMeetingInput,
                             idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "hold_joint_meeting", input, idempotency_key, "meeting_id")


async def progress_issue(info: strawberry.Info[Context, None], input: ProgressIssueInput,
                         idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    return await _record(info, "progress_issue", input, idempotency_key, "issue_id")


@strawberry.input(description="Submit (and lock) a report: the figures are counted now from the records; a "
                              "resubmission is a corrected version and needs its reason")
class SubmitWorkReportInput:
    station_id: strawberry.ID
    kind: ReportKind
    period_start: date = strawberry.field(description="A day; a Monday for weekly; the 1st for monthly")
    narrative: str
    correction_reason: str = ""
    consistency_token: str | None = strawberry.field(
        default=None, description="The last write's token: the figures are counted once the records have it")


async def submit_work_report(info: strawberry.Info[Context, None], input: SubmitWorkReportInput,
                             idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    """The figures are those reporting counts for the period at this moment, locked into the report."""
    try:
        counted = await info.context.query("work_report_figures", {
            "station_id": str(input.station_id), "kind": input.kind.value,
            "period_start": input.period_start.isoformat()}, input.consistency_token, typed=True)
    except DomainError as error:
        return user_error(error)
    fields = {k: v for k, v in dataclasses.asdict(input).items() if k != "consistency_token"}
    command = SubmitWorkReportCommand(**{**fields, "figures": counted["figures"]})
    return await _record(info, "submit_work_report", command, idempotency_key, "report_id")


@dataclasses.dataclass
class SubmitWorkReportCommand:
    station_id: str
    kind: ReportKind
    period_start: date
    narrative: str
    correction_reason: str
    figures: dict[str, float]
