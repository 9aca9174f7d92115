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
stream's last message and looks its event up in the store: the events up to it
are stored, in order, and it sends the rest again.

Why only some messages ask for a PubAck: that chain makes one ack speak for
every message before it. A message is stored only right after its predecessor,
so an ack (stored, or a duplicate) of the k-th says the first k are in the
stream, in order; a message that was not stored breaks the chain, and every
later one, the acked one too, is refused. So a batch asks for an ack on its
first message, every `ACK_EVERY`-th and its last; the others go without a reply
subject, and JetStream answers nothing. The first message of a run always
asks, so an event JetStream refuses for good is named by its own answer.

Why the checkpoint is written at most every 100 ms (and whenever the relay goes
idle, stops on a failure or leaves `blocked`): it is only where reading starts
again. A relay that starts (or runs again after a failure) reads the stream's
last message first and goes on after it, wherever the checkpoint was, so events
acknowledged but not yet checkpointed are not sent again; JetStream's
deduplication by `Nats-Msg-Id` (2 minutes) is a second guard, not the one that
this relies on.

Why the relay encodes the headers itself: nats-py checks every header name
against a regular expression and scans every value for line breaks, which cost
more than the rest of publishing an event. The relay writes the same header
block (`message_headers`, tested byte for byte against nats-py's encoding of
`cloud_event_headers`) and hands nats-py the HPUB command it would have built.

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
import json
import logging
import time
from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import asyncpg
import nats.errors
import nats.js.errors
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.protocol.command import hpub_cmd

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
WRONG_LAST_MSG_ID = 10070  # JetStream's error code: the stream's last message is not the one this one expects
ACK_EVERY = 100
"""A batch asks for a PubAck on its first message, on every ACK_EVERY-th and on its last (see above)."""
_YIELD_EVERY = 128  # messages queued before nats-py's flusher gets to write them and read the PubAcks

_UNPUBLISHED = """
    WITH horizon AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin)
    SELECT * FROM (
        (SELECT global_position, stream_id, stream_type, version, event_id::text, type, schema_version,
                data::text AS data, recorded_at, tx_id, tx_id::text AS tx_id_text,
                metadata->'actor'->>'subject' AS actor, metadata->>'correlation_id' AS correlation_id,
                metadata->>'causation_id' AS causation_id,
                metadata->'trace'->>'traceparent' AS traceparent, metadata->'trace'->>'tracestate' AS tracestate,
                true AS visible
         FROM events
         WHERE (tx_id, global_position) > ($1::text::xid8, $2) AND tx_id < (SELECT xmin FROM horizon)
         ORDER BY tx_id, global_position  -- the xid8 column, not its text ("1000" < "999")
         LIMIT $3)
        UNION ALL
        (SELECT global_position, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, tx_id, NULL, NULL, NULL, NULL,
                NULL, NULL, false
         FROM events
         WHERE (tx_id, global_position) > ($1::text::xid8, $2) AND tx_id >= (SELECT xmin FROM horizon)
         ORDER BY tx_id, global_position
         LIMIT 1)
    ) AS unpublished
    ORDER BY tx_id, global_position
"""
"""The next committed events past the checkpoint that no running transaction can still precede, and, as a last row
marked not `visible`, the first committed event held back behind the horizon of a transaction still running (in
any database of the server: a reporting consumer's batch, say), whose end notifies nobody."""

_STORED_THROUGH = """
    SELECT last.tx_id::text AS tx_id_text, last.global_position,
           (SELECT count(*) FROM events e
            WHERE (e.tx_id, e.global_position) > ($2::text::xid8, $3)
              AND (e.tx_id, e.global_position) <= (last.tx_id, last.global_position)) AS stored
    FROM events last
    WHERE last.event_id = $1::text::uuid AND (last.tx_id, last.global_position) > ($2::text::xid8, $3)
"""
"""Where the stream's last message, if it is an event of this store past the checkpoint, leaves the checkpoint,
and how many events up to it the checkpoint did not count yet."""

HELD_BACK_FIRST_PAUSE = 0.005
HELD_BACK_MAX_PAUSE = 0.05
CHECKPOINT_SECONDS = 0.1
GATHER_SECONDS = 0.004
BUSY_SECONDS = 0.025


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
    reads: int = 0
    checkpoints: int = 0


class Refused(Exception):
    """NATS answered and will not take this event as it is: retrying soon will not help."""


class Unconfirmed(Exception):
    """An ack refused a message after some that asked for none: which of them JetStream stopped at is not known
    from it, so the relay finds out from the stream, as after a lost message."""


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


_LINE_BREAKS = str.maketrans({"\r": " ", "\n": " "})


def _value(value: str) -> str:
    """A header value as nats-py writes it: stripped, line breaks made spaces."""
    value = value.strip()
    return value.translate(_LINE_BREAKS) if "\r" in value or "\n" in value else value


def header_block(headers: dict[str, str]) -> bytes:
    """The NATS header block nats-py writes for these headers (names as hemiao's, all valid)."""
    return ("NATS/1.0\r\n" + "".join(f"{name.strip()}: {_value(value)}\r\n" for name, value in headers.items())
            + "\r\n").encode()


@functools.cache
def _typed(type_name: str, version: int, service: str) -> tuple[str, str]:
    """The header lines of an event that follow from its type, schema version and service alone: those before
    ce-time, and those after ce-subject."""
    before = (f"ce-source: {_value(f'/hemiao/{service}')}\r\n"
              f"ce-type: {_value(event_class(type_name).ce_type_at(version))}\r\n")
    after = (f"ce-datacontenttype: application/json\r\nce-dataschema: {_value(dataschema(type_name, version))}\r\n"
             f"hemiao-event-type: {_value(type_name)}\r\nhemiao-schema-version: {version}\r\n")
    return before, after


def message_headers(row: asyncpg.Record | dict[str, Any], service: str, previous: str | None) -> bytes:
    """`header_block` of `cloud_event_headers(row, service)` and, after `previous`, the expected last message id:
    the same bytes, written in one go."""
    event_id = row["event_id"]
    source_and_type, by_type = _typed(row["type"], row["schema_version"], service)
    trace = "".join(f"{name}: {_value(row[name])}\r\n" for name in TRACE_HEADERS if row.get(name))
    expected = f"{EXPECTED_LAST_MSG_ID}: {_value(previous)}\r\n" if previous is not None else ""
    return (f"NATS/1.0\r\nNats-Msg-Id: {event_id}\r\nce-specversion: 1.0\r\nce-id: {event_id}\r\n{source_and_type}"
            f"ce-time: {row['recorded_at'].isoformat()}\r\nce-subject: {_value(row['stream_id'])}\r\n{by_type}"
            f"hemiao-stream-id: {_value(row['stream_id'])}\r\nhemiao-stream-type: {_value(row['stream_type'])}\r\n"
            f"hemiao-stream-version: {row['version']}\r\nhemiao-global-position: {row['global_position']}\r\n"
            f"hemiao-actor: {_value(row['actor'] or '')}\r\n"
            f"hemiao-correlation-id: {_value(row['correlation_id'] or '')}\r\n"
            f"hemiao-causation-id: {_value(row['causation_id'] or '')}\r\n{trace}{expected}\r\n").encode()


_Read = tuple[list[asyncpg.Record], bool]  # events to publish, and whether others wait behind the horizon


@dataclass
class _Sent:
    """A batch published, the PubAcks it asked for, and why it stopped short of its end, if it did."""

    rows: list[asyncpg.Record]
    serial: int
    count: int = 0  # messages sent: the first `count` rows
    asked: list[int] = field(default_factory=list)  # the indexes of those that asked for a PubAck, in order
    answers: dict[int, Exception | None] = field(default_factory=dict)  # their PubAcks so far: None when stored
    failure: Exception | None = None
    complete: bool = False  # all its messages are sent (or sending stopped): `settled` may be set
    settled: asyncio.Future[None] = field(default_factory=lambda: asyncio.get_running_loop().create_future())

    def answer(self, index: int, error: Exception | None) -> None:
        self.answers.setdefault(index, error)
        self.settle()

    def settle(self) -> None:
        if self.complete and not self.settled.done() and (
                len(self.answers) >= len(self.asked) or any(e is not None for e in self.answers.values())):
            self.settled.set_result(None)


class Relay:
    """Publishes a write service's events to its JetStream stream, forever."""

    def __init__(self, dsn: str, nc: Client, *, service: str, namespace: str,
                 batch_size: int = 1000, in_flight_batches: int = 4, poll_seconds: float = 1.0,
                 publish_timeout: float = 5.0, blocked_retry_seconds: float = 30.0,
                 checkpoint_seconds: float = CHECKPOINT_SECONDS, gather_seconds: float = GATHER_SECONDS) -> None:
        self._dsn = dsn
        self._nc = nc
        self._js = nc.jetstream()
        self.service = service
        self.namespace = namespace
        self.batch_size = batch_size
        self.in_flight_batches = in_flight_batches
        self.poll_seconds = poll_seconds
        self.publish_timeout = publish_timeout
        self.blocked_retry_seconds = blocked_retry_seconds
        self.checkpoint_seconds = checkpoint_seconds
        self.gather_seconds = gather_seconds
        self.stats = RelayStats()
        self._wake = asyncio.Event()
        self._progressed = False
        self._inbox: str | None = None  # the reply subjects' prefix: <inbox>.<batch serial>.<index in the batch>
        self._awaiting: dict[int, _Sent] = {}
        self._serial = 0
        self._unsaved: tuple[tuple[str, int], int] | None = None  # the checkpoint in memory, and events since saved
        self._saved_at = 0.0
        self._sent_at = 0.0
        self._held_since: float | None = None  # since when the next event waits behind the horizon
        self._reading: tuple[tuple[str, int], asyncio.Task[_Read]] | None = None  # a read ahead, under way
        self._read_done: tuple[tuple[str, int], _Read] | None = None  # and what it read, once settled

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
            if self._inbox is None:  # nats-py subscribes it again after each reconnect
                inbox = self._nc.new_inbox() + "."
                await self._nc.subscribe(inbox + ">", cb=self._on_ack)
                self._inbox = inbox
            await conn.add_listener(NOTIFY_CHANNEL, lambda *_: self._wake.set())
            await conn.execute(
                "INSERT INTO relay_checkpoint (relay, tx_id, global_position) VALUES ($1, '0'::xid8, 0)"
                " ON CONFLICT (relay) DO NOTHING", self.service)
            await self._publish_forever(conn)

    async def _publish_forever(self, conn: asyncpg.Connection) -> None:
        row = await conn.fetchrow("SELECT tx_id::text AS tx_id, global_position, blocked_event_id::text, blocked_reason"
                                  " FROM relay_checkpoint WHERE relay = $1", self.service)
        checkpoint = (row["tx_id"], row["global_position"])
        self._unsaved = None
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
        more, held, stopped = True, False, False
        try:
            while True:
                while not stopped and len(in_flight) < self.in_flight_batches and (more or self._wake.is_set()):
                    batch, held = await self._read(conn, read_to)
                    more = not held and len(batch) == self.batch_size
                    if not batch:
                        break
                    if resync:  # the events up to the stream's last message are in, in order: not again
                        try:
                            stored = await self._stored_through(conn, read_to)
                        except Exception as error:
                            stop_if_cancelled()
                            return await self._leave(conn, checkpoint, error, batch[0]["event_id"])
                        resync = False
                        if stored is not None:
                            checkpoint = read_to = self._advance(*stored)
                            more = True
                            continue
                    if more:  # PostgreSQL reads the next batch while this one is encoded and sent
                        self._read_ahead(conn, (batch[-1]["tx_id_text"], batch[-1]["global_position"]))
                    sent = await self._send(batch, previous)
                    in_flight.append(sent)
                    self._sent_at = time.monotonic()
                    if sent.failure is not None:  # nothing more this run: its acks say how far it got
                        stopped = True
                        break
                    read_to = (batch[-1]["tx_id_text"], batch[-1]["global_position"])
                    previous = batch[-1]["event_id"]
                if not in_flight:  # all published that can be now
                    if self.stats.blocked_event_id is not None:
                        await self._save_checkpoint(conn, now=True)
                        await self._unblock(conn)
                    self.stats.state = RelayState.ACTIVE
                    await self._idle(conn, held)
                    more = True
                    continue
                oldest = in_flight.popleft()
                acked, failed = await self._acked(oldest)
                if acked:
                    checkpoint = self._advance((oldest.rows[acked - 1]["tx_id_text"],
                                                oldest.rows[acked - 1]["global_position"]), acked)
                    self.stats.batches += 1
                    self._progressed = True
                    self._held_since = None  # held back or not, it moves: a new wait starts short
                    # the checkpoint at most every checkpoint_seconds, but at once when leaving `blocked`
                    await self._save_checkpoint(conn, now=self.stats.blocked_event_id is not None)
                failure = failed or (TimeoutError("no PubAck") if acked < oldest.count else oldest.failure)
                if failure is not None:
                    return await self._leave(conn, checkpoint, failure, oldest.rows[acked]["event_id"])
                if self.stats.blocked_event_id is not None:
                    await self._unblock(conn)
                self.stats.state = RelayState.ACTIVE
        finally:
            for sent in in_flight:  # sent after the failure: JetStream refuses them (or drops them as duplicates)
                self._awaiting.pop(sent.serial, None)
            if self._reading is not None:  # only when it raised: a return settles the read first
                self._reading[1].cancel()
            self._reading = self._read_done = None

    async def _read(self, conn: asyncpg.Connection, after: tuple[str, int]) -> _Read:
        """The next events to publish, and whether committed events wait behind the horizon after them: read ahead
        already, or now. (Read ahead, they are still the next: any event that commits later has a later tx_id than
        every one of them, which were all below the horizon.)"""
        await self._settle_read()
        done, self._read_done = self._read_done, None
        if done is not None and done[0] == after:
            return done[1]
        self._wake.clear()  # a commit after this wakes us, and one before it is in what it reads
        return await self._fetch(conn, after)

    def _read_ahead(self, conn: asyncpg.Connection, after: tuple[str, int]) -> None:
        self._wake.clear()
        self._reading = (after, asyncio.create_task(self._fetch(conn, after)))

    async def _settle_read(self) -> None:
        """Let a read ahead finish, keeping what it read: the connection does one thing at a time."""
        if self._reading is not None:
            after, task = self._reading
            self._reading = None
            self._read_done = (after, await task)

    async def _fetch(self, conn: asyncpg.Connection, after: tuple[str, int]) -> _Read:
        rows = await conn.fetch(_UNPUBLISHED, after[0], after[1], self.batch_size)
        self.stats.reads += 1
        if rows and not rows[-1]["visible"]:
            return rows[:-1], True
        return rows, False

    async def _idle(self, conn: asyncpg.Connection, held: bool) -> None:
        """Save the checkpoint, then wait for a commit's NOTIFY (or the poll); gather a few milliseconds more of
        them when the events come thick and fast, so that a busy write path is published in batches."""
        await self._save_checkpoint(conn, now=True)
        # NOTIFY wakes us on each commit. Rows held back by the horizon of an unrelated transaction (whose end
        # notifies nobody) are looked for again soon: 5 ms, growing with the wait to 50 ms. It doubled on every
        # look before, never starting short again while something was held back, so on a busy server it reached
        # the whole poll (a second) and an event then went out a second after its commit.
        if held:
            now = time.monotonic()
            if self._held_since is None:
                self._held_since = now
            pause = min(HELD_BACK_MAX_PAUSE, max(HELD_BACK_FIRST_PAUSE, (now - self._held_since) / 2))
        else:
            self._held_since, pause = None, self.poll_seconds
        # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancellation.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(pause):
                await self._wake.wait()
        stop_if_cancelled()
        if self._wake.is_set() and time.monotonic() - self._sent_at < BUSY_SECONDS:
            # Woken within a few ms of the last batch: more commits are on their way. An event alone (none
            # published in the last 25 ms) is read at once.
            await asyncio.sleep(self.gather_seconds)

    def _advance(self, checkpoint: tuple[str, int], count: int) -> tuple[str, int]:
        """The checkpoint moved past `count` more events published: in memory now, in the database soon."""
        self.stats.published += count
        self.stats.last_global_position = checkpoint[1]
        self._unsaved = (checkpoint, (self._unsaved[1] if self._unsaved else 0) + count)
        return checkpoint

    async def _save_checkpoint(self, conn: asyncpg.Connection, *, now: bool = False) -> None:
        if self._unsaved is None or (not now and time.monotonic() - self._saved_at < self.checkpoint_seconds):
            return
        await self._settle_read()
        (tx_id, position), count = self._unsaved
        await conn.execute(
            "UPDATE relay_checkpoint SET tx_id = $2::text::xid8, global_position = $3,"
            " published = published + $4, updated_at = now() WHERE relay = $1",
            self.service, tx_id, position, count)
        self._unsaved, self._saved_at = None, time.monotonic()
        self.stats.checkpoints += 1

    async def _leave(self, conn: asyncpg.Connection, checkpoint: tuple[str, int], failure: Exception,
                     event_id: str) -> tuple[tuple[str, int], Exception, str]:
        await self._settle_read()
        await self._save_checkpoint(conn, now=True)
        return checkpoint, failure, event_id

    async def _send(self, batch: list[asyncpg.Record], previous: str | None) -> _Sent:
        """Publish the batch in order without waiting for PubAcks, each message but the first of a run conditioned
        on the one before (`previous` for the batch's first); stops at the first that cannot be sent."""
        self._serial += 1
        sent = _Sent(rows=batch, serial=self._serial)
        messages, sent.failure = self._messages(batch, previous)  # so the last before a refused one asks an ack
        self._awaiting[sent.serial] = sent
        nc, inbox, last, limit = self._nc, f"{self._inbox}{sent.serial}.", len(messages) - 1, self._nc.max_payload
        try:
            for index, (subject, block, data) in enumerate(messages):
                if not nc.is_connected or nc.max_payload != limit:
                    # Buffered now, it would go to a server whose max_payload we have not read yet (or not checked
                    # it against); one over it gets -ERR, on which nats-py closes the connection for good, the whole
                    # service's.
                    raise nats.errors.ConnectionClosedError if nc.is_closed else nats.errors.ConnectionReconnectingError
                reply = ""
                if index == 0 or index == last or index % ACK_EVERY == ACK_EVERY - 1:
                    reply = f"{inbox}{index}"
                    sent.asked.append(index)
                # what nats-py 2.16.0 (pinned) queues for nc.publish, minus its per-header checks (see above)
                await nc._send_command(hpub_cmd(subject, reply, block, data))
                nc.stats["out_msgs"] += 1
                nc.stats["out_bytes"] += len(data)
                sent.count = index + 1
                if sent.count % _YIELD_EVERY == 0:
                    await self._flush()  # lets nats-py write what is queued and read the PubAcks meanwhile
        except Exception as error:  # sent no further: the acks of those before say how far it got
            stop_if_cancelled()
            sent.failure = error
            if sent.count and sent.asked[-1] != sent.count - 1:
                # the last one sent asked for nothing: how far it got is for the stream to say
                sent.failure = Unconfirmed(f"sending stopped after an unacknowledged message: {error!r}")
        if sent.count:
            await self._flush()
        sent.complete = True
        sent.settle()
        return sent

    def _messages(self, batch: list[asyncpg.Record],
                  previous: str | None) -> tuple[list[tuple[str, bytes, bytes]], Exception | None]:
        """Subject, header block and payload of each event of the batch, up to the first that cannot be sent, and
        why not (too large for the connected server, say)."""
        messages: list[tuple[str, bytes, bytes]] = []
        limit = self._nc.max_payload  # the connected server's, from its INFO: it changes on reconnect
        try:
            for row in batch:
                subject = subject_of(row["type"], self.namespace)
                data = row["data"].encode()
                if is_tracing() and row["traceparent"]:  # a child of the append, the consumers' parent
                    headers = cloud_event_headers(row, self.service)
                    if previous is not None:  # JetStream stores it only right after the one before: never after a gap
                        headers[EXPECTED_LAST_MSG_ID] = previous
                    with span(f"publish {subject}", kind=SpanKind.PRODUCER, parent=headers,
                              attributes={"messaging.system": "nats", "messaging.destination.name": subject}):
                        inject(headers)
                    block = header_block(headers)
                else:
                    block = message_headers(row, self.service, previous)
                if (size := len(data) + len(block)) > limit:  # the server would drop the connection
                    raise Refused(f"{size} bytes with its headers, over the NATS server's max_payload of {limit}")
                messages.append((subject, block, data))
                previous = row["event_id"]
        except Exception as error:
            stop_if_cancelled()
            return messages, error
        return messages, None

    async def _flush(self) -> None:
        """What nats-py's publish does after queueing a message: wake its flusher, then let it run."""
        nc = self._nc
        if nc._flush_queue is not None and nc._flush_queue.empty():
            await nc._flush_pending()
        await asyncio.sleep(0)

    async def _on_ack(self, msg: Msg) -> None:
        """A PubAck (or JetStream's refusal) for a message that asked for one."""
        serial, _, index = msg.subject[len(self._inbox or ""):].partition(".")
        sent = self._awaiting.get(int(serial))
        if sent is None:
            return  # of a batch given up on
        error: Exception | None = None
        if msg.headers and msg.headers.get("Status") == "503":
            error = nats.js.errors.NoStreamResponseError()
        else:
            answer = json.loads(msg.data)
            if "error" in answer:
                try:  # it raises the error it makes
                    nats.js.errors.APIError.from_error(answer["error"])
                except nats.js.errors.APIError as refused:
                    error = refused
        sent.answer(int(index), error)

    async def _acked(self, sent: _Sent) -> tuple[int, Exception | None]:
        """Wait for the batch's PubAcks (until none has come for publish_timeout): how many of its first messages
        they say are stored, and why the next were not, if an ack said so (None when one did not come)."""
        try:
            while not sent.settled.done():
                answered = len(sent.answers)
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.publish_timeout):
                        await asyncio.shield(sent.settled)
                if not sent.settled.done() and len(sent.answers) == answered:
                    break
        finally:
            self._awaiting.pop(sent.serial, None)
        acked = 0
        for index in sent.asked:
            if index not in sent.answers:
                return acked, None
            if (error := sent.answers[index]) is not None:
                # named for that event only when every one before it is known to be stored
                return acked, error if index == acked else Unconfirmed(f"refused after {acked}: {error}")
            acked = index + 1
        return acked, None

    async def _stored_through(self, conn: asyncpg.Connection,
                              checkpoint: tuple[str, int]) -> tuple[tuple[str, int], int] | None:
        """Where the checkpoint goes when the stream already holds events past it (those up to its last message,
        since every message but the first of a run went in only right after its predecessor), and how many."""
        name = stream_name(self.namespace, self.service)
        try:
            last = (await self._js.stream_info(name)).state.last_seq
            if not last:
                return None
            message = await self._js.get_msg(name, seq=last)
        except nats.js.errors.NotFoundError:
            return None
        last_id = (message.headers or {}).get("Nats-Msg-Id")
        if not last_id:
            return None
        try:
            await self._settle_read()
            row = await conn.fetchrow(_STORED_THROUGH, last_id, checkpoint[0], checkpoint[1])
        except asyncpg.InvalidTextRepresentationError:  # not an event id of ours
            return None
        if row is None:
            return None
        return (row["tx_id_text"], row["global_position"]), row["stored"]

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
        await self._settle_read()
        self.stats.blocked_event_id = self.stats.blocked_reason = None
        self.stats.state = RelayState.ACTIVE
        await conn.execute("UPDATE relay_checkpoint SET blocked_event_id = NULL, blocked_reason = NULL,"
                           " blocked_since = NULL WHERE relay = $1", self.service)
