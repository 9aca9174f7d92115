"""The anchors hemiao's figures are measured against, in the same run on the same servers: the `eventsourcing`
library's PostgreSQL `app.save`, JetStream publish with async acks, and JetStream fetch with a batched apply.
(The raw INSERT anchor is `bench.workloads.reference_inserts`.)"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import asyncpg
from nats.aio.client import Client
from nats.js.api import AckPolicy, ConsumerConfig, StorageType, StreamConfig

from bench.stats import Throughput

SESSION: dict[str, Any] = {"held_on": "2026-11-01", "mode": "home_visit", "duration_minutes": 45, "participants": 1,
           "notes": "基准测试 bench"}
"""The body of a hemiao case session, less its ids: the anchors write events of about its size."""


CASES = [str(uuid.uuid4()) for _ in range(512)]
"""The cases the anchors' events are of: a batch of 256 holds several sessions of some cases."""


def event_body(n: int) -> bytes:
    """A JSON event of about the size of a hemiao CaseSessionRecorded, of one of CASES."""
    return json.dumps({"case_id": CASES[(n * 7919) % len(CASES)], "session_id": str(uuid.uuid4()), "n": n, **SESSION},
                      ensure_ascii=False).encode()


# ---- the eventsourcing library -------------------------------------------------------------------------------

def eventsourcing_environment(dsn: str) -> dict[str, str]:
    """The library's POSTGRES persistence settings for a database of the bench's server."""
    parts = urlsplit(dsn)
    return {"PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_DBNAME": parts.path.lstrip("/"),
            "POSTGRES_HOST": parts.hostname or "127.0.0.1", "POSTGRES_PORT": str(parts.port or 5432),
            "POSTGRES_USER": parts.username or "postgres", "POSTGRES_PASSWORD": parts.password or "",
            "POSTGRES_POOL_SIZE": "10", "POSTGRES_MAX_OVERFLOW": "10", "CREATE_TABLE": "y"}


def eventsourcing_saves(dsn: str, threads: int, warmup: float, seconds: float) -> Throughput:
    """`threads` threads, each saving new events of its own aggregate (one event per `app.save`) back to back; the
    library's optimistic concurrency check and its notification log are part of every save. Blocking: run it in
    a thread of its own."""
    from eventsourcing.application import Application
    from eventsourcing.domain import Aggregate, event

    class CaseRecord(Aggregate):
        """A case that sessions are recorded on, as the library models aggregates."""

        @event("Opened")
        def __init__(self, station: str) -> None:
            self.station = station
            self.sessions = 0

        @event("SessionRecorded")
        def record(self, case_id: str, session_id: str, held_on: str, mode: str, duration_minutes: int,
                   participants: int, notes: str) -> None:
            self.sessions += 1

    class Cases(Application):  # type: ignore[type-arg]
        """The library's application over its PostgreSQL recorder."""

    app = Cases(env=eventsourcing_environment(dsn))
    started = time.monotonic()
    window_start, window_end = started + warmup, started + warmup + seconds
    done: list[tuple[float, float]] = []
    lock = threading.Lock()

    def thread(n: int) -> None:
        """One thread's closed loop on its own aggregate."""
        record = CaseRecord(station=f"bench-{n}")
        app.save(record)
        case_id = str(record.id)
        while (begun := time.monotonic()) < window_end:
            record.record(case_id=case_id, session_id=str(uuid.uuid4()), **SESSION)
            app.save(record)
            with lock:
                done.append((begun, time.monotonic()))

    try:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            for future in [pool.submit(thread, n) for n in range(threads)]:
                future.result()
    finally:
        app.close()
    return _counted("eventsourcing app.save", threads, seconds, window_start, window_end, done)


def _counted(name: str, clients: int, seconds: float, window_start: float, window_end: float,
             done: list[tuple[float, float]]) -> Throughput:
    """A Throughput of the operations that ended inside the window."""
    result = Throughput(name=name, clients=clients, window_seconds=seconds, per_second=[0] * max(1, round(seconds)))
    for begun, ended in done:
        if window_start <= ended < window_end:
            result.ok += 1
            result.latencies_ms.append((ended - begun) * 1000)
            result.per_second[min(int(ended - window_start), len(result.per_second) - 1)] += 1
    return result


# ---- JetStream ------------------------------------------------------------------------------------------------

@dataclass
class Batched:
    """A run that moved `events` in `seconds`."""

    name: str
    events: int
    seconds: float
    batch: int

    @property
    def rate(self) -> float:
        """Events per second."""
        return self.events / self.seconds if self.seconds > 0 else float("nan")


async def scratch_stream(nc: Client, name: str) -> str:
    """A file-backed stream of the bench's own (as the services' event streams are); its subject prefix."""
    subject = f"bench.scratch.{name}"
    await nc.jetstream().add_stream(StreamConfig(name=name, subjects=[f"{subject}.>"], storage=StorageType.FILE,
                                                 duplicate_window=120.0))
    return subject


async def jetstream_publish(nc: Client, stream: str, events: int, window: int) -> Batched:
    """Publish `events` event-sized messages to a scratch stream with async acks, at most `window` unacknowledged
    at a time, each with a `Nats-Msg-Id` (as the relay sends them); timed until the last PubAck is in."""
    js = nc.jetstream(publish_async_max_pending=window)
    subject = await scratch_stream(nc, stream)
    bodies = [event_body(n) for n in range(events)]
    started = time.monotonic()
    acks = [await js.publish_async(f"{subject}.case", body, headers={"Nats-Msg-Id": f"{stream}-{n}"})
            for n, body in enumerate(bodies)]
    answered = await asyncio.gather(*acks)
    seconds = time.monotonic() - started
    if len(answered) != events or answered[-1].seq != events:
        raise RuntimeError(f"JetStream acknowledged {len(answered)} of {events} messages")
    return Batched(name="JetStream publish_async", events=events, seconds=seconds, batch=window)


APPLY_TABLES = """
CREATE TABLE IF NOT EXISTS bench_cases (case_id uuid PRIMARY KEY, sessions int NOT NULL, minutes int NOT NULL,
                                        last_held date NOT NULL);
CREATE TABLE IF NOT EXISTS bench_checkpoints (consumer text PRIMARY KEY, stream_seq bigint NOT NULL);
"""
UPSERT = """
INSERT INTO bench_cases (case_id, sessions, minutes, last_held)
SELECT case_id, count(*), sum(minutes), max(held_on) FROM unnest($1::uuid[], $2::int[], $3::date[])
       AS t(case_id, minutes, held_on) GROUP BY case_id
ON CONFLICT (case_id) DO UPDATE SET sessions = bench_cases.sessions + excluded.sessions,
       minutes = bench_cases.minutes + excluded.minutes, last_held = greatest(bench_cases.last_held,
       excluded.last_held)
"""


async def jetstream_fetch_apply(nc: Client, dsn: str, stream: str, events: int, batch: int) -> Batched:
    """Read the scratch stream from its start with a durable pull consumer, `batch` messages per fetch; apply each
    batch in one transaction (one set-based upsert of per-case rows, then the checkpoint), then ack the batch.
    Timed from the first fetch to the last commit."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(APPLY_TABLES)
        js = nc.jetstream()
        subscription = await js.pull_subscribe(f"bench.scratch.{stream}.>", durable="bench_apply", stream=stream,
                                                config=ConsumerConfig(ack_policy=AckPolicy.ALL,
                                                                      max_ack_pending=4 * batch))
        applied = 0
        started = time.monotonic()
        while applied < events:
            messages = await subscription.fetch(batch, timeout=5.0)
            bodies = [json.loads(m.data) for m in messages]
            seq = messages[-1].metadata.sequence.stream
            async with conn.transaction():
                await conn.execute(UPSERT, [b["case_id"] for b in bodies],
                                   [b["duration_minutes"] for b in bodies],
                                   [date.fromisoformat(b["held_on"]) for b in bodies])
                await conn.execute("INSERT INTO bench_checkpoints VALUES ('bench_apply', $1) ON CONFLICT (consumer)"
                                   " DO UPDATE SET stream_seq = excluded.stream_seq", seq)
            await messages[-1].ack()  # AckPolicy.ALL: acknowledges the whole batch
            applied += len(messages)
        seconds = time.monotonic() - started
        await subscription.unsubscribe()
    finally:
        await conn.close()
    return Batched(name="JetStream fetch + batched upsert", events=applied, seconds=seconds, batch=batch)
