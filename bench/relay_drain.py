"""`python -m bench.relay_drain --events N`: how fast the relay drains a backlog, beside raw JetStream.

Writes N events into a service's `events` table while no relay runs (as a NATS outage or a bulk import leaves
them), starts the relay and times it until every event is acknowledged; then publishes the same messages (the
same subjects, payloads and headers) to another stream with a bare `publish_async` loop, the anchor. Figures
taken while other work loads the machine are provisional: the table prints the load average.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
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
from shared.relay import Relay, cloud_event_headers

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


async def main(events: int) -> None:
    root = Path(tempfile.mkdtemp(prefix="relay-drain-"))
    postgres = EmbeddedPostgres(root / "pg", port=_free_port(), durable=False)
    server = EmbeddedNats(root / "nats", port=_free_port())
    postgres.start()
    server.start()
    try:
        print(table(await measure_drain(postgres.dsn("relay_drain"), server.url, "drain", events)))
    finally:
        server.stop()
        postgres.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.relay_drain", description=__doc__)
    parser.add_argument("--events", type=int, default=100_000, help="events in the backlog")
    asyncio.run(main(parser.parse_args().events))
