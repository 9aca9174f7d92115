"""Every id a command names is real, of the right kind and in the caller's scope, as a user sees it: a group
member's recipient, a volunteer service's activity, a group's leaders, and intake at a closed station."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from shared.contracts import Actor, Role
from tests.clock import STORY, story_day
from tests.e2e.graphql import OPEN, REGISTER, graphql, member, record, recorded
from tests.support import BUREAU, System, head, join_staff, open_station, wait_until, worker

pytestmark = pytest.mark.clock(STORY)

GROUP = """
query($station: ID!) { groups(stationId: $station) { edges { node { name members } } } }"""


async def a_group(http: httpx.AsyncClient, system: System, station_id: str, me: Actor) -> str:
    await join_staff(system, station_id, me)
    return await recorded(http, me, "planGroup", "PlanGroupInput", stationId=station_id, name="长者健康小组",
                          type="SUPPORT", targetPopulation="独居老人", community="一力社区", leaderIds=[me.subject],
                          plannedSessions=4)


async def a_recipient(system: System, station_id: str, name: str = "周某") -> str:
    registered = await system.call("cases", "register_recipient", {
        "station_id": station_id, "name": name, "gender": "female", "birth_year": 1941, "community": "一力社区",
        "categories": [{"category": "elderly_living_alone", "valid_from": "2026-01-01", "source": "visit"}]},
        head(station_id))
    return str(registered["recipient_id"])


async def followed(system: System, recipient_id: str, condition: str = "true") -> None:
    """Until the activities service has followed the recipient (in the state `condition` says)."""
    async def there() -> bool:
        return bool(await system.activities.pool.fetchval(
            f"SELECT count(*) FROM followed_recipients WHERE recipient_id = $1 AND {condition}", recipient_id))
    await wait_until(there, what=f"the activities service to follow recipient {recipient_id}")


def refused(result: dict[str, Any]) -> tuple[str, str, str]:
    assert result["messageZh"] and result["messageEn"], result
    return result["__typename"], result["code"], result["field"]


async def members(system: System, http: httpx.AsyncClient, me: Actor, station_id: str) -> int:
    await system.read_models_have_everything()
    [group] = [e["node"] for e in (await graphql(http, GROUP, me, station=station_id))["data"]["groups"]["edges"]]
    return int(group["members"])


async def test_a_member_whose_recipient_does_not_exist_is_refused_and_nothing_is_added(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    group_id = await a_group(http, system, station_id, me)
    before = await system.events_written()

    answer = await record(http, me, "addGroupMember", "AddGroupMemberInput", groupId=group_id, name="周某",
                          recipientId=str(uuid.uuid4()))

    assert refused(answer) == ("NotFound", "unknown_recipient", "recipientId")
    assert "尚未同步" in answer["messageZh"] and "may not have arrived" in answer["messageEn"]
    assert await system.events_written() == before
    assert await members(system, http, me, station_id) == 0


async def test_another_stations_recipient_is_unknown_to_its_workers_and_of_another_station_to_a_director(
        system: System, http: httpx.AsyncClient) -> None:
    hsp, wy = await open_station(system), await open_station(system, "WY")
    me = worker(hsp)
    director = Actor(subject="pd-1", name="项目总监", role=Role.PROJECT_DIRECTOR, station_ids=(hsp, wy))
    group_id = await a_group(http, system, hsp, me)
    theirs = await a_recipient(system, wy)
    await followed(system, theirs)
    no_one = str(uuid.uuid4())
    nowhere = await record(http, me, "addGroupMember", "AddGroupMemberInput", groupId=group_id, name="周某",
                           recipientId=no_one)

    hidden = await record(http, me, "addGroupMember", "AddGroupMemberInput", groupId=group_id, name="周某",
                          recipientId=theirs)
    seen = await record(http, director, "addGroupMember", "AddGroupMemberInput", groupId=group_id, name="周某",
                        recipientId=theirs)

    assert refused(hidden) == ("NotFound", "unknown_recipient", "recipientId")
    assert hidden["messageEn"] == nowhere["messageEn"].replace(no_one, theirs)  # nothing tells it exists
    assert refused(seen) == ("Rejected", "not_of_this_station", "recipientId")
    assert await members(system, http, me, hsp) == 0


async def test_an_erased_recipient_or_a_merged_duplicate_joins_no_group_and_the_refusal_names_the_survivor(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    group_id = await a_group(http, system, station_id, me)
    erased, survivor, duplicate = [await a_recipient(system, station_id, n) for n in ("叶某", "陈某", "陈某某")]
    await system.call("cases", "erase_recipient", {"recipient_id": erased, "reason": "本人要求删除"},
                      head(station_id))
    await system.call("cases", "merge_recipients", {"recipient_id": survivor, "duplicate_id": duplicate,
                                                    "reason": "同一人重复登记"}, head(station_id))
    await followed(system, erased, "erased")
    await followed(system, duplicate, "merged_into IS NOT NULL")

    gone = await record(http, me, "addGroupMember", "AddGroupMemberInput", groupId=group_id, name="叶某",
                        recipientId=erased)
    merged = await record(http, me, "addGroupMember", "AddGroupMemberInput", groupId=group_id, name="陈某",
                          recipientId=duplicate)
    linked = await record(http, me, "addGroupMember", "AddGroupMemberInput", groupId=group_id, name="陈某",
                          recipientId=survivor)

    assert refused(gone) == ("RecipientWasErased", "recipient_erased", "recipientId")
    assert refused(merged) == ("RecipientWasMerged", "recipient_merged", "recipientId")
    assert survivor in merged["messageZh"] and survivor in merged["messageEn"]
    assert linked["__typename"] == "StationWorkRecorded", linked
    assert await members(system, http, me, station_id) == 1


@contextlib.asynccontextmanager
async def cases_not_followed(system: System) -> AsyncIterator[None]:
    """The activities service's consumer of the cases stream stopped, as when it lags, then started again."""
    consumer = next(c for c in system.activities.consumers if c.stats.source == "cases")
    [task] = [t for t in system.activities.tasks if t.get_name() == consumer.name]
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    system.activities.tasks.remove(task)
    await asyncio.sleep(consumer.poll_seconds + 0.5)  # its last pull request expires, so it is handed nothing more
    try:
        yield
    finally:
        system.activities.tasks.append(asyncio.create_task(consumer.run(), name=consumer.name))


async def test_a_recipient_registered_a_moment_ago_is_waited_for_and_one_that_has_not_arrived_is_refused_saying_so(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    group_id = await a_group(http, system, station_id, me)

    async with cases_not_followed(system):
        recipient_id = await a_recipient(system, station_id)
        not_yet = await record(http, me, "addGroupMember", "AddGroupMemberInput", groupId=group_id, name="周某",
                               recipientId=recipient_id)
        adding = asyncio.create_task(record(http, me, "addGroupMember", "AddGroupMemberInput", groupId=group_id,
                                            name="周某", recipientId=recipient_id))
        await asyncio.sleep(0.3)  # the second try is waiting when the cases stream comes through again
    added = await adding

    assert refused(not_yet) == ("NotFound", "unknown_recipient", "recipientId")
    assert "稍后再试" in not_yet["messageZh"] and "try again shortly" in not_yet["messageEn"]
    assert added["__typename"] == "StationWorkRecorded", added
    assert await members(system, http, me, station_id) == 1


async def test_a_volunteer_service_at_an_activity_that_does_not_exist_or_of_another_station_is_refused(
        system: System, http: httpx.AsyncClient) -> None:
    hsp, wy = await open_station(system), await open_station(system, "WY")
    me, them = worker(hsp), worker(wy, "worker-wy")
    director = Actor(subject="pd-1", name="项目总监", role=Role.PROJECT_DIRECTOR, station_ids=(hsp, wy))
    volunteer = await recorded(http, me, "registerVolunteer", "RegisterVolunteerInput", stationId=hsp, name="周某",
                               gender="male", ageGroup="ELDERLY", birthYear=1950)
    activity: dict[str, Any] = {"community": "一力社区", "title": "重阳敬老宴", "kind": "FESTIVAL",
                                "heldOn": story_day(10), "place": "广场", "directParticipants": 30}
    ours = await recorded(http, me, "recordActivity", "RecordActivityInput", stationId=hsp, **activity)
    theirs = await recorded(http, them, "recordActivity", "RecordActivityInput", stationId=wy, **activity)
    service = {"volunteerId": volunteer, "servedOn": story_day(10), "place": "广场", "content": "敬老宴服务",
               "hours": 3, "organisingUnit": "黑石铺街道社工站", "personInCharge": "王社工"}
    before = await system.events_written()

    missing = await record(http, me, "recordVolunteerService", "RecordVolunteerServiceInput", **service,
                           activityId=str(uuid.uuid4()))
    hidden = await record(http, me, "recordVolunteerService", "RecordVolunteerServiceInput", **service,
                          activityId=theirs)
    seen = await record(http, director, "recordVolunteerService", "RecordVolunteerServiceInput", **service,
                               activityId=theirs)
    written = await system.events_written()
    at_ours = await record(http, me, "recordVolunteerService", "RecordVolunteerServiceInput", **service,
                           activityId=ours)

    assert refused(missing) == ("NotFound", "not_found", "activityId")
    assert refused(hidden) == ("NotFound", "not_found", "activityId")
    assert refused(seen) == ("Rejected", "not_of_this_station", "activityId")
    assert written == before
    assert at_ours["__typename"] == "StationWorkRecorded", at_ours


async def test_a_groups_leaders_are_current_staff_of_its_station(system: System, http: httpx.AsyncClient) -> None:
    hsp, wy = await open_station(system), await open_station(system, "WY")
    me = worker(hsp)
    await join_staff(system, hsp, me, worker(hsp, "sw-hsp-2"))
    await join_staff(system, wy, worker(wy, "sw-wy-1"))
    left = await system.call("activities", "staff_leaves", {"staff_id": "sw-hsp-2", "left_on": story_day(2),
                                                            "reason": "合同期满"}, head(hsp))
    await system.read_models_have(left["position"])
    plan = {"stationId": hsp, "name": "长者健康小组", "type": "SUPPORT", "targetPopulation": "独居老人",
            "community": "一力社区", "plannedSessions": 4}
    before = await system.events_written()

    nobody = await record(http, me, "planGroup", "PlanGroupInput", **plan, leaderIds=[me.subject, "sw-nobody"])
    elsewhere = await record(http, me, "planGroup", "PlanGroupInput", **plan, leaderIds=["sw-wy-1"])
    gone = await record(http, me, "planGroup", "PlanGroupInput", **plan, leaderIds=["sw-hsp-2"])
    written = await system.events_written()
    group_id = await recorded(http, me, "planGroup", "PlanGroupInput", **plan, leaderIds=[me.subject])
    handed_to_leaver = await record(http, me, "changeGroupLeaders", "ChangeGroupLeadersInput", groupId=group_id,
                                    leaderIds=["sw-hsp-2"])

    for answer in (nobody, elsewhere, gone, handed_to_leaver):
        assert refused(answer) == ("Rejected", "leader_not_current_staff", "leaderIds")
    assert "sw-nobody" in nobody["messageZh"] and "不是本社工站的在职人员" in elsewhere["messageZh"]
    assert "已离职" in gone["messageZh"] and "has left" in handed_to_leaver["messageEn"]
    assert written == before


async def test_no_recipient_is_registered_and_no_case_opened_at_a_closed_station(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    earlier = await a_recipient(system, station_id)
    closed = await system.call("activities", "close_station", {"station_id": station_id, "closed_on": story_day(1),
                                                               "reason": "街道撤并"}, BUREAU)
    await system.read_models_have(closed["position"])

    async def cases_knows() -> bool:
        return bool(await system.cases.pool.fetchval(
            "SELECT closed FROM followed_stations WHERE station_id = $1", station_id))
    await wait_until(cases_knows, what="the cases service to follow the closing")
    before = await system.events_written()

    registered = (await graphql(http, REGISTER, me, input={
        "stationId": station_id, "name": "叶某", "gender": "MALE", "birthYear": 1968, "community": "一力社区",
        "categories": [member("ELDERLY_LIVING_ALONE")]}))["data"]["registerRecipient"]
    opened = (await graphql(http, OPEN, me, input={
        "recipientId": earlier, "workerId": me.subject, "intakeSource": "OUTREACH",
        "presentingProblem": "长期独自在家", "openedOn": story_day(2)}))["data"]["openCase"]

    assert refused(registered) == ("Rejected", "station_closed", "stationId")
    assert refused(opened) == ("Rejected", "station_closed", "recipientId")
    assert await system.events_written() == before
