"""The case aggregate (个案): intake, sessions, closing."""

from __future__ import annotations

from dataclasses import replace

from services.cases.domain import closing, planning, referrals
from services.cases.domain.commands import (
    AcknowledgeUrgentRisk,
    ApproveCaseClosing,
    ApproveServicePlan,
    AssessCase,
    DraftServicePlan,
    EvaluateCase,
    OpenCase,
    RecordCaseSession,
    RecordReferralFeedback,
    ReferCase,
    ReopenCase,
    RequestCaseClosing,
    ReturnCaseClosing,
    ReturnServicePlan,
    SubmitServicePlan,
    TransferCase,
)
from services.cases.domain.errors import (
    AlreadyRecorded,
    CaseAlreadyClosed,
    CaseAlreadyOpened,
    CaseIsOpen,
    CaseNotFound,
    DateBeforeOpening,
    NotTheStationHead,
    NotTheStationHeadOrSupervisor,
    NoUrgentRisk,
    RecipientNotFound,
    RecipientWasErased,
    RecipientWasMerged,
)
from services.cases.domain.recipient import Recipient
from services.cases.domain.rules import (
    happened_on,
    require_editor,
    require_not_future,
    require_range,
    require_station,
    require_text,
    unseen,
)
from services.cases.domain.state import INITIAL as INITIAL
from services.cases.domain.state import Case, ClosingRequest
from services.cases.domain.stations import FollowedStation, require_open
from shared.contracts import Actor, Role
from shared.contracts.cases import (
    CaseAssessed,
    CaseClosed,
    CaseClosingRequested,
    CaseClosingReturned,
    CaseEvaluated,
    CaseNumberAssigned,
    CaseOpened,
    CaseReferred,
    CaseReopened,
    CaseSessionRecorded,
    CaseTransferred,
    ReferralFeedbackReceived,
    RiskLevel,
    ServicePlanApproved,
    ServicePlanDrafted,
    ServicePlanReturned,
    ServicePlanSubmitted,
    UrgentRiskAcknowledged,
)


def register_stream(station_id: str, year: int) -> str:
    """The station's case register (个案登记簿) for a year: its version is the last number given."""
    return f"case-register-{station_id}-{year}"


def open_case(command: OpenCase, recipient: Recipient, numbered: int, state: Case) -> tuple[list[object], list[object]]:
    """Intake: the recipient must be registered at a station the caller acts for. The case takes the next
    number of the station's register for the year it was opened: the register's events, then the case's."""
    if state.opened:
        raise CaseAlreadyOpened(command.case_id)
    if not recipient.registered or unseen(command.actor, recipient.station_id):
        raise RecipientNotFound(command.recipient_id)
    if recipient.erased:
        raise RecipientWasErased(command.recipient_id)
    if recipient.merged_into is not None:
        raise RecipientWasMerged(command.recipient_id, recipient.merged_into)
    require_editor(command.actor, recipient.station_id, field="recipientId")
    require_not_future("openedOn", command.opened_on, command.today)
    number = numbered + 1
    return ([CaseNumberAssigned(station_id=recipient.station_id, year=command.opened_on.year, number=number,
                                case_id=command.case_id)],
            [CaseOpened(
                case_id=command.case_id, station_id=recipient.station_id, recipient_id=command.recipient_id,
                worker_id=require_text("workerId", command.worker_id), intake_source=command.intake_source,
                presenting_problem=require_text("presentingProblem", command.presenting_problem),
                opened_on=command.opened_on, number=number,
            )])


def open_case_at(command: OpenCase, station: FollowedStation | None, recipient: Recipient, numbered: int,
                 state: Case) -> tuple[list[object], list[object]]:
    """Intake, at the recipient's station as this service follows it: none is opened at a closed station."""
    events = open_case(command, recipient, numbered, state)
    require_open(station, recipient.station_id, field="recipientId")
    return events


def acknowledge_urgent(command: AcknowledgeUrgentRisk, state: Case) -> list[object]:
    """The station head or a supervisor takes up the urgent risk the latest assessment flagged."""
    case = _open_case_of(state, command.case_id, command.actor)
    if command.actor.role not in (Role.STATION_HEAD, Role.SUPERVISOR, Role.SYSTEM):
        raise NotTheStationHeadOrSupervisor()
    if case.urgent_since is None:
        raise NoUrgentRisk(command.case_id)
    acknowledged_on = happened_on("acknowledgedOn", command.acknowledged_on, command.today,
                                  (case.urgent_since, "预估日期", "the assessment"))
    return [UrgentRiskAcknowledged(case_id=command.case_id, station_id=case.station_id,
                                   recipient_id=case.recipient_id, note=require_text("note", command.note),
                                   acknowledged_on=acknowledged_on, acknowledged_by=command.actor.subject,
                                   assessed_on=case.urgent_since)]


def _case_of(state: Case, case_id: str, actor: Actor) -> Case:
    """The case, when it exists at a station the caller sees: another station's is not found, as in queries."""
    if not state.opened or unseen(actor, state.station_id):
        raise CaseNotFound(case_id)
    return state


def _open_case_of(state: Case, case_id: str, actor: Actor) -> Case:
    _case_of(state, case_id, actor)
    if state.closed:
        raise CaseAlreadyClosed(case_id)
    return state


CaseCommand = (RecordCaseSession | AssessCase | DraftServicePlan | SubmitServicePlan | ApproveServicePlan
               | ReturnServicePlan | EvaluateCase | RequestCaseClosing | ApproveCaseClosing | ReturnCaseClosing
               | ReopenCase | TransferCase | ReferCase | RecordReferralFeedback | AcknowledgeUrgentRisk)


def _editable(state: Case, case_id: str, actor: Actor) -> Case:
    """An open case of the caller's station, which their role may change."""
    case = _open_case_of(state, case_id, actor)
    require_editor(actor, case.station_id)
    return case


def reopen(command: ReopenCase, state: Case) -> list[object]:
    _case_of(state, command.case_id, command.actor)
    require_editor(command.actor, state.station_id)
    if not state.closed:
        raise CaseIsOpen(command.case_id)
    require_not_future("reopenedOn", command.reopened_on, command.today)
    if command.reopened_on < state.closed_on:
        raise DateBeforeOpening("reopenedOn", command.reopened_on, state.closed_on)
    return [CaseReopened(case_id=command.case_id, station_id=state.station_id, recipient_id=state.recipient_id,
                         reopened_on=command.reopened_on, reason=require_text("reason", command.reason))]


def require_transfer(actor: Actor, station_id: str) -> None:
    """Only the station head (or the system) hands cases from one worker to another."""
    require_station(actor, station_id)
    if actor.role not in (Role.STATION_HEAD, Role.SYSTEM):
        raise NotTheStationHead()


def transfer(command: TransferCase, state: Case) -> list[object]:
    case = _open_case_of(state, command.case_id, command.actor)
    require_transfer(command.actor, case.station_id)
    to_worker = require_text("toWorkerId", command.to_worker_id)
    if to_worker == case.worker_id:
        return []
    return [CaseTransferred(case_id=command.case_id, station_id=case.station_id, from_worker_id=case.worker_id,
                            to_worker_id=to_worker, transferred_on=command.today,
                            transferred_by=command.actor.subject)]


def decide(command: CaseCommand, state: Case) -> list[object]:
    match command:
        case ReopenCase():
            return reopen(command, state)
        case ReferCase():
            return referrals.refer(command, _editable(state, command.case_id, command.actor))
        case RecordReferralFeedback():
            return referrals.feedback(command, _editable(state, command.case_id, command.actor))
        case TransferCase():
            return transfer(command, state)
        case AcknowledgeUrgentRisk():
            return acknowledge_urgent(command, state)
        case AssessCase():
            return planning.assess(command, _editable(state, command.case_id, command.actor))
        case DraftServicePlan():
            return planning.draft(command, _editable(state, command.case_id, command.actor))
        case SubmitServicePlan():
            return planning.submit(command, _editable(state, command.case_id, command.actor))
        case ApproveServicePlan():
            return planning.approve(command, _open_case_of(state, command.case_id, command.actor))
        case ReturnServicePlan():
            return planning.return_plan(command, _open_case_of(state, command.case_id, command.actor))
        case RecordCaseSession():
            case = _editable(state, command.case_id, command.actor)
            if command.session_id in case.session_ids:
                raise AlreadyRecorded("服务记录", "Session", command.session_id, "sessionId")
            require_not_future("heldOn", command.held_on, command.today)
            if command.held_on < case.opened_on:
                raise DateBeforeOpening("heldOn", command.held_on, case.opened_on)
            require_range("durationMinutes", command.duration_minutes, 1, 24 * 60)
            require_range("participants", command.participants, 1, 100)
            return [CaseSessionRecorded(
                case_id=command.case_id, station_id=case.station_id, session_id=command.session_id,
                held_on=command.held_on, mode=command.mode, duration_minutes=command.duration_minutes,
                participants=command.participants, notes=command.notes.strip(), recipient_id=case.recipient_id,
                location=command.location.strip() or None, content=command.content.strip() or None,
                analysis=command.analysis.strip() or None, next_step=command.next_step.strip() or None,
                relationship_stage=command.relationship_stage,
            )]
        case EvaluateCase():
            return closing.evaluate(command, _editable(state, command.case_id, command.actor))
        case RequestCaseClosing():
            return closing.request(command, _editable(state, command.case_id, command.actor))
        case ApproveCaseClosing():
            return closing.approve(command, _open_case_of(state, command.case_id, command.actor))
        case ReturnCaseClosing():
            return closing.send_back(command, _open_case_of(state, command.case_id, command.actor))


def evolve(state: Case, event: object) -> Case:
    match event:
        case CaseOpened(station_id=station_id, recipient_id=recipient_id, worker_id=worker_id, opened_on=opened_on):
            return Case(opened=True, station_id=station_id, recipient_id=recipient_id, worker_id=worker_id,
                        opened_on=opened_on)
        case CaseClosed(closed_on=closed_on):
            return replace(state, closed=True, closed_on=closed_on, closing=None)
        case CaseReopened(reopened_on=reopened_on):
            return replace(state, closed=False, evaluated=False, evaluated_on=None, reopened_on=reopened_on)
        case CaseTransferred(to_worker_id=to_worker):
            return replace(state, worker_id=to_worker)
        case CaseSessionRecorded(session_id=session_id):
            return replace(state, session_ids=state.session_ids | {session_id})
        case CaseReferred(referral_id=referral_id):
            return replace(state, referrals=state.referrals | {referral_id})
        case ReferralFeedbackReceived(referral_id=referral_id):
            return replace(state, referrals=state.referrals - {referral_id},
                           answered_referrals=state.answered_referrals | {referral_id})
        case CaseEvaluated(evaluated_on=evaluated_on):
            return replace(state, evaluated=True, evaluated_on=evaluated_on)
        case CaseClosingRequested(closed_on=closed_on, outcome=outcome, reason=reason):
            return replace(state, closing=ClosingRequest(closed_on=closed_on, outcome=outcome, reason=reason))
        case CaseClosingReturned():
            return replace(state, closing=None)
        case CaseAssessed(risk_level=risk, assessed_on=assessed_on):
            return replace(state, assessed=True, assessed_on=assessed_on,
                           urgent_since=assessed_on if risk == RiskLevel.URGENT else None)
        case UrgentRiskAcknowledged():
            return replace(state, urgent_since=None)
        case ServicePlanDrafted() | ServicePlanSubmitted() | ServicePlanApproved() | ServicePlanReturned():
            return replace(state, plan=planning.evolve_plan(state.plan, event))
    return state
