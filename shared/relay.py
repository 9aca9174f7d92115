"""The relay: publishes every committed event from the events table to JetStream, in commit order.

Why the xid8 horizon: a global_position is drawn when a row is inserted but the
row becomes visible only when its transaction commits. A reader that follows
global_position alone passes over a slow transaction's rows and never comes
back for them. So the relay reads only rows whose transaction id is below the
oldest transaction still running (`pg_snapshot_xmin(pg_current_snapshot())`):
every such transaction has ended, so no row can still appear before the
checkpoint. Rows are read in (tx_id, global_position) order and the checkpoint
is that pair. It never skips after a timeout; it waits.

One relay per service publishes at a time: the holder of a session advisory
lock. A second copy of the service waits as a standby and takes over when the
holder's connection ends. Events are published one after another and the
checkpoint moves only after their PubAcks; a crash in between re-sends events
that JetStream drops as duplicates by `Nats-Msg-Id`.

Why `blocked` is not `waiting_for_nats`: when NATS answers but refuses an event
(larger than the server's max_payload, say, after an operator lowered it), no
amount of waiting for NATS helps and later events wait behind it. The relay
still never skips it: it says `blocked`, with the event and the reason, in its
stats and in relay_checkpoint (so every copy of the service can tell), and
tries the same event again with a longer back-off until the operator acts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import asyncpg
import nats.errors
import nats.js.errors
from nats.aio.client import Client

from shared.cancellation import stop_if_cancelled
from shared.contracts import event_class
from shared.contracts.dataschema import dataschema
from shared.election import leadership
from shared.eventstore.postgres import NOTIFY_CHANNEL

log = logging.getLogger(__name__)

_UNPUBLISHED = """
    SELECT global_position, stream_id, stream_type, version, event_id::text, type, schema_version,
           data::text AS data, metadata::text AS metadata, recorded_at, tx_id::text AS tx_id_text,
           metadata->'actor'->>'subject' AS actor, metadata->>'correlation_id' AS correlation_id,
           metadata->>'causation_id' AS causation_id
    FROM events
    WHERE (tx_id, global_position) > ($1::text::xid8, $2)
      AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
    ORDER BY events.tx_id, events.global_position  -- the xid8 column, not its text ("1000" < "999")
    LIMIT $3
"""


class RelayState(StrEnum):
    STARTING = "starting"
    STANDBY = "standby"
    ACTIVE = "active"
    WAITING_FOR_NATS = "waiting_for_nats"
    WAITING_FOR_DATABASE = "waiting_for_database"
    BLOCKED = "blocked"
    FAILING = "failing"
    STOPPED = "stopped"


@dataclass
class RelayStats:
    """What /readyz and /metrics say of the relay."""

    state: RelayState = RelayState.STARTING
    published: int = 0
    batches: int = 0
    last_global_position: int = 0
    blocked_event_id: str | None = None
    blocked_reason: str | None = None


class Refused(Exception):
    """NATS answered and will not take this event as it is: retrying soon will not help."""


def published_size(data: bytes, headers: dict[str, str]) -> int:
    """The bytes the server counts against max_payload: the payload and the encoded header block."""
    block = "NATS/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    return len(data) + len(block.encode())


def refusal(error: Exception) -> str | None:
    """Why NATS refused the event for good, or None when it simply could not be reached (or did not answer)."""
    if isinstance(error, Refused):
        return str(error)
    if isinstance(error, nats.errors.MaxPayloadError):
        return "larger than the NATS server's max_payload"
    if isinstance(error, nats.js.errors.APIError) and not isinstance(error, nats.js.errors.ServiceUnavailableError):
        return f"JetStream refused it: {error.description or error}"
    return None


def cloud_event_headers(row: asyncpg.Record | dict[str, Any], service: str) -> dict[str, str]:
    """CloudEvents 1.0 binary-mode headers plus hemiao's own, for one stored event."""
    registration = event_class(row["type"])
    return {
        "Nats-Msg-Id": row["event_id"],
        "ce-specversion": "1.0",
        "ce-id": row["event_id"],
        "ce-source": f"/hemiao/{service}",
        "ce-type": registration.ce_type_at(row["schema_version"]),
        "ce-time": row["recorded_at"].isoformat(),
        "ce-subject": row["stream_id"],
        "ce-datacontenttype": "application/json",
        "ce-dataschema": dataschema(row["type"], row["schema_version"]),  # the version it was written with
        "hemiao-event-type": row["type"],
        "hemiao-schema-version": str(row["schema_version"]),
        "hemiao-stream-id": row["stream_id"],
        "hemiao-stream-type": row["stream_type"],
        "hemiao-stream-version": str(row["version"]),
        "hemiao-global-position": str(row["global_position"]),
        "hemiao-actor": row["actor"] or "",
        "hemiao-correlation-id": row["correlation_id"] or "",
        "hemiao-causation-id": row["causation_id"] or "",
    }


class Relay:
    """Publishes a write service's events to its JetStream stream, forever."""

    def __init__(self, dsn: str, nc: Client, *, service: str, namespace: str,
                 batch_size: int = 500, poll_seconds: float = 1.0, publish_timeout: float = 5.0,
                 blocked_retry_seconds: float = 30.0) -> None:
        self._dsn = dsn
        self._nc = nc
        self._js = nc.jetstream()
        self.service = service
        self.namespace = namespace
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.publish_timeout = publish_timeout
        self.blocked_retry_seconds = blocked_retry_seconds
        self.stats = RelayStats()
        self._wake = asyncio.Event()

    async def run(self) -> None:
        """Stand by for the advisory lock, then publish until cancelled; reconnect on failures."""
        try:
            while True:
                try:
                    await self._run_while_connected()
                except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                    stop_if_cancelled()
                    self.stats.state = RelayState.WAITING_FOR_DATABASE
                    log.warning("relay %s lost the database: %s", self.service, error)
                    await asyncio.sleep(1.0)
                except Exception:
                    stop_if_cancelled()
                    # An event it cannot publish (say, of a type this code no longer knows) must not
                    # end the relay quietly: it says so, /readyz says so, and it tries again.
                    self.stats.state = RelayState.FAILING
                    log.exception("relay %s failed; trying again in 5 s", self.service)
                    await asyncio.sleep(5.0)
        finally:
            self.stats.state = RelayState.STOPPED

    async def _run_while_connected(self) -> None:
        def standing_by() -> None:
            self.stats.state = RelayState.STANDBY

        async with leadership(self._dsn, f"relay:{self.service}", self.poll_seconds, standing_by) as conn:
            self.stats.state = RelayState.ACTIVE
            log.info("relay %s is the active relay", self.service)
            await conn.add_listener(NOTIFY_CHANNEL, lambda *_: self._wake.set())
            await conn.execute(
                "INSERT INTO relay_checkpoint (relay, tx_id, global_position) VALUES ($1, '0'::xid8, 0)"
                " ON CONFLICT (relay) DO NOTHING", self.service)
            await self._publish_forever(conn)

    async def _publish_forever(self, conn: asyncpg.Connection) -> None:
        row = await conn.fetchrow("SELECT tx_id::text AS tx_id, global_position, blocked_event_id::text, blocked_reason"
                                  " FROM relay_checkpoint WHERE relay = $1", self.service)
        checkpoint = (row["tx_id"], row["global_position"])
        # As the last holder left it: cleared below once that event goes out, kept if it is still refused.
        self.stats.blocked_event_id, self.stats.blocked_reason = row["blocked_event_id"], row["blocked_reason"]
        retry_blocked = 1.0
        while True:
            self._wake.clear()
            batch = await conn.fetch(_UNPUBLISHED, checkpoint[0], checkpoint[1], self.batch_size)
            sent, refused = await self._publish(batch)
            if sent:
                checkpoint = await self._save_checkpoint(conn, batch[sent - 1], sent)
            if refused is not None:  # the same event again, after a longer wait each time, never the next one
                await self._block(conn, batch[sent]["event_id"], refused)
                await asyncio.sleep(retry_blocked)
                retry_blocked = min(retry_blocked * 2, self.blocked_retry_seconds)
                continue
            retry_blocked = 1.0
            if self.stats.blocked_event_id is not None:
                await self._unblock(conn)
            if len(batch) < self.batch_size:
                # NOTIFY wakes us on each commit; the timeout covers rows held back by the
                # horizon of an unrelated transaction, whose end notifies nobody.
                # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancellation.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.poll_seconds):
                        await self._wake.wait()
                stop_if_cancelled()

    async def _save_checkpoint(self, conn: asyncpg.Connection, last: asyncpg.Record, count: int) -> tuple[str, int]:
        checkpoint = (last["tx_id_text"], last["global_position"])
        await conn.execute(
            "UPDATE relay_checkpoint SET tx_id = $2::text::xid8, global_position = $3,"
            " published = published + $4, updated_at = now() WHERE relay = $1",
            self.service, checkpoint[0], checkpoint[1], count)
        self.stats.batches += 1
        self.stats.last_global_position = checkpoint[1]
        return checkpoint

    async def _publish(self, batch: list[asyncpg.Record]) -> tuple[int, str | None]:
        """Publish the events in order, waiting out NATS outages; how many went out, and why NATS refused the next."""
        for sent, row in enumerate(batch):
            subject = event_class(row["type"]).subject_in(self.namespace)
            headers = cloud_event_headers(row, self.service)
            data = row["data"].encode()
            delay = 0.2
            while True:
                try:
                    if not self._nc.is_connected:
                        # Buffered now, it would go to a server whose max_payload we have not read yet; one over
                        # it gets -ERR, on which nats-py closes the connection for good, the whole service's.
                        raise nats.errors.ConnectionReconnectingError
                    limit = self._nc.max_payload  # the connected server's, from its INFO: it changes on reconnect
                    if (size := published_size(data, headers)) > limit:  # the server would drop the connection
                        raise Refused(f"{size} bytes with its headers, over the NATS server's max_payload of {limit}")
                    await self._js.publish(subject, data, headers=headers, timeout=self.publish_timeout)
                    break
                except Exception as error:  # any NATS failure: wait and send the same event again
                    stop_if_cancelled()
                    if (reason := refusal(error)) is not None:
                        return sent, reason
                    self.stats.state = RelayState.WAITING_FOR_NATS
                    log.warning("relay %s cannot publish event %s yet: %r", self.service, row["event_id"], error)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 5.0)
            self.stats.state = RelayState.ACTIVE if self.stats.blocked_event_id is None else RelayState.BLOCKED
            self.stats.published += 1
        return len(batch), None

    async def _block(self, conn: asyncpg.Connection, event_id: str, reason: str) -> None:
        self.stats.state = RelayState.BLOCKED
        if (self.stats.blocked_event_id, self.stats.blocked_reason) == (event_id, reason):
            return
        self.stats.blocked_event_id, self.stats.blocked_reason = event_id, reason
        await conn.execute("UPDATE relay_checkpoint SET blocked_event_id = $2::uuid, blocked_reason = $3,"
                           " blocked_since = CASE WHEN blocked_event_id = $2::uuid THEN blocked_since ELSE now() END"
                           " WHERE relay = $1",
                           self.service, event_id, reason)
        log.error("relay %s is blocked at event %s: %s; later events wait behind it (see docs/operations.md)",
                  self.service, event_id, reason)

    async def _unblock(self, conn: asyncpg.Connection) -> None:
        log.info("relay %s published event %s and is no longer blocked", self.service, self.stats.blocked_event_id)
        self.stats.blocked_event_id = self.stats.blocked_reason = None
        self.stats.state = RelayState.ACTIVE
        await conn.execute("UPDATE relay_checkpoint SET blocked_event_id = NULL, blocked_reason = NULL,"
                           " blocked_since = NULL WHERE relay = $1", self.service)
