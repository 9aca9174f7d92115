"""Events published by the cases service (subjects `hemiao.events.cases.*`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from shared.contracts.consent import SensitiveDataConsent as SensitiveDataConsent  # shared with volunteers
from shared.contracts.fields import Code, PersonName, Reason
from shared.contracts.registry import event
from shared.contracts.search import SearchCriterion


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


class RecipientCategory(StrEnum):
    """服务对象类别: a person may be in several."""

    SUBSISTENCE_ALLOWANCE = "subsistence_allowance"  # 低保
    EXTREME_HARDSHIP = "extreme_hardship"  # 特困
    LEFT_BEHIND_CHILD = "left_behind_child"  # 留守儿童
    CHILD_IN_DIFFICULTY = "child_in_difficulty"  # 困境儿童
    DISABLED = "disabled"  # 残障人士
    ELDERLY_LIVING_ALONE = "elderly_living_alone"  # 独居老人
    FAMILY_IN_DIFFICULTY = "family_in_difficulty"  # 困境家庭
    PARTY_MEMBER = "party_member"  # 党员


class IntakeSource(StrEnum):
    """How a case came to the station (接案来源)."""

    SELF = "self"
    REFERRAL = "referral"
    OUTREACH = "outreach"
    COMMUNITY = "community"
    CIVIL_AFFAIRS_LIST = "civil_affairs_list"


class SessionMode(StrEnum):
    """How a case session was held."""

    HOME_VISIT = "home_visit"  # 上门走访
    PHONE = "phone"  # 电访
    INTERVIEW = "interview"  # 面谈
    CONDOLENCE_VISIT = "condolence_visit"  # 慰问
    ACCOMPANIMENT = "accompaniment"  # 陪同


class RelationshipStage(StrEnum):
    """How far the worker and the person have come: 不信任 → 接纳 → 专业关系."""

    DISTRUST = "distrust"
    ACCEPTANCE = "acceptance"
    PROFESSIONAL = "professional"


class CaseOutcome(StrEnum):
    GOALS_MET = "goals_met"
    PARTLY_MET = "partly_met"
    NOT_MET = "not_met"
    REFERRED = "referred"
    WITHDRAWN = "withdrawn"


class CategorySource(StrEnum):
    """How the station learned a person is in a category."""

    CIVIL_AFFAIRS_LIST = "civil_affairs_list"  # 民政名单
    VISIT = "visit"  # 走访发现
    COMMUNITY = "community"  # 社区（居委会）推荐
    SELF_REPORTED = "self_reported"  # 本人申报
    REFERRAL = "referral"  # 其他机构转介


@dataclass(frozen=True, kw_only=True)
class CategoryMembership:
    """One category a person is in, since when, and on whose word."""

    category: RecipientCategory
    valid_from: date
    source: CategorySource


class DisabilityType(StrEnum):
    """残疾类别 (GB/T 26341-2010)."""

    VISUAL = "visual"  # 视力
    HEARING = "hearing"  # 听力
    SPEECH = "speech"  # 言语
    PHYSICAL = "physical"  # 肢体
    INTELLECTUAL = "intellectual"  # 智力
    MENTAL = "mental"  # 精神
    MULTIPLE = "multiple"  # 多重


@dataclass(frozen=True, kw_only=True)
class Disability:
    """The disability type and grade (一级 most severe to 四级), as on the disability certificate."""

    type: DisabilityType
    grade: int


class Relation(StrEnum):
    """How a household member or guardian is related to the recipient."""

    SPOUSE = "spouse"  # 配偶
    PARENT = "parent"  # 父母
    CHILD = "child"  # 子女
    GRANDPARENT = "grandparent"  # （外）祖父母
    GRANDCHILD = "grandchild"  # （外）孙子女
    SIBLING = "sibling"  # 兄弟姐妹
    OTHER_RELATIVE = "other_relative"  # 其他亲属
    OTHER = "other"  # 其他（如村/居委会指定的监护人）


@dataclass(frozen=True, kw_only=True)
class HouseholdMember:
    """Someone living in the recipient's household (家庭成员)."""

    name: PersonName
    relation: Relation
    birth_year: int | None = None
    note: Reason = ""


@dataclass(frozen=True, kw_only=True)
class Guardian:
    """A minor's guardian (监护人)."""

    name: PersonName
    relation: Relation
    phone: Code | None = None


RECIPIENT_PERSONAL = ("name", "birth_date", "id_number", "phone", "address", "disability", "household", "guardian")
"""Sealed with the person's key in every recipient event: who they are, how to find them, their health, their
family. Gender, birth year, community and categories stay clear: every count and report is made of them."""


@dataclass(frozen=True, kw_only=True)
class RecipientDetails:
    """The details a registration or an update may carry beyond who and where: all but the consent sealed."""

    birth_date: date | None = None
    id_number: str | None = None
    phone: str | None = None
    address: str | None = None
    disability: Disability | None = None
    household: tuple[HouseholdMember, ...] | None = None
    guardian: Guardian | None = None
    consent: SensitiveDataConsent | None = None


V1_CATEGORY_SOURCE = "self_reported"
"""The source a version-1 category is given: v1 recorded none, and what a person told the station at registration
is what the station had."""


def recipient_registered_v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """RecipientRegistered v1 → v2: `categories` from names to memberships (category, valid_from, source).

    v1 said only which categories a person was in, not since when nor on whose word. Each name becomes
    `{"category": name, "valid_from": "<birth_year>-01-01", "source": "self_reported"}`:
    - valid_from is 1 January of the person's birth year: v1 put no start on a category, so it held for the
      whole record, and no date before the person's birth is claimed. It is the earliest date the record allows,
      never later than the registration, so every count by day reads the v1 event as it read then.
    - source is `self_reported` (本人申报): v1 recorded none; the categories were what the person (or whoever
      came with them) told the station when registering.
    Events written after the shape changed but before the version was raised are stored as v1 with memberships
    already; an entry that is already a membership (a JSON object) passes through unchanged.
    """
    birth_year = int(data["birth_year"])
    categories = [
        {"category": entry, "valid_from": f"{birth_year:04d}-01-01", "source": V1_CATEGORY_SOURCE}
        if isinstance(entry, str) else entry
        for entry in data.get("categories") or ()
    ]
    return {**data, "categories": categories}


def no_community_id(data: dict[str, Any]) -> dict[str, Any]:
    """A recipient event from before communities were references (issue 15): its community is text alone, kept
    as it was written; reporting resolves it against the street's communities when it reads it, or lists it as
    unresolved."""
    return {**data, "community_id": None}


@event(service="cases", aggregate="recipient", name="registered", personal=RECIPIENT_PERSONAL,
       person="recipient_id", unique=("id_number",), version=3,
       upcasters={1: recipient_registered_v1_to_v2, 2: no_community_id})
@dataclass(frozen=True, kw_only=True)
class RecipientRegistered(RecipientDetails):
    """A resident was registered as a service recipient (服务对象) of a station.

    The fields in RECIPIENT_PERSONAL are sealed with the person's key: a reader without it
    (everyone but the cases service) sees null, and so does everyone once the person has been erased.
    """

    recipient_id: str
    station_id: str
    name: str | None
    gender: Gender
    birth_year: int
    community: str
    """The community's registered name when `community_id` is set; else the text as given (stripped), at a street
    whose communities the cases service did not know."""
    categories: tuple[CategoryMembership, ...]
    community_id: str | None = None
    """The community of the station's street (activities' CommunityAdded); None when it could not be resolved."""


@event(service="cases", aggregate="recipient", name="updated", personal=RECIPIENT_PERSONAL, person="recipient_id",
       unique=("id_number",), version=2, upcasters={1: no_community_id})
@dataclass(frozen=True, kw_only=True)
class RecipientUpdated(RecipientDetails):
    """A recipient's details were corrected or brought up to date.

    `changed` names the fields this event sets; every other field is null and means "as before".
    A changed field that is null was cleared. Categories, when changed, are the whole new list.
    """

    recipient_id: str
    station_id: str
    updated_on: date
    changed: tuple[str, ...]
    name: str | None = None
    gender: Gender | None = None
    birth_year: int | None = None
    community: str | None = None
    categories: tuple[CategoryMembership, ...] | None = None
    community_id: str | None = None
    """Set with `community` when it changed to a community of the street (see RecipientRegistered)."""


@event(service="cases", aggregate="recipient", name="merged_into")
@dataclass(frozen=True, kw_only=True)
class RecipientMergedInto:
    """This recipient was found to be a duplicate of another and merged into them: their cases count as the
    other's from now on, and this record takes no more changes."""

    recipient_id: str
    station_id: str
    into_recipient_id: str
    merged_on: date
    reason: str


@event(service="cases", aggregate="recipient", name="duplicate_merged")
@dataclass(frozen=True, kw_only=True)
class RecipientDuplicateMerged:
    """A duplicate record of this recipient was merged into this one (the other side of RecipientMergedInto)."""

    recipient_id: str
    station_id: str
    duplicate_id: str
    merged_on: date


@event(service="cases", aggregate="recipient", name="erased", erases="recipient_id")
@dataclass(frozen=True, kw_only=True)
class RecipientErased:
    """A recipient's personal data was erased (删除, PIPL art. 47): their key is gone, every copy unreadable."""

    recipient_id: str
    station_id: str
    erased_on: date
    reason: str


@event(service="cases", aggregate="case", name="opened", personal=("presenting_problem",), person="recipient_id")
@dataclass(frozen=True, kw_only=True)
class CaseOpened:
    """A case (个案) was taken in (接案) and assigned to a social worker; the problem is sealed."""

    case_id: str
    station_id: str
    recipient_id: str
    worker_id: str
    intake_source: IntakeSource
    presenting_problem: str | None
    opened_on: date
    number: int | None = None
    """The case's number in its station's register for the year of `opened_on`: 42 is `HSP-2026-0042`."""


@event(service="cases", aggregate="case_register", name="number_assigned")
@dataclass(frozen=True, kw_only=True)
class CaseNumberAssigned:
    """A case took the next number of its station's case register (个案登记簿) for a year, with no gaps."""

    station_id: str
    year: int
    number: int
    case_id: str


@event(service="cases", aggregate="case", name="session_recorded",
       personal=("notes", "location", "content", "analysis", "next_step"), person="recipient_id")
@dataclass(frozen=True, kw_only=True)
class CaseSessionRecorded:
    """A session of case work was held with the recipient (and others present); the notes are sealed."""

    case_id: str
    station_id: str
    session_id: str
    held_on: date
    mode: SessionMode
    duration_minutes: int
    participants: int
    notes: str | None
    recipient_id: str | None = None
    """Whose key seals the notes (absent from sessions recorded before notes were sealed)."""
    location: str | None = None
    content: str | None = None
    analysis: str | None = None
    next_step: str | None = None
    relationship_stage: RelationshipStage | None = None


@event(service="cases", aggregate="case", name="closed", personal=("reason",), person="recipient_id")
@dataclass(frozen=True, kw_only=True)
class CaseClosed:
    """A case was closed (结案) once its closing was approved; the reason is sealed."""

    case_id: str
    station_id: str
    closed_on: date
    reason: str | None
    outcome: CaseOutcome
    recipient_id: str | None = None
    """Whose key seals the reason (absent from cases closed before reasons were sealed)."""
    approved_by: str | None = None
    """Who approved the closing (absent from cases closed before closing needed approval)."""


@event(service="cases", aggregate="disclosure", name="recorded")
@dataclass(frozen=True, kw_only=True)
class RecipientDataDisclosed:
    """Someone read a recipient's sensitive data unmasked: who, when, which fields, for what purpose (audit)."""

    recipient_id: str
    station_id: str
    fields: tuple[str, ...]
    purpose: str
    read_by: str
    read_by_role: str
    read_at: datetime


@event(service="cases", aggregate="disclosure", name="searched")
@dataclass(frozen=True, kw_only=True)
class RecipientsSearched:
    """Someone searched for recipients (findRecipients), whether it found anyone or not (audit): who, when, at
    which stations (`every_station` for a caller who sees them all), by what (never the term), the purpose said
    (empty: the results were masked), and which recipients it answered (ids only). The recipients shown unmasked
    have their own RecipientDataDisclosed beside it, in the same append."""

    station_ids: tuple[str, ...]
    every_station: bool
    criteria: tuple[SearchCriterion, ...]
    purpose: str
    found: tuple[str, ...]
    searched_by: str
    searched_by_role: str
    searched_at: datetime


class NeedArea(StrEnum):
    """预估的需求领域."""

    ECONOMIC = "economic"
    HEALTH = "health"
    FAMILY = "family"
    EDUCATION = "education"
    SOCIAL = "social"
    PSYCHOLOGICAL = "psychological"
    SAFETY = "safety"


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    URGENT = "urgent"


@dataclass(frozen=True, kw_only=True)
class Need:
    area: NeedArea
    description: str


@dataclass(frozen=True, kw_only=True)
class Goal:
    """A measurable goal of a service plan."""

    goal_id: str
    description: str
    measure: str
    target_date: date


@event(service="cases", aggregate="case", name="assessed", personal=("needs", "strengths", "resources"),
       person="recipient_id")
@dataclass(frozen=True, kw_only=True)
class CaseAssessed:
    """The case was assessed (预估): needs by area, strengths and resources (sealed), and the risk level."""

    case_id: str
    station_id: str
    recipient_id: str
    assessed_on: date
    risk_level: RiskLevel
    needs: tuple[Need, ...] | None
    strengths: str | None
    resources: str | None


@event(service="cases", aggregate="case", name="plan_drafted", personal=("goals", "strategies"),
       person="recipient_id")
@dataclass(frozen=True, kw_only=True)
class ServicePlanDrafted:
    """A version of the case's service plan (服务计划) was written: goals and strategies (sealed)."""

    case_id: str
    station_id: str
    recipient_id: str
    plan_version: int
    drafted_on: date
    goals: tuple[Goal, ...] | None
    strategies: str | None


@event(service="cases", aggregate="case", name="plan_submitted")
@dataclass(frozen=True, kw_only=True)
class ServicePlanSubmitted:
    """A service plan version was submitted for the station head's or a supervisor's approval."""

    case_id: str
    station_id: str
    plan_version: int
    submitted_by: str
    submitted_on: date


@event(service="cases", aggregate="case", name="plan_approved")
@dataclass(frozen=True, kw_only=True)
class ServicePlanApproved:
    """A service plan version was approved (审批通过)."""

    case_id: str
    station_id: str
    plan_version: int
    approved_by: str
    approved_on: date


@event(service="cases", aggregate="case", name="plan_returned", personal=("comment",), person="recipient_id")
@dataclass(frozen=True, kw_only=True)
class ServicePlanReturned:
    """A service plan version was returned with a comment (sealed), to be revised."""

    case_id: str
    station_id: str
    recipient_id: str
    plan_version: int
    returned_by: str
    returned_on: date
    comment: str | None


class GoalResult(StrEnum):
    ACHIEVED = "achieved"
    PARTLY = "partly"
    NOT_ACHIEVED = "not_achieved"


@dataclass(frozen=True, kw_only=True)
class GoalEvaluation:
    goal_id: str
    result: GoalResult
    note: str = ""


@event(service="cases", aggregate="case", name="evaluated", personal=("goal_results",), person="recipient_id")
@dataclass(frozen=True, kw_only=True)
class CaseEvaluated:
    """The case was evaluated (评估): each goal of the plan in force achieved, partly or not (sealed notes)."""

    case_id: str
    station_id: str
    recipient_id: str
    evaluated_on: date
    plan_version: int
    achieved: int
    partly: int
    not_achieved: int
    satisfaction: int | None
    pre_score: float | None
    post_score: float | None
    goal_results: tuple[GoalEvaluation, ...] | None


@event(service="cases", aggregate="case", name="closing_requested", personal=("reason", "follow_up"),
       person="recipient_id")
@dataclass(frozen=True, kw_only=True)
class CaseClosingRequested:
    """Closing (结案) was asked for, with reason and follow-up (sealed); it waits for approval."""

    case_id: str
    station_id: str
    recipient_id: str
    closed_on: date
    outcome: CaseOutcome
    reason: str | None
    follow_up: str | None
    requested_by: str


@event(service="cases", aggregate="case", name="closing_returned", personal=("comment",), person="recipient_id")
@dataclass(frozen=True, kw_only=True)
class CaseClosingReturned:
    """A closing request was returned with a comment (sealed): the case stays open."""

    case_id: str
    station_id: str
    recipient_id: str
    returned_by: str
    returned_on: date
    comment: str | None


@event(service="cases", aggregate="case", name="reopened", personal=("reason",), person="recipient_id")
@dataclass(frozen=True, kw_only=True)
class CaseReopened:
    """A closed case was reopened (reason sealed); it needs a new evaluation before it closes again."""

    case_id: str
    station_id: str
    recipient_id: str
    reopened_on: date
    reason: str | None


@event(service="cases", aggregate="case", name="urgent_risk_acknowledged", personal=("note",),
       person="recipient_id")
@dataclass(frozen=True, kw_only=True)
class UrgentRiskAcknowledged:
    """The station head (or a supervisor) saw the case's urgent risk and took it up: the flag is lowered.
    The note of what was done is sealed."""

    case_id: str
    station_id: str
    recipient_id: str
    note: str | None
    acknowledged_on: date
    acknowledged_by: str
    assessed_on: date
    """The assessment whose urgent risk this answers; a later urgent assessment raises the flag again."""


@event(service="cases", aggregate="case", name="transferred")
@dataclass(frozen=True, kw_only=True)
class CaseTransferred:
    """The case was handed to another worker of the station."""

    case_id: str
    station_id: str
    from_worker_id: str
    to_worker_id: str
    transferred_on: date
    transferred_by: str


class ReferralService(StrEnum):
    """转介: where a case is referred to."""

    CIVIL_AFFAIRS = "civil_affairs"  # 民政救助
    MEDICAL = "medical"  # 医疗
    LEGAL = "legal"  # 法律援助
    EDUCATION = "education"  # 教育
    EMPLOYMENT = "employment"  # 就业
    OTHER = "other"


class ReferralOutcome(StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"
    COMPLETED = "completed"


@event(service="cases", aggregate="case", name="referred", personal=("reason",), person="recipient_id")
@dataclass(frozen=True, kw_only=True)
class CaseReferred:
    """The case was referred (转介) to an agency with the person's consent; the reason is sealed."""

    case_id: str
    station_id: str
    recipient_id: str
    referral_id: str
    agency: str
    service: ReferralService
    referred_on: date
    reason: str | None


@event(service="cases", aggregate="case", name="referral_feedback_received", personal=("feedback",),
       person="recipient_id")
@dataclass(frozen=True, kw_only=True)
class ReferralFeedbackReceived:
    """The agency's answer to a referral came back (sealed feedback)."""

    case_id: str
    station_id: str
    recipient_id: str
    referral_id: str
    outcome: ReferralOutcome
    received_on: date
    feedback: str | None
