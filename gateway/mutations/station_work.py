"""The station's work beyond cases: targets, projects, groups and their sessions, activities, publicity, research.

They share one shape (something is recorded; the answer is its id and a token), so they share this module.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time
from typing import Any

import strawberry

from gateway.context import Context
from gateway.mutations.run import command_resolver, run_command
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
from gateway.volunteer_search.types import PotentialVolunteerMatch
from shared.contracts.errors import DomainError


@strawberry.type(description="Recorded: the id of what was made or changed, and a token to read it back")
class StationWorkRecorded:
    id: strawberry.ID
    group_id: strawberry.ID | None = strawberry.field(description="For a group's member, session or feedback")
    consistency_token: str = strawberry.field(description="Pass to a query to read this write")
    potential_matches: list[PotentialVolunteerMatch] = strawberry.field(
        default_factory=list, description="registerVolunteer: the station's volunteers this one probably is, "
                                          "likeliest first (registered all the same); empty for every other write")


StationWorkResult = result_union("StationWorkResult", StationWorkRecorded)


@strawberry.type(description="The meeting recorded, and the issues it raised: progress them by these ids")
class HoldJointMeetingPayload:
    meeting_id: strawberry.ID
    compound_id: strawberry.ID
    raised_issue_ids: list[strawberry.ID] = strawberry.field(
        description="The ids of raiseIssues, in their order (numbered i1, i2, … per compound)")
    consistency_token: str = strawberry.field(description="Pass to a query to read this write")


HoldJointMeetingResult = result_union("HoldJointMeetingResult", HoldJointMeetingPayload)


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
    communities: list[str] = strawberry.field(
        default_factory=list, description="The street's communities by name or 12-digit code; or communityIds")
    starts_on: date
    ends_on: date
    planned: PlannedOutputsInput = strawberry.field(default_factory=PlannedOutputsInput)
    project_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")
    community_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="The street's communities by id (with or instead of `communities`)")


@strawberry.input
class PlanGroupInput:
    station_id: strawberry.ID
    name: str
    type: GroupType
    target_population: str
    community: str | None = strawberry.field(
        default=None, description="The street's community by name (as written: 一力 社区 is 一力社区) or 12-digit "
                                  "code; or give communityId")
    community_id: strawberry.ID | None = strawberry.field(
        default=None, description="The street's community by id; or name it in `community` (one of the two)")
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
    joined_on: date | None = strawberry.field(default=None, description="Default today (补录: a later entry); "
                                                                       "never before the group was planned")
    member_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


@strawberry.input(description="Hand the group to other leaders")
class ChangeGroupLeadersInput:
    group_id: strawberry.ID
    leader_ids: list[str]
    changed_on: date | None = strawberry.field(default=None, description="Default today; never before the "
                                                                        "group was planned or its last change")


@strawberry.input
class ChangeGroupPhaseInput:
    group_id: strawberry.ID
    phase: GroupPhase
    changed_on: date | None = strawberry.field(default=None, description="Default today; never before the "
                                                                        "group was planned or its last change")


@strawberry.input(description="A session and its sign-in: members present, from the list, and walk-ins; and "
                               "whom it reached indirectly, estimated with its basis")
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
    indirect_beneficiaries: int = strawberry.field(
        default=0, description="间接受益人数: people reached beyond those present (the members' parents, say), "
                               "estimated; counted as the group's indirect person-times, never as an activity")
    indirect_basis: str = strawberry.field(default="", description="How the indirect figure was estimated "
                                                                   "(required when it is above 0)")
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
    recorded_on: date | None = strawberry.field(default=None, description="The day the form was filled in; "
                                                                         "default today; never before the "
                                                                         "member joined")
    feedback_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


@strawberry.input
class CloseGroupInput:
    group_id: strawberry.ID
    closed_on: date
    summary: str


@strawberry.input
class RecordActivityInput:
    station_id: strawberry.ID
    community: str | None = strawberry.field(
        default=None, description="The street's community by name (as written: 一力 社区 is 一力社区) or 12-digit "
                                  "code; or give communityId")
    community_id: strawberry.ID | None = strawberry.field(
        default=None, description="The street's community by id; or name it in `community` (one of the two)")
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
    volunteer_hours: float = strawberry.field(
        default=0, description="An estimate of the hours the activity's volunteers gave, as typed in: shown as "
                               "activityVolunteerHoursEstimate, never added to volunteers' service hours (those "
                               "come from recordVolunteerService)")
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
                                   group_id=group_id and strawberry.ID(group_id),
                                   potential_matches=[PotentialVolunteerMatch.from_row(m)
                                                      for m in data.get("potential_matches", [])])
    return payload


def recorder(endpoint: str, input_type: type, id_field: str) -> Callable[..., Awaitable[Any]]:
    """The resolver of a mutation that sends its input as the activities' `endpoint` command and answers the id
    in `id_field`: every mutation of this module but one has that shape."""
    return command_resolver("activities", endpoint, input_type, StationWorkResult, _recorded(id_field))


set_station_targets = recorder("set_station_targets", SetStationTargetsInput, "station_id")
start_project = recorder("start_project", StartProjectInput, "project_id")
plan_group = recorder("plan_group", PlanGroupInput, "group_id")
add_group_member = recorder("add_group_member", AddGroupMemberInput, "member_id")
change_group_leaders = recorder("change_group_leaders", ChangeGroupLeadersInput, "group_id")
change_group_phase = recorder("change_group_phase", ChangeGroupPhaseInput, "group_id")
record_group_session = recorder("record_group_session", RecordGroupSessionInput, "session_id")
record_group_feedback = recorder("record_group_feedback", RecordGroupFeedbackInput, "feedback_id")
close_group = recorder("close_group", CloseGroupInput, "group_id")
record_activity = recorder("record_activity", RecordActivityInput, "activity_id")
record_publicity = recorder("record_publicity", RecordPublicityInput, "item_id")
record_survey = recorder("record_survey", RecordSurveyInput, "survey_id")


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


join_staff = recorder("join_staff", JoinStaffInput, "staff_id")
record_qualification = recorder("record_qualification", RecordQualificationInput, "staff_id")
move_staff = recorder("move_staff", MoveStaffInput, "staff_id")
staff_leaves = recorder("staff_leaves", StaffLeavesInput, "staff_id")


@strawberry.input
class MapResourceInput:
    station_id: strawberry.ID
    kind: ResourceKind
    name: str
    offers: str = strawberry.field(description="What it can offer: a venue, funds, volunteers, skills…")
    community: str = strawberry.field(default="", description="The street's community by name or 12-digit "
                                                              "code (none: the street at large); or communityId")
    community_id: strawberry.ID | None = strawberry.field(
        default=None, description="The street's community by id; or name it in `community` (one of the two)")
    contact: str = strawberry.field(default="", description="Kept sealed")
    resource_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


@strawberry.input(description="Exactly one of projectId and activityId")
class UseResourceInput:
    resource_id: strawberry.ID
    project_id: strawberry.ID | None = None
    activity_id: strawberry.ID | None = None
    used_on: date | None = strawberry.field(default=None,
        description="The day it was used; default today, never before the project started")


map_resource = recorder("map_resource", MapResourceInput, "resource_id")
use_resource = recorder("use_resource", UseResourceInput, "resource_id")


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


add_compound = recorder("add_compound", AddCompoundInput, "compound_id")
register_operator = recorder("register_operator", RegisterOperatorInput, "operator_id")
award_contract = recorder("award_contract", AwardContractInput, "contract_id")


@strawberry.input(description="The station takes no new work; its records stay")
class CloseStationInput:
    station_id: strawberry.ID
    closed_on: date
    reason: str


close_station = recorder("close_station", CloseStationInput, "station_id")


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
    actions: list[AgreedActionInput] = strawberry.field(
        default_factory=list, description="Numbered a1, a2, … in this order: followUpSupervisionAction's actionId")
    supervision_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


@strawberry.input
class FollowUpSupervisionActionInput:
    supervision_id: strawberry.ID
    action_id: strawberry.ID
    done: bool
    note: str = ""
    followed_up_on: date | None = strawberry.field(default=None, description="Default today; never before the "
                                                                            "supervision")


@strawberry.input(description="推进会 for one or more stations; startsAt with its time zone")
class RecordProjectMeetingInput:
    station_ids: list[strawberry.ID]
    mode: MeetingMode
    starts_at: datetime
    attendees: list[str]
    decisions: list[str] = strawberry.field(default_factory=list)
    action_items: list[str] = strawberry.field(default_factory=list)
    meeting_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


record_supervision = recorder("record_supervision", RecordSupervisionInput, "supervision_id")
follow_up_supervision_action = recorder("follow_up_supervision_action", FollowUpSupervisionActionInput,
                                        "supervision_id")
record_project_meeting = recorder("record_project_meeting", RecordProjectMeetingInput, "meeting_id")


@strawberry.input(description="志愿者登记: name, ID number and contact are sealed with the volunteer's key; ID number "
                              "and contact need the volunteer's consent, a child's data the guardian's")
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
    registered_on: date | None = strawberry.field(
        default=None, description="The day they registered (补录): today (China time) when omitted, never in the "
                                  "future, not before the station opened; a child's age is counted on it")
    consent_given_on: date | None = strawberry.field(
        default=None, description="Date of the separate consent (PIPL art. 29) an ID number or a contact needs, "
                                  "and anything about a volunteer under 14; not after registeredOn")
    consent_purpose: str | None = strawberry.field(default=None, description="What the consent was given for")
    consent_by_guardian: bool = strawberry.field(default=False,
                                                 description="The guardian's consent: required under 14")


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
    designated_on: date | None = strawberry.field(default=None,
        description="The day (补录: entered later); default today, never before the volunteer registered")


@strawberry.input
class EraseVolunteerInput:
    volunteer_id: strawberry.ID
    reason: str


@strawberry.input
class FormVolunteerTeamInput:
    station_id: strawberry.ID
    name: str
    kind: TeamKind
    community: str = strawberry.field(default="", description="The street's community by name or 12-digit "
                                                              "code (none: the street at large); or communityId")
    community_id: strawberry.ID | None = strawberry.field(
        default=None, description="The street's community by id; or name it in `community` (one of the two)")
    formed_on: date | None = strawberry.field(default=None,
        description="The day the team was formed, which the month's figures count by; default today")
    team_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


@strawberry.input
class JoinVolunteerTeamInput:
    team_id: strawberry.ID
    volunteer_id: strawberry.ID
    leader: bool = strawberry.field(default=False, description="A leader of the team (队长)")
    joined_on: date | None = strawberry.field(default=None,
        description="Default today; never before the team formed or the volunteer registered")


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


register_volunteer = recorder("register_volunteer", RegisterVolunteerInput, "volunteer_id")
record_volunteer_service = recorder("record_volunteer_service", RecordVolunteerServiceInput, "record_id")
designate_volunteer_leader = recorder("designate_volunteer_leader", DesignateVolunteerLeaderInput, "volunteer_id")
erase_volunteer = recorder("erase_volunteer", EraseVolunteerInput, "volunteer_id")
form_volunteer_team = recorder("form_volunteer_team", FormVolunteerTeamInput, "team_id")
join_volunteer_team = recorder("join_volunteer_team", JoinVolunteerTeamInput, "team_id")
record_training = recorder("record_training", RecordTrainingInput, "training_id")


@strawberry.input
class RegisterOrganisationInput:
    station_id: strawberry.ID
    name: str
    community: str | None = strawberry.field(
        default=None, description="The street's community by name (as written: 一力 社区 is 一力社区) or 12-digit "
                                  "code; or give communityId")
    community_id: strawberry.ID | None = strawberry.field(
        default=None, description="The street's community by id; or name it in `community` (one of the two)")
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
    changed_on: date | None = strawberry.field(default=None,
        description="Default today; never before the founding, a milestone or the last change")


@strawberry.input
class RecordOrganisationActivityInput:
    organisation_id: strawberry.ID
    held_on: date
    content: str
    participants: int
    project_id: strawberry.ID | None = None
    record_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


register_organisation = recorder("register_organisation", RegisterOrganisationInput, "organisation_id")
record_organisation_milestone = recorder("record_organisation_milestone", RecordOrganisationMilestoneInput,
                                         "organisation_id")
file_organisation = recorder("file_organisation", FileOrganisationInput, "organisation_id")
change_organisation_status = recorder("change_organisation_status", ChangeOrganisationStatusInput, "organisation_id")
record_organisation_activity = recorder("record_organisation_activity", RecordOrganisationActivityInput, "record_id")


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
    progressed_on: date | None = strawberry.field(default=None,
        description="The day of the follow-up or resolution, which issuesResolved counts by; default today, "
                    "never before the issue was raised or last followed up")


set_up_governance = recorder("set_up_governance", SetUpGovernanceInput, "compound_id")
hold_joint_meeting = command_resolver(
    "activities", "hold_joint_meeting", HoldJointMeetingInput, HoldJointMeetingResult,
    lambda data, token: HoldJointMeetingPayload(
        meeting_id=strawberry.ID(data["meeting_id"]), compound_id=strawberry.ID(data["compound_id"]),
        raised_issue_ids=[strawberry.ID(i) for i in data["raised_issue_ids"]], consistency_token=token))
progress_issue = recorder("progress_issue", ProgressIssueInput, "issue_id")


@strawberry.input(description="Submit (and lock) a report: the figures are counted now from the records; a "
                              "resubmission is a corrected version and needs its reason")
class SubmitWorkReportInput:
    station_id: strawberry.ID
    kind: ReportKind
    period_start: date = strawberry.field(description="A day; a Monday for weekly; the 1st for monthly")
    narrative: str
    correction_reason: str = ""
    consistency_token: str | None = strawberry.field(
        default=None, description="The last write's token: the figures are counted once the records have it, and "
                                  "the report is refused (read_models_behind) if they do not have it within 5 s; "
                                  "the answer's token carries it too")


async def submit_work_report(info: strawberry.Info[Context, None], input: SubmitWorkReportInput,
                             idempotency_key: str | None = None) -> StationWorkResult:  # type: ignore[valid-type]
    """The figures are those reporting counts for the period at this moment, locked into the report."""
    try:
        counted = await info.context.query("work_report_figures", {
            "station_id": str(input.station_id), "kind": input.kind.value,
            "period_start": input.period_start.isoformat()}, input.consistency_token, typed=True, fresh=True)
    except DomainError as error:
        return user_error(error)
    fields = {k: v for k, v in dataclasses.asdict(input).items() if k != "consistency_token"}
    command = SubmitWorkReportCommand(**{**fields, "figures": counted["figures"]})
    return await run_command(info, "activities", "submit_work_report", command, idempotency_key,
                             _recorded("report_id"), input.consistency_token)


@dataclasses.dataclass
class SubmitWorkReportCommand:
    station_id: str
    kind: ReportKind
    period_start: date
    narrative: str
    correction_reason: str
    figures: dict[str, float]
