"""黑石聚力会's monthly salon of community social organisations over GraphQL: recorded with the organisations that
came, listed (also per organisation), counted in its month; a refused one records nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shared.contracts import Actor, Role
from tests.clock import STORY, STORY_MONTH, story_day
from tests.e2e.graphql import graphql, record, recorded
from tests.support import BUREAU, System, open_station, worker

# The salon is November 2026's, told in that month's days.
pytestmark = pytest.mark.clock(STORY)

MEETINGS = """query($station: ID!, $month: String!, $organisation: ID!, $idle: ID!, $t: String) {
  streetMeetings(stationId: $station, month: $month, consistencyToken: $t) {
    totalCount edges { node { __typename meetingId kind title heldOn present agenda minutes
                              organisations { name community type } } } }
  attended: streetMeetings(organisationId: $organisation) { totalCount edges { node { title } } }
  idle: streetMeetings(organisationId: $idle) { totalCount }
  stationDashboard(stationId: $station, month: $month) { thisMonth { streetMeetings } thisYear { streetMeetings } }
  organisations(stationId: $station) { edges { node { name streetMeetingsAttended } } }
}"""

WAIT = """query($station: ID!, $t: String) {
  streetMeetings(stationId: $station, consistencyToken: $t) { totalCount } }"""

DISTRICT = """query($month: String!) { districtOverview(month: $month) {
  stations { code figures { streetMeetings } } totals { streetMeetings } } }"""


async def register(http: httpx.AsyncClient, actor: Actor, station_id: str, name: str, community: str,
                   type_: str) -> str:
    return await recorded(http, actor, "registerOrganisation", "RegisterOrganisationInput", stationId=station_id,
                          name=name, community=community, type=type_, leader="张某", members=12,
                          foundedOn="2025-03-01")


async def hold(http: httpx.AsyncClient, actor: Actor, station_id: str, organisation_ids: list[str],
               **changes: Any) -> dict[str, Any]:
    return await record(http, actor, "holdStreetMeeting", "HoldStreetMeetingInput", **{
        "stationId": station_id, "title": "黑石聚力会十一月社会组织沙龙", "organisationIds": organisation_ids,
        "heldOn": story_day(12), "present": ["STATION", "STREET_OFFICE", "RESIDENTS_COMMITTEE", "SERVING_PARTY_MEMBER"],
        "agenda": ["各组织本月活动交流", "年底联合汇演筹备"], "minutes": "确定 12 月联合汇演，由文艺队牵头", **changes})


async def test_a_salon_with_three_organisations_is_recorded_listed_and_counted_in_its_month(
        system: System, http: httpx.AsyncClient) -> None:
    hsp = await open_station(system, "HSP", ("一力社区", "铭安社区", "创谷社区", "披塘村"))
    wy = await open_station(system, "WY", ("状元坡社区",))
    me = worker(hsp)
    culture = await register(http, me, hsp, "一力风采魅妈文艺队", "一力社区", "CULTURE_SPORT")
    mutual_aid = await register(http, me, hsp, "铭安邻里互助队", "铭安社区", "MUTUAL_AID")
    mediation = await register(http, me, hsp, "创谷和事佬调解队", "创谷社区", "DISPUTE_MEDIATION")
    idle = await register(http, me, hsp, "披塘村广场舞队", "披塘村", "CULTURE_SPORT")
    theirs = await register(http, worker(wy, "worker-wy"), wy, "文源书画社", "状元坡社区", "CULTURE_SPORT")
    director = Actor(subject="dir-1", name="项目总监", role=Role.PROJECT_DIRECTOR, station_ids=(hsp, wy))

    held = await hold(http, me, hsp, [culture, mutual_aid, mediation])
    unseen = await hold(http, me, hsp, [culture, theirs])
    elsewhere = await hold(http, director, hsp, [culture, theirs])
    nobody = await hold(http, me, hsp, [])
    ahead = await hold(http, me, hsp, [culture], heldOn=story_day(29))
    # every field below reads what `held` wrote: wait for it once, before them all (a token on one field waits
    # for that field alone, and the others may resolve before it)
    await graphql(http, WAIT, me, station=hsp, t=held["consistencyToken"])
    found = (await graphql(http, MEETINGS, me, station=hsp, month=STORY_MONTH, organisation=culture, idle=idle,
                           t=held["consistencyToken"]))["data"]
    district = (await graphql(http, DISTRICT, BUREAU, month=STORY_MONTH))["data"]["districtOverview"]

    assert held["__typename"] == "StationWorkRecorded"
    [salon] = [e["node"] for e in found["streetMeetings"]["edges"]]
    assert salon == {
        "__typename": "StreetMeeting", "meetingId": held["id"], "kind": "SALON",
        "title": "黑石聚力会十一月社会组织沙龙", "heldOn": story_day(12),
        "present": ["STATION", "STREET_OFFICE", "RESIDENTS_COMMITTEE", "SERVING_PARTY_MEMBER"],
        "agenda": ["各组织本月活动交流", "年底联合汇演筹备"], "minutes": "确定 12 月联合汇演，由文艺队牵头",
        "organisations": [{"name": "一力风采魅妈文艺队", "community": "一力社区", "type": "CULTURE_SPORT"},
                          {"name": "铭安邻里互助队", "community": "铭安社区", "type": "MUTUAL_AID"},
                          {"name": "创谷和事佬调解队", "community": "创谷社区", "type": "DISPUTE_MEDIATION"}]}
    assert found["attended"] == {"totalCount": 1, "edges": [{"node": {"title": "黑石聚力会十一月社会组织沙龙"}}]}
    assert found["idle"] == {"totalCount": 0}
    assert {e["node"]["name"]: e["node"]["streetMeetingsAttended"] for e in found["organisations"]["edges"]} == {
        "一力风采魅妈文艺队": 1, "铭安邻里互助队": 1, "创谷和事佬调解队": 1, "披塘村广场舞队": 0}
    assert found["stationDashboard"] == {"thisMonth": {"streetMeetings": 1}, "thisYear": {"streetMeetings": 1}}
    assert {s["code"]: s["figures"]["streetMeetings"] for s in district["stations"]} == {"HSP": 1, "WY": 0}
    assert district["totals"]["streetMeetings"] == 1

    # Another station's organisation: not found for a worker who cannot see it, not this station's for one who can
    assert (unseen["__typename"], unseen["code"], unseen["field"]) == ("NotFound", "not_found", "organisationIds")
    assert theirs in unseen["messageEn"] and "找不到社会组织" in unseen["messageZh"]
    assert (elsewhere["code"], elsewhere["field"]) == ("not_of_this_station", "organisationIds")
    assert "belongs to another station" in elsewhere["messageEn"] and "不属于本社工站" in elsewhere["messageZh"]
    assert (nobody["code"], nobody["field"]) == ("no_organisations_attending", "organisationIds")
    assert "至少" in nobody["messageZh"] and "at least one" in nobody["messageEn"]
    assert (ahead["code"], ahead["field"]) == ("invalid_input", "heldOn")
    assert "future" in ahead["messageEn"] and "将来" in ahead["messageZh"]
    # and nothing of the refused ones was recorded
    assert await system.activities.pool.fetchval("SELECT count(*) FROM events WHERE type = 'StreetMeetingHeld'") == 1


async def test_held_on_defaults_to_today_in_china(system: System, http: httpx.AsyncClient) -> None:
    hsp = await open_station(system, "HSP")
    me = worker(hsp)
    culture = await register(http, me, hsp, "一力风采魅妈文艺队", "一力社区", "CULTURE_SPORT")

    held = await record(http, me, "holdStreetMeeting", "HoldStreetMeetingInput", stationId=hsp,
                        title="黑石聚力会工作联席会议", kind="JOINT_MEETING", organisationIds=[culture],
                        agenda=["年度总结"], minutes="各组织提交年度总结")
    found = (await graphql(http, """query($t: String) { streetMeetings(consistencyToken: $t) {
      edges { node { kind heldOn present } } } }""", me, t=held["consistencyToken"]))["data"]

    assert found["streetMeetings"]["edges"] == [{"node": {"kind": "JOINT_MEETING", "heldOn": STORY[:10],
                                                          "present": []}}]
