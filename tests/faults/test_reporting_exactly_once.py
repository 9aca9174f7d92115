"""Reporting killed mid-batch, a failing batch, a crash before the acks: no event is counted twice or lost."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from typing import ClassVar

import asyncpg
import pytest
from nats.aio.msg import Msg

from services.reporting.entrypoints.service import MIGRATIONS, system_status
from services.reporting.projections import Projection, Projector, ReceivedEvent, projections
from shared.consumer import StreamConsumer, replay_parked
from shared.migrations import migrate
from shared.runtime import RequestContext
from tests.support import SYSTEM_ACTOR, System, open_case_for, open_station, wait_until, worker

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

SESSIONS = 40
CASE_EVENTS = 3 + SESSIONS  # recipient registered, the case's number, case opened, the sessions


@dataclass
class Reporting:
    """A reporting database of its own, fed by the test's own consumers of the `system`'s streams."""

    system: System
    dsn: str
    pool: asyncpg.Pool
    case_id: str
    tasks: list[asyncio.Task[None]]

    def start(self, consumer: StreamConsumer) -> StreamConsumer:
        self.tasks.append(asyncio.create_task(consumer.run()))
        return consumer

    def consumer(self, table: list[Projection] | None = None, cls: type[StreamConsumer] = StreamConsumer,
                 batch_size: int = 8) -> StreamConsumer:
        consumer = cls(self.pool, self.dsn, self.system.nc.jetstream(), namespace=self.system.namespace,
                       source="cases", projections=table or projections(), batch_size=batch_size, poll_seconds=0.2,
                       ack_wait_seconds=2.0)
        consumer.name = "test_reporting_cases"
        return consumer

    async def checkpoint(self) -> int:
        value = await self.pool.fetchval("SELECT stream_seq FROM consumer_checkpoints WHERE consumer = $1",
                                         "test_reporting_cases")
        return int(value or 0)

    async def all_applied(self) -> bool:
        """Every event applied or parked (the checkpoint alone can reach the end while an event redelivered after
        the ack wait is still to come)."""
        done = await self.pool.fetchval("SELECT coalesce(sum(applied), 0) FROM consumer_checkpoints")
        parked = await self.pool.fetchval("SELECT count(*) FROM parked_events")
        return await self.checkpoint() >= CASE_EVENTS and done + parked >= CASE_EVENTS

    async def assert_counted_once(self) -> None:
        row = await self.pool.fetchrow("SELECT session_count FROM cases WHERE case_id = $1", self.case_id)
        assert row["session_count"] == SESSIONS
        assert await self.pool.fetchval("SELECT count(*) FROM case_sessions") == SESSIONS
        assert await self.pool.fetchval("SELECT applied FROM consumer_checkpoints") == CASE_EVENTS


@pytest.fixture
async def reporting(system: System) -> AsyncIterator[Reporting]:
    station_id = await open_station(system)
    opened = await open_case_for(system, station_id)
    for day in range(1, SESSIONS + 1):
        await system.call("cases", "record_case_session",
                          {"case_id": opened["case_id"], "held_on": f"2026-10-{8 + day % 20:02d}",
                           "mode": "home_visit", "duration_minutes": 30}, worker(station_id))
    dsn = system.servers.postgres.dsn(f"{system.namespace}_faults")
    await migrate(dsn, [MIGRATIONS])
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=5)
    running = Reporting(system=system, dsn=dsn, pool=pool, case_id=opened["case_id"], tasks=[])
    try:
        yield running
    finally:
        for task in running.tasks:
            task.cancel()
        await asyncio.gather(*running.tasks, return_exceptions=True)
        await pool.close()


def with_sessions(change: Callable[[Projector], Projector]) -> list[Projection]:
    """The real projections, with the cases projection's handler of case sessions changed (and applied one by one:
    its batch handler goes)."""
    def changed(projection: Projection) -> Projection:
        if projection.name != "cases":
            return projection
        handlers = dict(projection.handlers)
        handlers["CaseSessionRecorded"] = change(handlers["CaseSessionRecorded"])
        batched = {t: h for t, h in projection.batch_handlers.items() if t != "CaseSessionRecorded"}
        return replace(projection, handlers=handlers, batch_handlers=batched)  # sessions go one by one

    return [changed(p) for p in projections()]


def slow_sessions(seconds: float) -> list[Projection]:
    """The real projections, slowed down on sessions so that a kill lands in the middle of a batch."""
    def slowed(real: Projector) -> Projector:
        async def slow(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
            await real(conn, event)
            await asyncio.sleep(seconds)

        return slow

    return with_sessions(slowed)


async def test_a_consumer_killed_mid_batch_and_restarted_counts_every_event_once(reporting: Reporting) -> None:
    first = reporting.start(reporting.consumer(slow_sessions(0.05)))
    await wait_until(lambda: past(reporting, 10), what="some batches applied")
    reporting.tasks[0].cancel()
    await asyncio.gather(reporting.tasks[0], return_exceptions=True)
    assert first.stats.applied < CASE_EVENTS

    reporting.start(reporting.consumer())
    await wait_until(reporting.all_applied, timeout=30, what="every event applied")

    await reporting.assert_counted_once()


async def past(reporting: Reporting, seq: int) -> bool:
    return await reporting.checkpoint() >= seq


async def test_a_batch_that_fails_half_way_is_applied_again_whole(reporting: Reporting) -> None:
    failures = {"left": 1}

    def failing_once(real: Projector) -> Projector:
        async def fails_once(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
            await real(conn, event)
            if event.version == 20 and failures["left"]:
                failures["left"] -= 1
                raise RuntimeError("the database said no, once")

        return fails_once

    consumer = reporting.start(reporting.consumer(with_sessions(failing_once)))
    await wait_until(reporting.all_applied, timeout=30, what="every event applied")

    assert failures["left"] == 0
    assert consumer.stats.failures == 1
    await reporting.assert_counted_once()


class CrashesBeforeAcking(StreamConsumer):
    """Commits its first batch, then dies before acknowledging it; remembers what came back redelivered."""

    crashed = False
    redelivered: ClassVar[list[int]] = []

    async def _acknowledge(self, messages: list[Msg]) -> None:
        if not CrashesBeforeAcking.crashed:
            CrashesBeforeAcking.crashed = True
            raise ConnectionError("the process died after the commit, before the acks")
        CrashesBeforeAcking.redelivered += [m.metadata.sequence.stream for m in messages
                                            if m.metadata.num_delivered > 1]
        await super()._acknowledge(messages)


async def test_events_redelivered_after_a_crash_before_the_acks_are_not_counted_again(reporting: Reporting) -> None:
    reporting.start(reporting.consumer(cls=CrashesBeforeAcking))
    await wait_until(reporting.all_applied, timeout=30, what="every event applied")
    await wait_until(lambda: redelivered(8), timeout=30, what="the unacknowledged batch to come back")

    # the first batch, committed and never acknowledged, came back (the one fetched ahead of it was nak'd and came
    # back too, at once) and was passed over
    assert set(range(1, 9)) <= set(CrashesBeforeAcking.redelivered)
    await reporting.assert_counted_once()


async def redelivered(n: int) -> bool:
    return set(range(1, n + 1)) <= set(CrashesBeforeAcking.redelivered)


class DiesWithABatchInHand(StreamConsumer):
    """Applies its first batch, then takes the second and dies without applying, acking or nak-ing it, as a
    killed process would: JetStream redelivers those only after the ack wait, behind newer events."""

    batches = 0

    async def _apply_batch(self, messages: list[Msg]) -> None:
        DiesWithABatchInHand.batches += 1
        if DiesWithABatchInHand.batches == 2:
            raise asyncio.CancelledError  # the task ends here: the batch stays delivered, unanswered
        await super()._apply_batch(messages)


async def test_events_redelivered_behind_newer_ones_after_a_kill_are_applied_in_order_not_lost(
        reporting: Reporting) -> None:
    dying = reporting.start(reporting.consumer(cls=DiesWithABatchInHand))
    await wait_until(lambda: past(reporting, 8), what="the first batch applied")
    await asyncio.gather(reporting.tasks[0], return_exceptions=True)
    assert dying.stats.applied == 8

    successor = reporting.start(reporting.consumer())
    await wait_until(reporting.all_applied, timeout=30, what="every event applied")

    await reporting.assert_counted_once()
    assert successor.stats.applied == CASE_EVENTS - 8


@pytest.mark.parametrize("batch_size", [8, 64], ids=["batches of 8", "one batch of every event"])
async def test_a_poisoned_event_is_parked_visibly_its_stream_waits_behind_it_and_a_replay_after_the_fix_applies_all(
        reporting: Reporting, batch_size: int) -> None:
    """With one batch of every event, the poisoned one is in its middle: the batch fails whole until its last
    delivery, then is applied event by event, and only the poisoned event and those behind it are parked."""
    def buggy(real: Projector) -> Projector:
        async def with_a_bug(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
            if event.version == 10:
                raise ValueError("a projection bug on version 10")
            await real(conn, event)

        return with_a_bug

    consumer = reporting.start(reporting.consumer(with_sessions(buggy), batch_size=batch_size))
    await wait_until(reporting.all_applied, timeout=30, what="every event applied or parked")

    parked = await reporting.pool.fetch("SELECT version, error FROM parked_events WHERE consumer = $1"
                                        " ORDER BY version", consumer.name)
    status = await system_status(reporting.pool, [consumer], RequestContext(actor=SYSTEM_ACTOR, correlation_id="s"))
    sessions = await reporting.pool.fetchval("SELECT session_count FROM cases WHERE case_id = $1", reporting.case_id)
    case_version = await reporting.pool.fetchval("SELECT min(version) FROM applied_versions WHERE stream_id = $1",
                                                 f"case-{reporting.case_id}")

    # The case's stream: opened is version 1, the 40 sessions versions 2 to 41. Version 10 failed three
    # deliveries running and was parked; 11 to 41 wait behind it; versions 2 to 9 were applied.
    assert [p["version"] for p in parked] == list(range(10, 42))
    assert "a projection bug on version 10" in parked[0]["error"]
    assert all("held behind version 10" in p["error"] for p in parked[1:])
    assert (sessions, case_version) == (8, 9)
    [mine] = [c for c in status["consumers"] if c["consumer"] == consumer.name]
    assert len(mine["parked"]) == 32 and mine["lag_events"] == 0 and consumer.stats.parked == 32

    applied, left = await replay_parked(reporting.pool, consumer.name, projections())  # the projection, fixed

    assert (applied, left) == (32, 0)
    await reporting.assert_counted_once()
