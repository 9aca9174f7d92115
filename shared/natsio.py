"""NATS connections and the JetStream streams each write service owns."""

from __future__ import annotations

import logging
import re

from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import StorageType, StreamConfig
from nats.js.errors import NotFoundError

from shared.config import stream_name

log = logging.getLogger(__name__)

_SPACE = re.compile(r"\s")
_BYTE_SPACE = " \t\n\r\x0b\x0c"
"""What `bytes.strip()` strips, which nats-py strips names and values of."""


class HeaderClient(Client):
    """nats-py's client, parsing a message's header block the same way at a fraction of the cost.

    Every event comes with its CloudEvents and hemiao headers (19 of them), and nats-py tests each header's name
    for whitespace with a generator per name: in a rebuild's profile that was its largest entry. This parser gives
    the same answer for every block (tests/unit/shared/test_nats_headers.py checks it against nats-py's own)."""

    @staticmethod
    def _parse_header_lines(raw: bytes) -> dict[str, str]:
        out: dict[str, str] = {}
        # ASCII never occurs inside a UTF-8 sequence, so the block decodes at once as its lines would one by one
        for line in raw.decode("utf-8", "replace").split("\r\n"):
            name, sep, value = line.partition(":")
            if not sep:
                continue
            key = name.strip(_BYTE_SPACE)
            if key.isascii() and _SPACE.search(key) is None:  # a name is an ASCII token
                out[key] = value.strip(_BYTE_SPACE)
        return out


async def connect(url: str, name: str) -> Client:
    """A client that keeps reconnecting for as long as the process lives; `url` may list servers, comma-separated."""

    async def on_error(error: Exception) -> None:
        log.warning("nats: %s", error)

    servers = [u.strip() for u in url.split(",") if u.strip()]
    client = HeaderClient()
    await client.connect(servers=servers, name=name, max_reconnect_attempts=-1,
                         reconnect_time_wait=0.5,  # type: ignore[arg-type]  # seconds, slept as a float
                         error_cb=on_error, allow_reconnect=True, connect_timeout=5)
    return client


async def ensure_event_stream(js: JetStreamContext, namespace: str, service: str) -> str:
    """Create the service's event stream if missing; returns its name."""
    name = stream_name(namespace, service)
    config = StreamConfig(name=name, subjects=[f"{namespace}.events.{service}.>"],
                          storage=StorageType.FILE, duplicate_window=120.0)
    try:
        await js.stream_info(name)
    except NotFoundError:
        await js.add_stream(config)
    return name
