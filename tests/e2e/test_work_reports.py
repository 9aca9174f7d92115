"""三报 over GraphQL: a monthly report locks, and a corrected resubmission shows its difference."""

from __future__ import annotations

import httpx

from shared.china import china_today
from tests.e2e.graphql import RECORD, graphql, record, recorded
from tests.support import System, open_case_for, open_station, worker

REPORT = """query($station: ID!, $start: Date!, $t: String) {
  workReport(stationId: $station, kind: MONTHLY, periodStart: $start, consistencyToken: $t) {
    periodEnd locked current { caseSessions }
    versions { version narrative correctionReason figures { caseSessions casesOpened personTimesDirect }
               changes { figure before after } narrativeChanged }
  }
}"""


async def test_a_monthly_report_locks_and_a_corrected_resubmission_shows_its_difference(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    today = china_today()
    start = today.replace(day=1)
    case = await open_case_for(system, station_id, opened_on=start)
    first_session = (await graphql(http, RECORD, me, input={
        "caseId": case["case_id"], "heldOn": start.isoformat(), "mode": "HOME_VISIT",
        "durationMinutes": 45}))["data"]["recordCaseSession"]
    # Submitted straight after the session: the report waits for the records to have it (the token).
    await recorded(http, me, "submitWorkReport", "SubmitWorkReportInput", stationId=station_id, kind="MONTHLY",
                   periodStart=start.isoformat(), narrative="本月上门走访一次",
                   consistencyToken=first_session["consistencyToken"])
    forgotten = (await graphql(http, RECORD, me, input={
        "caseId": case["case_id"], "heldOn": today.isoformat(), "mode": "PHONE", "durationMinutes": 15}))
    without_reason = await record(http, me, "submitWorkReport", "SubmitWorkReportInput", stationId=station_id,
                                  kind="MONTHLY", periodStart=start.isoformat(), narrative="本月走访两次")
    corrected = await record(http, me, "submitWorkReport", "SubmitWorkReportInput", stationId=station_id,
                             kind="MONTHLY", periodStart=start.isoformat(), narrative="本月走访两次",
                             correctionReason="漏记一次电访",
                             consistencyToken=forgotten["data"]["recordCaseSession"]["consistencyToken"])
    not_aligned = await record(http, me, "submitWorkReport", "SubmitWorkReportInput", stationId=station_id,
                               kind="WEEKLY", periodStart=start.replace(day=2).isoformat()
                               if start.replace(day=2).weekday() else start.replace(day=3).isoformat(),
                               narrative="周报")

    report = (await graphql(http, REPORT, me, station=station_id, start=start.isoformat(),
                            t=corrected["consistencyToken"]))["data"]["workReport"]

    assert (without_reason["code"], without_reason["field"]) == ("invalid_input", "correctionReason")
    assert (not_aligned["code"], not_aligned["field"]) == ("invalid_input", "periodStart")
    assert report["locked"] is True and report["current"]["caseSessions"] == 2
    latest, first = report["versions"]
    assert (first["version"], first["figures"]["caseSessions"], first["changes"]) == (1, 1, [])
    assert first["figures"]["casesOpened"] == 1
    assert (latest["version"], latest["correctionReason"], latest["narrativeChanged"]) == (2, "漏记一次电访", True)
    assert {"figure": "case_sessions", "before": 1.0, "after": 2.0} in latest["changes"]
    assert latest["figures"]["caseSessions"] == 2
