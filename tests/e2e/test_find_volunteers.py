"""A social worker finds a volunteer of their station by part of the name, the ID number or the phone, masked
until they say why; every search, found or not, is in the audit of searches without what was typed, and those shown
unmasked in the volunteers' audit of reads; another station's
volunteers are never found; registering one twice warns of the first; and the index holds digests only."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import httpx
import pytest

from services.activities.adapters.volunteer_index import VolunteerIndex
from services.activities.entrypoints.commands import reindex
from shared.china import china_today
from shared.id_number import check_character
from shared.masking import masked_phone
from tests.e2e.graphql import graphql, record
from tests.support import System, head, open_station, settings_for, worker

pytestmark = pytest.mark.dateless

FIND = """query($s: ID, $name: String, $id: String, $phone: String, $purpose: String, $t: String) {
  findVolunteers(stationId: $s, name: $name, idNumber: $id, phone: $phone, purpose: $purpose, consistencyToken: $t) {
    volunteerId stationId name gender birthYear idNumber contact birthDate masked consistencyToken
  }
}"""
REGISTER = """mutation($input: RegisterVolunteerInput!) {
  registerVolunteer(input: $input) {
    __typename
    ... on StationWorkRecorded { id consistencyToken potentialMatches { volunteerId likelihood reasons } }
    ... on UserError { code field messageZh messageEn }
  }
}"""
READS = """query($t: String) { volunteerDataReads(consistencyToken: $t) { volunteerId fields purpose readBy } }"""
SEARCHES = """query($t: String) { volunteerSearches(consistencyToken: $t) {
  stationIds criteria purpose masked foundIds foundCount searchedBy } }"""

BORN = date(1968, 5, 1)
ID_NUMBER = f"430103{BORN:%Y%m%d}123" + check_character(f"430103{BORN:%Y%m%d}123")
PHONE = "13800138000"
SPELT_OTHERWISE = "138-0013-8000"


async def registered(http: httpx.AsyncClient, station_id: str, subject: str = "w-1", **fields: Any) -> dict[str, Any]:
    today = china_today().isoformat()
    answer = await graphql(http, REGISTER, worker(station_id, subject), input={
        "stationId": station_id, "name": "叶晓兰", "gender": "female", "ageGroup": "ADULT", "birthYear": BORN.year,
        "consentGivenOn": today, "consentPurpose": "志愿服务登记", **fields})
    result: dict[str, Any] = answer["data"]["registerVolunteer"]
    assert result["__typename"] == "StationWorkRecorded", result
    return result


async def test_a_volunteer_is_found_by_name_part_id_number_or_phone_in_the_callers_stations_only(
        system: System, http: httpx.AsyncClient) -> None:
    station_id, other_id = await open_station(system), await open_station(system, "WY")
    me, stranger = worker(station_id), worker(other_id, "w-wy")
    first = await registered(http, station_id, birthYear=None, birthDate=BORN.isoformat(), idNumber=ID_NUMBER,
                             contact=PHONE)
    elsewhere = await registered(http, other_id, "w-wy", contact="13900139000")
    again = await registered(http, station_id, contact=SPELT_OTHERWISE)
    refused = (await graphql(http, REGISTER, me, input={
        "stationId": station_id, "name": "王芳", "gender": "female", "ageGroup": "ADULT", "birthYear": BORN.year,
        "idNumber": ID_NUMBER, "consentGivenOn": china_today().isoformat(),
        "consentPurpose": "志愿服务登记"}))["data"]["registerVolunteer"]

    async def find(actor: Any = me, **args: Any) -> dict[str, Any]:
        return await graphql(http, FIND, actor, t=again["consistencyToken"], **args)

    def found(answer: dict[str, Any]) -> list[tuple[str, str | None, str | None, bool]]:
        return sorted((v["volunteerId"], v["idNumber"], v["contact"], v["masked"])
                      for v in answer["data"]["findVolunteers"])

    by_name = await find(name="晓兰")
    by_id_number = await find(id=ID_NUMBER.lower())
    by_phone = await find(phone="13800138000")
    nobody = await find(name="王芳")
    both = await find(name="叶晓", phone="138 0013 8000", purpose="核对志愿者保险信息")
    not_mine = await find(stranger, s=station_id, name="叶晓兰")
    theirs = await find(stranger, name="叶晓兰")
    nothing = await find(name=" ")
    reads = await graphql(http, READS, head(station_id),
                          t=both["data"]["findVolunteers"][0]["consistencyToken"])
    searches = (await graphql(http, SEARCHES, head(station_id), t=both["data"]["findVolunteers"][0][
        "consistencyToken"]))["data"]["volunteerSearches"]

    masked_id = "4301**********" + ID_NUMBER[-4:]
    assert found(by_name) == sorted([(first["id"], masked_id, "138****8000", True),
                                     (again["id"], None, masked_phone(SPELT_OTHERWISE), True)])
    assert found(by_id_number) == [(first["id"], masked_id, "138****8000", True)]
    assert [v[0] for v in found(by_phone)] == sorted([first["id"], again["id"]])
    assert found(both) == sorted([(first["id"], ID_NUMBER, PHONE, False), (again["id"], None, SPELT_OTHERWISE, False)])
    assert not_mine["errors"][0]["extensions"]["code"] == "forbidden"
    assert nobody["data"]["findVolunteers"] == []
    assert found(theirs) == [(elsewhere["id"], None, "139****9000", True)]
    assert nothing["errors"][0]["extensions"]["code"] == "search_term_needed"

    assert refused["code"] == "already_registered", "a volunteer's ID number is one person's"
    assert again["potentialMatches"] == [{"volunteerId": first["id"], "likelihood": 0.99,
                                          "reasons": ["SAME_NAME", "SAME_PHONE", "SAME_BIRTH_YEAR", "SAME_GENDER"]}]
    assert elsewhere["potentialMatches"] == [], "another station's volunteer is nobody's duplicate here"

    audit = reads["data"]["volunteerDataReads"]
    with_purpose = ("核对志愿者保险信息（查找志愿者：按姓名片段、按电话（search for volunteers by name part, by phone）"
                    "）")
    assert {(r["volunteerId"], tuple(r["fields"]), r["purpose"]) for r in audit} == {
        (first["id"], ("birth_date", "id_number", "contact"), with_purpose),
        (again["id"], ("contact",), with_purpose)}, "those shown unmasked are reads of their data; masked ones not"
    assert all(r["readBy"] == me.subject for r in audit)
    both_ids, ye = sorted([first["id"], again["id"]]), [first["id"]]
    assert [(s["criteria"], s["purpose"], s["masked"], sorted(s["foundIds"]), s["foundCount"]) for s in searches] == [
        (["NAME_PART", "PHONE"], "核对志愿者保险信息", False, both_ids, 2),
        (["NAME_PART"], None, True, [], 0),
        (["PHONE"], None, True, both_ids, 2),
        (["ID_NUMBER"], None, True, ye, 1),
        (["NAME_PART"], None, True, both_ids, 2),
    ], "every search at the station, newest first, the one finding nobody too"
    assert all(s["stationIds"] == [station_id] and s["searchedBy"] == me.subject for s in searches)
    stored = json.dumps([[r[0] for r in await system.activities.pool.fetch("SELECT data::text FROM events")],
                         [dict(r) for r in await system.activities.pool.fetch("SELECT * FROM volunteer_search_index")],
                         audit, searches], ensure_ascii=False, default=str)
    for secret in ("叶晓兰", "晓兰", "王芳", ID_NUMBER, PHONE, SPELT_OTHERWISE, "13900139000"):
        assert secret not in stored, f"{secret} is stored in clear"

    erased = await record(http, me, "eraseVolunteer", "EraseVolunteerInput", volunteerId=first["id"],
                          reason="本人要求删除")
    gone = await graphql(http, FIND, me, id=ID_NUMBER, t=erased["consistencyToken"])
    index = VolunteerIndex(system.activities.pool, system.activities.store.search_key("activities"))
    live = await index.rows()
    reindexed = await reindex(settings_for(system.servers, system.namespace, "activities"))

    assert gone["data"]["findVolunteers"] == []
    assert {r[1] for r in live} == {again["id"], elsewhere["id"]}, "an erased volunteer's rows go with them"
    assert live == await index.from_store(system.activities.store) == await index.rows(), (
        "the index is what the store's events make: the refused registration left no row")
    assert reindexed["search_rows"] == len(live)
