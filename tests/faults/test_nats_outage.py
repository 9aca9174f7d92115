"""NATS down: commands still succeed, their events wait in PostgreSQL and go out, in order, when it returns."""

from __future__ import annotations

import asyncio

import nats
import pytest

from services.cases.application.handlers import ROUTES
from services.cases.entrypoints.service import MIGRATIONS
from shared.application import command_endpoints
from shared.devstack.embedded import EmbeddedNats
from shared.relay import RelayState
from shared.runtime import RequestContext
from shared.service import WriteService, write_service
from tests.integration.test_relay import assert_version_order
from tests.support import Servers, settings_for, stream_messages, wait_until, worker

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

STATION = "station-hsp"


async def test_commands_succeed_while_nats_is_down_and_every_event_arrives_in_order_when_it_is_back(
        servers: Servers, namespace: str, own_nats: EmbeddedNats) -> None:
    settings = settings_for(servers, namespace, "cases", nats_url=own_nats.url)
    async with write_service(settings, MIGRATIONS, lambda s, _: command_endpoints("cases", s, ROUTES),
                             "cases") as cases:
        handle = command_endpoints("cases", cases.store, ROUTES)
        request = RequestContext(actor=worker(STATION), correlation_id="outage")
        recipient = await handle["register_recipient"](
            {"station_id": STATION, "name": "叶某", "gender": "male", "birth_year": 1968, "community": "一力社区"},
            request)
        await wait_until(lambda: relay_published(cases, 1), what="the first event published")

        own_nats.stop()
        opened = await handle["open_case"](
            {"recipient_id": recipient["recipient_id"], "worker_id": "w", "intake_source": "self",
             "presenting_problem": "需要陪伴", "opened_on": "2026-10-01"}, request)
        for day in range(1, 31):
            await handle["record_case_session"](
                {"case_id": opened["case_id"], "held_on": f"2026-10-{day:02d}", "mode": "phone",
                 "duration_minutes": 15}, request)
        await wait_until(lambda: relay_state(cases, RelayState.WAITING_FOR_NATS), what="the relay to wait")
        # the recipient, the case's number in the register, the case, 30 sessions
        assert await cases.pool.fetchval("SELECT count(*) FROM events") == 33
        assert cases.relay.stats.published == 1

        own_nats.start()  # the same port and JetStream store
        await wait_until(lambda: relay_published(cases, 33), timeout=30, what="all 33 events published")

    nc = await nats.connect(own_nats.url)
    try:
        messages = await stream_messages(nc, namespace, "cases")
    finally:
        await nc.close()
    assert len(messages) == 33
    assert len({m["headers"]["Nats-Msg-Id"] for m in messages}) == 33
    assert_version_order(messages)


async def relay_published(service: WriteService, n: int) -> bool:
    return service.relay.stats.published >= n


async def relay_state(service: WriteService, state: RelayState) -> bool:
    await asyncio.sleep(0)
    return service.relay.stats.state == state
