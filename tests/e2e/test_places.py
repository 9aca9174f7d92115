"""Places over GraphQL: a compound in a community, the operating organisation and its contract."""

from __future__ import annotations

import httpx

from tests.clock import story_day
from tests.e2e.graphql import graphql, record, recorded
from tests.support import BUREAU, System, worker


async def test_the_bureau_maps_compounds_and_contracts_an_operator_for_streets(
        system: System, http: httpx.AsyncClient) -> None:
    street = await system.call("activities", "register_street", {"name": "桂花坪街道", "district": "天心区"})
    community = await system.call("activities", "add_community", {"street_id": street["street_id"],
                                                                  "name": "九峰苑社区"})
    station = await system.call("activities", "open_station", {"street_id": street["street_id"],
                                                               "name": "桂花坪街道社工站", "code": "GHP",
                                                               "opened_on": "2019-01-15"})
    await recorded(http, BUREAU, "addCompound", "AddCompoundInput", streetId=street["street_id"],
                   communityId=community["community_id"], name="绿地公馆")
    operator_id = await recorded(http, BUREAU, "registerOperator", "RegisterOperatorInput", name="培源社工")
    await recorded(http, BUREAU, "awardContract", "AwardContractInput", operatorId=operator_id,
                   streetIds=[street["street_id"]], startsOn="2026-01-01", endsOn="2027-12-31")
    overlapping = await record(http, BUREAU, "awardContract", "AwardContractInput", operatorId=operator_id,
                               streetIds=[street["street_id"]], startsOn="2027-01-01", endsOn="2028-12-31")
    by_worker = await record(http, worker(station["station_id"]), "addCompound", "AddCompoundInput",
                             streetId=street["street_id"], communityId=community["community_id"], name="别的小区")
    closed = await record(http, BUREAU, "closeStation", "CloseStationInput", stationId=station["station_id"],
                          closedOn=story_day(20), reason="街道合并")
    after_closing = await record(http, worker(station["station_id"]), "recordActivity", "RecordActivityInput",
                                 stationId=station["station_id"], community="九峰苑社区", title="中秋", kind="FESTIVAL",
                                 heldOn="2026-09-25", place="广场", directParticipants=10)
    found = (await graphql(http, """query($t: String) {
        operators(consistencyToken: $t) { name contracts { streets startsOn endsOn } }
        stations(consistencyToken: $t) { code closedOn compounds { name community } } }""", BUREAU,
                           t=closed["consistencyToken"]))["data"]

    assert (overlapping["code"], overlapping["field"]) == ("contract_overlaps", "streetIds")
    their_view = (await graphql(http, "{ operators { name } }", worker("some-other-station")))["data"]
    assert their_view == {"operators": []}
    assert by_worker["__typename"] == "Forbidden"
    assert found["operators"] == [{"name": "培源社工", "contracts": [
        {"streets": ["桂花坪街道"], "startsOn": "2026-01-01", "endsOn": "2027-12-31"}]}]
    assert found["stations"] == [{"code": "GHP", "closedOn": story_day(20),
                                  "compounds": [{"name": "绿地公馆", "community": "九峰苑社区"}]}]
    assert (after_closing["code"], after_closing["field"]) == ("station_closed", "stationId")
