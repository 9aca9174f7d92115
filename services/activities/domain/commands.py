"""What users ask the activities service to do: places and stations, projects, groups, activities, publicity,
needs research."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Annotated, ClassVar

from shared.contracts import Actor
from shared.contracts.activities import (
    ActivityKind,
    AgeGroup,
    CommunityKind,
    GroupPhase,
    GroupType,
    IncubationMilestone,
    IssueStatus,
    MeetingMode,
    NeedFound,
    OrganisationStatus,
    OrganisationType,
    PlannedOutputs,
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
from shared.contracts.fields import MANY, Code, Codes, Note, PersonName, Place, Reason, Title, Words


@dataclass(frozen=True, kw_only=True)
class RegisterStreet:
    """Register a street (街道) of the district."""

    new_id: ClassVar[str] = "street_id"

    actor: Actor
    today: date
    street_id: str
    name: Title
    district: Place
    district_code: Code | None = None
    """GB/T 2260, 6 digits (430103); optional over NATS for old callers, required through GraphQL."""
    division_code: Code | None = None
    """统计用区划代码 of the street, 12 digits beginning with the district's code (430103010000)."""


@dataclass(frozen=True, kw_only=True)
class AddCommunity:
    """Add a community (社区) or village (村) to a street."""

    new_id: ClassVar[str] = "community_id"

    actor: Actor
    today: date
    street_id: str
    community_id: str
    name: Title
    kind: CommunityKind = CommunityKind.COMMUNITY
    division_code: Code | None = None
    """统计用区划代码 of the community, 12 digits beginning with its street's first 9 (430103010001)."""


@dataclass(frozen=True, kw_only=True)
class OpenStation:
    """Open a street's social work station."""

    new_id: ClassVar[str] = "station_id"

    actor: Actor
    today: date
    station_id: str
    street_id: str
    name: Title
    code: Code
    opened_on: date


@dataclass(frozen=True, kw_only=True)
class SetStationTargets:
    """The bureau sets a station's targets for a year (at least 2 projects, …)."""

    actor: Actor
    today: date
    station_id: str
    year: int
    projects: int = 2
    groups: int = 0
    activities: int = 0
    person_times: int = 0


@dataclass(frozen=True, kw_only=True)
class StartProject:
    """Start a station's social-work project with its aims, communities, period and planned outputs."""

    new_id: ClassVar[str] = "project_id"

    actor: Actor
    today: date
    project_id: str
    station_id: str
    name: Title
    aims: Note
    target_population: Title
    communities: Words = ()
    """The street's communities by name or 12-digit code; `community_ids` may name them instead."""
    starts_on: date
    ends_on: date
    planned: PlannedOutputs = field(default_factory=PlannedOutputs)
    community_ids: Codes = ()


@dataclass(frozen=True, kw_only=True)
class PlanGroup:
    """Plan a group: type, target population, leaders, planned sessions, and its project if any."""

    new_id: ClassVar[str] = "group_id"

    actor: Actor
    today: date
    group_id: str
    station_id: str
    name: Title
    type: GroupType
    target_population: Title
    community: Place = ""
    community_id: str | None = None
    """The street's community by id (or its global id); `community` may name it instead, by name or code."""
    leader_ids: Codes
    planned_sessions: int
    project_id: str | None = None
    planned_on: date | None = None
    """The day the group was planned (default: today), which the year's targets count by."""


@dataclass(frozen=True, kw_only=True)
class AddGroupMember:
    """Put someone on the group's member list (a recipient of the station, or anyone by name)."""

    new_id: ClassVar[str] = "member_id"

    actor: Actor
    today: date
    group_id: str
    member_id: str
    name: PersonName
    recipient_id: str | None = None
    joined_on: date | None = None
    """The day they joined (补录: entered later); default today."""


@dataclass(frozen=True, kw_only=True)
class ChangeGroupLeaders:
    """Hand the group to other leaders (a leader leaving the station, say)."""

    actor: Actor
    today: date
    group_id: str
    leader_ids: Codes
    changed_on: date | None = None
    """The day of the handover; default today."""


@dataclass(frozen=True, kw_only=True)
class ChangeGroupPhase:
    """Move the group on: preparation → forming → working → ending (closing is CloseGroup)."""

    actor: Actor
    today: date
    group_id: str
    phase: GroupPhase
    changed_on: date | None = None
    """The day the group moved on; default today."""


@dataclass(frozen=True, kw_only=True)
class RecordGroupSession:
    """Record a session with its sign-in: members present (from the list) and walk-ins, and the people it
    reached indirectly (the members' parents, say), estimated with its basis."""

    new_id: ClassVar[str] = "session_id"

    actor: Actor
    today: date
    group_id: str
    session_id: str
    held_on: date
    duration_minutes: int
    place: Place
    theme: Title
    goals: Note = ""
    expected: int | None = None
    present_member_ids: Codes = ()
    walk_ins: int = 0
    content: Note = ""
    observations: Note = ""
    goal_attainment: int | None = None
    reflection: Note = ""
    indirect_beneficiaries: int = 0
    indirect_basis: Reason = ""


@dataclass(frozen=True, kw_only=True)
class RecordGroupFeedback:
    """A member's feedback form: satisfaction 1 to 5, words, pre- and post-test scores where used."""

    new_id: ClassVar[str] = "feedback_id"

    actor: Actor
    today: date
    group_id: str
    feedback_id: str
    member_id: str
    satisfaction: int
    session_number: int | None = None
    comment: Reason = ""
    pre_score: float | None = None
    post_score: float | None = None
    recorded_on: date | None = None
    """The day the form was filled in; default today."""


@dataclass(frozen=True, kw_only=True)
class CloseGroup:
    actor: Actor
    today: date
    group_id: str
    closed_on: date
    summary: Note


@dataclass(frozen=True, kw_only=True)
class RecordActivity:
    """Record a community activity that was held."""

    new_id: ClassVar[str] = "activity_id"

    actor: Actor
    today: date
    activity_id: str
    station_id: str
    community: Place = ""
    community_id: str | None = None
    """The street's community by id (or its global id); `community` may name it instead, by name or code."""
    title: Title
    kind: ActivityKind
    held_on: date
    place: Place
    direct_participants: int
    indirect_beneficiaries: int = 0
    indirect_basis: Reason = ""
    organisers: Words = ()
    partners: Words = ()
    volunteers: int = 0
    volunteer_hours: float = 0
    references: Words = ()
    project_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class RecordPublicity:
    """Record a news item or other material that came out."""

    new_id: ClassVar[str] = "item_id"

    actor: Actor
    today: date
    item_id: str
    station_id: str
    kind: PublicityKind
    title: Title
    outlet: Title
    level: PublicityLevel
    published_on: date
    link: Reason = ""
    audience: int | None = None
    activity_id: str | None = None
    project_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class RecordSurvey:
    """Record a needs-research campaign and what it found."""

    new_id: ClassVar[str] = "survey_id"

    actor: Actor
    today: date
    survey_id: str
    station_id: str
    title: Title
    method: SurveyMethod
    starts_on: date
    ends_on: date
    distributed: int = 0
    returned: int | None = None
    needs: Annotated[tuple[NeedFound, ...], MANY] = ()


@dataclass(frozen=True, kw_only=True)
class JoinStaff:
    """Someone joins the team: their sign-in subject, name, role and station(s)."""

    actor: Actor
    today: date
    staff_id: Code
    name: PersonName
    role: StaffRole
    station_ids: Codes
    joined_on: date


@dataclass(frozen=True, kw_only=True)
class RecordQualification:
    actor: Actor
    today: date
    staff_id: Code
    kind: QualificationKind
    obtained_on: date
    certificate_number: Code = ""


@dataclass(frozen=True, kw_only=True)
class MoveStaff:
    """Move a staff member to other stations: only once their open cases and groups there are handed over."""

    actor: Actor
    today: date
    staff_id: Code
    to_station_ids: Codes
    moved_on: date


@dataclass(frozen=True, kw_only=True)
class StaffLeaves:
    """A staff member leaves: only once every open case and group of theirs is handed over."""

    actor: Actor
    today: date
    staff_id: Code
    left_on: date
    reason: Reason


@dataclass(frozen=True, kw_only=True)
class MapResource:
    """Put a resource of the street on the station's resource map."""

    new_id: ClassVar[str] = "resource_id"

    actor: Actor
    today: date
    resource_id: str
    station_id: str
    kind: ResourceKind
    name: Title
    offers: Reason
    community: Place = ""
    community_id: str | None = None
    """The street's community by id (or its global id); `community` may name it instead, by name or code."""
    contact: Reason = ""


@dataclass(frozen=True, kw_only=True)
class UseResource:
    """Record that a project or an activity of the station drew on a resource."""

    actor: Actor
    today: date
    resource_id: str
    project_id: str | None = None
    activity_id: str | None = None
    used_on: date | None = None
    """The day it was used (default: today; not before the project started)."""


@dataclass(frozen=True, kw_only=True)
class AddCompound:
    """Add a residential compound (小区) to a community of a street."""

    new_id: ClassVar[str] = "compound_id"

    actor: Actor
    today: date
    street_id: str
    community_id: str
    compound_id: str
    name: Title


@dataclass(frozen=True, kw_only=True)
class RegisterOperator:
    """Register an operating organisation (运营机构)."""

    new_id: ClassVar[str] = "operator_id"

    actor: Actor
    today: date
    operator_id: str
    name: Title


@dataclass(frozen=True, kw_only=True)
class AwardContract:
    """Contract an operating organisation for the stations of some streets, for a period."""

    new_id: ClassVar[str] = "contract_id"

    actor: Actor
    today: date
    operator_id: str
    contract_id: str
    street_ids: Codes
    starts_on: date
    ends_on: date


@dataclass(frozen=True, kw_only=True)
class CloseStation:
    actor: Actor
    today: date
    station_id: str
    closed_on: date
    reason: Reason


@dataclass(frozen=True, kw_only=True)
class ActionInput:
    description: Reason
    owner: Title
    due_on: date


@dataclass(frozen=True, kw_only=True)
class RecordSupervision:
    """Record a supervision session with a station's staff."""

    new_id: ClassVar[str] = "supervision_id"

    actor: Actor
    today: date
    supervision_id: str
    station_id: str
    supervisor_id: Code
    supervisor_kind: SupervisorKind
    staff_ids: Codes
    held_on: date
    hours: float
    topics: Words
    cases_reviewed: int = 0
    actions: Annotated[tuple[ActionInput, ...], MANY] = ()


@dataclass(frozen=True, kw_only=True)
class FollowUpSupervisionAction:
    actor: Actor
    today: date
    supervision_id: str
    action_id: Code
    done: bool
    note: Reason = ""
    followed_up_on: date | None = None
    """The day of the follow-up (default: today; not before the supervision)."""


@dataclass(frozen=True, kw_only=True)
class RecordProjectMeeting:
    """Record a project meeting (推进会), offline or online, for one or more stations."""

    new_id: ClassVar[str] = "meeting_id"

    actor: Actor
    today: date
    meeting_id: str
    station_ids: Codes
    mode: MeetingMode
    starts_at: datetime
    attendees: Words
    decisions: Words = ()
    action_items: Words = ()


@dataclass(frozen=True, kw_only=True)
class RegisterVolunteer:
    new_id: ClassVar[str] = "volunteer_id"

    actor: Actor
    today: date
    volunteer_id: str
    station_id: str
    name: PersonName
    gender: Code
    age_group: AgeGroup
    birth_year: int | None = None
    birth_date: date | None = None
    id_number: Code | None = None
    contact: Reason = ""
    residence_area: Place = ""
    skills: Words = ()
    service_categories: Words = ()
    party_member: bool = False
    registered_on: date | None = None
    """The day the volunteer registered (补录: it may be days before it is entered); today when not given."""
    consent_given_on: date | None = None
    consent_purpose: Reason | None = None
    consent_by_guardian: bool = False
    """The separate consent an ID number or contact needs, and anything about a child under 14 (the guardian's)."""


@dataclass(frozen=True, kw_only=True)
class EraseVolunteer:
    actor: Actor
    today: date
    volunteer_id: str
    reason: Reason


@dataclass(frozen=True, kw_only=True)
class RecordVolunteerService:
    """Hours a volunteer actually served; `starts_at`/`ends_at` (the day's times) bound them when given."""

    new_id: ClassVar[str] = "record_id"

    actor: Actor
    today: date
    volunteer_id: str
    record_id: str
    served_on: date
    place: Place
    content: Note
    hours: float
    organising_unit: Title
    person_in_charge: PersonName
    starts_at: time | None = None
    ends_at: time | None = None
    activity_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class DesignateVolunteerLeader:
    actor: Actor
    today: date
    volunteer_id: str
    note: Reason = ""
    designated_on: date | None = None
    """The day the volunteer was designated (default: today; not before they registered)."""


@dataclass(frozen=True, kw_only=True)
class FormVolunteerTeam:
    new_id: ClassVar[str] = "team_id"

    actor: Actor
    today: date
    team_id: str
    station_id: str
    name: Title
    kind: TeamKind
    community: Place = ""
    community_id: str | None = None
    """The street's community by id (or its global id); `community` may name it instead, by name or code."""
    formed_on: date | None = None
    """The day the team was formed (default: today), which the month's figures count by."""


@dataclass(frozen=True, kw_only=True)
class JoinVolunteerTeam:
    actor: Actor
    today: date
    team_id: str
    volunteer_id: str
    leader: bool = False
    joined_on: date | None = None
    """The day the volunteer joined (default: today; not before the team formed or they registered)."""


@dataclass(frozen=True, kw_only=True)
class RecordTraining:
    new_id: ClassVar[str] = "training_id"

    actor: Actor
    today: date
    training_id: str
    station_id: str
    name: Title
    content: Note
    hours: float
    organiser: Title
    held_on: date
    attendee_ids: Codes = ()


@dataclass(frozen=True, kw_only=True)
class RegisterOrganisation:
    new_id: ClassVar[str] = "organisation_id"

    actor: Actor
    today: date
    organisation_id: str
    station_id: str
    name: Title
    community: Place = ""
    community_id: str | None = None
    """The street's community by id (or its global id); `community` may name it instead, by name or code."""
    type: OrganisationType
    leader: PersonName
    members: int
    founded_on: date


@dataclass(frozen=True, kw_only=True)
class RecordOrganisationMilestone:
    actor: Actor
    today: date
    organisation_id: str
    milestone: IncubationMilestone
    reached_on: date


@dataclass(frozen=True, kw_only=True)
class FileOrganisation:
    """File (备案) an incubated organisation: only once its leader, charter and first activity are there."""

    actor: Actor
    today: date
    organisation_id: str
    filing_number: Code
    filed_on: date


@dataclass(frozen=True, kw_only=True)
class ChangeOrganisationStatus:
    """active, dormant or dissolved, along the organisation's path."""

    actor: Actor
    today: date
    organisation_id: str
    status: OrganisationStatus
    reason: Reason = ""
    changed_on: date | None = None
    """The day the status changed (default: today; not before the organisation was founded)."""


@dataclass(frozen=True, kw_only=True)
class RecordOrganisationActivity:
    new_id: ClassVar[str] = "record_id"

    actor: Actor
    today: date
    organisation_id: str
    record_id: str
    held_on: date
    content: Note
    participants: int
    project_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class SetUpGovernance:
    """Record (or update) a compound's governance bodies and the stakeholders taking part."""

    actor: Actor
    today: date
    compound_id: str
    station_id: str
    party_branch: Title = ""
    owners_committee: Title = ""
    supervisory_committee: Title = ""
    property_company: Title = ""
    stakeholders: Annotated[tuple[Stakeholder, ...], MANY] = ()


@dataclass(frozen=True, kw_only=True)
class NewIssue:
    title: Title
    owner: Title
    due_on: date


@dataclass(frozen=True, kw_only=True)
class IssueUpdate:
    issue_id: Code
    status: IssueStatus
    note: Reason = ""


@dataclass(frozen=True, kw_only=True)
class HoldJointMeeting:
    new_id: ClassVar[str] = "meeting_id"

    actor: Actor
    today: date
    compound_id: str
    meeting_id: str
    held_on: date
    present: Annotated[tuple[Stakeholder, ...], MANY]
    agenda: Words
    minutes: Note
    raise_issues: Annotated[tuple[NewIssue, ...], MANY] = ()
    progress: Annotated[tuple[IssueUpdate, ...], MANY] = ()


@dataclass(frozen=True, kw_only=True)
class ProgressIssue:
    """The station follows an issue up between meetings, or records it resolved or escalated."""

    actor: Actor
    today: date
    compound_id: str
    issue_id: Code
    status: IssueStatus
    note: Reason
    progressed_on: date | None = None
    """The day of the follow-up or resolution (default: today; not before the issue was raised or last moved)."""


@dataclass(frozen=True, kw_only=True)
class SubmitWorkReport:
    """Submit (and so lock) a station's report for a period, with the figures counted for it and a narrative;
    submitting again is a corrected version and needs the reason."""

    actor: Actor
    today: date
    station_id: str
    kind: ReportKind
    period_start: date
    figures: Annotated[dict[Code, float], MANY]
    narrative: Note
    correction_reason: Reason = ""
