"""Assessment before the plan; a plan is submitted, then approved or returned by the station head or a supervisor."""

from __future__ import annotations

from datetime import date

import pytest

from services.cases.domain import case, recipient
from services.cases.domain.commands import (
    AcknowledgeUrgentRisk,
    ApproveServicePlan,
    AssessCase,
    DraftServicePlan,
    GoalInput,
    NeedInput,
    ReturnServicePlan,
    SubmitServicePlan,
)
from services.cases.domain.errors import (
    BlankField,
    DateBeforeOpening,
    NotAnApprover,
    NotTheStationHeadOrSupervisor,
    NoUrgentRisk,
    StageOrder,
    WrongPlanVersion,
)
from shared.contracts import Actor, Role
from shared.contracts.cases import (
    CaseAssessed,
    NeedArea,
    RiskLevel,
    ServicePlanApproved,
    ServicePlanDrafted,
    ServicePlanReturned,
    ServicePlanSubmitted,
    UrgentRiskAcknowledged,
)
from tests.unit.cases.given import HEAD, STATION, TODAY, WORKER, open_case, register

DRAFTED_ON, SUBMITTED_ON, APPROVED_ON = date(2026, 10, 12), date(2026, 10, 14), date(2026, 10, 16)
"""The plan's days, written on paper weeks before they are entered (TODAY)."""
SUPERVISOR = Actor(subject="sup-1", name="督导", role=Role.SUPERVISOR, station_ids=(STATION,))
RECIPIENT = recipient.evolve(recipient.INITIAL, recipient.decide(register(), recipient.INITIAL)[0])
OPENED = case.open_case(open_case(), RECIPIENT, 0, case.INITIAL)[1][0]


def given(*events: object) -> case.Case:
    state = case.INITIAL
    for event in (OPENED, *events):
        state = case.evolve(state, event)
    return state


def assess(**changes: object) -> AssessCase:
    fields: dict[str, object] = {"actor": WORKER, "today": TODAY, "case_id": "c-1", "assessed_on": date(2026, 10, 10),
                                 "risk_level": RiskLevel.HIGH, "strengths": "愿意沟通", "resources": "",
                                 "needs": (NeedInput(area=NeedArea.SOCIAL, description="长期独处，缺少社会支持"),)}
    return AssessCase(**{**fields, **changes})  # type: ignore[arg-type]


def draft(**changes: object) -> DraftServicePlan:
    fields: dict[str, object] = {
        "actor": WORKER, "today": TODAY, "case_id": "c-1", "strategies": "定期上门，链接社区志愿者",
        "drafted_on": DRAFTED_ON,
        "goals": (GoalInput(description="每周外出一次", measure="连续 4 周", target_date=date(2026, 12, 31)),)}
    return DraftServicePlan(**{**fields, **changes})  # type: ignore[arg-type]


def submit(actor: Actor = WORKER, submitted_on: date | None = None) -> SubmitServicePlan:
    return SubmitServicePlan(actor=actor, today=TODAY, case_id="c-1", submitted_on=submitted_on or SUBMITTED_ON)


def approve(version: int = 1, actor: Actor = HEAD, approved_on: date | None = None) -> ApproveServicePlan:
    return ApproveServicePlan(actor=actor, today=TODAY, case_id="c-1", plan_version=version,
                              approved_on=approved_on or APPROVED_ON)


def send_back(version: int = 1, actor: Actor = HEAD, returned_on: date | None = None) -> ReturnServicePlan:
    return ReturnServicePlan(actor=actor, today=TODAY, case_id="c-1", plan_version=version, comment="目标需可衡量",
                             returned_on=returned_on)


ASSESSED = case.decide(assess(), given())[0]
DRAFTED = case.decide(draft(), given(ASSESSED))[0]
SUBMITTED = case.decide(submit(), given(ASSESSED, DRAFTED))[0]


def test_an_assessment_records_needs_by_area_strengths_and_risk() -> None:
    assert isinstance(ASSESSED, CaseAssessed)
    assert ASSESSED.risk_level == RiskLevel.HIGH
    assert ASSESSED.needs is not None and ASSESSED.needs[0].area == NeedArea.SOCIAL
    assert (ASSESSED.strengths, ASSESSED.resources, ASSESSED.recipient_id) == ("愿意沟通", None, "r-1")


def test_an_assessment_needs_a_need_and_a_date_within_the_case() -> None:
    with pytest.raises(StageOrder):
        case.decide(assess(needs=()), given())
    with pytest.raises(DateBeforeOpening):
        case.decide(assess(assessed_on=date(2026, 10, 1)), given())


def test_no_plan_before_the_case_is_assessed() -> None:
    with pytest.raises(StageOrder) as refused:
        case.decide(draft(), given())
    assert "尚未预估" in refused.value.message.zh


def test_a_plan_version_is_drafted_with_numbered_goals() -> None:
    assert isinstance(DRAFTED, ServicePlanDrafted)
    assert DRAFTED.plan_version == 1
    assert DRAFTED.goals is not None and DRAFTED.goals[0].goal_id == "v1-g1"


def test_a_goal_cannot_target_a_date_already_past() -> None:
    with pytest.raises(StageOrder):
        case.decide(draft(goals=(GoalInput(description="x", measure="y", target_date=date(2026, 1, 1)),)),
                    given(ASSESSED))


def test_a_submitted_plan_waits_for_an_approver_and_cannot_be_revised_meanwhile() -> None:
    assert isinstance(SUBMITTED, ServicePlanSubmitted) and SUBMITTED.plan_version == 1
    with pytest.raises(StageOrder):
        case.decide(draft(), given(ASSESSED, DRAFTED, SUBMITTED))
    with pytest.raises(StageOrder):
        case.decide(submit(), given(ASSESSED, DRAFTED, SUBMITTED))


@pytest.mark.parametrize("approver", [HEAD, SUPERVISOR])
def test_the_station_head_or_a_supervisor_approves_the_waiting_version(approver: Actor) -> None:
    [approved] = case.decide(approve(actor=approver), given(ASSESSED, DRAFTED, SUBMITTED))
    assert isinstance(approved, ServicePlanApproved) and approved.approved_by == approver.subject


def test_a_social_worker_cannot_approve_and_only_the_waiting_version_is_approved() -> None:
    with pytest.raises(NotAnApprover):
        case.decide(approve(actor=WORKER), given(ASSESSED, DRAFTED, SUBMITTED))
    with pytest.raises(WrongPlanVersion):
        case.decide(approve(version=2), given(ASSESSED, DRAFTED, SUBMITTED))
    with pytest.raises(WrongPlanVersion):
        case.decide(approve(), given(ASSESSED, DRAFTED))


def test_a_returned_plan_is_revised_as_a_new_version_and_approved_the_old_kept() -> None:
    [returned] = case.decide(send_back(), given(ASSESSED, DRAFTED, SUBMITTED))
    [second] = case.decide(draft(), given(ASSESSED, DRAFTED, SUBMITTED, returned))
    [resubmitted] = case.decide(submit(), given(ASSESSED, DRAFTED, SUBMITTED, returned, second))
    [approved] = case.decide(approve(version=2), given(ASSESSED, DRAFTED, SUBMITTED, returned, second, resubmitted))

    assert isinstance(returned, ServicePlanReturned) and returned.comment == "目标需可衡量"
    assert isinstance(second, ServicePlanDrafted) and second.plan_version == 2
    assert isinstance(approved, ServicePlanApproved) and approved.plan_version == 2
    state = given(ASSESSED, DRAFTED, SUBMITTED, returned, second, resubmitted, approved)
    assert (state.plan.version, state.plan.approved_version, state.plan.pending) == (2, 2, None)
    with pytest.raises(StageOrder):
        case.decide(submit(), state)


def acknowledge(actor: Actor = HEAD, note: str = "已联系社区网格员当天上门") -> AcknowledgeUrgentRisk:
    return AcknowledgeUrgentRisk(actor=actor, today=TODAY, case_id="c-1", note=note)


def test_an_urgent_risk_stays_flagged_until_the_station_head_or_a_supervisor_takes_it_up() -> None:
    urgent = case.decide(assess(risk_level=RiskLevel.URGENT), given())[0]

    with pytest.raises(NotTheStationHeadOrSupervisor):
        case.decide(acknowledge(actor=WORKER), given(urgent))
    [taken_up] = case.decide(acknowledge(actor=SUPERVISOR), given(urgent))

    assert taken_up == UrgentRiskAcknowledged(case_id="c-1", station_id=STATION, recipient_id="r-1",
                                              note="已联系社区网格员当天上门", acknowledged_on=TODAY,
                                              acknowledged_by="sup-1", assessed_on=date(2026, 10, 10))
    with pytest.raises(NoUrgentRisk):
        case.decide(acknowledge(), given(urgent, taken_up))
    again = case.decide(assess(risk_level=RiskLevel.URGENT, assessed_on=date(2026, 11, 1)), given(urgent, taken_up))
    assert case.evolve(given(urgent, taken_up), again[0]).urgent_since == date(2026, 11, 1)


def test_there_is_nothing_to_take_up_without_an_urgent_risk() -> None:
    with pytest.raises(NoUrgentRisk):
        case.decide(acknowledge(), given(ASSESSED))
    urgent = case.decide(assess(risk_level=RiskLevel.URGENT), given())[0]
    with pytest.raises(BlankField):
        case.decide(acknowledge(note=" "), given(urgent))
    assert case.evolve(given(urgent), ASSESSED).urgent_since is None  # a later, lower risk lowers the flag
