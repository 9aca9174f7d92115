"""The station head's view: each worker's caseload, what is overdue, and a case's timeline."""

from __future__ import annotations

from datetime import date, timedelta

import httpx

from shared.china import china_today
from shared.contracts import Actor, Role
from tests.e2e.graphql import RECORD, change, graphql
from tests.support import System, head, open_case_for, open_station, worker


async def test_caseload_overdue_and_timeline(system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    the_head = head(station_id)
    quiet = await open_case_for(system, station_id, opened_on=date(2026, 9, 1))
    busy = await open_case_for(system, station_id, opened_on=date(2026, 9, 1))
    recent = (china_today() - timedelta(days=3)).isoformat()
    recorded = (await graphql(http, RECORD, me, input={"caseId": busy["case_id"], "heldOn": recent,
                                                       "mode": "HOME_VISIT", "durationMinutes": 40}))
    assessed = await change(http, me, "assessCase", "AssessCaseInput", caseId=busy["case_id"], assessedOn=recent,
                            riskLevel="URGENT", needs=[{"area": "SAFETY", "description": "独居摔倒"}])
    token = assessed["consistencyToken"]

    load = (await graphql(http, """query($t: String) { caseload(consistencyToken: $t) {
        workerId openCases urgent awaitingApproval overdue } }""", the_head, t=token))["data"]["caseload"]
    late = (await graphql(http, "{ overdue { caseId kind since } }", the_head))["data"]["overdue"]
    timeline = (await graphql(http, """query($id: ID!) { case(id: $id) { timeline { version eventType actor } } }""",
                              the_head, id=busy["case_id"]))["data"]["case"]["timeline"]

    assert recorded["data"]["recordCaseSession"]["__typename"] == "RecordCaseSessionPayload"
    assert load == [{"workerId": me.subject, "openCases": 2, "urgent": 1, "awaitingApproval": 0, "overdue": 1}]
    assert late == [{"caseId": quiet["case_id"], "kind": "NO_SESSION", "since": "2026-09-01"}]
    assert timeline == [{"version": 1, "eventType": "CaseOpened", "actor": me.subject},
                        {"version": 2, "eventType": "CaseSessionRecorded", "actor": me.subject},
                        {"version": 3, "eventType": "CaseAssessed", "actor": me.subject}]


FLAGGED = """
query($id: ID!, $t: String) {
  case(id: $id, consistencyToken: $t) { urgentFlag { raisedOn acknowledgedBy acknowledgedOn } }
  cases(urgentFlagged: true, consistencyToken: $t) { totalCount edges { node { caseId } } }
  caseload(consistencyToken: $t) { urgent urgentFlagged }
}"""


async def test_an_urgent_risk_is_flagged_to_the_station_head_until_taken_up(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me, the_head = worker(station_id), head(station_id)
    opened = await open_case_for(system, station_id, opened_on=date(2026, 10, 1))
    assessed = await change(http, me, "assessCase", "AssessCaseInput", caseId=opened["case_id"],
                            assessedOn="2026-10-02", riskLevel="URGENT",
                            needs=[{"area": "SAFETY", "description": "独居摔倒无人发现"}])
    flagged = (await graphql(http, FLAGGED, the_head, id=opened["case_id"], t=assessed["consistencyToken"]))["data"]

    by_worker = await change(http, me, "acknowledgeUrgentRisk", "AcknowledgeUrgentRiskInput",
                             caseId=opened["case_id"], note="我来处理")
    taken_up = await change(http, the_head, "acknowledgeUrgentRisk", "AcknowledgeUrgentRiskInput",
                            caseId=opened["case_id"], note="当天联系网格员上门，安装紧急呼叫器")
    twice = await change(http, the_head, "acknowledgeUrgentRisk", "AcknowledgeUrgentRiskInput",
                         caseId=opened["case_id"], note="再次")
    lowered = (await graphql(http, FLAGGED, the_head, id=opened["case_id"], t=taken_up["consistencyToken"]))["data"]

    assert flagged["case"]["urgentFlag"] == {"raisedOn": "2026-10-02", "acknowledgedBy": None, "acknowledgedOn": None}
    assert flagged["cases"] == {"totalCount": 1, "edges": [{"node": {"caseId": opened["case_id"]}}]}
    assert flagged["caseload"] == [{"urgent": 1, "urgentFlagged": 1}]
    assert by_worker["__typename"] == "Forbidden"
    assert taken_up["__typename"] == "CaseChanged"
    assert (twice["__typename"], twice["code"]) == ("Rejected", "no_urgent_risk")
    assert lowered["case"]["urgentFlag"]["acknowledgedBy"] == the_head.subject
    assert lowered["case"]["urgentFlag"]["acknowledgedOn"] == china_today().isoformat()
    assert lowered["cases"]["totalCount"] == 0
    assert lowered["caseload"] == [{"urgent": 1, "urgentFlagged": 0}]


async def test_a_plan_or_a_closing_waiting_for_approval_over_seven_days_is_overdue(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    today = china_today()
    planned = await open_case_for(system, station_id, opened_on=today - timedelta(days=2))
    recent = (today - timedelta(days=1)).isoformat()
    steps = [("assessCase", "AssessCaseInput", {"assessedOn": recent, "riskLevel": "LOW",
                                                "needs": [{"area": "SOCIAL", "description": "缺少社会支持"}]}),
             ("draftServicePlan", "DraftServicePlanInput", {"strategies": "定期上门", "goals": [
                 {"description": "每周外出一次", "measure": "连续 4 周",
                  "targetDate": (today + timedelta(days=60)).isoformat()}]}),
             ("submitServicePlan", "SubmitServicePlanInput", {})]
    for mutation, input_type, fields in steps:
        changed = await change(http, me, mutation, input_type, caseId=planned["case_id"], **fields)
        assert changed["__typename"] == "CaseChanged", changed
    await graphql(http, RECORD, me, input={"caseId": planned["case_id"], "heldOn": recent, "mode": "PHONE",
                                           "durationMinutes": 20})
    query = """query($asOf: Date, $t: String) {
        overdue(asOf: $asOf, consistencyToken: $t) { caseId kind since }
        caseload(asOf: $asOf, consistencyToken: $t) { awaitingApproval overdue } }"""

    def day(offset: int) -> str:
        return (today + timedelta(days=offset)).isoformat()

    within = (await graphql(http, query, me, asOf=day(7), t=changed["consistencyToken"]))["data"]
    over = (await graphql(http, query, me, asOf=day(8)))["data"]
    bad = await graphql(http, query, me, asOf="2026-13-01")

    assert within == {"overdue": [], "caseload": [{"awaitingApproval": 1, "overdue": 0}]}
    assert over == {"overdue": [{"caseId": planned["case_id"], "kind": "PLAN_AWAITING_APPROVAL",
                                 "since": today.isoformat()}],
                    "caseload": [{"awaitingApproval": 1, "overdue": 1}]}
    assert bad["errors"][0]["extensions"]["messageEn"].startswith("Variable '$asOf'")


async def test_a_stations_open_cases_are_counted_by_stage_risk_and_category(
        system: System, http: httpx.AsyncClient) -> None:
    station_id, other = await open_station(system), await open_station(system, "WY")
    me = worker(station_id)
    first = await open_case_for(system, station_id, opened_on=date(2026, 10, 1))
    await open_case_for(system, station_id, opened_on=date(2026, 10, 2))
    await open_case_for(system, other, opened_on=date(2026, 10, 2))
    assessed = await change(http, me, "assessCase", "AssessCaseInput", caseId=first["case_id"],
                            assessedOn="2026-10-03", riskLevel="HIGH",
                            needs=[{"area": "HEALTH", "description": "慢性病"}])
    query = """query($station: ID, $t: String) { caseBreakdown(stationId: $station, consistencyToken: $t) {
        stationId byStage { stage count } byRisk { risk count } byCategory { category count } } }"""

    own = (await graphql(http, query, me, station=station_id, t=assessed["consistencyToken"]))["data"]
    district = (await graphql(http, query, Actor(subject="bureau-1", name="民政局", role=Role.DISTRICT_BUREAU,
                                                 station_ids=("*",))))["data"]["caseBreakdown"]

    assert own["caseBreakdown"] == [{
        "stationId": station_id, "byStage": [{"stage": "ASSESSED", "count": 1}, {"stage": "INTAKE", "count": 1}],
        "byRisk": [{"risk": "HIGH", "count": 1}, {"risk": None, "count": 1}],
        "byCategory": [{"category": "DISABLED", "count": 2}]}]
    assert sorted((s["stationId"], sum(c["count"] for c in s["byStage"])) for s in district) == sorted(
        [(station_id, 2), (other, 1)])
