"""Nothing that commits is unpublishable: the store refuses an event too large for NATS, and writes nothing of it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import asyncpg
import nats
import pytest

from gateway.types.errors import user_error
from services.cases.application.handlers import ROUTES
from services.cases.entrypoints.service import MIGRATIONS
from shared.application import command_endpoints
from shared.china import china_today
from shared.contracts.cases import Gender, RecipientRegistered
from shared.contracts.errors import DomainError
from shared.devstack.embedded import EmbeddedNats
from shared.eventstore import EventMetadata, EventStore, IdempotentCommand, StreamAppend
from shared.eventstore.memory import InMemoryEventStore
from shared.eventstore.postgres import PostgresEventStore
from shared.eventstore.sizing import EventSizeLimit, RecordTooLarge
from shared.migrations import EVENT_STORE_MIGRATIONS, migrate
from shared.runtime import ServiceClient
from shared.service import write_service
from tests.faults.test_nats_outage import relay_published
from tests.support import DATA_KEY, Servers, settings_for, stream_messages, token_for, wait_until, worker

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

META = EventMetadata(actor={"subject": "sw-1"}, correlation_id="c-1")
LIMIT = EventSizeLimit(lambda: 16 * 1024)
STATION = "5a0c1e2d-3b4f-4a6b-8c7d-9e0f1a2b3c4d"


def registered(n: int, name: str = "某") -> RecipientRegistered:
    return RecipientRegistered(recipient_id=f"r-{n}", station_id="s", name=name, gender=Gender.MALE,
                               birth_year=1960, community="一力社区", categories=())


@pytest.fixture(params=["memory", "postgres"])
async def store(request: pytest.FixtureRequest, servers: Servers, namespace: str) -> AsyncIterator[EventStore]:
    if request.param == "memory":
        yield InMemoryEventStore(LIMIT)
        return
    dsn = servers.postgres.dsn(f"{namespace}_store")
    await migrate(dsn, [EVENT_STORE_MIGRATIONS])
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=4)
    try:
        yield PostgresEventStore(pool, DATA_KEY, LIMIT)
    finally:
        await pool.close()


async def test_the_bound_keeps_room_under_max_payload_for_the_headers_and_a_margin() -> None:
    assert EventSizeLimit(lambda: 1024 * 1024).bound() == 1024 * 1024 - 4096 - 65536


async def test_an_event_over_the_bound_is_refused_and_nothing_of_the_command_is_written(store: EventStore) -> None:
    key = IdempotentCommand(key="sw-1:big", fingerprint="f")
    with pytest.raises(RecordTooLarge) as refused:
        await store.append_all([StreamAppend(stream_id="r-1", stream_type="recipient", expected_version=0,
                                             events=[registered(1)]),
                                StreamAppend(stream_id="r-2", stream_type="recipient", expected_version=0,
                                             events=[registered(2, "名" * 6000)])],
                               META, result={}, idempotency=key)

    assert refused.value.code == "record_too_large" and refused.value.bound == LIMIT.bound()
    assert "记录过大" in refused.value.message.zh and "too large" in refused.value.message.en
    assert await store.read_stream("r-1") == [] and await store.read_stream("r-2") == []
    assert await store.idempotent_result(key) is None
    if isinstance(store, InMemoryEventStore):
        assert store.person_keys == {}
    else:
        assert await store._pool.fetchval("SELECT count(*) FROM person_keys") == 0
    await store.append("r-1", "recipient", 0, [registered(1)], META, result={})
    assert len(await store.read_stream("r-1")) == 1


@pytest.mark.nats_max_payload(16 * 1024)  # so that a 5,000-character note is already too large
async def test_a_session_whose_sealed_event_nats_could_not_carry_is_refused_over_nats_and_the_flow_goes_on(
        servers: Servers, namespace: str, own_nats: EmbeddedNats) -> None:
    settings = settings_for(servers, namespace, "cases", nats_url=own_nats.url)
    today = china_today()
    async with write_service(settings, MIGRATIONS, lambda s, _: command_endpoints("cases", s, ROUTES),
                             "cases") as cases:
        nc = await nats.connect(own_nats.url)
        try:
            client = ServiceClient(nc, namespace)
            token = token_for(worker(STATION))
            recipient = await client.call("cases", "register_recipient", {
                "station_id": STATION, "name": "叶某", "gender": "male", "birth_year": 1968,
                "community": "一力社区"}, token=token)
            opened = await client.call("cases", "open_case", {
                "recipient_id": recipient["recipient_id"], "worker_id": "w", "intake_source": "self",
                "presenting_problem": "需要陪伴", "opened_on": (today - timedelta(days=3)).isoformat()}, token=token)
            await wait_until(lambda: relay_published(cases, 3), what="the first events published")
            session = {"case_id": opened["case_id"], "held_on": (today - timedelta(days=1)).isoformat(),
                       "mode": "phone", "duration_minutes": 15}
            before = await cases.pool.fetchval("SELECT count(*) FROM events")

            with pytest.raises(DomainError) as refused:  # 12 KB of text, about 16 KB sealed: over the bound
                await client.call("cases", "record_case_session", {**session, "notes": "访" * 4000}, token=token)

            assert refused.value.code == "record_too_large"
            assert await cases.pool.fetchval("SELECT count(*) FROM events") == before
            await client.call("cases", "record_case_session", {**session, "notes": "电话随访"}, token=token)
            await wait_until(lambda: relay_published(cases, 4), what="the next session published")
            assert len(await stream_messages(nc, namespace, "cases")) == 4
        finally:
            await nc.close()


def test_the_refusal_reaches_a_graphql_caller_as_its_own_user_error() -> None:
    found = user_error(RecordTooLarge(20_000, 11_264))

    assert type(found).__name__ == "RecordTooLarge" and found.code == "record_too_large"
    assert "20000" in found.message_zh and "11264" in found.message_en
