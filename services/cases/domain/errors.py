"""The refusals of case work, each a fact the user can act on.

    DomainError
     ├── NotFound: RecipientNotFound, CaseNotFound
     ├── Forbidden: NotYourStation
     ├── InvalidInput: DateInFuture, DateBeforeOpening, BlankField, OutOfRange
     └── CaseAlreadyClosed, RecipientAlreadyRegistered, CaseAlreadyOpened
"""

from __future__ import annotations

from datetime import date

from shared.contracts.errors import DomainError, Forbidden, InvalidInput, Message, NotFound
from shared.id_number import InvalidIdNumber
from shared.rules import BlankField, DateInFuture, NotYourStation, OutOfRange

__all__ = ["BlankField", "DateInFuture", "InvalidIdNumber", "NotYourStation", "OutOfRange"]  # shared, named here too


class RecipientNotFound(NotFound):
    def __init__(self, recipient_id: str) -> None:
        super().__init__(Message(zh=f"找不到服务对象 {recipient_id}", en=f"No recipient {recipient_id}"),
                         field="recipientId")


class CaseNotFound(NotFound):
    def __init__(self, case_id: str) -> None:
        super().__init__(Message(zh=f"找不到个案 {case_id}", en=f"No case {case_id}"), field="caseId")


class CaseAlreadyClosed(DomainError):
    code = "case_already_closed"

    def __init__(self, case_id: str) -> None:
        super().__init__(Message(zh=f"个案 {case_id} 已结案，不能再记录或结案",
                                 en=f"Case {case_id} is already closed"), field="caseId")


class CaseAlreadyOpened(DomainError):
    code = "case_already_opened"

    def __init__(self, case_id: str) -> None:
        super().__init__(Message(zh=f"个案 {case_id} 已存在", en=f"Case {case_id} already exists"),
                         field="caseId")


class RecipientAlreadyRegistered(DomainError):
    code = "recipient_already_registered"

    def __init__(self, recipient_id: str) -> None:
        super().__init__(Message(zh=f"服务对象 {recipient_id} 已登记",
                                 en=f"Recipient {recipient_id} is already registered"), field="recipientId")


class DateBeforeOpening(InvalidInput):
    def __init__(self, field: str, value: date, opened_on: date) -> None:
        super().__init__(Message(zh=f"{field}（{value}）早于接案日期 {opened_on}",
                                 en=f"{field} ({value}) is before the case was opened on {opened_on}"), field=field)


class RecipientWasErased(DomainError):
    code = "recipient_erased"

    def __init__(self, recipient_id: str) -> None:
        super().__init__(Message(zh=f"服务对象 {recipient_id} 的个人信息已删除，不能再为其记录",
                                 en=f"Recipient {recipient_id} was erased; nothing more can be recorded for them"),
                         field="recipientId")


class ConsentMissing(DomainError):
    code = "consent_missing"

    def __init__(self, by_guardian: bool) -> None:
        who_zh, who_en = ("监护人", "the guardian's") if by_guardian else ("本人", "the person's")
        super().__init__(Message(zh=f"登记身份证号、电话、住址、残疾情况或未满 14 周岁儿童的信息，须先取得{who_zh}"
                                    "单独同意（日期与目的）",
                                 en=f"Sensitive data (ID number, phone, address, disability, or anything about a"
                                    f" child under 14) needs {who_en} separate consent, with its date and purpose"),
                         field="consent")


class InvalidPhone(InvalidInput):
    def __init__(self, field: str = "phone") -> None:
        super().__init__(Message(zh="电话号码应为 7 到 15 位数字（可含 - 和开头的 +）",
                                 en="A phone number has 7 to 15 digits (with optional - and a leading +)"),
                         field=field)


class RecipientAlreadyErased(DomainError):
    code = "recipient_erased"

    def __init__(self, recipient_id: str) -> None:
        super().__init__(Message(zh=f"服务对象 {recipient_id} 的个人信息已经删除",
                                 en=f"Recipient {recipient_id} was already erased"), field="recipientId")


class NotAllowedToErase(Forbidden):
    def __init__(self) -> None:
        super().__init__(Message(zh="只有站长或区民政局可以删除服务对象的个人信息",
                                 en="Only the station head or the district bureau may erase a recipient"))


class StageOrder(DomainError):
    """A step taken before the one it needs (no plan before assessment, …)."""

    code = "stage_order"

    def __init__(self, zh: str, en: str, field: str = "caseId") -> None:
        super().__init__(Message(zh=zh, en=en), field=field)


class NotAnApprover(Forbidden):
    def __init__(self) -> None:
        super().__init__(Message(zh="只有站长或督导可以审批服务计划",
                                 en="Only the station head or a supervisor approves service plans"))


class WrongPlanVersion(DomainError):
    code = "wrong_plan_version"

    def __init__(self, asked: int, pending: int | None) -> None:
        waiting_zh = f"待审批的是第 {pending} 版" if pending else "没有待审批的版本"
        waiting_en = f"version {pending} is waiting" if pending else "no version is waiting"
        super().__init__(Message(zh=f"服务计划第 {asked} 版不在待审批状态（{waiting_zh}）",
                                 en=f"Service plan version {asked} is not waiting for approval ({waiting_en})"),
                         field="planVersion")


class NotTheStationHead(Forbidden):
    def __init__(self) -> None:
        super().__init__(Message(zh="只有站长可以转移个案", en="Only the station head transfers cases"))


class CaseIsOpen(DomainError):
    code = "case_is_open"

    def __init__(self, case_id: str) -> None:
        super().__init__(Message(zh=f"个案 {case_id} 尚未结案，无需重新开案",
                                 en=f"Case {case_id} is still open; there is nothing to reopen"), field="caseId")


class ReadOnlyRole(Forbidden):
    def __init__(self, role: str) -> None:
        super().__init__(Message(zh=f"角色 {role} 只能查看个案，不能修改个案内容",
                                 en=f"The {role} role reads cases but does not change their content"))


class ReferralConsentMissing(DomainError):
    code = "consent_missing"

    def __init__(self) -> None:
        super().__init__(Message(zh="转介须先征得服务对象同意", en="A referral needs the person's consent"),
                         field="consentGiven")


class ReferralNotFound(NotFound):
    def __init__(self, referral_id: str) -> None:
        super().__init__(Message(zh=f"找不到转介 {referral_id}", en=f"No referral {referral_id}"), field="referralId")


class FeedbackAlreadyRecorded(DomainError):
    code = "feedback_already_recorded"

    def __init__(self, referral_id: str) -> None:
        super().__init__(Message(zh=f"转介 {referral_id} 的反馈已记录",
                                 en=f"Referral {referral_id} already has its feedback"), field="referralId")


class BirthUnknown(InvalidInput):
    def __init__(self) -> None:
        super().__init__(Message(zh="请填写出生日期，或至少填写出生年份",
                                 en="Give the birth date, or at least the year"), field="birthYear")


class BirthYearMismatch(InvalidInput):
    def __init__(self, birth_date: date, birth_year: int) -> None:
        super().__init__(Message(zh=f"出生日期 {birth_date} 与出生年份 {birth_year} 不符",
                                 en=f"Birth date {birth_date} is not in birth year {birth_year}"), field="birthDate")


class DuplicateCategory(InvalidInput):
    def __init__(self, category: str) -> None:
        super().__init__(Message(zh=f"类别 {category} 重复填写了", en=f"Category {category} is given twice"),
                         field="categories")


class ChildCategoryForAdult(InvalidInput):
    def __init__(self, category: str) -> None:
        super().__init__(Message(zh=f"类别 {category} 只适用于未满 18 周岁的儿童",
                                 en=f"Category {category} is for children under 18"), field="categories")


class DisabilityWithoutCategory(InvalidInput):
    def __init__(self) -> None:
        super().__init__(Message(zh="登记残疾类别和等级，须同时属于“残障人士”类别",
                                 en="A disability type and grade go with the category DISABLED"), field="disability")


class GuardianMissing(InvalidInput):
    def __init__(self) -> None:
        super().__init__(Message(zh="未成年人须登记监护人", en="A minor needs a guardian on record"), field="guardian")


class RecipientWasMerged(DomainError):
    code = "recipient_merged"

    def __init__(self, recipient_id: str, into: str) -> None:
        super().__init__(Message(zh=f"服务对象 {recipient_id} 是重复登记，已合并到 {into}，请使用后者",
                                 en=f"Recipient {recipient_id} was a duplicate merged into {into}; use that one"),
                         field="recipientId")
        self.into = into


class NothingToChange(InvalidInput):
    def __init__(self) -> None:
        super().__init__(Message(zh="没有要修改的内容", en="The update changes nothing"), field="recipientId")


class SetAndCleared(InvalidInput):
    def __init__(self, field: str) -> None:
        super().__init__(Message(zh=f"{field} 不能同时填写又清除", en=f"{field} cannot be both set and cleared"),
                         field=field)


class NotClearable(InvalidInput):
    def __init__(self, field: str) -> None:
        super().__init__(Message(zh=f"{field} 不能清除，只能修改", en=f"{field} can be changed but not cleared"),
                         field="clear")


class CannotMerge(DomainError):
    code = "cannot_merge"

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(Message(zh=zh, en=en), field="duplicateId")


class NoUrgentRisk(DomainError):
    code = "no_urgent_risk"

    def __init__(self, case_id: str) -> None:
        super().__init__(Message(zh=f"个案 {case_id} 没有待处理的紧急风险",
                                 en=f"Case {case_id} has no urgent risk waiting to be taken up"), field="caseId")


class NotTheStationHeadOrSupervisor(Forbidden):
    def __init__(self) -> None:
        super().__init__(Message(zh="只有站长或督导可以接手紧急风险个案",
                                 en="Only the station head or a supervisor takes up an urgent risk"))


class AlreadyRecorded(DomainError):
    """An id given by the caller that the case already has (a session, a referral)."""

    code = "already_exists"

    def __init__(self, what_zh: str, what_en: str, ident: str, field: str) -> None:
        super().__init__(Message(zh=f"{what_zh} {ident} 已记录", en=f"{what_en} {ident} is already recorded"),
                         field=field)


class StationIsClosed(DomainError):
    code = "station_closed"

    def __init__(self, station_id: str, field: str = "stationId") -> None:
        super().__init__(Message(zh=f"社工站 {station_id} 已关闭，不能再登记服务对象或开案",
                                 en=f"Station {station_id} is closed and takes no new recipients or cases"),
                         field=field)


class ImportNotFound(NotFound):
    def __init__(self, import_id: str) -> None:
        super().__init__(Message(zh=f"找不到导入 {import_id}", en=f"No import {import_id}"), field="importId")


class ImportAlreadyStarted(DomainError):
    code = "import_already_started"

    def __init__(self, import_id: str) -> None:
        super().__init__(Message(zh=f"导入 {import_id} 已经开始", en=f"Import {import_id} has already started"),
                         field="importId")


class ImportAlreadyFinished(DomainError):
    code = "import_already_finished"

    def __init__(self, import_id: str) -> None:
        super().__init__(Message(zh=f"导入 {import_id} 已完成，不能再追加", en=f"Import {import_id} is finished"),
                         field="importId")


class ImportBatchOutOfOrder(DomainError):
    code = "import_batch_out_of_order"

    def __init__(self, import_id: str, first_row: int, rows_done: int) -> None:
        super().__init__(Message(zh=f"导入 {import_id} 已完成 {rows_done} 行，下一批应从第 {rows_done} 行起，"
                                    f"而不是第 {first_row} 行",
                                 en=f"Import {import_id} has {rows_done} rows done: the next batch starts at"
                                    f" {rows_done}, not {first_row}"), field="firstRow")


class ImportNotDone(DomainError):
    code = "import_not_done"

    def __init__(self, import_id: str, rows_done: int, to_apply: int) -> None:
        super().__init__(Message(zh=f"导入 {import_id} 只完成了 {rows_done}/{to_apply} 行，不能结束",
                                 en=f"Import {import_id} has only {rows_done} of {to_apply} rows done"),
                         field="importId")


class IdNumberAtOtherStation(DomainError):
    code = "id_number_at_other_station"

    def __init__(self) -> None:
        super().__init__(Message(zh="此身份证号码已在其他社工站登记，请与该站核实",
                                 en="This ID number is registered at another station; check with that station"),
                         field="idNumber")


class SearchTermNeeded(InvalidInput):
    code = "search_term_needed"

    def __init__(self) -> None:
        super().__init__(Message(zh="查找服务对象须给出姓名片段、身份证号或电话中的至少一项",
                                 en="A search for recipients needs a name part, an ID number or a phone"),
                         field="name")
