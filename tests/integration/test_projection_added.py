"""A projection added to a consumer that has run (a write service's new followed projection, as activities'
copy of the recipients was) is filled from the stream's first event, and the projections it joins count nothing
twice, however far the consumer had got."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from typing import Any

import asyncpg
import pytest

from services.reporting.entrypoints.service import MIGRATIONS
from shared.consumer import Projection, ReceivedEvent, StreamConsumer
from shared.migrations import migrate
from shared.natsio import ensure_event_stream
from tests.contracts.probe import AT
from tests.contracts.probe import probe_noted as probe_contract
from tests.support import System, wait_until

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day


@pytest.fixture
def probe_noted() -> Iterator[type[Any]]:
    with probe_contract("added") as registered:
        yield registered


def kept_in(table: str) -> Projection:
    """A projection that notes every event it is given in a table of its own."""

    async def noted(conn: asyncpg.Connection, e: ReceivedEvent) -> None:
        await conn.execute(f"INSERT INTO {table} VALUES ($1, $2)", e.stream_id, e.version)

    return Projection(name=table, version=1, tables=(table,), handlers={"ProbeNoted": noted})


async def test_a_projection_added_later_gets_every_event_and_the_first_counts_none_twice(
        system: System, probe_noted: type[Any]) -> None:
    js = system.nc.jetstream()
    await ensure_event_stream(js, system.namespace, "added")
    dsn = system.servers.postgres.dsn(f"{system.namespace}_added")
    await migrate_with_tables(dsn)
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=4)
    first, added = kept_in("first_kept"), kept_in("added_kept")
    subject = f"{system.namespace}.events.added.probe.noted"

    async def publish(stream: str, version: int) -> None:
        headers = {"Nats-Msg-Id": str(uuid.uuid4()), "hemiao-event-type": "ProbeNoted", "hemiao-stream-id": stream,
                   "hemiao-stream-version": str(version), "hemiao-schema-version": "3",
                   "ce-time": "2026-03-01T08:00:00+00:00"}
        await js.publish(subject, json.dumps(AT[3], ensure_ascii=False).encode(), headers=headers)

    async def rows(table: str) -> list[tuple[str, int]]:
        return [tuple(r) for r in await pool.fetch(f"SELECT * FROM {table} ORDER BY 1, 2")]  # type: ignore[misc]

    async def run_until(projections: list[Projection], done: Any) -> None:
        consumer = StreamConsumer(pool, dsn, js, namespace=system.namespace, source="added",
                                  projections=projections, consumer="followed", poll_seconds=0.2)
        task = asyncio.create_task(consumer.run())
        try:
            await wait_until(done, timeout=30, what="the events applied")
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    try:
        for version in (1, 2, 3):
            await publish("probe-a", version)
        await publish("probe-b", 1)

        async def first_has(n: int) -> bool:
            return len(await rows("first_kept")) == n

        await run_until([first], lambda: first_has(4))
        await publish("probe-a", 4)  # while the service is being upgraded
        await publish("probe-b", 2)

        async def both_have_all() -> bool:
            return len(await rows("added_kept")) == 6 and await first_has(6)

        await run_until([first, added], both_have_all)

        every = [("probe-a", 1), ("probe-a", 2), ("probe-a", 3), ("probe-a", 4), ("probe-b", 1), ("probe-b", 2)]
        assert await rows("added_kept") == every
        assert await rows("first_kept") == every  # nothing applied twice to the projection that had them
    finally:
        await pool.close()


async def migrate_with_tables(dsn: str) -> None:
    """Reporting's migrations (the consumer's tables among them) and a table for each projection."""
    await migrate(dsn, [MIGRATIONS])
    conn = await asyncpg.connect(dsn)
    try:
        for table in ("first_kept", "added_kept"):
            await conn.execute(f"CREATE TABLE {table} (stream_id text, version int, PRIMARY KEY (stream_id, version))")
    finally:
        await conn.close()
