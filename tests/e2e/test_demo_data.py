"""The demo data `make run` loads: the article's Tianxin figures, through the services' own commands."""

from __future__ import annotations

import httpx

from shared.devstack.demo import SYSTEM, bureau, load_demo, station_id
from tests.e2e.graphql import graphql
from tests.support import System, token_for

OVERVIEW = """{
  districtOverview(year: 2026) {
    stations { code figures { questionnairesDistributed } }
    totals { questionnairesDistributed groupSessions groupPersonTimes }
  }
  projects(year: 2026) { totalCount edges { node {
    name communities progress { groups groupSessions personTimesDirect personTimesIndirect } } } }
  surveys { totalCount edges { node { stationId distributed returned } } }
}"""


async def test_the_demo_holds_the_articles_figures_and_loads_once(system: System, http: httpx.AsyncClient) -> None:
    sent = await load_demo(system.client, token_for(SYSTEM))
    again = await load_demo(system.client, token_for(SYSTEM))  # the same keys: nothing appended the second time
    events = await system.activities.pool.fetchval("SELECT count(*) FROM events")
    last = await system.activities.pool.fetchrow(
        "SELECT stream_id, version FROM events ORDER BY global_position DESC LIMIT 1")
    await system.read_models_have({"stream_id": last["stream_id"], "version": last["version"]})
    cases_last = await system.cases.pool.fetchrow(
        "SELECT stream_id, version FROM events ORDER BY global_position DESC LIMIT 1")
    await system.read_models_have({"stream_id": cases_last["stream_id"], "version": cases_last["version"]})

    found = (await graphql(http, OVERVIEW, bureau()))["data"]

    assert sent == again
    assert await system.activities.pool.fetchval("SELECT count(*) FROM events") == events
    handed_out = {s["code"]: s["figures"]["questionnairesDistributed"] for s in found["districtOverview"]["stations"]}
    assert handed_out == {"WY": 505, "QY": 357, "GHP": 495, "HSP": 487}
    assert found["districtOverview"]["totals"]["questionnairesDistributed"] == 1844
    assert [e["node"] for e in found["projects"]["edges"]] == [{"name": "童心童乐童成长",
                                  "communities": ["一力社区", "创谷社区", "披塘村", "铭安社区", "黑石铺社区"],
                                  "progress": {"groups": 6, "groupSessions": 36, "personTimesDirect": 630,
                                               "personTimesIndirect": 300}}]
    assert found["surveys"]["totalCount"] == 4
    assert {e["node"]["stationId"]: e["node"]["returned"] for e in found["surveys"]["edges"]} == {
        station_id(code): None for code in ("WY", "QY", "GHP", "HSP")}
