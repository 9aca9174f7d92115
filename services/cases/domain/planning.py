"""Assessment (预估) and the service plan (计划) with its approval: the stages before intervention."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from services.cases.domain.commands import (
    ApproveServicePlan,
    AssessCase,
    DraftServicePlan,
    ReturnServicePlan,
    SubmitServicePlan,
)
from services.cases.domain.errors import DateBeforeOpening, NotAnApprover, StageOrder, WrongPlanVersion
from services.cases.domain.rules import happened_on, require_not_future, require_text
from services.cases.domain.state import Case, Plan
from shared.contracts import Actor, Role
from shared.contracts.cases import (
    CaseAssessed,
    Goal,
    Need,
    ServicePlanApproved,
    ServicePlanDrafted,
    ServicePlanReturned,
    ServicePlanSubmitted,
)

APPROVERS = (Role.STATION_HEAD, Role.SUPERVISOR)


def assess(command: AssessCase, case: Case) -> list[object]:
    require_not_future("assessedOn", command.assessed_on, command.today)
    if command.assessed_on < case.opened_on:
        raise DateBeforeOpening("assessedOn", command.assessed_on, case.opened_on)
    if not command.needs:
        raise StageOrder("预估须至少记录一项需求", "An assessment records at least one need", field="needs")
    needs = tuple(Need(area=n.area, description=require_text("needs.description", n.description))
                  for n in command.needs)
    return [CaseAssessed(case_id=command.case_id, station_id=case.station_id, recipient_id=case.recipient_id,
                         assessed_on=command.assessed_on, risk_level=command.risk_level, needs=needs,
                         strengths=command.strengths.strip() or None, resources=command.resources.strip() or None)]


def draft(command: DraftServicePlan, case: Case) -> list[object]:
    plan = case.plan
    if not case.assessed:
        raise StageOrder("尚未预估，不能制定服务计划", "No service plan before the case is assessed")
    if plan.submitted:
        raise StageOrder(f"第 {plan.version} 版服务计划正在审批，审批或退回后才能修订",
                         f"Plan version {plan.version} is waiting for approval; revise it once approved or returned")
    if not command.goals:
        raise StageOrder("服务计划须至少有一个目标", "A service plan has at least one goal", field="goals")
    drafted_on = happened_on("draftedOn", command.drafted_on, command.today,
                             (case.opened_on, "接案日期", "the case's opening"),
                             (case.assessed_on, "预估日期", "the assessment"),
                             (plan.drafted_on, f"第 {plan.version} 版计划的制定日期",
                              f"the drafting of plan version {plan.version}"))
    version = plan.version + 1
    goals = []
    for n, goal in enumerate(command.goals, start=1):
        if goal.target_date < drafted_on:
            raise StageOrder(f"目标 {n} 的目标日期 {goal.target_date} 早于计划制定日期 {drafted_on}",
                             f"Goal {n}'s target date {goal.target_date} is before the plan's drafting on "
                             f"{drafted_on}", field="goals.targetDate")
        goals.append(Goal(goal_id=f"v{version}-g{n}", description=require_text("goals.description", goal.description),
                          measure=require_text("goals.measure", goal.measure), target_date=goal.target_date))
    return [ServicePlanDrafted(case_id=command.case_id, station_id=case.station_id, recipient_id=case.recipient_id,
                               plan_version=version, drafted_on=drafted_on, goals=tuple(goals),
                               strategies=require_text("strategies", command.strategies))]


def submit(command: SubmitServicePlan, case: Case) -> list[object]:
    plan = case.plan
    if plan.version == 0 or plan.submitted or plan.approved_version == plan.version:
        raise StageOrder("没有可提交审批的服务计划草稿", "There is no plan draft to submit")
    submitted_on = happened_on("submittedOn", command.submitted_on, command.today,
                               (plan.drafted_on, "计划制定日期", "the plan's drafting"))
    return [ServicePlanSubmitted(case_id=command.case_id, station_id=case.station_id, plan_version=plan.version,
                                 submitted_by=command.actor.subject, submitted_on=submitted_on)]


def _require_approver(actor: Actor, plan: Plan, version: int) -> None:
    if actor.role not in APPROVERS:
        raise NotAnApprover()
    if plan.pending != version:
        raise WrongPlanVersion(version, plan.pending)


def _decided_on(field: str, given: date | None, today: date, plan: Plan) -> date:
    """An approval or a return: not in the future, not before the plan was drafted and submitted."""
    return happened_on(field, given, today, (plan.drafted_on, "计划制定日期", "the plan's drafting"),
                       (plan.submitted_on, "计划提交审批的日期", "the plan's submission"))


def approve(command: ApproveServicePlan, case: Case) -> list[object]:
    _require_approver(command.actor, case.plan, command.plan_version)
    approved_on = _decided_on("approvedOn", command.approved_on, command.today, case.plan)
    return [ServicePlanApproved(case_id=command.case_id, station_id=case.station_id, plan_version=command.plan_version,
                                approved_by=command.actor.subject, approved_on=approved_on)]


def return_plan(command: ReturnServicePlan, case: Case) -> list[object]:
    _require_approver(command.actor, case.plan, command.plan_version)
    returned_on = _decided_on("returnedOn", command.returned_on, command.today, case.plan)
    return [ServicePlanReturned(case_id=command.case_id, station_id=case.station_id, recipient_id=case.recipient_id,
                                plan_version=command.plan_version, returned_by=command.actor.subject,
                                returned_on=returned_on, comment=require_text("comment", command.comment))]


def evolve_plan(plan: Plan, event: object) -> Plan:
    match event:
        case ServicePlanDrafted(plan_version=version, goals=goals, drafted_on=drafted_on):
            goal_ids = tuple(f"v{version}-g{n}" for n in range(1, len(goals or ()) + 1))
            return replace(plan, version=version, submitted=False, goal_ids=goal_ids, drafted_on=drafted_on,
                           submitted_on=None)
        case ServicePlanSubmitted(submitted_on=submitted_on):
            return replace(plan, submitted=True, submitted_on=submitted_on)
        case ServicePlanApproved(plan_version=version, approved_on=approved_on):
            return replace(plan, submitted=False, approved_version=version, approved_goal_ids=plan.goal_ids,
                           approved_on=approved_on)
        case ServicePlanReturned():
            return replace(plan, submitted=False)
    return plan
