"""The case after intake: assessment, plan, evaluation, closing and approvals; referrals, reopening, transfer.

They share one shape (a case changes; the answer is its id and a token), so they share this module.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import strawberry

from gateway.mutations.run import command_resolver
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
    drafted_on: date | None = strawberry.field(default=None,
        description="The day it was written (补录: entered later); default today, never before the assessment")


@strawberry.input
class SubmitServicePlanInput:
    case_id: strawberry.ID
    submitted_on: date | None = strawberry.field(default=None,
        description="The day it was handed in; default today, never before it was drafted")


@strawberry.input
class DecideServicePlanInput:
    case_id: strawberry.ID
    plan_version: int
    approved_on: date | None = strawberry.field(default=None,
        description="The day it was approved (signed); default today, never before it was submitted")


@strawberry.input
class ReturnServicePlanInput:
    case_id: strawberry.ID
    plan_version: int
    comment: str
    returned_on: date | None = strawberry.field(default=None,
        description="The day it was returned; default today, never before it was submitted")


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
    returned_on: date | None = strawberry.field(default=None,
        description="The day it was returned; default today, never before the closing day asked for")


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
    acknowledged_on: date | None = strawberry.field(default=None,
        description="The day the risk was taken up; default today, never before the assessment")


CaseChangeResult = result_union("CaseChangeResult", CaseChanged)


def _changed(data: dict[str, Any], token: str) -> CaseChanged:
    referral_id, goal_ids = data.get("referral_id"), data.get("goal_ids")
    return CaseChanged(case_id=data["case_id"], referral_id=referral_id and strawberry.ID(str(referral_id)),
                       plan_version=data.get("plan_version"),
                       goal_ids=None if goal_ids is None else [strawberry.ID(str(g)) for g in goal_ids],
                       consistency_token=token)


def _case_step(endpoint: str, input_type: type) -> Callable[..., Awaitable[Any]]:
    """A mutation that sends its input as the cases' `endpoint` command and answers the case it changed."""
    return command_resolver("cases", endpoint, input_type, CaseChangeResult, _changed)


assess_case = _case_step("assess_case", AssessCaseInput)
draft_service_plan = _case_step("draft_service_plan", DraftServicePlanInput)
submit_service_plan = _case_step("submit_service_plan", SubmitServicePlanInput)
approve_service_plan = _case_step("approve_service_plan", DecideServicePlanInput)
return_service_plan = _case_step("return_service_plan", ReturnServicePlanInput)
evaluate_case = _case_step("evaluate_case", EvaluateCaseInput)
request_case_closing = _case_step("request_case_closing", RequestCaseClosingInput)
approve_case_closing = _case_step("approve_case_closing", DecideCaseClosingInput)
return_case_closing = _case_step("return_case_closing", ReturnCaseClosingInput)
reopen_case = _case_step("reopen_case", ReopenCaseInput)
transfer_case = _case_step("transfer_case", TransferCaseInput)
refer_case = _case_step("refer_case", ReferCaseInput)
record_referral_feedback = _case_step("record_referral_feedback", RecordReferralFeedbackInput)
acknowledge_urgent_risk = _case_step("acknowledge_urgent_risk", AcknowledgeUrgentRiskInput)
