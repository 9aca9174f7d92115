"""Rebuilding read models from the first event, beside the live ones, and swapping them in.

A rebuild of some projections (all, by default):
1. takes the rebuild lock (one rebuild at a time, across processes), drops what an earlier, interrupted
   rebuild left, and creates every read-model table afresh in the schema `reporting_rebuild` by running
   reporting's own migrations there;
2. replays each source stream from its first event, through an ephemeral JetStream consumer, into those
   tables, applying only the chosen projections, in batches larger than the live consumers' with the same
   `apply_events` they use (a batch that fails is applied again event by event, to name the event);
3. swaps, in one transaction: it locks the live consumers' checkpoints (they wait, queries do not), catches
   the rebuild up to at least where the live consumers are, moves the live tables out and the rebuilt ones
   in, recreates the views over them, and takes over the projections' applied versions. A rebuilt
   projection may then be ahead of the live consumer for some streams: it passes over what it already has.

Until the swap commits, queries read the live tables, which the live consumers keep current. A rebuild
that fails or is interrupted leaves them as they were; the next one starts by clearing its schema.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from shared import pg
from shared.config import stream_name
from shared.consumer import (
    APPLIED,
    EARLY,
    Fetched,
    HeldVersions,
    Projection,
    ReceivedEvent,
    adopt_unversioned,
    apply_event,
    apply_events,
    consumer_name,
    decoded,
    handled_types,
    received,
)
from shared.contracts.errors import DomainError, Message

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
CONSUMER = "reporting"
"""The live consumers' prefix (StreamConsumer's default): `reporting_cases`, `reporting_activities`."""
REBUILD_SCHEMA = "reporting_rebuild"
RETIRED_SCHEMA = "reporting_retired"
REBUILD_LOCK = 72_0042
BATCH = 2000
SWAP_LOCK_TIMEOUT = "500ms"
"""How long the swap waits for the tables before it lets go and tries again; queries wait behind it meanwhile.
Shorter than PostgreSQL's deadlock_timeout (1 s): a query that holds one table and waits for another the swap
holds is never the one the deadlock detector aborts, as the swap lets go first."""
SWAP_ATTEMPTS = 30
READ_INACTIVE_SECONDS = 86_400.0
"""The ephemeral consumers are deleted when the rebuild ends; this only bounds one a killed rebuild leaves. It is
long because a reader that has finished waits, idle, for the other stream's (a district's cases may take hours)."""


class RebuildRefused(DomainError):
    code = "rebuild_refused"


class RebuildFailed(Exception):
    """An event the rebuilt projections could not apply, or a swap that could not be made; nothing changed."""


@dataclass
class RebuildProgress:
    """How far a rebuild has got: for the command's progress bar, the logs and `systemStatus`."""

    projections: tuple[str, ...]
    total: int = 0
    """Events in the source streams when the rebuild started."""
    done: int = 0
    phase: str = "preparing"
    started: float = field(default_factory=time.monotonic)
    locked_seconds: float = 0.0
    """How long the swap that committed held the live consumers (and, at its end, the tables)."""

    @property
    def events_per_second(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    @property
    def seconds_left(self) -> float | None:
        rate = self.events_per_second
        return max(self.total - self.done, 0) / rate if rate > 0 else None


@dataclass(frozen=True)
class RebuildOutcome:
    projections: tuple[str, ...]
    events: int
    seconds: float
    swap_attempts: int
    locked_seconds: float


def choose(projections: Sequence[Projection], names: Sequence[str]) -> list[Projection]:
    """The projections named (all when none is), or a refusal naming the unknown ones and the known."""
    known = {p.name: p for p in projections}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise RebuildRefused(Message(zh=f"没有这个读模型: {', '.join(unknown)}; 可以重建: {', '.join(known)}",
                                     en=f"No such projection: {', '.join(unknown)}; the projections are:"
                                        f" {', '.join(known)}"), field="projections", code="unknown_projection")
    return [p for p in projections if not names or p.name in names]


class SourceReader:
    """One source stream read from its first event, applied to the chosen projections in the rebuild schema."""

    fetch_ahead = True
    """Fetch the next batch while one is applied (the bench turns it off to measure what it gains)."""

    def __init__(self, js: JetStreamContext, namespace: str, source: str, chosen: Sequence[Projection]) -> None:
        self.js = js
        self.namespace = namespace
        self.source = source
        self.chosen = tuple(chosen)
        self.handled = handled_types(self.chosen)
        """The types the chosen projections apply: the only ones decoded (`shared.consumer.received_from`)."""
        self.position = 0
        """The last stream sequence applied (and committed)."""
        self.waiting: dict[str, dict[int, ReceivedEvent]] = {}
        """Events that came before their stream's previous version, by stream and version."""
        self.held = HeldVersions([p.name for p in self.chosen])
        """The applied versions of the streams read, written to the rebuild's table only before the swap reads it
        (`write_versions`), and before a batch is applied again event by event."""
        self._subscription: JetStreamContext.PullSubscription | None = None

    @property
    def stream(self) -> str:
        return stream_name(self.namespace, self.source)

    async def last_seq(self) -> int:
        return int((await self.js.stream_info(self.stream)).state.last_seq)

    async def open(self) -> None:
        self._subscription = await self.js.pull_subscribe(
            f"{self.namespace}.events.{self.source}.>", stream=self.stream,
            config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL, ack_policy=AckPolicy.NONE,
                                  inactive_threshold=READ_INACTIVE_SECONDS))

    async def close(self) -> None:
        if self._subscription is not None:
            with contextlib.suppress(Exception):
                consumer = (await self._subscription.consumer_info()).name
                await self._subscription.unsubscribe()
                await self.js.delete_consumer(self.stream, consumer)

    async def read_to(self, conn: asyncpg.Connection, target: int, progress: RebuildProgress) -> None:
        """Apply every event up to stream sequence `target` (or the stream's end, if it has fewer). The next
        batch is fetched and decoded while one is applied (one ahead, no more), and only while there is more
        before `target`, so that nothing is fetched past it."""
        assert self._subscription is not None
        subscription = self._subscription
        pending = target - self.position  # at most: some sequence numbers may be gone (deleted messages)

        async def fetch(size: int) -> Fetched:
            messages = await subscription.fetch(size, timeout=1.0)
            if not messages:  # a pull the server ended with a status (a 408 as it expired) gives none: a timeout
                raise TimeoutError("the fetch returned no messages")
            return Fetched(messages, decoded(messages, self.handled), self.handled)

        ahead: asyncio.Future[Fetched] | None = None
        try:
            while self.position < target:
                if ahead is None:  # no more than there are, or the fetch waits out its timeout for a batch it
                    ahead = asyncio.ensure_future(fetch(max(1, min(BATCH, pending, target - self.position))))
                try:  # cannot fill
                    batch = await ahead
                except TimeoutError:
                    ahead = None
                    if (await subscription.consumer_info()).num_pending == 0:
                        return  # the rest of the sequence numbers are gone (deleted messages): nothing to read
                    continue
                ahead = None
                last = batch.messages[-1].metadata
                pending = last.num_pending
                if last.sequence.stream < target and pending > 0:
                    ahead = asyncio.ensure_future(fetch(max(1, min(BATCH, pending, target - last.sequence.stream))))
                    if not self.fetch_ahead:
                        await asyncio.wait([ahead])
                await self._apply(conn, batch)
                progress.done += len(batch.messages)
        finally:
            if ahead is not None:  # only when this fails or is cancelled: the rebuild ends
                ahead.cancel()
                await asyncio.gather(ahead, return_exceptions=True)

    def reached(self, target: int) -> None:
        """Refuse to swap in a projection behind what the live consumer applied: it would miss events."""
        if self.position < target:
            raise RebuildFailed(f"the {self.source} stream could be read only to sequence {self.position}, and the"
                                f" live read models have {target}; the live read models are unchanged")
        if self.waiting:
            missing = [f"{stream} before version {min(versions)}" for stream, versions in self.waiting.items()]
            raise RebuildFailed(f"events are missing from the {self.source} stream: {', '.join(missing)};"
                                " the live read models are unchanged")

    async def write_versions(self, conn: asyncpg.Connection) -> None:
        """The applied versions of what was read so far, into the rebuild's `applied_versions` (for the swap)."""
        await self.held.write(conn)

    async def _apply(self, conn: asyncpg.Connection, batch: Fetched) -> None:
        messages = batch.messages
        kept = {stream_id: dict(versions) for stream_id, versions in self.waiting.items()}
        self.held.begin()
        try:
            async with conn.transaction():
                await apply_events(conn, [batch.event(n) for n in range(len(messages))], self.chosen,
                                   waiting=self.waiting, held=self.held)
        except Exception as error:
            self.waiting = kept
            self.held.undo()
            log.warning("rebuild: a batch of %d from %s failed (%r); applying it event by event", len(messages),
                        self.source, error)
            await self.held.write(conn)  # what apply_event reads
            await self._apply_each(conn, messages)
            await self.held.reload(conn, [(m.headers or {}).get("hemiao-stream-id", "") for m in messages])
        self.position = messages[-1].metadata.sequence.stream

    async def _apply_each(self, conn: asyncpg.Connection, messages: list[Msg]) -> None:
        """The batch again, event by event: an event that fails is named."""
        async with conn.transaction():
            for msg in messages:
                try:
                    event = received(msg, self.handled)
                    outcome = await apply_event(conn, event, self.chosen)
                    if outcome == EARLY:
                        self.waiting.setdefault(event.stream_id, {})[event.version] = event
                    while outcome == APPLIED and (later := self.waiting.get(event.stream_id, {}).pop(
                            event.version + 1, None)) is not None:
                        if not self.waiting[event.stream_id]:
                            del self.waiting[event.stream_id]
                        event = later
                        outcome = await apply_event(conn, event, self.chosen)
                except Exception as error:
                    headers = msg.headers or {}
                    raise RebuildFailed(
                        f"{headers.get('hemiao-event-type')} (stream {headers.get('hemiao-stream-id')}, version"
                        f" {headers.get('hemiao-stream-version')}, stream sequence {msg.metadata.sequence.stream})"
                        f" could not be applied: {error!r}. The live read models are unchanged.") from error


async def rebuild(dsn: str, js: JetStreamContext, namespace: str, sources: Sequence[str],
                  projections: Sequence[Projection], chosen: Sequence[Projection],
                  on_progress: Callable[[RebuildProgress], None] | None = None) -> RebuildOutcome:
    """Rebuild the chosen projections from the first event and swap them in; see the module's docstring.
    `projections` are all of reporting's (the parked events' bookkeeping needs them all)."""
    progress = RebuildProgress(projections=tuple(p.name for p in chosen))
    control = await asyncpg.connect(dsn)
    connections: list[asyncpg.Connection] = []
    readers = [SourceReader(js, namespace, source, chosen) for source in sources]
    reporter = asyncio.create_task(_report(progress, on_progress)) if on_progress else None

    def enter(phase: str) -> None:
        progress.phase = phase
        if on_progress is not None:
            on_progress(progress)

    locked = False
    try:
        locked = await control.fetchval("SELECT pg_try_advisory_lock($1)", REBUILD_LOCK)
        if not locked:
            raise RebuildRefused(Message(zh="另一次重建正在进行，请等它结束",
                                         en="Another rebuild is running; wait for it"), code="rebuild_running")
        await adopt_unversioned(control, projections)
        await _prepare(control)
        for reader in readers:
            connections.append(await asyncpg.connect(dsn, server_settings={"search_path": REBUILD_SCHEMA}))
            await reader.open()
        targets = [await reader.last_seq() for reader in readers]
        progress.total = sum(targets)
        enter("replaying")
        await _together([reader.read_to(conn, target, progress)
                         for reader, conn, target in zip(readers, connections, targets, strict=True)])
        enter("swapping")
        for attempt in range(1, SWAP_ATTEMPTS + 1):
            if await _swap(control, readers, connections, projections, chosen, progress):
                enter("done")
                return RebuildOutcome(projections=progress.projections, events=progress.done,
                                      seconds=time.monotonic() - progress.started, swap_attempts=attempt,
                                      locked_seconds=progress.locked_seconds)
            log.info("rebuild: the swap waited too long for a lock; trying again (%d of %d)", attempt, SWAP_ATTEMPTS)
        raise RebuildFailed(f"the swap could not take its locks in {SWAP_ATTEMPTS} attempts;"
                            " the live read models are unchanged")
    finally:  # each step below runs even when one before it fails or is cancelled
        if reporter is not None:
            reporter.cancel()
        try:
            for reader in readers:
                with contextlib.suppress(Exception):
                    await reader.close()
        finally:
            await pg.close_all(connections)
            try:
                if locked:  # leave nothing behind (what an interrupted one leaves is cleared by the next)
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(control.execute(f"DROP SCHEMA IF EXISTS {REBUILD_SCHEMA} CASCADE"),
                                               10)
            finally:
                await pg.close(control)  # the rebuild lock goes with the session


async def _together(steps: list[Awaitable[None]]) -> None:
    """Run the steps at once; when one fails (or this is cancelled) the others are stopped before this ends."""
    tasks = [asyncio.ensure_future(step) for step in steps]
    try:
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _report(progress: RebuildProgress, on_progress: Callable[[RebuildProgress], None]) -> None:
    while True:
        on_progress(progress)
        await asyncio.sleep(0.25)


async def _prepare(conn: asyncpg.Connection) -> None:
    """A fresh, empty copy of every read-model table, made by reporting's own migrations, in REBUILD_SCHEMA."""
    await conn.execute(f"DROP SCHEMA IF EXISTS {REBUILD_SCHEMA} CASCADE; DROP SCHEMA IF EXISTS {RETIRED_SCHEMA}"
                       f" CASCADE; CREATE SCHEMA {REBUILD_SCHEMA}")
    async with conn.transaction():
        await conn.execute(f"SET LOCAL search_path = {REBUILD_SCHEMA}")
        for path in sorted(MIGRATIONS.glob("*.sql")):
            await conn.execute(path.read_text())


VIEWS_OVER = """
SELECT DISTINCT v.relname AS name, pg_get_viewdef(v.oid) AS definition
  FROM pg_depend d
  JOIN pg_rewrite r ON r.oid = d.objid
  JOIN pg_class v ON v.oid = r.ev_class AND v.relkind = 'v'
  JOIN pg_class t ON t.oid = d.refobjid
  JOIN pg_namespace n ON n.oid = t.relnamespace
 WHERE n.nspname = 'public' AND t.relname = ANY($1::text[]) AND v.oid <> t.oid
"""


async def _swap(conn: asyncpg.Connection, readers: Sequence[SourceReader], connections: Sequence[asyncpg.Connection],
                projections: Sequence[Projection], chosen: Sequence[Projection], progress: RebuildProgress) -> bool:
    """Catch up with the live consumers while they wait, and swap the tables in; False if a lock took too long."""
    tables = [table for p in chosen for table in p.tables]
    names = [p.name for p in chosen]
    for reader, work in zip(readers, connections, strict=True):  # close to the end before anyone has to wait
        await reader.read_to(work, await reader.last_seq(), progress)
        await reader.write_versions(work)  # the bulk of them, before anyone waits
    for table in tables:  # statistics for the planner, before queries meet the new tables
        await connections[0].execute(f'ANALYZE "{table}"')
    views = await conn.fetch(VIEWS_OVER, tables)
    locked = time.monotonic()
    try:
        async with conn.transaction():
            await conn.execute(f"SET LOCAL lock_timeout = '{SWAP_LOCK_TIMEOUT}'")
            live = dict(await conn.fetch(
                "SELECT consumer, stream_seq FROM public.consumer_checkpoints WHERE consumer = ANY($1::text[])"
                " FOR UPDATE", [consumer_name(CONSUMER, r.source) for r in readers]))
            for reader, work in zip(readers, connections, strict=True):
                applied_live = live.get(consumer_name(CONSUMER, reader.source), 0)
                await reader.read_to(work, applied_live, progress)
                reader.reached(applied_live)
                await reader.write_versions(work)  # committed before this transaction copies them below
            await conn.execute(  # every view (and so its tables) and table at once, in the order queries take them
                f"LOCK TABLE {', '.join(f'public.{name}' for name in [*(v['name'] for v in views), *tables])}"
                " IN ACCESS EXCLUSIVE MODE")
            await conn.execute(f"CREATE SCHEMA {RETIRED_SCHEMA}")
            for table in tables:
                await conn.execute(f'ALTER TABLE public."{table}" SET SCHEMA {RETIRED_SCHEMA};'
                                   f' ALTER TABLE {REBUILD_SCHEMA}."{table}" SET SCHEMA public')
            for view in views:
                await conn.execute(f'CREATE OR REPLACE VIEW public."{view["name"]}" AS {view["definition"]}')
            for table in tables:  # refused if anything still depends on an old table: then nothing happened
                await conn.execute(f'DROP TABLE {RETIRED_SCHEMA}."{table}"')
            await conn.execute(f"DROP SCHEMA {RETIRED_SCHEMA}")
            await conn.execute("DELETE FROM public.applied_versions WHERE projection = ANY($1::text[])", names)
            await conn.execute(f"INSERT INTO public.applied_versions (projection, stream_id, version)"
                               f" SELECT projection, stream_id, version FROM {REBUILD_SCHEMA}.applied_versions"
                               f" WHERE projection = ANY($1::text[])", names)
            await conn.executemany(
                "INSERT INTO public.projection_versions (projection, version, built_at) VALUES ($1, $2, now())"
                " ON CONFLICT (projection) DO UPDATE SET version = excluded.version, built_at = excluded.built_at",
                [(p.name, p.version) for p in chosen])
            await conn.execute(  # parked events every projection now has (a fixed projection, rebuilt) are done
                "DELETE FROM public.parked_events p WHERE NOT EXISTS (SELECT 1 FROM unnest($1::text[]) AS n(name)"
                " LEFT JOIN public.applied_versions a ON a.projection = n.name AND a.stream_id = p.stream_id"
                " WHERE coalesce(a.version, 0) < p.version)", [p.name for p in projections])
    except (asyncpg.LockNotAvailableError, asyncpg.DeadlockDetectedError):
        return False
    progress.locked_seconds = time.monotonic() - locked
    return True


async def stale(pool: asyncpg.Pool, projections: Sequence[Projection]) -> list[Projection]:
    """The projections whose live tables were built by another version of their code (or none recorded).

    On a new database every projection is built live from the first event, so its version is recorded now.
    A projection added to a database that has others is set in step with them (so that the live consumer
    goes on) and is stale: until its first rebuild swaps in, it holds only what came after it was added.
    """
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("LOCK TABLE projection_versions IN SHARE ROW EXCLUSIVE MODE")
        recorded = {r["projection"]: r["version"] for r in await conn.fetch(
            "SELECT projection, version FROM projection_versions")}
        fresh = not await conn.fetchval("SELECT EXISTS (SELECT 1 FROM applied_versions)")
        for projection in projections:
            if projection.name in recorded:
                continue
            if fresh:
                await conn.execute("INSERT INTO projection_versions (projection, version, built_at) VALUES ($1, $2,"
                                   " now())", projection.name, projection.version)
                recorded[projection.name] = projection.version
            else:
                await conn.execute(
                    "INSERT INTO applied_versions (projection, stream_id, version) SELECT $1, stream_id, min(version)"
                    " FROM applied_versions WHERE projection <> $1 GROUP BY stream_id ON CONFLICT DO NOTHING",
                    projection.name)
    return [p for p in projections if recorded.get(p.name) != p.version]


@dataclass
class Rebuilds:
    """What this process is rebuilding (for `systemStatus`), and what went wrong last."""

    current: RebuildProgress | None = None
    last_error: str | None = None


async def keep_current(pool: asyncpg.Pool, dsn: str, js: JetStreamContext, namespace: str, sources: Sequence[str],
                       projections: Sequence[Projection], rebuilds: Rebuilds, outdated: Sequence[Projection],
                       retry_seconds: float = 30.0) -> None:
    """Rebuild, in the background, the projections whose code changed version (`outdated`, as `stale` found them
    at start), until none is stale. The live consumers go on meanwhile; another process's rebuild is waited for,
    a failure retried after a wait that doubles each time, up to an hour."""
    chosen, wait = list(outdated), retry_seconds
    while chosen:
        names = ", ".join(p.name for p in chosen)
        log.info("rebuilding %s in the background: their code has another version than their tables", names)

        def follow(progress: RebuildProgress) -> None:
            rebuilds.current = progress

        try:
            try:
                outcome = await rebuild(dsn, js, namespace, sources, projections, chosen, on_progress=follow)
            finally:
                rebuilds.current = None
            rebuilds.last_error = None
            log.info("rebuilt %s from %d events in %.1f s, and swapped them in", names, outcome.events,
                     outcome.seconds)
        except RebuildRefused as refused:
            log.info("not rebuilding %s now: %s", names, refused.message.en)
            await asyncio.sleep(retry_seconds)
        except Exception as error:
            rebuilds.last_error = str(error)
            log.exception("rebuilding %s failed; the live read models are unchanged; trying again in %.0f s",
                          names, wait)
            await asyncio.sleep(wait)
            wait = min(wait * 2, 3600.0)
        while True:  # another process may have rebuilt them meanwhile
            try:
                chosen = await stale(pool, projections)
                break
            except Exception:
                log.exception("could not tell which read models are stale; asking again in %.0f s", retry_seconds)
                await asyncio.sleep(retry_seconds)
