"""Events published by the cases service (subjects `hemiao.events.cases.*`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from shared.contracts.registry import event


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


class CaseOutcome(StrEnum):
    GOALS_MET = "goals_met"
    PARTLY_MET = "partly_met"
    NOT_MET = "not_met"
    REFERRED = "referred"
    WITHDRAWN = "withdrawn"


@event(service="cases", aggregate="recipient", name="registered")
@dataclass(frozen=True, kw_only=True)
class RecipientRegistered:
    """A resident was registered as a service recipient (服务对象) of a station."""

    recipient_id: str
    station_id: str
    name: str
    gender: Gender
    birth_year: int
    community: str
    categories: tuple[RecipientCategory, ...]


@event(service="cases", aggregate="case", name="opened")
@dataclass(frozen=True, kw_only=True)
class CaseOpened:
    """A case (个案) was taken in (接案) and assigned to a social worker."""

    case_id: str
    station_id: str
    recipient_id: str
    worker_id: str
    intake_source: IntakeSource
    presenting_problem: str
    opened_on: date


@event(service="cases", aggregate="case", name="session_recorded")
@dataclass(frozen=True, kw_only=True)
class CaseSessionRecorded:
    """A session of case work was held with the recipient (and others present)."""

    case_id: str
    station_id: str
    session_id: str
    held_on: date
    mode: SessionMode
    duration_minutes: int
    participants: int
    notes: str


@event(service="cases", aggregate="case", name="closed")
@dataclass(frozen=True, kw_only=True)
class CaseClosed:
    """A case was closed (结案)."""

    case_id: str
    station_id: str
    closed_on: date
    reason: str
    outcome: CaseOutcome
