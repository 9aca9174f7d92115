"""What an answer may tell: an unexpected error is `internal` with the request's correlation id, under any
concurrency; in production an anonymous caller gets no introspection and no field suggestions."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from nats.aio.msg import Msg

from tests.e2e.conftest import gateway
from tests.e2e.graphql import graphql
from tests.support import System, open_station, worker

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

STATIONS = "{ stations { name } }"
INTROSPECTION = "{ __schema { queryType { name } } }"
TYPO = "{ stationz { name } }"


async def test_unexpected_errors_under_concurrency_are_all_masked_with_their_own_correlation_id(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    # a second gateway whose namespace only a broken responder answers, with what is not JSON: the gateway fails
    # on each of its calls (no responders at all would be SERVICE_UNAVAILABLE, a typed error, after its retries)
    async def garbage(msg: Msg) -> None:
        await msg.respond(b"<html>not an answer</html>")

    broken_responder = await system.nc.subscribe("garbage-answers.reporting.>", cb=garbage)
    async with gateway(system, namespace="garbage-answers") as broken:
        answers: list[dict[str, Any]] = await asyncio.gather(*(
            graphql(broken if n % 2 else http, STATIONS, worker(station_id, f"w-{n}")) for n in range(60)))
    await broken_responder.unsubscribe()

    failed, succeeded = answers[1::2], answers[0::2]
    assert all(a == {"data": {"stations": [{"name": "HSP街道社工站"}]}} for a in succeeded), succeeded
    for answer in failed:
        (error,) = answer["errors"]
        assert error["message"] == "服务内部出错 / Internal error"
        assert set(error["extensions"]) == {"code", "messageZh", "messageEn", "correlationId"}
        assert (error["extensions"]["code"], error["extensions"]["messageZh"],
                error["extensions"]["messageEn"]) == ("internal", "服务内部出错", "Internal error")
        assert "nats" not in str(answer).lower()
    assert len({a["errors"][0]["extensions"]["correlationId"] for a in failed}) == len(failed)


async def test_in_development_anyone_may_introspect_and_is_told_what_they_may_have_meant(
        http: httpx.AsyncClient) -> None:
    introspected = await graphql(http, INTROSPECTION)
    typo = await graphql(http, TYPO)

    assert introspected == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
    assert typo["errors"][0]["extensions"]["messageEn"] == (
        "Cannot query field 'stationz' on type 'Query'. Did you mean 'stations'?")


async def test_in_production_an_anonymous_caller_may_not_introspect_nor_is_told_the_field_names(
        system: System) -> None:
    station_id = await open_station(system)
    async with gateway(system, production=True) as http:
        anonymous = await graphql(http, INTROSPECTION)
        forged = await graphql(http, INTROSPECTION, bearer="not-a-token")
        typo = await graphql(http, TYPO)
        signed_in = await graphql(http, INTROSPECTION, worker(station_id))
        signed_in_typo = await graphql(http, TYPO, worker(station_id))

    for refused in (anonymous, forged):
        assert "data" not in refused or refused["data"] is None
        assert "introspection" in refused["errors"][0]["message"]
        assert "Query" not in str(refused)
    assert [e["extensions"]["messageEn"] for e in typo["errors"]] == ["Cannot query field 'stationz' on type 'Query'."]
    assert signed_in == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
    assert "Did you mean 'stations'?" in signed_in_typo["errors"][0]["message"]
