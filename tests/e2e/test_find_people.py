"""A social worker finds the person on the phone: by part of the name, by ID number, by phone; names masked until
a purpose is given, every search in the audit of searches, found or not (without what was searched for), those
shown unmasked in the audit of sensitive reads; another station's people never found, another station named
refused. Registering the same person again answers a duplicate hint, and opening a second
case for someone warns of the case still open."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shared.china import china_today
from shared.id_number import check_character
from tests.e2e.graphql import OPEN, graphql, member
from tests.support import System, head, open_station, worker

pytestmark = pytest.mark.dateless  # its dates are data (today's): what it checks holds on any day

ID_NUMBER = "43010319680101123" + check_character("43010319680101123")

REGISTER = """
mutation($input: RegisterRecipientInput!) {
  registerRecipient(input: $input) {
    __typename
    ... on RegisterRecipientPayload { recipientId potentialMatches { recipientId likelihood reasons } }
    ... on UserError { code field messageZh messageEn }
  }
}"""

FIND = """
query($stationId: ID, $name: String, $idNumber: String, $phone: String, $purpose: String) {
  findRecipients(stationId: $stationId, name: $name, idNumber: $idNumber, phone: $phone, purpose: $purpose) {
    recipientId name masked community gender birthYear openCaseId consistencyToken
  }
}"""

OPEN_WARNING = OPEN.replace("caseId consistencyToken", "caseId warnings { code caseId messageZh messageEn }")

MATCHES = """query($id: ID!) { recipient(id: $id) { potentialMatches { recipientId likelihood reasons } } }"""

READS = """
query($token: String) { sensitiveDataReads(consistencyToken: $token) { recipientId fields purpose readBy } }"""

SEARCHES = """query($token: String) { recipientSearches(consistencyToken: $token) {
  stationIds criteria purpose masked foundIds foundCount searchedBy searchedAt } }"""


async def registered(http: httpx.AsyncClient, station_id: str, name: str, **more: Any) -> dict[str, Any]:
    answer = (await graphql(http, REGISTER, worker(station_id), input={
        "stationId": station_id, "name": name, "gender": "FEMALE", "birthYear": 1968, "community": "一力社区",
        "categories": [member("DISABLED", source="VISIT")], **more}))["data"]["registerRecipient"]
    assert answer["__typename"] == "RegisterRecipientPayload", answer
    return dict(answer)


async def found(http: httpx.AsyncClient, actor: Any, **asked: Any) -> list[dict[str, Any]]:
    answer = await graphql(http, FIND, actor, **asked)
    assert "errors" not in answer, answer
    return list(answer["data"]["findRecipients"])


async def test_a_worker_finds_the_caller_by_name_part_id_number_or_phone_and_every_search_is_audited(
        system: System, http: httpx.AsyncClient) -> None:
    here, elsewhere = await open_station(system), await open_station(system, "WY")
    me, station_head, stranger = worker(here), head(here), worker(elsewhere, "w-wy")
    today = china_today().isoformat()
    ye = await registered(http, here, "叶小红", idNumber=ID_NUMBER, phone="13912345678", consentGivenOn=today,
                          consentPurpose="建立个案档案")
    await registered(http, here, "王大明")
    theirs = await registered(http, elsewhere, "叶小红")

    by_name = await found(http, me, name="小红")
    by_number = await found(http, me, idNumber=ID_NUMBER.lower())
    by_phone = await found(http, me, phone="+86 139-1234-5678")
    nobody = await found(http, me, name="红叶")
    not_both = await found(http, me, name="小红", phone="13800000000")
    not_mine = await graphql(http, FIND, me, stationId=elsewhere, name="小红")
    in_full = await found(http, station_head, name="叶小", purpose="来电核实身份")

    masked = {"recipientId": ye["recipientId"], "name": "叶**", "masked": True, "community": "一力社区",
              "gender": "FEMALE", "birthYear": 1968, "openCaseId": None}
    assert [{k: v for k, v in m.items() if k != "consistencyToken"} for m in by_name] == [masked]
    assert [m["recipientId"] for m in by_number + by_phone] == [ye["recipientId"]] * 2
    assert [(m["name"], m["masked"]) for m in in_full] == [("叶小红", False)]
    assert nobody == [] and not_both == []

    assert [m["recipientId"] for m in await found(http, stranger, name="小红")] == [theirs["recipientId"]]
    assert not_mine["data"] is None, "another station named is refused, not answered empty"
    assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in not_mine["errors"]] == [
        ("forbidden", "stationId")]
    assert elsewhere in not_mine["errors"][0]["extensions"]["messageZh"]
    assert elsewhere in not_mine["errors"][0]["extensions"]["messageEn"]
    refused = await graphql(http, FIND, me)
    assert refused["errors"][0]["extensions"]["code"] == "search_term_needed"
    assert (await graphql(http, FIND, me, name="叶" * 21))["errors"][0]["extensions"]["field"] == "name"

    token = in_full[0]["consistencyToken"]
    reads = (await graphql(http, READS, station_head, token=token))["data"]
    audited = [(r["fields"], r["purpose"], r["readBy"]) for r in reads["sensitiveDataReads"]]
    assert audited == [(["name"], "来电核实身份（查找：按姓名片段（search by name part））", station_head.subject)], (
        "the one recipient shown unmasked is a read of sensitive data; masked results are not")
    searches = (await graphql(http, SEARCHES, station_head, token=token))["data"]["recipientSearches"]
    assert [(s["criteria"], s["purpose"], s["masked"], s["foundIds"], s["foundCount"], s["searchedBy"])
            for s in searches] == [
        (["NAME_PART"], "来电核实身份", False, [ye["recipientId"]], 1, station_head.subject),
        (["NAME_PART", "PHONE"], None, True, [], 0, me.subject),
        (["NAME_PART"], None, True, [], 0, me.subject),
        (["PHONE"], None, True, [ye["recipientId"]], 1, me.subject),
        (["ID_NUMBER"], None, True, [ye["recipientId"]], 1, me.subject),
        (["NAME_PART"], None, True, [ye["recipientId"]], 1, me.subject),
    ], "every search at the station, newest first, those finding nobody too; the refused ones are no search"
    assert all(s["stationIds"] == [here] and s["searchedAt"] for s in searches)
    assert not any(term in str(audited + searches) for term in ("小红", "叶小", "红叶", ID_NUMBER, "13912345678"))

    again = await registered(http, here, "叶 小红")
    assert again["potentialMatches"] == [{"recipientId": ye["recipientId"], "likelihood": 0.8, "reasons": [
        "SAME_NAME", "SAME_BIRTH_YEAR", "SAME_GENDER", "SAME_COMMUNITY"]}]
    on_record = (await graphql(http, MATCHES, me, id=ye["recipientId"]))["data"]["recipient"]["potentialMatches"]
    assert [(m["recipientId"], m["likelihood"]) for m in on_record] == [(again["recipientId"], 0.8)]

    case = {"recipientId": ye["recipientId"], "workerId": me.subject, "intakeSource": "OUTREACH",
            "presentingProblem": "独居，来电求助", "openedOn": today}
    first = (await graphql(http, OPEN_WARNING, me, input=case))["data"]["openCase"]
    second = (await graphql(http, OPEN_WARNING, me, input=case))["data"]["openCase"]
    assert first["warnings"] == []
    assert second["__typename"] == "OpenCasePayload"
    assert [(w["code"], w["caseId"]) for w in second["warnings"]] == [("already_has_open_case", first["caseId"])]
    assert first["caseId"] in second["warnings"][0]["messageZh"]
    [now] = await found(http, me, idNumber=ID_NUMBER)
    assert now["openCaseId"] in (first["caseId"], second["caseId"])
