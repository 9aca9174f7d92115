"""Concurrent commands: no lost update, and every event reaches JetStream once, in order."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import httpx
import pytest

from services.cases.application.handlers import ROUTES
from shared.application import command_endpoints
from shared.eventstore import RecordedEvent
from shared.eventstore.postgres import PostgresEventStore
from shared.runtime import RequestContext
from tests.integration.test_relay import assert_version_order
from tests.support import DATA_KEY, System, open_case_for, open_station, stream_messages, wait_until, worker

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day


class ReadTogetherStore(PostgresEventStore):
    """Both first reads of a stream wait for each other, so both commands decide at the same version."""

    def __init__(self, pool: object, readers: int) -> None:
        super().__init__(pool, DATA_KEY)  # type: ignore[arg-type]
        self.barrier = asyncio.Barrier(readers)
        self.waiting = True
        self.appends = 0

    async def read_stream(self, stream_id: str) -> list[RecordedEvent]:
        events = await super().read_stream(stream_id)
        if self.waiting:
            await self.barrier.wait()
            self.waiting = False
        return events

    async def append_all(self, *args: object, **kwargs: object) -> object:  # type: ignore[override]
        self.appends += 1
        return await super().append_all(*args, **kwargs)  # type: ignore[arg-type]


async def test_two_commands_at_the_same_version_both_land_the_loser_after_a_retry(system: System) -> None:
    station_id = await open_station(system)
    opened = await open_case_for(system, station_id)
    store = ReadTogetherStore(system.cases.pool, readers=2)
    record = command_endpoints("cases", store, ROUTES)["record_case_session"]
    request = RequestContext(actor=worker(station_id), correlation_id="c")

    answers = await asyncio.gather(*(
        record({"case_id": opened["case_id"], "held_on": f"2026-10-{day}", "mode": "phone",
                "duration_minutes": 20}, request) for day in (20, 21)))

    assert sorted(a["position"]["version"] for a in answers) == [2, 3]
    assert store.appends == 3, "one append lost the race and was decided again"
    events = await store.read_stream(f"case-{opened['case_id']}")
    assert [e.type for e in events] == ["CaseOpened", "CaseSessionRecorded", "CaseSessionRecorded"]


async def test_ten_writers_of_a_hundred_and_one_events_reach_jetstream_exactly_once_in_order(system: System) -> None:
    station_id = await open_station(system)
    me = worker(station_id)

    async def writer() -> None:
        opened = await open_case_for(system, station_id, me, opened_on=date(2026, 1, 1))
        for n in range(98):
            await system.call("cases", "record_case_session",
                              {"case_id": opened["case_id"], "held_on": str(date(2026, 1, 1) + timedelta(days=n)),
                               "mode": "home_visit", "duration_minutes": 30}, me)

    await asyncio.gather(*(writer() for _ in range(10)))

    async def all_published() -> bool:
        info = await system.nc.jetstream().stream_info(f"{system.namespace}_CASES".upper())
        return int(info.state.messages) >= 1010

    # Each writer: a recipient, the case's number in the register, the case, 98 sessions.
    await wait_until(all_published, timeout=60, what="1,010 events in JetStream")
    messages = await stream_messages(system.nc, system.namespace, "cases")
    assert len(messages) == 1010
    assert len({m["headers"]["Nats-Msg-Id"] for m in messages}) == 1010
    assert await system.cases.pool.fetchval("SELECT count(*) FROM events") == 1010
    numbers = [m["data"]["number"] for m in messages if m["headers"]["ce-type"].endswith("number_assigned.v1")]
    assert sorted(numbers) == list(range(1, 11)), "ten cases opened at once took ten numbers, no gap, no twice"
    rows = await system.cases.pool.fetch("SELECT stream_id, version, tx_id::text, global_position FROM events")
    commit_order = {(r["stream_id"], r["version"]): (int(r["tx_id"]), r["global_position"]) for r in rows}
    published_order = [commit_order[(m["headers"]["hemiao-stream-id"], int(m["headers"]["hemiao-stream-version"]))]
                       for m in messages]
    assert published_order == sorted(published_order), "published out of (tx_id, global_position) order"
    assert_version_order(messages)


async def test_health_endpoints_say_ready_and_expose_metrics(system: System) -> None:
    async with httpx.AsyncClient() as client:
        for port in (system.cases.settings.http_port, system.activities.settings.http_port):
            ready = await client.get(f"http://127.0.0.1:{port}/readyz")
            assert ready.status_code == 200, ready.text
            assert ready.json()["checks"] == {"database": "ok", "nats": "ok", "relay": "ok", "consumers": "ok"}
            assert (await client.get(f"http://127.0.0.1:{port}/healthz")).json() == {"status": "ok"}
        metrics = await client.get(f"http://127.0.0.1:{system.cases.settings.http_port}/metrics")
        assert "hemiao_relay_published_events" in metrics.text
        assert "hemiao_nats_connected 1.0" in metrics.text
