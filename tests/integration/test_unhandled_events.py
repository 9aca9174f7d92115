"""A consumer decodes only the events its projections handle: on a real stream, an event of a type none of them
handles passes by on its headers alone, even with a body that is not JSON (its stream's version still moves, so
the stream's next event applies; nothing is parked), for the live consumer and the rebuild's reader alike; an
event of a handled type decodes as before, and one whose body does not decode is parked, as before."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from typing import Any

import asyncpg
import pytest

from services.reporting.entrypoints.service import MIGRATIONS
from services.reporting.rebuild import RebuildProgress, SourceReader
from shared.consumer import Projection, ReceivedEvent, StreamConsumer
from shared.migrations import migrate
from shared.natsio import ensure_event_stream
from tests.contracts.probe import AT
from tests.contracts.probe import probe_noted as probe_contract
from tests.support import System, wait_until

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

SOURCE = "unhandled"
TABLE = "CREATE TABLE probes (stream_id text, version int, family text, hours float)"


@pytest.fixture
def probe_noted() -> Iterator[type[Any]]:
    with probe_contract(SOURCE) as registered:
        yield registered


async def test_an_event_no_projection_handles_passes_by_undecoded_and_a_handled_one_decodes_or_parks_as_before(
        system: System, probe_noted: type[Any]) -> None:
    js = system.nc.jetstream()
    await ensure_event_stream(js, system.namespace, SOURCE)
    dsn = system.servers.postgres.dsn(f"{system.namespace}_unhandled")
    await migrate(dsn, [MIGRATIONS])
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=4)
    await pool.execute(TABLE)

    async def noted(conn: asyncpg.Connection, e: ReceivedEvent) -> None:
        await conn.execute("INSERT INTO probes VALUES ($1, $2, $3, $4)", e.stream_id, e.version, e.payload.family,
                           e.payload.hours)

    projection = Projection(name="probes", version=1, tables=("probes",), handlers={"ProbeNoted": noted})

    async def publish(stream: str, version: int, kind: str, body: bytes) -> None:
        headers = {"Nats-Msg-Id": str(uuid.uuid4()), "hemiao-event-type": kind, "hemiao-stream-id": stream,
                   "hemiao-stream-version": str(version), "hemiao-schema-version": "3",
                   "ce-time": "2026-03-01T08:00:00+00:00"}
        await js.publish(f"{system.namespace}.events.{SOURCE}.probe.x", body, headers=headers)

    good = json.dumps(AT[3], ensure_ascii=False).encode()
    await publish("probe-a", 1, "ProbeNoted", good)
    await publish("probe-a", 2, "ProbeShelved", b"{not json")  # no contract and no handler: never decoded
    await publish("probe-a", 3, "ProbeNoted", good)
    await publish("probe-b", 1, "ProbeShelved", b"\xff\xfe")  # not even text
    await publish("probe-c", 1, "ProbeNoted", b"{not json")  # handled, and broken: parked as ever
    consumer = StreamConsumer(pool, dsn, js, namespace=system.namespace, source=SOURCE, projections=[projection],
                              consumer="skips", poll_seconds=0.2)
    rebuilt_dsn = system.servers.postgres.dsn(f"{system.namespace}_unhandled_rebuild")
    await migrate(rebuilt_dsn, [MIGRATIONS])
    rebuilt = await asyncpg.connect(rebuilt_dsn)
    await rebuilt.execute(TABLE)
    reader = SourceReader(js, system.namespace, SOURCE, [projection])
    task = asyncio.create_task(consumer.run())
    try:
        async def settled() -> bool:
            return bool(await pool.fetchval("SELECT count(*) FROM probes") == 2
                        and await pool.fetchval("SELECT count(*) FROM parked_events") == 1)

        await wait_until(settled, timeout=60, what="two applied, one parked")
        rows = [tuple(r) for r in await pool.fetch("SELECT * FROM probes ORDER BY version")]
        assert rows == [("probe-a", 1, "王", 1.5), ("probe-a", 3, "王", 1.5)]
        parked = await pool.fetchrow("SELECT stream_id, version, type, error FROM parked_events")
        assert (parked["stream_id"], parked["version"], parked["type"]) == ("probe-c", 1, "ProbeNoted")
        assert "JSONDecodeError" in parked["error"]
        versions = dict(await pool.fetch("SELECT stream_id, version FROM applied_versions WHERE projection = $1"
                                         " AND stream_id <> 'probe-c'", "probes"))
        assert versions == {"probe-a": 3, "probe-b": 1}  # the unhandled events moved their streams

        # the rebuild's reader passes them by too, and applies the same rows
        await reader.open()
        await reader.read_to(rebuilt, 4, RebuildProgress(projections=("probes",)))
        assert [tuple(r) for r in await rebuilt.fetch("SELECT * FROM probes ORDER BY version")] == rows
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await reader.close()
        await rebuilt.close()
        await pool.close()
