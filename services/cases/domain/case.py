"""The case aggregate (个案): intake, sessions, closing."""

from __future__ import annotations

from dataclasses import replace

from services.cases.domain import planning
from services.cases.domain.commands import (
    ApproveServicePlan,
    AssessCase,
    CloseCase,
    DraftServicePlan,
    OpenCase,
    RecordCaseSession,
    ReturnServicePlan,
    SubmitServicePlan,
)
from services.cases.domain.errors import (
    CaseAlreadyClosed,
    CaseAlreadyOpened,
    CaseNotFound,
    DateBeforeOpening,
    NotYourStation,
    RecipientNotFound,
    RecipientWasErased,
)
from services.cases.domain.recipient import Recipient
from services.cases.domain.rules import require_not_future, require_range, require_station, require_text
from services.cases.domain.state import INITIAL as INITIAL
from services.cases.domain.state import Case
from shared.contracts import Actor
from shared.contracts.cases import (
    CaseAssessed,
    CaseClosed,
    CaseOpened,
    CaseSessionRecorded,
    ServicePlanApproved,
    ServicePlanDrafted,
    ServicePlanReturned,
    ServicePlanSubmitted,
)


def open_case(command: OpenCase, recipient: Recipient, state: Case) -> list[object]:
    """Intake: the recipient must be registered at a station the caller acts for."""
    if state.opened:
        raise CaseAlreadyOpened(command.case_id)
    if not recipient.registered:
        raise RecipientNotFound(command.recipient_id)
    if recipient.erased:
        raise RecipientWasErased(command.recipient_id)
    if not command.actor.may_act_for(recipient.station_id):
        raise NotYourStation(recipient.station_id, field="recipientId")
    require_not_future("openedOn", command.opened_on, command.today)
    return [CaseOpened(
        case_id=command.case_id, station_id=recipient.station_id, recipient_id=command.recipient_id,
        worker_id=require_text("workerId", command.worker_id), intake_source=command.intake_source,
        presenting_problem=require_text("presentingProblem", command.presenting_problem),
        opened_on=command.opened_on,
    )]


def _open_case_of(state: Case, case_id: str, actor: Actor) -> Case:
    if not state.opened:
        raise CaseNotFound(case_id)
    require_station(actor, state.station_id)
    if state.closed:
        raise CaseAlreadyClosed(case_id)
    return state


CaseCommand = (RecordCaseSession | CloseCase | AssessCase | DraftServicePlan | SubmitServicePlan
               | ApproveServicePlan | ReturnServicePlan)


def decide(command: CaseCommand, state: Case) -> list[object]:
    match command:
        case AssessCase():
            return planning.assess(command, _open_case_of(state, command.case_id, command.actor))
        case DraftServicePlan():
            return planning.draft(command, _open_case_of(state, command.case_id, command.actor))
        case SubmitServicePlan():
            return planning.submit(command, _open_case_of(state, command.case_id, command.actor))
        case ApproveServicePlan():
            return planning.approve(command, _open_case_of(state, command.case_id, command.actor))
        case ReturnServicePlan():
            return planning.return_plan(command, _open_case_of(state, command.case_id, command.actor))
        case RecordCaseSession():
            case = _open_case_of(state, command.case_id, command.actor)
            require_not_future("heldOn", command.held_on, command.today)
            if command.held_on < case.opened_on:
                raise DateBeforeOpening("heldOn", command.held_on, case.opened_on)
            require_range("durationMinutes", command.duration_minutes, 1, 24 * 60)
            require_range("participants", command.participants, 1, 100)
            return [CaseSessionRecorded(
                case_id=command.case_id, station_id=case.station_id, session_id=command.session_id,
                held_on=command.held_on, mode=command.mode, duration_minutes=command.duration_minutes,
                participants=command.participants, notes=command.notes.strip(), recipient_id=case.recipient_id,
            )]
        case CloseCase():
            case = _open_case_of(state, command.case_id, command.actor)
            require_not_future("closedOn", command.closed_on, command.today)
            if command.closed_on < case.opened_on:
                raise DateBeforeOpening("closedOn", command.closed_on, case.opened_on)
            return [CaseClosed(case_id=command.case_id, station_id=case.station_id, closed_on=command.closed_on,
                               reason=require_text("reason", command.reason), outcome=command.outcome,
                               recipient_id=case.recipient_id)]


def evolve(state: Case, event: object) -> Case:
    match event:
        case CaseOpened(station_id=station_id, recipient_id=recipient_id, opened_on=opened_on):
            return Case(opened=True, station_id=station_id, recipient_id=recipient_id, opened_on=opened_on)
        case CaseClosed():
            return replace(state, closed=True)
        case CaseAssessed():
            return replace(state, assessed=True)
        case ServicePlanDrafted() | ServicePlanSubmitted() | ServicePlanApproved() | ServicePlanReturned():
            return replace(state, plan=planning.evolve_plan(state.plan, event))
    return state
