"""What users ask the cases service to do: imperative, frozen, plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, ClassVar

from shared.contracts import Actor
from shared.contracts.cases import (
    RECIPIENT_PERSONAL,
    CaseOutcome,
    CategoryMembership,
    Disability,
    Gender,
    GoalResult,
    Guardian,
    HouseholdMember,
    IntakeSource,
    NeedArea,
    ReferralOutcome,
    ReferralService,
    RelationshipStage,
    RiskLevel,
    SessionMode,
)
from shared.contracts.fields import MANY, Code, Note, PersonName, Place, Reason, Title, Words


@dataclass(frozen=True, kw_only=True)
class RegisterRecipient:
    """Register a resident as a service recipient of a station: birth date, or the year alone when that is
    all that is known; sensitive data only with consent (the guardian's, for a child under 14)."""

    new_id: ClassVar[str] = "recipient_id"

    actor: Actor
    today: date
    recipient_id: str
    station_id: str
    name: PersonName
    gender: Gender
    community: Place | None = None
    """A community of the station's street by name (as people write it) or 12-digit code; or give community_id."""
    community_id: Code | None = None
    birth_year: int | None = None
    birth_date: date | None = None
    categories: Annotated[tuple[CategoryMembership, ...], MANY] = ()
    id_number: Code | None = None
    phone: Code | None = None
    address: Place | None = None
    disability: Disability | None = None
    household: Annotated[tuple[HouseholdMember, ...], MANY] = ()
    guardian: Guardian | None = None
    consent_given_on: date | None = None
    consent_purpose: Reason | None = None
    consent_by_guardian: bool = False


CLEARABLE = tuple(name for name in RECIPIENT_PERSONAL if name != "name")
"""The details an update may clear (the sealed ones but the name); name, gender, birth year, community and
categories always have a value."""


@dataclass(frozen=True, kw_only=True)
class UpdateRecipient:
    """Correct or bring up to date a recipient's details: each field given is set, each named in `clear` is
    removed, the rest stay. Categories, when given, are the whole new list."""

    actor: Actor
    today: date
    recipient_id: str
    name: PersonName | None = None
    gender: Gender | None = None
    birth_year: int | None = None
    birth_date: date | None = None
    community: Place | None = None
    community_id: Code | None = None
    categories: Annotated[tuple[CategoryMembership, ...], MANY] | None = None
    id_number: Code | None = None
    phone: Code | None = None
    address: Place | None = None
    disability: Disability | None = None
    household: Annotated[tuple[HouseholdMember, ...], MANY] | None = None
    guardian: Guardian | None = None
    clear: Words = ()
    consent_given_on: date | None = None
    consent_purpose: Reason | None = None
    consent_by_guardian: bool = False


@dataclass(frozen=True, kw_only=True)
class MergeRecipients:
    """Merge a duplicate record into the recipient it duplicates: the duplicate's cases count as the survivor's."""

    actor: Actor
    today: date
    recipient_id: str
    """The record that stays."""
    duplicate_id: str
    reason: Reason


@dataclass(frozen=True, kw_only=True)
class EraseRecipient:
    """Erase a recipient's personal data (the right to deletion): their key is deleted, every copy unreadable."""

    actor: Actor
    today: date
    recipient_id: str
    reason: Reason


@dataclass(frozen=True, kw_only=True)
class OpenCase:
    """Take in a case for a registered recipient and assign it to a worker."""

    new_id: ClassVar[str] = "case_id"

    actor: Actor
    today: date
    case_id: str
    recipient_id: str
    worker_id: Code
    intake_source: IntakeSource
    presenting_problem: Note
    opened_on: date


@dataclass(frozen=True, kw_only=True)
class RecordCaseSession:
    """Record a session held on an open case."""

    new_id: ClassVar[str] = "session_id"

    actor: Actor
    today: date
    case_id: str
    session_id: str
    held_on: date
    mode: SessionMode
    duration_minutes: int
    participants: int = 1
    notes: Note = ""
    location: Place = ""
    content: Note = ""
    analysis: Note = ""
    next_step: Reason = ""
    relationship_stage: RelationshipStage | None = None


@dataclass(frozen=True, kw_only=True)
class RequestCaseClosing:
    """Ask to close an evaluated case, with reason, outcome and follow-up; it closes once approved."""

    actor: Actor
    today: date
    case_id: str
    closed_on: date
    reason: Reason
    outcome: CaseOutcome
    follow_up: Reason = ""


@dataclass(frozen=True, kw_only=True)
class ApproveCaseClosing:
    """Approve the closing waiting for approval: the case closes."""

    actor: Actor
    today: date
    case_id: str


@dataclass(frozen=True, kw_only=True)
class ReturnCaseClosing:
    """Return the closing waiting for approval, saying why: the case stays open."""

    actor: Actor
    today: date
    case_id: str
    comment: Reason
    returned_on: date | None = None
    """The day it was returned (default: today; not before the closing day asked for)."""


@dataclass(frozen=True, kw_only=True)
class NeedInput:
    area: NeedArea
    description: Reason


@dataclass(frozen=True, kw_only=True)
class GoalInput:
    description: Reason
    measure: Reason
    target_date: date


@dataclass(frozen=True, kw_only=True)
class AssessCase:
    """Assess the case (预估): needs by area, strengths, resources and the risk level."""

    actor: Actor
    today: date
    case_id: str
    assessed_on: date
    risk_level: RiskLevel
    needs: Annotated[tuple[NeedInput, ...], MANY]
    strengths: Note = ""
    resources: Note = ""


@dataclass(frozen=True, kw_only=True)
class AcknowledgeUrgentRisk:
    """The station head (or a supervisor) takes up a case assessed as urgent, saying what was done."""

    actor: Actor
    today: date
    case_id: str
    note: Reason
    acknowledged_on: date | None = None
    """The day the risk was taken up (default: today; not before the assessment)."""


@dataclass(frozen=True, kw_only=True)
class DraftServicePlan:
    """Write the next version of the service plan: measurable goals with target dates, and strategies."""

    actor: Actor
    today: date
    case_id: str
    goals: Annotated[tuple[GoalInput, ...], MANY]
    strategies: Note
    drafted_on: date | None = None
    """The day the plan was written (default: today; not before the assessment or the previous version)."""


@dataclass(frozen=True, kw_only=True)
class SubmitServicePlan:
    """Ask the station head or a supervisor to approve the latest plan version."""

    actor: Actor
    today: date
    case_id: str
    submitted_on: date | None = None
    """The day it was handed in (default: today; not before it was drafted)."""


@dataclass(frozen=True, kw_only=True)
class ApproveServicePlan:
    """Approve the plan version waiting for approval."""

    actor: Actor
    today: date
    case_id: str
    plan_version: int
    approved_on: date | None = None
    """The day it was approved (signed; default: today; not before it was submitted)."""


@dataclass(frozen=True, kw_only=True)
class ReturnServicePlan:
    """Return the plan version waiting for approval, saying what to change."""

    actor: Actor
    today: date
    case_id: str
    plan_version: int
    comment: Reason
    returned_on: date | None = None
    """The day it was returned (default: today; not before it was submitted)."""


@dataclass(frozen=True, kw_only=True)
class GoalEvaluationInput:
    goal_id: Code
    result: GoalResult
    note: Reason = ""


@dataclass(frozen=True, kw_only=True)
class EvaluateCase:
    """Evaluate the case (评估): every goal of the plan in force, satisfaction, pre/post scores where used."""

    actor: Actor
    today: date
    case_id: str
    evaluated_on: date
    goal_results: Annotated[tuple[GoalEvaluationInput, ...], MANY]
    satisfaction: int | None = None
    pre_score: float | None = None
    post_score: float | None = None


@dataclass(frozen=True, kw_only=True)
class ReopenCase:
    """Reopen a closed case, saying why."""

    actor: Actor
    today: date
    case_id: str
    reopened_on: date
    reason: Reason


@dataclass(frozen=True, kw_only=True)
class TransferCase:
    """Hand an open case to another worker of its station (the station head decides)."""

    actor: Actor
    today: date
    case_id: str
    to_worker_id: Code


@dataclass(frozen=True, kw_only=True)
class ReferCase:
    """Refer the case to an agency or service, with the person's consent."""

    new_id: ClassVar[str] = "referral_id"

    actor: Actor
    today: date
    case_id: str
    referral_id: str
    agency: Title
    service: ReferralService
    reason: Reason
    referred_on: date
    consent_given: bool


@dataclass(frozen=True, kw_only=True)
class RecordReferralFeedback:
    """Record what the agency answered to a referral."""

    actor: Actor
    today: date
    case_id: str
    referral_id: str
    outcome: ReferralOutcome
    feedback: Reason
    received_on: date


@dataclass(frozen=True, kw_only=True)
class TransferWorkerCases:
    """Hand every open case of a worker who leaves to another worker of the station, in one go."""

    actor: Actor
    today: date
    station_id: str
    from_worker_id: Code
    to_worker_id: Code
