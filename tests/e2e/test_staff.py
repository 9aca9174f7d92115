"""The team: a worker joins with a qualification, and cannot leave until their case and group are handed over."""

from __future__ import annotations

import httpx

from shared.contracts import Actor, Role
from tests.clock import story_day
from tests.e2e.graphql import change, graphql, record, recorded
from tests.support import System, open_case_for, open_station, wait_until, worker

TEAM = """query($station: ID, $left: Boolean!, $t: String) {
  staff(stationId: $station, includeLeft: $left, consistencyToken: $t) { edges { node {
    staffId name role stationIds leftOn qualifications { kind obtainedOn }
  } } }
}"""


async def test_a_worker_leaves_only_once_their_open_case_and_group_are_handed_over(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    head = Actor(subject="head-hsp", name="站长", role=Role.STATION_HEAD, station_ids=(station_id,))
    leaving = worker(station_id, "sw-hsp-2")
    await recorded(http, head, "joinStaff", "JoinStaffInput", staffId="sw-hsp-1", name="王社工",
                   role="SOCIAL_WORKER", stationIds=[station_id], joinedOn="2026-01-04")  # who takes the group over
    await recorded(http, head, "joinStaff", "JoinStaffInput", staffId="sw-hsp-2", name="李社工",
                   role="SOCIAL_WORKER", stationIds=[station_id], joinedOn="2026-01-04")
    joined = await record(http, head, "recordQualification", "RecordQualificationInput", staffId="sw-hsp-2",
                          kind="ASSISTANT_SOCIAL_WORKER", obtainedOn="2023-06-01")
    case = await open_case_for(system, station_id, leaving)
    group_id = await recorded(http, leaving, "planGroup", "PlanGroupInput", stationId=station_id, name="长者健康小组",
                              type="SUPPORT", targetPopulation="独居老人", community="一力社区",
                              leaderIds=["sw-hsp-2"], plannedSessions=4)

    async def followed(open_: bool) -> bool:
        found = await system.activities.pool.fetchval(
            "SELECT count(*) FROM carried_cases WHERE case_id = $1 AND open AND worker_id = 'sw-hsp-2'",
            case["case_id"])
        return bool(found) == open_

    await wait_until(lambda: followed(True), what="the activities service to follow the new case")
    team_before = (await graphql(http, TEAM, head, station=station_id, left=False,
                                 t=joined["consistencyToken"]))["data"]["staff"]["edges"]
    refused = await record(http, head, "staffLeaves", "StaffLeavesInput", staffId="sw-hsp-2", leftOn=story_day(20),
                           reason="合同期满")
    transferred = await change(http, head, "transferCase", "TransferCaseInput", caseId=case["case_id"],
                               toWorkerId="sw-hsp-1")
    await recorded(http, head, "changeGroupLeaders", "ChangeGroupLeadersInput", groupId=group_id,
                   leaderIds=["sw-hsp-1"])
    await wait_until(lambda: followed(False), what="the transfer to be followed")
    left = await record(http, head, "staffLeaves", "StaffLeavesInput", staffId="sw-hsp-2", leftOn=story_day(20),
                        reason="合同期满")
    team_after = (await graphql(http, TEAM, head, station=station_id, left=False,
                                t=left["consistencyToken"]))["data"]["staff"]["edges"]
    with_left = (await graphql(http, TEAM, head, station=station_id, left=True))["data"]["staff"]["edges"]

    assert (refused["__typename"], refused["code"], refused["field"]) == ("Rejected", "open_work_remains", "staffId")
    assert "HSP-2026-0001" in refused["messageZh"] and "长者健康小组" in refused["messageZh"]
    assert "HSP-2026-0001" in refused["messageEn"]
    assert transferred["__typename"] == "CaseChanged"
    assert left["__typename"] == "StationWorkRecorded", left
    assert sorted(e["node"]["staffId"] for e in team_before) == ["sw-hsp-1", "sw-hsp-2"]
    assert [e["node"] for e in team_before if e["node"]["staffId"] == "sw-hsp-2"] == [{
        "staffId": "sw-hsp-2", "name": "李社工", "role": "SOCIAL_WORKER", "stationIds": [station_id], "leftOn": None,
        "qualifications": [{"kind": "ASSISTANT_SOCIAL_WORKER", "obtainedOn": "2023-06-01"}]}]
    assert [e["node"]["staffId"] for e in team_after] == ["sw-hsp-1"]
    assert sorted((e["node"]["staffId"], e["node"]["leftOn"] or "") for e in with_left) == [
        ("sw-hsp-1", ""), ("sw-hsp-2", story_day(20))]
