"""NATS connections and the JetStream streams each write service owns."""

from __future__ import annotations

import logging

import nats
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import StorageType, StreamConfig
from nats.js.errors import NotFoundError

from shared.config import stream_name

log = logging.getLogger(__name__)


async def connect(url: str, name: str) -> Client:
    """A client that keeps reconnecting for as long as the process lives; `url` may list servers, comma-separated."""

    async def on_error(error: Exception) -> None:
        log.warning("nats: %s", error)

    servers = [u.strip() for u in url.split(",") if u.strip()]
    return await nats.connect(servers=servers, name=name, max_reconnect_attempts=-1, reconnect_time_wait=0.5,
                              error_cb=on_error, allow_reconnect=True, connect_timeout=5)


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
