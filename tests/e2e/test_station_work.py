"""A project with a group of six sessions and an activity: the dashboard and the district add up exactly."""

from __future__ import annotations

import io
import uuid
from typing import Any

import httpx
import openpyxl
import pytest

from shared.contracts import Actor
from tests.clock import STORY, STORY_MONTH, STORY_YEAR_END, story_day
from tests.e2e.conftest import TOKENS
from tests.e2e.graphql import RECORD, graphql, record, recorded
from tests.support import BUREAU, System, join_staff, open_case_for, open_station, worker

# The story is November 2026's: a group planned (dated today) and met that month, and its month report.
pytestmark = pytest.mark.clock(STORY)

FIGURES = """personTimesDirect personTimesIndirect casePersonTimes groupPersonTimes activityPersonTimes peopleServed
             caseSessions groupsPlanned groupsMeeting groupSessions activities projects surveys
             questionnairesDistributed questionnairesReturned publicity"""

DASHBOARD = """
query($station: ID!, $t: String, $month: String!) {
  stationDashboard(stationId: $station, month: $month, consistencyToken: $t) {
    month year thisMonth { FIGURES } thisYear { FIGURES }
    targets { projects { target actual } groups { target actual } activities { target actual }
              personTimes { target actual } }
    projects { name progress { plannedGroupSessions groups groupSessions activities personTimesDirect
                               personTimesIndirect } }
    publicityByLevel { level count }
  }
  districtOverview(year: 2026) { stations { code figures { FIGURES } } totals { FIGURES } }
  personTimes(stationId: $station, month: $month) { community projectId kind reach count }
  publicity(stationId: $station, level: DISTRICT, first: 1) {
    totalCount pageInfo { hasNextPage } edges { node { title level activityId } } }
  groups(stationId: $station) { totalCount edges { node { name phase members sessionsHeld personTimes
                                                         feedbackForms satisfaction
                                                         sessions { number attendance walkIns } } } }
}""".replace("FIGURES", FIGURES)


async def test_a_projects_group_and_activity_add_up_on_the_dashboard_and_in_the_district(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    await join_staff(system, station_id, me)
    case = await open_case_for(system, station_id)
    recipient_id = (await system.cases.store.read_stream(f"case-{case['case_id']}"))[0].payload.recipient_id
    case_session = (await graphql(http, RECORD, me, input={
        "caseId": case["case_id"], "heldOn": story_day(10), "mode": "HOME_VISIT", "durationMinutes": 30,
        "participants": 2}))["data"]["recordCaseSession"]
    assert case_session["__typename"] == "RecordCaseSessionPayload"

    await recorded(http, BUREAU, "setStationTargets", "SetStationTargetsInput", stationId=station_id, year=2026,
                   projects=2, groups=2, activities=3, personTimes=100)
    project_id = await recorded(
        http, me, "startProject", "StartProjectInput", stationId=station_id, name="童心童乐童成长",
        aims="陪伴留守儿童成长", targetPopulation="留守儿童", communities=["一力社区"], startsOn="2026-03-01",
        endsOn=STORY_YEAR_END, planned={"groups": 1, "groupSessions": 6, "activities": 1, "personTimes": 60})
    group_id = await recorded(
        http, me, "planGroup", "PlanGroupInput", stationId=station_id, projectId=project_id, name="小小手工坊",
        type="GROWTH", targetPopulation="6-12 岁留守儿童", community="一力社区", leaderIds=[me.subject],
        plannedSessions=6)
    members = [await recorded(http, me, "addGroupMember", "AddGroupMemberInput", groupId=group_id, name=f"组员{n}",
                              recipientId=recipient_id if n == 1 else None) for n in range(1, 6)]
    sign_ins = [(members[:5], 0), (members[:4], 1), (members[:3], 2), (members[:5], 0), (members[1:5], 1),
                (members[:5], 3)]
    for day, (present, walk_ins) in enumerate(sign_ins, start=2):
        await recorded(http, me, "recordGroupSession", "RecordGroupSessionInput", groupId=group_id,
                       heldOn=story_day(day), durationMinutes=90, place="一力社区活动室", theme=f"第{day - 1}节",
                       presentMemberIds=present, walkIns=walk_ins, goalAttainment=4)
    for member_id, score in ((members[0], 5), (members[1], 4)):
        await recorded(http, me, "recordGroupFeedback", "RecordGroupFeedbackInput", groupId=group_id,
                       memberId=member_id, satisfaction=score, comment="很开心")
    await recorded(http, me, "closeGroup", "CloseGroupInput", groupId=group_id, closedOn=story_day(8),
                   summary="六节全部完成")
    activity_id = await recorded(
        http, me, "recordActivity", "RecordActivityInput", stationId=station_id, projectId=project_id,
        community="一力社区", title="亲子手工日", kind="PARENT_CHILD", heldOn=story_day(15), place="一力社区广场",
        directParticipants=40, indirectBeneficiaries=100, indirectBasis="参与家庭平均 2.5 人", volunteers=6,
        volunteerHours=18)
    await recorded(http, me, "recordPublicity", "RecordPublicityInput", stationId=station_id, kind="NEWS",
                   title="黑石铺社工站亲子手工日", outlet="天心区融媒体中心", level="DISTRICT",
                   publishedOn=story_day(16), activityId=activity_id, projectId=project_id)
    last = await record(http, me, "recordSurvey", "RecordSurveyInput", stationId=station_id, title="居民需求调研",
                        method="QUESTIONNAIRE", startsOn="2026-03-01", endsOn="2026-03-31", distributed=500,
                        returned=487, needs=[{"area": "education", "population": "留守儿童",
                                              "description": "课后无人看护"}])
    for position in TOKENS.open(last["consistencyToken"]) + TOKENS.open(case_session["consistencyToken"]):
        await system.read_models_have(position)
    found = (await graphql(http, DASHBOARD, me, station=station_id, month=STORY_MONTH,
                           t=last["consistencyToken"]))["data"]

    group_person_times = sum(len(present) + walk_ins for present, walk_ins in sign_ins)  # 26 + 7 = 33
    expected = {
        "personTimesDirect": 2 + group_person_times + 40, "personTimesIndirect": 100, "casePersonTimes": 2,
        "groupPersonTimes": group_person_times, "activityPersonTimes": 40,
        "peopleServed": 5,  # the recipient at the case session is member 1: one person, not two
        "caseSessions": 1, "groupsPlanned": 1, "groupsMeeting": 1, "groupSessions": 6, "activities": 1,
        "projects": 1, "surveys": 0, "questionnairesDistributed": 0, "questionnairesReturned": 0, "publicity": 1}
    dashboard = found["stationDashboard"]
    assert dashboard["thisMonth"] == expected
    assert dashboard["thisYear"] == {**expected, "surveys": 1, "questionnairesDistributed": 500,
                                     "questionnairesReturned": 487}
    assert dashboard["targets"] == {"projects": {"target": 2, "actual": 1}, "groups": {"target": 2, "actual": 1},
                                    "activities": {"target": 3, "actual": 1},
                                    "personTimes": {"target": 100, "actual": 2 + group_person_times + 40}}
    assert dashboard["projects"] == [{"name": "童心童乐童成长", "progress": {
        "plannedGroupSessions": 6, "groups": 1, "groupSessions": 6, "activities": 1,
        "personTimesDirect": group_person_times + 40, "personTimesIndirect": 100}}]
    assert dashboard["publicityByLevel"] == [{"level": "DISTRICT", "count": 1}]
    [row] = found["districtOverview"]["stations"]
    assert row["code"] == "HSP" and row["figures"] == dashboard["thisYear"]
    assert found["districtOverview"]["totals"] == dashboard["thisYear"]
    assert found["personTimes"] == [
        {"community": "一力社区", "projectId": None, "kind": "CASE", "reach": "DIRECT", "count": 2},
        {"community": "一力社区", "projectId": project_id, "kind": "ACTIVITY", "reach": "DIRECT", "count": 40},
        {"community": "一力社区", "projectId": project_id, "kind": "ACTIVITY", "reach": "INDIRECT", "count": 100},
        {"community": "一力社区", "projectId": project_id, "kind": "GROUP", "reach": "DIRECT",
         "count": group_person_times}]
    assert found["publicity"] == {"totalCount": 1, "pageInfo": {"hasNextPage": False}, "edges": [
        {"node": {"title": "黑石铺社工站亲子手工日", "level": "DISTRICT", "activityId": activity_id}}]}
    await exports_equal_the_dashboard(http, me, station_id, dashboard)
    [group] = [e["node"] for e in found["groups"]["edges"]]
    assert {k: group[k] for k in ("phase", "members", "sessionsHeld", "personTimes", "feedbackForms")} == {
        "phase": "CLOSED", "members": 5, "sessionsHeld": 6, "personTimes": group_person_times, "feedbackForms": 2}
    assert group["satisfaction"] == 4.5
    assert [(s["number"], s["attendance"]) for s in group["sessions"]] == [
        (n, len(p) + w) for n, (p, w) in enumerate(sign_ins, start=1)]


async def test_bad_station_work_is_refused_clearly_and_stores_nothing(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    await join_staff(system, station_id, me)
    group_id = await recorded(http, me, "planGroup", "PlanGroupInput", stationId=station_id, name="长者健康小组",
                              type="SUPPORT", targetPopulation="独居老人", community="一力社区",
                              leaderIds=[me.subject], plannedSessions=4)
    member = await recorded(http, me, "addGroupMember", "AddGroupMemberInput", groupId=group_id, name="周某")
    await recorded(http, me, "closeGroup", "CloseGroupInput", groupId=group_id, closedOn=story_day(1),
                   summary="提前结束")
    before = await system.activities.pool.fetchval("SELECT count(*) FROM events")

    refusals = [
        await record(http, me, "recordGroupSession", "RecordGroupSessionInput", groupId=group_id,
                     heldOn=story_day(1), durationMinutes=60, place="活动室", theme="健康讲座",
                     presentMemberIds=[member]),
        await record(http, me, "recordActivity", "RecordActivityInput", stationId=station_id, community="一力社区",
                     title="重阳节", kind="FESTIVAL", heldOn="2099-10-01", place="广场", directParticipants=10),
        await record(http, me, "recordActivity", "RecordActivityInput", stationId=station_id, community="一力社区",
                     title="重阳节", kind="FESTIVAL", heldOn="2026-10-29", place="广场", directParticipants=10,
                     indirectBeneficiaries=50),
        await record(http, me, "recordSurvey", "RecordSurveyInput", stationId=station_id, title="调研",
                     method="QUESTIONNAIRE", startsOn="2026-03-01", endsOn="2026-03-31", distributed=10,
                     returned=11),
        await record(http, BUREAU, "startProject", "StartProjectInput", stationId=station_id, name="项目",
                     aims="目标", targetPopulation="居民", communities=[], startsOn="2026-01-01",
                     endsOn=STORY_YEAR_END),
        await record(http, me, "setStationTargets", "SetStationTargetsInput", stationId=station_id, year=2026),
    ]

    assert [(r["__typename"], r["code"], r["field"]) for r in refusals] == [
        ("Rejected", "group_closed", "groupId"), ("InvalidInput", "invalid_input", "heldOn"),
        ("InvalidInput", "invalid_input", "indirectBasis"), ("InvalidInput", "invalid_input", "returned"),
        ("Forbidden", "forbidden", None), ("Forbidden", "forbidden", None)]
    assert all(r["messageZh"] and r["messageEn"] for r in refusals)
    assert await system.activities.pool.fetchval("SELECT count(*) FROM events") == before


async def test_the_resource_map_shows_what_used_each_resource_and_its_sealed_contact_to_the_station_only(
        system: System, http: httpx.AsyncClient) -> None:
    station_id, other = await open_station(system), await open_station(system, "WY")
    me = worker(station_id)
    project_id = await recorded(http, me, "startProject", "StartProjectInput", stationId=station_id, name="小巷汇爱",
                                aims="邻里互助", targetPopulation="独居老人", communities=["一力社区"],
                                startsOn="2026-01-01", endsOn=STORY_YEAR_END)
    resource_id = await recorded(http, me, "mapResource", "MapResourceInput", stationId=station_id, kind="VENUE",
                                 name="一力社区党群服务中心", offers="周末活动室（40 人）", community="一力社区",
                                 contact="张主任 13700002222")
    used = await record(http, me, "useResource", "UseResourceInput", resourceId=resource_id, projectId=project_id)
    both = await record(http, me, "useResource", "UseResourceInput", resourceId=resource_id, projectId=project_id,
                        activityId=str(uuid.uuid4()))
    query = """query($t: String) { resources(consistencyToken: $t) { edges { node {
        resourceId name kind offers contact usedBy { projectId activityId } } } } }"""

    answer = await graphql(http, query, me, t=used["consistencyToken"])
    mine = [e["node"] for e in answer["data"]["resources"]["edges"]]
    theirs = (await graphql(http, query, worker(other, "w-wy")))["data"]["resources"]["edges"]
    stored = await system.activities.pool.fetchval("SELECT data::text FROM events WHERE type = 'ResourceMapped'")

    assert mine == [{"resourceId": resource_id, "name": "一力社区党群服务中心", "kind": "VENUE",
                     "offers": "周末活动室（40 人）", "contact": "张主任 13700002222",
                     "usedBy": [{"projectId": project_id, "activityId": None}]}]
    assert theirs == []
    assert (both["code"], both["field"]) == ("invalid_input", "projectId")
    assert "13700002222" not in stored


EXPORT = """mutation($station: ID!, $format: ExportFormat!, $month: String!) {
  exportStationMonth(stationId: $station, month: $month, format: $format) {
    __typename ... on ExportReady { url filename } ... on UserError { code field }
  }
}"""


async def exports_equal_the_dashboard(http: httpx.AsyncClient, me: Actor, station_id: str,
                                      dashboard: dict[str, Any]) -> None:
    """The XLSX, read back, and the CSV carry the very figures GraphQL answered."""
    async def export(actor: Actor, file_format: str) -> dict[str, Any]:
        answer = await graphql(http, EXPORT, actor, station=station_id, month=STORY_MONTH, format=file_format)
        return dict(answer["data"]["exportStationMonth"])

    xlsx, csv_export = await export(me, "XLSX"), await export(me, "CSV")
    other = await export(worker("some-other-station"), "XLSX")
    book = openpyxl.load_workbook(io.BytesIO((await http.get(xlsx["url"])).content))
    rows = {r[0]: (r[1], r[2]) for r in book.active.iter_rows(min_row=3, values_only=True)}
    csv_text = (await http.get(csv_export["url"])).content

    assert xlsx["filename"].endswith(f"-{STORY_MONTH}-月报.xlsx")
    assert rows["直接服务人次合计"] == (dashboard["thisMonth"]["personTimesDirect"],
                                   dashboard["thisYear"]["personTimesDirect"])
    assert rows["间接受益人次"] == (dashboard["thisMonth"]["personTimesIndirect"],
                                dashboard["thisYear"]["personTimesIndirect"])
    assert rows["服务人数（去重）"][0] == dashboard["thisMonth"]["peopleServed"]
    assert rows["合计（个案、小组、社区活动、社会组织活动直接人次）"][0] == dashboard["thisMonth"]["personTimesDirect"]
    assert next(book["项目进度"].iter_rows(min_row=3, values_only=True))[0] == "童心童乐童成长"
    assert csv_text.startswith("\ufeff".encode()) and "指标,本月,本年累计" in csv_text.decode("utf-8-sig")
    assert other["__typename"] == "Forbidden"
    assert (await http.get("/exports/no-such-file/x.xlsx")).status_code == 404

    district = (await graphql(http, """mutation($month: String!) { exportDistrictMonth(month: $month) {
        ... on ExportReady { url } } }""", BUREAU, month=STORY_MONTH))["data"]["exportDistrictMonth"]
    sheet = openpyxl.load_workbook(io.BytesIO((await http.get(district["url"])).content)).active
    header = next(sheet.iter_rows(min_row=2, max_row=2, values_only=True))
    by_station = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert by_station["HSP街道社工站"]["直接服务人次合计"] == dashboard["thisMonth"]["personTimesDirect"]
    assert by_station["全区合计"]["服务人数（去重）"] == dashboard["thisMonth"]["peopleServed"]
