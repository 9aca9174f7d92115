"""The gateway over real HTTP, in front of the services of the `system` fixture."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import uvicorn

from gateway.app import GatewaySettings, create_app
from gateway.consistency import ConsistencyTokens, token_key
from shared.devstack.embedded import free_port
from shared.http import EmbeddedUvicorn
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
    port = free_port()
    chosen = GatewaySettings(**{"nats_url": system.servers.nats.url, "namespace": system.namespace, "auth": AUTH,
                                "export_key": EXPORT_KEY, **settings})
    server = EmbeddedUvicorn(uvicorn.Config(create_app(chosen), host="127.0.0.1", port=port, log_level="warning",
                                            lifespan="on", ws_max_size=chosen.max_body_bytes))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=20) as client:
            yield client
    finally:
        await stop_http(server, task)
