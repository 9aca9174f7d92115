"""`python -m bench.relay_drain --events N`: how fast the relay drains a backlog, beside raw JetStream, and how
soon it publishes live events.

Writes N events into a service's `events` table while no relay runs (as a NATS outage or a bulk import leaves
them), starts the relay and times it until every event is acknowledged; then publishes the same messages (the
same subjects, payloads and headers) to another stream with a bare `publish_async` loop, the anchor.

Live (`--live`, on by default): with the relay running, one event at a time, 50 ms apart (how soon a lone event
reaches NATS after its commit), then 8 writers appending one event per commit as fast as they can for a few
seconds (the delay from commit to NATS under load, and how many events each read of the relay gathers). The
delay is from the append's return to the message's arrival at a core NATS subscriber of the stream's subjects.
Figures taken while other work loads the machine are provisional: the table prints the load average.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncpg
import nats
from nats.js.api import StorageType, StreamConfig

from shared.config import stream_name
from shared.contracts.cases import Gender, RecipientRegistered
from shared.devstack.embedded import EmbeddedNats, EmbeddedPostgres
from shared.eventstore import EventMetadata
from shared.eventstore.postgres import PostgresEventStore
from shared.migrations import EVENT_STORE_MIGRATIONS, migrate
from shared.natsio import ensure_event_stream
from shared.personal import new_key
from shared.relay import Relay, RelayState, cloud_event_headers

SERVICE = "cases"
STREAMS = 1_000  # the backlog's events spread over this many streams, in turn
CHUNK = 10_000  # events written per transaction, and published per timed round of the anchor

_COPIES = """
    INSERT INTO events (stream_id, stream_type, version, event_id, type, schema_version, data, metadata, recorded_at)
    SELECT 'backlog-' || (g % $2), t.stream_type, g / $2 + 1, gen_random_uuid(), t.type, t.schema_version,
           t.data, t.metadata, t.recorded_at
    FROM events t, generate_series($3::int, $4::int) AS g
    WHERE t.global_position = $1
    ORDER BY g
"""
_ROWS = """
    SELECT global_position, stream_id, stream_type, version, event_id::text, type, schema_version,
           data::text AS data, recorded_at, metadata->'actor'->>'subject' AS actor,
           metadata->>'correlation_id' AS correlation_id, metadata->>'causation_id' AS causation_id
    FROM events ORDER BY tx_id, global_position OFFSET $1 LIMIT $2
"""


async def write_backlog(store: PostgresEventStore, pool: asyncpg.Pool, events: int) -> None:
    """`events` RecipientRegistered events, version after version of STREAMS streams, in transactions of CHUNK:
    the first through the store (sealed as it seals), the rest its copies under new ids, written in bulk."""
    first = RecipientRegistered(recipient_id="backlog-r", station_id="s", name="某", gender=Gender.FEMALE,
                                birth_year=1950, community="一力社区", categories=())
    meta = EventMetadata(actor={"subject": "bench"}, correlation_id="backlog")
    await store.append("backlog-0", "recipient", 0, [first], meta, result={})
    template = await pool.fetchval("SELECT global_position FROM events WHERE stream_id = 'backlog-0'")
    for start in range(1, events, CHUNK):
        await pool.execute(_COPIES, template, STREAMS, start, min(start + CHUNK, events) - 1)


async def _drained(relay: Relay, events: int) -> None:
    while relay.stats.published < events:
        await asyncio.sleep(0.02)


async def _anchor(pool: asyncpg.Pool, nc: nats.NATS, namespace: str, events: int) -> float:
    """Seconds for a bare publish_async loop of the same messages to a stream of their own, PostgreSQL aside."""
    js = nc.jetstream()
    name = f"{namespace}_ANCHOR".upper()
    await js.add_stream(StreamConfig(name=name, subjects=[f"{namespace}.anchor.>"], storage=StorageType.FILE,
                                     duplicate_window=120.0))
    seconds = 0.0
    for offset in range(0, events, CHUNK):
        rows = await pool.fetch(_ROWS, offset, CHUNK)
        messages = [(f"{namespace}.anchor.{row['type']}", row["data"].encode(), cloud_event_headers(row, SERVICE))
                    for row in rows]
        started = time.perf_counter()
        for subject, data, headers in messages:
            await js.publish_async(subject, data, headers=headers)
        await js.publish_async_completed()
        seconds += time.perf_counter() - started
    stored = (await js.stream_info(name)).state.messages
    if stored != events:
        raise RuntimeError(f"the anchor stream holds {stored} messages, not {events}")
    return seconds


async def measure_drain(dsn: str, nats_url: str, namespace: str, events: int) -> dict[str, Any]:
    """Drain a backlog of `events` through the real relay, then the anchor; `dsn` names a database of its own
    (created and migrated here, and empty), `namespace` one unused on that NATS server."""
    await migrate(dsn, [EVENT_STORE_MIGRATIONS])
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=4)
    nc = await nats.connect(nats_url)
    relay_nc = await nats.connect(nats_url)
    task: asyncio.Task[None] | None = None
    try:
        if await pool.fetchval("SELECT count(*) FROM events"):
            raise RuntimeError("measure_drain needs a database with no events in it")
        await ensure_event_stream(nc.jetstream(), namespace, SERVICE)
        started = time.perf_counter()
        await write_backlog(PostgresEventStore(pool, new_key()), pool, events)
        written = time.perf_counter() - started

        relay = Relay(dsn, relay_nc, service=SERVICE, namespace=namespace)
        started = time.perf_counter()
        task = asyncio.create_task(relay.run())
        await _drained(relay, events)
        drained = time.perf_counter() - started
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        stored = (await nc.jetstream().stream_info(stream_name(namespace, SERVICE))).state.messages
        if stored != events:
            raise RuntimeError(f"the relay's stream holds {stored} messages, not {events}")

        anchor = await _anchor(pool, nc, namespace, events)
    finally:
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await relay_nc.close()
        await nc.close()
        await pool.close()
    return {
        "events": events,
        "write_seconds": written,
        "drain_seconds": drained,
        "drain_per_second": events / drained,
        "batches": relay.stats.batches,
        "anchor_seconds": anchor,
        "anchor_per_second": events / anchor,
        "ratio": anchor / drained,
        "load_average": os.getloadavg(),
    }


LONE = 40  # lone events, one at a time
WRITERS = 8
BUSY_SECONDS = 4.0


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def measure_live(dsn: str, nats_url: str, namespace: str) -> dict[str, Any]:
    """Commit-to-NATS delay of lone events and of 8 busy writers, through a running relay (on the database and
    stream `measure_drain` left: everything in it published)."""
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=WRITERS + 2)
    nc = await nats.connect(nats_url)
    relay_nc = await nats.connect(nats_url)
    store = PostgresEventStore(pool, new_key())
    arrived: dict[tuple[str, int], float] = {}

    async def seen(msg: Any) -> None:
        headers = msg.headers or {}
        arrived[(headers["hemiao-stream-id"], int(headers["hemiao-stream-version"]))] = time.perf_counter()

    subscription = await nc.subscribe(f"{namespace}.events.{SERVICE}.>", cb=seen)
    relay = Relay(dsn, relay_nc, service=SERVICE, namespace=namespace)
    task = asyncio.create_task(relay.run())
    first = RecipientRegistered(recipient_id="live-r", station_id="s", name="某", gender=Gender.FEMALE,
                                birth_year=1950, community="一力社区", categories=())
    meta = EventMetadata(actor={"subject": "bench"}, correlation_id="live")
    committed: dict[tuple[str, int], float] = {}

    async def append(stream: str, version: int) -> None:
        await store.append(stream, "recipient", version, [first], meta, result={})
        committed[(stream, version + 1)] = time.perf_counter()

    async def all_arrived(timeout: float = 30.0) -> None:
        deadline = time.perf_counter() + timeout
        while any(key not in arrived for key in committed):
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{sum(k not in arrived for k in committed)} live events never reached NATS")
            await asyncio.sleep(0.005)

    def delays_ms(keys: list[tuple[str, int]]) -> list[float]:
        return [(arrived[k] - committed[k]) * 1000 for k in keys]

    try:
        while relay.stats.state != RelayState.ACTIVE:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.2)
        for n in range(LONE):
            await append("live-lone", n)
            await all_arrived()
            await asyncio.sleep(0.05)
        lone = delays_ms(list(committed))

        committed.clear()
        reads_before, published_before = relay.stats.reads, relay.stats.published
        stop = time.perf_counter() + BUSY_SECONDS

        async def writer(w: int) -> None:
            version = 0
            while time.perf_counter() < stop:
                await append(f"live-w{w}", version)
                version += 1

        started = time.perf_counter()
        await asyncio.gather(*(writer(w) for w in range(WRITERS)))
        written = time.perf_counter() - started
        await all_arrived()
        busy = delays_ms(list(committed))
        reads = relay.stats.reads - reads_before
        published = relay.stats.published - published_before
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await subscription.unsubscribe()
        await relay_nc.close()
        await nc.close()
        await pool.close()
    return {
        "lone": len(lone), "lone_p50_ms": statistics.median(lone), "lone_p99_ms": _percentile(lone, 0.99),
        "lone_max_ms": max(lone),
        "busy": len(busy), "busy_per_second": len(busy) / written, "busy_p50_ms": statistics.median(busy),
        "busy_p99_ms": _percentile(busy, 0.99), "busy_max_ms": max(busy),
        "busy_events_per_read": published / reads if reads else None,  # None: a relay that does not count them
        "load_average": os.getloadavg(),
    }


def live_table(result: dict[str, Any]) -> str:
    load = ", ".join(f"{x:.2f}" for x in result["load_average"])
    per_read = "—" if result["busy_events_per_read"] is None else f"{result['busy_events_per_read']:.1f}"
    return "\n".join([
        f"Live events, commit to NATS (load average after: {load})",
        "",
        "| what | events | per second | p50 ms | p99 ms | max ms | events per read |",
        "|---|---:|---:|---:|---:|---:|---:|",
        f"| one at a time, 50 ms apart | {result['lone']} | — | {result['lone_p50_ms']:.1f} |"
        f" {result['lone_p99_ms']:.1f} | {result['lone_max_ms']:.1f} | — |",
        f"| {WRITERS} writers, one event per commit, {BUSY_SECONDS:.0f} s | {result['busy']:,} |"
        f" {result['busy_per_second']:,.0f} | {result['busy_p50_ms']:.1f} | {result['busy_p99_ms']:.1f} |"
        f" {result['busy_max_ms']:.1f} | {per_read} |",
    ])


def table(result: dict[str, Any]) -> str:
    load = ", ".join(f"{x:.2f}" for x in result["load_average"])
    return "\n".join([
        f"Relay drain of a backlog of {result['events']:,} events (written in {result['write_seconds']:.1f} s;"
        f" load average after: {load})",
        "",
        "| what | events/s | seconds | ratio to anchor |",
        "|---|---:|---:|---:|",
        f"| relay drain ({result['batches']} batches) | {result['drain_per_second']:,.0f} |"
        f" {result['drain_seconds']:.2f} | {result['ratio']:.2f} |",
        f"| anchor: JetStream publish_async loop, same messages | {result['anchor_per_second']:,.0f} |"
        f" {result['anchor_seconds']:.2f} | 1.00 |",
    ])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def main(events: int, live: bool) -> None:
    root = Path(tempfile.mkdtemp(prefix="relay-drain-"))
    postgres = EmbeddedPostgres(root / "pg", port=_free_port(), durable=False)
    server = EmbeddedNats(root / "nats", port=_free_port())
    postgres.start()
    server.start()
    try:
        print(table(await measure_drain(postgres.dsn("relay_drain"), server.url, "drain", events)))
        if live:
            print()
            print(live_table(await measure_live(postgres.dsn("relay_drain"), server.url, "drain")))
    finally:
        server.stop()
        postgres.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.relay_drain", description=__doc__)
    parser.add_argument("--events", type=int, default=100_000, help="events in the backlog")
    parser.add_argument("--no-live", dest="live", action="store_false", help="the backlog only")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.events, arguments.live))
