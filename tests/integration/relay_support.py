"""A migrated event store, a stream and relays to start and stop, for the relay tests."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import asyncpg
import nats
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js.api import ConsumerConfig

from shared.config import stream_name
from shared.contracts.cases import Gender, RecipientRegistered
from shared.eventstore import EventMetadata
from shared.eventstore.postgres import PostgresEventStore
from shared.migrations import EVENT_STORE_MIGRATIONS, migrate
from shared.natsio import ensure_event_stream
from shared.relay import Relay, RelayState
from tests.support import DATA_KEY, Servers

META = EventMetadata(actor={"subject": "sw-1"}, correlation_id="c-1")


def registered(n: int) -> RecipientRegistered:
    return RecipientRegistered(recipient_id=f"r-{n}", station_id="s", name="某", gender=Gender.FEMALE,
                               birth_year=1950, community="一力社区", categories=())


@dataclass
class RelayBench:
    dsn: str
    pool: asyncpg.Pool
    store: PostgresEventStore
    nc: Client
    namespace: str
    nats_url: str
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    connections: list[Client] = field(default_factory=list)

    async def start_relay(self, batch_size: int = 100, poll_seconds: float = 0.2) -> Relay:
        """A relay with a NATS connection of its own, as it has in its own process."""
        nc = await nats.connect(self.nats_url, max_reconnect_attempts=-1, reconnect_time_wait=0.2)
        relay = Relay(self.dsn, nc, service="cases", namespace=self.namespace, batch_size=batch_size,
                      poll_seconds=poll_seconds, publish_timeout=1.0, blocked_retry_seconds=1.0)
        self.connections.append(nc)
        self.tasks.append(asyncio.create_task(relay.run()))
        return relay

    async def kill(self, relay_index: int) -> None:
        """Stop a relay the way a dying process would: mid-work, its connections gone with it."""
        task = self.tasks[relay_index]
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await self.connections[relay_index].close()


@contextlib.asynccontextmanager
async def relay_bench(servers: Servers, namespace: str, nats_url: str | None = None) -> AsyncIterator[RelayBench]:
    dsn = servers.postgres.dsn(f"{namespace}_relay")
    await migrate(dsn, [EVENT_STORE_MIGRATIONS])
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=20)
    url = nats_url or servers.nats.url
    nc = await nats.connect(url, max_reconnect_attempts=-1, reconnect_time_wait=0.2)
    await ensure_event_stream(nc.jetstream(), namespace, "cases")
    bench = RelayBench(dsn=dsn, pool=pool, store=PostgresEventStore(pool, DATA_KEY), nc=nc, namespace=namespace,
                       nats_url=url)
    try:
        yield bench
    finally:
        for task in bench.tasks:
            task.cancel()
        await asyncio.gather(*bench.tasks, return_exceptions=True)
        for connection in [*bench.connections, nc]:
            await connection.close()
        try:
            await asyncio.wait_for(pool.close(), timeout=10)
        except TimeoutError:
            pool.terminate()


async def stream_order(nc: Client, namespace: str, service: str = "cases") -> list[tuple[int, str, int]]:
    """(stream sequence, Nats-Msg-Id, hemiao-global-position) of every message in the stream, in stream order:
    headers only, pushed to an ordered consumer, for streams too long to fetch message by message."""
    js = nc.jetstream()
    stream = stream_name(namespace, service)
    total = (await js.stream_info(stream)).state.messages
    found: list[tuple[int, str, int]] = []
    done = asyncio.Event()

    async def seen(msg: Msg) -> None:
        headers = msg.headers or {}
        found.append((msg.metadata.sequence.stream, headers["Nats-Msg-Id"], int(headers["hemiao-global-position"])))
        if len(found) >= total:
            done.set()

    if not total:
        return found
    # ordered: with flow control, so that a reader slower than the server (a loaded machine) is not cut off
    subscription = await js.subscribe(f"{namespace}.events.{service}.>", stream=stream, cb=seen,
                                      ordered_consumer=True, config=ConsumerConfig(headers_only=True))
    try:
        async with asyncio.timeout(240):
            await done.wait()
    finally:
        await subscription.unsubscribe()
    return found


async def commit_order(pool: asyncpg.Pool) -> list[tuple[str, int]]:
    """(event id, global_position) of every stored event, in the order the relay must publish them."""
    rows = await pool.fetch("SELECT event_id::text, global_position FROM events ORDER BY tx_id, global_position")
    return [(row["event_id"], row["global_position"]) for row in rows]


async def assert_published_once_in_order(bench: RelayBench) -> None:
    """Every stored event is in the stream exactly once, the stream in commit order."""
    published = await stream_order(bench.nc, bench.namespace)
    stored = await commit_order(bench.pool)
    assert len(published) == len(stored)
    assert len({message_id for _, message_id, _ in published}) == len(stored)
    assert [seq for seq, _, _ in published] == list(range(1, len(stored) + 1))
    assert [(message_id, position) for _, message_id, position in published] == stored


async def drained(bench: RelayBench, relay: Relay, events: int) -> bool:
    """The relay has published `events` and moved its checkpoint to the last of them."""
    if relay.stats.state != RelayState.ACTIVE or relay.stats.published < events:
        return False
    last = await bench.pool.fetchval("SELECT max(global_position) FROM events")
    return bool(await bench.pool.fetchval("SELECT global_position = $1 FROM relay_checkpoint", last))
