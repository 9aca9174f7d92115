"""Volunteers over GraphQL: three services add up on the certificate; a late record is flagged; erasure."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx

from shared.china import china_today
from shared.id_number import check_character
from tests.clock import story_day
from tests.e2e.graphql import graphql, record, recorded
from tests.support import System, open_station, worker

BASE = "43010319900101123"
VOLUNTEER = """query($id: ID!, $t: String) {
  volunteer(id: $id, consistencyToken: $t) {
    name idNumber totalHours leaderSince teams trainings { name hours } erased
    certificate { totalHours services { servedOn hours content recordingUnit late } }
  }
}"""


async def test_a_volunteers_hours_from_three_services_add_up_on_their_certificate(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    today = china_today()
    volunteer_id = await recorded(http, me, "registerVolunteer", "RegisterVolunteerInput", stationId=station_id,
                                  name="刘某某", gender="female", ageGroup="ADULT", birthYear=1990,
                                  idNumber=BASE + check_character(BASE), contact="13800002222", skills=["手工"],
                                  consentGivenOn=today.isoformat(), consentPurpose="志愿服务登记")
    team_id = await recorded(http, me, "formVolunteerTeam", "FormVolunteerTeamInput", stationId=station_id,
                             name="黑石铺枢纽志愿服务队", kind="HUB")
    await recorded(http, me, "joinVolunteerTeam", "JoinVolunteerTeamInput", teamId=team_id, volunteerId=volunteer_id,
                   leader=True)
    await recorded(http, me, "recordTraining", "RecordTrainingInput", stationId=station_id, name="志愿服务基础",
                   content="志愿精神与服务礼仪", hours=2, organiser="黑石铺街道社工站", heldOn=today.isoformat(),
                   attendeeIds=[volunteer_id])
    services = [(today - timedelta(days=1), 2.5, None, None), (today, 1.5, "09:00:00", "11:00:00")]
    for n, (served_on, hours, starts, ends) in enumerate(services, start=1):
        await recorded(http, me, "recordVolunteerService", "RecordVolunteerServiceInput", volunteerId=volunteer_id,
                       servedOn=served_on.isoformat(), place="一力社区", content=f"第{n}次服务", hours=hours,
                       organisingUnit="黑石铺街道社工站", personInCharge="王社工", startsAt=starts, endsAt=ends)
    await recorded(http, me, "recordVolunteerService", "RecordVolunteerServiceInput", volunteerId=volunteer_id,
                   servedOn=(today - timedelta(days=30)).isoformat(), place="社区广场", content="补录的服务",
                   hours=3, organisingUnit="黑石铺街道社工站", personInCharge="王社工")
    too_long = await record(http, me, "recordVolunteerService", "RecordVolunteerServiceInput",
                            volunteerId=volunteer_id, servedOn=today.isoformat(), place="x", content="x", hours=3,
                            organisingUnit="x", personInCharge="x", startsAt="09:00:00", endsAt="10:00:00")
    last = await record(http, me, "designateVolunteerLeader", "DesignateVolunteerLeaderInput",
                        volunteerId=volunteer_id, note="带领手工队")

    found = (await graphql(http, VOLUNTEER, me, id=volunteer_id, t=last["consistencyToken"]))["data"]["volunteer"]

    assert (too_long["code"], too_long["field"]) == ("invalid_input", "hours")
    assert "span" in too_long["messageEn"] and "超过" in too_long["messageZh"]
    assert found["name"] == "刘某某" and found["idNumber"].startswith("4301") and "*" in found["idNumber"]
    assert found["totalHours"] == found["certificate"]["totalHours"] == 7.0
    assert sorted((s["hours"], s["late"]) for s in found["certificate"]["services"]) == [
        (1.5, False), (2.5, False), (3.0, True)]
    assert {s["recordingUnit"] for s in found["certificate"]["services"]} == {"HSP街道社工站"}
    assert found["teams"] == ["黑石铺枢纽志愿服务队"]
    teams = (await graphql(http, "{ volunteerTeams { name kind members leaderIds } }", me))["data"]["volunteerTeams"]
    assert teams == [{"name": "黑石铺枢纽志愿服务队", "kind": "HUB", "members": 1, "leaderIds": [volunteer_id]}]
    assert found["trainings"] == [{"name": "志愿服务基础", "hours": 2.0}]
    assert found["leaderSince"] == today.isoformat()
    month = (await graphql(http, """query($s: ID!, $m: String!, $t: String) { stationDashboard(stationId: $s,
        month: $m, consistencyToken: $t) { thisMonth { volunteersRegistered volunteerHours trainings } } }""",
                           me, s=station_id, m=today.strftime("%Y-%m"), t=last["consistencyToken"]))["data"]
    served = [(served_on, hours) for served_on, hours, _, _ in services] + [(today - timedelta(days=30), 3)]
    assert month["stationDashboard"]["thisMonth"] == {  # the dashboard counts the volunteers' month too
        "volunteersRegistered": 1, "trainings": 1,
        "volunteerHours": sum(hours for day, hours in served if (day.year, day.month) == (today.year, today.month))}

    erased = await record(http, me, "eraseVolunteer", "EraseVolunteerInput", volunteerId=volunteer_id,
                          reason="本人要求删除")
    after = (await graphql(http, VOLUNTEER, me, id=volunteer_id, t=erased["consistencyToken"]))["data"]["volunteer"]
    stored = await system.activities.pool.fetchval("SELECT data::text FROM events WHERE type = 'VolunteerRegistered'")

    assert (after["name"], after["idNumber"], after["erased"], after["totalHours"]) == (None, None, True, 7.0)
    assert "刘某某" not in stored and "13800002222" not in stored


async def test_bad_community_work_is_refused_clearly_and_stores_nothing(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    volunteer_id = await recorded(http, me, "registerVolunteer", "RegisterVolunteerInput", stationId=station_id,
                                  name="周某", gender="male", ageGroup="ELDERLY", birthYear=1950)
    organisation = await recorded(http, me, "registerOrganisation", "RegisterOrganisationInput",
                                  stationId=station_id, name="互助队", community="一力社区", type="MUTUAL_AID",
                                  leader="李某", members=5, foundedOn="2026-01-01")
    before = await system.activities.pool.fetchval("SELECT count(*) FROM events")

    refusals = [
        await record(http, me, "registerVolunteer", "RegisterVolunteerInput", stationId=station_id, name="某",
                     gender="male", ageGroup="ADULT", birthYear=1990, idNumber="430103199001011235"),
        await record(http, me, "recordVolunteerService", "RecordVolunteerServiceInput", volunteerId=volunteer_id,
                     servedOn=story_day(1), place="社区", content="服务", hours=-1, organisingUnit="站",
                     personInCharge="站长"),
        await record(http, me, "fileOrganisation", "FileOrganisationInput", organisationId=organisation,
                     filingNumber="备1", filedOn=story_day(1)),
        await record(http, me, "progressIssue", "ProgressIssueInput", compoundId=str(uuid.uuid4()), issueId="i1",
                     status="RESOLVED", note="x"),
        await record(http, me, "recordSupervision", "RecordSupervisionInput", stationId=station_id,
                     supervisorId="x", supervisorKind="INTERNAL", staffIds=["sw-1"], heldOn=story_day(1), hours=1,
                     topics=["x"]),
        await record(http, me, "submitWorkReport", "SubmitWorkReportInput", stationId=station_id, kind="MONTHLY",
                     periodStart="2099-01-01", narrative="未来"),
    ]

    assert [(r["__typename"], r["field"]) for r in refusals] == [
        ("InvalidInput", "idNumber"), ("InvalidInput", "hours"), ("StageOutOfOrder", "organisationId"),
        ("NotFound", "compoundId"), ("Forbidden", "stationId"), ("InvalidInput", "periodStart")]
    assert all(r["messageZh"] and r["messageEn"] for r in refusals)
    assert await system.activities.pool.fetchval("SELECT count(*) FROM events") == before
