"""The gateway over real HTTP, in front of the services of the `system` fixture."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from gateway.app import GatewaySettings, create_app
from gateway.consistency import ConsistencyTokens, token_key
from shared.http import embedded_server, listening_socket
from shared.service import stop_http
from tests.support import AUTH, System

EXPORT_KEY = bytes(range(32, 64))
"""The key export links are signed with, the same on every gateway copy a test starts."""
TOKENS = ConsistencyTokens(token_key(EXPORT_KEY))
"""Signs and opens consistency tokens as every gateway copy a test starts does."""


@pytest.fixture
async def http(system: System) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of a gateway listening on a free port."""
    async with gateway(system) as client:
        yield client


@contextlib.asynccontextmanager
async def gateway(system: System, **settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A copy of the gateway in front of the `system` (with other `settings`, if given), listening on a free port,
    and an HTTP client of it. Every copy signs export links with the same key, as behind a load balancer."""
    chosen = GatewaySettings(**{"nats_url": system.servers.nats.url, "namespace": system.namespace, "auth": AUTH,
                                "export_key": EXPORT_KEY, **settings})
    server = embedded_server(create_app(chosen), listening_socket("127.0.0.1", 0), lifespan="on",
                             ws_max_size=chosen.max_body_bytes)
    port = server.port
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            raise RuntimeError(f"the gateway did not start: {task.exception()!r}")
        await asyncio.sleep(0.01)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=20) as client:
            yield client
    finally:
        await stop_http(server, task)
