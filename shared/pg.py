"""Closing PostgreSQL connections of one's own, whatever state they are in.

A connection whose query was cancelled, or whose close is itself cancelled or
times out, is still open; left to the garbage collector it stays open on the
server until then (holding any session lock it took), and Python warns of it.
`close` asks politely and, failing that, cuts the connection.
"""

from __future__ import annotations

import asyncio
import contextlib

import asyncpg


async def close(conn: asyncpg.Connection, timeout: float = 5.0) -> None:
    """Close within `timeout` seconds; terminate if that fails, times out or is cancelled (a cancellation still
    goes on once the connection is cut)."""
    try:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(conn.close(), timeout)
    finally:
        if not conn.is_closed():
            conn.terminate()


async def close_all(conns: list[asyncpg.Connection], timeout: float = 5.0) -> None:
    """Close them all at once; cancelled, every one of them is still cut."""
    await asyncio.gather(*(close(conn, timeout) for conn in conns))
