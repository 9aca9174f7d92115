"""A copy of a service stopping (SIGTERM, a rolling restart) answers every request it took: those it was handling,
and those the server had already sent it and it had not yet begun, while the other copy of its queue group takes
every request sent after. None of its callers waits for an answer that never comes (SERVICE_TIMEOUT), but one
whose request is still running when the stop's bound (10 s) runs out, and that one is logged by name."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from typing import Any

import nats
import pytest

from shared.runtime import RequestContext, ServiceClient, ServiceFault, serve
from tests.support import AUTH, SYSTEM_ACTOR, Servers, token_for

pytestmark = pytest.mark.dateless  # no dates at all

HANDLING_SECONDS = 0.05
IN_FLIGHT = 2
"""Copy A handles two at a time: a burst waits in its subscription's queue, as a busy copy's share does."""


async def test_a_stopping_copy_answers_what_it_took_and_the_other_copy_takes_the_rest(
        servers: Servers, namespace: str, caplog: pytest.LogCaptureFixture) -> None:
    connections = [await nats.connect(servers.nats.url) for _ in range(3)]
    a_nc, b_nc, caller_nc = connections
    try:
        started: Counter[str] = Counter()

        def copy(name: str) -> Any:
            async def slow(body: dict[str, Any], _: RequestContext) -> dict[str, Any]:
                started[name] += 1
                await asyncio.sleep(HANDLING_SECONDS)
                return {"n": body["n"], "by": name}
            return slow

        a = await serve(a_nc, service="slow", namespace=namespace, version="0.1.0", description="copy A",
                        endpoints={"work": copy("a")}, auth=AUTH, in_flight=IN_FLIGHT)
        b = await serve(b_nc, service="slow", namespace=namespace, version="0.1.0", description="copy B",
                        endpoints={"work": copy("b")}, auth=AUTH, in_flight=64)
        client = ServiceClient(caller_nc, namespace, timeout=8)
        token = token_for(SYSTEM_ACTOR)

        async def call(n: int) -> dict[str, Any] | str:
            try:
                return await client.call("slow", "work", {"n": n}, token=token, idempotency_key=f"key-{n}")
            except ServiceFault as fault:  # what the test must never see
                return fault.code

        burst = [asyncio.create_task(call(n)) for n in range(60)]  # about half wait in A's queue
        while started["a"] < IN_FLIGHT:
            await asyncio.sleep(0.005)
        began, begun = time.monotonic(), started["a"]
        stopping = asyncio.create_task(a.stop())
        more = []
        while not stopping.done():  # sent while A stops: B takes them
            more.append(asyncio.create_task(call(1000 + len(more))))
            await asyncio.sleep(0.01)
        stopped_in = time.monotonic() - began
        after = [await call(n) for n in range(2000, 2010)]  # A gone: B answers each at once
        answers = [await task for task in burst + more] + after

        unanswered = [answer for answer in answers if not isinstance(answer, dict)]
        assert unanswered == [], f"{len(unanswered)} of {len(answers)} requests unanswered: {Counter(unanswered)}"
        by = Counter(answer["by"] for answer in answers if isinstance(answer, dict))
        queued_at_a = started["a"] - begun
        assert queued_at_a > 0, "nothing waited in A's queue when it began to stop: the test proves nothing"
        assert by["a"] == started["a"] and by["b"] == started["b"]  # each request handled once, and answered
        assert [answer["by"] for answer in after if isinstance(answer, dict)] == ["b"] * len(after)
        assert stopped_in < 5, f"A took {stopped_in:.1f} s to stop"
        print(f"\nA answered {by['a']} (of which {queued_at_a} waited in its queue when it began to stop) and"
              f" stopped in {stopped_in:.2f} s; B answered {by['b']}, {len(more)} of them sent while A stopped")
        await b.stop()

        # one that does not finish within the stop's bound is left to its caller's timeout, and logged by name
        release = asyncio.Event()

        async def stuck(body: dict[str, Any], _: RequestContext) -> dict[str, Any]:
            await release.wait()
            return {}

        c = await serve(a_nc, service="stuck", namespace=namespace, version="0.1.0", description="never done",
                        endpoints={"work": stuck}, auth=AUTH)
        waiting = asyncio.create_task(client.call("stuck", "work", {}, token=token, correlation_id="corr-stuck",
                                                  timeout=1, command=True))
        await asyncio.sleep(0.2)
        began = time.monotonic()
        with caplog.at_level(logging.WARNING, logger="shared.runtime"):
            await c.stop(seconds=0.3)
        assert time.monotonic() - began < 1.5
        assert "1 of 1 requests under way still unanswered" in caplog.text
        assert f"{namespace}.stuck.work corr-stuck" in caplog.text
        with pytest.raises(ServiceFault) as timed_out:
            await waiting
        assert timed_out.value.code == "SERVICE_TIMEOUT" and timed_out.value.may_have_committed
        release.set()
    finally:
        for nc in connections:
            await nc.close()
