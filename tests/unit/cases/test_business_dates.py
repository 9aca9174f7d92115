"""A case entered late (补录) keeps the days things happened: the plan's drafting, submission, approval and return,
an urgent risk's taking up, a closing's return. Each defaults to today, is never in the future, and never comes
before what it depends on, so no plan is approved after its own evaluation."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.cases.domain import case
from services.cases.domain.commands import AcknowledgeUrgentRisk, ReturnCaseClosing
from shared.contracts.cases import (
    RiskLevel,
    ServicePlanApproved,
    ServicePlanDrafted,
    ServicePlanReturned,
    ServicePlanSubmitted,
    UrgentRiskAcknowledged,
)
from shared.rules import DateBeforeFact, DateInFuture
from tests.unit.cases.given import HEAD, TODAY, request_closing
from tests.unit.cases.test_closing import evaluate
from tests.unit.cases.test_planning import (
    APPROVED_ON,
    ASSESSED,
    DRAFTED_ON,
    SUBMITTED_ON,
    approve,
    assess,
    draft,
    given,
    send_back,
    submit,
)

TOMORROW = TODAY + timedelta(days=1)
DRAFTED = case.decide(draft(), given(ASSESSED))[0]
SUBMITTED = case.decide(submit(), given(ASSESSED, DRAFTED))[0]


def test_each_step_of_the_plan_keeps_the_day_it_happened_and_today_is_the_default() -> None:
    approved = case.decide(approve(), given(ASSESSED, DRAFTED, SUBMITTED))[0]
    assert isinstance(DRAFTED, ServicePlanDrafted) and DRAFTED.drafted_on == DRAFTED_ON
    assert isinstance(SUBMITTED, ServicePlanSubmitted) and SUBMITTED.submitted_on == SUBMITTED_ON
    assert isinstance(approved, ServicePlanApproved) and approved.approved_on == APPROVED_ON
    [today] = case.decide(draft(drafted_on=None), given(ASSESSED))
    assert isinstance(today, ServicePlanDrafted) and today.drafted_on == TODAY
    [returned] = case.decide(send_back(), given(ASSESSED, DRAFTED, SUBMITTED))
    assert isinstance(returned, ServicePlanReturned) and returned.returned_on == TODAY


def test_a_plan_is_not_drafted_in_the_future_nor_before_the_assessment_or_its_previous_version() -> None:
    with pytest.raises(DateInFuture):
        case.decide(draft(drafted_on=TOMORROW), given(ASSESSED))
    with pytest.raises(DateBeforeFact) as before_assessment:
        case.decide(draft(drafted_on=assess().assessed_on - timedelta(days=1)), given(ASSESSED))
    assert before_assessment.value.field == "draftedOn" and "the assessment" in before_assessment.value.message.en
    returned = case.decide(send_back(), given(ASSESSED, DRAFTED, SUBMITTED))[0]
    with pytest.raises(DateBeforeFact) as before_v1:
        case.decide(draft(drafted_on=DRAFTED_ON - timedelta(days=1)), given(ASSESSED, DRAFTED, SUBMITTED, returned))
    assert "plan version 1" in before_v1.value.message.en


def test_a_late_plan_may_have_goals_whose_day_has_passed_since_but_not_before_it_was_drafted() -> None:
    goal = draft().goals[0]
    past = type(goal)(description=goal.description, measure=goal.measure, target_date=DRAFTED_ON + timedelta(days=7))
    [drafted] = case.decide(draft(goals=(past,)), given(ASSESSED))
    assert isinstance(drafted, ServicePlanDrafted) and drafted.goals[0].target_date < TODAY


def test_no_plan_is_submitted_before_it_was_drafted() -> None:
    with pytest.raises(DateBeforeFact) as refused:
        case.decide(submit(submitted_on=DRAFTED_ON - timedelta(days=1)), given(ASSESSED, DRAFTED))
    assert refused.value.field == "submittedOn"
    day_before = DRAFTED_ON - timedelta(days=1)
    assert refused.value.message.zh == f"submittedOn（{day_before}）早于计划制定日期（{DRAFTED_ON}）"


@pytest.mark.parametrize(("day", "error", "field"), [
    (TOMORROW, DateInFuture, "approvedOn"),
    (SUBMITTED_ON - timedelta(days=1), DateBeforeFact, "approvedOn"),
])
def test_no_plan_is_approved_in_the_future_nor_before_it_was_submitted(day: date, error: type[Exception],
                                                                        field: str) -> None:
    with pytest.raises(error) as refused:
        case.decide(approve(approved_on=day), given(ASSESSED, DRAFTED, SUBMITTED))
    assert refused.value.field == field  # type: ignore[attr-defined]
    with pytest.raises(DateBeforeFact):
        case.decide(send_back(returned_on=SUBMITTED_ON - timedelta(days=1)), given(ASSESSED, DRAFTED, SUBMITTED))


def test_no_evaluation_before_the_plan_in_force_was_approved_so_no_plan_is_approved_after_its_evaluation() -> None:
    approved_late = case.decide(approve(approved_on=APPROVED_ON + timedelta(days=20)),
                                given(ASSESSED, DRAFTED, SUBMITTED))[0]
    with pytest.raises(DateBeforeFact) as refused:
        case.decide(evaluate(evaluated_on=APPROVED_ON + timedelta(days=10)),
                    given(ASSESSED, DRAFTED, SUBMITTED, approved_late))
    assert refused.value.field == "evaluatedOn" and "the approval of plan version 1" in refused.value.message.en


def test_no_closing_before_the_evaluation() -> None:
    approved = case.decide(approve(), given(ASSESSED, DRAFTED, SUBMITTED))[0]
    evaluated = case.decide(evaluate(evaluated_on=APPROVED_ON + timedelta(days=10)),
                            given(ASSESSED, DRAFTED, SUBMITTED, approved))[0]
    with pytest.raises(DateBeforeFact) as refused:
        case.decide(request_closing(closed_on=APPROVED_ON + timedelta(days=9)),
                    given(ASSESSED, DRAFTED, SUBMITTED, approved, evaluated))
    assert refused.value.field == "closedOn"
    requested = case.decide(request_closing(closed_on=APPROVED_ON + timedelta(days=12)),
                            given(ASSESSED, DRAFTED, SUBMITTED, approved, evaluated))[0]
    with pytest.raises(DateBeforeFact):
        case.decide(ReturnCaseClosing(actor=HEAD, today=TODAY, case_id="c-1", comment="补充回访记录",
                                      returned_on=APPROVED_ON + timedelta(days=11)),
                    given(ASSESSED, DRAFTED, SUBMITTED, approved, evaluated, requested))


def test_an_urgent_risk_is_taken_up_on_its_day_never_before_the_assessment() -> None:
    assessed_on = assess().assessed_on
    urgent = case.decide(assess(risk_level=RiskLevel.URGENT), given())[0]
    take_up = AcknowledgeUrgentRisk(actor=HEAD, today=TODAY, case_id="c-1", note="当天联系网格员上门",
                                    acknowledged_on=assessed_on)
    [taken] = case.decide(take_up, given(urgent))
    assert isinstance(taken, UrgentRiskAcknowledged) and taken.acknowledged_on == assessed_on
    with pytest.raises(DateBeforeFact):
        case.decide(AcknowledgeUrgentRisk(**{**take_up.__dict__, "acknowledged_on": assessed_on - timedelta(days=1)}),
                    given(urgent))
    with pytest.raises(DateInFuture):
        case.decide(AcknowledgeUrgentRisk(**{**take_up.__dict__, "acknowledged_on": TOMORROW}), given(urgent))
