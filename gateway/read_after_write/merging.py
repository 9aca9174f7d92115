"""A write's token carries the client's earlier positions too, so a front end keeps one token whatever it writes.

A token holds at most MAX_POSITIONS streams. Positions every read model already has need no wait, so when a
client's token is full they are dropped (one `applied` question to reporting) before the write; when it is still
full the write is refused before anything is recorded, rather than answering a token that cannot be opened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gateway.consistency import MAX_POSITIONS, Position, merge, too_many_streams

if TYPE_CHECKING:
    from gateway.context import Context


async def unread(context: Context, positions: list[Position]) -> list[Position]:
    """The positions some read model has not applied yet; all of them when reporting cannot say."""
    try:
        answer = await context.client.call("reporting", "applied",
                                           {"stream_ids": sorted({str(p["stream_id"]) for p in positions})},
                                           token=context.token, correlation_id=context.correlation_id, timeout=1.0)
        applied = {str(k): int(v) for k, v in dict(answer["applied"]).items()}
    except Exception:  # a reporting outage must not fail the write: the token is only kept whole
        return positions
    return [p for p in positions if applied.get(str(p["stream_id"]), 0) < int(p["version"])]


async def room_for_a_write(context: Context, token: str | None) -> list[Position]:
    """The client's token opened (refused if not ours), with room for one more stream; refused when it has none."""
    positions = context.tokens.open(token)
    if len(positions) >= MAX_POSITIONS:
        positions = await unread(context, positions)
    if len(positions) >= MAX_POSITIONS:
        raise too_many_streams(len(positions) + 1)
    return positions


async def merged_tokens(context: Context, tokens: list[str]) -> str:
    """One token of every position the tokens carry, read ones dropped when more than a token holds."""
    positions = merge(*(context.tokens.open(t) for t in tokens))
    if len(positions) > MAX_POSITIONS:
        positions = await unread(context, positions)
    return context.tokens.sign(positions)


def with_write(context: Context, earlier: list[Position], position: Position) -> str:
    """The token a write answers: the client's earlier positions and the write's own."""
    return context.tokens.sign(merge(earlier, [position]))
