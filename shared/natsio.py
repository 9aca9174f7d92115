"""NATS connections and the JetStream streams each write service owns."""

from __future__ import annotations

import logging
import os
import re
from dataclasses import replace

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


REPLICAS_VARIABLE = "HEMIAO_STREAM_REPLICAS"


def stream_replicas() -> int:
    """How many copies of each event stream JetStream keeps: HEMIAO_STREAM_REPLICAS (1 to 5), else 1. Three on a
    three-node cluster, so that losing any one node loses neither the stream's flow nor its data."""
    raw = os.environ.get(REPLICAS_VARIABLE, "").strip() or "1"
    try:
        replicas = int(raw)
    except ValueError:
        raise ValueError(f"{REPLICAS_VARIABLE} must be a whole number from 1 to 5, not {raw!r}") from None
    if not 1 <= replicas <= 5:  # JetStream's own bound
        raise ValueError(f"{REPLICAS_VARIABLE} must be from 1 to 5, not {replicas}")
    return replicas


async def ensure_event_stream(js: JetStreamContext, namespace: str, service: str) -> str:
    """Create the service's event stream if missing, with `stream_replicas()` copies; returns its name.

    An existing stream with another replica count is updated to it in place (JetStream copies its messages to
    the new replicas, or drops the surplus ones); a stream is never deleted here. Its other settings are left as
    they are: an operator may have tuned them."""
    name = stream_name(namespace, service)
    replicas = stream_replicas()
    config = StreamConfig(name=name, subjects=[f"{namespace}.events.{service}.>"],
                          storage=StorageType.FILE, duplicate_window=120.0, num_replicas=replicas)
    try:
        info = await js.stream_info(name)
    except NotFoundError:
        await js.add_stream(config)
        return name
    if (info.config.num_replicas or 1) != replicas:
        log.info("stream %s has %s replicas; updating it to %d", name, info.config.num_replicas or 1, replicas)
        await js.update_stream(replace(info.config, num_replicas=replicas))
    return name
