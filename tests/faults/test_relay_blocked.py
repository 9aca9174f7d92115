"""max_payload lowered under a stored event: the relay says `blocked`, holds the rest, and resumes in order."""

from __future__ import annotations

from datetime import timedelta

import httpx
import nats
import pytest

from gateway.queries.system_status import relay_from
from services.cases.application.handlers import ROUTES
from services.cases.entrypoints.service import MIGRATIONS
from shared.application import command_endpoints
from shared.china import china_today
from shared.devstack.embedded import EmbeddedNats
from shared.relay import RelayState
from shared.runtime import RequestContext, ServiceClient
from shared.service import WriteService, write_service
from tests.faults.test_nats_outage import relay_published, relay_state
from tests.integration.test_relay import assert_version_order
from tests.support import BUREAU, Servers, settings_for, stream_messages, token_for, wait_until, worker

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

STATION = "5a0c1e2d-3b4f-4a6b-8c7d-9e0f1a2b3c4d"
LOW = 8 * 1024


async def relay_status(url: str, namespace: str) -> dict[str, object]:
    nc = await nats.connect(url)
    try:
        return await ServiceClient(nc, namespace).call("cases", "relay_status", {}, token=token_for(BUREAU))
    finally:
        await nc.close()


async def published_stream(url: str, namespace: str) -> list[dict[str, object]]:
    nc = await nats.connect(url)
    try:
        return await stream_messages(nc, namespace, "cases")
    finally:
        await nc.close()


async def test_a_relay_refused_by_nats_says_blocked_with_the_event_holds_later_events_and_resumes_in_order(
        servers: Servers, namespace: str, own_nats: EmbeddedNats) -> None:
    settings = settings_for(servers, namespace, "cases", nats_url=own_nats.url)
    today = china_today()
    async with write_service(settings, MIGRATIONS, lambda s, _: command_endpoints("cases", s, ROUTES),
                             "cases") as cases:
        cases.relay.blocked_retry_seconds = 0.5
        handle = command_endpoints("cases", cases.store, ROUTES)
        request = RequestContext(actor=worker(STATION), correlation_id="blocked")
        recipient = await handle["register_recipient"](
            {"station_id": STATION, "name": "叶某", "gender": "male", "birth_year": 1968, "community": "一力社区"},
            request)
        opened = await handle["open_case"](
            {"recipient_id": recipient["recipient_id"], "worker_id": "w", "intake_source": "self",
             "presenting_problem": "需要陪伴", "opened_on": (today - timedelta(days=10)).isoformat()}, request)
        await wait_until(lambda: relay_published(cases, 3), what="the first three events published")

        own_nats.stop()  # written under 1 MiB, the server's limit then; lowered below it before it goes out
        for notes in ("访" * 5_000, "电话随访"):  # the longest note a session takes: 15 KB
            await handle["record_case_session"](
                {"case_id": opened["case_id"], "held_on": (today - timedelta(days=1)).isoformat(), "mode": "phone",
                 "duration_minutes": 15, "notes": notes}, request)
        own_nats.max_payload = LOW
        own_nats.start()
        await wait_until(lambda: relay_state(cases, RelayState.BLOCKED), timeout=30, what="the relay blocked")
        big = str(await cases.pool.fetchval("SELECT event_id FROM events ORDER BY global_position OFFSET 3 LIMIT 1"))

        ready, metrics = await health(cases)
        status = await relay_status(own_nats.url, namespace)
        held = await published_stream(own_nats.url, namespace)

        assert cases.relay.stats.blocked_event_id == big
        assert ready.status_code == 503
        assert ready.json()["checks"]["relay"].startswith(f"blocked: event {big}: ")
        assert f"max_payload of {LOW}" in ready.json()["checks"]["relay"]
        assert "hemiao_relay_blocked 1.0" in metrics and f'event_id="{big}"' in metrics
        assert "hemiao_relay_unpublished_events 2.0" in metrics
        assert status["state"] == "blocked" and status["blocked_event_id"] == big
        assert status["unpublished_events"] == 2 and float(str(status["oldest_unpublished_seconds"])) > 0
        assert "max_payload" in str(status["blocked_reason"])
        assert len(held) == 3  # the small session after it waits behind it: never skipped
        shown = relay_from("cases", status)  # what systemStatus answers from this very reply
        assert (shown.state, shown.blocked_event_id, shown.unpublished_events) == ("blocked", big, 2)
        assert shown.blocked_reason and "max_payload" in shown.blocked_reason and shown.blocked_since is not None

        own_nats.stop()  # the operator raises the limit again
        own_nats.max_payload = None
        own_nats.start()
        await wait_until(lambda: relay_published(cases, 5), timeout=30, what="the held events published")
        await wait_until(lambda: relay_state(cases, RelayState.ACTIVE), what="the relay active again")
        ready, metrics = await health(cases)
        status = await relay_status(own_nats.url, namespace)

        assert ready.status_code == 200, ready.text
        assert "hemiao_relay_blocked 0.0" in metrics and "hemiao_relay_unpublished_events 0.0" in metrics
        assert status["state"] == "active" and status["blocked_event_id"] is None
        assert status["unpublished_events"] == 0
        written = [str(r["event_id"]) for r in await cases.pool.fetch("SELECT event_id FROM events"
                                                                      " ORDER BY global_position")]

    messages = await published_stream(own_nats.url, namespace)
    assert [m["headers"]["Nats-Msg-Id"] for m in messages] == written  # all of them, in the order written
    assert_version_order(messages)


async def health(service: WriteService) -> tuple[httpx.Response, str]:
    base = f"http://127.0.0.1:{service.settings.http_port}"
    async with httpx.AsyncClient(base_url=base) as http:
        ready = await http.get("/readyz")
        metrics = (await http.get("/metrics")).text
    return ready, metrics
