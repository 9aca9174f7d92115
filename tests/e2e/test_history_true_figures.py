"""A month's figures are what happened in that month: a later reopening leaves a closing in its month, and each
real person counts once while different people stay different (docs/figures.md)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import httpx
import openpyxl
import pytest

from shared.contracts import Actor
from tests.clock import STORY, STORY_MONTH, story_day
from tests.e2e.conftest import TOKENS
from tests.e2e.graphql import RECORD, STATION_MONTH, change, close_through_every_stage, graphql, recorded
from tests.support import BUREAU, System, head, open_case_for, open_station, worker

_story = date.fromisoformat(story_day(1))
NEXT_MONTH = date(_story.year + _story.month // 12, _story.month % 12 + 1, 1).strftime("%Y-%m")
"""The month after the story's, when the case closed in the story's month is reopened."""


def next_day(day: int) -> str:
    return f"{NEXT_MONTH}-{day:02d}"


X01 = "00000000-0000-4000-8000-0000000000a1"
"""One member id, written x-01 on two groups' sign-in sheets: ids are chosen per group, so two children may share it."""

X02, Y07 = "00000000-0000-4000-8000-0000000000a2", "00000000-0000-4000-8000-0000000000b7"
"""The ids the same recipient has as a member of two groups."""

IN_NEXT_MONTH = f"{next_day(5)}T10:00:00+08:00"
"""Days into the month after the story's: the reopening and the second closing are behind us, not ahead."""

DASHBOARD = """query($station: ID!, $month: String!, $t: String) {
  stationDashboard(stationId: $station, month: $month, consistencyToken: $t) {
    thisMonth { casesOpened casesClosed peopleServed } thisYear { casesOpened casesClosed peopleServed } } }"""

REPORT = """query($station: ID!, $start: Date!, $t: String) {
  workReport(stationId: $station, kind: MONTHLY, periodStart: $start, consistencyToken: $t) {
    locked current { casesClosed caseSessions } versions { version figures { casesClosed caseSessions } }
    differences { figure before after } } }"""

EXPORT = """mutation($station: ID!, $month: String!) {
  exportStationMonth(stationId: $station, month: $month, format: XLSX) {
    __typename ... on ExportReady { url } ... on UserError { code field } } }"""


async def exported_figures(http: httpx.AsyncClient, me: Actor, station_id: str, month: str) -> dict[str, Any]:
    """The month's XLSX report read back: each figure's label → (this month, this year)."""
    answer = (await graphql(http, EXPORT, me, station=station_id, month=month))["data"]["exportStationMonth"]
    assert answer["__typename"] == "ExportReady", answer
    book = openpyxl.load_workbook(io.BytesIO((await http.get(answer["url"])).content))
    return {row[0]: (row[1], row[2]) for row in book.active.iter_rows(min_row=3, values_only=True)}


@pytest.mark.clock(IN_NEXT_MONTH)
async def test_a_case_closed_in_the_story_month_and_reopened_the_next_still_counts_as_closed_in_its_month(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me, boss = worker(station_id), head(station_id)
    case = await open_case_for(system, station_id, opened_on=date.fromisoformat(story_day(3)))
    closed = await close_through_every_stage(http, me, boss, case["case_id"], assessed_on=story_day(4),
                                             evaluated_on=story_day(20), closed_on=story_day(27))
    await recorded(http, me, "submitWorkReport", "SubmitWorkReportInput", stationId=station_id, kind="MONTHLY",
                   periodStart=story_day(1), narrative="本月结案一个", consistencyToken=closed)

    reopened = await change(http, me, "reopenCase", "ReopenCaseInput", caseId=case["case_id"],
                            reopenedOn=next_day(1), reason="家庭情况再次变化")
    assert reopened["__typename"] == "CaseChanged", reopened
    late = (await graphql(http, RECORD, me, input={"caseId": case["case_id"], "heldOn": story_day(24),
                                                   "mode": "PHONE", "durationMinutes": 20}))["data"]
    token = late["recordCaseSession"]["consistencyToken"]  # 补录: a November session typed in December
    for position in TOKENS.open(reopened["consistencyToken"]):
        await system.read_models_have(position)
    for position in TOKENS.open(token):
        await system.read_models_have(position)

    story = (await graphql(http, DASHBOARD, me, station=station_id, month=STORY_MONTH, t=token))["data"]
    month = (await graphql(http, STATION_MONTH, me, stationId=station_id, month=STORY_MONTH))["data"]["stationMonth"]
    after = (await graphql(http, STATION_MONTH, me, stationId=station_id, month=NEXT_MONTH))["data"]["stationMonth"]
    after_dashboard = (await graphql(http, DASHBOARD, me, station=station_id, month=NEXT_MONTH))["data"]
    report = (await graphql(http, REPORT, me, station=station_id, start=story_day(1)))["data"]["workReport"]
    exported = await exported_figures(http, me, station_id, STORY_MONTH)
    now = (await graphql(http, "query($id: ID!) { case(id: $id) { status closedOn } }", me,
                         id=case["case_id"]))["data"]["case"]

    assert story["stationDashboard"]["thisMonth"] == {"casesOpened": 1, "casesClosed": 1, "peopleServed": 1}
    assert (month["openCases"], month["casesOpened"], month["casesClosed"]) == (1, 1, 1)
    assert (after["openCases"], after["casesOpened"], after["casesClosed"]) == (1, 0, 0)
    assert after_dashboard["stationDashboard"]["thisMonth"]["casesClosed"] == 0
    assert exported["结案数"] == (1, 1) and exported["新接个案数"] == (1, 1)
    # The locked report keeps its figures; the late session is the one visible difference, the reopening none.
    assert report["locked"] is True and report["current"] == {"casesClosed": 1, "caseSessions": 1}
    assert [v["figures"] for v in report["versions"]] == [{"casesClosed": 1, "caseSessions": 0}]
    assert {d["figure"]: (d["before"], d["after"]) for d in report["differences"]} == {
        figure: (0, 1) for figure in ("case_sessions", "case_person_times", "person_times_direct", "people_served")}
    assert now == {"status": "OPEN", "closedOn": None}  # the case itself, as lists show it, is open today


@pytest.mark.clock(IN_NEXT_MONTH)
async def test_a_case_closed_again_after_its_reopening_counts_two_closings_in_the_year_one_in_each_month(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me, boss = worker(station_id), head(station_id)
    case = await open_case_for(system, station_id, opened_on=date.fromisoformat(story_day(3)))
    await close_through_every_stage(http, me, boss, case["case_id"], assessed_on=story_day(4),
                                    evaluated_on=story_day(20), closed_on=story_day(27))
    assert (await change(http, me, "reopenCase", "ReopenCaseInput", caseId=case["case_id"], reopenedOn=next_day(1),
                         reason="家庭情况再次变化"))["__typename"] == "CaseChanged"
    steps: list[tuple[Actor, str, str, dict[str, Any]]] = [
        (me, "evaluateCase", "EvaluateCaseInput", {"evaluatedOn": next_day(2), "satisfaction": 4,
                                                   "goalResults": [{"goalId": "v1-g1", "result": "ACHIEVED"}]}),
        (me, "requestCaseClosing", "RequestCaseClosingInput", {"closedOn": next_day(3), "reason": "家庭重新稳定",
                                                               "outcome": "GOALS_MET", "followUp": "两周后回访"}),
        (boss, "approveCaseClosing", "DecideCaseClosingInput", {})]
    token = ""
    for actor, mutation, input_type, fields in steps:
        if mutation == "requestCaseClosing":  # a closing dated before the reopening would close a counted month
            early = await change(http, actor, mutation, input_type, caseId=case["case_id"],
                                 **{**fields, "closedOn": story_day(28)})
            assert (early["code"], early["field"]) == ("invalid_input", "closedOn"), early
            assert next_day(1) in early["messageEn"] and "重新开案" in early["messageZh"]
        changed = await change(http, actor, mutation, input_type, caseId=case["case_id"], **fields)
        assert changed["__typename"] == "CaseChanged", (mutation, changed)
        token = changed["consistencyToken"]
    for position in TOKENS.open(token):
        await system.read_models_have(position)

    story = (await graphql(http, DASHBOARD, me, station=station_id, month=STORY_MONTH))["data"]["stationDashboard"]
    after = (await graphql(http, DASHBOARD, me, station=station_id, month=NEXT_MONTH))["data"]["stationDashboard"]
    months = [(await graphql(http, STATION_MONTH, me, stationId=station_id, month=m))["data"]["stationMonth"]
              for m in (STORY_MONTH, NEXT_MONTH)]

    assert (story["thisMonth"]["casesClosed"], after["thisMonth"]["casesClosed"]) == (1, 1)
    if STORY_MONTH[:4] == NEXT_MONTH[:4]:
        assert after["thisYear"]["casesClosed"] == 2  # closings are counted, not cases: the case closed twice
    assert [(m["openCases"], m["casesClosed"]) for m in months] == [(1, 1), (1, 1)]


async def group_with_x01(http: httpx.AsyncClient, leader: Actor, station_id: str, name: str, child: str,
                         linked: dict[str, str] | None = None) -> str:
    """A group whose member x-01 (`X01`) (and, if given, members linked to recipients) signed in at one session."""
    group_id = await recorded(http, leader, "planGroup", "PlanGroupInput", stationId=station_id, name=name,
                              type="GROWTH", targetPopulation="6-12 岁儿童", community="一力社区",
                              leaderIds=[leader.subject], plannedSessions=4, plannedOn=story_day(1))
    await recorded(http, leader, "addGroupMember", "AddGroupMemberInput", groupId=group_id, name=child,
                   memberId=X01)
    for member_id, recipient_id in (linked or {}).items():
        await recorded(http, leader, "addGroupMember", "AddGroupMemberInput", groupId=group_id, name="叶某",
                       memberId=member_id, recipientId=recipient_id)
    await recorded(http, leader, "recordGroupSession", "RecordGroupSessionInput", groupId=group_id,
                   heldOn=story_day(12), durationMinutes=90, place="一力社区活动室", theme="第1节",
                   presentMemberIds=[X01, *(linked or {})], walkIns=1)
    return group_id


async def staffed_station(system: System, http: httpx.AsyncClient, code: str) -> tuple[str, Actor]:
    """A station and a social worker on its staff (who may lead its groups)."""
    station_id = await open_station(system, code)
    me = worker(station_id, f"sw-{code.lower()}-1")
    await recorded(http, head(station_id), "joinStaff", "JoinStaffInput", staffId=me.subject, name="王社工",
                   role="SOCIAL_WORKER", stationIds=[station_id], joinedOn=f"{STORY[:4]}-01-05")
    return station_id, me


@pytest.mark.clock(STORY)
async def test_two_children_with_member_id_x01_in_groups_at_two_stations_are_two_people_in_the_district(
        system: System, http: httpx.AsyncClient) -> None:
    qingyuan, at_qingyuan = await staffed_station(system, http, "QY")
    guihua, at_guihua = await staffed_station(system, http, "GHP")
    await group_with_x01(http, at_qingyuan, qingyuan, "青园成长小组", "小明")
    await group_with_x01(http, at_guihua, guihua, "桂花坪成长小组", "小红")
    await system.read_models_have_everything()

    overview = (await graphql(http, """query($month: String!) { districtOverview(month: $month) {
        stations { code figures { peopleServed groupPersonTimes } } totals { peopleServed groupPersonTimes } } }""",
                              BUREAU, month=STORY_MONTH))["data"]["districtOverview"]

    assert overview["totals"] == {"peopleServed": 2, "groupPersonTimes": 4}  # the walk-ins are person-times only
    assert {s["code"]: s["figures"]["peopleServed"] for s in overview["stations"]} == {"QY": 1, "GHP": 1}


@pytest.mark.clock(STORY)
async def test_two_groups_of_one_station_each_with_an_x01_serve_two_people_on_the_dashboard(
        system: System, http: httpx.AsyncClient) -> None:
    station_id, me = await staffed_station(system, http, "HSP")
    await group_with_x01(http, me, station_id, "小小手工坊", "小明")
    await group_with_x01(http, me, station_id, "阅读小组", "小华")
    await system.read_models_have_everything()

    dashboard = (await graphql(http, DASHBOARD, me, station=station_id, month=STORY_MONTH))["data"]

    assert dashboard["stationDashboard"]["thisMonth"]["peopleServed"] == 2


@pytest.mark.clock(STORY)
async def test_a_group_member_who_is_a_case_recipient_is_one_person_with_the_recipient_seen_at_a_session(
        system: System, http: httpx.AsyncClient) -> None:
    station_id, me = await staffed_station(system, http, "HSP")
    case = await open_case_for(system, station_id, me, opened_on=date.fromisoformat(story_day(2)))
    recipient_id = (await system.cases.store.read_stream(f"case-{case['case_id']}"))[0].payload.recipient_id
    session = (await graphql(http, RECORD, me, input={"caseId": case["case_id"], "heldOn": story_day(10),
                                                      "mode": "HOME_VISIT", "durationMinutes": 40}))
    assert session["data"]["recordCaseSession"]["__typename"] == "RecordCaseSessionPayload", session
    await group_with_x01(http, me, station_id, "小小手工坊", "小明", linked={X02: recipient_id})
    await group_with_x01(http, me, station_id, "阅读小组", "小华", linked={Y07: recipient_id})
    await system.read_models_have_everything()

    found = (await graphql(http, DASHBOARD, me, station=station_id, month=STORY_MONTH))["data"]
    overview = (await graphql(http, "query($m: String!) { districtOverview(month: $m) { totals { peopleServed } } }",
                              BUREAU, m=STORY_MONTH))["data"]["districtOverview"]

    # The recipient, at the case session and signed in at both groups, is one person; the two x-01 are two more.
    assert found["stationDashboard"]["thisMonth"]["peopleServed"] == 3
    assert overview["totals"]["peopleServed"] == 3
