"""Assessment and the service plan with its approval, through GraphQL, and what reporting makes of them."""

from __future__ import annotations

from datetime import timedelta

import httpx

from shared.china import china_today
from shared.contracts import Actor, Role
from tests.e2e.graphql import RECORD, change, close_through_every_stage, graphql
from tests.support import System, head, open_case_for, open_station, worker


def in_half_a_year() -> str:
    """A goal's target date: ahead of today (the test's clock), whatever the day."""
    return (china_today() + timedelta(days=183)).isoformat()

CASE = """
query($id: ID!, $token: String) {
  case(id: $id, consistencyToken: $token) {
    stage riskLevel planVersion planStatus approvedPlanVersion
    assessment { riskLevel needs { area description } strengths }
    servicePlans { version status strategies decidedBy comment goals { id description measure targetDate } }
  }
}"""


async def test_a_case_is_assessed_and_its_plan_returned_revised_and_approved(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    opened = await open_case_for(system, station_id)
    me, boss = worker(station_id), head(station_id)
    case_id = opened["case_id"]
    goals = [{"description": "每周外出一次", "measure": "连续 4 周", "targetDate": in_half_a_year()}]

    too_early = await change(http, me, "draftServicePlan", "DraftServicePlanInput", caseId=case_id, goals=goals,
                             strategies="定期上门")
    assessed = await change(http, me, "assessCase", "AssessCaseInput", caseId=case_id, assessedOn="2026-10-10",
                            riskLevel="URGENT", strengths="愿意沟通",
                            needs=[{"area": "SOCIAL", "description": "长期独处"},
                                   {"area": "SAFETY", "description": "独自在家曾摔倒"}])
    urgent = await graphql(http, """query($token: String) { cases(riskLevel: URGENT, consistencyToken: $token) {
        totalCount } }""", boss, token=assessed["consistencyToken"])
    await change(http, me, "draftServicePlan", "DraftServicePlanInput", caseId=case_id, goals=goals,
                 strategies="定期上门")
    await change(http, me, "submitServicePlan", "SubmitServicePlanInput", caseId=case_id)
    self_approved = await change(http, me, "approveServicePlan", "DecideServicePlanInput", caseId=case_id,
                                 planVersion=1)
    await change(http, boss, "returnServicePlan", "ReturnServicePlanInput", caseId=case_id, planVersion=1,
                 comment="目标需更具体")
    redrafted = await change(http, me, "draftServicePlan", "DraftServicePlanInput", caseId=case_id,
                             goals=[{**goals[0], "description": "每周由志愿者陪同外出一次"}],
                             strategies="链接社区志愿者")
    await change(http, me, "submitServicePlan", "SubmitServicePlanInput", caseId=case_id)
    approved = await change(http, boss, "approveServicePlan", "DecideServicePlanInput", caseId=case_id,
                            planVersion=redrafted["planVersion"])  # the version the draft answered

    seen = (await graphql(http, CASE, me, id=case_id, token=approved["consistencyToken"]))["data"]["case"]

    assert too_early["__typename"] == "StageOutOfOrder" and "尚未预估" in too_early["messageZh"]
    assert urgent["data"]["cases"]["totalCount"] == 1, "an urgent case stands out for the station head"
    assert self_approved["__typename"] == "Forbidden"
    assert approved["__typename"] == "CaseChanged"
    assert (redrafted["planVersion"], redrafted["goalIds"]) == (2, ["v2-g1"])
    assert (assessed["planVersion"], assessed["goalIds"]) == (None, None)  # only a draft makes them
    assert {k: seen[k] for k in ("stage", "riskLevel", "planVersion", "planStatus", "approvedPlanVersion")} == {
        "stage": "PLANNED", "riskLevel": "URGENT", "planVersion": 2, "planStatus": "APPROVED",
        "approvedPlanVersion": 2}
    assert seen["assessment"]["needs"] == [{"area": "SOCIAL", "description": "长期独处"},
                                           {"area": "SAFETY", "description": "独自在家曾摔倒"}]
    first, second = seen["servicePlans"]
    assert (first["status"], first["comment"], first["decidedBy"]) == ("RETURNED", "目标需更具体", "head-1")
    assert (second["status"], second["strategies"]) == ("APPROVED", "链接社区志愿者")
    assert second["goals"] == [{"id": "v2-g1", "description": "每周由志愿者陪同外出一次", "measure": "连续 4 周",
                                "targetDate": goals[0]["targetDate"]}]


async def test_a_closed_case_is_reopened_and_an_open_one_transferred_by_the_station_head(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me, boss = worker(station_id), head(station_id)
    closed = await open_case_for(system, station_id)
    other = await open_case_for(system, station_id)
    await close_through_every_stage(http, me, boss, closed["case_id"], assessed_on="2026-10-09",
                                    evaluated_on="2026-10-20", closed_on="2026-10-21")

    reopened = await change(http, me, "reopenCase", "ReopenCaseInput", caseId=closed["case_id"],
                            reopenedOn="2026-10-25", reason="家庭情况再次变化")
    refused = await change(http, me, "transferCase", "TransferCaseInput", caseId=other["case_id"],
                           toWorkerId="worker-2")
    moved = await change(http, boss, "transferCase", "TransferCaseInput", caseId=other["case_id"],
                         toWorkerId="worker-2")
    seen = await graphql(http, """query($a: ID!, $t: String) {
        a: case(id: $a, consistencyToken: $t) { status stage closingStatus workerId } }""", me,
                         a=closed["case_id"], t=reopened["consistencyToken"])
    await system.read_models_have({"stream_id": f"case-{other['case_id']}", "version": 2})
    moved_seen = (await graphql(http, "query($b: ID!) { case(id: $b) { workerId } }", me,
                                b=other["case_id"]))["data"]["case"]

    assert reopened["__typename"] == "CaseChanged" and moved["__typename"] == "CaseChanged"
    assert refused["__typename"] == "Forbidden"
    assert seen["data"]["a"] == {"status": "OPEN", "stage": "PLANNED", "closingStatus": "NONE",
                                 "workerId": me.subject}
    assert moved_seen == {"workerId": "worker-2"}


async def test_sessions_keep_their_words_and_the_relationship_moves_from_distrust_to_a_professional_one(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    opened = await open_case_for(system, station_id)
    me = worker(station_id)
    stages = [("2026-10-09", "HOME_VISIT", "DISTRUST"), ("2026-10-16", "CONDOLENCE_VISIT", None),
              ("2026-10-23", "ACCOMPANIMENT", "ACCEPTANCE"), ("2026-10-30", "HOME_VISIT", "PROFESSIONAL")]
    token = ""
    for day, mode, stage in stages:
        recorded = (await graphql(http, RECORD, me, input={
            "caseId": opened["case_id"], "heldOn": day, "mode": mode,
            "durationMinutes": 50, "location": "案主家中", "content": "聊家常，了解近况", "analysis": "戒备心减轻",
            "nextStep": "下周陪同就医", "relationshipStage": stage}))["data"]["recordCaseSession"]
        token = recorded["consistencyToken"]

    seen = (await graphql(http, """query($id: ID!, $t: String) { case(id: $id, consistencyToken: $t) {
        relationshipStage sessions { edges { node { mode location content analysis nextStep relationshipStage } } }
    } }""",
                          me, id=opened["case_id"], t=token))["data"]["case"]
    sessions = [e["node"] for e in seen["sessions"]["edges"]]

    assert seen["relationshipStage"] == "PROFESSIONAL"
    assert [s["relationshipStage"] for s in sessions] == ["DISTRUST", None, "ACCEPTANCE", "PROFESSIONAL"]
    assert sessions[2] == {"mode": "ACCOMPANIMENT", "location": "案主家中", "content": "聊家常，了解近况",
                                   "analysis": "戒备心减轻", "nextStep": "下周陪同就医",
                                   "relationshipStage": "ACCEPTANCE"}


async def test_a_case_is_referred_with_consent_and_the_answer_recorded(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    opened = await open_case_for(system, station_id)
    me = worker(station_id)
    referral = {"caseId": opened["case_id"], "agency": "天心区民政局", "service": "CIVIL_AFFAIRS",
                "reason": "申请临时救助", "referredOn": "2026-10-20"}

    without_consent = await change(http, me, "referCase", "ReferCaseInput", **referral, consentGiven=False)
    referred = await change(http, me, "referCase", "ReferCaseInput", **referral, consentGiven=True)
    listed = (await graphql(http, """query($id: ID!, $t: String) { case(id: $id, consistencyToken: $t) {
        referrals { id agency service reason outcome } } }""", me, id=opened["case_id"],
                            t=referred["consistencyToken"]))["data"]["case"]["referrals"]
    answered = await change(http, me, "recordReferralFeedback", "RecordReferralFeedbackInput",
                            caseId=opened["case_id"], referralId=referred["referralId"], outcome="ACCEPTED",
                            feedback="已受理，两周内发放", receivedOn="2026-10-28")
    after = (await graphql(http, """query($id: ID!) { case(id: $id) { referrals { outcome feedback receivedOn } } }""",
                           me, id=opened["case_id"]))["data"]["case"]["referrals"]

    assert without_consent["__typename"] == "Rejected" and without_consent["field"] == "consentGiven"
    assert listed == [{"id": listed[0]["id"], "agency": "天心区民政局", "service": "CIVIL_AFFAIRS",
                       "reason": "申请临时救助", "outcome": None}]
    assert answered["__typename"] == "CaseChanged"  # by the id referCase answered
    assert referred["referralId"] and without_consent.get("referralId") is None
    assert after == [{"outcome": "ACCEPTED", "feedback": "已受理，两周内发放", "receivedOn": "2026-10-28"}]


async def test_when_a_worker_leaves_the_head_hands_all_their_open_cases_to_another(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    other_station = await open_station(system, "WY")
    leaving, staying = worker(station_id), worker(station_id, "worker-2")
    theirs = [await open_case_for(system, station_id, leaving) for _ in range(3)]
    not_theirs = await open_case_for(system, station_id, staying)
    elsewhere = await open_case_for(system, other_station, worker(other_station, leaving.subject))
    move = """mutation($input: TransferWorkerCasesInput!) { transferWorkerCases(input: $input) { __typename
        ... on TransferWorkerCasesPayload { transferredCaseIds consistencyToken } ... on UserError { code } } }"""
    payload = {"stationId": station_id, "fromWorkerId": leaving.subject, "toWorkerId": staying.subject}

    refused = (await graphql(http, move, leaving, input=payload))["data"]["transferWorkerCases"]
    moved = (await graphql(http, move, head(station_id), input=payload))["data"]["transferWorkerCases"]
    load = (await graphql(http, """query($t: String) { caseload(consistencyToken: $t) { stationId workerId openCases }
        }""", Actor(subject="b", name="局", role=Role.DISTRICT_BUREAU, station_ids=("*",)),
                          t=moved["consistencyToken"]))["data"]["caseload"]

    assert refused == {"__typename": "Forbidden", "code": "forbidden"}
    assert sorted(moved["transferredCaseIds"]) == sorted(c["case_id"] for c in theirs)
    assert not_theirs["case_id"] not in moved["transferredCaseIds"]
    assert elsewhere["case_id"] not in moved["transferredCaseIds"]
    assert {(r["stationId"], r["workerId"]): r["openCases"] for r in load} == {
        (station_id, staying.subject): 4, (other_station, leaving.subject): 1}
