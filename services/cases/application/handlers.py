"""Command handlers of the cases service: load, one domain call, append."""

from __future__ import annotations

from services.cases.domain import case, recipient
from services.cases.domain.commands import (
    ApproveCaseClosing,
    ApproveServicePlan,
    AssessCase,
    DraftServicePlan,
    EraseRecipient,
    EvaluateCase,
    OpenCase,
    RecordCaseSession,
    RecordReferralFeedback,
    ReferCase,
    RegisterRecipient,
    ReopenCase,
    RequestCaseClosing,
    ReturnCaseClosing,
    ReturnServicePlan,
    SubmitServicePlan,
    TransferCase,
)
from shared.application import CommandHandler, Decider, Unit, execute, load
from shared.eventstore import AppendResult

RECIPIENT = Decider(stream_type="recipient", initial_state=recipient.INITIAL, evolve=recipient.evolve)
CASE = Decider(stream_type="case", initial_state=case.INITIAL, evolve=case.evolve)


def recipient_stream(recipient_id: str) -> str:
    return f"recipient-{recipient_id}"


def case_stream(case_id: str) -> str:
    return f"case-{case_id}"


async def register_recipient(command: RegisterRecipient, unit: Unit) -> AppendResult:
    return await execute(unit, RECIPIENT, recipient_stream(command.recipient_id),
                         lambda state: recipient.decide(command, state), {"recipient_id": command.recipient_id})


async def erase_recipient(command: EraseRecipient, unit: Unit) -> AppendResult:
    return await execute(unit, RECIPIENT, recipient_stream(command.recipient_id),
                         lambda state: recipient.decide(command, state), {"recipient_id": command.recipient_id})


async def open_case(command: OpenCase, unit: Unit) -> AppendResult:
    registered, _ = await load(unit.store, RECIPIENT, recipient_stream(command.recipient_id))
    return await execute(unit, CASE, case_stream(command.case_id),
                         lambda state: case.open_case(command, registered, state), {"case_id": command.case_id})


async def record_case_session(command: RecordCaseSession, unit: Unit) -> AppendResult:
    return await execute(unit, CASE, case_stream(command.case_id), lambda state: case.decide(command, state),
                         {"case_id": command.case_id, "session_id": command.session_id})


async def on_case(command: case.CaseCommand, unit: Unit) -> AppendResult:
    """Any command the case decides alone; it answers the case id and the case's new version."""
    return await execute(unit, CASE, case_stream(command.case_id), lambda state: case.decide(command, state),
                         {"case_id": command.case_id})


async def refer_case(command: ReferCase, unit: Unit) -> AppendResult:
    return await execute(unit, CASE, case_stream(command.case_id), lambda state: case.decide(command, state),
                         {"case_id": command.case_id, "referral_id": command.referral_id})


ROUTES: dict[type, CommandHandler] = {
    RegisterRecipient: register_recipient,
    EraseRecipient: erase_recipient,
    OpenCase: open_case,
    RecordCaseSession: record_case_session,
    EvaluateCase: on_case,
    RequestCaseClosing: on_case,
    ApproveCaseClosing: on_case,
    ReturnCaseClosing: on_case,
    ReopenCase: on_case,
    TransferCase: on_case,
    ReferCase: refer_case,
    RecordReferralFeedback: on_case,
    AssessCase: on_case,
    DraftServicePlan: on_case,
    SubmitServicePlan: on_case,
    ApproveServicePlan: on_case,
    ReturnServicePlan: on_case,
}
