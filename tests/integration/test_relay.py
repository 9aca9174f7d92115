"""The relay publishes every committed event once, in commit order, whatever the timing of transactions."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict

import asyncpg
import pytest
from asyncpg.transaction import Transaction

from shared.config import stream_name
from shared.contracts.asyncapi import catalogue
from shared.contracts.cases import Gender, RecipientRegistered
from shared.eventstore.postgres import PostgresEventStore
from shared.relay import RelayState
from tests.integration.relay_support import META, RelayBench, registered, relay_bench
from tests.support import DATA_KEY, Servers, stream_messages, wait_until

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day


class HeldOpenStore(PostgresEventStore):
    """Keeps its append's transaction open, after the rows are written, until released (or fails it)."""

    def __init__(self, bench: RelayBench, fail: bool = False) -> None:
        super().__init__(bench.pool, DATA_KEY)
        self.written = asyncio.Event()
        self.release = asyncio.Event()
        self.fail = fail

    async def _before_commit(self) -> None:
        self.written.set()
        await self.release.wait()
        if self.fail:
            raise RuntimeError("the transaction fails after writing its rows")


async def published(bench: RelayBench) -> list[dict[str, object]]:
    return await stream_messages(bench.nc, bench.namespace, "cases")


async def test_an_open_transactions_event_is_published_before_later_commits_and_none_is_skipped(
        servers: Servers, namespace: str) -> None:
    async with relay_bench(servers, namespace) as bench:
        await bench.start_relay()
        slow = HeldOpenStore(bench)
        slow_append = asyncio.create_task(slow.append("stream-a", "recipient", 0, [registered(0)], META, result={}))
        await slow.written.wait()
        await bench.store.append("stream-b", "recipient", 0, [registered(1), registered(2), registered(3)], META,
                                 result={})

        try:
            await asyncio.sleep(1.0)  # several relay polls and a NOTIFY: the later commit must still wait
            assert await published(bench) == []
        finally:
            slow.release.set()
            await slow_append
        await wait_until(lambda: count_is(bench, 4), what="4 events published")
        messages = await published(bench)
        assert [m["headers"]["ce-subject"] for m in messages] == ["stream-a", "stream-b", "stream-b", "stream-b"]


async def count_is(bench: RelayBench, n: int) -> bool:
    info = await bench.nc.jetstream().stream_info(f"{bench.namespace}_CASES".upper())
    return int(info.state.messages) == n


async def test_a_rolled_back_append_does_not_stall_the_relay(servers: Servers, namespace: str) -> None:
    async with relay_bench(servers, namespace) as bench:
        await bench.start_relay()
        doomed = HeldOpenStore(bench, fail=True)
        doomed_append = asyncio.create_task(doomed.append("stream-a", "recipient", 0, [registered(0)], META,
                                                          result={}))
        await doomed.written.wait()
        await bench.store.append("stream-b", "recipient", 0, [registered(1)], META, result={})
        doomed.release.set()
        await asyncio.gather(doomed_append, return_exceptions=True)
        await bench.store.append("stream-c", "recipient", 0, [registered(2)], META, result={})

        await wait_until(lambda: count_is(bench, 2), timeout=5, what="both committed events published")
        assert [m["headers"]["ce-subject"] for m in await published(bench)] == ["stream-b", "stream-c"]


async def test_a_killed_relay_loses_nothing_and_a_resend_is_dropped_as_duplicate(
        servers: Servers, namespace: str) -> None:
    async with relay_bench(servers, namespace) as bench:
        for n in range(30):
            await bench.store.append(f"stream-{n % 3}", "recipient", (n // 3) * 10, [registered(i) for i in range(10)],
                                     META, result={})
        first = await bench.start_relay(batch_size=10)
        await wait_until(lambda: has_published(first, 50), what="the first relay to get going")
        await bench.kill(0)

        await bench.start_relay(batch_size=10)
        await wait_until(lambda: count_is(bench, 300), timeout=20, what="all 300 events published")

        # As if the checkpoint had been lost after the PubAcks: the next relay finds them all in the stream (its last
        # message is the last of them) and sends none again.
        await bench.kill(1)
        await bench.pool.execute("UPDATE relay_checkpoint SET tx_id = '0'::xid8, global_position = 0")
        third = await bench.start_relay(batch_size=50)
        await wait_until(lambda: has_published(third, 300), timeout=20, what="the 300 found in the stream")
        assert await count_is(bench, 300)

        # And when the stream's last message is none of the store's (as after a restore of the database), it sends
        # them all again, and JetStream drops each as a duplicate by its Nats-Msg-Id.
        await bench.kill(2)
        await bench.pool.execute("UPDATE relay_checkpoint SET tx_id = '0'::xid8, global_position = 0")
        await bench.nc.jetstream().publish(f"{bench.namespace}.events.cases.other.thing", b"{}",
                                           headers={"Nats-Msg-Id": "not-an-event-of-the-store"})
        fourth = await bench.start_relay(batch_size=50)
        await wait_until(lambda: has_published(fourth, 300), timeout=20, what="the re-send of all 300")

        messages = [m for m in await published(bench) if "hemiao-stream-id" in m["headers"]]
        assert len(messages) == 300 and await count_is(bench, 301)
        assert len({m["headers"]["Nats-Msg-Id"] for m in messages}) == 300
        assert_version_order(messages)


async def has_published(relay: object, n: int) -> bool:
    return relay.stats.published >= n  # type: ignore[attr-defined,no-any-return]


def assert_version_order(messages: list[dict[str, object]]) -> None:
    versions: dict[str, list[int]] = defaultdict(list)
    for m in messages:
        headers = m["headers"]
        versions[headers["hemiao-stream-id"]].append(int(headers["hemiao-stream-version"]))  # type: ignore[index]
    for stream, seen in versions.items():
        assert seen == list(range(1, len(seen) + 1)), f"{stream} out of order: {seen}"


async def test_a_second_relay_stands_by_until_the_first_is_gone(servers: Servers, namespace: str) -> None:
    async with relay_bench(servers, namespace) as bench:
        active = await bench.start_relay()
        await wait_until(lambda: state_is(active, RelayState.ACTIVE), what="first relay active")
        standby = await bench.start_relay()
        await wait_until(lambda: state_is(standby, RelayState.STANDBY), what="second relay standing by")
        await asyncio.sleep(0.5)
        assert standby.stats.state == RelayState.STANDBY

        await bench.kill(0)
        await wait_until(lambda: state_is(standby, RelayState.ACTIVE), what="the standby to take over")
        await bench.store.append("stream-x", "recipient", 0, [registered(1)], META, result={})
        await wait_until(lambda: count_is(bench, 1), what="the standby to publish")


async def state_is(relay: object, state: RelayState) -> bool:
    return relay.stats.state == state  # type: ignore[attr-defined,no-any-return]


async def test_a_published_event_names_the_json_schema_of_the_version_it_was_written_with(
        servers: Servers, namespace: str) -> None:
    async with relay_bench(servers, namespace) as bench:
        await bench.start_relay()
        await bench.store.append("stream-a", "recipient", 0, [registered(0)], META, result={})
        await wait_until(lambda: count_is(bench, 1), timeout=5, what="the event published")
        [message] = await published(bench)
        version = int(message["headers"]["hemiao-schema-version"])
        assert message["headers"]["ce-dataschema"] == f"urn:hemiao:event-schema:RecipientRegistered:v{version}"
        ids = {m["payload"]["$id"] for m in catalogue()["components"]["messages"].values()}
        assert message["headers"]["ce-dataschema"] in ids  # the AsyncAPI payload schema of that very version


async def test_an_event_held_back_by_a_transaction_that_notifies_nobody_goes_out_soon_after_it_ends(
        servers: Servers, namespace: str) -> None:
    """A transaction that writes no events (a reporting consumer's batch in another database of the server, say)
    holds the horizon back and notifies nobody when it ends. With such transactions overlapping, every look found
    some event held back; the relay's pause doubled at every look and never started short again, so it reached the
    whole poll, and an event went out up to a second after the last of them ended (seen as the rare 1 s delay)."""
    async with relay_bench(servers, namespace) as bench:
        relay = await bench.start_relay(poll_seconds=1.0)
        holders = [await asyncpg.connect(bench.dsn) for _ in range(2)]
        try:
            holding: list[Transaction] = []
            for n in range(10):
                holder = holders[n % 2]
                holder_tx = holder.transaction()
                await holder_tx.start()
                await holder.fetchval("SELECT pg_current_xact_id()")  # it holds the horizon from now on
                await bench.store.append(f"stream-{n}", "recipient", 0, [registered(n)], META, result={})
                if holding:
                    await holding.pop().commit()  # the event before may go now; this one waits for this holder
                holding.append(holder_tx)
                await asyncio.sleep(0.1)
            await wait_until(lambda: count_is(bench, 9), what="the events of the holders that ended")
            looks = relay.stats.reads
            await wait_until(lambda: looked_since(relay, looks), what="the relay to look again and pause")
            ended = time.monotonic()
            await holding.pop().commit()
            await wait_until(lambda: count_is(bench, 10), timeout=5, what="the last event published")
            late = time.monotonic() - ended
        finally:
            for holder in holders:
                await holder.close()

        assert late < 0.5, f"published {late:.2f} s after the transaction holding it back ended"
        assert [m["headers"]["ce-subject"] for m in await published(bench)] == [f"stream-{n}" for n in range(10)]


async def looked_since(relay: object, reads: int) -> bool:
    return relay.stats.reads > reads  # type: ignore[attr-defined,no-any-return]


async def test_an_event_jetstream_itself_refuses_blocks_the_relay_with_jetstreams_reason(
        servers: Servers, namespace: str) -> None:
    """Over the stream's max_msg_size (under the server's max_payload): JetStream answers an error. nats-py 2.16's
    publish_async raised it inside its reply handler and never completed the PubAck's future, so the relay used to
    time out and wait for NATS for ever instead of saying `blocked`."""
    async with relay_bench(servers, namespace) as bench:
        js = bench.nc.jetstream()
        config = (await js.stream_info(stream_name(bench.namespace, "cases"))).config
        config.max_msg_size = 2048
        await js.update_stream(config)
        relay = await bench.start_relay()
        await bench.store.append("stream-a", "recipient", 0, [registered(0)], META, result={})
        await wait_until(lambda: count_is(bench, 1), what="the small event published")
        large = RecipientRegistered(recipient_id="r-large", station_id="s", name="某" * 1000, gender=Gender.FEMALE,
                                    birth_year=1950, community="一力社区", categories=())
        await bench.store.append("stream-b", "recipient", 0, [large], META, result={})
        await bench.store.append("stream-c", "recipient", 0, [registered(2)], META, result={})

        await wait_until(lambda: state_is(relay, RelayState.BLOCKED), timeout=15, what="the relay blocked")
        refused = str(await bench.pool.fetchval("SELECT event_id FROM events WHERE stream_id = 'stream-b'"))
        assert relay.stats.blocked_event_id == refused
        assert str(relay.stats.blocked_reason).startswith("JetStream refused it: ")
        assert await count_is(bench, 1)  # the one after it waits behind it

        config.max_msg_size = -1  # the operator lifts the limit
        await js.update_stream(config)
        await wait_until(lambda: count_is(bench, 3), timeout=15, what="the held events published")
        assert [m["headers"]["ce-subject"] for m in await published(bench)] == ["stream-a", "stream-b", "stream-c"]
