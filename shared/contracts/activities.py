"""Events published by the activities service (subjects `hemiao.events.activities.*`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from shared.contracts.consent import SensitiveDataConsent
from shared.contracts.fields import Reason, Title
from shared.contracts.registry import Upcaster, event
from shared.contracts.search import SearchCriterion


class CommunityKind(StrEnum):
    COMMUNITY = "community"  # 社区
    VILLAGE = "village"  # 村


def _codes_unknown(*fields: str) -> Upcaster:
    """The upcaster of an event from before places carried their official codes: none known."""

    def upcast(data: dict[str, Any]) -> dict[str, Any]:
        return {**data, **dict.fromkeys(fields)}

    return upcast


def _community_unresolved(data: dict[str, Any]) -> dict[str, Any]:
    """The upcaster of an event from before communities were references: it keeps its text, with no id (reporting
    tells which community the text names, if any, when it is read; one it names none of is listed, not guessed)."""
    return {**data, "community_id": None}


def _communities_unresolved(data: dict[str, Any]) -> dict[str, Any]:
    """A project's communities from before they were references: their texts, no ids."""
    return {**data, "community_ids": []}


@event(service="activities", aggregate="street", name="registered", version=2,
       upcasters={1: _codes_unknown("district_code", "division_code")})
@dataclass(frozen=True, kw_only=True)
class StreetRegistered:
    """A street (街道) or township (乡镇) of a district was registered, with its official codes: the district's
    GB/T 2260 code (430103) and its own 12-digit statistical division code (430103010000), None in streets
    registered before v2."""

    street_id: str
    name: str
    district: str
    district_code: str | None = None
    division_code: str | None = None


@event(service="activities", aggregate="street", name="community_added", version=2,
       upcasters={1: _codes_unknown("division_code")})
@dataclass(frozen=True, kw_only=True)
class CommunityAdded:
    """A community (社区) or village (村) was added to a street, with its 12-digit statistical division code
    (430103010001; None in communities added before v2)."""

    street_id: str
    community_id: str
    name: str
    kind: CommunityKind
    division_code: str | None = None


class CodedPlace(StrEnum):
    STREET = "street"
    COMMUNITY = "community"


@event(service="activities", aggregate="division_code", name="claimed")
@dataclass(frozen=True, kw_only=True)
class DivisionCodeClaimed:
    """A 12-digit statistical division code was taken by a street or a community: the code's own stream
    (`division_code-<code>`) holds it, so no second place gets it."""

    code: str
    place: CodedPlace
    place_id: str
    street_id: str


@event(service="activities", aggregate="street", name="compound_added")
@dataclass(frozen=True, kw_only=True)
class CompoundAdded:
    """A residential compound (小区, e.g. 绿地公馆) was added to a community of the street."""

    street_id: str
    community_id: str
    compound_id: str
    name: str


@event(service="activities", aggregate="operator", name="registered")
@dataclass(frozen=True, kw_only=True)
class OperatorRegistered:
    """An operating organisation (运营机构, e.g. 培源社工) that runs stations under contract."""

    operator_id: str
    name: str


@event(service="activities", aggregate="operator", name="contract_awarded")
@dataclass(frozen=True, kw_only=True)
class ContractAwarded:
    """The bureau contracted the organisation to run the stations of these streets for a period."""

    operator_id: str
    contract_id: str
    street_ids: tuple[str, ...]
    starts_on: date
    ends_on: date
    awarded_by: str


@event(service="activities", aggregate="station", name="opened")
@dataclass(frozen=True, kw_only=True)
class StationOpened:
    """A street's social work station (街道社工站) was opened."""

    station_id: str
    street_id: str
    name: str
    code: str
    opened_on: date


@event(service="activities", aggregate="station", name="closed")
@dataclass(frozen=True, kw_only=True)
class StationClosed:
    """A station was closed: it takes no new projects, groups, activities or staff; its records stay."""

    station_id: str
    closed_on: date
    reason: str


@event(service="activities", aggregate="station", name="targets_set")
@dataclass(frozen=True, kw_only=True)
class StationTargetsSet:
    """The bureau set a station's targets for a year (e.g. at least 2 projects); progress is always computed."""

    station_id: str
    year: int
    projects: int
    groups: int
    activities: int
    person_times: int
    set_by: str


@dataclass(frozen=True, kw_only=True)
class PlannedOutputs:
    """What a project plans to deliver over its period."""

    groups: int = 0
    group_sessions: int = 0
    activities: int = 0
    person_times: int = 0


@event(service="activities", aggregate="project", name="started", version=2,
       upcasters={1: _communities_unresolved})
@dataclass(frozen=True, kw_only=True)
class ProjectStarted:
    """A station started a social-work project (项目), e.g. 童心童乐童成长, with its aims and planned outputs."""

    project_id: str
    station_id: str
    name: str
    aims: str
    target_population: str
    communities: tuple[str, ...]
    community_ids: tuple[str, ...] = ()
    """The street's communities `communities` name, in their order, when every one is resolved (`communities`
    are then their registered names); empty when any is not, or in events before v2."""
    starts_on: date
    ends_on: date
    planned: PlannedOutputs


class GroupType(StrEnum):
    """小组类型 (MZ/T 095-2017)."""

    GROWTH = "growth"  # 成长小组
    INTEREST = "interest"  # 兴趣小组
    SUPPORT = "support"  # 支持小组
    EDUCATION = "education"  # 教育小组
    THERAPEUTIC = "therapeutic"  # 治疗小组


class GroupPhase(StrEnum):
    """筹备 → 形成 → 工作 → 结束; a closed group takes no more sessions."""

    PREPARATION = "preparation"
    FORMING = "forming"
    WORKING = "working"
    ENDING = "ending"
    CLOSED = "closed"


@event(service="activities", aggregate="group", name="planned", version=2,
       upcasters={1: _community_unresolved})
@dataclass(frozen=True, kw_only=True)
class GroupPlanned:
    """A group (小组) was planned: its type, who it is for, its leaders and how many sessions."""

    group_id: str
    station_id: str
    project_id: str | None
    name: str
    type: GroupType
    target_population: str
    community: str
    community_id: str | None = None
    """The street's community (`community` is then its registered name); None when the street had no
    communities the service knew of, or in events before v2."""
    leader_ids: tuple[str, ...]
    planned_sessions: int
    planned_on: date


@event(service="activities", aggregate="group", name="member_joined", personal=("name",), person="member_id")
@dataclass(frozen=True, kw_only=True)
class GroupMemberJoined:
    """Someone joined the group's member list; the name is sealed with the member's key. A member who is a
    recipient of the station names them, so that they count once among the people served."""

    group_id: str
    station_id: str
    member_id: str
    name: str | None
    recipient_id: str | None
    joined_on: date


@event(service="activities", aggregate="group", name="leaders_changed")
@dataclass(frozen=True, kw_only=True)
class GroupLeadersChanged:
    """The group was handed to other leaders."""

    group_id: str
    station_id: str
    leader_ids: tuple[str, ...]
    changed_on: date


@event(service="activities", aggregate="group", name="phase_changed")
@dataclass(frozen=True, kw_only=True)
class GroupPhaseChanged:
    group_id: str
    station_id: str
    phase: GroupPhase
    changed_on: date


def group_session_held_v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """GroupSessionHeld v1 → v2: `indirect_beneficiaries` 0 and `indirect_basis` "".

    v1 had no indirect reach: a group's indirect beneficiaries (黑石铺's ~300 parents) went in as a separate
    0-participant activity, if at all. A v1 session reached nobody indirectly, so 0 with no basis reads it as it
    was counted then (the activity recorded beside it still counts as it did).
    """
    return {"indirect_beneficiaries": 0, "indirect_basis": "", **data}


@event(service="activities", aggregate="group", name="session_held", version=2,
       upcasters={1: group_session_held_v1_to_v2})
@dataclass(frozen=True, kw_only=True)
class GroupSessionHeld:
    """A group session: its number, theme and goals, the sign-in (members present and walk-ins), and what
    happened. Attendance, members present plus walk-ins, is its direct person-times; `indirect_beneficiaries`
    (estimated, with its basis: the members' parents, say) its indirect person-times."""

    group_id: str
    station_id: str
    session_id: str
    number: int
    held_on: date
    duration_minutes: int
    place: str
    theme: str
    goals: str
    expected: int
    present_member_ids: tuple[str, ...]
    walk_ins: int
    content: str
    observations: str
    goal_attainment: int | None
    """1 (not at all) to 5 (fully), as the leaders judged."""
    reflection: str
    indirect_beneficiaries: int
    """Since v2: people the session reached beyond those present (estimated; 0 when none)."""
    indirect_basis: str
    """Since v2: how the indirect figure was estimated ("" when there is none)."""


@event(service="activities", aggregate="group", name="feedback_recorded", personal=("comment",),
       person="member_id")
@dataclass(frozen=True, kw_only=True)
class GroupFeedbackRecorded:
    """A member's feedback form (反馈表), at the end or after a session; the free text is sealed."""

    group_id: str
    station_id: str
    feedback_id: str
    member_id: str
    session_number: int | None
    satisfaction: int
    comment: str | None
    pre_score: float | None
    post_score: float | None
    recorded_on: date


@event(service="activities", aggregate="group", name="closed")
@dataclass(frozen=True, kw_only=True)
class GroupClosed:
    group_id: str
    station_id: str
    closed_on: date
    summary: str


class ActivityKind(StrEnum):
    SPORTS = "sports"  # 运动会
    FESTIVAL = "festival"  # 节日活动（中秋等）
    CINEMA = "cinema"  # 露天电影
    CAREER = "career"  # 职业体验、招聘
    PARENT_CHILD = "parent_child"  # 亲子手工
    EDUCATION = "education"  # 宣传教育、讲座
    VOLUNTEER_SERVICE = "volunteer_service"  # 志愿服务
    OTHER = "other"


@event(service="activities", aggregate="activity", name="held", version=2,
       upcasters={1: _community_unresolved})
@dataclass(frozen=True, kw_only=True)
class ActivityHeld:
    """A community activity (社区活动): direct participants counted, indirect beneficiaries estimated on a
    stated basis, and the volunteers who helped."""

    activity_id: str
    station_id: str
    project_id: str | None
    community: str
    community_id: str | None = None
    """The street's community (`community` is then its registered name); None when the street had no
    communities the service knew of, or in events before v2."""
    title: str
    kind: ActivityKind
    held_on: date
    place: str
    organisers: tuple[str, ...]
    partners: tuple[str, ...]
    direct_participants: int
    indirect_beneficiaries: int
    indirect_basis: str
    volunteers: int
    volunteer_hours: float
    references: tuple[str, ...]


class PublicityKind(StrEnum):
    NEWS = "news"  # 新闻报道
    POSTER = "poster"  # 海报
    H5 = "h5"  # H5 页面
    FORUM = "forum"  # 线上论坛、直播
    VIDEO = "video"
    OTHER = "other"


class PublicityLevel(StrEnum):
    NATIONAL = "national"
    PROVINCIAL = "provincial"
    CITY = "city"
    DISTRICT = "district"
    STREET = "street"


@event(service="activities", aggregate="publicity", name="published")
@dataclass(frozen=True, kw_only=True)
class PublicityPublished:
    """A news item or other material (宣传) came out: outlet, level, and the activity or project it reports."""

    item_id: str
    station_id: str
    kind: PublicityKind
    title: str
    outlet: str
    level: PublicityLevel
    published_on: date
    link: str
    audience: int | None
    activity_id: str | None
    project_id: str | None


class SurveyMethod(StrEnum):
    QUESTIONNAIRE = "questionnaire"  # 问卷
    INTERVIEW = "interview"  # 访谈
    COMMUNITY_WALK = "community_walk"  # 社区走访


@dataclass(frozen=True, kw_only=True)
class NeedFound:
    """A need the research found, tagged by area and population."""

    area: Title
    population: Title
    description: Reason


@event(service="activities", aggregate="survey", name="conducted")
@dataclass(frozen=True, kw_only=True)
class SurveyConducted:
    """A needs-research campaign (调研): how, when, questionnaires handed out and returned, the needs found."""

    survey_id: str
    station_id: str
    title: str
    method: SurveyMethod
    starts_on: date
    ends_on: date
    distributed: int
    returned: int | None
    """None: not counted (the article gives only the questionnaires handed out)."""
    needs: tuple[NeedFound, ...]


class StaffRole(StrEnum):
    PROJECT_DIRECTOR = "project_director"  # 项目总监
    STATION_HEAD = "station_head"  # 站长
    SOCIAL_WORKER = "social_worker"  # 站点社工
    INTERNAL_SUPERVISOR = "internal_supervisor"  # 内部督导
    EXTERNAL_SUPERVISOR = "external_supervisor"  # 外部督导


class QualificationKind(StrEnum):
    SENIOR_SOCIAL_WORKER = "senior_social_worker"  # 高级社工师
    INTERMEDIATE_SOCIAL_WORKER = "intermediate_social_worker"  # 中级社工师
    ASSISTANT_SOCIAL_WORKER = "assistant_social_worker"  # 助理社工师
    SUPERVISOR_CERTIFICATE = "supervisor_certificate"  # 督导证
    SOCIAL_WORK_DEGREE = "social_work_degree"  # 社会工作专业学历


@event(service="activities", aggregate="staff", name="joined")
@dataclass(frozen=True, kw_only=True)
class StaffJoined:
    """Someone joined the operating organisation's team at one station (or, a director or supervisor, several).
    `staff_id` is the subject they sign in with, so cases name their worker by it."""

    staff_id: str
    name: str
    role: StaffRole
    station_ids: tuple[str, ...]
    joined_on: date


@event(service="activities", aggregate="staff", name="qualification_recorded")
@dataclass(frozen=True, kw_only=True)
class QualificationRecorded:
    staff_id: str
    kind: QualificationKind
    obtained_on: date
    certificate_number: str


@event(service="activities", aggregate="staff", name="moved")
@dataclass(frozen=True, kw_only=True)
class StaffMoved:
    """A staff member moved to other stations, having handed over their open cases and groups."""

    staff_id: str
    from_station_ids: tuple[str, ...]
    to_station_ids: tuple[str, ...]
    moved_on: date


@event(service="activities", aggregate="staff", name="left")
@dataclass(frozen=True, kw_only=True)
class StaffLeft:
    """A staff member left, having handed over their open cases and groups."""

    staff_id: str
    station_ids: tuple[str, ...]
    left_on: date
    reason: str


class ResourceKind(StrEnum):
    """资源图 entries."""

    ORGANISATION = "organisation"  # 机构、社会组织
    VENUE = "venue"  # 场地
    FIRM = "firm"  # 企业、商户
    PERSON = "person"  # 能人、志愿者骨干
    GOVERNMENT = "government"  # 政府部门、居委会


@event(service="activities", aggregate="resource", name="mapped", personal=("contact",), person="resource_id",
       version=2, upcasters={1: _community_unresolved})
@dataclass(frozen=True, kw_only=True)
class ResourceMapped:
    """A resource of the street went on the station's resource map (资源图): what it can offer, and how to reach
    it (sealed: for a person it is personal data, and erasing the resource's key forgets it)."""

    resource_id: str
    station_id: str
    kind: ResourceKind
    name: str
    community: str
    community_id: str | None = None
    """The street's community (`community` is then its registered name); None when the street had no
    communities the service knew of, or in events before v2."""
    offers: str
    contact: str | None


@event(service="activities", aggregate="resource", name="used")
@dataclass(frozen=True, kw_only=True)
class ResourceUsed:
    """A project or an activity drew on the resource."""

    resource_id: str
    station_id: str
    project_id: str | None
    activity_id: str | None
    used_on: date


class SupervisorKind(StrEnum):
    INTERNAL = "internal"  # 内部督导
    EXTERNAL = "external"  # 外部督导


@dataclass(frozen=True, kw_only=True)
class AgreedAction:
    """An action agreed in supervision: who does what by when."""

    action_id: str
    description: str
    owner: str
    due_on: date


@event(service="activities", aggregate="supervision", name="held")
@dataclass(frozen=True, kw_only=True)
class SupervisionHeld:
    """A professional supervision session (督导) with a station's staff: topics, cases reviewed, actions agreed."""

    supervision_id: str
    station_id: str
    supervisor_id: str
    supervisor_kind: SupervisorKind
    staff_ids: tuple[str, ...]
    held_on: date
    hours: float
    topics: tuple[str, ...]
    cases_reviewed: int
    actions: tuple[AgreedAction, ...]


@event(service="activities", aggregate="supervision", name="action_followed_up")
@dataclass(frozen=True, kw_only=True)
class SupervisionActionFollowedUp:
    supervision_id: str
    station_id: str
    action_id: str
    done: bool
    note: str
    followed_up_on: date


class MeetingMode(StrEnum):
    OFFLINE = "offline"  # 线下推进会
    ONLINE = "online"  # 线上推进会


@event(service="activities", aggregate="meeting", name="held")
@dataclass(frozen=True, kw_only=True)
class ProjectMeetingHeld:
    """A project meeting (项目推进会), offline or online, for one station or several: who came, what was decided,
    what is to be done. It counts for each station's month, by its start in China Standard Time."""

    meeting_id: str
    station_ids: tuple[str, ...]
    mode: MeetingMode
    starts_at: datetime
    attendees: tuple[str, ...]
    decisions: tuple[str, ...]
    action_items: tuple[str, ...]


class AgeGroup(StrEnum):
    YOUTH = "youth"  # 青少年
    UNIVERSITY_STUDENT = "university_student"  # 大学生
    ADULT = "adult"  # 成年人
    ELDERLY = "elderly"  # 老年人


VOLUNTEER_PERSONAL = ("name", "birth_date", "id_number", "contact")
"""Sealed with the volunteer's key: who they are and how to reach them. Gender, birth year, area, skills and age
group stay clear: the station's volunteer figures are made of them."""


def volunteer_registered_v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """VolunteerRegistered v1 → v2: `consent` added, null.

    v1 took an ID number and a contact with no consent recorded, for a child as for an adult. No consent is
    invented for it: a v1 registration reads as one whose data was taken with *no consent on record*
    (`consent: null`), which is what happened. Its data stays as it was (erasing it is the station's call, with
    `eraseVolunteer`); GraphQL shows `consentGivenOn: null` for it, so the station can see whom to ask. A v2
    registration holding an ID number or a contact, or a child's, always has one."""
    return {**data, "consent": data.get("consent")}


@event(service="activities", aggregate="volunteer", name="registered", personal=VOLUNTEER_PERSONAL,
       person="volunteer_id", unique=("id_number",), version=2, upcasters={1: volunteer_registered_v1_to_v2})
@dataclass(frozen=True, kw_only=True)
class VolunteerRegistered:
    """A volunteer (志愿者) was registered by the station (民政部令第67号). Name, birth date, ID number and contact
    are sealed with the volunteer's key, as a recipient's are, and erasable. `registered_on` is the day it
    happened (it may be days before it was entered); `consent` is the separate consent (PIPL art. 29, 31) the ID
    number and contact, or anything about a child under 14, were taken with: the guardian's for a child."""

    volunteer_id: str
    station_id: str
    name: str | None
    gender: str
    birth_year: int
    birth_date: date | None
    id_number: str | None
    contact: str | None
    residence_area: str
    skills: tuple[str, ...]
    service_categories: tuple[str, ...]
    age_group: AgeGroup
    party_member: bool
    registered_on: date
    consent: SensitiveDataConsent | None = None


@event(service="activities", aggregate="volunteer_disclosure", name="recorded")
@dataclass(frozen=True, kw_only=True)
class VolunteerDataDisclosed:
    """Someone read a volunteer's personal data unmasked: who, when, which fields, for what purpose (audit), as
    RecipientDataDisclosed is for a recipient."""

    volunteer_id: str
    station_id: str
    fields: tuple[str, ...]
    purpose: str
    read_by: str
    read_by_role: str
    read_at: datetime


@event(service="activities", aggregate="volunteer_disclosure", name="searched")
@dataclass(frozen=True, kw_only=True)
class VolunteersSearched:
    """Someone searched for volunteers (findVolunteers), whether it found anyone or not (audit), as
    RecipientsSearched records a search for recipients: who, when, at which stations, by what (never the term),
    the purpose said (empty: masked), and which volunteers it answered (ids only)."""

    station_ids: tuple[str, ...]
    every_station: bool
    criteria: tuple[SearchCriterion, ...]
    purpose: str
    found: tuple[str, ...]
    searched_by: str
    searched_by_role: str
    searched_at: datetime


@event(service="activities", aggregate="volunteer", name="erased", erases="volunteer_id")
@dataclass(frozen=True, kw_only=True)
class VolunteerErased:
    """The volunteer's personal data was erased: their key is gone; their hours still count."""

    volunteer_id: str
    station_id: str
    erased_on: date
    reason: str


@dataclass(frozen=True, kw_only=True)
class DeclaredHoliday:
    """A public holiday period of a year's arrangement (春节：1月28日至2月4日放假调休), both days included."""

    name: Title
    first_day: date
    last_day: date


@event(service="activities", aggregate="working_calendar", name="year_declared")
@dataclass(frozen=True, kw_only=True)
class WorkingYearDeclared:
    """The district bureau declared a year's public holidays and make-up working days (调休上班), as the State
    Council's notice gives them; for that year it wins over the chinese-calendar package."""

    year: int
    holidays: tuple[DeclaredHoliday, ...]
    make_up_workdays: tuple[date, ...]
    notice: Title
    declared_on: date


@event(service="activities", aggregate="working_calendar", name="year_corrected")
@dataclass(frozen=True, kw_only=True)
class WorkingYearCorrected:
    """The bureau corrected its declaration of a year: the whole arrangement again, replacing the one before."""

    year: int
    holidays: tuple[DeclaredHoliday, ...]
    make_up_workdays: tuple[date, ...]
    notice: Title
    reason: Reason
    corrected_on: date


class LateBasis(StrEnum):
    """What a late flag counted working days by."""

    CALENDAR = "calendar"  # China's calendar: holidays out, make-up working days in
    WEEKDAYS_ONLY = "weekdays_only"  # some day was in a year nobody has declared: Monday to Friday assumed


def volunteer_service_recorded_v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """VolunteerServiceRecorded v1 → v2: `late_basis` is `weekdays_only`, since v1 counted Monday to Friday and
    took no public holiday or make-up working day into account."""
    return {**data, "late_basis": LateBasis.WEEKDAYS_ONLY.value}


@event(service="activities", aggregate="volunteer", name="service_recorded", version=2,
       upcasters={1: volunteer_service_recorded_v1_to_v2})
@dataclass(frozen=True, kw_only=True)
class VolunteerServiceRecorded:
    """Hours a volunteer actually served (志愿服务记录). `late` when recorded more than 10 working days after;
    `late_basis` says whether those were China's working days or, for a year nobody knows, Monday to Friday."""

    volunteer_id: str
    station_id: str
    record_id: str
    served_on: date
    place: str
    content: str
    hours: float
    organising_unit: str
    person_in_charge: str
    activity_id: str | None
    recorded_on: date
    late: bool
    late_basis: LateBasis
    starts_at: time | None = None
    ends_at: time | None = None


@event(service="activities", aggregate="volunteer", name="leader_designated")
@dataclass(frozen=True, kw_only=True)
class VolunteerLeaderDesignated:
    """A volunteer was recognised as a volunteer leader (志愿领袖) grown by the station."""

    volunteer_id: str
    station_id: str
    designated_on: date
    note: str


class TeamKind(StrEnum):
    HUB = "hub"  # 枢纽型志愿服务团体
    COMMUNITY = "community"  # 社区志愿服务队


@event(service="activities", aggregate="volunteer_team", name="formed", version=2,
       upcasters={1: _community_unresolved})
@dataclass(frozen=True, kw_only=True)
class VolunteerTeamFormed:
    team_id: str
    station_id: str
    name: str
    kind: TeamKind
    community: str
    community_id: str | None = None
    """The street's community (`community` is then its registered name); None when the street had no
    communities the service knew of, or in events before v2."""
    formed_on: date


@event(service="activities", aggregate="volunteer_team", name="member_joined")
@dataclass(frozen=True, kw_only=True)
class VolunteerJoinedTeam:
    team_id: str
    station_id: str
    volunteer_id: str
    joined_on: date
    leader: bool = False
    """A leader of the team (队长), not only a member."""


@event(service="activities", aggregate="training", name="held")
@dataclass(frozen=True, kw_only=True)
class TrainingHeld:
    """A volunteer training (志愿者培训): what, how long, who organised it, who attended."""

    training_id: str
    station_id: str
    name: str
    content: str
    hours: float
    organiser: str
    held_on: date
    attendee_ids: tuple[str, ...]


class OrganisationType(StrEnum):
    """社区社会组织类型."""

    CULTURE_SPORT = "culture_sport"  # 文体娱乐型
    COMMUNITY_SERVICE = "community_service"  # 社区服务型
    MUTUAL_AID = "mutual_aid"  # 互助关爱型
    DISPUTE_MEDIATION = "dispute_mediation"  # 纠纷调解型
    PUBLICITY_EDUCATION = "publicity_education"  # 宣传普及型


class OrganisationStatus(StrEnum):
    INCUBATING = "incubating"  # 培育中
    FILED = "filed"  # 已备案
    ACTIVE = "active"  # 活跃
    DORMANT = "dormant"  # 休眠
    DISSOLVED = "dissolved"  # 解散


class IncubationMilestone(StrEnum):
    LEADER_FOUND = "leader_found"  # 找到负责人
    CHARTER_ADOPTED = "charter_adopted"  # 制定章程
    FIRST_ACTIVITY = "first_activity"  # 开展首次活动


@event(service="activities", aggregate="organisation", name="registered", personal=("leader",),
       person="organisation_id", version=2,
       upcasters={1: _community_unresolved})
@dataclass(frozen=True, kw_only=True)
class OrganisationRegistered:
    """A community social organisation (社区社会组织) came under the station's care, to be incubated or brought
    to standard. Its leader's name is a resident's personal data: sealed, shown by the activities service."""

    organisation_id: str
    station_id: str
    name: str
    community: str
    community_id: str | None = None
    """The street's community (`community` is then its registered name); None when the street had no
    communities the service knew of, or in events before v2."""
    type: OrganisationType
    leader: str | None
    members: int
    founded_on: date


@event(service="activities", aggregate="organisation", name="milestone_reached")
@dataclass(frozen=True, kw_only=True)
class OrganisationMilestoneReached:
    organisation_id: str
    station_id: str
    milestone: IncubationMilestone
    reached_on: date


@event(service="activities", aggregate="organisation", name="filed")
@dataclass(frozen=True, kw_only=True)
class OrganisationFiled:
    """The organisation was filed (备案) with the street, with its filing number."""

    organisation_id: str
    station_id: str
    filing_number: str
    filed_on: date


@event(service="activities", aggregate="organisation", name="status_changed")
@dataclass(frozen=True, kw_only=True)
class OrganisationStatusChanged:
    organisation_id: str
    station_id: str
    status: OrganisationStatus
    changed_on: date
    reason: str


@event(service="activities", aggregate="organisation", name="activity_held")
@dataclass(frozen=True, kw_only=True)
class OrganisationActivityHeld:
    """An activity the organisation ran itself (e.g. 一力风采魅妈文艺队's National Day show)."""

    organisation_id: str
    station_id: str
    record_id: str
    held_on: date
    content: str
    participants: int
    project_id: str | None


class Stakeholder(StrEnum):
    """Who takes part in a compound's self-governance (小区自治) or a street-level meeting the station convenes."""

    PARTY_BRANCH = "party_branch"  # 党支部
    OWNERS_COMMITTEE = "owners_committee"  # 业委会
    SUPERVISORY_COMMITTEE = "supervisory_committee"  # 监委会
    PROPERTY_COMPANY = "property_company"  # 物业
    POLICE = "police"  # 民警
    LEGAL_ADVISER = "legal_adviser"  # 法律顾问
    GRID_WORKER = "grid_worker"  # 网格员
    RESIDENT_VOLUNTEER = "resident_volunteer"  # 居民志愿者
    STATION = "station"  # 社工站
    SERVING_PARTY_MEMBER = "serving_party_member"  # 在职党员 (reporting to the community: 在职党员进社区)
    STREET_OFFICE = "street_office"  # 街道办
    RESIDENTS_COMMITTEE = "residents_committee"  # 居委会


class IssueStatus(StrEnum):
    RAISED = "raised"  # 已提出
    FOLLOWING = "following"  # 跟进中
    DECIDED = "decided"  # 已议定
    RESOLVED = "resolved"  # 已解决
    ESCALATED = "escalated"  # 已上报


@event(service="activities", aggregate="governance", name="set_up")
@dataclass(frozen=True, kw_only=True)
class GovernanceSetUp:
    """A compound's self-governance (小区自治): who its bodies are and which stakeholders take part."""

    compound_id: str
    station_id: str
    party_branch: str
    owners_committee: str
    supervisory_committee: str
    property_company: str
    stakeholders: tuple[Stakeholder, ...]


@dataclass(frozen=True, kw_only=True)
class IssueRaisedInMeeting:
    issue_id: str
    title: str
    owner: str
    due_on: date


@dataclass(frozen=True, kw_only=True)
class IssueProgress:
    issue_id: str
    status: IssueStatus
    note: str


@event(service="activities", aggregate="governance", name="joint_meeting_held")
@dataclass(frozen=True, kw_only=True)
class JointMeetingHeld:
    """A joint meeting (联席会议) of the compound: who came, the agenda and minutes, issues raised and moved on."""

    compound_id: str
    station_id: str
    meeting_id: str
    held_on: date
    present: tuple[Stakeholder, ...]
    agenda: tuple[str, ...]
    minutes: str
    raised: tuple[IssueRaisedInMeeting, ...]
    progressed: tuple[IssueProgress, ...]


@event(service="activities", aggregate="governance", name="issue_progressed")
@dataclass(frozen=True, kw_only=True)
class IssueProgressed:
    """The station followed up an issue between meetings (or resolved or escalated it)."""

    compound_id: str
    station_id: str
    issue_id: str
    status: IssueStatus
    note: str
    progressed_on: date


class StreetMeetingKind(StrEnum):
    SALON = "salon"  # 社会组织沙龙 (e.g. 黑石聚力会's, monthly)
    JOINT_MEETING = "joint_meeting"  # 工作联席会议 of the street's organisations


@event(service="activities", aggregate="street_meeting", name="held")
@dataclass(frozen=True, kw_only=True)
class StreetMeetingHeld:
    """A meeting the station convened at street level (黑石聚力会's monthly salon of community social organisations,
    or the street's joint meeting): the organisations that came, who else was there, the agenda and the minutes."""

    meeting_id: str
    station_id: str
    kind: StreetMeetingKind
    title: str
    held_on: date
    organisation_ids: tuple[str, ...]
    present: tuple[Stakeholder, ...]
    agenda: tuple[str, ...]
    minutes: str
    project_id: str | None


class ReportKind(StrEnum):
    DAILY = "daily"  # 日报
    WEEKLY = "weekly"  # 周报
    MONTHLY = "monthly"  # 月报


@event(service="activities", aggregate="work_report", name="submitted")
@dataclass(frozen=True, kw_only=True)
class WorkReportSubmitted:
    """A station's daily, weekly or monthly report (三报) was submitted and locked: the figures reporting counted
    for the period at that moment, and the worker's narrative. A corrected resubmission is the next version."""

    report_id: str
    station_id: str
    kind: ReportKind
    period_start: date
    period_end: date
    version: int
    figures: dict[str, float]
    narrative: str
    submitted_by: str
    submitted_on: date
    correction_reason: str | None
