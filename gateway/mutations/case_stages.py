"""The case after intake: assessment, plan, evaluation, closing and approvals; referrals, reopening, transfer.

They share one shape (a case changes; the answer is its id and a token), so they share this module.
"""

from __future__ import annotations

from datetime import date

import strawberry

from gateway.context import Context
from gateway.mutations.run import run_command
from gateway.types.enums import CaseOutcome, ReferralOutcome, ReferralService
from gateway.types.errors import result_union
from gateway.types.payloads import CaseChanged
from gateway.types.planning import GoalResult, NeedArea, RiskLevel


@strawberry.input
class NeedInput:
    area: NeedArea
    description: str


@strawberry.input
class AssessCaseInput:
    case_id: strawberry.ID
    assessed_on: date
    risk_level: RiskLevel
    needs: list[NeedInput]
    strengths: str = ""
    resources: str = ""


@strawberry.input
class GoalInput:
    description: str
    measure: str = strawberry.field(description="How achievement is measured, e.g. 每周至少外出一次")
    target_date: date


@strawberry.input
class DraftServicePlanInput:
    case_id: strawberry.ID
    goals: list[GoalInput]
    strategies: str


@strawberry.input
class SubmitServicePlanInput:
    case_id: strawberry.ID


@strawberry.input
class DecideServicePlanInput:
    case_id: strawberry.ID
    plan_version: int


@strawberry.input
class ReturnServicePlanInput:
    case_id: strawberry.ID
    plan_version: int
    comment: str


@strawberry.input
class GoalEvaluationInput:
    goal_id: strawberry.ID
    result: GoalResult
    note: str = ""


@strawberry.input
class EvaluateCaseInput:
    case_id: strawberry.ID
    evaluated_on: date
    goal_results: list[GoalEvaluationInput] = strawberry.field(description="One per goal of the plan in force")
    satisfaction: int | None = strawberry.field(default=None, description="1 to 5")
    pre_score: float | None = None
    post_score: float | None = None


@strawberry.input
class RequestCaseClosingInput:
    case_id: strawberry.ID
    closed_on: date
    reason: str
    outcome: CaseOutcome
    follow_up: str = strawberry.field(default="", description="回访安排")


@strawberry.input
class DecideCaseClosingInput:
    case_id: strawberry.ID


@strawberry.input
class ReturnCaseClosingInput:
    case_id: strawberry.ID
    comment: str


@strawberry.input
class ReopenCaseInput:
    case_id: strawberry.ID
    reopened_on: date
    reason: str


@strawberry.input
class TransferCaseInput:
    case_id: strawberry.ID
    to_worker_id: str


@strawberry.input
class ReferCaseInput:
    case_id: strawberry.ID
    agency: str
    service: ReferralService
    reason: str
    referred_on: date
    consent_given: bool = strawberry.field(description="The person agreed to the referral (required)")


@strawberry.input
class RecordReferralFeedbackInput:
    case_id: strawberry.ID
    referral_id: strawberry.ID
    outcome: ReferralOutcome
    feedback: str
    received_on: date


@strawberry.input(description="The station head or a supervisor takes up an urgent risk, saying what was done")
class AcknowledgeUrgentRiskInput:
    case_id: strawberry.ID
    note: str


CaseChangeResult = result_union("CaseChangeResult", CaseChanged)


async def _changed(info: strawberry.Info[Context, None], endpoint: str, input_: object,
                   idempotency_key: str | None) -> CaseChangeResult:  # type: ignore[valid-type]
    return await run_command(info, "cases", endpoint, input_, idempotency_key,
                             lambda data, token: CaseChanged(case_id=data["case_id"], consistency_token=token))


async def assess_case(info: strawberry.Info[Context, None], input: AssessCaseInput,
                      idempotency_key: str | None = None) -> CaseChangeResult:  # type: ignore[valid-type]
    return await _changed(info, "assess_case", input, idempotency_key)


async def draft_service_plan(info: strawberry.Info[Context, None], input: DraftServicePlanInput,
                             idempotency_key: str | None = None) -> CaseChangeResult:  # type: ignore[valid-type]
    return await _changed(info, "draft_service_plan", input, idempotency_key)


async def submit_service_plan(info: strawberry.Info[Context, None], input: SubmitServicePlanInput,
                              idempotency_key: str | None = None) -> CaseChangeResult:  # type: ignore[valid-type]
    return await _changed(info, "submit_service_plan", input, idempotency_key)


async def approve_service_plan(info: strawberry.Info[Context, None], input: DecideServicePlanInput,
                               idempotency_key: str | None = None) -> CaseChangeResult:  # type: ignore[valid-type]
    return await _changed(info, "approve_service_plan", input, idempotency_key)


async def return_service_plan(info: strawberry.Info[Context, None], input: ReturnServicePlanInput,
                              idempotency_key: str | None = None) -> CaseChangeResult:  # type: ignore[valid-type]
    return await _changed(info, "return_service_plan", input, idempotency_key)


async def evaluate_case(info: strawberry.Info[Context, None], input: EvaluateCaseInput,
                        idempotency_key: str | None = None) -> CaseChangeResult:  # type: ignore[valid-type]
    return await _changed(info, "evaluate_case", input, idempotency_key)


async def request_case_closing(info: strawberry.Info[Context, None], input: RequestCaseClosingInput,
                               idempotency_key: str | None = None) -> CaseChangeResult:  # type: ignore[valid-type]
    return await _changed(info, "request_case_closing", input, idempotency_key)


async def approve_case_closing(info: strawberry.Info[Context, None], input: DecideCaseClosingInput,
                               idempotency_key: str | None = None) -> CaseChangeResult:  # type: ignore[valid-type]
    return await _changed(info, "approve_case_closing", input, idempotency_key)


async def return_case_closing(info: strawberry.Info[Context, None], input: ReturnCaseClosingInput,
                              idempotency_key: str | None = None) -> CaseChangeResult:  # type: ignore[valid-type]
    return await _changed(info, "return_case_closing", input, idempotency_key)


async def reopen_case(info: strawberry.Info[Context, None], input: ReopenCaseInput,
                      idempotency_key: str | None = None) -> CaseChangeResult:  # type: ignore[valid-type]
    return await _changed(info, "reopen_case", input, idempotency_key)


async def transfer_case(info: strawberry.Info[Context, None], input: TransferCaseInput,
                        idempotency_key: str | None = None) -> CaseChangeResult:  # type: ignore[valid-type]
    return await _changed(info, "transfer_case", input, idempotency_key)


async def refer_case(info: strawberry.Info[Context, None], input: ReferCaseInput,
                     idempotency_key: str | None = None) -> CaseChangeResult:  # type: ignore[valid-type]
    return await _changed(info, "refer_case", input, idempotency_key)


async def record_referral_feedback(info: strawberry.Info[Context, None], input: RecordReferralFeedbackInput,
                                   idempotency_key: str | None = None) -> CaseChangeResult:  # type: ignore[valid-type]
    return await _changed(info, "record_referral_feedback", input, idempotency_key)


async def acknowledge_urgent_risk(info: strawberry.Info[Context, None], input: AcknowledgeUrgentRiskInput,
                                  idempotency_key: str | None = None) -> CaseChangeResult:  # type: ignore[valid-type]
    return await _changed(info, "acknowledge_urgent_risk", input, idempotency_key)
