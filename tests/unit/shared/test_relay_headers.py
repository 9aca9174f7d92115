"""The relay writes each event's header block itself: byte for byte what nats-py would send for its headers."""

from __future__ import annotations

import asyncio
from datetime import UTC
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nats.aio.client import Client
from nats.protocol.command import hpub_cmd

from shared.contracts import registered_events
from shared.relay import EXPECTED_LAST_MSG_ID, cloud_event_headers, header_block, message_headers

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

TEXT = st.text(alphabet=st.sampled_from(["a", "社", " ", "\t", "\r", "\n", "-", "0", ":", "é"]), max_size=12)
TYPES = sorted({(e.type_name, v) for e in registered_events() for v in range(1, e.schema_version + 1)})


def nats_py_command(subject: str, reply: str, headers: dict[str, str], payload: bytes) -> bytes:
    """The HPUB command nats-py's own publish queues for these headers."""
    sent: list[bytes] = []
    client = Client()

    async def capture(command: bytes, priority: bool = False) -> None:
        sent.append(command)

    client._send_command = capture  # type: ignore[method-assign,assignment]
    client._flush_queue = None
    asyncio.run(client._send_publish(subject, reply, payload, len(payload), headers))
    [command] = sent
    return command


rows = st.fixed_dictionaries({
    "event_id": st.uuids().map(str),
    "type_and_version": st.sampled_from(TYPES),
    "recorded_at": st.datetimes(timezones=st.just(UTC)),
    "stream_id": TEXT,
    "stream_type": st.sampled_from(["case", "recipient", "case_register"]) | TEXT,
    "version": st.integers(1, 10**6),
    "global_position": st.integers(1, 10**12),
    "actor": st.none() | TEXT,
    "correlation_id": st.none() | TEXT,
    "causation_id": st.none() | TEXT,
    "traceparent": st.none() | st.just("") | TEXT,
    "tracestate": st.none() | TEXT,
})


def as_row(drawn: dict[str, Any]) -> dict[str, Any]:
    row = dict(drawn)
    row["type"], row["schema_version"] = row.pop("type_and_version")
    return row


@settings(max_examples=300, deadline=None)
@given(rows, st.none() | st.uuids().map(str), st.sampled_from(["cases", "activities"]))
def test_the_relays_header_block_is_what_nats_py_sends_for_the_events_headers(
        drawn: dict[str, Any], previous: str | None, service: str) -> None:
    row = as_row(drawn)
    headers = cloud_event_headers(row, service)
    if previous is not None:
        headers[EXPECTED_LAST_MSG_ID] = previous
    payload = b'{"case_id": "c-1"}'

    assert message_headers(row, service, previous) == header_block(headers)
    for reply in ("", "_INBOX.abc.7.99"):
        assert hpub_cmd("hemiao.events.cases.x", reply, header_block(headers), payload) == nats_py_command(
            "hemiao.events.cases.x", reply, headers, payload)
