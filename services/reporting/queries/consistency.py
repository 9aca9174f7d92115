"""Read-your-writes: whether the read models have applied given stream positions, asked once and never waited on.

The waiting is the gateway's (gateway/waits.py): a query must not hold one of reporting's request slots while the
read models catch up, or a burst of waits would take the slots every other user needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from shared.contracts.errors import InvalidInput, Message

MAX_STREAMS = 2048
"""The most streams one `applied` question may name: a gateway copy's waiters at most (256 × 8 positions)."""


async def applied_versions(pool: asyncpg.Pool, stream_ids: Sequence[str], projections: Sequence[str]) -> dict[str, int]:
    """Per stream, the version every one of the projections has applied (0 when one has none of it). Rows of a
    projection no longer in the code are not asked about; one rebuilt and swapped in may be ahead of the others."""
    rows = await pool.fetch("SELECT stream_id, projection, version FROM applied_versions"
                            " WHERE stream_id = ANY($1) AND projection = ANY($2)", list(stream_ids), list(projections))
    found = {(r["stream_id"], r["projection"]): r["version"] for r in rows}
    return {stream: min(found.get((stream, name), 0) for name in projections) for stream in stream_ids}


async def have_positions(pool: asyncpg.Pool, positions: Any, projections: Sequence[str]) -> bool:
    """True when each of the projections has applied every (stream_id, version) already."""
    if not isinstance(positions, list) or len(positions) > MAX_STREAMS or not all(
            isinstance(p, dict) and isinstance(p.get("stream_id"), str) and type(p.get("version")) is int
            for p in positions):
        raise InvalidInput(Message(zh="一致性令牌 consistencyToken 无效", en="The consistencyToken is not valid"),
                           field="consistencyToken")
    wanted = {p["stream_id"]: p["version"] for p in positions}
    if not wanted:
        return True
    have = await applied_versions(pool, list(wanted), projections)
    return all(have[stream] >= version for stream, version in wanted.items())


def stream_ids_of(body: dict[str, Any]) -> list[str]:
    """The `stream_ids` of an `applied` question, refused plainly when they are not a short list of strings."""
    ids = body.get("stream_ids")
    if not isinstance(ids, list) or len(ids) > MAX_STREAMS or not all(isinstance(i, str) for i in ids):
        raise InvalidInput(Message(zh=f"stream_ids 必须是不超过 {MAX_STREAMS} 个字符串的列表",
                                   en=f"stream_ids must be a list of at most {MAX_STREAMS} strings"),
                           field="streamIds")
    return ids
