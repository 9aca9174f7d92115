"""Personal data: sealed everywhere but in the cases service, masked by default, audited when read, erasable."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

from shared.china import china_today
from shared.id_number import check_character
from tests.clock import story_day
from tests.e2e.conftest import TOKENS
from tests.e2e.graphql import (
    CASES,
    OPEN,
    RECORD,
    REGISTER,
    STATION_MONTH,
    close_through_every_stage,
    graphql,
    member,
)
from tests.support import BUREAU, System, head, open_station, stream_messages, worker

ID_NUMBER = "43010319680101123" + check_character("43010319680101123")
PHONE = "13912345678"
SECRETS = ("叶某某", ID_NUMBER, PHONE, "天心区一力社区3栋", "长期独自在家，不愿与人交流", "从不信任到慢慢接纳",
           "1968-01-01", "龚秀芳", "在外地打工", "physical")

RECIPIENT = """
query($id: ID!, $purpose: String) {
  recipient(id: $id, purpose: $purpose) {
    name idNumber phone address masked erased consentGivenOn birthDate
    disability { type grade } household { name relation birthYear note }
  }
}"""

ERASE = """
mutation($input: EraseRecipientInput!) {
  eraseRecipient(input: $input) {
    __typename
    ... on EraseRecipientPayload { consistencyToken }
    ... on UserError { code field messageZh messageEn }
  }
}"""


async def registered_with_a_case(http: httpx.AsyncClient, station_id: str) -> dict[str, Any]:
    me = worker(station_id)
    registered = (await graphql(http, REGISTER, me, input={
        "stationId": station_id, "name": "叶某某", "gender": "MALE", "birthDate": "1968-01-01", "community": "一力社区",
        "categories": [member("DISABLED", source="VISIT")], "disability": {"type": "PHYSICAL", "grade": 2},
        "household": [{"name": "龚秀芳", "relation": "SPOUSE", "birthYear": 1970, "note": "在外地打工"}],
        "idNumber": ID_NUMBER, "phone": PHONE, "address": "天心区一力社区3栋",
        "consentGivenOn": "2026-10-01", "consentPurpose": "建立个案档案"}))["data"]["registerRecipient"]
    assert registered["__typename"] == "RegisterRecipientPayload", registered
    opened = (await graphql(http, OPEN, me, input={
        "recipientId": registered["recipientId"], "workerId": me.subject, "intakeSource": "OUTREACH",
        "presentingProblem": "长期独自在家，不愿与人交流", "openedOn": "2026-10-08"}))["data"]["openCase"]
    for day in ("2026-10-15", "2026-10-22"):
        recorded = (await graphql(http, RECORD, me, input={
            "caseId": opened["caseId"], "heldOn": day, "mode": "HOME_VISIT", "durationMinutes": 60,
            "notes": "从不信任到慢慢接纳"}))["data"]["recordCaseSession"]
        assert recorded["__typename"] == "RecordCaseSessionPayload"
    token = await close_through_every_stage(http, me, head(station_id), opened["caseId"], assessed_on="2026-10-09",
                                            evaluated_on="2026-10-28", closed_on="2026-10-29")
    return {"recipient_id": registered["recipientId"], "case_id": opened["caseId"], "token": token}


async def everything_stored(system: System) -> str:
    """Every byte of personal data could only hide in these: the events table, the stream, the read models, the
    cases service's search index."""
    events = await system.cases.pool.fetch("SELECT data::text FROM events")
    stream = await stream_messages(system.nc, system.namespace, "cases")
    tables = [await system.reporting.pool.fetch(f"SELECT * FROM {t}")
              for t in ("recipients", "cases", "case_sessions")]
    tables += [await system.cases.pool.fetch(f"SELECT * FROM {t}")  # the keyed search index: digests only
               for t in ("recipient_search", "recipient_cases")]
    return json.dumps([[r[0] for r in events], [m["data"] for m in stream],
                       [[dict(r) for r in rows] for rows in tables]], ensure_ascii=False, default=str)


async def test_personal_data_is_never_stored_published_or_projected_in_clear(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    case = await registered_with_a_case(http, station_id)
    await graphql(http, CASES, worker(station_id), token=case["token"])

    stored = await everything_stored(system)

    for secret in SECRETS:
        assert secret not in stored, f"{secret} is stored in clear"
    assert '"sealed"' in stored


async def test_station_staff_see_masked_data_and_read_it_unmasked_only_with_a_purpose_which_is_audited(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    other_station = await open_station(system, "WY")
    case = await registered_with_a_case(http, station_id)
    me = worker(station_id)

    plain = (await graphql(http, RECIPIENT, me, id=case["recipient_id"]))["data"]["recipient"]
    unmasked = (await graphql(http, RECIPIENT, me, id=case["recipient_id"], purpose="办理低保复核"))["data"]
    by_bureau = await graphql(http, RECIPIENT, BUREAU, id=case["recipient_id"], purpose="抽查")
    by_stranger = await graphql(http, RECIPIENT, worker(other_station, "w-wy"), id=case["recipient_id"],
                                purpose="好奇")

    assert plain == {"name": "叶某某", "idNumber": "4301**********" + ID_NUMBER[-4:], "phone": "139****5678",
                     "address": None, "masked": True, "erased": False, "consentGivenOn": "2026-10-01",
                     "birthDate": None, "disability": None,
                     "household": [{"name": "龚**", "relation": "SPOUSE", "birthYear": 1970, "note": ""}]}
    assert unmasked["recipient"] == {
        "name": "叶某某", "idNumber": ID_NUMBER, "phone": PHONE, "address": "天心区一力社区3栋", "masked": False,
        "erased": False, "consentGivenOn": "2026-10-01", "birthDate": "1968-01-01",
        "disability": {"type": "PHYSICAL", "grade": 2},
        "household": [{"name": "龚秀芳", "relation": "SPOUSE", "birthYear": 1970, "note": "在外地打工"}]}
    assert by_bureau["errors"][0]["extensions"]["code"] == "forbidden"
    assert by_stranger["data"]["recipient"] is None
    audit = await system.cases.pool.fetch(
        "SELECT data, metadata FROM events WHERE stream_id = $1", f"disclosures-{case['recipient_id']}")
    assert len(audit) == 1, "one unmasked read, one audit record; masked reads and refusals record nothing"
    record = json.loads(audit[0]["data"])
    assert (record["read_by"], record["purpose"], record["fields"]) == (
        me.subject, "办理低保复核", ["birth_date", "id_number", "phone", "address", "disability", "household"])
    reads = """{ sensitiveDataReads { recipientId fields purpose readBy readByRole } }"""
    await system.read_models_have({"stream_id": f"disclosures-{case['recipient_id']}", "version": 1})
    assert (await graphql(http, reads, BUREAU))["data"]["sensitiveDataReads"] == [{
        "recipientId": case["recipient_id"],
        "fields": ["birth_date", "id_number", "phone", "address", "disability", "household"], "purpose": "办理低保复核",
        "readBy": me.subject, "readByRole": "social_worker"}]
    assert (await graphql(http, reads, me))["errors"][0]["extensions"]["code"] == "forbidden"


async def test_staff_reading_one_recipient_unmasked_at_the_same_moment_are_all_answered_and_all_audited(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    case = await registered_with_a_case(http, station_id)
    readers = [worker(station_id, f"w-{n}") for n in range(6)]

    answers = await asyncio.gather(*(graphql(http, RECIPIENT, reader, id=case["recipient_id"], purpose="家访前核对")
                                     for reader in readers))
    audit = await system.cases.pool.fetch(
        "SELECT data FROM events WHERE stream_id = $1 ORDER BY version", f"disclosures-{case['recipient_id']}")

    assert [a["data"]["recipient"]["idNumber"] for a in answers] == [ID_NUMBER] * 6  # no read refused on a conflict
    assert sorted(json.loads(r["data"])["read_by"] for r in audit) == sorted(r.subject for r in readers)


async def test_an_erased_recipient_is_unreadable_everywhere_while_the_counts_stay(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    case = await registered_with_a_case(http, station_id)
    me = worker(station_id)
    month_before = (await graphql(http, STATION_MONTH, me, stationId=station_id, month="2026-10",
                                  token=case["token"]))["data"]["stationMonth"]

    refused = (await graphql(http, ERASE, me, input={"recipientId": case["recipient_id"], "reason": "本人要求"}))
    erased = (await graphql(http, ERASE, head(station_id), input={
        "recipientId": case["recipient_id"], "reason": "本人要求删除个人信息"}))["data"]["eraseRecipient"]
    after = (await graphql(http, RECIPIENT, me, id=case["recipient_id"], purpose="核对"))["data"]["recipient"]
    listed = (await graphql(http, """query($token: String) { cases(consistencyToken: $token) { edges { node {
        recipientName presentingProblem closeReason sessionCount } } } }""", me, token=erased["consistencyToken"]))
    month_after = (await graphql(http, STATION_MONTH, me, stationId=station_id, month="2026-10",
                                 token=erased["consistencyToken"]))["data"]["stationMonth"]
    reopened = (await graphql(http, OPEN, me, input={
        "recipientId": case["recipient_id"], "workerId": me.subject, "intakeSource": "SELF",
        "presentingProblem": "再次求助", "openedOn": story_day(1)}))["data"]["openCase"]

    assert refused["data"]["eraseRecipient"]["__typename"] == "Forbidden"
    assert erased["__typename"] == "EraseRecipientPayload"
    assert after == {"name": None, "idNumber": None, "phone": None, "address": None, "masked": False,
                     "erased": True, "consentGivenOn": "2026-10-01", "birthDate": None, "disability": None,
                     "household": None}
    assert listed["data"]["cases"]["edges"] == [{"node": {"recipientName": None, "presentingProblem": None,
                                                          "closeReason": None, "sessionCount": 2}}]
    assert month_after == month_before
    assert reopened["__typename"] == "RecipientWasErased" and reopened["code"] == "recipient_erased"
    assert await system.cases.pool.fetchval("SELECT count(*) FROM person_keys WHERE person_id = $1",
                                            case["recipient_id"]) == 0
    events = await system.cases.store.read_stream(f"case-{case['case_id']}")
    assert [e.payload.__class__.__name__ for e in events][:3] == ["CaseOpened", "CaseSessionRecorded",
                                                                  "CaseSessionRecorded"]
    assert events[-1].payload.__class__.__name__ == "CaseClosed"
    sealed_fields = ("presenting_problem", "notes", "reason", "needs", "strengths", "goals", "strategies",
                     "goal_results", "follow_up", "comment")
    assert all(getattr(e.payload, f, None) is None for e in events for f in sealed_fields)


async def test_an_id_number_already_registered_is_refused_with_a_pointer_to_the_recipient(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    case = await registered_with_a_case(http, station_id)
    before = await system.cases.pool.fetchval("SELECT count(*) FROM events")

    again = (await graphql(http, REGISTER, worker(station_id), input={
        "stationId": station_id, "name": "叶某某", "gender": "MALE", "birthYear": 1968, "community": "一力社区",
        "idNumber": ID_NUMBER, "consentGivenOn": "2026-10-01", "consentPurpose": "建档"}))["data"]["registerRecipient"]
    invalid = (await graphql(http, REGISTER, worker(station_id), input={
        "stationId": station_id, "name": "某", "gender": "MALE", "birthYear": 1968, "community": "一力社区",
        "idNumber": ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1"), "consentGivenOn": "2026-10-01",
        "consentPurpose": "建档"}))["data"]["registerRecipient"]
    no_consent = (await graphql(http, REGISTER, worker(station_id), input={
        "stationId": station_id, "name": "某", "gender": "MALE", "birthYear": 1968, "community": "一力社区",
        "phone": "13900000000"}))["data"]["registerRecipient"]

    assert again["__typename"] == "AlreadyRegistered" and again["field"] == "idNumber"
    assert case["recipient_id"] in again["messageZh"] and case["recipient_id"] in again["messageEn"]
    assert invalid["__typename"] == "InvalidInput" and "校验码" in invalid["messageZh"]
    assert no_consent["__typename"] == "Rejected" and no_consent["code"] == "consent_missing"
    assert await system.cases.pool.fetchval("SELECT count(*) FROM events") == before


AUDITED = """query($id: ID!, $purpose: String, $t: String) {
  recipient(id: $id, purpose: $purpose, consistencyToken: $t) { idNumber masked consistencyToken }
}"""

READS = """query($t: String) { sensitiveDataReads(consistencyToken: $t) { recipientId purpose readBy } }"""


async def test_an_unmasked_read_answers_the_token_of_its_audit_row_so_the_audit_reads_it_back_fresh(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    the_head = head(station_id)
    registered = (await graphql(http, REGISTER, the_head, input={
        "stationId": station_id, "name": "叶某某", "gender": "MALE", "birthYear": 1968, "community": "一力社区",
        "idNumber": ID_NUMBER, "phone": PHONE, "consentGivenOn": china_today().isoformat(),
        "consentPurpose": "建立个案档案"}))["data"]["registerRecipient"]
    assert registered["__typename"] == "RegisterRecipientPayload", registered

    masked = (await graphql(http, AUDITED, the_head, id=registered["recipientId"]))["data"]["recipient"]
    read = (await graphql(http, AUDITED, the_head, id=registered["recipientId"], purpose="家访前核对",
                          t=registered["consistencyToken"]))["data"]["recipient"]
    reads = await graphql(http, READS, the_head, t=read["consistencyToken"])

    assert (masked["masked"], masked["consistencyToken"]) == (True, None)  # a masked read records nothing
    assert (read["idNumber"], read["masked"]) == (ID_NUMBER, False)
    carried = {p["stream_id"] for p in TOKENS.open(read["consistencyToken"])}
    assert carried == {f"disclosures-{registered['recipientId']}",
                       *(p["stream_id"] for p in TOKENS.open(registered["consistencyToken"]))}
    assert reads["data"]["sensitiveDataReads"] == [{"recipientId": registered["recipientId"], "purpose": "家访前核对",
                                                    "readBy": the_head.subject}]
    assert reads["extensions"]["consistency"]["stale"] is False
