"""Two copies of reporting on one durable consumer: the active one is killed (SIGKILL) with a batch in hand, and
the other takes over within seconds (the ack wait is 5 s, not 30), with every event applied once; meanwhile its
/readyz says the read models are behind, and ready once they have caught up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from services.reporting.entrypoints.service import MIGRATIONS
from shared.config import stream_name
from shared.consumer import ACK_WAIT_SECONDS
from shared.devstack.embedded import free_port
from shared.migrations import migrate
from shared.natsio import ensure_event_stream
from tests.support import System, open_case_for, open_station, wait_until, worker

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

ROOT = Path(__file__).parents[2]
CASES, SESSIONS = 2, 30
HANDOVER_BOUND_SECONDS = 15.0
"""Well under the 30 s ack wait the consumers had: leadership (1 s) + the ack wait (5 s) + applying the rest."""


class Copy:
    """One reporting process, started as a subprocess of the test."""

    def __init__(self, name: str, env: dict[str, str]) -> None:
        self.name = name
        self.port = free_port()
        self.log = open(ROOT / "var" / f"handover-{name}-{os.getpid()}.log", "w")
        self.process = subprocess.Popen([sys.executable, "-m", "tests.faults.reporting_copy"], cwd=ROOT,
                                        env={**env, "REPORTING_HTTP_PORT": str(self.port)},
                                        stdout=self.log, stderr=subprocess.STDOUT)

    async def readyz(self) -> tuple[int, dict[str, object]]:
        async with httpx.AsyncClient(timeout=3.0) as client:
            answer = await client.get(f"http://127.0.0.1:{self.port}/readyz")
        return answer.status_code, answer.json()

    async def answering(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"reporting copy {self.name} exited: see {self.log.name}")
        try:
            await self.readyz()
            return True
        except httpx.HTTPError:
            return False

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.log.close()


@pytest.fixture
async def copies() -> AsyncIterator[list[Copy]]:
    started: list[Copy] = []
    try:
        yield started
    finally:
        for copy in started:
            copy.stop()


async def copy_stream(system: System, namespace: str) -> int:
    """Every event of the system's cases stream, published again as they are into `namespace`'s; how many."""
    js = system.nc.jetstream()
    source = stream_name(system.namespace, "cases")
    last = (await js.stream_info(source)).state.last_seq
    reader = await js.pull_subscribe(f"{system.namespace}.events.cases.>", stream=source,
                                     config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL,
                                                           ack_policy=AckPolicy.NONE))
    copied = 0
    while copied < last:
        for msg in await reader.fetch(min(256, last - copied), timeout=5):
            subject = namespace + msg.subject.removeprefix(system.namespace)
            await js.publish(subject, msg.data, headers=dict(msg.headers or {}))
            copied += 1
    await reader.unsubscribe()
    return copied


async def test_the_other_copy_takes_over_a_killed_ones_batch_within_seconds_and_readyz_says_behind_meanwhile(
        system: System, copies: list[Copy]) -> None:
    station_id = await open_station(system)
    for _ in range(CASES):
        opened = await open_case_for(system, station_id)
        for day in range(1, SESSIONS + 1):
            await system.call("cases", "record_case_session",
                              {"case_id": opened["case_id"], "held_on": f"2026-10-{8 + day % 20:02d}",
                               "mode": "home_visit", "duration_minutes": 30}, worker(station_id))
    namespace = f"{system.namespace}h"
    js = system.nc.jetstream()
    for source in ("cases", "activities"):
        await ensure_event_stream(js, namespace, source)
    stream = stream_name(namespace, "cases")
    await js.add_consumer(stream, config=ConsumerConfig(  # as an older release made it: a 30 s ack wait
        durable_name="reporting_cases", ack_policy=AckPolicy.EXPLICIT, deliver_policy=DeliverPolicy.ALL,
        ack_wait=30, filter_subject=f"{namespace}.events.cases.>"))
    dsn = system.servers.postgres.dsn(f"{namespace}_reporting")
    await migrate(dsn, [MIGRATIONS])
    env = {**os.environ, "REPORTING_DATABASE_URL": dsn, "NATS_URL": system.servers.nats.url,
           "HEMIAO_NAMESPACE": namespace, "HEMIAO_READY_MAX_LAG_EVENTS": "10"}
    env.pop("HEMIAO_CONSUMER_ACK_WAIT_SECONDS", None)  # the default, 5 s
    (ROOT / "var").mkdir(exist_ok=True)
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
    try:
        first = Copy("first", {**env, "HANDOVER_SLOW_SECONDS": "0.03"})
        copies.append(first)
        await wait_until(first.answering, timeout=60, what="the first copy answering")
        await wait_until(lambda: active(pool), timeout=20, what="the first copy consuming")
        second = Copy("second", env)
        copies.append(second)
        await wait_until(second.answering, timeout=60, what="the second copy answering")
        assert (await first.readyz())[0] == 200 and (await second.readyz())[0] == 200  # nothing to apply: ready
        info = await js.consumer_info(stream, "reporting_cases")
        assert info.config.ack_wait == ACK_WAIT_SECONDS  # the existing durable consumer was updated, not remade

        events = await copy_stream(system, namespace)
        in_hand = 0

        async def mid_batch() -> bool:
            nonlocal in_hand
            in_hand = (await js.consumer_info(stream, "reporting_cases")).num_ack_pending
            return await checkpoint(pool) > 0 and in_hand > 0

        await wait_until(mid_batch, timeout=20, what="the first copy applying a batch")
        first.kill()
        killed_at, killed_checkpoint = time.monotonic(), await checkpoint(pool)
        said: list[tuple[int, str]] = []

        async def caught_up() -> bool:
            status, body = await second.readyz()
            checks = body["checks"]
            assert isinstance(checks, dict)
            said.append((status, str(checks["lag"])))
            return await applied(pool) >= events and status == 200  # (the checkpoint can be at the end while an
            # event that came early waits for the one before it, redelivered after the ack wait)

        await wait_until(caught_up, timeout=HANDOVER_BOUND_SECONDS, what="the second copy applying every event")
        took = time.monotonic() - killed_at
        print(f"\nhand-over: {events} events; the first copy killed at checkpoint {killed_checkpoint} with"
              f" {in_hand} in hand; the second applied the rest in {took:.1f} s (bound {HANDOVER_BOUND_SECONDS} s,"
              f" ack wait {ACK_WAIT_SECONDS} s)")

        assert killed_checkpoint < events
        assert took < HANDOVER_BOUND_SECONDS
        behind = [lag for status, lag in said if status == 503]
        assert behind and "events behind" in behind[0], said  # while it lagged, it said so, and how far
        assert said[-1] == (200, "ok")
        # the read model equals a recount of what was written, and the system's own read model of the same
        # events, every event applied once
        await system.read_models_have_everything()
        for recount in ("SELECT count(*) FROM case_sessions", "SELECT count(DISTINCT case_id) FROM case_sessions",
                        "SELECT coalesce(sum(session_count), 0) FROM cases"):
            assert await pool.fetchval(recount) == await system.reporting.pool.fetchval(recount), recount
        assert await pool.fetchval("SELECT count(*) FROM case_sessions") == CASES * SESSIONS
        assert await pool.fetchval("SELECT applied FROM consumer_checkpoints WHERE consumer = 'reporting_cases'"
                                   ) == events
    finally:
        await pool.close()


async def active(pool: asyncpg.Pool) -> bool:
    return bool(await pool.fetchval("SELECT count(*) FROM consumer_checkpoints WHERE consumer = 'reporting_cases'"))


async def applied(pool: asyncpg.Pool) -> int:
    value = await pool.fetchval("SELECT applied FROM consumer_checkpoints WHERE consumer = 'reporting_cases'")
    return int(value or 0)


async def checkpoint(pool: asyncpg.Pool) -> int:
    value = await pool.fetchval("SELECT stream_seq FROM consumer_checkpoints WHERE consumer = 'reporting_cases'")
    return int(value or 0)
