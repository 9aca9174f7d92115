"""A service that does not answer: sent again while no copy listens (it reached no one), then SERVICE_UNAVAILABLE;
taken and not answered, SERVICE_TIMEOUT saying whether a command may have been recorded, as the gateway says it."""

from __future__ import annotations

import asyncio
from typing import Any

import nats
import pytest

from gateway.context import graphql_error
from shared.runtime import RequestContext, ServiceTimeout, ServiceUnavailable, serve
from shared.runtime import ServiceClient as Client
from tests.support import AUTH, SYSTEM_ACTOR, Servers, token_for

pytestmark = pytest.mark.dateless  # no dates at all


async def test_no_copy_listening_is_retried_until_one_comes_then_unavailable_and_a_silent_one_times_out(
        servers: Servers, namespace: str) -> None:
    nc = await nats.connect(servers.nats.url)
    token = token_for(SYSTEM_ACTOR)
    client = Client(nc, namespace, timeout=0.6)
    try:
        # nobody serves it for the whole call: nothing was recorded, after several tries
        with pytest.raises(ServiceUnavailable) as unavailable:
            await client.call("late", "open_thing", {}, token=token, idempotency_key="k-1")
        assert unavailable.value.code == "SERVICE_UNAVAILABLE"
        assert unavailable.value.may_have_committed is False
        assert "late" in unavailable.value.message.zh and "nothing was changed" in unavailable.value.message.en
        assert client.retries >= 3

        # a copy that starts while the call retries answers it
        async def answer(body: dict[str, Any], _: RequestContext) -> dict[str, Any]:
            return {"echo": body["n"]}

        async def silent(body: dict[str, Any], _: RequestContext) -> dict[str, Any]:
            await asyncio.sleep(1.5)
            return {}

        async def start_late() -> Any:
            await asyncio.sleep(0.25)
            return await serve(nc, service="late", namespace=namespace, version="0.1.0", description="late",
                               endpoints={"open_thing": answer, "hang": silent}, auth=AUTH)

        before = client.retries
        starting = asyncio.create_task(start_late())
        answered = await Client(nc, namespace, timeout=3).call("late", "open_thing", {"n": 7}, token=token)
        endpoints = await starting
        assert answered == {"echo": 7}

        # taken and not answered: a command may have been recorded, a query changed nothing
        with pytest.raises(ServiceTimeout) as command:
            await client.call("late", "hang", {}, token=token, command=True)
        with pytest.raises(ServiceTimeout) as keyed:
            await client.call("late", "hang", {}, token=token, idempotency_key="k-2")
        with pytest.raises(ServiceTimeout) as query:
            await client.call("late", "hang", {}, token=token)
        assert client.retries == before  # a request someone took is never sent again
        assert (command.value.may_have_committed, keyed.value.may_have_committed) == (True, True)
        assert query.value.may_have_committed is False
        assert "同一个幂等键" in command.value.message.zh and "may have been recorded" in command.value.message.en

        # as the gateway answers them, in `errors`
        extensions = graphql_error(command.value).extensions or {}
        assert extensions["code"] == "SERVICE_TIMEOUT" and extensions["mayHaveCommitted"] is True
        assert (graphql_error(unavailable.value).extensions or {})["mayHaveCommitted"] is False
        await endpoints.stop()
    finally:
        await nc.close()
