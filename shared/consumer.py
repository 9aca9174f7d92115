"""Durable pull consumers: each batch of events and what it applied commit in one transaction.

Reporting builds its read models with them; a write service keeps with them the few facts of another
service's stream that its rules need (the activities service: who still carries open cases). The database
needs the tables `consumer_checkpoints`, `applied_versions` and `parked_events` (`shared/consumer_migrations`).

What a consumer applies is a list of projections (`Projection`): each a read model with a name, a version,
the tables it owns and its handlers. Every source stream (a case, a recipient) is applied to every
projection in version order, each version once: `applied_versions` holds, per projection, the last one
applied of each stream. Projections move together; they part only when one was rebuilt (see reporting's
`rebuild`), which may leave it ahead of the others for some streams, and it is then passed over there.
- A crash before the commit leaves nothing applied; the batch is redelivered.
- A crash after it but before the acks: the redelivered events are at or below
  their stream's applied version and are passed over. No event counts twice.
- A consumer killed with messages in hand (delivered, never acked) gets them
  redelivered only after the ack wait, behind newer ones. An event whose stream
  is missing the version before it waits: it and the rest of its batch are
  nak'd with a delay until the missing one comes back. No event is lost.
  The ack wait is short (`HEMIAO_CONSUMER_ACK_WAIT_SECONDS`, 5 s), so that a
  copy that takes over from a dead one gets its messages within seconds; a
  live consumer says "in progress" of every message in hand (the batch being
  applied and the one fetched ahead) every half ack wait, so that a long batch
  is not redelivered under it.
The stream sequence checkpoint says how far the consumer has got, for
/metrics and rebuilds; it is not what decides whether an event is applied.

A batch is applied at once (`apply_events`): one read of `applied_versions` for all its streams (locked), the
decision per event (due, seen or early) made in memory, each projection's due events applied in order (runs of
consecutive events a projection has a batch handler for in one call, a few set-based statements), and one
upsert of `applied_versions` for every stream the batch moved. A projection reads and writes only its own
tables, so the projections may be applied one after the other. When a batch fails on the last delivery of one
of its events, it is applied again event by event (`apply_event`), each of those at its last delivery in a
savepoint, so that a failing event undoes only itself and is parked.

Fetching and applying overlap: while a batch is applied, the next is fetched (and decoded), one batch ahead and
no more, so the consumer waits on NATS and PostgreSQL at once rather than in turn. A batch is still applied
only once the one before it has committed and been acknowledged.

Only what is applied is decoded: an event's type comes from its headers, and the body (JSON, upcast, contract) is
read only for a type some projection of the consumer has a handler for. An event of any other type is tracked
from its headers alone (its stream's version moves, as for every event; `ReceivedEvent.payload` is None), so a
consumer that follows a few types of a busy stream does not pay for the rest. An event of such a type whose body
would not decode is therefore not parked (nothing would apply it), and a rebuild does not stop at it; one of a
type that is handled is parked, or stops a rebuild, as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import os
import time
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError

from shared import tracing
from shared.cancellation import stop_if_cancelled
from shared.config import stream_name
from shared.contracts import UnknownSchemaVersion, decode_event
from shared.election import leadership

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class ReceivedEvent:
    """An event as a consumer receives it from the stream.

    `payload` is the decoded contract for a type some projection of the consumer handles; for a type none of them
    handles it is None (the body is never read: only the headers, which give the stream, version and ids the
    consumer tracks for every event)."""

    type: str
    payload: Any
    stream_id: str
    version: int
    event_id: str
    stream_seq: int
    recorded_at: datetime
    actor: str


Projector = Callable[[asyncpg.Connection, ReceivedEvent], Awaitable[None]]
"""Applies one event to the rows it changes, inside the consumer's transaction."""

BatchProjector = Callable[[asyncpg.Connection, Sequence[ReceivedEvent]], Awaitable[None]]
"""Applies a run of events, in order, each due to its projection, with one statement per table: it must leave the
tables as the type's `Projector` applied to each in turn would (a batch of inserts of new rows, say)."""


@dataclass(frozen=True, kw_only=True)
class Projection:
    """A read model: the tables it owns and the handlers that fill them from events.

    Raise `version` whenever a change to the handlers changes what the tables would hold for past events:
    reporting then rebuilds the projection from the first event, beside the live tables, and swaps it in.
    """

    name: str
    version: int
    tables: tuple[str, ...]
    handlers: Mapping[str, Projector]
    batch_handlers: Mapping[str, BatchProjector] = field(default_factory=dict)
    """For some of the types in `handlers`, the same applied to a run of events at once, in their order (the types
    that share one batch handler are batched together). A run may be applied before events of other streams that
    came before its events, or after events of other streams that came after them (`steps`), so a batch handler
    must read and write only rows of its events' own streams, or rows that nothing but that batch handler writes
    (the activities' numbering, say), and no per-event handler may read what it writes for another stream. The
    per-event handler remains what a replay, or a batch that failed at its last delivery, uses."""


@dataclass
class ConsumerStats:
    """What /metrics and /readyz say of one consumer."""

    source: str
    state: str = "starting"
    applied: int = 0
    last_stream_seq: int = 0
    stream_last_seq: int = 0
    """The stream's own last sequence, as JetStream last said."""
    failures: int = 0
    parked: int = 0
    applied_at: datetime | None = None
    """When the consumer last committed a batch."""

    @property
    def lag_events(self) -> int:
        return max(self.stream_last_seq - self.last_stream_seq, 0)


def consumer_name(consumer: str, source: str) -> str:
    """The durable consumer's name (and its election's): `reporting_cases` is reporting's of the cases stream."""
    return f"{consumer}_{source}"


def lag_seconds(lag_events: int, applied_at: datetime | None, now: datetime) -> float:
    """How long events have been waiting: since the last batch applied, while any wait (0 when none does)."""
    return 0.0 if lag_events <= 0 or applied_at is None else max((now - applied_at).total_seconds(), 0.0)


def handled_types(projections: Sequence[Projection]) -> frozenset[str]:
    """The event types some of the projections apply: the only ones a consumer of them decodes."""
    return frozenset(name for projection in projections
                     for name in (*projection.handlers, *projection.batch_handlers))


def received(msg: Msg, handled: Collection[str] | None = None) -> ReceivedEvent:
    return received_from(msg.headers or {}, msg.data, msg.metadata.sequence.stream, handled)


def received_from(headers: Mapping[str, str], data: str | bytes, stream_seq: int,
                  handled: Collection[str] | None = None) -> ReceivedEvent:
    """The event a message (or a parked copy of one) carries, upcast from the schema version it was written at
    (the `hemiao-schema-version` header; 1 when absent, as before there were versions). A version this code does
    not know raises UnknownSchemaVersion: the live consumer parks the event naming it, a rebuild stops at it.

    With `handled` (the types the consumer's projections apply), an event of any other type is read from its
    headers alone, with no payload: its body is neither parsed nor upcast nor checked, so one that would not
    decode passes by like any other (nothing would apply it; it is not parked, and a rebuild does not stop at
    it). Its stream and version are still tracked, as for every event."""
    type_name = headers["hemiao-event-type"]
    payload = None
    if handled is None or type_name in handled:
        raw_version = headers.get("hemiao-schema-version", "1")
        try:
            schema_version = int(raw_version)
        except ValueError:
            raise UnknownSchemaVersion(f"{type_name} has schema version {raw_version!r}, which is not a version"
                                       " (versions are whole numbers from 1)") from None
        payload = decode_event(type_name, json.loads(data), schema_version)
    return ReceivedEvent(type=type_name, payload=payload,
                         stream_id=headers["hemiao-stream-id"], version=int(headers["hemiao-stream-version"]),
                         event_id=headers["Nats-Msg-Id"], stream_seq=stream_seq,
                         recorded_at=datetime.fromisoformat(headers["ce-time"]), actor=headers.get("hemiao-actor", ""))


APPLIED, SEEN, EARLY, PARKED = "applied", "seen", "early", "parked"
STREAM_INFO_SECONDS = 1.0
"""How often the consumer refreshes its stream's last sequence (the lag's other end) and its parked count."""
MAX_DELIVERIES = 3
"""A batch that fails is redelivered; on this delivery an event that still fails is parked instead."""
GAP_RETRY_SECONDS = 1.0
"""How long an event that came before its predecessor waits before it is offered again."""
ACK_WAIT_SECONDS = 5.0
"""How long JetStream waits for a delivered message's ack before it offers it again (to another copy, when the
one that had it died): `HEMIAO_CONSUMER_ACK_WAIT_SECONDS` changes it."""


def ack_wait_from_env() -> float:
    """`HEMIAO_CONSUMER_ACK_WAIT_SECONDS`, or ACK_WAIT_SECONDS when unset; at least one second."""
    raw = os.environ.get("HEMIAO_CONSUMER_ACK_WAIT_SECONDS", "").strip()
    if not raw:
        return ACK_WAIT_SECONDS
    try:
        seconds = float(raw)
    except ValueError:
        raise ValueError(f"HEMIAO_CONSUMER_ACK_WAIT_SECONDS must be a number of seconds, not {raw!r}") from None
    if seconds < 1.0:
        raise ValueError(f"HEMIAO_CONSUMER_ACK_WAIT_SECONDS must be at least 1 second, not {raw!r}")
    return seconds


def decoded(messages: Sequence[Msg], handled: Collection[str] | None = None) -> list[ReceivedEvent | None]:
    """Each message's event (decoded only for the `handled` types, see `received_from`), or None for one that does
    not decode (`received` raises its error again where it is applied, so that it is parked or named there, as
    before)."""
    events: list[ReceivedEvent | None] = []
    for msg in messages:
        try:
            events.append(received(msg, handled))
        except Exception:
            events.append(None)
    return events


@dataclass(frozen=True)
class Fetched:
    """A batch as fetched ahead: its messages and their events, decoded while the batch before was applied."""

    messages: list[Msg]
    events: list[ReceivedEvent | None]
    handled: Collection[str] | None = None
    """The types its events were decoded for (None: every type)."""

    def event(self, n: int) -> ReceivedEvent:
        event = self.events[n]
        return event if event is not None else received(self.messages[n], self.handled)


async def apply_event(conn: asyncpg.Connection, event: ReceivedEvent, projections: Sequence[Projection]) -> str:
    """Apply the event to each projection that has its stream at the version before it. APPLIED; SEEN when
    every projection already has it; EARLY when some projection has not had the version before it yet."""
    rows = await conn.fetch("SELECT projection, version FROM applied_versions WHERE stream_id = $1 FOR UPDATE",
                            event.stream_id)
    have = {r["projection"]: r["version"] for r in rows}
    due = []
    for projection in projections:
        applied_version = have.get(projection.name, 0)
        if event.version <= applied_version:
            continue
        if event.version != applied_version + 1:
            log.warning("stream %s: version %s came before %s (%s); waiting for it", event.stream_id,
                        event.version, applied_version + 1, projection.name)
            return EARLY
        due.append(projection)
    if not due:
        return SEEN
    for projection in due:
        handler = projection.handlers.get(event.type)
        if handler is not None:
            await handler(conn, event)
    await conn.execute(
        "INSERT INTO applied_versions (projection, stream_id, version) SELECT unnest($1::text[]), $2, $3"
        " ON CONFLICT (projection, stream_id) DO UPDATE SET version = excluded.version",
        [p.name for p in due], event.stream_id, event.version)
    return APPLIED


class HeldVersions:
    """The applied versions of some projections that move together, held in memory by the only writer of their
    streams' rows in `applied_versions` (a rebuild, in its own schema, whose table starts empty), rather than read
    and upserted with every batch: `apply_events` reads and moves them here, and `write` puts into the table what
    moved since it last wrote (the first time with COPY), which the holder must do before anything else reads the
    table. Each batch begins with `begin`; `undo` takes its move back when its transaction did not commit."""

    def __init__(self, projections: Sequence[str]) -> None:
        self.projections = tuple(projections)
        self._applied: dict[str, int] = {}
        """Every projection's version of each stream: in a rebuild they start together, at nothing, and move
        together (an event is due to all of them, or early for all)."""
        self._unwritten: set[str] = set()
        self._undo: dict[str, int | None] = {}
        self._wrote = False

    def begin(self) -> None:
        self._undo = {}

    def have(self, stream_ids: Sequence[str]) -> dict[tuple[str, str], int]:
        return {(name, stream_id): version for stream_id in stream_ids
                if (version := self._applied.get(stream_id)) is not None for name in self.projections}

    def move(self, moved: Mapping[tuple[str, str], int]) -> None:
        by_stream: dict[str, set[int]] = {}
        for (name, stream_id), version in moved.items():
            by_stream.setdefault(stream_id, set()).add(version)
            if name not in self.projections:
                raise ValueError(f"{name} is not one of the projections whose versions are held")
        for stream_id, versions in by_stream.items():
            if len(versions) != 1 or not all((name, stream_id) in moved for name in self.projections):
                raise ValueError(f"the projections whose versions are held parted on {stream_id}")
            self._undo.setdefault(stream_id, self._applied.get(stream_id))
            self._applied[stream_id] = versions.pop()
            self._unwritten.add(stream_id)

    def undo(self) -> None:
        for stream_id, version in self._undo.items():
            if version is None:
                self._applied.pop(stream_id, None)
            else:
                self._applied[stream_id] = version
        self._undo = {}

    async def write(self, conn: asyncpg.Connection, chunk: int = 100_000) -> int:
        """Put the versions moved since the last write into `applied_versions`; the rows written."""
        rows = [(name, stream_id, version) for stream_id in sorted(self._unwritten)
                if (version := self._applied.get(stream_id)) is not None for name in self.projections]
        if rows and not self._wrote:  # none of these streams has a row yet: the fastest way in
            await conn.copy_records_to_table("applied_versions", records=rows,
                                             columns=["projection", "stream_id", "version"])
        else:
            for start in range(0, len(rows), chunk):
                part = rows[start:start + chunk]
                await conn.execute(
                    "INSERT INTO applied_versions (projection, stream_id, version)"
                    " SELECT * FROM unnest($1::text[], $2::text[], $3::integer[])"
                    " ON CONFLICT (stream_id, projection) DO UPDATE SET version = excluded.version",
                    [r[0] for r in part], [r[1] for r in part], [r[2] for r in part])
        self._wrote = self._wrote or bool(rows)
        self._unwritten.clear()
        return len(rows)

    async def reload(self, conn: asyncpg.Connection, stream_ids: Sequence[str]) -> None:
        """Take the streams' versions from the table again (after events were applied there one by one, once
        `write` had put these in)."""
        for row in await conn.fetch(
                "SELECT stream_id, min(version) AS version FROM applied_versions WHERE stream_id = ANY($1::text[])"
                " AND projection = ANY($2::text[]) GROUP BY stream_id", sorted(set(stream_ids)),
                list(self.projections)):
            self._applied[row["stream_id"]] = row["version"]
            self._unwritten.discard(row["stream_id"])


async def apply_events(conn: asyncpg.Connection, events: Sequence[ReceivedEvent], projections: Sequence[Projection],
                       *, waiting: dict[str, dict[int, ReceivedEvent]] | None = None,
                       held: HeldVersions | None = None) -> list[str]:
    """Apply the events as `apply_event` would one after the other, in a few statements; the outcome of each.

    Without `waiting`, the outcomes stop before the first event that came EARLY: it and the events after it are
    not applied. With it (a rebuild), an early event is kept there and the list goes on (it says EARLY); it is
    applied as soon as the version before it is, in this batch or a later one. With `held` (a rebuild), the
    applied versions are read and moved there rather than in the table."""
    names = [p.name for p in projections]
    streams = sorted({e.stream_id for e in events})
    if held is not None:
        have = held.have(streams)
    else:
        rows = await conn.fetch(
            "SELECT projection, stream_id, version FROM applied_versions WHERE stream_id = ANY($1::text[])"
            " AND projection = ANY($2::text[]) ORDER BY stream_id, projection FOR UPDATE", streams, names)
        have = {(r["projection"], r["stream_id"]): r["version"] for r in rows}
    due: dict[str, list[ReceivedEvent]] = {name: [] for name in names}
    moved: dict[tuple[str, str], int] = {}

    def decide(event: ReceivedEvent) -> str:
        to = []
        for name in names:
            applied_version = have.get((name, event.stream_id), 0)
            if event.version <= applied_version:
                continue
            if event.version != applied_version + 1:
                log.warning("stream %s: version %s came before %s (%s); waiting for it", event.stream_id,
                            event.version, applied_version + 1, name)
                return EARLY
            to.append(name)
        for name in to:
            have[name, event.stream_id] = moved[name, event.stream_id] = event.version
            due[name].append(event)
        return APPLIED if to else SEEN

    outcomes = []
    for event in events:
        outcome = decide(event)
        if outcome == EARLY:
            if waiting is None:
                break
            waiting.setdefault(event.stream_id, {})[event.version] = event
        outcomes.append(outcome)
        later = event
        while outcome == APPLIED and waiting and (kept := waiting.get(later.stream_id)) \
                and (nxt := kept.pop(later.version + 1, None)) is not None:
            if not kept:
                del waiting[later.stream_id]
            later, outcome = nxt, decide(nxt)
            if outcome == EARLY:  # another projection still lacks an earlier version: it waits on
                waiting.setdefault(later.stream_id, {})[later.version] = later
    for projection in projections:
        await _apply_in_runs(conn, projection, due[projection.name])
    if held is not None:
        held.move(moved)
    elif moved:
        await conn.execute(
            "INSERT INTO applied_versions (projection, stream_id, version)"
            " SELECT * FROM unnest($1::text[], $2::text[], $3::integer[])"
            " ON CONFLICT (stream_id, projection) DO UPDATE SET version = excluded.version",
            [p for p, _ in moved], [s for _, s in moved], list(moved.values()))
    return outcomes


async def _apply_in_runs(conn: asyncpg.Connection, projection: Projection, events: Sequence[ReceivedEvent]) -> None:
    """The projection's due events: each batch handler's events in as few calls as their streams' order allows
    (`steps`), the others one by one."""
    for step in steps(projection, events):
        if step.batch is not None:
            await step.batch(conn, step.events)
        else:
            assert step.one is not None
            await step.one(conn, step.events[0])


@dataclass
class Step:
    """One call that applies events to a projection: a batch handler's with its run, or a per-event handler's."""

    events: list[ReceivedEvent]
    batch: BatchProjector | None = None
    one: Projector | None = None


def steps(projection: Projection, events: Sequence[ReceivedEvent]) -> list[Step]:
    """The calls that apply a projection's due events, in the order to make them: each event of a type without a
    batch handler on its own, the others in runs of one batch handler.

    An event of a batch handler joins the latest run of that handler unless an event of its own stream lies in a
    later step (then it starts a new run at the end). So it may be applied before events of other streams that came
    before it, never before an earlier event of its own stream, nor before an earlier event of its batch handler. In
    a batch that interleaves many streams (a rebuild, a backlog) each batch handler is then called a few times,
    rather than once for every stretch between two events of other types. That equals applying the events one by
    one because of what a batch handler may do (`Projection.batch_handlers`)."""
    made: list[Step] = []
    latest_run: dict[int, int] = {}
    """The index in `made` of each batch handler's latest run, by the handler's id()."""
    latest_of_stream: dict[str, int] = {}
    """The index in `made` of the step that holds each stream's latest event so far."""
    for event in events:
        many = projection.batch_handlers.get(event.type)
        if many is not None:
            at = latest_run.get(id(many), -1)
            if at < 0 or at < latest_of_stream.get(event.stream_id, -1):
                at = latest_run[id(many)] = len(made)
                made.append(Step(events=[], batch=many))
            made[at].events.append(event)
        else:
            one = projection.handlers.get(event.type)
            if one is None:
                continue  # nothing to do here: it holds no run back
            at = len(made)
            made.append(Step(events=[event], one=one))
        latest_of_stream[event.stream_id] = at
    return made


async def adopt_unversioned(conn: asyncpg.Connection, projections: Sequence[Projection]) -> int:
    """Rows of `applied_versions` from before projections were tracked apart (projection '') become a row for
    each projection, at the same version; returns how many streams were adopted. Once per process, before its
    consumers start (and by a rebuild)."""
    async with conn.transaction():
        await conn.execute("LOCK TABLE applied_versions IN SHARE ROW EXCLUSIVE MODE")
        await conn.execute(
            "INSERT INTO applied_versions (projection, stream_id, version) SELECT p, stream_id, version"
            " FROM applied_versions, unnest($1::text[]) AS p WHERE projection = '' ON CONFLICT DO NOTHING",
            [p.name for p in projections])
        adopted: str = await conn.execute("DELETE FROM applied_versions WHERE projection = ''")
    return int(adopted.split()[-1])


class StreamConsumer:
    """Applies one source stream to the read models, as the only active consumer of it."""

    fetch_ahead = True
    """Fetch the next batch while one is applied (the bench turns it off to measure what it gains)."""

    def __init__(self, pool: asyncpg.Pool, dsn: str, js: JetStreamContext, *, namespace: str, source: str,
                 projections: Sequence[Projection], batch_size: int = 256, poll_seconds: float = 1.0,
                 ack_wait_seconds: float | None = None, consumer: str = "reporting") -> None:
        self._pool = pool
        self._dsn = dsn
        self._js = js
        self._namespace = namespace
        self._projections = tuple(projections)
        self._handled = handled_types(self._projections)
        """The types the projections apply: the only ones decoded (`received_from`)."""
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.ack_wait_seconds = ack_wait_from_env() if ack_wait_seconds is None else ack_wait_seconds
        self.name = consumer_name(consumer, source)
        self.stats = ConsumerStats(source=source)
        self._decoded: dict[int, ReceivedEvent | None] = {}
        """The events of the messages in hand, decoded as they were fetched, by the message's id()."""
        self._in_hand: list[list[Msg]] = []
        """The batches delivered and not yet answered (acked or nak'd): the one being applied, the one fetched
        ahead. Each is said to be in progress every half ack wait."""

    def _fetch_size(self, pending: int | None) -> int:
        """As many as are waiting, up to a batch, so that a fetch does not wait out its timeout for a batch the
        stream cannot fill; one (the next to come) when none is. (A JetStream fetch returns once it has its batch
        or its time is up.) `pending`: how many were still to come after the last batch fetched (its last
        message says so), None when not known."""
        return self.batch_size if pending is None else max(1, min(self.batch_size, pending))

    async def _fetch(self, subscription: JetStreamContext.PullSubscription, size: int) -> Fetched:
        messages = await subscription.fetch(size, timeout=self.poll_seconds)
        if not messages:  # a pull the server ended with a status (a 408 as it expired) gives none: a timeout
            raise TimeoutError("the fetch returned no messages")
        self._in_hand.append(messages)
        batch = Fetched(messages, decoded(messages, self._handled), self._handled)
        self._decoded.update((id(msg), event) for msg, event in zip(messages, batch.events, strict=True))
        return batch

    def _event(self, msg: Msg) -> ReceivedEvent:
        """The message's event, as decoded when it was fetched (or now)."""
        event = self._decoded.get(id(msg))
        return event if event is not None else received(msg, self._handled)

    async def _say_in_progress(self) -> None:
        """Every half ack wait, tell JetStream that the messages in hand are still being worked on."""
        while True:
            await asyncio.sleep(self.ack_wait_seconds / 2)
            for batch in list(self._in_hand):
                for msg in batch:
                    with contextlib.suppress(Exception):
                        await msg.in_progress()

    async def _durable_config(self, stream: str) -> ConsumerConfig:
        """The durable consumer's settings; an existing one whose ack wait differs is updated to this one (never
        deleted: it keeps its position)."""
        config = ConsumerConfig(ack_policy=AckPolicy.EXPLICIT, deliver_policy=DeliverPolicy.ALL,
                                ack_wait=self.ack_wait_seconds, max_ack_pending=self.batch_size * 4)
        try:
            info = await self._js.consumer_info(stream, self.name)
        except NotFoundError:
            return config
        if info.config.ack_wait is None or abs(info.config.ack_wait - self.ack_wait_seconds) > 1e-3:
            log.info("consumer %s: ack wait %s s becomes %s s", self.name, info.config.ack_wait,
                     self.ack_wait_seconds)
            await self._js.add_consumer(stream, config=dataclasses.replace(info.config,
                                                                           ack_wait=self.ack_wait_seconds))
        return config

    async def run(self) -> None:
        while True:
            try:
                await self._run_as_leader()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                stop_if_cancelled()
                self.stats.state = "recovering"
                self.stats.failures += 1
                log.warning("consumer %s: %r; starting again", self.name, error)
                await asyncio.sleep(1.0)

    async def _run_as_leader(self) -> None:
        def standing_by() -> None:
            self.stats.state = "standby"

        async with leadership(self._dsn, self.name, self.poll_seconds, standing_by):
            await self._pool.execute("INSERT INTO consumer_checkpoints (consumer) VALUES ($1)"
                                     " ON CONFLICT DO NOTHING", self.name)
            checkpoint = await self._pool.fetchrow(
                "SELECT stream_seq, last_event_at FROM consumer_checkpoints WHERE consumer = $1", self.name)
            self.stats.last_stream_seq, self.stats.applied_at = checkpoint["stream_seq"], checkpoint["last_event_at"]
            stream = stream_name(self._namespace, self.stats.source)
            if await self._projection_added():
                await self._start_from_the_first_event(stream)
            subscription = await self._js.pull_subscribe(
                f"{self._namespace}.events.{self.stats.source}.>", durable=self.name, stream=stream,
                config=await self._durable_config(stream))
            self.stats.state = "active"
            looked = -STREAM_INFO_SECONDS
            ahead: asyncio.Future[Fetched] | None = None
            """The next batch, fetched while this one is applied."""
            heartbeat = asyncio.create_task(self._say_in_progress())
            try:
                while True:
                    stop_if_cancelled()  # a cancellation a library call swallowed still stops the loop
                    if time.monotonic() - looked >= STREAM_INFO_SECONDS:  # for /metrics, not on every batch
                        self.stats.stream_last_seq = (await self._js.stream_info(stream)).state.last_seq
                        self.stats.parked = await self._pool.fetchval(  # a replay elsewhere may have emptied it
                            "SELECT count(*) FROM parked_events WHERE consumer = $1", self.name)
                        looked = time.monotonic()
                    if ahead is None:
                        ahead = asyncio.ensure_future(self._fetch(subscription, self._fetch_size(None)))
                    try:
                        batch = await ahead
                    except TimeoutError:
                        ahead = None
                        stop_if_cancelled()
                        continue
                    ahead = asyncio.ensure_future(self._fetch(
                        subscription, self._fetch_size(batch.messages[-1].metadata.num_pending)))
                    if not self.fetch_ahead:
                        await asyncio.wait([ahead])
                    await self._apply_batch(batch.messages)  # events after an early one wait in theirs, and come again
            finally:
                heartbeat.cancel()
                with contextlib.suppress(BaseException):
                    await self._put_back(ahead)
                self._in_hand.clear()
                self._decoded.clear()
                with contextlib.suppress(Exception):
                    await asyncio.shield(subscription.unsubscribe())

    async def _put_back(self, ahead: asyncio.Future[Fetched] | None) -> None:
        """The batch fetched ahead, not applied: nak'd, so it comes again. A fetch still under way is let finish
        (within its poll) rather than stopped: its pull request would outlive it on the server and take messages
        that would then wait out the ack wait."""
        if ahead is None:
            return
        with contextlib.suppress(BaseException):
            await asyncio.wait_for(asyncio.shield(ahead), self.poll_seconds + 1.0)
        if not ahead.done():
            ahead.cancel()
            await asyncio.gather(ahead, return_exceptions=True)
            return
        if ahead.cancelled() or ahead.exception() is not None:
            return
        batch = ahead.result()
        for msg in batch.messages:
            with contextlib.suppress(Exception):
                await msg.nak()
        self._forget(batch.messages)

    def _forget(self, messages: list[Msg]) -> None:
        self._in_hand = [held for held in self._in_hand if held is not messages]
        for msg in messages:
            self._decoded.pop(id(msg), None)

    async def _projection_added(self) -> bool:
        """Whether a projection joined this consumer after it had applied events: the others have streams in
        `applied_versions` and it has none. (Every event applied writes a row for every projection, and
        reporting sets a projection it adds in step with the others, to rebuild it; a write service's followed
        projections have no rebuild.)"""
        names = [p.name for p in self._projections]
        have = await self._pool.fetch(
            "SELECT name FROM unnest($1::text[]) AS name WHERE EXISTS"
            " (SELECT 1 FROM applied_versions WHERE projection = name)", names)
        return 0 < len(have) < len(names)

    async def _start_from_the_first_event(self, stream: str) -> None:
        """Make the durable consumer again from the stream's first event: the new projection is filled from
        every event, and the others pass over what they have (each stream's applied version says so). Without
        it the new projection would wait for version 1 of every stream the others are past, and hold them."""
        log.warning("consumer %s: a projection was added; reading the stream again from its first event", self.name)
        with contextlib.suppress(NotFoundError):
            await self._js.delete_consumer(stream, self.name)

    async def _apply_batch(self, messages: list[Msg]) -> None:
        """Apply, commit and answer the batch (acks up to an early event, a delayed nak from it on)."""
        try:
            with tracing.applying(self.name, messages):  # a span per traced event, child of its publication
                applied, checkpoint, done = await self._commit(messages)
        except BaseException:
            for msg in messages:
                with contextlib.suppress(Exception):
                    await msg.nak()
            self._forget(messages)
            raise
        await self._acknowledge(messages[:done])
        for msg in messages[done:]:  # from an event that came early on: offered again, in order, a little later
            await msg.nak(delay=GAP_RETRY_SECONDS)
        self._forget(messages)
        self.stats.applied += applied
        self.stats.applied_at = datetime.now(UTC)
        self.stats.last_stream_seq = checkpoint
        self.stats.stream_last_seq = max(self.stats.stream_last_seq, checkpoint)  # never behind what was applied

    async def _commit(self, messages: list[Msg]) -> tuple[int, int, int]:
        """Apply the batch up to an event that came early, in one transaction; (applied, checkpoint, done)."""
        async with self._pool.acquire() as conn, conn.transaction():
            checkpoint: int = await conn.fetchval(
                "SELECT stream_seq FROM consumer_checkpoints WHERE consumer = $1 FOR UPDATE", self.name)
            if not any(m.metadata.num_delivered >= MAX_DELIVERIES for m in messages):
                applied, done = await self._apply_together(conn, messages)  # a failure undoes the batch
            else:
                try:
                    async with conn.transaction():  # a savepoint: undone, the batch is applied event by event
                        applied, done = await self._apply_together(conn, messages)
                except Exception as error:
                    stop_if_cancelled()
                    log.warning("consumer %s: a batch of %d at its last delivery failed (%r); applying it event by"
                                " event", self.name, len(messages), error)
                    applied, done = await self._apply_each(conn, messages)
            checkpoint = max([checkpoint, *(m.metadata.sequence.stream for m in messages[:done])])
            await conn.execute(
                "UPDATE consumer_checkpoints SET stream_seq = $2, applied = applied + $3, updated_at = now(),"
                " last_event_at = $4 WHERE consumer = $1", self.name, checkpoint, applied, datetime.now(UTC))
        return applied, checkpoint, done

    async def _apply_together(self, conn: asyncpg.Connection, messages: list[Msg]) -> tuple[int, int]:
        """The batch applied at once (`apply_events`), up to an event that came early; events of a stream with a
        parked one are parked behind it. (applied, done)."""
        heads = [_stream_and_version(m) for m in messages]
        blocked: dict[str, int] = {} if not self.stats.parked else dict(await conn.fetch(  # nothing parked: no read
            "SELECT stream_id, min(version) FROM parked_events WHERE consumer = $1 AND stream_id = ANY($2::text[])"
            " GROUP BY stream_id", self.name, sorted({stream_id for stream_id, _ in heads})))
        held = {n for n, (stream_id, version) in enumerate(heads)
                if stream_id in blocked and version > blocked[stream_id]}
        rest = [n for n in range(len(messages)) if n not in held]
        outcomes = await apply_events(conn, [self._event(messages[n]) for n in rest], self._projections)
        done = rest[len(outcomes)] if len(outcomes) < len(rest) else len(messages)
        for n in sorted(held):
            if n < done:
                stream_id, version = heads[n]
                await self._park(conn, messages[n], stream_id, version,
                                 f"held behind version {blocked[stream_id]}, which is parked")
        return outcomes.count(APPLIED), done

    async def _apply_each(self, conn: asyncpg.Connection, messages: list[Msg]) -> tuple[int, int]:
        """The batch applied event by event, up to an event that came early; (applied, done)."""
        applied = done = 0
        for msg in messages:
            stop_if_cancelled()
            outcome = await self._apply_or_park(conn, msg)
            if outcome == EARLY:
                break
            applied += outcome == APPLIED
            done += 1
        return applied, done

    async def _apply_or_park(self, conn: asyncpg.Connection, msg: Msg) -> str:
        """Apply the message's event; an event its projections still fail on at the last delivery is parked,
        and so is every later event of a stream with a parked one (the stream's order holds)."""
        stream_id, version = _stream_and_version(msg)
        blocked = None if not self.stats.parked else await conn.fetchval(  # nothing parked: no lookup per event
            "SELECT min(version) FROM parked_events WHERE consumer = $1 AND stream_id = $2", self.name, stream_id)
        if blocked is not None and version > blocked:
            await self._park(conn, msg, stream_id, version, f"held behind version {blocked}, which is parked")
            return PARKED
        if msg.metadata.num_delivered < MAX_DELIVERIES:  # a failure undoes the batch, which comes again
            return await apply_event(conn, received(msg, self._handled), self._projections)
        try:
            async with conn.transaction():  # the last delivery: a savepoint, so a failing event undoes only itself
                return await apply_event(conn, received(msg, self._handled), self._projections)
        except Exception as error:
            stop_if_cancelled()
            log.error("consumer %s: parking %s version %s after %s deliveries: %r", self.name, stream_id, version,
                      msg.metadata.num_delivered, error)
            await self._park(conn, msg, stream_id, version, repr(error))
            return PARKED

    async def _park(self, conn: asyncpg.Connection, msg: Msg, stream_id: str, version: int, error: str) -> None:
        headers = dict(msg.headers or {})
        await conn.execute(
            "INSERT INTO parked_events (consumer, stream_id, version, stream_seq, event_id, type, headers, data,"
            " error) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9) ON CONFLICT DO NOTHING", self.name,
            stream_id, version, msg.metadata.sequence.stream, headers.get("Nats-Msg-Id", ""),
            headers.get("hemiao-event-type", "?"), json.dumps(headers), msg.data.decode(errors="replace"), error)
        self.stats.parked += 1

    async def _acknowledge(self, messages: list[Msg]) -> None:
        for msg in messages:
            await msg.ack()


def _stream_and_version(msg: Msg) -> tuple[str, int]:
    headers = msg.headers or {}
    return headers.get("hemiao-stream-id", "?"), int(headers.get("hemiao-stream-version", "0"))


async def replay_parked(pool: asyncpg.Pool, consumer: str, projections: Sequence[Projection]) -> tuple[int, int]:
    """Apply the parked events again, each stream in version order, once the projection is fixed: an event that
    applies leaves the table; at the first that still fails its stream stops (its error updated) and the later
    ones stay parked. Returns (applied, still parked)."""
    applied = 0
    handled = handled_types(projections)
    async with pool.acquire() as conn:
        streams = [r["stream_id"] for r in await conn.fetch(
            "SELECT DISTINCT stream_id FROM parked_events WHERE consumer = $1 ORDER BY stream_id", consumer)]
        for stream_id in streams:
            for row in await conn.fetch("SELECT * FROM parked_events WHERE consumer = $1 AND stream_id = $2"
                                        " ORDER BY version", consumer, stream_id):
                try:
                    async with conn.transaction():
                        event = received_from(json.loads(row["headers"]), row["data"], row["stream_seq"], handled)
                        if await apply_event(conn, event, projections) == EARLY:
                            raise RuntimeError(f"version {event.version - 1} of {stream_id} is missing")
                        await conn.execute("DELETE FROM parked_events WHERE consumer = $1 AND stream_id = $2"
                                           " AND version = $3", consumer, stream_id, row["version"])
                        await conn.execute("UPDATE consumer_checkpoints SET applied = applied + 1 WHERE consumer = $1",
                                           consumer)
                    applied += 1
                except Exception as error:
                    await conn.execute("UPDATE parked_events SET error = $4 WHERE consumer = $1 AND stream_id = $2"
                                       " AND version = $3", consumer, stream_id, row["version"], repr(error))
                    break
        left = await conn.fetchval("SELECT count(*) FROM parked_events WHERE consumer = $1", consumer)
    return applied, int(left)
