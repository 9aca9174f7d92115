"""A recipient's record over GraphQL: details kept up to date, a duplicate merged, the station's list."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import httpx

from shared.china import china_today
from shared.contracts import Actor
from shared.contracts.corpus import CORPUS
from shared.eventstore.postgres import NOTIFY_CHANNEL
from tests.clock import story_day
from tests.e2e.graphql import OPEN, RECORD, REGISTER, STATION_MONTH, graphql, member
from tests.support import System, open_station, wait_until, worker

UPDATE = """
mutation($input: UpdateRecipientInput!) {
  updateRecipient(input: $input) {
    __typename
    ... on UpdateRecipientPayload { recipientId consistencyToken }
    ... on UserError { code field messageZh messageEn }
  }
}"""

MERGE = """
mutation($input: MergeRecipientsInput!) {
  mergeRecipients(input: $input) {
    __typename
    ... on MergeRecipientsPayload { recipientId duplicateId consistencyToken }
    ... on UserError { code field messageZh messageEn }
  }
}"""

RECIPIENT = """
query($id: ID!, $purpose: String, $token: String) {
  recipient(id: $id, purpose: $purpose) {
    name community phone address birthYear mergedInto duplicateIds consentGivenOn consentByGuardian
    categories { category validFrom source }
    guardian { name relation phone }
    cases(first: 10) { totalCount edges { node { id number recipientId } } }
  }
  recipients(first: 10, consistencyToken: $token) { totalCount edges { node { id openCases } } }
}"""

LIST = """
query($category: RecipientCategory, $merged: Boolean!, $token: String) {
  recipients(category: $category, includeMerged: $merged, first: 10, consistencyToken: $token) {
    totalCount
    edges { node { id community categories mergedInto openCases recipient { name phone } } }
  }
}"""


async def register(http: httpx.AsyncClient, me: Actor, station_id: str, **fields: Any) -> str:
    registered = (await graphql(http, REGISTER, me, input={
        "stationId": station_id, "name": "周某", "gender": "FEMALE", "birthYear": 1941, "community": "一力社区",
        "categories": [member("ELDERLY_LIVING_ALONE", "2025-06-01", "VISIT")], **fields}))["data"]["registerRecipient"]
    assert registered["__typename"] == "RegisterRecipientPayload", registered
    return str(registered["recipientId"])


async def case_with_a_session(http: httpx.AsyncClient, me: Actor, recipient_id: str, held_on: str) -> str:
    opened = (await graphql(http, OPEN, me, input={
        "recipientId": recipient_id, "workerId": me.subject, "intakeSource": "OUTREACH",
        "presentingProblem": "独居，行动不便", "openedOn": "2026-10-08"}))["data"]["openCase"]
    recorded = (await graphql(http, RECORD, me, input={
        "caseId": opened["caseId"], "heldOn": held_on, "mode": "HOME_VISIT", "durationMinutes": 45}))
    return str(recorded["data"]["recordCaseSession"]["consistencyToken"])


async def test_a_recipients_details_are_kept_up_to_date_and_a_bad_update_changes_nothing(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system, communities=("一力社区", "铭安社区"))
    me = worker(station_id)
    recipient_id = await register(http, me, station_id, address="一力社区3栋", consentGivenOn="2026-10-01",
                                  consentPurpose="上门探访")
    before = await system.cases.pool.fetchval("SELECT count(*) FROM events")
    tomorrow = (china_today() + timedelta(days=1)).isoformat()

    refused = [(await graphql(http, UPDATE, me, input=fields))["data"]["updateRecipient"] for fields in (
        {"recipientId": recipient_id, "phone": "call me"},
        {"recipientId": recipient_id},
        {"recipientId": recipient_id, "address": "x", "clear": ["ADDRESS"]},
        {"recipientId": recipient_id, "categories": [member("LEFT_BEHIND_CHILD")]},
        {"recipientId": recipient_id, "community": "铭安社区", "categories": [member("DISABLED", tomorrow)]},
    )]
    assert [(r["__typename"], r["code"], r["field"]) for r in refused] == [
        ("InvalidInput", "invalid_input", "phone"), ("InvalidInput", "invalid_input", "recipientId"),
        ("InvalidInput", "invalid_input", "address"), ("InvalidInput", "invalid_input", "categories"),
        ("InvalidInput", "invalid_input", "categories.validFrom")]
    assert all(r["messageZh"] and r["messageEn"] for r in refused)
    assert await system.cases.pool.fetchval("SELECT count(*) FROM events") == before, "a refusal stores nothing"

    updated = (await graphql(http, UPDATE, me, input={
        "recipientId": recipient_id, "community": "铭安社区", "phone": "13912345678", "clear": ["ADDRESS"],
        "categories": [member("ELDERLY_LIVING_ALONE", "2025-06-01", "VISIT"),
                       member("SUBSISTENCE_ALLOWANCE", story_day(1), "CIVIL_AFFAIRS_LIST")],
        "consentGivenOn": story_day(2), "consentPurpose": "电话回访"}))["data"]["updateRecipient"]
    assert updated["__typename"] == "UpdateRecipientPayload", updated
    shown = (await graphql(http, RECIPIENT, me, id=recipient_id, purpose="电话回访",
                           token=updated["consistencyToken"]))["data"]

    assert {k: shown["recipient"][k] for k in ("community", "phone", "address", "consentGivenOn")} == {
        "community": "铭安社区", "phone": "13912345678", "address": None, "consentGivenOn": story_day(2)}
    assert shown["recipient"]["categories"] == [
        {"category": "ELDERLY_LIVING_ALONE", "validFrom": "2025-06-01", "source": "VISIT"},
        {"category": "SUBSISTENCE_ALLOWANCE", "validFrom": story_day(1), "source": "CIVIL_AFFAIRS_LIST"}]
    listed = (await graphql(http, LIST, me, category="SUBSISTENCE_ALLOWANCE", merged=False,
                            token=updated["consistencyToken"]))["data"]["recipients"]
    assert listed["totalCount"] == 1
    assert listed["edges"][0]["node"]["community"] == "铭安社区"
    assert listed["edges"][0]["node"]["recipient"] == {"name": "周某", "phone": "139****5678"}


async def test_a_child_is_registered_with_a_guardian_and_the_guardians_consent(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    child = {"name": "李某", "gender": "MALE", "birthDate": "2016-05-01", "birthYear": None,
             "categories": [member("LEFT_BEHIND_CHILD", "2026-03-01", "COMMUNITY")]}
    guardian = {"name": "王秀英", "relation": "GRANDPARENT", "phone": "13700001111"}

    without_guardian = (await graphql(http, REGISTER, me, input={
        "stationId": station_id, "community": "一力社区", **child}))["data"]["registerRecipient"]
    without_consent = (await graphql(http, REGISTER, me, input={
        "stationId": station_id, "community": "一力社区", "guardian": guardian, **child}))["data"]["registerRecipient"]
    recipient_id = await register(http, me, station_id, guardian=guardian, consentGivenOn="2026-03-01",
                                  consentPurpose="留守儿童关爱服务", consentByGuardian=True, **child)
    shown = (await graphql(http, RECIPIENT, me, id=recipient_id))["data"]["recipient"]

    assert (without_guardian["code"], without_guardian["field"]) == ("invalid_input", "guardian")
    assert (without_consent["code"], without_consent["field"]) == ("consent_missing", "consent")
    assert "监护人" in without_consent["messageZh"]
    assert shown["guardian"] == {"name": "王**", "relation": "GRANDPARENT", "phone": "137****1111"}
    assert (shown["birthYear"], shown["consentByGuardian"]) == (2016, True)


async def test_a_duplicate_merged_into_the_record_that_stays_counts_once(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    survivor = await register(http, me, station_id)
    duplicate = await register(http, me, station_id)
    await case_with_a_session(http, me, survivor, "2026-10-20")
    token = await case_with_a_session(http, me, duplicate, "2026-10-21")
    month_before = (await graphql(http, STATION_MONTH, me, stationId=station_id, month="2026-10",
                                  token=token))["data"]["stationMonth"]

    into_itself = (await graphql(http, MERGE, me, input={
        "recipientId": survivor, "duplicateId": survivor, "reason": "重复"}))["data"]["mergeRecipients"]
    merged = (await graphql(http, MERGE, me, input={
        "recipientId": survivor, "duplicateId": duplicate, "reason": "同一人登记了两次"}))["data"]["mergeRecipients"]
    token = merged["consistencyToken"]
    month_after = (await graphql(http, STATION_MONTH, me, stationId=station_id, month="2026-10",
                                 token=token))["data"]["stationMonth"]
    shown = (await graphql(http, RECIPIENT, me, id=survivor, token=token))["data"]
    the_duplicate = (await graphql(http, RECIPIENT, me, id=duplicate))["data"]["recipient"]
    with_merged = (await graphql(http, LIST, me, merged=True, token=token))["data"]["recipients"]
    new_case = (await graphql(http, OPEN, me, input={
        "recipientId": duplicate, "workerId": me.subject, "intakeSource": "SELF", "presentingProblem": "再次求助",
        "openedOn": story_day(1)}))["data"]["openCase"]
    again = (await graphql(http, MERGE, me, input={
        "recipientId": survivor, "duplicateId": duplicate, "reason": "再合并"}))["data"]["mergeRecipients"]

    assert (into_itself["__typename"], into_itself["code"]) == ("Rejected", "cannot_merge")
    assert merged["__typename"] == "MergeRecipientsPayload", merged
    assert (month_before["peopleServed"], month_before["sessionsHeld"]) == (2, 2)
    assert (month_after["peopleServed"], month_after["sessionsHeld"]) == (1, 2)
    assert shown["recipient"]["duplicateIds"] == [duplicate]
    assert shown["recipient"]["cases"]["totalCount"] == 2
    assert {e["node"]["recipientId"] for e in shown["recipient"]["cases"]["edges"]} == {survivor, duplicate}
    assert shown["recipients"] == {"totalCount": 1, "edges": [{"node": {"id": survivor, "openCases": 2}}]}
    assert the_duplicate["mergedInto"] == survivor
    assert with_merged["totalCount"] == 2
    assert (new_case["__typename"], new_case["code"]) == ("RecipientWasMerged", "recipient_merged")
    assert survivor in new_case["messageEn"]
    assert again["code"] == "cannot_merge"


BY_COMMUNITY = """
query($station: ID!, $community: String, $communityId: ID, $t: String) {
  recipients(stationId: $station, community: $community, communityId: $communityId, first: 10, consistencyToken: $t) {
    totalCount edges { node { community communityId } }
  }
  caseBreakdown(stationId: $station, consistencyToken: $t) { byCommunity { community communityId count } }
}"""


async def test_one_community_however_written_counts_once_and_one_not_of_the_street_is_refused(
        system: System, http: httpx.AsyncClient) -> None:
    street = await system.call("activities", "register_street", {
        "name": "黑石铺街道", "district": "天心区", "district_code": "430103", "division_code": "430103012000"})
    station_id = str((await system.call("activities", "open_station", {
        "street_id": street["street_id"], "name": "黑石铺街道社工站", "code": "HSP",
        "opened_on": "2019-01-15"}))["station_id"])
    me = worker(station_id)
    before_communities = await register(http, me, station_id, name="甲某", community="一力 社区")
    yili, mingan = [await system.call("activities", "add_community", {
        "street_id": street["street_id"], "name": name, "division_code": code})
        for name, code in (("一力社区", "430103012002"), ("铭安社区", "430103012003"))]

    async def cases_follows_both() -> bool:
        return await system.cases.pool.fetchval(
            "SELECT count(*) FROM followed_communities c JOIN followed_station_streets s USING (street_id)"
            " WHERE s.station_id = $1", station_id) == 2
    await wait_until(cases_follows_both, what="the cases service to follow the street's communities")
    await system.read_models_have(mingan["position"])

    by_name = await register(http, me, station_id, name="乙某", community="一力社区")
    by_code = await register(http, me, station_id, name="丙某", community="430103012002")
    await register(http, me, station_id, name="丁某", community=None, communityId=yili["community_id"])
    moved = await register(http, me, station_id, name="戊某", community="一力 社区")
    before = await system.events_written()
    refused = [(await graphql(http, REGISTER, me, input={
        "stationId": station_id, "name": "己某", "gender": "MALE", "birthYear": 1950, **named}))[
        "data"]["registerRecipient"] for named in (
        {"community": "坡子街社区"}, {"community": "铭安社区", "communityId": yili["community_id"]}, {})]
    refused.append((await graphql(http, UPDATE, me, input={"recipientId": moved, "community": "状元坡社区"}))[
        "data"]["updateRecipient"])
    assert [(r["code"], r["field"]) for r in refused] == [
        ("unknown_community", "community"), ("community_mismatch", "community"), ("invalid_input", "community"),
        ("unknown_community", "community")]
    assert all(r["messageZh"] and r["messageEn"] for r in refused)
    assert await system.events_written() == before, "a refusal stores nothing"

    updated = (await graphql(http, UPDATE, me, input={"recipientId": moved, "community": "铭安 社区"}))[
        "data"]["updateRecipient"]
    assert updated["__typename"] == "UpdateRecipientPayload", updated
    token = updated["consistencyToken"]
    for recipient_id in (before_communities, by_name, by_code, moved):
        opened = (await graphql(http, OPEN, me, input={
            "recipientId": recipient_id, "workerId": me.subject, "intakeSource": "OUTREACH",
            "presentingProblem": "独居", "openedOn": story_day(1)}))["data"]["openCase"]
        assert opened["__typename"] == "OpenCasePayload", opened
        token = opened["consistencyToken"]

    old_resolved, old_unresolved = await written_before_communities_were_references(
        system, station_id, "铭安 社区", "坡子街社区")

    yili_id, mingan_id = yili["community_id"], mingan["community_id"]
    written_apart = (await graphql(http, BY_COMMUNITY, me, station=station_id, community="一力 社区", t=token))["data"]
    by_code_listed = (await graphql(http, BY_COMMUNITY, me, station=station_id, community="430103012003",
                                    t=token))["data"]["recipients"]
    by_id_listed = (await graphql(http, BY_COMMUNITY, me, station=station_id, communityId=mingan_id,
                                  t=token))["data"]["recipients"]
    assert written_apart["recipients"]["totalCount"] == 4, "written three ways, and once before it was known"
    assert {(n["node"]["community"], n["node"]["communityId"]) for n in written_apart["recipients"]["edges"]} == {
        ("一力社区", yili_id)}
    assert by_code_listed["totalCount"] == by_id_listed["totalCount"] == 2, "moved, and the old record's text"
    assert {n["node"]["community"] for n in by_id_listed["edges"]} == {"铭安社区"}
    unresolved = (await graphql(http, BY_COMMUNITY, me, station=station_id, community="坡子街 社区",
                                t=token))["data"]["recipients"]
    assert unresolved["edges"] == [{"node": {"community": "坡子街社区", "communityId": None}}], "kept, not guessed"
    assert old_resolved != old_unresolved
    assert written_apart["caseBreakdown"] == [{"byCommunity": [
        {"community": "一力社区", "communityId": yili_id, "count": 3},
        {"community": "铭安社区", "communityId": mingan_id, "count": 1}]}]


async def written_before_communities_were_references(system: System, station_id: str, *texts: str) -> list[str]:
    """Recipients registered before communities were references: RecipientRegistered v2 rows, community as text,
    stored as such in the cases store (and so relayed and read as any old event is); their ids."""
    template = json.loads((CORPUS / "events" / "RecipientRegistered" / "v2.json").read_text())
    ids = []
    for text in texts:
        recipient_id = str(uuid.uuid4())
        data = {**template, **dict.fromkeys(("name", "phone", "household", "consent")), "recipient_id": recipient_id,
                "station_id": station_id, "community": text}
        await system.cases.pool.execute(
            "INSERT INTO events (stream_id, stream_type, version, event_id, type, schema_version, data, metadata)"
            " VALUES ($1, 'recipient', 1, $2, 'RecipientRegistered', 2, $3::jsonb, $4::jsonb)",
            f"recipient-{recipient_id}", uuid.uuid4(), json.dumps(data, ensure_ascii=False),
            json.dumps({"actor": {}, "correlation_id": "old", "causation_id": None}))
        await system.cases.pool.execute("SELECT pg_notify($1, 'recipient')", NOTIFY_CHANNEL)  # the relay wakes
        await system.read_models_have({"stream_id": f"recipient-{recipient_id}", "version": 1})
        ids.append(recipient_id)
    return ids
