"""Communities are references: one community however its records write it, an unknown one refused, and the texts
written before the street had its communities, or before communities were references (v1 events), resolved when
they name one and listed when they do not."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest

from tests.e2e.graphql import graphql, record, recorded
from tests.support import System, join_staff, worker

pytestmark = pytest.mark.dateless  # the days are only data

FIGURES = """
query($station: ID!) {
  personTimes(stationId: $station, year: 2025) { community communityId kind reach count }
  unresolvedCommunities(stationId: $station) { community usedIn records }
  activities(stationId: $station) { edges { node { title community communityId } } }
  projects(stationId: $station) { edges { node { communities communityIds } } }
}"""


def activity(station_id: str, title: str, participants: int, **community: str) -> dict[str, object]:
    return {"stationId": station_id, "title": title, "kind": "FESTIVAL", "heldOn": "2025-06-01", "place": "广场",
            "directParticipants": participants, **community}


async def test_one_community_however_written_an_unknown_one_refused_and_old_texts_listed(
        system: System, http: httpx.AsyncClient) -> None:
    street = await system.call("activities", "register_street", {"name": "黑石铺街道", "district": "天心区",
                                                                 "district_code": "430103",
                                                                 "division_code": "430103012000"})
    station = await system.call("activities", "open_station", {"street_id": street["street_id"], "name": "黑石铺社工站",
                                                               "code": "HSP", "opened_on": "2019-01-15"})
    station_id = str(station["station_id"])
    me = worker(station_id)
    await join_staff(system, station_id, me)
    # Before the street has its communities, a record keeps its text as written, unresolved.
    await recorded(http, me, "recordActivity", "RecordActivityInput", **activity(station_id, "早", 1,
                                                                                 community="一力 社区"))
    await recorded(http, me, "recordActivity", "RecordActivityInput", **activity(station_id, "旧", 2,
                                                                                 community="铭安 社区"))
    yili = await system.call("activities", "add_community", {"street_id": street["street_id"], "name": "一力社区",
                                                             "division_code": "430103012002"})
    yili_id = str(yili["community_id"])
    for n, named in enumerate(({"community": "一力社区"}, {"community": "４３０１０３０１２００２"},
                               {"communityId": yili_id}, {"community": " 一力　社区 ", "communityId": yili_id})):
        await recorded(http, me, "recordActivity", "RecordActivityInput", **activity(station_id, f"新{n}", 10, **named))

    # Two activities recorded before communities were references (ActivityHeld v1: text only), as stored then.
    row = await system.activities.pool.fetchrow("SELECT data, metadata FROM events WHERE type = 'ActivityHeld'"
                                                " ORDER BY global_position DESC LIMIT 1")
    for title, text, participants in (("v1 一力", "一力社区", 100), ("v1 无名", "无名社区", 7)):
        activity_id = str(uuid.uuid4())
        v1 = {**{k: v for k, v in json.loads(row["data"]).items() if k != "community_id"},
              "activity_id": activity_id, "title": title, "community": text, "direct_participants": participants}
        await system.activities.pool.execute(
            "INSERT INTO events (stream_id, stream_type, version, event_id, type, schema_version, data, metadata)"
            " VALUES ($1, 'activity', 1, $2, 'ActivityHeld', 1, $3::jsonb, $4::jsonb)", f"activity-{activity_id}",
            uuid.uuid4(), json.dumps(v1, ensure_ascii=False), row["metadata"])
    await recorded(http, me, "startProject", "StartProjectInput", stationId=station_id, name="童心", aims="陪伴",
                   targetPopulation="儿童", communities=["430103012002", "一力 社区"], startsOn="2025-03-01",
                   endsOn="2025-12-31")
    refused = await record(http, me, "recordActivity", "RecordActivityInput",
                           **activity(station_id, "错", 5, community="状元坡社区"))
    assert (refused["code"], refused["field"]) == ("unknown_community", "community")
    assert "状元坡社区" in refused["messageZh"] and "状元坡社区" in refused["messageEn"]
    neither = await record(http, me, "recordActivity", "RecordActivityInput", **activity(station_id, "空", 5))
    assert (neither["code"], neither["field"]) == ("invalid_input", "community")
    last = await record(http, me, "planGroup", "PlanGroupInput", stationId=station_id, name="小组", type="GROWTH",
                        targetPopulation="儿童", community="一力社区",
                        communityId="00000000-0000-4000-8000-000000000000", leaderIds=[me.subject], plannedSessions=6)
    assert (last["code"], last["field"]) == ("unknown_community", "communityId"), last

    await system.read_models_have_everything()
    found = (await graphql(http, FIGURES, me, station=station_id))["data"]
    assert found["personTimes"] == [
        {"community": "一力社区", "communityId": yili_id, "kind": "ACTIVITY", "reach": "DIRECT",
         "count": 1 + 40 + 100},
        {"community": "无名社区", "communityId": None, "kind": "ACTIVITY", "reach": "DIRECT", "count": 7},
        {"community": "铭安 社区", "communityId": None, "kind": "ACTIVITY", "reach": "DIRECT", "count": 2}]
    assert found["unresolvedCommunities"] == [{"community": "无名社区", "usedIn": "ACTIVITY", "records": 1},
                                              {"community": "铭安 社区", "usedIn": "ACTIVITY", "records": 1}]
    titles = {a["node"]["title"]: a["node"] for a in found["activities"]["edges"]}
    assert len(titles) == 8  # the refused ones wrote nothing
    assert titles["早"]["community"] == "一力社区" and titles["早"]["communityId"] == yili_id
    assert titles["新3"]["community"] == "一力社区" and titles["旧"]["communityId"] is None
    assert found["projects"]["edges"] == [{"node": {"communities": ["一力社区"], "communityIds": [yili_id]}}]
