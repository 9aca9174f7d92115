"""A backlog of 100,000 events, written while no relay ran, goes out once each, in commit order, in batches."""

from __future__ import annotations

import time

import pytest

from bench.relay_drain import write_backlog
from tests.integration.relay_support import assert_published_once_in_order, drained, relay_bench
from tests.support import Servers, wait_until

# its dates are data: what it checks holds on any day; some 30 s on a quiet machine, more when it is loaded
pytestmark = [pytest.mark.dateless, pytest.mark.timeout(540)]

BACKLOG = 100_000


async def test_a_backlog_of_100000_events_drains_in_commit_order_with_none_twice(
        servers: Servers, namespace: str) -> None:
    async with relay_bench(servers, namespace) as bench:
        await write_backlog(bench.store, bench.pool, BACKLOG)  # as a NATS outage or a bulk import leaves it

        started = time.monotonic()
        relay = await bench.start_relay(batch_size=1000)
        await wait_until(lambda: drained(bench, relay, BACKLOG), timeout=240, what="the backlog drained")
        seconds = time.monotonic() - started

        await assert_published_once_in_order(bench)
        assert relay.stats.batches >= BACKLOG // 1000  # in batches, not one by one
        print(f"drained {BACKLOG} events in {seconds:.1f} s: {BACKLOG / seconds:.0f} events/s")
