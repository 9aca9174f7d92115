"""The city bureau and the provincial department read the stations under their division through GraphQL: two
districts of 长沙市 (4301) and one of 株洲市 (4302), all of 湖南省 (43), a station in each with a case and a
session. The city bureau sees its city's districts and nothing of the other city; the province sees both cities;
neither writes anything; a district bureau bounded by its district sees that district alone."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx
import pytest

from shared.china import china_today
from shared.contracts import Actor, Role
from tests.e2e.graphql import RECORD, graphql
from tests.support import BUREAU, System, open_case_for, token_for, worker

pytestmark = pytest.mark.dateless  # the cases are opened and served today, whatever today is

CITY = Actor(subject="changsha", name="长沙市民政局", role=Role.CITY_BUREAU, station_ids=("*",), division="4301")
OTHER_CITY = Actor(subject="zhuzhou", name="株洲市民政局", role=Role.CITY_BUREAU, station_ids=("*",),
                   division="4302")
PROVINCE = Actor(subject="hunan", name="湖南省民政厅", role=Role.PROVINCIAL_DEPARTMENT, station_ids=("*",),
                 division="43")
TIANXIN = Actor(subject="tianxin", name="天心区民政局", role=Role.DISTRICT_BUREAU, station_ids=("*",),
                division="430103")

PLACES = (("TX", "天心区", "430103", "430103012000"), ("YL", "岳麓区", "430104", "430104001000"),
          ("HT", "荷塘区", "430202", "430202001000"))

REGION = """query($d: String!, $y: Int) { regionOverview(division: $d, year: $y) {
  division level regions { division name stationId figures { casesOpened caseSessions peopleServed } }
  totals { casesOpened caseSessions peopleServed } } }"""
DISTRICT = """query($y: Int) { districtOverview(year: $y) { stations { code } totals { casesOpened } } }"""
DASHBOARD = """query($s: ID!) { stationDashboard(stationId: $s) { thisYear { casesOpened } } }"""
CASES = """query { cases(first: 5) { totalCount } }"""
EXPORT = """mutation($m: String!) { exportDistrictMonth(month: $m, format: CSV) {
  __typename ... on ExportReady { url } ... on UserError { code field } } }"""
REGISTER_STREET = """mutation($input: RegisterStreetInput!) { registerStreet(input: $input) {
  __typename ... on UserError { code field } } }"""
OPEN_STATION = """mutation($input: OpenStationInput!) { openStation(input: $input) {
  __typename ... on UserError { code field } } }"""


async def station_in(system: System, code: str, district: str, district_code: str, division_code: str) -> str:
    street = await system.call("activities", "register_street", {
        "name": f"{code}街道", "district": district, "district_code": district_code, "division_code": division_code})
    await system.call("activities", "add_community", {"street_id": street["street_id"], "name": "一力社区"})
    station = await system.call("activities", "open_station", {
        "street_id": street["street_id"], "name": f"{code}街道社工站", "code": code, "opened_on": "2019-01-15"})
    await system.read_models_have(station["position"])
    return str(station["station_id"])


async def served(system: System, station_id: str) -> str:
    """A case opened today at the station and one session held on it; the case's id."""
    me = worker(station_id, f"sw-{station_id[:8]}")
    case = await open_case_for(system, station_id, me, opened_on=china_today())
    await system.call("cases", "record_case_session", {"case_id": case["case_id"], "held_on": china_today().isoformat(),
                                                       "mode": "home_visit", "duration_minutes": 40}, me)
    return str(case["case_id"])


def data(answer: dict[str, Any], field: str) -> Any:
    assert "errors" not in answer, answer
    return answer["data"][field]


def refused(answer: dict[str, Any]) -> tuple[str, str | None]:
    [error] = answer["errors"]
    return error["extensions"]["code"], error["extensions"]["field"]


def figures(cases: int) -> dict[str, int]:
    return {"casesOpened": cases, "caseSessions": cases, "peopleServed": cases}


async def test_city_and_province_read_the_stations_under_them_and_write_nothing(
        system: System, http: httpx.AsyncClient) -> None:
    tx, yl, ht = [await station_in(system, *place) for place in PLACES]
    case_at_tx, _, _ = [await served(system, station) for station in (tx, yl, ht)]
    await system.read_models_have_everything()
    year = china_today().year

    city = data(await graphql(http, REGION, CITY, d="4301", y=year), "regionOverview")
    a_district = data(await graphql(http, REGION, CITY, d="430103", y=year), "regionOverview")
    province = data(await graphql(http, REGION, PROVINCE, d="43", y=year), "regionOverview")
    city_district = data(await graphql(http, DISTRICT, CITY, y=year), "districtOverview")
    tianxin_district = data(await graphql(http, DISTRICT, TIANXIN, y=year), "districtOverview")
    own_dashboard = data(await graphql(http, DASHBOARD, CITY, s=yl), "stationDashboard")
    other_dashboard = await graphql(http, DASHBOARD, CITY, s=ht)
    cases = await graphql(http, CASES, CITY)
    province_of_city = await graphql(http, REGION, CITY, d="43", y=year)
    other_city = await graphql(http, REGION, OTHER_CITY, d="4301", y=year)
    tianxin_city = await graphql(http, REGION, TIANXIN, d="4301", y=year)
    not_a_code = await graphql(http, REGION, PROVINCE, d="4300", y=year)
    session = data(await graphql(http, RECORD, CITY, input={"caseId": case_at_tx, "heldOn": china_today().isoformat(),
                                                            "mode": "HOME_VISIT", "durationMinutes": 30}),
                   "recordCaseSession")
    station = data(await graphql(http, OPEN_STATION, PROVINCE, input={
        "streetId": "any", "name": "新社工站", "code": "NEW", "openedOn": "2019-01-15"}), "openStation")
    elsewhere = data(await graphql(http, REGISTER_STREET, TIANXIN, input={
        "name": "望月湖街道", "district": "岳麓区", "districtCode": "430104", "divisionCode": "430104002000"}),
        "registerStreet")
    wrong_level = await graphql(http, "{ me { division } }", bearer=token_for(replace(CITY, division="43")))
    everything = data(await graphql(http, REGION, BUREAU, d="43", y=year), "regionOverview")
    exported = data(await graphql(http, EXPORT, CITY, m=china_today().strftime("%Y-%m")), "exportDistrictMonth")
    download = (await http.get(exported["url"])).content.decode("utf-8-sig")

    assert (city["division"], city["level"]) == ("4301", "CITY")
    assert city["regions"] == [
        {"division": "430103", "name": "天心区", "stationId": None, "figures": figures(1)},
        {"division": "430104", "name": "岳麓区", "stationId": None, "figures": figures(1)}]
    assert city["totals"] == figures(2)
    assert a_district["level"] == "DISTRICT"
    assert a_district["regions"] == [{"division": "430103012000", "name": "TX街道社工站", "stationId": tx,
                                      "figures": figures(1)}]
    assert province["level"] == "PROVINCE"
    assert [(r["division"], r["name"], r["figures"]) for r in province["regions"]] == [
        ("4301", "4301", figures(2)), ("4302", "4302", figures(1))]  # no table of city names: the code
    assert province["totals"] == figures(3) == everything["totals"]
    assert [s["code"] for s in city_district["stations"]] == ["TX", "YL"] and city_district["totals"] == {
        "casesOpened": 2}
    assert [s["code"] for s in tianxin_district["stations"]] == ["TX"]
    assert own_dashboard["thisYear"]["casesOpened"] == 1
    assert refused(other_dashboard) == ("forbidden", "stationId")
    assert refused(cases)[0] == "forbidden"  # a case list is not a city's to read: its figures are
    assert refused(province_of_city) == ("forbidden", "division")
    assert refused(other_city) == ("forbidden", "division")
    assert refused(tianxin_city) == ("forbidden", "division")
    assert refused(not_a_code) == ("bad_division_code", "division")
    assert (session["__typename"], session["code"]) == ("Forbidden", "forbidden")
    assert station["__typename"] == "Forbidden"
    assert refused(wrong_level)[0] == "invalid_token"
    assert (elsewhere["__typename"], elsewhere["field"]) == ("Forbidden", "districtCode")  # 天心区's bureau
    assert exported["__typename"] == "ExportReady"  # a city's export is its districtOverview: its stations alone
    assert "TX街道社工站" in download and "YL街道社工站" in download and "HT街道社工站" not in download
    assert "division" in wrong_level["errors"][0]["extensions"]["messageEn"]

