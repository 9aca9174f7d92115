"""One active worker per role: whoever holds a PostgreSQL session advisory lock.

The lock lives as long as the connection that took it, so a crashed holder
frees it at once and a standby takes over on its next try.
"""

from __future__ import annotations

import asyncio
import zlib

import asyncpg


def lock_key(role: str) -> int:
    return zlib.crc32(f"hemiao:{role}".encode())


async def wait_for_leadership(conn: asyncpg.Connection, role: str, poll_seconds: float) -> None:
    """Return once this connection holds the role's lock; until then, try every poll_seconds."""
    while not await conn.fetchval("SELECT pg_try_advisory_lock($1)", lock_key(role)):
        await asyncio.sleep(poll_seconds)
