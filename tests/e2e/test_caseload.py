"""The station head's view: each worker's caseload, what is overdue, and a case's timeline."""

from __future__ import annotations

from datetime import date, timedelta

import httpx

from shared.contracts import Actor, Role
from tests.e2e.graphql import RECORD, change, graphql
from tests.support import System, open_case_for, open_station, worker


async def test_caseload_overdue_and_timeline(system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    head = Actor(subject="head-1", name="站长", role=Role.STATION_HEAD, station_ids=(station_id,))
    quiet = await open_case_for(system, station_id, opened_on=date(2026, 9, 1))
    busy = await open_case_for(system, station_id, opened_on=date(2026, 9, 1))
    recent = (date.today() - timedelta(days=3)).isoformat()
    recorded = (await graphql(http, RECORD, me, input={"caseId": busy["case_id"], "heldOn": recent,
                                                       "mode": "HOME_VISIT", "durationMinutes": 40}))
    assessed = await change(http, me, "assessCase", "AssessCaseInput", caseId=busy["case_id"], assessedOn=recent,
                            riskLevel="URGENT", needs=[{"area": "SAFETY", "description": "独居摔倒"}])
    token = assessed["consistencyToken"]

    load = (await graphql(http, """query($t: String) { caseload(consistencyToken: $t) {
        workerId openCases urgent awaitingApproval overdue } }""", head, t=token))["data"]["caseload"]
    late = (await graphql(http, "{ overdue { caseId kind since } }", head))["data"]["overdue"]
    timeline = (await graphql(http, """query($id: ID!) { case(id: $id) { timeline { version eventType actor } } }""",
                              head, id=busy["case_id"]))["data"]["case"]["timeline"]

    assert recorded["data"]["recordCaseSession"]["__typename"] == "CaseSessionRecorded"
    assert load == [{"workerId": me.subject, "openCases": 2, "urgent": 1, "awaitingApproval": 0, "overdue": 1}]
    assert late == [{"caseId": quiet["case_id"], "kind": "NO_SESSION", "since": "2026-09-01"}]
    assert timeline == [{"version": 1, "eventType": "CaseOpened", "actor": me.subject},
                        {"version": 2, "eventType": "CaseSessionRecorded", "actor": me.subject},
                        {"version": 3, "eventType": "CaseAssessed", "actor": me.subject}]
