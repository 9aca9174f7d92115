"""A social worker runs a case from intake to closing through GraphQL over HTTP, and reads it back."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import httpx

from tests.clock import STORY_MONTH, story_day
from tests.e2e.conftest import TOKENS
from tests.e2e.graphql import (
    CASE,
    CASES,
    OPEN,
    RECORD,
    REGISTER,
    STATION_MONTH,
    close_through_every_stage,
    graphql,
    member,
)
from tests.support import BUREAU, System, head, open_case_for, open_station, worker


async def event_count(system: System) -> int:
    return int(await system.cases.pool.fetchval("SELECT count(*) FROM events"))


async def run_a_case(http: httpx.AsyncClient, station_id: str) -> dict[str, Any]:
    me = worker(station_id)
    registered = (await graphql(http, REGISTER, me, input={
        "stationId": station_id, "name": "叶某", "gender": "MALE", "birthYear": 1968, "community": "一力社区",
        "categories": [member("DISABLED"), member("SUBSISTENCE_ALLOWANCE")]}))["data"]["registerRecipient"]
    assert registered["__typename"] == "RegisterRecipientPayload", registered
    opened = (await graphql(http, OPEN, me, input={
        "recipientId": registered["recipientId"], "workerId": me.subject, "intakeSource": "OUTREACH",
        "presentingProblem": "长期独自在家，不愿与人交流", "openedOn": story_day(1)}))["data"]["openCase"]
    assert opened["__typename"] == "OpenCasePayload", opened
    for day, mode, participants in [(story_day(3), "HOME_VISIT", 1), (story_day(10), "CONDOLENCE_VISIT", 2),
                                    (story_day(17), "PHONE", 1)]:
        recorded = (await graphql(http, RECORD, me, input={
            "caseId": opened["caseId"], "heldOn": day, "mode": mode, "durationMinutes": 45,
            "participants": participants, "notes": "从不信任到慢慢接纳"}))["data"]["recordCaseSession"]
        assert recorded["__typename"] == "RecordCaseSessionPayload", recorded
    token = await close_through_every_stage(http, me, head(station_id), opened["caseId"], assessed_on=story_day(2),
                                            evaluated_on=story_day(19), closed_on=story_day(20))
    return {"case_id": opened["caseId"], "token": token}


async def test_a_case_from_intake_to_closing_shows_in_cases_and_in_the_stations_month(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    case = await run_a_case(http, station_id)
    me = worker(station_id)

    listed = (await graphql(http, CASES, me, stationId=station_id, token=case["token"]))["data"]["cases"]
    month = (await graphql(http, STATION_MONTH, me, stationId=station_id, month=STORY_MONTH,
                           token=case["token"]))["data"]["stationMonth"]

    assert listed["totalCount"] == 1
    [edge] = listed["edges"]
    assert edge["node"] == {"caseId": case["case_id"], "status": "CLOSED", "sessionCount": 3,
                            "lastSessionOn": story_day(17), "recipientName": "叶某",
                            "station": {"name": "HSP街道社工站", "code": "HSP"}}
    assert month == {"month": STORY_MONTH, "openCases": 1, "casesOpened": 1, "casesClosed": 1, "sessionsHeld": 3,
                     "casePersonTimes": 4, "peopleServed": 1, "station": {"name": "HSP街道社工站"}}
    october = (await graphql(http, STATION_MONTH, me, stationId=station_id, month="2026-10"))["data"]
    assert october["stationMonth"]["sessionsHeld"] == 0
    assert october["stationMonth"]["openCases"] == 0


async def test_a_worker_of_another_station_can_neither_see_nor_change_the_case(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    other_station = await open_station(system, "WY")
    case = await run_a_case(http, station_id)
    stranger = worker(other_station, subject="worker-wy")
    before = await event_count(system)

    seen = await graphql(http, CASE, stranger, id=case["case_id"], token=case["token"])
    listed = await graphql(http, CASES, stranger, token=case["token"])
    month = await graphql(http, STATION_MONTH, stranger, stationId=station_id, month=STORY_MONTH)
    changed = (await graphql(http, RECORD, stranger, input={
        "caseId": case["case_id"], "heldOn": story_day(18), "mode": "PHONE", "durationMinutes": 10}))

    assert seen["data"]["case"] is None
    assert listed["data"]["cases"]["totalCount"] == 0
    assert month["errors"][0]["extensions"]["code"] == "forbidden"
    assert changed["data"]["recordCaseSession"]["__typename"] == "NotFound"  # as the case query answers it
    assert await event_count(system) == before


async def test_bad_input_gets_a_clear_typed_error_and_changes_nothing(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    case = await run_a_case(http, station_id)
    me = worker(station_id)
    before = await event_count(system)

    missing = await graphql(http, RECORD, me, input={"caseId": case["case_id"], "mode": "PHONE",
                                                     "durationMinutes": 10})
    no_such_case = str(uuid.uuid4())
    unknown = (await graphql(http, RECORD, me, input={
        "caseId": no_such_case, "heldOn": story_day(18), "mode": "PHONE", "durationMinutes": 10}))
    on_closed = (await graphql(http, RECORD, me, input={
        "caseId": case["case_id"], "heldOn": story_day(21), "mode": "PHONE", "durationMinutes": 10}))
    bad_token = await graphql(http, RECORD, bearer="not.a.token", input={
        "caseId": case["case_id"], "heldOn": story_day(18), "mode": "PHONE", "durationMinutes": 10})
    bad_query_token = await graphql(http, CASES, bearer="not.a.token")
    bad_month = await graphql(http, STATION_MONTH, me, stationId=station_id, month="2026-13")

    assert "heldOn" in missing["errors"][0]["message"]
    assert unknown["data"]["recordCaseSession"] == {
        "__typename": "NotFound", "code": "not_found", "field": "caseId", "messageZh": f"找不到个案 {no_such_case}",
        "messageEn": f"No case {no_such_case}"}
    assert on_closed["data"]["recordCaseSession"]["__typename"] == "CaseAlreadyClosed"
    assert on_closed["data"]["recordCaseSession"]["messageZh"].endswith("已结案，不能再记录或结案")
    assert bad_token["data"]["recordCaseSession"]["__typename"] == "Unauthenticated"
    assert bad_query_token["errors"][0]["extensions"]["code"] == "invalid_token"
    assert bad_query_token["data"] is None
    assert bad_month["errors"][0]["extensions"]["field"] == "month"
    assert "YYYY-MM" in bad_month["errors"][0]["extensions"]["messageEn"]
    assert await event_count(system) == before


async def test_the_same_idempotency_key_opens_one_case(system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    registered = (await graphql(http, REGISTER, me, input={
        "stationId": station_id, "name": "周某", "gender": "FEMALE", "birthYear": 1941,
        "community": "一力社区"}))["data"]["registerRecipient"]
    intake = {"recipientId": registered["recipientId"], "workerId": me.subject, "intakeSource": "COMMUNITY",
              "presentingProblem": "独居高龄", "openedOn": story_day(2)}

    first = (await graphql(http, OPEN, me, input=intake, key="intake-1"))["data"]["openCase"]
    again = (await graphql(http, OPEN, me, input=intake, key="intake-1"))["data"]["openCase"]

    assert again == first
    listed = (await graphql(http, CASES, me, token=first["consistencyToken"]))["data"]["cases"]
    assert listed["totalCount"] == 1


async def test_cases_page_newest_first_through_cursors(system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    opened = [await open_case_for(system, station_id) for _ in range(3)]
    await system.read_models_have(opened[-1]["position"])
    page = """query($after: String) { cases(first: 2, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { caseId } } } }"""

    first = (await graphql(http, page, worker(station_id)))["data"]["cases"]
    rest = (await graphql(http, page, worker(station_id), after=first["pageInfo"]["endCursor"]))["data"]["cases"]
    forged = await graphql(http, page, worker(station_id), after="bm90LWEtY3Vyc29y")

    newest_first = [o["case_id"] for o in reversed(opened)]
    assert [e["node"]["caseId"] for e in first["edges"]] == newest_first[:2]
    assert first["pageInfo"]["hasNextPage"] is True and first["totalCount"] == 3
    assert [e["node"]["caseId"] for e in rest["edges"]] == newest_first[2:]
    assert rest["pageInfo"]["hasNextPage"] is False
    assert forged["errors"][0]["extensions"]["field"] == "after"


async def test_queries_with_too_many_aliases_or_tokens_are_refused_before_running(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    aliases = "{ " + " ".join(f"a{n}: me {{ name }}" for n in range(31)) + " }"
    tokens = "{ me { " + " ".join(["name"] * 2001) + " } }"
    fine = "{ cases { edges { node { station { name } } } } }"

    too_many_aliases = await graphql(http, aliases, worker(station_id))
    too_many_tokens = await graphql(http, tokens, worker(station_id))
    allowed = await graphql(http, fine, worker(station_id))

    assert too_many_aliases.get("data") is None and "aliases" in too_many_aliases["errors"][0]["message"]
    assert too_many_tokens.get("data") is None and "token" in too_many_tokens["errors"][0]["message"].lower()
    assert "errors" not in allowed


async def test_the_gateway_counts_its_operations_on_metrics(system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    await graphql(http, "{ me { name } }", worker(station_id))
    await graphql(http, "{ me { name } }", bearer="forged")

    metrics = (await http.get("/metrics")).text
    ready = await http.get("/readyz")

    assert 'hemiao_graphql_operations_total{name="anonymous",operation="query",outcome="ok"}' in metrics
    assert 'hemiao_graphql_operations_total{name="anonymous",operation="query",outcome="error"}' in metrics
    assert "hemiao_graphql_operation_seconds_bucket" in metrics
    assert ready.json() == {"status": "ready", "checks": {"nats": "ok"}}


async def test_each_case_gets_the_next_number_of_its_stations_register_for_the_year_of_intake(
        system: System, http: httpx.AsyncClient) -> None:
    hsp, wy = await open_station(system, "HSP"), await open_station(system, "WY")
    opened = [await open_case_for(system, station, opened_on=day) for station, day in (
        (hsp, date(2026, 10, 8)), (hsp, date(2026, 10, 9)), (wy, date(2026, 10, 9)), (hsp, date(2025, 12, 30)))]
    query = """query($number: String, $t: String) {
        cases(number: $number, consistencyToken: $t) { totalCount edges { node { caseId number } } } }"""
    token = TOKENS.sign([opened[-1]["position"]])

    listed = (await graphql(http, query, BUREAU, t=token))["data"]["cases"]
    found = (await graphql(http, query, BUREAU, number=" hsp-2026-0002 "))["data"]["cases"]

    numbers = {e["node"]["caseId"]: e["node"]["number"] for e in listed["edges"]}
    assert [numbers[o["case_id"]] for o in opened] == ["HSP-2026-0001", "HSP-2026-0002", "WY-2026-0001",
                                                       "HSP-2025-0001"]
    assert found == {"totalCount": 1, "edges": [{"node": {"caseId": opened[1]["case_id"], "number": "HSP-2026-0002"}}]}
