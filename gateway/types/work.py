"""The station's work as reporting computes it: projects with progress, groups, activities, publicity, surveys,
the station dashboard and the district overview."""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import strawberry
from strawberry import relay

from gateway.context import Context
from gateway.node.fields import raw_id_field
from gateway.types.dates import day
from gateway.types.station import Station
from shared.contracts.activities import (
    ActivityKind,
    AgeGroup,
    GroupPhase,
    GroupType,
    IncubationMilestone,
    IssueStatus,
    LateBasis,
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

strawberry.enum(GroupType, description="成长 growth, 兴趣 interest, 支持 support, 教育 education, 治疗 therapeutic")
strawberry.enum(GroupPhase, description="筹备 preparation → 形成 forming → 工作 working → 结束 ending → closed")
strawberry.enum(ActivityKind, description="运动会, 节日, 露天电影, 职业体验, 亲子手工, 宣传教育, 志愿服务, other")
strawberry.enum(PublicityKind, description="新闻 news, 海报 poster, H5, 线上论坛 forum, video, other")
strawberry.enum(PublicityLevel, description="国家 national, 省 provincial, 市 city, 区 district, 街道 street")
strawberry.enum(StaffRole, description="项目总监, 站长, 站点社工, 内部督导, 外部督导")
strawberry.enum(QualificationKind, description="高级/中级/助理社工师, 督导证, 社会工作专业学历")
strawberry.enum(ResourceKind, description="机构, 场地, 企业商户, 能人, 政府部门与居委会")
strawberry.enum(SupervisorKind, description="内部督导 internal, 外部督导 external")
strawberry.enum(LateBasis, description="What a late flag counted: China's calendar, or Monday to Friday only")
strawberry.enum(MeetingMode, description="线下 offline, 线上 online")
strawberry.enum(AgeGroup, description="青少年, 大学生, 成年人, 老年人")
strawberry.enum(TeamKind, description="枢纽型志愿服务团体 hub, 社区志愿服务队 community")
strawberry.enum(OrganisationType, description="文体娱乐型, 社区服务型, 互助关爱型, 纠纷调解型, 宣传普及型")
strawberry.enum(OrganisationStatus, description="培育中 → 已备案 → 活跃 ↔ 休眠 → 解散")
strawberry.enum(IncubationMilestone, description="找到负责人, 制定章程, 首次活动: all three before filing")
strawberry.enum(Stakeholder, description="党支部, 业委会, 监委会, 物业, 民警, 法律顾问, 网格员, 居民志愿者, 社工站, "
                                         "在职党员 (进社区), 街道办, 居委会")
strawberry.enum(IssueStatus, description="已提出 → 跟进中 → 已议定 → 已解决, or 已上报")
strawberry.enum(ReportKind, description="日报 daily, 周报 weekly (from Monday), 月报 monthly (from the 1st)")
strawberry.enum(SurveyMethod, description="问卷 questionnaire, 访谈 interview, 社区走访 community walk")


async def _station(info: strawberry.Info[Context, None], station_id: str) -> Station | None:
    row = await info.context.stations.load(station_id)
    return None if row is None else Station.from_row(row)


@strawberry.type(description="人次 and the rest, counted from what was recorded in a period")
class Figures:
    person_times_direct: int = strawberry.field(
        description="直接服务人次: case, group, activity and organisations' own activities, each once")
    person_times_indirect: int = strawberry.field(
        description="间接受益人次: activities' and group sessions' estimates, each with its basis")
    case_person_times: int
    cases_opened: int
    cases_closed: int
    group_person_times: int = strawberry.field(description="Members signed in plus walk-ins, every session")
    activity_person_times: int = strawberry.field(description="Activities' direct participants")
    people_served: int = strawberry.field(
        description="Distinct people known by id (recipients at sessions, group members signed in); one resident "
                    "at 5 sessions is 1 person and 5 person-times. Walk-ins and activity crowds are not included")
    case_sessions: int
    groups_planned: int
    groups_meeting: int = strawberry.field(description="Groups with at least one session in the period")
    group_sessions: int
    activities: int
    projects: int = strawberry.field(description="Projects running at some time in the period")
    surveys: int
    questionnaires_distributed: int
    questionnaires_returned: int
    publicity: int
    volunteers_registered: int
    organisations_filed: int = strawberry.field(description="社区社会组织 filed (备案) in the period")
    supervisions: int
    project_meetings: int = strawberry.field(description="Offline and online, by their start in China time")
    issues_raised: int = strawberry.field(description="小区议题 raised in joint meetings")
    issues_resolved: int
    volunteer_hours: float = strawberry.field(
        description="Hours volunteers served, from their service records (the same as volunteerServiceHours)",
        deprecation_reason="Two numbers went by this name. This one is volunteerServiceHours (summed from "
                           "volunteers' service records); an activity's typed-in hours are "
                           "activityVolunteerHoursEstimate")
    trainings: int
    volunteer_teams_formed: int = strawberry.field(description="志愿服务队 formed in the period, by the day formed")
    volunteer_leaders_designated: int = strawberry.field(description="志愿领袖 designated in the period, by that day")
    plans_approved: int = strawberry.field(description="Service plan versions approved in the period, by the day "
                                                       "approved")
    group_indirect_person_times: int = strawberry.field(
        description="Group sessions' indirect beneficiaries (the members' parents, say), estimated with a basis; "
                    "part of personTimesIndirect")
    organisation_activities: int = strawberry.field(
        description="Activities community social organisations ran themselves (not counted in `activities`)")
    organisation_person_times: int = strawberry.field(
        description="Their participants: direct person-times, part of personTimesDirect")
    activity_volunteer_hours_estimate: float = strawberry.field(
        description="志愿服务时长（活动估计）: the volunteer hours typed in with each activity, summed; an estimate, "
                    "never added to volunteerServiceHours")
    volunteer_service_hours: float = strawberry.field(
        description="志愿服务时长（服务记录）: hours volunteers served, summed from their service records (what "
                    "their certificates add up)")
    street_meetings: int = strawberry.field(description="街道层面会议 (社会组织沙龙, joint meetings) held")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Figures:
        values = {name: float(row[name]) if name in FIGURES_IN_HOURS else int(row[name])
                  for name in cls.__annotations__ if name != "volunteer_service_hours"}
        return cls(**values, volunteer_service_hours=values["volunteer_hours"])


FIGURES_IN_HOURS = frozenset({"volunteer_hours", "activity_volunteer_hours_estimate"})


@strawberry.type(description="What a project planned, what was recorded against it, and the share done")
class ProjectProgress:
    planned_groups: int
    planned_group_sessions: int
    planned_activities: int
    planned_person_times: int
    groups: int
    group_sessions: int
    activities: int
    person_times_direct: int = strawberry.field(
        description="Direct person-times of its groups, activities and organisations' activities")
    person_times_indirect: int
    organisation_activities: int = strawberry.field(
        description="Organisations' own activities recorded against the project")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ProjectProgress:
        return cls(planned_groups=row["planned_groups"], planned_group_sessions=row["planned_sessions"],
                   planned_activities=row["planned_activities"], planned_person_times=row["planned_person_times"],
                   groups=row["groups"], group_sessions=row["group_sessions"], activities=row["activities"],
                   person_times_direct=int(row["person_times_direct"]),
                   person_times_indirect=int(row["person_times_indirect"]),
                   organisation_activities=row["organisation_activities"])


@strawberry.type(description="项目 A station's social-work project")
class Project(relay.Node):
    id: relay.NodeID[str]
    project_id: strawberry.ID = raw_id_field("project")
    station_id: strawberry.ID
    name: str
    aims: str
    target_population: str
    communities: list[str]
    starts_on: date
    ends_on: date
    community_ids: list[strawberry.ID] = strawberry.field(
        description="The street's communities `communities` name, in order; empty when any of them names none")
    progress: ProjectProgress = strawberry.field(
        description="Over all time (the same as progressAllTime)",
        deprecation_reason="Named for what it is: progressAllTime; on a dashboard, progressInPeriod is the period's")
    progress_all_time: ProjectProgress = strawberry.field(
        description="累计: everything ever recorded against the project, whatever period was asked")
    progress_in_period: ProjectProgress | None = strawberry.field(
        description="Within the dashboard's `period` only (groups planned, sessions and activities held, "
                    "person-times of those days); null outside a dashboard")

    @strawberry.field
    async def station(self, info: strawberry.Info[Context, None]) -> Station | None:
        return await _station(info, str(self.station_id))

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Project:
        all_time = ProjectProgress.from_row(row)
        within = row.get("in_period")
        return cls(id=strawberry.ID(row["project_id"]), station_id=strawberry.ID(row["station_id"]), name=row["name"],
                   aims=row["aims"], target_population=row["target_population"], communities=list(row["communities"]),
                   community_ids=[strawberry.ID(c) for c in row.get("community_ids") or ()],
                   starts_on=day(row["starts_on"]), ends_on=day(row["ends_on"]), progress=all_time,
                   progress_all_time=all_time,
                   progress_in_period=None if within is None else ProjectProgress.from_row({**row, **within}))


@strawberry.type(description="A group session with its sign-in")
class GroupSession:
    id: strawberry.ID
    number: int
    held_on: date
    duration_minutes: int
    theme: str
    expected: int
    members_present: int
    walk_ins: int
    attendance: int = strawberry.field(description="Members present plus walk-ins: the session's person-times")
    goal_attainment: int | None
    indirect_beneficiaries: int = strawberry.field(
        description="Reached beyond those present (estimated): the session's indirect person-times")
    indirect_basis: str = strawberry.field(description="How the indirect figure was estimated")


def community_name_of(row: dict[str, Any]) -> str:
    """A row's community's registered name when reporting resolves it; else the row's own text."""
    return str(row.get("community_name") or row["community"])


def community_id_of(row: dict[str, Any]) -> strawberry.ID | None:
    """A row's community: the one reporting resolves (`community_ref`), else the id its event carried."""
    found = row.get("community_ref") or row.get("community_id")
    return None if found is None else strawberry.ID(found)


@strawberry.type(description="小组 A group (MZ/T 095-2017)")
class Group(relay.Node):
    id: relay.NodeID[str]
    group_id: strawberry.ID = raw_id_field("group")
    station_id: strawberry.ID
    project_id: strawberry.ID | None
    name: str
    type: GroupType
    target_population: str
    community: str
    leader_ids: list[str]
    planned_sessions: int
    planned_on: date
    phase: GroupPhase
    closed_on: date | None
    members: int
    sessions_held: int
    person_times: int = strawberry.field(description="Direct: members signed in plus walk-ins, every session")
    indirect_beneficiaries: int = strawberry.field(description="Every session's indirect beneficiaries, summed")
    feedback_forms: int
    satisfaction: float | None = strawberry.field(description="Mean of the feedback forms' 1–5 scores")
    community_id: strawberry.ID | None = strawberry.field(
        default=None, description="The street's community it is of; null when its text names none (listed by "
                                  "unresolvedCommunities)")

    @strawberry.field(description="Every session, in order")
    async def sessions(self, info: strawberry.Info[Context, None]) -> list[GroupSession]:
        found = await info.context.loaders.group_sessions.load(str(self.id))
        return [GroupSession(id=strawberry.ID(r["session_id"]), number=r["number"], held_on=day(r["held_on"]),
                             duration_minutes=r["duration_minutes"], theme=r["theme"], expected=r["expected"],
                             members_present=r["present"], walk_ins=r["walk_ins"], attendance=r["attendance"],
                             goal_attainment=r["goal_attainment"], indirect_beneficiaries=r["indirect_beneficiaries"],
                             indirect_basis=r["indirect_basis"]) for r in found]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Group:
        return cls(id=strawberry.ID(row["group_id"]), station_id=strawberry.ID(row["station_id"]),
                   project_id=row["project_id"] and strawberry.ID(row["project_id"]), name=row["name"],
                   type=GroupType(row["type"]), target_population=row["target_population"],
                   community=community_name_of(row),
                   community_id=community_id_of(row), leader_ids=list(row["leader_ids"]),
                   planned_sessions=row["planned_sessions"], planned_on=day(row["planned_on"]),
                   phase=GroupPhase(row["phase"]), closed_on=row["closed_on"] and day(row["closed_on"]),
                   members=row["members"], sessions_held=row["sessions_held"], person_times=int(row["person_times"]),
                   indirect_beneficiaries=int(row["indirect_beneficiaries"]),
                   feedback_forms=row["feedback_forms"], satisfaction=row["satisfaction"])


@strawberry.type(description="社区活动 A community activity")
class Activity(relay.Node):
    id: relay.NodeID[str]
    activity_id: strawberry.ID = raw_id_field("activity")
    station_id: strawberry.ID
    project_id: strawberry.ID | None
    community: str
    title: str
    kind: ActivityKind
    held_on: date
    place: str
    partners: list[str]
    direct_participants: int
    indirect_beneficiaries: int
    indirect_basis: str
    volunteers: int
    volunteer_hours: float = strawberry.field(
        deprecation_reason="An estimate typed in with the activity, not volunteers' service hours: read "
                           "volunteerHoursEstimate (the dashboard's volunteerServiceHours come from service records)")
    volunteer_hours_estimate: float = strawberry.field(
        description="The hours the activity's volunteers gave, as estimated when it was recorded (never added to "
                    "their service records' hours)")
    community_id: strawberry.ID | None = strawberry.field(
        default=None, description="The street's community it is of; null when its text names none (listed by "
                                  "unresolvedCommunities)")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Activity:
        return cls(id=strawberry.ID(row["activity_id"]), station_id=strawberry.ID(row["station_id"]),
                   project_id=row["project_id"] and strawberry.ID(row["project_id"]), community=community_name_of(row),
                   community_id=community_id_of(row), title=row["title"],
                   kind=ActivityKind(row["kind"]), held_on=day(row["held_on"]),
                   place=row["place"], partners=list(row["partners"]), direct_participants=row["direct_participants"],
                   indirect_beneficiaries=row["indirect_beneficiaries"], indirect_basis=row["indirect_basis"],
                   volunteers=row["volunteers"], volunteer_hours=row["volunteer_hours"],
                   volunteer_hours_estimate=row["volunteer_hours"])


@strawberry.type(description="宣传 A news item or other material")
class PublicityItem(relay.Node):
    id: relay.NodeID[str]
    item_id: strawberry.ID = raw_id_field("item")
    station_id: strawberry.ID
    kind: PublicityKind
    title: str
    outlet: str
    level: PublicityLevel
    published_on: date
    link: str
    audience: int | None
    activity_id: strawberry.ID | None
    project_id: strawberry.ID | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> PublicityItem:
        return cls(id=strawberry.ID(row["item_id"]), station_id=strawberry.ID(row["station_id"]),
                   kind=PublicityKind(row["kind"]), title=row["title"], outlet=row["outlet"],
                   level=PublicityLevel(row["level"]), published_on=day(row["published_on"]), link=row["link"],
                   audience=row["audience"], activity_id=row["activity_id"], project_id=row["project_id"])


@strawberry.type
class NeedFound:
    area: str
    population: str
    description: str


@strawberry.type(description="调研 A needs-research campaign")
class Survey(relay.Node):
    id: relay.NodeID[str]
    survey_id: strawberry.ID = raw_id_field("survey")
    station_id: strawberry.ID
    title: str
    method: SurveyMethod
    starts_on: date
    ends_on: date
    distributed: int
    returned: int | None = strawberry.field(description="Null: not counted")
    needs: list[NeedFound]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Survey:
        return cls(id=strawberry.ID(row["survey_id"]), station_id=strawberry.ID(row["station_id"]), title=row["title"],
                   method=SurveyMethod(row["method"]), starts_on=day(row["starts_on"]), ends_on=day(row["ends_on"]),
                   distributed=row["distributed"], returned=row["returned"],
                   needs=[NeedFound(**n) for n in json.loads(row["needs"])])


@strawberry.type
class LevelCount:
    level: PublicityLevel
    count: int


@strawberry.type(description="宣传 of one kind at one level in a period: how many, and their audience")
class PublicityCount:
    kind: PublicityKind
    level: PublicityLevel
    count: int
    audience: int = strawberry.field(description="The audiences summed, over the items that counted one")
    with_audience: int = strawberry.field(description="How many of the items counted an audience")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> PublicityCount:
        return cls(kind=PublicityKind(row["kind"]), level=PublicityLevel(row["level"]), count=row["count"],
                   audience=int(row["audience"]), with_audience=row["with_audience"])


@strawberry.type(description="The days a dashboard counts: both included")
class FiguresPeriod:
    from_day: date = strawberry.field(name="from")
    to: date


@strawberry.type(description="A target the bureau set for the year, and what was recorded against it")
class TargetProgress:
    target: int
    actual: int


@strawberry.type(description="The year's targets (null: the bureau set none)")
class Targets:
    projects: TargetProgress
    groups: TargetProgress
    activities: TargetProgress
    person_times: TargetProgress = strawberry.field(description="Direct person-times")


@strawberry.type(description="社工站看板 A station's asked period (a month, a year or any range of days), and the "
                               "month and year of its last day, all computed from what was recorded")
class StationDashboard:
    station_id: strawberry.ID
    period: FiguresPeriod = strawberry.field(description="The period asked for (by default this month)")
    in_period: Figures = strawberry.field(description="The figures of `period`")
    month: str = strawberry.field(description="The month of the period's last day")
    year: int = strawberry.field(description="The year of the period's last day")
    this_month: Figures = strawberry.field(description="The figures of `month`")
    this_year: Figures = strawberry.field(description="The figures of `year`, 1 January to 31 December")
    targets: Targets | None
    projects: list[Project] = strawberry.field(
        description="Projects running at some time in the period or in `year`, each with progressInPeriod and "
                    "progressAllTime")
    publicity_by_level: list[LevelCount] = strawberry.field(description="`year`'s publicity by level")
    publicity_in_period: list[PublicityCount] = strawberry.field(
        description="The period's publicity by kind and level, with the audience summed")

    @strawberry.field
    async def station(self, info: strawberry.Info[Context, None]) -> Station | None:
        return await _station(info, str(self.station_id))

    @classmethod
    def from_answer(cls, found: dict[str, Any]) -> StationDashboard:
        year, targets = found["this_year"], found["targets"]
        return cls(
            station_id=strawberry.ID(found["station_id"]), month=found["month"], year=found["year"],
            period=FiguresPeriod(from_day=day(found["period"]["from"]), to=day(found["period"]["to"])),
            in_period=Figures.from_row(found["in_period"]),
            this_month=Figures.from_row(found["this_month"]), this_year=Figures.from_row(year),
            targets=None if targets is None else Targets(
                projects=TargetProgress(target=targets["projects"], actual=year["projects"]),
                groups=TargetProgress(target=targets["groups"], actual=year["groups_planned"]),
                activities=TargetProgress(target=targets["activities"], actual=year["activities"]),
                person_times=TargetProgress(target=targets["person_times"], actual=year["person_times_direct"])),
            projects=[Project.from_row(p) for p in found["projects"]],
            publicity_by_level=[LevelCount(level=PublicityLevel(p["level"]), count=p["count"])
                                for p in found["publicity_by_level"]],
            publicity_in_period=[PublicityCount.from_row(p) for p in found["publicity"]])


@strawberry.type
class StationFigures:
    station_id: strawberry.ID
    name: str
    code: str
    figures: Figures


@strawberry.type(description="区级总览 Every station's figures for the period, and the district's")
class DistrictOverview:
    from_day: date = strawberry.field(name="from")
    to: date = strawberry.field(description="The period's last day")
    until: date = strawberry.field(description="The day after the period")
    stations: list[StationFigures]
    totals: Figures = strawberry.field(description="Sums, but distinct people are counted across the district")
    publicity_by_level: list[LevelCount]
    publicity_in_period: list[PublicityCount] = strawberry.field(
        description="The period's publicity by kind and level, with the audience summed")

    @classmethod
    def from_answer(cls, found: dict[str, Any]) -> DistrictOverview:
        return cls(from_day=day(found["from"]), to=day(found["to"]), until=day(found["until"]),
                   stations=[StationFigures(station_id=strawberry.ID(s["station_id"]), name=s["name"], code=s["code"],
                                            figures=Figures.from_row(s)) for s in found["stations"]],
                   totals=Figures.from_row(found["totals"]),
                   publicity_by_level=[LevelCount(level=PublicityLevel(p["level"]), count=p["count"])
                                       for p in found["publicity_by_level"]],
                   publicity_in_period=[PublicityCount.from_row(p) for p in found["publicity"]])


@strawberry.enum(description="Where person-times come from")
class PersonTimeKind(StrEnum):
    CASE = "case"
    GROUP = "group"
    ACTIVITY = "activity"
    ORGANISATION = "organisation"  # a community social organisation's own activity


@strawberry.enum(description="直接 direct (counted) or 间接 indirect (estimated) beneficiaries")
class Reach(StrEnum):
    DIRECT = "direct"
    INDIRECT = "indirect"


@strawberry.type(description="人次 of one month, station, community, project (null: none), kind and reach")
class PersonTimeRow:
    month: str
    station_id: strawberry.ID
    community: str
    project_id: strawberry.ID | None
    kind: PersonTimeKind
    reach: Reach
    count: int
    community_id: strawberry.ID | None = strawberry.field(
        default=None, description="The street's community it is of; null when its text names none (listed by "
                                  "unresolvedCommunities)")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> PersonTimeRow:
        return cls(month=row["month"], station_id=strawberry.ID(row["station_id"]), community=community_name_of(row),
                   community_id=community_id_of(row), project_id=row["project_id"] and strawberry.ID(row["project_id"]),
                   kind=PersonTimeKind(row["kind"]), reach=Reach(row["reach"]), count=row["count"])


@strawberry.type
class Qualification:
    kind: QualificationKind
    obtained_on: date
    certificate_number: str


@strawberry.type(description="社工站人员: id is the subject they sign in with")
class StaffMember(relay.Node):
    id: relay.NodeID[str]
    staff_id: strawberry.ID = raw_id_field("staff member")
    name: str
    role: StaffRole
    station_ids: list[strawberry.ID]
    joined_on: date
    left_on: date | None
    qualifications: list[Qualification]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> StaffMember:
        return cls(id=strawberry.ID(row["staff_id"]), name=row["name"], role=StaffRole(row["role"]),
                   station_ids=[strawberry.ID(s) for s in row["station_ids"]], joined_on=day(row["joined_on"]),
                   left_on=row["left_on"] and day(row["left_on"]),
                   qualifications=[Qualification(kind=QualificationKind(q["kind"]), obtained_on=day(q["obtained_on"]),
                                                 certificate_number=q["certificate_number"])
                                   for q in json.loads(row["qualifications"])])


@strawberry.type(description="A project or an activity that drew on a resource")
class ResourceUse:
    project_id: strawberry.ID | None
    activity_id: strawberry.ID | None
    used_on: date


@strawberry.type(description="资源图 A resource of the street")
class Resource(relay.Node):
    id: relay.NodeID[str]
    resource_id: strawberry.ID = raw_id_field("resource")
    station_id: strawberry.ID
    kind: ResourceKind
    name: str
    community: str
    offers: str
    used_by: list[ResourceUse]
    community_id: strawberry.ID | None = strawberry.field(
        default=None, description="The street's community it is of; null when its text names none (listed by "
                                  "unresolvedCommunities)")

    @strawberry.field(description="How to reach it (kept sealed; shown to the station's own staff and readers)")
    async def contact(self, info: strawberry.Info[Context, None]) -> str | None:
        return await info.context.resource_contacts.load(str(self.id))

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Resource:
        return cls(id=strawberry.ID(row["resource_id"]), station_id=strawberry.ID(row["station_id"]),
                   kind=ResourceKind(row["kind"]), name=row["name"], community=community_name_of(row),
                   community_id=community_id_of(row), offers=row["offers"],
                   used_by=[ResourceUse(project_id=u["project_id"], activity_id=u["activity_id"],
                                        used_on=day(u["used_on"])) for u in json.loads(row["uses"])])


@strawberry.type(description="An action agreed in supervision, and whether it was done")
class SupervisionAction:
    id: strawberry.ID
    description: str
    owner: str
    due_on: date
    done_on: date | None
    note: str


@strawberry.type(description="督导 A supervision session")
class Supervision(relay.Node):
    id: relay.NodeID[str]
    supervision_id: strawberry.ID = raw_id_field("supervision")
    station_id: strawberry.ID
    supervisor_id: str
    supervisor_kind: SupervisorKind
    staff_ids: list[str]
    held_on: date
    hours: float
    topics: list[str]
    cases_reviewed: int
    actions: list[SupervisionAction]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Supervision:
        return cls(id=strawberry.ID(row["supervision_id"]), station_id=strawberry.ID(row["station_id"]),
                   supervisor_id=row["supervisor_id"], supervisor_kind=SupervisorKind(row["supervisor_kind"]),
                   staff_ids=list(row["staff_ids"]), held_on=day(row["held_on"]), hours=row["hours"],
                   topics=list(row["topics"]), cases_reviewed=row["cases_reviewed"],
                   actions=[SupervisionAction(id=strawberry.ID(a["action_id"]), description=a["description"],
                                              owner=a["owner"], due_on=day(a["due_on"]),
                                              done_on=a["done_on"] and day(a["done_on"]), note=a["note"])
                            for a in json.loads(row["actions"])])


@strawberry.type(description="项目推进会 A project meeting")
class ProjectMeeting(relay.Node):
    id: relay.NodeID[str]
    meeting_id: strawberry.ID = raw_id_field("meeting")
    station_ids: list[strawberry.ID]
    mode: MeetingMode
    starts_at: datetime
    attendees: list[str]
    decisions: list[str]
    action_items: list[str]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ProjectMeeting:
        return cls(id=strawberry.ID(row["meeting_id"]), station_ids=[strawberry.ID(s) for s in row["station_ids"]],
                   mode=MeetingMode(row["mode"]), starts_at=datetime.fromisoformat(str(row["starts_at"])),
                   attendees=list(row["attendees"]), decisions=list(row["decisions"]),
                   action_items=list(row["action_items"]))


@strawberry.enum(description="What each month requires of a station")
class MonthlyRequirement(StrEnum):
    SUPERVISION = "supervision"
    OFFLINE_MEETING = "offline_meeting"
    ONLINE_MEETING = "online_meeting"


@strawberry.type(description="一督二会 one station's month: what was held, and what is missing")
class StationCompliance:
    station_id: strawberry.ID
    supervisions: int
    offline_meetings: int
    online_meetings: int
    missing: list[MonthlyRequirement]

    @strawberry.field(description="Nothing is missing")
    def compliant(self) -> bool:
        return not self.missing

    @strawberry.field
    async def station(self, info: strawberry.Info[Context, None]) -> Station | None:
        return await _station(info, str(self.station_id))


@strawberry.type
class TrainingAttended:
    name: str
    hours: float
    held_on: date


@strawberry.type(description="志愿服务记录 One service: the certificate is made of these")
class VolunteerService:
    id: strawberry.ID
    served_on: date
    place: str
    content: str
    hours: float
    organising_unit: str
    person_in_charge: str
    recording_unit: str = strawberry.field(description="The station that recorded it")
    recorded_on: date
    late: bool = strawberry.field(description="Recorded more than 10 working days after the service (see lateBasis)")
    late_basis: LateBasis = strawberry.field(
        description="What `late` counted: CALENDAR, China's working days (public holidays out, make-up working days"
                    " in); WEEKDAYS_ONLY, Monday to Friday, because a day between the service and its recording is in"
                    " a year nobody knew when it was recorded (neither chinese-calendar nor the bureau's declaration):"
                    " across a holiday or a make-up working day the flag may be wrong")


@strawberry.type(description="志愿服务证明: total hours and each service, computed from the records")
class VolunteerCertificate:
    total_hours: float
    services: list[VolunteerService]


@strawberry.type(description="志愿者 A volunteer; name from the activities service, ID number and contact masked")
class Volunteer(relay.Node):
    id: relay.NodeID[str]
    volunteer_id: strawberry.ID = raw_id_field("volunteer")
    station_id: strawberry.ID
    gender: str
    birth_year: int
    age_group: AgeGroup
    party_member: bool
    residence_area: str
    skills: list[str]
    service_categories: list[str]
    registered_on: date
    leader_since: date | None = strawberry.field(description="Set when designated a volunteer leader (志愿领袖)")
    erased: bool
    total_hours: float
    teams: list[str]
    trainings: list[TrainingAttended]

    consistency_token: str | None = strawberry.field(
        default=None, description="Read unmasked (with purpose): the token of the audit row it recorded, merged "
                                  "with the consistencyToken given; pass it to volunteerDataReads to see the read")
    unmasked: strawberry.Private[dict[str, Any] | None] = None
    """The personal data read unmasked (with a purpose, audited), else None: the masked view is loaded."""

    async def _personal(self, info: strawberry.Info[Context, None]) -> dict[str, Any] | None:
        if self.unmasked is not None:
            return self.unmasked
        return await info.context.volunteers.load(str(self.id))

    @strawberry.field(description="Null once erased")
    async def name(self, info: strawberry.Info[Context, None]) -> str | None:
        view = await self._personal(info)
        return None if view is None else view["name"]

    @strawberry.field(description="Masked (4301**********1234) unless read unmasked")
    async def id_number(self, info: strawberry.Info[Context, None]) -> str | None:
        view = await self._personal(info)
        return None if view is None else view["id_number"]

    @strawberry.field(description="Masked (138****0000) unless read unmasked")
    async def contact(self, info: strawberry.Info[Context, None]) -> str | None:
        view = await self._personal(info)
        return None if view is None else view["contact"]

    @strawberry.field(description="Only when read unmasked")
    async def birth_date(self, info: strawberry.Info[Context, None]) -> date | None:
        view = await self._personal(info)
        return None if view is None or view["birth_date"] is None else day(view["birth_date"])

    @strawberry.field(description="When the separate consent to their sensitive data was given (null: none on "
                                  "record, as for volunteers registered before consent was asked)")
    async def consent_given_on(self, info: strawberry.Info[Context, None]) -> date | None:
        view = await self._personal(info)
        return None if view is None or view["consent_given_on"] is None else day(view["consent_given_on"])

    @strawberry.field(description="What the consent was given for")
    async def consent_purpose(self, info: strawberry.Info[Context, None]) -> str | None:
        view = await self._personal(info)
        return None if view is None else view["consent_purpose"]

    @strawberry.field(description="The consent is the guardian's (a volunteer under 14)")
    async def consent_by_guardian(self, info: strawberry.Info[Context, None]) -> bool:
        view = await self._personal(info)
        return bool(view and view["consent_by_guardian"])

    @strawberry.field(description="ID number and contact masked, birth date hidden (read with purpose to see them)")
    async def masked(self, info: strawberry.Info[Context, None]) -> bool:
        view = await self._personal(info)
        return view is None or bool(view["masked"])

    @strawberry.field(description="Total hours and every service, from the records (never typed in)")
    async def certificate(self, info: strawberry.Info[Context, None]) -> VolunteerCertificate:
        found = await info.context.loaders.volunteer_services.load(str(self.id))
        services = [VolunteerService(
            id=strawberry.ID(r["record_id"]), served_on=day(r["served_on"]), place=r["place"], content=r["content"],
            hours=r["hours"], organising_unit=r["organising_unit"], person_in_charge=r["person_in_charge"],
            recording_unit=r["station_name"], recorded_on=day(r["recorded_on"]), late=r["late"],
            late_basis=LateBasis(r["late_basis"]))
            for r in found]
        return VolunteerCertificate(total_hours=round(sum(s.hours for s in services), 2), services=services)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Volunteer:
        return cls(id=strawberry.ID(row["volunteer_id"]), station_id=strawberry.ID(row["station_id"]),
                   gender=row["gender"], birth_year=row["birth_year"], age_group=AgeGroup(row["age_group"]),
                   party_member=row["party_member"], residence_area=row["residence_area"], skills=list(row["skills"]),
                   service_categories=list(row["service_categories"]), registered_on=day(row["registered_on"]),
                   leader_since=row["leader_since"] and day(row["leader_since"]), erased=row["erased"],
                   total_hours=round(float(row["total_hours"]), 2), teams=list(row["teams"]),
                   trainings=[TrainingAttended(name=t["name"], hours=t["hours"], held_on=day(t["held_on"]))
                              for t in json.loads(row["trainings"])])


@strawberry.type(description="社区社会组织 A community social organisation")
class Organisation(relay.Node):
    id: relay.NodeID[str]
    organisation_id: strawberry.ID = raw_id_field("organisation")
    station_id: strawberry.ID
    name: str
    community: str
    type: OrganisationType
    members: int
    founded_on: date
    status: OrganisationStatus
    milestones: list[IncubationMilestone]
    filing_number: str | None
    filed_on: date | None
    activities: int
    participants: int
    street_meetings_attended: int = strawberry.field(
        description="街道层面会议 (社会组织沙龙) it came to; streetMeetings(organisationId:) lists them")
    community_id: strawberry.ID | None = strawberry.field(
        default=None, description="The street's community it is of; null when its text names none (listed by "
                                  "unresolvedCommunities)")

    @strawberry.field(description="负责人 (kept sealed: a resident's personal data)")
    async def leader(self, info: strawberry.Info[Context, None]) -> str | None:
        return await info.context.organisation_leaders.load(str(self.id))

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Organisation:
        return cls(id=strawberry.ID(row["organisation_id"]), station_id=strawberry.ID(row["station_id"]),
                   name=row["name"], community=community_name_of(row),
                   community_id=community_id_of(row), type=OrganisationType(row["type"]),
                   members=row["members"], founded_on=day(row["founded_on"]),
                   status=OrganisationStatus(row["status"]),
                   milestones=[IncubationMilestone(m) for m in row["milestones"]],
                   filing_number=row["filing_number"], filed_on=row["filed_on"] and day(row["filed_on"]),
                   activities=row["activities"], participants=int(row["participants"]),
                   street_meetings_attended=row["street_meetings_attended"])


@strawberry.type(description="Organisations of one community and type: all of them, and those filed")
class OrganisationCount:
    station_id: strawberry.ID
    community: str
    type: OrganisationType
    total: int
    filed: int
    community_id: strawberry.ID | None = strawberry.field(
        default=None, description="The street's community it is of; null when its text names none (listed by "
                                  "unresolvedCommunities)")


@strawberry.enum(description="The kind of record a community's text is used in")
class CommunityUse(StrEnum):
    RECIPIENT = "recipient"
    GROUP = "group"
    ACTIVITY = "activity"
    RESOURCE = "resource"
    VOLUNTEER_TEAM = "volunteer_team"
    ORGANISATION = "organisation"
    PROJECT = "project"


@strawberry.type(description="A community's text in use that names no community of its station's street (written "
                             "before the street's communities were registered, or misspelt): to be corrected, never "
                             "guessed")
class UnresolvedCommunity:
    station_id: strawberry.ID
    community: str = strawberry.field(description="The text, as the records have it")
    used_in: CommunityUse = strawberry.field(description="The kind of record")
    records: int = strawberry.field(description="How many records of that kind use it")


@strawberry.type(description="小区议题 An issue of a compound, from a joint meeting to its resolution")
class CompoundIssue(relay.Node):
    compound_id: strawberry.ID
    id: relay.NodeID[str]
    issue_id: strawberry.ID = raw_id_field("issue")
    title: str
    owner: str
    due_on: date
    raised_on: date
    status: IssueStatus
    closed_on: date | None
    last_note: str
    overdue: bool = strawberry.field(description="Open and past its due date (as of the day asked)")

    @classmethod
    def resolve_id(cls, root: CompoundIssue, *, info: strawberry.Info) -> str:
        return f"{root.compound_id}/{root.id}"  # numbered within its compound: both make it one

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> CompoundIssue:
        return cls(compound_id=strawberry.ID(row["compound_id"]), id=strawberry.ID(row["issue_id"]),
                   title=row["title"], owner=row["owner"], due_on=day(row["due_on"]),
                   raised_on=day(row["raised_on"]), status=IssueStatus(row["status"]),
                   closed_on=row["closed_on"] and day(row["closed_on"]), last_note=row["last_note"],
                   overdue=row["overdue"])


@strawberry.type(description="联席会议 A compound's joint meeting")
class JointMeeting(relay.Node):
    compound_id: strawberry.ID
    id: relay.NodeID[str]
    meeting_id: strawberry.ID = raw_id_field("meeting")
    held_on: date
    present: list[Stakeholder]
    agenda: list[str]
    minutes: str

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> JointMeeting:
        return cls(compound_id=strawberry.ID(row["compound_id"]), id=strawberry.ID(row["meeting_id"]),
                   held_on=day(row["held_on"]), present=[Stakeholder(p) for p in row["present"]],
                   agenda=list(row["agenda"]), minutes=row["minutes"])


@strawberry.type(description="A figure that differs from the version before")
class ReportChange:
    figure: str
    before: float | None
    after: float


@strawberry.type(description="One submitted (and locked) version of a report")
class WorkReportVersion:
    version: int
    figures: Figures
    narrative: str
    submitted_by: str
    submitted_on: date
    correction_reason: str | None
    changes: list[ReportChange] = strawberry.field(description="Figures that differ from the previous version")
    narrative_changed: bool


@strawberry.type(description="三报 A station's daily, weekly or monthly report: its versions and today's figures")
class WorkReport(relay.Node):
    station_id: strawberry.ID
    kind: ReportKind
    period_start: date
    period_end: date
    versions: list[WorkReportVersion] = strawberry.field(description="Newest first; empty until submitted")
    current: Figures = strawberry.field(description="The period's figures as the records stand now")
    differences: list[ReportChange] = strawberry.field(
        default_factory=list,
        description="Figures where the latest version (before) and the records now (after) differ: something dated "
                    "in the period recorded or corrected after it was submitted; resubmit with a correctionReason "
                    "to make them the report's. A later event (a reopening) never changes a past period")

    @strawberry.field(description="Submitted at least once (and so locked)")
    def locked(self) -> bool:
        return bool(self.versions)

    @classmethod
    def resolve_id(cls, root: WorkReport, *, info: strawberry.Info) -> str:
        return f"{root.station_id}/{root.kind.value}/{root.period_start.isoformat()}"  # a report is its period

    @classmethod
    def from_answer(cls, found: dict[str, Any]) -> WorkReport:
        return cls(station_id=strawberry.ID(found["station_id"]), kind=ReportKind(found["kind"]),
                   period_start=day(found["period_start"]), period_end=day(found["period_end"]),
                   current=Figures.from_row(found["current"]),
                   differences=[ReportChange(**c) for c in found.get("differences", [])], versions=[WorkReportVersion(
                       version=v["version"], figures=Figures.from_row({**dict.fromkeys(
                           Figures.__annotations__, 0), **v["figures"]}), narrative=v["narrative"],
                       submitted_by=v["submitted_by"], submitted_on=day(v["submitted_on"]),
                       correction_reason=v["correction_reason"],
                       changes=[ReportChange(**c) for c in v["changes"]], narrative_changed=v["narrative_changed"])
                       for v in found["versions"]])


@strawberry.type(description="志愿服务队: the street's hub team or a community team")
class VolunteerTeam(relay.Node):
    id: relay.NodeID[str]
    team_id: strawberry.ID = raw_id_field("team")
    station_id: strawberry.ID
    name: str
    kind: TeamKind
    community: str
    formed_on: date
    members: int
    leader_ids: list[strawberry.ID]
    community_id: strawberry.ID | None = strawberry.field(
        default=None, description="The street's community it is of; null when its text names none (listed by "
                                  "unresolvedCommunities)")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> VolunteerTeam:
        return cls(id=strawberry.ID(row["team_id"]), station_id=strawberry.ID(row["station_id"]), name=row["name"],
                   kind=TeamKind(row["kind"]), community=community_name_of(row),
                   community_id=community_id_of(row), formed_on=day(row["formed_on"]),
                   members=row["members"], leader_ids=[strawberry.ID(v) for v in row["leader_ids"]])
