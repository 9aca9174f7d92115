"""No closing without evaluation, none without approval; an unapproved closing leaves the case open."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.cases.domain import case
from services.cases.domain.commands import (
    ApproveCaseClosing,
    EvaluateCase,
    GoalEvaluationInput,
    RecordCaseSession,
    RecordReferralFeedback,
    ReferCase,
    ReopenCase,
    ReturnCaseClosing,
    TransferCase,
)
from services.cases.domain.errors import (
    AlreadyRecorded,
    CaseAlreadyClosed,
    CaseIsOpen,
    CaseNotFound,
    DateBeforeOpening,
    DateInFuture,
    FeedbackAlreadyRecorded,
    NotAnApprover,
    NotTheStationHead,
    OutOfRange,
    ReferralConsentMissing,
    ReferralNotFound,
    StageOrder,
)
from shared.contracts import Actor
from shared.contracts.cases import (
    CaseClosed,
    CaseClosingRequested,
    CaseClosingReturned,
    CaseEvaluated,
    CaseReferred,
    CaseReopened,
    CaseTransferred,
    GoalResult,
    ReferralFeedbackReceived,
    ReferralOutcome,
    ReferralService,
)
from shared.rules import DateBeforeFact
from tests.unit.cases.given import HEAD, STRANGER, TODAY, WORKER, record_session, request_closing
from tests.unit.cases.test_planning import ASSESSED, DRAFTED, SUBMITTED, approve, given

APPROVED = case.decide(approve(), given(ASSESSED, DRAFTED, SUBMITTED))[0]
PLANNED = (ASSESSED, DRAFTED, SUBMITTED, APPROVED)


def evaluate(**changes: object) -> EvaluateCase:
    fields: dict[str, object] = {
        "actor": WORKER, "today": TODAY, "case_id": "c-1", "evaluated_on": date(2026, 11, 1), "satisfaction": 4,
        "goal_results": (GoalEvaluationInput(goal_id="v1-g1", result=GoalResult.PARTLY, note="外出两次"),)}
    return EvaluateCase(**{**fields, **changes})  # type: ignore[arg-type]


EVALUATED = case.decide(evaluate(), given(*PLANNED))[0]
REQUESTED = case.decide(request_closing(), given(*PLANNED, EVALUATED))[0]


def approve_closing(actor: Actor = HEAD) -> ApproveCaseClosing:
    return ApproveCaseClosing(actor=actor, today=TODAY, case_id="c-1")


def test_an_evaluation_covers_every_goal_of_the_plan_in_force() -> None:
    assert isinstance(EVALUATED, CaseEvaluated)
    assert (EVALUATED.plan_version, EVALUATED.achieved, EVALUATED.partly, EVALUATED.not_achieved) == (1, 0, 1, 0)
    with pytest.raises(StageOrder) as refused:
        case.decide(evaluate(goal_results=()), given(*PLANNED))
    assert "v1-g1" in refused.value.message.en


def test_no_evaluation_before_a_plan_is_approved() -> None:
    with pytest.raises(StageOrder):
        case.decide(evaluate(), given(ASSESSED, DRAFTED, SUBMITTED))


def test_an_evaluation_has_a_plausible_date_and_satisfaction() -> None:
    with pytest.raises(OutOfRange):
        case.decide(evaluate(satisfaction=6), given(*PLANNED))
    with pytest.raises(DateInFuture):
        case.decide(evaluate(evaluated_on=date(2026, 12, 1)), given(*PLANNED))


def test_no_closing_without_evaluation() -> None:
    with pytest.raises(StageOrder) as refused:
        case.decide(request_closing(), given(*PLANNED))
    assert "尚未评估" in refused.value.message.zh


def test_a_requested_closing_leaves_the_case_open_until_approved() -> None:
    assert isinstance(REQUESTED, CaseClosingRequested) and REQUESTED.follow_up == "一个月后电话回访"
    waiting = given(*PLANNED, EVALUATED, REQUESTED)
    assert not waiting.closed
    [session] = case.decide(record_session(held_on=date(2026, 11, 2)), waiting)
    assert session.__class__.__name__ == "CaseSessionRecorded"
    with pytest.raises(StageOrder):
        case.decide(request_closing(), waiting)


def test_the_station_head_approves_the_closing_and_the_case_closes() -> None:
    [closed] = case.decide(approve_closing(), given(*PLANNED, EVALUATED, REQUESTED))

    assert isinstance(closed, CaseClosed)
    assert (closed.reason, closed.approved_by, closed.closed_on) == ("目标达成", "head-1", date(2026, 11, 1))
    state = given(*PLANNED, EVALUATED, REQUESTED, closed)
    with pytest.raises(CaseAlreadyClosed):
        case.decide(RecordCaseSession(actor=WORKER, today=TODAY, case_id="c-1", session_id="s", held_on=TODAY,
                                      mode=record_session().mode, duration_minutes=10), state)


def test_a_returned_closing_keeps_the_case_open_and_can_be_asked_again() -> None:
    [returned] = case.decide(ReturnCaseClosing(actor=HEAD, today=TODAY, case_id="c-1", comment="补充回访"),
                             given(*PLANNED, EVALUATED, REQUESTED))
    state = given(*PLANNED, EVALUATED, REQUESTED, returned)

    assert isinstance(returned, CaseClosingReturned) and not state.closed
    assert isinstance(case.decide(request_closing(), state)[0], CaseClosingRequested)


def test_only_an_approver_of_the_station_approves_and_only_a_waiting_closing() -> None:
    with pytest.raises(NotAnApprover):
        case.decide(approve_closing(WORKER), given(*PLANNED, EVALUATED, REQUESTED))
    with pytest.raises(CaseNotFound):
        case.decide(approve_closing(STRANGER), given(*PLANNED, EVALUATED, REQUESTED))
    with pytest.raises(StageOrder):
        case.decide(approve_closing(), given(*PLANNED, EVALUATED))


def test_a_closing_date_lies_within_the_case() -> None:
    with pytest.raises(DateBeforeOpening):
        case.decide(request_closing(closed_on=date(2026, 10, 1)), given(*PLANNED, EVALUATED))
    with pytest.raises(DateInFuture):
        case.decide(request_closing(closed_on=date(2026, 11, 21)), given(*PLANNED, EVALUATED))


CLOSED = case.decide(approve_closing(), given(*PLANNED, EVALUATED, REQUESTED))[0]


def test_a_closed_case_is_reopened_and_must_be_evaluated_again_before_closing() -> None:
    closed_state = given(*PLANNED, EVALUATED, REQUESTED, CLOSED)
    [reopened] = case.decide(ReopenCase(actor=WORKER, today=TODAY, case_id="c-1", reopened_on=TODAY,
                                        reason="家庭情况再次变化"), closed_state)
    state = given(*PLANNED, EVALUATED, REQUESTED, CLOSED, reopened)

    assert isinstance(reopened, CaseReopened)
    assert not state.closed
    with pytest.raises(StageOrder):
        case.decide(request_closing(closed_on=TODAY), state)
    with pytest.raises(CaseIsOpen):
        case.decide(ReopenCase(actor=WORKER, today=TODAY, case_id="c-1", reopened_on=TODAY, reason="x"), state)


def test_a_reopened_case_closes_again_only_on_or_after_the_day_it_was_reopened() -> None:
    reopened_on = TODAY - timedelta(days=10)  # after the first closing, which is dated before it
    [reopened] = case.decide(ReopenCase(actor=WORKER, today=TODAY, case_id="c-1", reopened_on=reopened_on,
                                        reason="家庭情况再次变化"), given(*PLANNED, EVALUATED, REQUESTED, CLOSED))
    [evaluated] = case.decide(evaluate(evaluated_on=reopened_on),
                              given(*PLANNED, EVALUATED, REQUESTED, CLOSED, reopened))
    state = given(*PLANNED, EVALUATED, REQUESTED, CLOSED, reopened, evaluated)

    with pytest.raises(DateBeforeFact) as refused:
        case.decide(request_closing(closed_on=reopened_on - timedelta(days=1)), state)
    [requested] = case.decide(request_closing(closed_on=reopened_on), state)

    assert (refused.value.code, refused.value.field) == ("invalid_input", "closedOn")
    assert reopened_on.isoformat() in refused.value.message.en and "重新开案" in refused.value.message.zh
    assert isinstance(requested, CaseClosingRequested) and requested.closed_on == reopened_on


def test_the_station_head_transfers_an_open_case_to_another_worker() -> None:
    [moved] = case.decide(TransferCase(actor=HEAD, today=TODAY, case_id="c-1", to_worker_id="sw-2"), given())

    assert isinstance(moved, CaseTransferred)
    assert (moved.from_worker_id, moved.to_worker_id) == ("sw-1", "sw-2")
    assert case.evolve(given(), moved).worker_id == "sw-2"
    assert case.decide(TransferCase(actor=HEAD, today=TODAY, case_id="c-1", to_worker_id="sw-1"), given()) == []
    with pytest.raises(NotTheStationHead):
        case.decide(TransferCase(actor=WORKER, today=TODAY, case_id="c-1", to_worker_id="sw-2"), given())


def refer(**changes: object) -> ReferCase:
    fields: dict[str, object] = {"actor": WORKER, "today": TODAY, "case_id": "c-1", "referral_id": "ref-1",
                                 "agency": "天心区民政局", "service": ReferralService.CIVIL_AFFAIRS,
                                 "reason": "申请临时救助", "referred_on": date(2026, 10, 20), "consent_given": True}
    return ReferCase(**{**fields, **changes})  # type: ignore[arg-type]


def answer(**changes: object) -> RecordReferralFeedback:
    fields: dict[str, object] = {"actor": WORKER, "today": TODAY, "case_id": "c-1", "referral_id": "ref-1",
                                 "outcome": ReferralOutcome.ACCEPTED, "feedback": "已受理",
                                 "received_on": date(2026, 10, 28)}
    return RecordReferralFeedback(**{**fields, **changes})  # type: ignore[arg-type]


def test_a_referral_needs_consent_and_its_feedback_comes_back_once() -> None:
    with pytest.raises(ReferralConsentMissing):
        case.decide(refer(consent_given=False), given())
    [referred] = case.decide(refer(), given())
    [answered] = case.decide(answer(), given(referred))

    assert isinstance(referred, CaseReferred) and referred.reason == "申请临时救助"
    assert isinstance(answered, ReferralFeedbackReceived) and answered.outcome == ReferralOutcome.ACCEPTED
    with pytest.raises(FeedbackAlreadyRecorded):
        case.decide(answer(), given(referred, answered))
    with pytest.raises(ReferralNotFound):
        case.decide(answer(referral_id="ref-9"), given(referred))
    for history in ((referred,), (referred, answered)):
        with pytest.raises(AlreadyRecorded):
            case.decide(refer(), given(*history))
