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
holder's connection ends.

Why a batch goes out with async acks, each message conditioned on the one
before: waiting for each PubAck in turn costs a round trip per event, too slow
to drain a backlog. So batches (of 1,000 events) are published without
waiting, up to 4 of them ahead of their acks, and the checkpoint moves batch by
batch, only to the last event whose ack, and every earlier one's, arrived.
Published this way, one lost message (a dropped connection, a server
restarting) could leave later ones stored before it, out of order; so every
message but the first of a run says
`Nats-Expected-Last-Msg-Id: <the event before it>`, and JetStream refuses it
unless that event is the stream's last (a re-sent duplicate is acked first, as
a duplicate, whatever it expects). After any failure the relay reads the
stream's last message: the events up to it are stored, in order, and it sends
the rest again. A crash between PubAcks and checkpoint re-sends events that
JetStream drops as duplicates by `Nats-Msg-Id`, or that this read finds stored.

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
import functools
import logging
from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import asyncpg
import nats.errors
import nats.js.errors
from nats.aio.client import Client

from shared.cancellation import stop_if_cancelled
from shared.config import stream_name
from shared.contracts import event_class
from shared.contracts.dataschema import dataschema
from shared.election import leadership
from shared.eventstore.postgres import NOTIFY_CHANNEL
from shared.tracing import TRACE_HEADERS, SpanKind, inject, span
from shared.tracing import is_on as is_tracing

log = logging.getLogger(__name__)

EXPECTED_LAST_MSG_ID = "Nats-Expected-Last-Msg-Id"
_YIELD_EVERY = 64
WRONG_LAST_MSG_ID = 10070  # JetStream's error code: the stream's last message is not the one this one expects

_UNPUBLISHED = """
    SELECT global_position, stream_id, stream_type, version, event_id::text, type, schema_version,
           data::text AS data, metadata::text AS metadata, recorded_at, tx_id::text AS tx_id_text,
           metadata->'actor'->>'subject' AS actor, metadata->>'correlation_id' AS correlation_id,
           metadata->>'causation_id' AS causation_id,
           metadata->'trace'->>'traceparent' AS traceparent, metadata->'trace'->>'tracestate' AS tracestate
    FROM events
    WHERE (tx_id, global_position) > ($1::text::xid8, $2)
      AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
    ORDER BY events.tx_id, events.global_position  -- the xid8 column, not its text ("1000" < "999")
    LIMIT $3
"""


_HELD_BACK = """
    SELECT EXISTS (SELECT 1 FROM events WHERE (tx_id, global_position) > ($1::text::xid8, $2)
                   AND tx_id >= pg_snapshot_xmin(pg_current_snapshot()))
"""
"""Whether committed events wait behind the horizon of a transaction still running (in any database of the
server: a reporting consumer's batch, say), whose end notifies nobody."""
HELD_BACK_FIRST_PAUSE = 0.005


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
    if isinstance(error, nats.js.errors.APIError) and error.err_code == WRONG_LAST_MSG_ID:
        return None  # the one before it was lost: it goes again, after that one
    if isinstance(error, nats.js.errors.APIError) and not isinstance(error, nats.js.errors.ServiceUnavailableError):
        return f"JetStream refused it: {error.description or error}"
    return None


@functools.cache
def subject_of(type_name: str, namespace: str) -> str:
    return event_class(type_name).subject_in(namespace)


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
        # the W3C trace context of the append, when it was traced (shared/tracing.py)
        **{name: row[name] for name in TRACE_HEADERS if row.get(name)},
    }


@dataclass
class _Sent:
    """A batch published, its PubAcks to come, and why it stopped short of its end, if it did."""

    rows: list[asyncpg.Record]
    acks: list[asyncio.Future[Any]] = field(default_factory=list)
    failure: Exception | None = None


class Relay:
    """Publishes a write service's events to its JetStream stream, forever."""

    def __init__(self, dsn: str, nc: Client, *, service: str, namespace: str,
                 batch_size: int = 1000, in_flight_batches: int = 4, poll_seconds: float = 1.0,
                 publish_timeout: float = 5.0, blocked_retry_seconds: float = 30.0) -> None:
        self._dsn = dsn
        self._nc = nc
        # room for every message of the batches in flight: publish_async waits for a free slot otherwise
        self._js = nc.jetstream(publish_async_max_pending=batch_size * in_flight_batches + 1)
        self.service = service
        self.namespace = namespace
        self.batch_size = batch_size
        self.in_flight_batches = in_flight_batches
        self.poll_seconds = poll_seconds
        self.publish_timeout = publish_timeout
        self.blocked_retry_seconds = blocked_retry_seconds
        self.stats = RelayStats()
        self._wake = asyncio.Event()
        self._progressed = False

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
        retry_blocked, retry_nats = 1.0, 0.2
        while True:
            checkpoint, failure, event_id = await self._run_from(conn, checkpoint)
            if (refused := refusal(failure)) is not None:
                # the same event again, after a longer wait each time, never the next one
                await self._block(conn, event_id, refused)
                await asyncio.sleep(retry_blocked)
                retry_blocked = min(retry_blocked * 2, self.blocked_retry_seconds)
            else:  # NATS unreachable, silent, or it lost a message: wait, then send the rest again
                self.stats.state = RelayState.WAITING_FOR_NATS
                log.warning("relay %s cannot publish event %s yet: %r", self.service, event_id, failure)
                await asyncio.sleep(retry_nats)
                retry_nats = min(retry_nats * 2, 5.0)
            if self._progressed:
                retry_blocked, retry_nats = 1.0, 0.2

    async def _run_from(self, conn: asyncpg.Connection,
                        checkpoint: tuple[str, int]) -> tuple[tuple[str, int], Exception, str]:
        """Publish from the checkpoint on, a few batches ahead of their PubAcks, moving the checkpoint batch by batch
        as they are acknowledged, until something fails: the checkpoint then, the failure, and the event it hit."""
        self._progressed = False
        in_flight: deque[_Sent] = deque()
        read_to, previous, resync = checkpoint, None, True  # the stream's last message is not known yet
        held_pause = 0.0
        try:
            while True:
                caught_up = False
                while len(in_flight) < self.in_flight_batches and not caught_up:
                    self._wake.clear()
                    batch = await conn.fetch(_UNPUBLISHED, read_to[0], read_to[1], self.batch_size)
                    caught_up = len(batch) < self.batch_size
                    if not batch:
                        break
                    if resync:  # the events up to the stream's last message are in, in order: not again
                        try:
                            stored = await self._stored_through(batch)
                        except Exception as error:
                            stop_if_cancelled()
                            return checkpoint, error, batch[0]["event_id"]
                        resync = False
                        if stored:
                            self.stats.published += stored
                            checkpoint = read_to = await self._save_checkpoint(conn, batch[stored - 1], stored)
                            batch = batch[stored:]
                            if not batch:
                                continue
                    sent = await self._send(batch, previous)
                    in_flight.append(sent)
                    if sent.failure is not None:
                        break
                    read_to = (batch[-1]["tx_id_text"], batch[-1]["global_position"])
                    previous = batch[-1]["event_id"]
                if not in_flight:  # all published
                    if self.stats.blocked_event_id is not None:
                        await self._unblock(conn)
                    self.stats.state = RelayState.ACTIVE
                    # NOTIFY wakes us on each commit. Rows held back by the horizon of an unrelated transaction
                    # (whose end notifies nobody) are looked for again soon, 5 ms doubling to the poll: waiting
                    # the whole poll for them made an event a second late whenever a reporting batch was under
                    # way at its commit. The poll covers anything else.
                    if await conn.fetchval(_HELD_BACK, read_to[0], read_to[1]):
                        held_pause = min(held_pause * 2, self.poll_seconds) if held_pause else HELD_BACK_FIRST_PAUSE
                    else:
                        held_pause = 0.0
                    # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancellation.
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(held_pause or self.poll_seconds):
                            await self._wake.wait()
                    stop_if_cancelled()
                    continue
                oldest = in_flight.popleft()
                acked, failed = await self._acked(oldest.acks)
                if acked:
                    self.stats.published += acked
                    checkpoint = await self._save_checkpoint(conn, oldest.rows[acked - 1], acked)
                    self._progressed = True
                failure = failed or (TimeoutError("no PubAck") if acked < len(oldest.acks) else oldest.failure)
                if failure is not None:
                    return checkpoint, failure, oldest.rows[acked]["event_id"]
                if self.stats.blocked_event_id is not None:
                    await self._unblock(conn)
                self.stats.state = RelayState.ACTIVE
        finally:
            for sent in in_flight:  # sent after the failure: JetStream refuses them (or drops them as duplicates)
                for ack in sent.acks:
                    ack.cancel()

    async def _save_checkpoint(self, conn: asyncpg.Connection, last: asyncpg.Record, count: int) -> tuple[str, int]:
        checkpoint = (last["tx_id_text"], last["global_position"])
        await conn.execute(
            "UPDATE relay_checkpoint SET tx_id = $2::text::xid8, global_position = $3,"
            " published = published + $4, updated_at = now() WHERE relay = $1",
            self.service, checkpoint[0], checkpoint[1], count)
        self.stats.batches += 1
        self.stats.last_global_position = checkpoint[1]
        return checkpoint

    async def _send(self, batch: list[asyncpg.Record], previous: str | None) -> _Sent:
        """Publish the batch in order without waiting for PubAcks, each message but the first of a run conditioned
        on the one before (`previous` for the batch's first); stops at the first that cannot be sent."""
        sent = _Sent(rows=batch)
        for row in batch:
            headers = cloud_event_headers(row, self.service)
            if previous is not None:  # JetStream stores it only right after the one before: never after a gap
                headers[EXPECTED_LAST_MSG_ID] = previous
            data = row["data"].encode()
            try:
                if not self._nc.is_connected:
                    # Buffered now, it would go to a server whose max_payload we have not read yet; one over
                    # it gets -ERR, on which nats-py closes the connection for good, the whole service's.
                    raise nats.errors.ConnectionReconnectingError
                limit = self._nc.max_payload  # the connected server's, from its INFO: it changes on reconnect
                if (size := published_size(data, headers)) > limit:  # the server would drop the connection
                    raise Refused(f"{size} bytes with its headers, over the NATS server's max_payload of {limit}")
                subject = subject_of(row["type"], self.namespace)
                if is_tracing() and "traceparent" in headers:  # a child of the append, the consumers' parent
                    with span(f"publish {subject}", kind=SpanKind.PRODUCER, parent=headers,
                              attributes={"messaging.system": "nats", "messaging.destination.name": subject}):
                        inject(headers)
                # no wait_stall: its wait_for yields on every message, and nats-py then writes each on its own
                sent.acks.append(await self._js.publish_async(subject, data, headers=headers))
            except Exception as error:  # sent no further: the acks of those before say how far it got
                stop_if_cancelled()
                sent.failure = error
                break
            previous = row["event_id"]
            if len(sent.acks) % _YIELD_EVERY == 0:
                await asyncio.sleep(0)  # lets nats-py write what is buffered and read the PubAcks meanwhile
        return sent

    async def _acked(self, acks: list[asyncio.Future[Any]]) -> tuple[int, Exception | None]:
        """Wait for the PubAcks (until none has come for publish_timeout): how many of the first arrived, and why
        the next did not, if it failed (None when it timed out or all arrived)."""
        waiting = set(acks)
        try:
            while waiting:
                done, waiting = await asyncio.wait(waiting, timeout=self.publish_timeout)
                if not done or any(ack.cancelled() or ack.exception() is not None for ack in done):
                    break
        finally:
            for ack in waiting:
                ack.cancel()  # frees its slot in nats-py's window of pending publishes
        for index, ack in enumerate(acks):
            if ack.cancelled():
                return index, None
            if (error := ack.exception()) is not None:
                return index, error  # type: ignore[return-value]
        return len(acks), None

    async def _stored_through(self, batch: list[asyncpg.Record]) -> int:
        """How many of the batch's first events the stream already holds: those up to its last message, if that
        is one of them (every message but the first of a run went in only right after its predecessor)."""
        name = stream_name(self.namespace, self.service)
        try:
            last = (await self._js.stream_info(name)).state.last_seq
            if not last:
                return 0
            message = await self._js.get_msg(name, seq=last)
        except nats.js.errors.NotFoundError:
            return 0
        last_id = (message.headers or {}).get("Nats-Msg-Id")
        for index, row in enumerate(batch):
            if row["event_id"] == last_id:
                return index + 1
        return 0

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
