"""By hand, not in CI: does a copy of a service that stops, again and again, while requests keep coming, leave any
request unanswered on a three-node NATS cluster (the cluster test's rolling restart, in a loop and faster)?

Copy A connects to node 1, copy B to node 2, the caller to node 3, so that every request crosses a route and A's
UNSUB reaches the caller's node after A's own. Each cycle starts A, sends requests for a moment, stops A while
they keep coming, and counts the calls that got no answer (SERVICE_TIMEOUT).

    .venv/bin/python -m tests.cluster.stop_stress --cycles 40          # hemiao's stop (drain, then answer)
    .venv/bin/python -m tests.cluster.stop_stress --cycles 40 --micro  # the stop before, nats.micro's own
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from shared.natsio import connect
from shared.runtime import Endpoints, RequestContext, ServiceClient, ServiceFault, serve
from tests.cluster.harness import Cluster
from tests.support import AUTH, SYSTEM_ACTOR, token_for


async def handled(body: dict[str, Any], _: RequestContext) -> dict[str, Any]:
    await asyncio.sleep(0.02)
    return {"n": body["n"]}


async def stop_as_before(copy: Endpoints) -> None:
    """The stop before the drain: nats.micro's own (each endpoint unsubscribed at once), then the requests under
    way waited for."""
    await copy.micro.stop()
    if copy._running:
        await asyncio.wait(copy._running, timeout=10)


async def stress(cycles: int, rate: float, micro_stop: bool) -> Counter[str]:
    cluster = Cluster(Path(tempfile.mkdtemp(prefix="hemiao-stop-stress-")))
    tally: Counter[str] = Counter()
    try:
        await asyncio.to_thread(cluster.start_nats)
        env = cluster.operator.env()
        a_url, b_url, caller_url = (node.url for node in cluster.nodes)
        b_nc, caller_nc = await connect(b_url, "copy-b", env=env), await connect(caller_url, "caller", env=env)
        b = await serve(b_nc, service="stress", namespace="stress", version="0.1.0", description="copy B",
                        endpoints={"work": handled}, auth=AUTH)
        client = ServiceClient(caller_nc, "stress", timeout=3)
        token = token_for(SYSTEM_ACTOR)

        async def call(n: int) -> None:
            try:
                await client.call("stress", "work", {"n": n}, token=token, idempotency_key=f"k-{n}")
                tally["answered"] += 1
            except ServiceFault as fault:
                tally[fault.code] += 1

        calls: list[asyncio.Task[None]] = []
        for cycle in range(cycles):
            a_nc = await connect(a_url, "copy-a", env=env)
            a = await serve(a_nc, service="stress", namespace="stress", version="0.1.0", description="copy A",
                            endpoints={"work": handled}, auth=AUTH)
            await asyncio.sleep(0.2)  # A's interest reaches the other nodes
            began = time.monotonic()
            stopping: asyncio.Task[None] | None = None
            while stopping is None or not stopping.done():
                calls.append(asyncio.create_task(call(len(calls))))
                if stopping is None and time.monotonic() - began > 0.3:
                    stopping = asyncio.create_task(stop_as_before(a) if micro_stop else a.stop())
                await asyncio.sleep(1 / rate)
            await a_nc.close()
            if cycle % 10 == 9:
                await asyncio.gather(*calls)
                print(f"after {cycle + 1} cycles: {dict(tally)}", flush=True)
        await asyncio.gather(*calls)
        await b.stop()
        await b_nc.close()
        await caller_nc.close()
    finally:
        await asyncio.to_thread(cluster.stop)
        shutil.rmtree(cluster.root, ignore_errors=True)
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=40)
    parser.add_argument("--rate", type=float, default=200, help="requests a second")
    parser.add_argument("--micro", action="store_true", help="stop A as before: nats.micro's own stop")
    arguments = parser.parse_args()
    tally = asyncio.run(stress(arguments.cycles, arguments.rate, arguments.micro))
    unanswered = sum(v for k, v in tally.items() if k != "answered")
    print(f"{arguments.cycles} stops of A ({'nats.micro' if arguments.micro else 'hemiao'}'s): {dict(tally)};"
          f" {unanswered} unanswered")


if __name__ == "__main__":
    main()
