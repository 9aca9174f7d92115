"""Read-your-writes: wait, bounded, until the read models have applied given stream positions."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any

import asyncpg

POLL_SECONDS = 0.02


async def wait_for_positions(pool: asyncpg.Pool, positions: Sequence[dict[str, Any]], timeout: float,
                             projections: Sequence[str]) -> bool:
    """True once each of the projections has applied every (stream_id, version); False when the timeout passed
    first. (A projection rebuilt and swapped in may be ahead of the others; rows of a projection no longer in
    the code are not asked about.)"""
    wanted = {str(p["stream_id"]): int(p["version"]) for p in positions}
    if not wanted:
        return True
    deadline = time.monotonic() + timeout
    while True:
        rows = await pool.fetch("SELECT stream_id, projection, version FROM applied_versions"
                                " WHERE stream_id = ANY($1) AND projection = ANY($2)", list(wanted), list(projections))
        applied = {(r["stream_id"], r["projection"]): r["version"] for r in rows}
        if all(applied.get((stream, name), 0) >= version for stream, version in wanted.items()
               for name in projections):
            return True
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(POLL_SECONDS)
