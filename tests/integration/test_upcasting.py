"""A test contract at version 3, with upcasters 1 → 2 → 3, read from a real store and a real stream: the write
side's fold, a live consumer and the rebuild's reader all see every version in the current shape; a consumer
parks an event written at a version newer than the code, naming why, a rebuild stops at it, and a replay of
the parked events applies it once the code knows its version."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from typing import Any

import asyncpg
import pytest

from services.reporting.entrypoints.service import MIGRATIONS
from services.reporting.rebuild import RebuildFailed, RebuildProgress, SourceReader
from shared.consumer import Projection, ReceivedEvent, StreamConsumer, replay_parked
from shared.contracts import event
from shared.contracts.registry import unregister
from shared.eventstore.postgres import PostgresEventStore
from shared.migrations import EVENT_STORE_MIGRATIONS, migrate
from shared.natsio import ensure_event_stream
from tests.contracts.probe import AT, v1_to_v2, v2_to_v3
from tests.contracts.probe import probe_noted as probe_contract
from tests.support import DATA_KEY, System, wait_until

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day


@pytest.fixture
def probe_noted() -> Iterator[type[Any]]:
    """The throwaway contract, published on its own `probes` stream, registered for this test only."""
    with probe_contract("probes") as registered:
        yield registered


async def test_the_fold_reads_rows_stored_at_each_version_in_the_current_shape(
        system: System, probe_noted: type[Any]) -> None:
    dsn = system.servers.postgres.dsn(f"{system.namespace}_probes")
    await migrate(dsn, [EVENT_STORE_MIGRATIONS])
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
    try:
        for version, data in AT.items():
            await pool.execute(
                "INSERT INTO events (stream_id, stream_type, version, event_id, type, schema_version, data, metadata)"
                " VALUES ('probe-p', 'probe', $1, $2, 'ProbeNoted', $1, $3::jsonb, '{}'::jsonb)",
                version, uuid.uuid4(), json.dumps(data, ensure_ascii=False))
        read = await PostgresEventStore(pool, DATA_KEY).read_stream("probe-p")
        assert [r.payload for r in read] == [probe_noted(probe_id="p", family="王", given="小明", hours=1.5)] * 3
        assert [(r.schema_version, r.data) for r in read] == list(AT.items())  # as stored, not rewritten
        await pool.execute("INSERT INTO events (stream_id, stream_type, version, event_id, type, schema_version,"
                           " data, metadata) VALUES ('probe-p', 'probe', 4, $1, 'ProbeNoted', 4, $2::jsonb,"
                           " '{}'::jsonb)", uuid.uuid4(), json.dumps(AT[3]))
        with pytest.raises(ValueError, match="schema version 4, newer than this code's version 3"):
            await PostgresEventStore(pool, DATA_KEY).read_stream("probe-p")
    finally:
        await pool.close()


async def test_a_consumer_upcasts_each_published_version_and_parks_one_newer_than_the_code(
        system: System, probe_noted: type[Any]) -> None:
    js = system.nc.jetstream()
    await ensure_event_stream(js, system.namespace, "probes")
    dsn = system.servers.postgres.dsn(f"{system.namespace}_probe_reader")
    await migrate(dsn, [MIGRATIONS])
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=4)
    await pool.execute("CREATE TABLE probes (stream_id text, version int, family text, given text, hours float)")

    async def noted(conn: asyncpg.Connection, e: ReceivedEvent) -> None:
        await conn.execute("INSERT INTO probes VALUES ($1, $2, $3, $4, $5)", e.stream_id, e.version,
                           e.payload.family, e.payload.given, e.payload.hours)

    projection = Projection(name="probes", version=1, tables=("probes",), handlers={"ProbeNoted": noted})
    subject = f"{system.namespace}.events.probes.probe.noted"

    async def publish(stream: str, version: int, schema_version: int | None, data: dict[str, Any]) -> None:
        headers = {"Nats-Msg-Id": str(uuid.uuid4()), "hemiao-event-type": "ProbeNoted", "hemiao-stream-id": stream,
                   "hemiao-stream-version": str(version), "ce-time": "2026-03-01T08:00:00+00:00"}
        if schema_version is not None:  # the relay always sends it; a message without it is version 1
            headers["hemiao-schema-version"] = str(schema_version)
        await js.publish(subject, json.dumps(data, ensure_ascii=False).encode(), headers=headers)

    await publish("probe-a", 1, None, AT[1])
    await publish("probe-a", 2, 1, AT[1])
    await publish("probe-a", 3, 2, AT[2])
    await publish("probe-a", 4, 3, AT[3])
    consumer = StreamConsumer(pool, dsn, js, namespace=system.namespace, source="probes", projections=[projection],
                              consumer="upcast", poll_seconds=0.2)
    rebuilt_dsn = system.servers.postgres.dsn(f"{system.namespace}_probe_rebuild")
    await migrate(rebuilt_dsn, [MIGRATIONS])
    conn = await asyncpg.connect(rebuilt_dsn)
    await conn.execute("CREATE TABLE probes (stream_id text, version int, family text, given text, hours float)")
    reader = SourceReader(js, system.namespace, "probes", [projection])  # the rebuild's, into tables of its own
    task = asyncio.create_task(consumer.run())
    try:
        async def counted(applied: int, parked: int) -> bool:
            return bool(await pool.fetchval("SELECT count(*) FROM probes") == applied
                        and await pool.fetchval("SELECT count(*) FROM parked_events") == parked)

        await wait_until(lambda: counted(4, 0), timeout=30, what="four applied")
        rows = await pool.fetch("SELECT stream_id, version, family, given, hours FROM probes ORDER BY version")
        assert [tuple(r) for r in rows] == [("probe-a", v, "王", "小明", 1.5) for v in range(1, 5)]
        await reader.open()
        await reader.read_to(conn, 4, RebuildProgress(projections=("probes",)))
        rebuilt = await conn.fetch("SELECT stream_id, version, family, given, hours FROM probes ORDER BY version")
        assert [tuple(r) for r in rebuilt] == [tuple(r) for r in rows]

        await publish("probe-b", 1, 4, AT[3])  # written by newer code than this reader
        await wait_until(lambda: counted(4, 1), timeout=60, what="the newer event parked")
        parked = await pool.fetchrow("SELECT stream_id, version, type, error FROM parked_events")
        assert (parked["stream_id"], parked["version"], parked["type"]) == ("probe-b", 1, "ProbeNoted")
        assert "UnknownSchemaVersion" in parked["error"]
        assert "schema version 4, newer than this code's version 3" in parked["error"]
        with pytest.raises(RebuildFailed, match="schema version 4, newer than this code's version 3"):
            await reader.read_to(conn, 5, RebuildProgress(projections=("probes",)))
        assert await conn.fetchval("SELECT count(*) FROM probes") == 4

        # The newer code is deployed (version 4, an upcaster from 3): replaying the parked event applies it.
        unregister("ProbeNoted")
        event(service="probes", aggregate="probe", name="noted", version=4,
              upcasters={1: v1_to_v2, 2: v2_to_v3, 3: lambda data: data})(probe_noted)
        assert await replay_parked(pool, consumer.name, [projection]) == (1, 0)
        assert await pool.fetchval("SELECT hours FROM probes WHERE stream_id = 'probe-b'") == 1.5
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await reader.close()
        await conn.close()
        await pool.close()
