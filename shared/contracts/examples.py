"""One example of every published event, for the AsyncAPI catalogue (a test checks none is missing)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.contracts.activities import CommunityAdded, CommunityKind, StationOpened, StreetRegistered
from shared.contracts.cases import (
    CaseAssessed,
    CaseClosed,
    CaseClosingRequested,
    CaseClosingReturned,
    CaseEvaluated,
    CaseOpened,
    CaseOutcome,
    CaseSessionRecorded,
    Gender,
    Goal,
    GoalEvaluation,
    GoalResult,
    IntakeSource,
    Need,
    NeedArea,
    RecipientCategory,
    RecipientDataDisclosed,
    RecipientErased,
    RecipientRegistered,
    RiskLevel,
    ServicePlanApproved,
    ServicePlanDrafted,
    ServicePlanReturned,
    ServicePlanSubmitted,
    SessionMode,
)

STATION = "18d63882-5300-58b2-aca9-1dd7b813516e"
STREET = "0c1f5b8e-6f1a-5a57-8c61-0e1c2f3a4b5c"
CASE = "ce7ae274-6dc8-5bdd-9c20-6f75e3f6aa5d"
RECIPIENT = "3a9d2c1e-44f0-5b7e-9d11-7c0b8a6e5f42"

EXAMPLES: list[object] = [
    StreetRegistered(street_id=STREET, name="黑石铺街道", district="天心区"),
    CommunityAdded(street_id=STREET, community_id="5d0b7c1a-2e3f-5a4b-8c9d-0e1f2a3b4c5d", name="披塘村",
                   kind=CommunityKind.VILLAGE),
    StationOpened(station_id=STATION, street_id=STREET, name="黑石铺街道社工站", code="HSP",
                  opened_on=date(2019, 1, 15)),
    RecipientRegistered(recipient_id=RECIPIENT, station_id=STATION, name="陈某", gender=Gender.FEMALE,
                        birth_year=1983, community="一力社区",
                        categories=(RecipientCategory.FAMILY_IN_DIFFICULTY, RecipientCategory.SUBSISTENCE_ALLOWANCE),
                        phone="13800000000"),
    RecipientDataDisclosed(recipient_id=RECIPIENT, station_id=STATION, fields=("id_number", "phone"),
                           purpose="办理低保复核", read_by="sw-hsp-1", read_by_role="social_worker",
                           read_at=datetime(2026, 11, 21, 2, 30, tzinfo=UTC)),
    RecipientErased(recipient_id=RECIPIENT, station_id=STATION, erased_on=date(2026, 11, 25), reason="本人要求删除"),
    CaseOpened(case_id=CASE, station_id=STATION, recipient_id=RECIPIENT, worker_id="sw-hsp-1",
               intake_source=IntakeSource.OUTREACH, presenting_problem="家庭经济困难，孩子暑期无人照看",
               opened_on=date(2026, 10, 10)),
    CaseAssessed(case_id=CASE, station_id=STATION, recipient_id=RECIPIENT, assessed_on=date(2026, 10, 12),
                 risk_level=RiskLevel.MEDIUM,
                 needs=(Need(area=NeedArea.ECONOMIC, description="家庭收入不足"),
                        Need(area=NeedArea.EDUCATION, description="孩子暑期无人照看")),
                 strengths="母亲积极求助", resources="社区四点半课堂"),
    ServicePlanDrafted(case_id=CASE, station_id=STATION, recipient_id=RECIPIENT, plan_version=1,
                       drafted_on=date(2026, 10, 14),
                       goals=(Goal(goal_id="g1", description="孩子参加暑期课堂", measure="每周至少 3 次",
                                   target_date=date(2026, 12, 31)),),
                       strategies="链接社区资源，定期家访"),
    ServicePlanSubmitted(case_id=CASE, station_id=STATION, plan_version=1, submitted_by="sw-hsp-1",
                         submitted_on=date(2026, 10, 14)),
    ServicePlanReturned(case_id=CASE, station_id=STATION, recipient_id=RECIPIENT, plan_version=1,
                        returned_by="head-hsp", returned_on=date(2026, 10, 15), comment="目标需更具体"),
    ServicePlanApproved(case_id=CASE, station_id=STATION, plan_version=2, approved_by="head-hsp",
                        approved_on=date(2026, 10, 16)),
    CaseSessionRecorded(case_id=CASE, station_id=STATION, session_id="9b2e4f6a-1c3d-5e7f-8a9b-0c1d2e3f4a5b",
                        held_on=date(2026, 10, 17), mode=SessionMode.HOME_VISIT, duration_minutes=60,
                        participants=2, notes="上门走访，与母亲和孩子面谈", recipient_id=RECIPIENT),
    CaseEvaluated(case_id=CASE, station_id=STATION, recipient_id=RECIPIENT, evaluated_on=date(2026, 11, 18),
                  plan_version=2, achieved=1, partly=0, not_achieved=0, satisfaction=5, pre_score=None,
                  post_score=None, goal_results=(GoalEvaluation(goal_id="v2-g1", result=GoalResult.ACHIEVED,
                                                                note="孩子每周参加 4 次"),)),
    CaseClosingRequested(case_id=CASE, station_id=STATION, recipient_id=RECIPIENT, closed_on=date(2026, 11, 19),
                         outcome=CaseOutcome.GOALS_MET, reason="服务目标达成", follow_up="一个月后电话回访",
                         requested_by="sw-hsp-1"),
    CaseClosingReturned(case_id=CASE, station_id=STATION, recipient_id=RECIPIENT, returned_by="head-hsp",
                        returned_on=date(2026, 11, 19), comment="请补充回访安排"),
    CaseClosed(case_id=CASE, station_id=STATION, closed_on=date(2026, 11, 20), reason="服务目标达成",
               outcome=CaseOutcome.GOALS_MET, recipient_id=RECIPIENT, approved_by="head-hsp"),
]
