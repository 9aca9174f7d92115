"""The demo data `make run` loads: the article's Tianxin figures, through the services' own commands."""

from __future__ import annotations

import httpx
import pytest

from shared.devstack.demo import SYSTEM, bureau, load_demo, read_side_has, send_demo, station_id
from tests.e2e.graphql import graphql
from tests.support import System, token_for

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

OVERVIEW = """{
  districtOverview(year: 2026) {
    stations { code figures { questionnairesDistributed } }
    totals { questionnairesDistributed groupSessions groupPersonTimes groupIndirectPersonTimes }
  }
  projects(year: 2026) { totalCount edges { node {
    name communities progressAllTime { groups groupSessions activities personTimesDirect personTimesIndirect } } } }
  surveys { totalCount edges { node { stationId distributed returned } } }
}"""


async def test_the_demo_holds_the_articles_figures_and_loads_once(system: System, http: httpx.AsyncClient) -> None:
    await load_demo(system.client, token_for(SYSTEM))
    events = await system.events_written()
    await load_demo(system.client, token_for(SYSTEM))  # the same idempotency keys: nothing appended the second time
    await system.read_models_have_everything()

    found = (await graphql(http, OVERVIEW, bureau()))["data"]

    assert events > 0 and await system.events_written() == events
    handed_out = {s["code"]: s["figures"]["questionnairesDistributed"] for s in found["districtOverview"]["stations"]}
    assert handed_out == {"WY": 505, "QY": 357, "GHP": 495, "HSP": 487}
    assert found["districtOverview"]["totals"]["questionnairesDistributed"] == 1844
    assert [e["node"] for e in found["projects"]["edges"]] == [{"name": "童心童乐童成长",
                                  "communities": ["一力社区", "创谷社区", "披塘村", "铭安社区", "黑石铺社区"],
                                  "progressAllTime": {"groups": 6, "groupSessions": 36, "activities": 0,
                                                      "personTimesDirect": 630, "personTimesIndirect": 300}}]
    assert found["districtOverview"]["totals"]["groupIndirectPersonTimes"] == 300
    assert found["surveys"]["totalCount"] == 4
    assert {e["node"]["stationId"]: e["node"]["returned"] for e in found["surveys"]["edges"]} == {
        station_id(code): None for code in ("WY", "QY", "GHP", "HSP")}


async def test_once_the_read_side_has_the_demos_positions_the_first_query_sees_all_of_it(
        system: System, http: httpx.AsyncClient) -> None:
    positions = await send_demo(system.client, token_for(SYSTEM))

    assert await read_side_has(system.client, token_for(SYSTEM), positions)
    found = (await graphql(http, OVERVIEW, bureau()))["data"]  # what make run's gateway answers first, right after

    assert len(positions) > 100 and all(p["stream_id"] for p in positions)
    assert found["districtOverview"]["totals"]["questionnairesDistributed"] == 1844
    assert found["districtOverview"]["totals"]["groupPersonTimes"] == 630
