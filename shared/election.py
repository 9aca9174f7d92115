"""One active worker per role: whoever holds a PostgreSQL session advisory lock.

The lock lives as long as the connection that took it, so a crashed holder
frees it at once and a standby takes over on its next try.
"""

from __future__ import annotations

import asyncio
import contextlib
import zlib
from collections.abc import AsyncIterator, Callable

import asyncpg

from shared import pg


def lock_key(role: str) -> int:
    return zlib.crc32(f"hemiao:{role}".encode())


async def wait_for_leadership(conn: asyncpg.Connection, role: str, poll_seconds: float) -> None:
    """Return once this connection holds the role's lock; until then, try every poll_seconds."""
    while not await conn.fetchval("SELECT pg_try_advisory_lock($1)", lock_key(role)):
        await asyncio.sleep(poll_seconds)


@contextlib.asynccontextmanager
async def leadership(dsn: str, role: str, poll_seconds: float,
                     standing_by: Callable[[], None]) -> AsyncIterator[asyncpg.Connection]:
    """A connection of its own that holds the role's lock: standing by until then, released on exit."""
    conn: asyncpg.Connection = await asyncpg.connect(dsn)
    try:
        standing_by()
        await wait_for_leadership(conn, role, poll_seconds)
        yield conn
    finally:
        await pg.close(conn, timeout=2)
