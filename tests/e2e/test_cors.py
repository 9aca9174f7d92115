"""CORS: a page on a listed origin may call the gateway (preflight, then the request), an unlisted one may not."""

from __future__ import annotations

import json

import httpx
import pytest
import websockets

from gateway.cors import parse_origins
from tests.e2e.conftest import gateway
from tests.support import System, open_station, token_for, worker

pytestmark = pytest.mark.dateless  # CORS headers hold on any day; no date is read

FRONT_END = "http://localhost:3000"
PREFLIGHT = {"Origin": FRONT_END, "Access-Control-Request-Method": "POST",
             "Access-Control-Request-Headers": "authorization, content-type"}


def listed(value: str) -> list[str]:
    return [part.strip().lower() for part in value.split(",")]


async def test_a_preflight_from_a_listed_origin_is_allowed_with_the_headers_a_front_end_sends(
        system: System) -> None:
    async with gateway(system, cors_origins=(FRONT_END, "http://localhost:5173")) as http:
        answer = await http.options("/graphql", headers=PREFLIGHT)

    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == FRONT_END
    assert answer.headers["access-control-allow-credentials"] == "true"
    assert {"get", "post"} <= set(listed(answer.headers["access-control-allow-methods"]))
    assert {"authorization", "content-type"} <= set(listed(answer.headers["access-control-allow-headers"]))
    assert int(answer.headers["access-control-max-age"]) == 600
    assert "origin" in listed(answer.headers["vary"])


async def test_a_page_on_an_unlisted_origin_is_refused_and_without_origins_no_page_is_allowed(
        system: System, http: httpx.AsyncClient) -> None:
    async with gateway(system, cors_origins=(FRONT_END,)) as listing:
        elsewhere = await listing.options("/graphql", headers={**PREFLIGHT, "Origin": "http://evil.example"})
        request = await listing.post("/graphql", json={"query": "{ __typename }"},
                                     headers={"Origin": "http://evil.example"})
    by_default = await http.options("/graphql", headers=PREFLIGHT)

    assert elsewhere.status_code == 400 and "access-control-allow-origin" not in elsewhere.headers
    assert request.status_code == 200 and "access-control-allow-origin" not in request.headers  # the browser hides it
    assert by_default.status_code == 405 and "access-control-allow-origin" not in by_default.headers


async def test_a_cross_origin_query_is_answered_with_its_origin_and_the_headers_a_page_may_read(
        system: System) -> None:
    station_id = await open_station(system)
    async with gateway(system, cors_origins=(FRONT_END,)) as http:
        signed_in = {"Origin": FRONT_END, "Authorization": f"Bearer {token_for(worker(station_id))}"}
        answer = await http.post("/graphql", json={"query": "{ me { name role } }"}, headers=signed_in)

    assert answer.status_code == 200
    assert answer.json()["data"]["me"]["role"] == "social_worker"
    assert answer.headers["access-control-allow-origin"] == FRONT_END
    assert answer.headers["access-control-allow-credentials"] == "true"
    exposed = set(listed(answer.headers["access-control-expose-headers"]))
    assert {"hemiao-correlation-id", "retry-after"} <= exposed
    assert len(answer.headers["hemiao-correlation-id"]) == 36


async def test_preflights_are_not_charged_and_a_refusal_for_the_budget_still_reaches_the_page(
        system: System) -> None:
    # an anonymous budget of 25 points: three admissions of 10 would not fit, had the preflights been charged
    async with gateway(system, cors_origins=(FRONT_END,), anonymous_points=25, anonymous_points_per_second=0.001,
                       ) as http:
        preflights = [await http.options("/graphql", headers=PREFLIGHT) for _ in range(5)]
        first = await http.post("/graphql", json={"query": "{ __typename }"}, headers={"Origin": FRONT_END})
        answers = [await http.post("/graphql", json={"query": "{ __typename }"}, headers={"Origin": FRONT_END})
                   for _ in range(3)]

    assert [p.status_code for p in preflights] == [200] * 5
    assert first.status_code == 200 and first.json()["data"] == {"__typename": "Query"}
    throttled = next(a for a in answers if a.status_code == 429)
    assert throttled.headers["access-control-allow-origin"] == FRONT_END
    assert throttled.headers["retry-after"] and throttled.json()["errors"][0]["extensions"]["code"] == \
        "too_many_requests"


async def test_a_listed_origin_may_open_the_websocket_and_an_unlisted_one_may_not(system: System) -> None:
    async with gateway(system, cors_origins=(FRONT_END,)) as http:
        url = str(http.base_url).replace("http://", "ws://") + "/graphql"
        async with websockets.connect(url, subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
                                      origin=FRONT_END) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
            acked = json.loads(await ws.recv())
        with pytest.raises(websockets.InvalidStatus) as refused:
            async with websockets.connect(url, subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
                                          origin="http://evil.example"):
                pass

    assert acked["type"] == "connection_ack"
    assert refused.value.response.status_code == 403


def test_origins_are_read_from_a_comma_separated_setting_and_a_mistyped_one_is_refused() -> None:
    assert parse_origins(" http://localhost:3000, https://app.example.cn ,,") == (
        "http://localhost:3000", "https://app.example.cn")
    assert parse_origins(None) == () and parse_origins("") == ()
    with pytest.raises(ValueError, match="trailing slash"):
        parse_origins("http://localhost:3000/")
