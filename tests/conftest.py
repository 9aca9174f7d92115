"""Test servers: one real PostgreSQL and one real nats-server per test session, on free ports.

Each test gets its own databases and its own NATS namespace (subjects and
streams), so tests never see each other's events.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from shared.devstack.embedded import EmbeddedNats, EmbeddedPostgres, free_port
from tests.clock import travelling
from tests.support import Servers, System, running_system

TEST_SECRET = "test-secret-that-is-long-enough-for-hs256-keys"
os.environ.setdefault("HEMIAO_JWT_SECRET", TEST_SECRET)


@pytest.fixture(scope="session")
def servers() -> Iterator[Servers]:
    root = Path(tempfile.mkdtemp(prefix="hemiao-test-"))
    postgres = EmbeddedPostgres(root / "pg", port=free_port(), durable=False)
    nats = EmbeddedNats(root / "nats", port=free_port())
    postgres.start()
    try:
        nats.start()
        try:
            yield Servers(postgres=postgres, nats=nats, root=root)
        finally:
            nats.stop()
    finally:
        postgres.stop()
        # A whole run's databases come to gigabytes in many thousands of files: a shell removes them in the
        # background (the next run has its own folder), rather than the run spending its last seconds on it.
        subprocess.run(["sh", "-c", f"rm -rf {shlex.quote(str(root))} >/dev/null 2>&1 &"], check=True)


@pytest.fixture(autouse=True)
def clock(request: pytest.FixtureRequest) -> Iterator[datetime | None]:
    """Python's clocks for this test (see tests/clock.py): set before any service of the test starts."""
    with travelling(request) as now:
        yield now


@pytest.fixture
async def own_nats(servers: Servers, namespace: str, request: pytest.FixtureRequest) -> AsyncIterator[EmbeddedNats]:
    """A nats-server of this test's own, so that stopping or restarting it disturbs no other test; a test may set
    its max_payload with `@pytest.mark.nats_max_payload(bytes)`."""
    mark = request.node.get_closest_marker("nats_max_payload")
    server = EmbeddedNats(servers.root / f"nats-{namespace}", port=free_port(),
                          max_payload=mark.args[0] if mark is not None else None)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def namespace() -> str:
    return f"t{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def system(servers: Servers, namespace: str) -> AsyncIterator[System]:
    """The three services, in this process, on fresh databases and a fresh namespace."""
    async with running_system(servers, namespace) as running:
        yield running
