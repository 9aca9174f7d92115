"""Community social organisations over GraphQL: incubated, filed only after its milestones, counted."""

from __future__ import annotations

import httpx

from shared.china import china_today
from tests.e2e.graphql import graphql, record, recorded
from tests.support import System, open_station, worker

FOUND = """query($station: ID!, $month: String!, $t: String) {
  organisations(consistencyToken: $t) { totalCount edges { node { name status milestones filingNumber activities
                                                                   participants leader } } }
  organisationCounts(consistencyToken: $t) { community type total filed }
  stationDashboard(stationId: $station, month: $month) { thisMonth { organisationsFiled } }
}"""


async def test_an_organisation_is_filed_only_after_its_milestones_and_counted_by_community_and_type(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    today = china_today().isoformat()
    organisation = await recorded(http, me, "registerOrganisation", "RegisterOrganisationInput", stationId=station_id,
                                  name="一力风采魅妈文艺队", community="一力社区", type="CULTURE_SPORT", leader="张某",
                                  members=18, foundedOn="2026-03-01")
    await recorded(http, me, "registerOrganisation", "RegisterOrganisationInput", stationId=station_id,
                   name="一力邻里互助队", community="一力社区", type="MUTUAL_AID", leader="李某", members=9,
                   foundedOn="2026-05-01")
    too_soon = await record(http, me, "fileOrganisation", "FileOrganisationInput", organisationId=organisation,
                            filingNumber="黑石铺备2026-033", filedOn=today)
    for milestone in ("LEADER_FOUND", "CHARTER_ADOPTED", "FIRST_ACTIVITY"):
        await recorded(http, me, "recordOrganisationMilestone", "RecordOrganisationMilestoneInput",
                       organisationId=organisation, milestone=milestone, reachedOn="2026-06-01")
    await recorded(http, me, "fileOrganisation", "FileOrganisationInput", organisationId=organisation,
                   filingNumber="黑石铺备2026-033", filedOn=today)
    await recorded(http, me, "changeOrganisationStatus", "ChangeOrganisationStatusInput",
                   organisationId=organisation, status="ACTIVE")
    last = await record(http, me, "recordOrganisationActivity", "RecordOrganisationActivityInput",
                        organisationId=organisation, heldOn=today, content="庆国庆汇报演出", participants=60)

    found = (await graphql(http, FOUND, me, station=station_id, month=today[:7],
                           t=last["consistencyToken"]))["data"]

    assert (too_soon["code"], too_soon["field"]) == ("stage_order", "organisationId")
    assert "charter_adopted" in too_soon["messageEn"] and "培育节点" in too_soon["messageZh"]
    nodes = {e["node"]["name"]: e["node"] for e in found["organisations"]["edges"]}
    assert nodes["一力风采魅妈文艺队"] == {
        "name": "一力风采魅妈文艺队", "status": "ACTIVE",
        "milestones": ["LEADER_FOUND", "CHARTER_ADOPTED", "FIRST_ACTIVITY"], "filingNumber": "黑石铺备2026-033",
        "activities": 1, "participants": 60, "leader": "张某"}
    assert nodes["一力邻里互助队"]["status"] == "INCUBATING"
    assert found["organisationCounts"] == [
        {"community": "一力社区", "type": "CULTURE_SPORT", "total": 1, "filed": 1},
        {"community": "一力社区", "type": "MUTUAL_AID", "total": 1, "filed": 0}]
    assert found["stationDashboard"]["thisMonth"]["organisationsFiled"] == 1
    stored = await system.activities.pool.fetchval("SELECT data::text FROM events WHERE type = 'OrganisationRegistered'"
                                                   " AND data->>'name' = '一力风采魅妈文艺队'")
    assert "张某" not in stored
