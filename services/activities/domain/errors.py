"""The refusals of places and stations."""

from __future__ import annotations

from datetime import date

from shared.contracts.errors import DomainError, Forbidden, InvalidInput, Message, NotFound


class StreetNotFound(NotFound):
    def __init__(self, street_id: str) -> None:
        super().__init__(Message(zh=f"找不到街道 {street_id}", en=f"No street {street_id}"), field="streetId")


class AlreadyExists(DomainError):
    code = "already_exists"

    def __init__(self, what_zh: str, what_en: str, field: str) -> None:
        super().__init__(Message(zh=f"{what_zh}已存在", en=f"{what_en} already exists"), field=field)


class OnlyTheBureau(Forbidden):
    def __init__(self, what_zh: str = "街道、社工站、运营机构与年度目标",
                 what_en: str = "streets, stations, operators and targets") -> None:
        super().__init__(Message(zh=f"只有区民政局可以管理{what_zh}", en=f"Only the district bureau manages {what_en}"))


class DayOutsideTheYear(InvalidInput):
    """A day of a year's arrangement is in that year (or, for the New Year's holiday, the December before)."""

    def __init__(self, field: str, day: date, year: int) -> None:
        super().__init__(Message(zh=f"{field} 中的 {day} 不在 {year} 年（或其前一年的十二月）内",
                                 en=f"{day} in {field} is not in {year} (nor in the December before it)"),
                         field=field)


class NotAWeekend(InvalidInput):
    """A make-up working day (调休上班) is a Saturday or Sunday worked in exchange for a holiday."""

    def __init__(self, day: date) -> None:
        super().__init__(Message(zh=f"调休上班日 {day} 不是周六或周日",
                                 en=f"The make-up working day {day} is not a Saturday or Sunday"),
                         field="makeUpWorkdays")


class BothHolidayAndWorkday(InvalidInput):
    def __init__(self, day: date) -> None:
        super().__init__(Message(zh=f"{day} 不能既是节假日又是调休上班日",
                                 en=f"{day} cannot be both a holiday and a make-up working day"),
                         field="makeUpWorkdays")


class BadStationCode(InvalidInput):
    def __init__(self, code: str) -> None:
        super().__init__(Message(zh=f"社工站代码 {code} 应为 2 到 6 个大写字母",
                                 en=f"Station code {code} must be 2 to 6 capital letters"), field="code")


class BadDivisionCode(InvalidInput):
    """An official code (GB/T 2260 or 统计用区划代码) of the wrong shape, or not under its parent's."""

    code = "bad_division_code"

    def __init__(self, field: str, value: str, problem: tuple[str, str]) -> None:
        super().__init__(Message(zh=f"“{field}”中的代码 {value} 有误：{problem[0]}",
                                 en=f"The code {value} in {field} {problem[1]}"), field=field)


class NotFoundHere(NotFound):
    """A project, group or activity that does not exist, or is not the station's."""

    def __init__(self, what_zh: str, what_en: str, ident: str, field: str) -> None:
        super().__init__(Message(zh=f"找不到{what_zh} {ident}", en=f"No {what_en} {ident}"), field=field)


class ReadOnlyRole(Forbidden):
    def __init__(self, role: str) -> None:
        super().__init__(Message(zh=f"角色 {role} 只能查看，不能记录社工站的工作",
                                 en=f"The {role} role reads the station's work but does not record it"))


class NotOfThisStation(DomainError):
    code = "not_of_this_station"

    def __init__(self, what_zh: str, what_en: str, field: str) -> None:
        super().__init__(Message(zh=f"{what_zh}不属于本社工站", en=f"The {what_en} belongs to another station"),
                         field=field)


class GroupIsClosed(DomainError):
    code = "group_closed"

    def __init__(self, group_id: str) -> None:
        super().__init__(Message(zh=f"小组 {group_id} 已结束，不能再记录", en=f"Group {group_id} is closed"),
                         field="groupId")


class PhaseOrder(DomainError):
    code = "stage_order"

    def __init__(self, current: str, asked: str) -> None:
        super().__init__(Message(zh=f"小组阶段只能向前推进：现为 {current}，不能改为 {asked}",
                                 en=f"A group's phase only moves forward: it is {current}, not back to {asked}"),
                         field="phase")


class NotAMember(InvalidInput):
    def __init__(self, member_id: str, field: str) -> None:
        super().__init__(Message(zh=f"{member_id} 不在小组名单中", en=f"{member_id} is not on the group's list"),
                         field=field)


class AlreadyAMember(DomainError):
    code = "already_exists"

    def __init__(self, recipient_id: str) -> None:
        super().__init__(Message(zh=f"服务对象 {recipient_id} 已在小组名单中",
                                 en=f"Recipient {recipient_id} is already on the group's list"), field="recipientId")


class MoreThanHandedOut(InvalidInput):
    def __init__(self) -> None:
        super().__init__(Message(zh="回收问卷数不能多于发放数", en="More questionnaires returned than handed out"),
                         field="returned")


class EndsBeforeStart(InvalidInput):
    def __init__(self, field: str) -> None:
        super().__init__(Message(zh=f"{field} 早于开始日期", en=f"{field} is before the start"), field=field)


class BasisMissing(InvalidInput):
    def __init__(self) -> None:
        super().__init__(Message(zh="间接受益人数须说明估算依据",
                                 en="Say how the indirect beneficiaries were estimated"), field="indirectBasis")


class OpenWorkRemains(DomainError):
    """Cases and groups still in the hands of someone who is leaving a station."""

    code = "open_work_remains"

    def __init__(self, cases: list[str], groups: list[str]) -> None:
        zh = "、".join([*(f"个案 {c}" for c in cases), *(f"小组「{g}」" for g in groups)])
        en = ", ".join([*(f"case {c}" for c in cases), *(f"group {g}" for g in groups)])
        super().__init__(Message(zh=f"请先移交仍在进行的工作：{zh}", en=f"Hand over the open work first: {en}"),
                         field="staffId")
        self.cases, self.groups = cases, groups


class NotTheirManager(Forbidden):
    def __init__(self) -> None:
        super().__init__(Message(zh="只有项目总监或本站站长可以管理社工站人员",
                                 en="Only the project director or the station's head manages its staff"))


class StaffGone(DomainError):
    code = "staff_left"

    def __init__(self, staff_id: str) -> None:
        super().__init__(Message(zh=f"{staff_id} 已离职", en=f"{staff_id} has left"), field="staffId")


class UsedByWhat(InvalidInput):
    def __init__(self) -> None:
        super().__init__(Message(zh="请填写使用该资源的项目或活动（二选一）",
                                 en="Name the project or the activity that used the resource (one of them)"),
                         field="projectId")


class ContractOverlaps(DomainError):
    code = "contract_overlaps"

    def __init__(self, street_id: str, contract_id: str) -> None:
        super().__init__(Message(zh=f"街道 {street_id} 在该期间已有合同 {contract_id}",
                                 en=f"Street {street_id} is already under contract {contract_id} in that period"),
                         field="streetIds")


class StationIsClosed(DomainError):
    code = "station_closed"

    def __init__(self, station_id: str, field: str = "stationId") -> None:
        super().__init__(Message(zh=f"社工站 {station_id} 已关闭，不能再记录新的工作",
                                 en=f"Station {station_id} is closed and takes no new work"), field=field)


class NoSessionYet(DomainError):
    code = "stage_order"

    def __init__(self) -> None:
        super().__init__(Message(zh="小组尚未开展活动，不能填写某节的反馈表",
                                 en="The group has held no session yet to give feedback on"), field="sessionNumber")


class OutsideProject(InvalidInput):
    def __init__(self, starts_on: object, ends_on: object) -> None:
        super().__init__(Message(zh=f"活动日期不在项目周期（{starts_on} 至 {ends_on}）内",
                                 en=f"The date is outside the project's period ({starts_on} to {ends_on})"),
                         field="heldOn")


class StationsForRole(InvalidInput):
    def __init__(self, role: str, one_only: bool) -> None:
        zh, en = (("只能属于一个社工站", "works at exactly one station") if one_only
                  else ("至少属于一个社工站", "covers at least one station"))
        super().__init__(Message(zh=f"{role} {zh}", en=f"A {role} {en}"), field="stationIds")


class NotASupervisor(Forbidden):
    def __init__(self) -> None:
        super().__init__(Message(zh="只有督导、站长或项目总监可以记录督导；区民政局只能查看",
                                 en="Only a supervisor, the station head or the project director records supervision;"
                                    " the bureau reads"), field="stationId")


class ActionAlreadyDone(DomainError):
    code = "already_done"

    def __init__(self, action_id: str) -> None:
        super().__init__(Message(zh=f"督导行动 {action_id} 已完成", en=f"Supervision action {action_id} is done"),
                         field="actionId")


class DateBeforeThe(InvalidInput):
    def __init__(self, field: str, what_zh: str, what_en: str) -> None:
        super().__init__(Message(zh=f"{field} 早于{what_zh}", en=f"{field} is before the {what_en}"), field=field)


class DateAfterThe(InvalidInput):
    def __init__(self, field: str, what_zh: str, what_en: str) -> None:
        super().__init__(Message(zh=f"{field} 晚于{what_zh}", en=f"{field} is after the {what_en}"), field=field)


class NaiveTime(InvalidInput):
    def __init__(self) -> None:
        super().__init__(Message(zh="开始时间须带时区，例如 2026-11-03T19:30:00+08:00",
                                 en="The start time needs its time zone, e.g. 2026-11-03T19:30:00+08:00"),
                         field="startsAt")


class MoreHoursThanTheSpan(InvalidInput):
    def __init__(self, hours: float, span: float) -> None:
        super().__init__(Message(zh=f"服务时长 {hours} 小时超过了服务起止时间（{span:g} 小时）",
                                 en=f"{hours} hours is more than the service's span ({span:g} hours)"),
                         field="hours")


class VolunteerGone(DomainError):
    code = "volunteer_erased"

    def __init__(self, volunteer_id: str) -> None:
        super().__init__(Message(zh=f"志愿者 {volunteer_id} 的个人信息已删除，不能再记录",
                                 en=f"Volunteer {volunteer_id} was erased; nothing more is recorded for them"),
                         field="volunteerId")


class VolunteerConsentMissing(DomainError):
    """A volunteer's sensitive data (or a child's, any of it) without the separate consent it needs (PIPL art. 29,
    31): the person's, with its date and purpose, or for a child under 14 the guardian's. `needed_by` is the field
    that needs it; `field` the consent's own field to fill in."""

    code = "consent_missing"

    def __init__(self, needed_by: str, *, child: bool, field: str = "consentGivenOn") -> None:
        if child:
            zh = f"未满 14 周岁志愿者的信息（{needed_by}），须先取得监护人的单独同意（consentByGuardian，日期与目的）"
            en = (f"A volunteer under 14 ({needed_by}) needs the guardian's separate consent (consentByGuardian,"
                  " with its date and purpose)")
        else:
            zh = f"登记志愿者的 {needed_by}，须先取得本人的单独同意（consentGivenOn 与 consentPurpose）"
            en = f"A volunteer's {needed_by} needs their separate consent (consentGivenOn and consentPurpose)"
        super().__init__(Message(zh=zh, en=en), field=field)
        self.needed_by = needed_by


class ConsentIncomplete(DomainError):
    """A consent given without its date or its purpose: a consent is recorded with both, or not at all."""

    code = "consent_missing"

    def __init__(self, field: str) -> None:
        super().__init__(Message(zh=f"单独同意须有日期（consentGivenOn）与目的（consentPurpose），缺少 {field}",
                                 en=f"A consent needs its date (consentGivenOn) and its purpose (consentPurpose):"
                                    f" {field} is missing"), field=field)


class MilestonesMissing(DomainError):
    code = "stage_order"

    def __init__(self, missing: list[str]) -> None:
        super().__init__(Message(zh=f"备案前须完成培育节点：{'、'.join(missing)}",
                                 en=f"Filing needs the incubation milestones first: {', '.join(missing)}"),
                         field="organisationId")


class StatusOrder(DomainError):
    code = "stage_order"

    def __init__(self, current: str, asked: str, field: str = "status") -> None:
        if asked == "filed":
            zh, en = f"社会组织状态为 {current}，不能再次备案", f"The organisation is {current} and cannot be filed"
        elif asked == "activity":
            zh, en = f"社会组织已{current}，不能再记录活动", f"The organisation is {current} and holds no activities"
        else:
            zh = f"社会组织状态不能从 {current} 变为 {asked}"
            en = f"An organisation cannot go from {current} to {asked}"
        super().__init__(Message(zh=zh, en=en), field=field)


class IssueNeverRaised(NotFound):
    def __init__(self, issue_id: str) -> None:
        super().__init__(Message(zh=f"议题 {issue_id} 从未在联席会议上提出", en=f"Issue {issue_id} was never raised"),
                         field="issueId")


class IssueClosed(DomainError):
    code = "stage_order"

    def __init__(self, issue_id: str, status: str) -> None:
        zh, en = {"resolved": (f"议题 {issue_id} 已解决，不再跟进", f"Issue {issue_id} is already resolved"),
                  "escalated": (f"议题 {issue_id} 已上报，不再跟进", f"Issue {issue_id} is already escalated"),
                  "raised": (f"议题 {issue_id} 不能改回“已提出”", f"Issue {issue_id} cannot go back to raised")}[status]
        super().__init__(Message(zh=zh, en=en), field="issueId")


class PeriodNotAligned(InvalidInput):
    def __init__(self, kind: str) -> None:
        what = {"weekly": ("周报从周一开始", "a weekly report starts on a Monday"),
                "monthly": ("月报从每月 1 日开始", "a monthly report starts on the 1st")}[kind]
        super().__init__(Message(zh=what[0], en=what[1].capitalize()), field="periodStart")


class CorrectionReasonMissing(InvalidInput):
    def __init__(self, version: int) -> None:
        super().__init__(Message(zh=f"该报告已提交（第 {version} 版）并锁定；再次提交须说明更正原因",
                                 en=f"The report was submitted (version {version}) and is locked; "
                                    "a resubmission needs the reason for the correction"),
                         field="correctionReason")


class DayOverfull(InvalidInput):
    def __init__(self, day: object, already: float) -> None:
        super().__init__(Message(zh=f"{day} 已记录 {already:g} 小时，一天不超过 24 小时",
                                 en=f"{day} already holds {already:g} hours; a day has 24"), field="hours")


class ServicesOverlap(InvalidInput):
    def __init__(self, start: object, end: object) -> None:
        super().__init__(Message(zh=f"与当天 {start}–{end} 的服务时间重叠", en=f"Overlaps the service {start}–{end}"),
                         field="startsAt")


class UnknownRecipient(NotFound):
    """A recipient id this service has not heard of from the cases service (or one the caller does not see)."""

    code = "unknown_recipient"

    def __init__(self, recipient_id: str) -> None:
        super().__init__(Message(zh=f"找不到服务对象 {recipient_id}；如刚刚登记，可能尚未同步过来，请稍后再试",
                                 en=f"No recipient {recipient_id}; one registered a moment ago may not have arrived"
                                    " here yet: try again shortly"), field="recipientId")


class RecipientErased(DomainError):
    code = "recipient_erased"

    def __init__(self, recipient_id: str) -> None:
        super().__init__(Message(zh=f"服务对象 {recipient_id} 的个人信息已删除，不能再加入小组",
                                 en=f"Recipient {recipient_id} was erased and joins no group"), field="recipientId")


class RecipientMerged(DomainError):
    code = "recipient_merged"

    def __init__(self, recipient_id: str, survivor_id: str) -> None:
        super().__init__(Message(zh=f"服务对象 {recipient_id} 是重复登记，已合并到 {survivor_id}，请使用后者",
                                 en=f"Recipient {recipient_id} was a duplicate merged into {survivor_id};"
                                    " use that one"),
                         field="recipientId")


class LeaderNotCurrentStaff(DomainError):
    code = "leader_not_current_staff"

    def __init__(self, leader_id: str, left: bool) -> None:
        zh, en = ((f"组长 {leader_id} 已离职", f"Leader {leader_id} has left") if left else
                  (f"组长 {leader_id} 不是本社工站的在职人员",
                   f"Leader {leader_id} is not current staff of the station"))
        super().__init__(Message(zh=zh, en=en), field="leaderIds")
        self.leader_id = leader_id


class SearchTermNeeded(InvalidInput):
    """A search for volunteers names nothing to find them by (the cases service's for recipients has the code)."""

    code = "search_term_needed"

    def __init__(self) -> None:
        super().__init__(Message(zh="查找志愿者须给出姓名片段、身份证号或电话中的至少一项",
                                 en="A search for volunteers needs a name part, an ID number or a phone"),
                         field="name")


class SearchTermUnusable(InvalidInput):
    """A search term that cannot be searched by: too long, too short, or not a whole ID number."""

    def __init__(self, field: str, rule_zh: str, rule_en: str) -> None:
        super().__init__(Message(zh=f"{field} 无法用于查找：{rule_zh}", en=f"{field} cannot be searched by: {rule_en}"),
                         field=field)


class NoCommunityNamed(InvalidInput):
    """A record of a community names it by its id or by its name or code: one of the two is required."""

    def __init__(self, field: str = "community") -> None:
        super().__init__(Message(zh=f"{field} 不能为空：请给出社区（村）的名称、12 位统计用区划代码"
                                    "或其 id（communityId）",
                                 en=f"{field} must not be blank: give the community's name, its 12-digit division "
                                    "code or its id (communityId)"), field=field)

