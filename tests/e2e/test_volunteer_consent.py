"""Volunteers' personal data over GraphQL as recipients' is: taken only with consent (a child's with the
guardian's), on the day it was taken, masked by default and read in full only by station staff, audited; and
erasing a recipient erases the records merged into them."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import httpx

from shared.china import china_today
from shared.id_number import check_character
from tests.clock import STORY_MONTH, story_day
from tests.e2e.graphql import REGISTER, graphql, member, record
from tests.support import BUREAU, System, head, open_station, worker

VOLUNTEER = """query($id: ID!, $purpose: String, $t: String) {
  volunteer(id: $id, purpose: $purpose, consistencyToken: $t) {
    name idNumber contact birthDate masked registeredOn consentGivenOn consentPurpose consentByGuardian
    consistencyToken
  }
}"""
READS = """query($t: String) { volunteerDataReads(consistencyToken: $t) { volunteerId fields purpose readBy
  readByRole } }"""


def id_number_born(born: date) -> str:
    base = f"430103{born:%Y%m%d}123"
    return base + check_character(base)


def volunteer(station_id: str, **fields: Any) -> dict[str, Any]:
    return {"stationId": station_id, "name": "刘某某", "gender": "female", "ageGroup": "ADULT", "birthYear": 1990,
            **fields}


async def events_of(system: System, type_name: str) -> int:
    return int(await system.activities.pool.fetchval("SELECT count(*) FROM events WHERE type = $1", type_name))


async def test_a_13_year_old_volunteers_id_number_without_a_guardians_consent_is_refused_and_nothing_is_registered(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    today = china_today()
    born = date(today.year - 13, 1, 1)
    child = volunteer(station_id, name="小刘", ageGroup="YOUTH", birthYear=None, birthDate=born.isoformat(),
                      idNumber=id_number_born(born), consentGivenOn=today.isoformat(), consentPurpose="志愿服务登记")

    no_consent = await record(http, me, "registerVolunteer", "RegisterVolunteerInput",
                              **{**child, "consentGivenOn": None, "consentPurpose": None})
    their_own = await record(http, me, "registerVolunteer", "RegisterVolunteerInput", **child)
    nothing = await events_of(system, "VolunteerRegistered")
    with_guardians = await record(http, me, "registerVolunteer", "RegisterVolunteerInput", **child,
                                  consentByGuardian=True)
    shown = (await graphql(http, VOLUNTEER, me, id=with_guardians["id"],
                           t=with_guardians["consistencyToken"]))["data"]["volunteer"]

    assert [(r["code"], r["field"]) for r in (no_consent, their_own)] == [
        ("consent_missing", "consentGivenOn"), ("consent_missing", "consentByGuardian")]
    assert "监护人" in their_own["messageZh"] and "guardian" in their_own["messageEn"]
    assert "idNumber" in their_own["messageZh"] and "idNumber" in their_own["messageEn"]
    assert nothing == 0, "a refused registration stores nothing"
    assert with_guardians["__typename"] == "StationWorkRecorded"
    assert (shown["consentByGuardian"], shown["consentGivenOn"]) == (True, today.isoformat())


async def test_a_volunteers_contact_needs_their_consent_and_the_registration_takes_the_day_it_happened(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    today = china_today()
    week_ago = (today - timedelta(days=7)).isoformat()

    no_consent = await record(http, me, "registerVolunteer", "RegisterVolunteerInput",
                              **volunteer(station_id, contact="13800002222"))
    tomorrow = await record(http, me, "registerVolunteer", "RegisterVolunteerInput", **volunteer(
        station_id, registeredOn=(today + timedelta(days=1)).isoformat()))
    late = await record(http, me, "registerVolunteer", "RegisterVolunteerInput", **volunteer(
        station_id, contact="13800002222", registeredOn=week_ago, consentGivenOn=week_ago,
        consentPurpose="志愿服务联系"))
    shown = (await graphql(http, VOLUNTEER, me, id=late["id"], t=late["consistencyToken"]))["data"]["volunteer"]

    assert (no_consent["code"], no_consent["field"]) == ("consent_missing", "consentGivenOn")
    assert "contact" in no_consent["messageEn"]
    assert (tomorrow["code"], tomorrow["field"]) == ("invalid_input", "registeredOn")
    assert (shown["registeredOn"], shown["consentGivenOn"], shown["consentPurpose"]) == (
        week_ago, week_ago, "志愿服务联系")
    assert await events_of(system, "VolunteerRegistered") == 1


async def test_a_volunteer_entered_late_counts_in_the_month_they_registered(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    late = await record(http, me, "registerVolunteer", "RegisterVolunteerInput", **volunteer(
        station_id, registeredOn=story_day(27)))

    async def registered_in(month: str) -> int:
        found = await graphql(http, DASHBOARD, me, s=station_id, m=month, t=late["consistencyToken"])
        return int(found["data"]["stationDashboard"]["thisMonth"]["volunteersRegistered"])

    assert late["__typename"] == "StationWorkRecorded", late
    assert await registered_in(STORY_MONTH) == 1
    assert await registered_in(china_today().strftime("%Y-%m")) == 0


DASHBOARD = """query($s: ID!, $m: String!, $t: String) { stationDashboard(stationId: $s, month: $m,
  consistencyToken: $t) { thisMonth { volunteersRegistered } } }"""


async def test_a_volunteers_id_number_is_masked_for_a_worker_and_its_full_read_is_audited(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    other = await open_station(system, "WY")
    me = worker(station_id)
    today = china_today()
    number = id_number_born(date(1990, 1, 1))
    registered = await record(http, me, "registerVolunteer", "RegisterVolunteerInput", **volunteer(
        station_id, birthYear=None, birthDate="1990-01-01", idNumber=number, contact="13800002222",
        consentGivenOn=today.isoformat(), consentPurpose="志愿服务登记与保险"))
    volunteer_id = registered["id"]

    async def read(actor: Any, **args: Any) -> dict[str, Any]:
        return await graphql(http, VOLUNTEER, actor, id=volunteer_id, t=registered["consistencyToken"], **args)

    masked = (await read(me))["data"]["volunteer"]
    full = (await read(me, purpose="办理志愿者保险"))["data"]["volunteer"]
    by_bureau = await read(BUREAU, purpose="抽查")
    by_stranger = (await read(worker(other, "w-wy"), purpose="好奇"))["data"]["volunteer"]
    reads = await graphql(http, READS, head(station_id), t=full["consistencyToken"])
    audit = await system.activities.pool.fetch("SELECT data FROM events WHERE stream_id = $1",
                                               f"volunteer_disclosures-{volunteer_id}")

    assert masked["idNumber"] == "4301**********" + number[-4:]
    assert (masked["contact"], masked["birthDate"], masked["masked"]) == ("138****2222", None, True)
    assert (full["idNumber"], full["contact"], full["birthDate"], full["masked"]) == (
        number, "13800002222", "1990-01-01", False)
    assert by_bureau["errors"][0]["extensions"]["code"] == "forbidden"
    assert by_stranger is None
    assert len(audit) == 1, "one unmasked read, one audit record; masked reads and refusals record nothing"
    assert json.loads(audit[0]["data"])["purpose"] == "办理志愿者保险"
    assert reads["data"]["volunteerDataReads"] == [{
        "volunteerId": volunteer_id, "fields": ["birth_date", "id_number", "contact"], "purpose": "办理志愿者保险",
        "readBy": me.subject, "readByRole": "social_worker"}]
    assert (await graphql(http, READS, me))["errors"][0]["extensions"]["code"] == "forbidden"


MERGE = """mutation($input: MergeRecipientsInput!) { mergeRecipients(input: $input) { __typename
  ... on MergeRecipientsPayload { consistencyToken } ... on UserError { code field } } }"""
ERASE = """mutation($input: EraseRecipientInput!) { eraseRecipient(input: $input) { __typename
  ... on EraseRecipientPayload { recipientId erasedDuplicateIds consistencyToken } ... on UserError { code field }
  } }"""
RECIPIENT = """query($id: ID!, $purpose: String) { recipient(id: $id, purpose: $purpose) { name phone erased
  mergedInto } }"""


async def test_erasing_a_recipient_erases_the_duplicate_merged_into_them_whose_name_can_no_longer_be_read(
        system: System, http: httpx.AsyncClient) -> None:
    """A duplicate of a duplicate too: 周某 was merged into 周某某, then 周某某 into 周秀英."""
    station_id = await open_station(system)
    me = worker(station_id)
    today = china_today().isoformat()
    ids = []
    for name, phone in (("周秀英", "13900001111"), ("周某某", "13900002222"), ("周某", "13900003333")):
        registered = (await graphql(http, REGISTER, me, input={
            "stationId": station_id, "name": name, "gender": "FEMALE", "birthYear": 1941, "community": "一力社区",
            "phone": phone, "consentGivenOn": today, "consentPurpose": "建立个案档案",
            "categories": [member("ELDERLY_LIVING_ALONE", "2025-06-01", "VISIT")]}))["data"]["registerRecipient"]
        ids.append(registered["recipientId"])
    survivor, duplicate, deeper = ids
    merges = [(await graphql(http, MERGE, me, input={"recipientId": into, "duplicateId": merged,
                                                     "reason": "同一人登记了多次"}))["data"]["mergeRecipients"]
              for into, merged in ((duplicate, deeper), (survivor, duplicate))]
    before = (await graphql(http, RECIPIENT, me, id=duplicate, purpose="核对"))["data"]["recipient"]

    erased = (await graphql(http, ERASE, head(station_id), input={
        "recipientId": survivor, "reason": "本人要求删除个人信息"}))["data"]["eraseRecipient"]
    the_duplicate = (await graphql(http, RECIPIENT, me, id=duplicate, purpose="核对"))["data"]["recipient"]
    the_deeper = (await graphql(http, RECIPIENT, me, id=deeper))["data"]["recipient"]
    again = (await graphql(http, ERASE, head(station_id), input={
        "recipientId": survivor, "reason": "再次删除"}))["data"]["eraseRecipient"]

    assert [m["__typename"] for m in merges] == ["MergeRecipientsPayload"] * 2, merges
    assert (before["name"], before["mergedInto"]) == ("周某某", survivor)
    assert erased["__typename"] == "EraseRecipientPayload", erased
    assert sorted(erased["erasedDuplicateIds"]) == sorted([duplicate, deeper])
    assert the_duplicate == {"name": None, "phone": None, "erased": True, "mergedInto": survivor}
    assert the_deeper == {"name": None, "phone": None, "erased": True, "mergedInto": duplicate}
    assert (again["__typename"], again["code"]) == ("RecipientWasErased", "recipient_erased")
    assert await system.cases.pool.fetchval("SELECT count(*) FROM person_keys WHERE person_id = ANY($1)", ids) == 0
    stored = await system.cases.pool.fetch("SELECT data::text FROM events WHERE type = 'RecipientRegistered'")
    assert not any("周" in row["data"] or "1390000" in row["data"] for row in stored)
