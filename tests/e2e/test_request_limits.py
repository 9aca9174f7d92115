"""The gateway's edges over real HTTP: bodies, WebSocket messages, documents, query cost and callers in flight
are limited before anything is parsed or run, each refusal GraphQL-shaped, bilingual, and changing nothing."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import websockets

from gateway.cost import MAX_COST
from gateway.schema import MAX_QUERY_CHARS
from tests.e2e.conftest import gateway
from tests.e2e.graphql import REGISTER as REGISTERED
from tests.e2e.graphql import graphql
from tests.support import System, open_station, token_for, wait_until, worker

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

LIMIT = 1024 * 1024
REGISTER = """mutation($input: RegisterRecipientInput!) { registerRecipient(input: $input) { __typename } }"""


def only_error(answer: httpx.Response) -> dict[str, Any]:
    body = answer.json()
    assert body.get("data") is None and set(body) <= {"data", "errors"} and len(body["errors"]) == 1, body
    error: dict[str, Any] = body["errors"][0]
    assert error["message"] == f"{error['extensions']['messageZh']} / {error['extensions']['messageEn']}"
    return error


def registration(station_id: str, note: str) -> dict[str, Any]:
    return {"query": REGISTER, "variables": {"input": {
        "stationId": station_id, "name": "叶某", "gender": "MALE", "birthYear": 1968, "community": "一力社区",
        "household": [{"name": "龚某", "relation": "SPOUSE", "birthYear": 1970, "note": note}]}}}


async def test_an_anonymous_20_mb_body_is_refused_as_too_large_by_its_length_and_nothing_is_written(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    before = await system.events_written()

    answer = await http.post("/graphql", content=json.dumps(registration(station_id, "x" * 20_000_000)),
                             headers={"content-type": "application/json"})

    assert answer.status_code == 413
    assert only_error(answer)["extensions"] == {
        "code": "request_too_large", "messageZh": f"请求过大，上限为 {LIMIT} 字节",
        "messageEn": f"The request is too large; the limit is {LIMIT} bytes", "limit": LIMIT}
    assert await system.events_written() == before


async def test_a_chunked_body_without_a_length_is_refused_once_it_passes_the_limit_and_nothing_is_written(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    body = json.dumps(registration(station_id, "笔记" * 400_000)).encode()  # a signed-in worker's 2.4 MB
    before = await system.events_written()

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 64 * 1024):
            yield body[start:start + 64 * 1024]

    answer = await http.post("/graphql", content=chunks(), headers={
        "content-type": "application/json", "authorization": f"Bearer {token_for(worker(station_id))}"})

    assert answer.status_code == 413
    assert "content-length" not in answer.request.headers
    assert only_error(answer)["extensions"]["code"] == "request_too_large"
    assert await system.events_written() == before


async def test_a_body_under_the_limit_is_answered_as_before(system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    before = await system.events_written()

    answer = await http.post("/graphql", json=registration(station_id, "在外地打工"),
                             headers={"authorization": f"Bearer {token_for(worker(station_id))}"})

    assert answer.json() == {"data": {"registerRecipient": {"__typename": "RegisterRecipientPayload"}}}
    assert await system.events_written() == before + 1


async def test_a_websocket_message_over_the_limit_closes_the_connection_as_too_big(system: System) -> None:
    async with gateway(system, max_body_bytes=64 * 1024) as http:
        url = str(http.base_url).replace("http://", "ws://") + "/graphql"
        async with websockets.connect(url, subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
                                      max_size=None) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {"padding": "x" * 70_000}}))
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await ws.recv()

    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


async def test_a_document_over_the_length_limit_is_refused_before_it_is_parsed(http: httpx.AsyncClient) -> None:
    query = "#" + " comment" * (MAX_QUERY_CHARS // 8) + "\n{ __typename }"

    answer = await http.post("/graphql", json={"query": query})

    assert answer.status_code == 200
    assert only_error(answer)["extensions"] == {
        "code": "query_too_large", "messageZh": f"查询文本过长（{len(query)} 个字符），上限为 {MAX_QUERY_CHARS} 个字符",
        "messageEn": f"The query document is {len(query)} characters long, over the limit of {MAX_QUERY_CHARS}",
        "length": len(query), "limit": MAX_QUERY_CHARS}



async def test_a_document_over_the_length_limit_is_refused_over_the_websocket_too(http: httpx.AsyncClient) -> None:
    query = "#" + " comment" * (MAX_QUERY_CHARS // 8) + "\nsubscription { stationFeed { eventType } }"
    url = str(http.base_url).replace("http://", "ws://") + "/graphql"
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
        refused = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))

    assert refused["type"] == "error" and refused["payload"][0]["extensions"]["code"] == "query_too_large"


COSTLY = """
query($id: ID!) {
  recipient(id: $id, purpose: "家访前核对") { name }
  cases(first: 100) { edges { node { id servicePlans { goals { description } } } } }
}"""


async def test_a_query_whose_nested_lists_multiply_past_the_cost_limit_is_refused_and_nothing_of_it_runs(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    registered = await graphql(http, REGISTERED, worker(station_id), input={
        "stationId": station_id, "name": "叶某", "gender": "MALE", "birthYear": 1968, "community": "一力社区",
        "phone": "13912345678", "consentGivenOn": "2026-10-01", "consentPurpose": "建立个案档案"})
    recipient_id = registered["data"]["registerRecipient"]["recipientId"]
    before = await system.events_written()

    costly = await graphql(http, COSTLY, worker(station_id), id=recipient_id)
    cheap = await graphql(http, COSTLY.replace("first: 100", "first: 50"), worker(station_id), id=recipient_id)

    cost = 100 + 100 * 10 + 100 * 10 * 10  # cases, each one's plans (counted as 10), each plan's goals
    assert costly == {"errors": [{  # refused as a whole, a request error has no data
        "message": costly["errors"][0]["message"], "extensions": {
            "code": "query_too_costly", "cost": cost, "limit": MAX_COST,
            "messageZh": f"查询可能返回 {cost} 条记录，超过上限 {MAX_COST}，请减小“first”或分开查询",
            "messageEn": f"The query may ask for {cost} nodes, over the limit of {MAX_COST}; ask for smaller pages"
                         " or split it"}}]}
    assert "errors" not in cheap and cheap["data"]["recipient"]["name"] == "叶某"
    # the unmasked read of the refused query was never made, so never audited; the cheap one's was
    assert await system.events_written() == before + 1


async def test_a_caller_with_too_many_requests_in_flight_is_refused_and_other_callers_are_not(
        system: System) -> None:
    station_id = await open_station(system)
    release = asyncio.Event()

    async def slowly() -> AsyncIterator[bytes]:
        yield b'{"query": '
        await release.wait()
        yield b'"{ __typename }"}'

    async with gateway(system, max_in_flight_per_caller=1) as http:
        held = asyncio.create_task(http.post("/graphql", content=slowly(),
                                             headers={"content-type": "application/json"}))
        refused: list[httpx.Response] = []

        async def second_is_refused() -> bool:
            answer = await http.post("/graphql", json={"query": "{ __typename }"})
            refused.append(answer)
            return answer.status_code == 429

        await wait_until(second_is_refused, what="the held request in flight")
        signed_in = await graphql(http, "{ me { subject } }", worker(station_id))
        release.set()
        first = await held
        after = await http.post("/graphql", json={"query": "{ __typename }"})

    assert refused[-1].headers["retry-after"] == "1"
    assert only_error(refused[-1])["extensions"] == {
        "code": "too_many_requests", "limit": 1, "messageZh": "同时进行的请求过多，上限为 1 个，请稍后再试",
        "messageEn": "Too many requests in flight; the limit is 1, try again shortly"}
    assert signed_in == {"data": {"me": {"subject": "worker-1"}}}
    assert first.json() == after.json() == {"data": {"__typename": "Query"}}


async def test_a_caller_who_spent_their_budget_is_answered_429_with_retry_after_and_nothing_they_send_runs(
        system: System) -> None:
    station_id = await open_station(system)
    spender, other = worker(station_id), worker(station_id, subject="worker-2")
    headers = {"authorization": f"Bearer {token_for(spender)}"}

    async with gateway(system, caller_points=100, caller_points_per_second=1) as http:
        costly = await http.post("/graphql", json={"query": "{ cases(first: 100) { totalCount } }"}, headers=headers)
        before = await system.events_written()
        throttled = await http.post("/graphql", json=registration(station_id, "在外地打工"), headers=headers)
        after = await system.events_written()
        others = await graphql(http, "{ me { subject } }", other)

    assert costly.json() == {"data": {"cases": {"totalCount": 0}}}  # let in at 100 points, charged 10 + 100
    assert throttled.status_code == 429
    assert throttled.headers["retry-after"] == "10" and throttled.headers["connection"] == "close"
    assert only_error(throttled)["extensions"] == {
        "code": "too_many_requests", "retryAfter": 10, "messageZh": "请求过于频繁，请在 10 秒后再试",
        "messageEn": "Too many requests; try again in 10 s"}
    assert after == before
    assert others == {"data": {"me": {"subject": "worker-2"}}}


async def test_an_anonymous_address_that_sent_a_body_too_large_is_then_refused_before_its_body_is_read(
        system: System) -> None:
    station_id = await open_station(system)
    before = await system.events_written()

    async with gateway(system, max_body_bytes=64 * 1024, anonymous_points=500, anonymous_points_per_second=1) \
            as http:
        too_large = await http.post("/graphql", json=registration(station_id, "x" * 100_000))
        throttled = await http.post("/graphql", json={"query": "{ __typename }"})
        signed_in = await graphql(http, "{ me { subject } }", worker(station_id))

    assert too_large.status_code == 413
    assert throttled.status_code == 429  # charged 10 + 1,000 for the body it sent: 510 seconds in debt
    assert throttled.headers["retry-after"] == "510"
    assert signed_in == {"data": {"me": {"subject": "worker-1"}}}
    assert await system.events_written() == before
