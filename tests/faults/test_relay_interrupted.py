"""NATS stopped in the middle of a batch and started again: the backlog still arrives once each, in order."""

from __future__ import annotations

import asyncio

import pytest

from bench.relay_drain import write_backlog
from shared.devstack.embedded import EmbeddedNats
from shared.relay import RelayState
from tests.integration.relay_support import assert_published_once_in_order, drained, relay_bench
from tests.support import Servers, wait_until

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

BACKLOG = 10_000


async def test_nats_restarted_mid_batch_leaves_every_event_once_and_in_commit_order(
        servers: Servers, namespace: str, own_nats: EmbeddedNats) -> None:
    async with relay_bench(servers, namespace, nats_url=own_nats.url) as bench:
        await write_backlog(bench.store, bench.pool, BACKLOG)
        relay = await bench.start_relay(batch_size=1000)
        await wait_until(lambda: batches_at_least(relay, 3), timeout=30, what="a few batches out")

        own_nats.stop()  # the relay is publishing its next batch: some of it in flight, unacknowledged
        await wait_until(lambda: waiting_for_nats(relay), timeout=30, what="the relay to wait for NATS")
        held = relay.stats.published
        await asyncio.sleep(0.5)
        assert relay.stats.published == held < BACKLOG
        own_nats.start()  # the same port and JetStream store

        await wait_until(lambda: drained(bench, relay, BACKLOG), timeout=60, what="the rest published")
        await assert_published_once_in_order(bench)


async def batches_at_least(relay: object, n: int) -> bool:
    return relay.stats.batches >= n  # type: ignore[attr-defined,no-any-return]


async def waiting_for_nats(relay: object) -> bool:
    return relay.stats.state == RelayState.WAITING_FOR_NATS  # type: ignore[attr-defined,no-any-return]
