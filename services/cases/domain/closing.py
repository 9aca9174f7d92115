"""Evaluation (评估) and closing (结案): no closing without evaluation, and none without approval."""

from __future__ import annotations

from services.cases.domain.commands import ApproveCaseClosing, EvaluateCase, RequestCaseClosing, ReturnCaseClosing
from services.cases.domain.errors import DateBeforeOpening, NotAnApprover, StageOrder
from services.cases.domain.planning import APPROVERS
from services.cases.domain.rules import happened_on, require_not_future, require_range, require_text
from services.cases.domain.state import Case, ClosingRequest
from shared.contracts.cases import (
    CaseClosed,
    CaseClosingRequested,
    CaseClosingReturned,
    CaseEvaluated,
    GoalEvaluation,
    GoalResult,
)


def evaluate(command: EvaluateCase, case: Case) -> list[object]:
    if not case.plan.approved_version:
        raise StageOrder("还没有审批通过的服务计划，不能评估", "No evaluation before a service plan is approved")
    require_not_future("evaluatedOn", command.evaluated_on, command.today)
    if command.evaluated_on < case.opened_on:
        raise DateBeforeOpening("evaluatedOn", command.evaluated_on, case.opened_on)
    happened_on("evaluatedOn", command.evaluated_on, command.today,
                (case.plan.approved_on, f"第 {case.plan.approved_version} 版计划的审批日期",
                 f"the approval of plan version {case.plan.approved_version}"))
    given = [r.goal_id for r in command.goal_results]
    if sorted(given) != sorted(case.plan.approved_goal_ids):
        goals, version = ", ".join(case.plan.approved_goal_ids), case.plan.approved_version
        raise StageOrder(f"须逐一评估第 {version} 版计划的目标：{goals}",
                         f"Evaluate each goal of plan version {version}: {goals}", field="goalResults")
    if command.satisfaction is not None:
        require_range("satisfaction", command.satisfaction, 1, 5)
    results = tuple(GoalEvaluation(goal_id=r.goal_id, result=r.result, note=r.note.strip())
                    for r in command.goal_results)
    count = {result: sum(r.result == result for r in results) for result in GoalResult}
    return [CaseEvaluated(case_id=command.case_id, station_id=case.station_id, recipient_id=case.recipient_id,
                          evaluated_on=command.evaluated_on, plan_version=case.plan.approved_version,
                          achieved=count[GoalResult.ACHIEVED], partly=count[GoalResult.PARTLY],
                          not_achieved=count[GoalResult.NOT_ACHIEVED], satisfaction=command.satisfaction,
                          pre_score=command.pre_score, post_score=command.post_score, goal_results=results)]


def request(command: RequestCaseClosing, case: Case) -> list[object]:
    if not case.evaluated:
        raise StageOrder("尚未评估，不能结案", "No closing before the case is evaluated")
    if case.closing is not None:
        raise StageOrder("结案申请正在审批", "A closing is already waiting for approval")
    require_not_future("closedOn", command.closed_on, command.today)
    if command.closed_on < case.opened_on:
        raise DateBeforeOpening("closedOn", command.closed_on, case.opened_on)
    # a closing ends the period a reopening started; before it, it would close a month already counted
    happened_on("closedOn", command.closed_on, command.today,
                (case.reopened_on, "重新开案日期", "the case's reopening"),
                (case.evaluated_on, "评估日期", "the evaluation"))
    return [CaseClosingRequested(case_id=command.case_id, station_id=case.station_id, recipient_id=case.recipient_id,
                                 closed_on=command.closed_on, outcome=command.outcome,
                                 reason=require_text("reason", command.reason),
                                 follow_up=command.follow_up.strip() or None, requested_by=command.actor.subject)]


def _pending(case: Case, command: ApproveCaseClosing | ReturnCaseClosing) -> ClosingRequest:
    if command.actor.role not in APPROVERS:
        raise NotAnApprover()
    if case.closing is None:
        raise StageOrder("没有待审批的结案申请", "No closing is waiting for approval")
    return case.closing


def approve(command: ApproveCaseClosing, case: Case) -> list[object]:
    closing = _pending(case, command)
    return [CaseClosed(case_id=command.case_id, station_id=case.station_id, closed_on=closing.closed_on,
                       reason=closing.reason, outcome=closing.outcome, recipient_id=case.recipient_id,
                       approved_by=command.actor.subject)]


def send_back(command: ReturnCaseClosing, case: Case) -> list[object]:
    closing = _pending(case, command)
    returned_on = happened_on("returnedOn", command.returned_on, command.today,
                              (closing.closed_on, "申请的结案日期", "the closing day asked for"))
    return [CaseClosingReturned(case_id=command.case_id, station_id=case.station_id, recipient_id=case.recipient_id,
                                returned_by=command.actor.subject, returned_on=returned_on,
                                comment=require_text("comment", command.comment))]
