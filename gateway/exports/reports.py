"""The reports, each made of the very answers the GraphQL queries give the caller: a file never disagrees
with GraphQL, and holds only what the caller may see (the services check the caller's scope as for a query).
Personal data leaves masked: names as 李**, ID numbers as 4301**********1234."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import strawberry

from gateway.context import Context
from gateway.exports.tables import COUNT, DAY, HOURS, Column, Table
from gateway.types.enums import CaseStatus, Gender, RecipientCategory
from gateway.types.pages import Connection
from gateway.types.planning import CaseStage, RiskLevel
from gateway.types.work import FIGURES_IN_HOURS
from shared.contracts.activities import GroupPhase, LateBasis
from shared.contracts.errors import Message, NotFound
from shared.masking import masked_name

T = TypeVar("T")
PAGE = 100

FIGURE_LABELS: dict[str, str] = {
    "cases_opened": "新接个案数",
    "cases_closed": "结案数",
    "case_sessions": "个案服务次数",
    "case_person_times": "个案服务人次",
    "plans_approved": "服务计划审批通过数",
    "groups_planned": "新筹备小组数",
    "groups_meeting": "开展活动的小组数",
    "group_sessions": "小组活动节数",
    "group_person_times": "小组服务人次",
    "activities": "社区活动场次",
    "activity_person_times": "社区活动直接参与人次",
    "organisation_activities": "社区社会组织自办活动场次",
    "organisation_person_times": "社区社会组织活动参与人次",
    "group_indirect_person_times": "小组间接受益人次",
    "person_times_direct": "直接服务人次合计",
    "person_times_indirect": "间接受益人次",
    "people_served": "服务人数（去重）",
    "projects": "在执行项目数",
    "surveys": "调研次数",
    "questionnaires_distributed": "发放问卷数",
    "questionnaires_returned": "回收问卷数",
    "publicity": "宣传报道数",
    "volunteers_registered": "新登记志愿者数",
    "volunteer_hours": "志愿服务时长（服务记录，小时）",
    "activity_volunteer_hours_estimate": "社区活动志愿时长（活动估计，小时）",
    "trainings": "志愿者培训次数",
    "volunteer_teams_formed": "新成立志愿服务队数",
    "volunteer_leaders_designated": "新确定志愿领袖数",
    "organisations_filed": "社区社会组织备案数",
    "supervisions": "专业督导次数",
    "project_meetings": "项目推进会次数",
    "issues_raised": "小区议题提出数",
    "issues_resolved": "小区议题解决数",
    "street_meetings": "街道层面会议（社会组织沙龙）次数",
}
"""Every figure of a month, in the order and the words the report uses."""

PERSON_TIME_PARTS = ("case_person_times", "group_person_times", "activity_person_times", "organisation_person_times")
"""The rows the totals row adds up: the kinds of direct person-times (人次) whose sum is 直接服务人次合计."""

CATEGORY = {RecipientCategory.SUBSISTENCE_ALLOWANCE: "低保", RecipientCategory.EXTREME_HARDSHIP: "特困",
            RecipientCategory.LEFT_BEHIND_CHILD: "留守儿童", RecipientCategory.CHILD_IN_DIFFICULTY: "困境儿童",
            RecipientCategory.DISABLED: "残障人士", RecipientCategory.ELDERLY_LIVING_ALONE: "独居老人",
            RecipientCategory.FAMILY_IN_DIFFICULTY: "困境家庭", RecipientCategory.PARTY_MEMBER: "党员"}
STAGE = {CaseStage.INTAKE: "接案", CaseStage.ASSESSED: "已预估", CaseStage.PLANNED: "服务计划",
         CaseStage.EVALUATED: "已评估", CaseStage.CLOSED: "结案"}
RISK = {RiskLevel.LOW: "低", RiskLevel.MEDIUM: "中", RiskLevel.HIGH: "高", RiskLevel.URGENT: "紧急"}
STATUS = {CaseStatus.OPEN: "在案", CaseStatus.CLOSED: "已结案"}
GENDER = {Gender.FEMALE: "女", Gender.MALE: "男", Gender.OTHER: "其他"}
GROUP_PHASE = {GroupPhase.PREPARATION: "筹备", GroupPhase.FORMING: "形成期", GroupPhase.WORKING: "工作期",
               GroupPhase.ENDING: "结束期", GroupPhase.CLOSED: "已结束"}
"""Chinese labels, keyed by the enums' members: a label for a value that does not exist fails on import."""


@dataclass(frozen=True)
class Report:
    """What a file is called (without its extension) and its tables; a CSV holds the first table."""

    name: str
    tables: list[Table]


async def station_month(info: strawberry.Info[Context, None], station_id: str, month: str,
                        consistency_token: str | None) -> Report:
    """The `stationDashboard` answer: every figure of the month and the year, and each project's progress."""
    dashboard = await info.context.query("station_dashboard", {"station_id": station_id, "month": month},
                                         consistency_token, typed=True)
    station = (await info.context.stations.load(station_id)) or {"name": station_id}
    month_figures, year_figures = dashboard["this_month"], dashboard["this_year"]
    figures = Table(sheet=f"{dashboard['month']} 月报", title=f"{station['name']} {dashboard['month']} 月度工作报表",
                    columns=[Column("指标", 36), Column("本月", 12, COUNT), Column("本年累计", 12, COUNT)])
    for key, label in FIGURE_LABELS.items():
        figures.rows.append([label, month_figures[key], year_figures[key]])
    figures.totals = ["合计（个案、小组、社区活动、社会组织活动直接人次）",
                      sum(month_figures[k] for k in PERSON_TIME_PARTS), sum(year_figures[k] for k in PERSON_TIME_PARTS)]
    figures.notes = ["人次：每次出席或参与计一次；服务人数按已登记的服务对象和组员去重"
                     "（未关联服务对象的组员按小组分别计）。",
                     "结案数按结案日期计入当月，其后重新开案不改变已过月份。"]
    projects = Table(sheet="项目进度", title=f"{station['name']} 项目进度（截至导出时）",
                     columns=[Column("项目", 24), Column("计划小组节数", 14, COUNT),
                              Column("已开展小组节数", 14, COUNT), Column("社区活动", 12, COUNT),
                              Column("直接人次", 12, COUNT), Column("间接人次", 12, COUNT),
                              Column("本月直接人次", 12, COUNT), Column("本月间接人次", 12, COUNT)])
    for p in dashboard["projects"]:
        projects.rows.append([p["name"], p["planned_sessions"], p["group_sessions"], p["activities"],
                              p["person_times_direct"], p["person_times_indirect"],
                              p["in_period"]["person_times_direct"], p["in_period"]["person_times_indirect"]])
    projects.notes = ["前五列为项目开始以来累计；“本月”两列只计本月。"]
    return Report(name=f"{station['name']}-{dashboard['month']}-月报", tables=[figures, projects])


async def district_month(info: strawberry.Info[Context, None], month: str, consistency_token: str | None) -> Report:
    """The `districtOverview` answer: a row per station the caller may see, and the district's own totals (its
    distinct people are counted across stations, not added up)."""
    overview = await info.context.query("district_overview", {"month": month}, consistency_token, typed=True)
    table = Table(sheet="区级汇总", title=f"{month} 社工站工作区级汇总",
                  columns=[Column("社工站", 20), Column("代码", 8),
                           *(Column(label, 11, HOURS if key in FIGURES_IN_HOURS else COUNT)
                             for key, label in FIGURE_LABELS.items())])
    for station in overview["stations"]:
        table.rows.append([station["name"], station["code"], *(station[k] for k in FIGURE_LABELS)])
    table.totals = ["全区合计", "", *(overview["totals"][k] for k in FIGURE_LABELS)]
    table.notes = ["全区服务人数为全区去重人数，不是各站之和。"]
    return Report(name=f"区级汇总-{month}", tables=[table])


async def all_of(page: Callable[[str | None], Awaitable[Connection[T]]]) -> AsyncIterator[T]:
    """Every node of a Relay list, page after page."""
    after: str | None = None
    while True:
        found = await page(after)
        for edge in found.edges:
            yield edge.node
        if not found.page_info.has_next_page:
            return
        after = found.page_info.end_cursor


async def case_list(info: strawberry.Info[Context, None], station_id: str | None, status: Any,
                    consistency_token: str | None) -> Report:
    """The `cases` list (every page) with each recipient's masked view: name masked, no ID number, no phone."""
    from gateway.queries.cases import cases

    table = Table(sheet="个案清单", title="个案清单（个人信息已脱敏）",
                  columns=[Column("个案编号", 16), Column("服务对象", 10), Column("性别", 6), Column("社区", 14),
                           Column("类别", 18), Column("负责社工", 12), Column("接案日期", 12, DAY),
                           Column("阶段", 10), Column("风险等级", 8), Column("服务次数", 8, COUNT),
                           Column("最近服务", 12, DAY), Column("状态", 8), Column("结案日期", 12, DAY)])
    listed = [case async for case in all_of(lambda after: cases(
        info, station_id=station_id and strawberry.ID(station_id), status=status, first=PAGE, after=after,
        consistency_token=consistency_token))]
    recipients = await asyncio.gather(*(case.recipient(info) for case in listed))  # one batch for the loader
    for case, recipient in zip(listed, recipients, strict=True):
        name = None if recipient is None else recipient.name
        table.rows.append([
            case.number or "", "（已删除）" if name is None else masked_name(name),
            "" if recipient is None else GENDER[recipient.gender],
            "" if recipient is None else recipient.community,
            "" if recipient is None else "、".join(CATEGORY[c.category] for c in recipient.categories),
            case.worker_id, case.opened_on, STAGE[case.stage],
            "" if case.risk_level is None else RISK[case.risk_level], case.session_count,
            case.last_session_on, STATUS[case.status], case.closed_on])
    table.totals = [f"共 {len(table.rows)} 个个案", *[""] * 8, sum(r[9] for r in table.rows), "", "", ""]
    table.notes = ["服务对象姓名仅保留姓氏；身份证号、电话、住址不导出。"]
    scope = "全部" if station_id is None else ((await info.context.stations.load(station_id)) or {}).get("name", "")
    return Report(name=f"个案清单-{scope}", tables=[table])


async def volunteer_certificate(info: strawberry.Info[Context, None], volunteer_id: str,
                                consistency_token: str | None) -> Report:
    """志愿服务证明: the `volunteer` answer and its `certificate`: every service and the total hours, from the
    records (never typed in). The volunteer's own name is on it (it is theirs); the ID number is masked."""
    from gateway.queries.station_work import volunteer

    found = await volunteer(info, strawberry.ID(volunteer_id), consistency_token)
    if found is None:
        raise NotFound(Message(zh="没有这位志愿者，或不在您的权限内", en="No such volunteer, or not yours to see"),
                       field="volunteerId")
    name, id_number = await found.name(info), await found.id_number(info)
    certificate = await found.certificate(info)
    station = (await info.context.stations.load(str(found.station_id))) or {"name": ""}
    table = Table(sheet="志愿服务证明", title=f"志愿服务证明 {name or '（已删除）'}",
                  columns=[Column("服务日期", 12, DAY), Column("服务地点", 18), Column("服务内容", 28),
                           Column("时长（小时）", 12, HOURS), Column("组织单位", 20), Column("负责人", 10),
                           Column("记录单位", 20), Column("记录日期", 12, DAY), Column("补录", 6)])
    for s in certificate.services:  # in the order served, as the certificate lists them
        table.rows.append([s.served_on, s.place, s.content, s.hours, s.organising_unit, s.person_in_charge,
                           s.recording_unit, s.recorded_on,
                           ("是" if s.late else "") + ("*" if s.late_basis is LateBasis.WEEKDAYS_ONLY else "")])
    table.totals = ["累计服务时长", "", "", certificate.total_hours, "", "", "", "", ""]
    table.notes = [f"志愿者：{name or '（已删除）'}　身份证号：{id_number or '未登记'}　登记单位：{station['name']}",
                   "时长由服务记录汇总生成；服务后超过 10 个工作日（按国家法定节假日与调休）录入的记录标为补录；"
                   "标 * 者录入时该年节假日安排尚未公布，按周一至周五计算，跨节假日或调休时可能不准。"]
    return Report(name=f"志愿服务证明-{name or volunteer_id}", tables=[table])


async def project_outputs(info: strawberry.Info[Context, None], project_id: str,
                          consistency_token: str | None) -> Report:
    """A project's outputs: the `project` answer's progress against its plan, and every group and activity of
    it (the `groups` and `activities` lists filtered by the project)."""
    from gateway.queries.station_work import activities, groups, project

    found = await project(info, strawberry.ID(project_id), consistency_token)
    if found is None:
        raise NotFound(Message(zh="没有这个项目，或不在您的权限内", en="No such project, or not yours to see"),
                       field="projectId")
    p = found.progress_all_time
    summary = Table(sheet="项目产出", title=f"{found.name} 项目产出（{found.starts_on} 至 {found.ends_on}）",
                    columns=[Column("指标", 20), Column("计划", 12, COUNT), Column("完成", 12, COUNT),
                             Column("完成率", 10, "0%")])
    for label, planned, done in (("小组数", p.planned_groups, p.groups),
                                 ("小组活动节数", p.planned_group_sessions, p.group_sessions),
                                 ("社区活动场次", p.planned_activities, p.activities),
                                 ("直接服务人次", p.planned_person_times, p.person_times_direct)):
        summary.rows.append([label, planned, done, done / planned if planned else None])
    summary.rows.append(["间接受益人次", None, p.person_times_indirect, None])
    summary.rows.append(["社区社会组织活动场次", None, p.organisation_activities, None])
    summary.notes = [f"服务对象：{found.target_population}　覆盖社区：{'、'.join(found.communities)}",
                     f"项目目标：{found.aims}"]
    group_table = Table(sheet="小组", title=f"{found.name} 小组",
                        columns=[Column("小组", 20), Column("社区", 14), Column("阶段", 8), Column("组员", 8, COUNT),
                                 Column("计划节数", 10, COUNT), Column("已开展节数", 10, COUNT),
                                 Column("服务人次", 10, COUNT), Column("间接受益人次", 12, COUNT),
                                 Column("满意度", 8, "0.0")])
    async for g in all_of(lambda after: groups(info, project_id=strawberry.ID(project_id), first=PAGE, after=after,
                                               consistency_token=consistency_token)):
        group_table.rows.append([g.name, g.community, GROUP_PHASE[g.phase], g.members, g.planned_sessions,
                                 g.sessions_held, g.person_times, g.indirect_beneficiaries, g.satisfaction])
    group_table.totals = ["合计", "", "", *(sum(r[n] for r in group_table.rows) for n in (3, 4, 5, 6, 7)), None]
    group_table.notes = ["间接受益人次：各节小组活动登记的间接受益人（如组员家长），按登记的依据估算，"
                         "计入项目间接受益人次。"]
    activity_table = Table(sheet="社区活动", title=f"{found.name} 社区活动",
                           columns=[Column("活动", 28), Column("日期", 12, DAY), Column("社区", 14),
                                    Column("直接参与人次", 12, COUNT), Column("间接受益人次", 12, COUNT),
                                    Column("志愿者", 8, COUNT), Column("志愿时长（估计）", 10, HOURS)])
    async for a in all_of(lambda after: activities(info, project_id=strawberry.ID(project_id), first=PAGE,
                                                   after=after, consistency_token=consistency_token)):
        activity_table.rows.append([a.title, a.held_on, a.community, a.direct_participants,
                                    a.indirect_beneficiaries, a.volunteers, a.volunteer_hours_estimate])
    activity_table.rows.sort(key=lambda r: r[1])
    activity_table.totals = ["合计", None, "", *(sum(r[n] for r in activity_table.rows) for n in (3, 4, 5, 6))]
    return Report(name=f"项目产出-{found.name}", tables=[summary, group_table, activity_table])
