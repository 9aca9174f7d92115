"""What operators see of a write service's relay: its state, why it is blocked, and how far behind it is.

Read from the database, not only from this process's relay: a standby copy, or a copy that has just taken over,
answers the same as the active one, and the backlog is counted where the events are (committed rows past the
checkpoint, on the (tx_id, global_position) index the relay itself reads by).
"""

from __future__ import annotations

from typing import Any

import asyncpg

from shared.china import utc_now
from shared.contracts import Role
from shared.contracts.errors import Forbidden, Message
from shared.relay import Relay, RelayState
from shared.runtime import Handler, RequestContext

OPERATORS = (Role.DISTRICT_BUREAU, Role.PROJECT_DIRECTOR, Role.SYSTEM)

_CHECKPOINT = """
    SELECT tx_id::text AS tx_id, global_position, blocked_event_id::text, blocked_reason, blocked_since
    FROM relay_checkpoint WHERE relay = $1
"""
_BACKLOG = """
    SELECT count(*) AS unpublished, extract(epoch FROM $3::timestamptz - min(recorded_at))::float8 AS oldest_seconds
    FROM events WHERE (tx_id, global_position) > ($1::text::xid8, $2)
"""
# $3 is now by the clock that stamped recorded_at (the services', see shared.china.utc_now), not the database's.


async def relay_status(pool: asyncpg.Pool, relay: Relay) -> dict[str, Any]:
    """State, blocked event and reason, unpublished events and the age in seconds of the oldest of them."""
    async with pool.acquire() as conn:
        checkpoint = await conn.fetchrow(_CHECKPOINT, relay.service)
        backlog = await conn.fetchrow(_BACKLOG, checkpoint["tx_id"] if checkpoint else "0",
                                      checkpoint["global_position"] if checkpoint else 0, utc_now())
    blocked = checkpoint is not None and checkpoint["blocked_event_id"] is not None
    state = RelayState.BLOCKED if blocked else relay.stats.state
    return {
        "service": relay.service,
        "state": state.value,
        "unpublished_events": backlog["unpublished"],
        "oldest_unpublished_seconds": round(max(backlog["oldest_seconds"] or 0.0, 0.0), 1),
        "blocked_event_id": checkpoint["blocked_event_id"] if blocked else None,
        "blocked_reason": checkpoint["blocked_reason"] if blocked else None,
        "blocked_since": checkpoint["blocked_since"].isoformat() if blocked else None,
    }


def relay_status_endpoint(pool: asyncpg.Pool, relay: Relay) -> Handler:
    """The `relay_status` query each write service answers, for operators (systemStatus asks it)."""

    async def answer(_: dict[str, Any], request: RequestContext) -> dict[str, Any]:
        if request.actor.role not in OPERATORS:
            raise Forbidden(Message(zh="只有区民政局、项目总监或运维可以查看系统状态",
                                    en="Only the bureau, the project director or operators see the system's status"))
        return await relay_status(pool, relay)

    return answer


def relay_metrics(status: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    """The status as Prometheus gauges; the blocked event and reason as the labels of an info-style gauge."""
    blocked = status["blocked_event_id"] is not None
    metrics: dict[str, tuple[str, Any]] = {
        "hemiao_relay_blocked": ("1 when NATS refuses the relay's next event (see hemiao_relay_blocked_event)",
                                 float(blocked)),
        "hemiao_relay_unpublished_events": ("Committed events not yet published", status["unpublished_events"]),
        "hemiao_relay_oldest_unpublished_seconds": ("Age of the oldest committed event not yet published",
                                                    status["oldest_unpublished_seconds"]),
    }
    if blocked:
        metrics["hemiao_relay_blocked_event"] = (
            "The event the relay is blocked at, and why", {
                (("event_id", status["blocked_event_id"]), ("reason", status["blocked_reason"])): 1.0})
    return metrics
