"""A district bureau takes an empty installation to a working station through GraphQL alone: its street and
communities with their official codes, a compound, the station; the station's head takes on a worker, who
registers a person and opens a case that the station's dashboard counts. And what it refuses on the way."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shared.china import china_today
from tests.e2e.conftest import TOKENS
from tests.e2e.graphql import OPEN, REGISTER, graphql, member, record, recorded
from tests.support import BUREAU, System, head, worker

pytestmark = pytest.mark.dateless  # the case is opened today, whatever today is; its dates are only data

PLACES = """query($street: ID!, $station: ID!, $t: String) {
  streets(consistencyToken: $t) { streetId name district districtCode divisionCode stationId }
  communities(streetId: $street, consistencyToken: $t) { communityId name divisionCode kind }
  byName: community(stationId: $station, text: "一力 社区", consistencyToken: $t) { communityId }
  byCode: community(stationId: $station, text: "430103012003", consistencyToken: $t) { name }
  stations(consistencyToken: $t) { stationId streetId communities communityPlaces { name divisionCode kind }
                                   compounds { name community communityId } }
  compounds(stationId: $station, consistencyToken: $t) { name } }"""

DASHBOARD = """query($station: ID!, $t: String) {
  stationDashboard(stationId: $station, consistencyToken: $t) { thisMonth { casesOpened } } }"""


async def settled(system: System, *tokens: str) -> None:
    """The read models hold every write these tokens name."""
    for token in tokens:
        for position in TOKENS.open(token):
            await system.read_models_have(position)


def refusal(answer: dict[str, Any]) -> tuple[str, str | None]:
    return answer["code"], answer["field"]


async def test_the_bureau_sets_up_a_street_a_station_and_its_communities_and_the_station_starts_work(
        system: System, http: httpx.AsyncClient) -> None:
    street_id = await recorded(http, BUREAU, "registerStreet", "RegisterStreetInput", name="黑石铺街道",
                               district="天心区", districtCode="430103", divisionCode="430103012000")
    wrong_district = await record(http, BUREAU, "registerStreet", "RegisterStreetInput", name="青园街道",
                                  district="天心区", districtCode="430103", divisionCode="430104011000")
    by_a_worker = await record(http, worker("any-station"), "registerStreet", "RegisterStreetInput",
                               name="文源街道", district="天心区", districtCode="430103", divisionCode="430103010000")
    yili = await recorded(http, BUREAU, "addCommunity", "AddCommunityInput", streetId=street_id, name="一力社区",
                          divisionCode="430103012002")
    await recorded(http, BUREAU, "addCommunity", "AddCommunityInput", streetId=street_id, name="铭安社区",
                   divisionCode="430103012003")
    spaced = await record(http, BUREAU, "addCommunity", "AddCommunityInput", streetId=street_id, name="一力 社区",
                          divisionCode="430103012009")
    code_taken = await record(http, BUREAU, "addCommunity", "AddCommunityInput", streetId=street_id,
                              name="创谷社区", divisionCode="430103012002")
    other_street = await record(http, BUREAU, "addCommunity", "AddCommunityInput", streetId=street_id,
                                name="披塘村", kind="VILLAGE", divisionCode="430103011201")
    await recorded(http, BUREAU, "addCompound", "AddCompoundInput", streetId=street_id, communityId=yili,
                   name="一力小区")
    opened = await record(http, BUREAU, "openStation", "OpenStationInput", streetId=street_id,
                          name="黑石铺街道社工站", code="HSP", openedOn="2019-01-15")
    station_id = opened["id"]
    me, chief = worker(station_id, "sw-hsp-9"), head(station_id)
    joined = await record(http, chief, "joinStaff", "JoinStaffInput", staffId=me.subject, name="王社工",
                          role="SOCIAL_WORKER", stationIds=[station_id], joinedOn="2019-01-15")
    registered = (await graphql(http, REGISTER, me, input={
        "stationId": station_id, "name": "陈某", "gender": "FEMALE", "birthYear": 1983, "community": "一力社区",
        "categories": [member("SUBSISTENCE_ALLOWANCE")]}))["data"]["registerRecipient"]
    case = (await graphql(http, OPEN, me, input={
        "recipientId": registered["recipientId"], "workerId": me.subject, "intakeSource": "OUTREACH",
        "presentingProblem": "家庭经济困难", "openedOn": china_today().isoformat()}))["data"]["openCase"]
    await settled(system, opened["consistencyToken"], joined["consistencyToken"], case["consistencyToken"])
    places = await graphql(http, PLACES, BUREAU, street=street_id, station=station_id)
    unknown = await graphql(http, """query($s: ID!) { community(stationId: $s, text: "一力社") { name } }""", me,
                            s=station_id)
    dashboard = await graphql(http, DASHBOARD, me, station=station_id, t=case["consistencyToken"])

    assert refusal(wrong_district) == ("bad_division_code", "divisionCode")
    assert "430103" in wrong_district["messageZh"] and "“divisionCode”" in wrong_district["messageZh"]
    assert wrong_district["messageEn"] == ("The code 430104011000 in divisionCode must begin with its district's "
                                           "code 430103")
    assert by_a_worker["__typename"] == "Forbidden"
    assert refusal(spaced) == ("already_exists", "name")
    assert refusal(code_taken) == ("already_exists", "divisionCode") and yili in code_taken["messageEn"]
    assert refusal(other_street) == ("bad_division_code", "divisionCode")
    assert "430103012" in other_street["messageZh"] and "its street's code 430103012" in other_street["messageEn"]
    assert (registered["__typename"], case["__typename"]) == ("RegisterRecipientPayload", "OpenCasePayload")
    assert "errors" not in places, places
    found = places["data"]
    assert found["streets"] == [{"streetId": street_id, "name": "黑石铺街道", "district": "天心区",
                                 "districtCode": "430103", "divisionCode": "430103012000", "stationId": station_id}]
    assert found["communities"] == [
        {"communityId": yili, "name": "一力社区", "divisionCode": "430103012002", "kind": "COMMUNITY"},
        {"communityId": found["communities"][1]["communityId"], "name": "铭安社区", "divisionCode": "430103012003",
         "kind": "COMMUNITY"}]
    assert found["byName"] == {"communityId": yili} and found["byCode"] == {"name": "铭安社区"}
    assert found["stations"] == [{
        "stationId": station_id, "streetId": street_id, "communities": ["一力社区", "铭安社区"],
        "communityPlaces": [{"name": "一力社区", "divisionCode": "430103012002", "kind": "COMMUNITY"},
                            {"name": "铭安社区", "divisionCode": "430103012003", "kind": "COMMUNITY"}],
        "compounds": [{"name": "一力小区", "community": "一力社区", "communityId": yili}]}]
    assert found["compounds"] == [{"name": "一力小区"}]
    [error] = unknown["errors"]
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("unknown_community", "community")
    assert "一力社" in error["extensions"]["messageZh"] and "一力社" in error["extensions"]["messageEn"]
    assert dashboard["data"]["stationDashboard"]["thisMonth"] == {"casesOpened": 1}

