"""Running a decider against the event store: load, decide, append, retry on conflict."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import random
import uuid
import weakref
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property, reduce
from typing import Any, Generic, TypeGuard, TypeVar

from pydantic import TypeAdapter

from shared import tracing
from shared.china import china_today
from shared.contracts.errors import DomainError, Message
from shared.eventstore import (
    AppendResult,
    ConcurrencyConflict,
    EventMetadata,
    EventStore,
    IdempotentCommand,
    StreamAppend,
)
from shared.eventstore.sealing import erased_person
from shared.eventstore.snapshots import Cached, KeepsSnapshots, Snapshot, StateKind, persons_decided, persons_of
from shared.runtime import Handler, RequestContext, endpoint_name

S = TypeVar("S")

log = logging.getLogger(__name__)

CONFLICT_ATTEMPTS = 10
"""Conflicts are retried this many times; commands of one process on a hot stream queue instead (Decider.hot)."""
MAX_BACKOFF_SECONDS = 0.25


class CommandConflict(DomainError):
    code = "concurrency_conflict"

    def __init__(self, stream_id: str) -> None:
        super().__init__(Message(zh="该记录正被他人同时修改，请刷新后重试",
                                 en=f"{stream_id} was changed by someone else at the same time; reload and retry"))


@dataclass(frozen=True, kw_only=True)
class Decider(Generic[S]):
    """An aggregate's pure write model: its stream type, initial state and evolve.

    `version`: raise it when `evolve` changes what it makes of events (the state's shape is fingerprinted too):
    snapshots and cached states of another version are ignored and rebuilt from the events.
    `hot`: a stream many commands of one process write at once (a station's case register): they queue for it in
    the process instead of conflicting and retrying; other processes still meet them as conflicts.
    """

    stream_type: str
    initial_state: S
    evolve: Callable[[S, Any], S]
    version: int = 1
    hot: bool = False

    def fold(self, payloads: Sequence[object], state: S | None = None) -> S:
        return reduce(self.evolve, payloads, self.initial_state if state is None else state)

    @cached_property
    def _shape(self) -> tuple[TypeAdapter[Any] | None, str]:
        """How the state is kept in a snapshot (None: it is not, only cached) and the fingerprint of its shape."""
        evolve = f"{getattr(self.evolve, '__module__', '')}.{getattr(self.evolve, '__qualname__', '')}"
        try:
            adapter: TypeAdapter[Any] = TypeAdapter(type(self.initial_state))
            schema = adapter.json_schema(mode="serialization")
            if adapter.validate_python(adapter.dump_python(self.initial_state, mode="json")) != self.initial_state:
                raise ValueError("the state does not come back as it was kept")
        except Exception:  # a state pydantic cannot keep is only cached, never snapshotted
            return None, hashlib.sha256(f"unkept:{evolve}".encode()).hexdigest()
        shape = json.dumps([schema, evolve], sort_keys=True, default=str)
        return adapter, hashlib.sha256(shape.encode()).hexdigest()

    @property
    def snapshotted(self) -> bool:
        """Whether its states are kept in snapshots (pydantic can keep them), not only cached."""
        return self._shape[0] is not None

    @cached_property
    def kind(self) -> StateKind:
        """Whose states these are, for snapshots and the cache: stream type, version and the state's shape."""
        return StateKind(decider=self.stream_type, version=self.version, fingerprint=self._shape[1])

    def kept(self, state: S) -> Any | None:
        """The state as a snapshot keeps it (JSON-ready), None if it cannot be kept."""
        adapter = self._shape[0]
        if adapter is None or type(state) is not type(self.initial_state):
            return None
        return adapter.dump_python(state, mode="json")

    def from_kept(self, kept: Any) -> S:
        adapter = self._shape[0]
        assert adapter is not None
        state: S = adapter.validate_python(kept)
        return state


@dataclass(frozen=True, kw_only=True)
class Unit:
    """What a handler needs to run one command: the store, who asked, and what exactly they asked."""

    store: EventStore
    request: RequestContext
    fingerprint: str | Callable[[], str]
    """What exactly was asked (a digest), or how to make it: only a command with an idempotency key needs it."""

    def metadata(self) -> EventMetadata:
        return EventMetadata(actor=self.request.actor.as_metadata(), correlation_id=self.request.correlation_id,
                             trace=tracing.carrier())  # the append's span, for the relay and the consumers

    def idempotency(self) -> IdempotentCommand | None:
        key = self.request.idempotency_key
        if key is None:
            return None
        fingerprint = self.fingerprint if isinstance(self.fingerprint, str) else self.fingerprint()
        return IdempotentCommand(key=f"{self.request.actor.subject}:{key}", fingerprint=fingerprint)


_KEEPS_SNAPSHOTS: dict[type, bool] = {}


def keeps_snapshots(store: object) -> TypeGuard[KeepsSnapshots]:
    """isinstance(store, KeepsSnapshots), once per store class: a runtime protocol's check walks its members each
    time, a few times in every command."""
    kind = type(store)
    found = _KEEPS_SNAPSHOTS.get(kind)
    if found is None:
        found = _KEEPS_SNAPSHOTS[kind] = isinstance(store, KeepsSnapshots)
    return found


async def load(store: EventStore, decider: Decider[S], stream_id: str) -> tuple[S, int]:
    """The aggregate's current state and version: from this process's cached state or the stream's snapshot and
    the events after it, where the store keeps them (shared.eventstore.snapshots), else from all its events."""
    if not keeps_snapshots(store):
        history = await store.read_stream(stream_id)
        return decider.fold([e.payload for e in history]), len(history)
    loaded = await _loaded(store, decider, stream_id)
    return loaded.state, loaded.version


async def _loaded(store: KeepsSnapshots, decider: Decider[S], stream_id: str) -> Cached:
    kind = decider.kind
    cached = store.states.get(stream_id, kind)
    if cached is not None:
        tail = await store.read_after(stream_id, cached.version, cached.persons)
        if tail is not None and all(e.version == cached.version + n for n, e in enumerate(tail, start=1)):
            if not tail:
                return cached
            return await _keep(store, decider, stream_id, Cached(
                version=tail[-1].version, state=decider.fold([e.payload for e in tail], cached.state),
                persons=cached.persons | persons_of(tail), snapshotted=cached.snapshotted))
        store.states.drop(stream_id, kind)  # a person it names was erased since: fold anew
    read = await store.read_from_snapshot(stream_id, kind if decider.snapshotted else None)
    start, version, persons = decider.initial_state, 0, frozenset[str]()
    events = read.events
    if read.snapshot is not None:
        try:
            start = decider.from_kept(read.snapshot.state)
            version, persons = read.snapshot.version, read.snapshot.persons
        except Exception:  # a snapshot that no longer validates is ignored (and replaced)
            log.warning("snapshot of %s does not fit %s v%d; folding its events", stream_id, decider.stream_type,
                        decider.version)
            events = await store.read_stream(stream_id)
    loaded = Cached(version=events[-1].version if events else version,
                    state=decider.fold([e.payload for e in events], start), persons=persons | persons_of(events),
                    snapshotted=version)
    return await _keep(store, decider, stream_id, loaded) if loaded.version else loaded


async def _keep(store: KeepsSnapshots, decider: Decider[Any], stream_id: str, state: Cached) -> Cached:
    """Cache the state; snapshot it too if the stream has grown by a snapshot's interval since the last."""
    if state.version - state.snapshotted >= store.snapshot_settings.every:
        kept = decider.kept(state.state)
        if kept is not None and decider.from_kept(kept) != state.state:
            log.warning("%s v%d does not keep its state as it is; no snapshot", decider.stream_type, decider.version)
            kept = None
        if kept is not None:
            try:
                await store.save_snapshot(stream_id, decider.kind,
                                          Snapshot(version=state.version, state=kept, persons=state.persons))
                state = Cached(version=state.version, state=state.state, persons=state.persons,
                               snapshotted=state.version)
            except Exception:  # a snapshot is an optimisation: the command it follows stands
                log.exception("could not snapshot %s at version %d", stream_id, state.version)
    store.states.put(stream_id, decider.kind, state)
    return state


async def _decided(store: KeepsSnapshots, streams: Sequence[tuple[Decider[Any], str]], loaded: Sequence[Cached],
                   appends: Sequence[StreamAppend]) -> None:
    """After an append: each stream's state with its decided events, cached (and snapshotted when due), so the next
    command on it reads only what others appended since. A state naming a person erased here is not kept."""
    erased = {p for each in appends for p in map(erased_person, each.events) if p is not None}
    for (decider, stream_id), before, each in zip(streams, loaded, appends, strict=True):
        if not each.events:
            continue
        after = Cached(version=before.version + len(each.events), state=decider.fold(each.events, before.state),
                       persons=before.persons | persons_decided(each.events), snapshotted=before.snapshotted)
        if after.persons & erased:
            store.states.drop(stream_id, decider.kind)
        else:
            await _keep(store, decider, stream_id, after)


async def execute(unit: Unit, decider: Decider[S], stream_id: str, decide: Callable[[S], Sequence[object]],
                  result: Mapping[str, Any]) -> AppendResult:
    """Decide against the latest state and append; on a conflict reload and decide again, a few times."""
    return await execute_across(unit, [(decider, stream_id)], lambda states: [decide(states[0])], result)


async def execute_across(unit: Unit, streams: Sequence[tuple[Decider[Any], str]],
                         decide: Callable[[list[Any]], Sequence[Sequence[object]]],
                         result: Mapping[str, Any]) -> AppendResult:
    """One decision over several streams, appended all or none: `decide` gets their states, in order, and
    answers each one's events. The last stream is the one a consistency token waits on."""
    idempotency = unit.idempotency()
    if idempotency is not None:
        replay = await unit.store.idempotent_result(idempotency)
        if replay is not None:
            return replay
    hot = sorted({stream_id for decider, stream_id in streams if decider.hot})
    # What is not hot is loaded before queueing, so that the queue waits only for appends; a stream changed
    # meanwhile conflicts, and is loaded again in the queue.
    early = {n: await _loading(unit.store, decider, stream_id, trusted=True)
             for n, (decider, stream_id) in enumerate(streams) if hot and not decider.hot}
    async with contextlib.AsyncExitStack() as queued:
        for stream_id in hot:  # in one order, so two commands never wait for each other
            await queued.enter_async_context(_hot_lock(stream_id))
        for attempt in range(CONFLICT_ATTEMPTS):
            # The first attempt trusts this process's cached states (the append checks them); a retry reads.
            loaded = [early.pop(n) if n in early else
                      await _loading(unit.store, decider, stream_id, trusted=attempt == 0)
                      for n, (decider, stream_id) in enumerate(streams)]
            decided = decide([each.state for each in loaded])
            appends = [StreamAppend(stream_id=stream_id, stream_type=decider.stream_type,
                                    expected_version=each.version, events=events, persons=each.persons)
                       for (decider, stream_id), each, events in zip(streams, loaded, decided, strict=True)]
            try:
                with tracing.span(f"append {streams[-1][0].stream_type}", attributes={"hemiao.attempt": attempt}):
                    appended = await unit.store.append_all(appends, unit.metadata(), result=dict(result),
                                                           idempotency=idempotency)
            except ConcurrencyConflict:
                if attempt:  # the first, decided from a cached state, needs reading, not waiting
                    await asyncio.sleep(random.uniform(0, min(0.005 * 2**attempt, MAX_BACKOFF_SECONDS)))
                continue
            if keeps_snapshots(unit.store) and not appended.replayed:
                await _decided(unit.store, streams, loaded, appends)
            return appended
    raise CommandConflict(streams[-1][1])


_HOT_LOCKS: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
"""A lock per hot stream while some command of this process holds or waits for it (then it is dropped)."""


def _hot_lock(stream_id: str) -> asyncio.Lock:
    lock = _HOT_LOCKS.get(stream_id)
    if lock is None:
        lock = _HOT_LOCKS[stream_id] = asyncio.Lock()
    return lock


async def _loading(store: EventStore, decider: Decider[Any], stream_id: str, *, trusted: bool = False) -> Cached:
    """The stream's state; `trusted`: the state this process last loaded or appended, without reading, if it holds
    one. The append is its check, in the same statement (shared.eventstore.postgres, append_all): the stream must
    still be at its version, and the key of each person it names that this process knows must still be there.
    Another process's append since makes it conflict; an erasure of a person it names makes it PersonsErased, the
    store forgets the states naming them; either way nothing is written, and the retry reads (from the cached
    version, or from the snapshot or the whole stream if forgotten)."""
    if keeps_snapshots(store):
        cached = store.states.get(stream_id, decider.kind) if trusted else None
        if cached is not None:
            return cached
        return await _loaded(store, decider, stream_id)
    state, version = await load(store, decider, stream_id)
    return Cached(version=version, state=state, persons=frozenset(), snapshotted=0)


async def execute_telling(unit: Unit, decider: Decider[S], stream_id: str, decide: Callable[[S], Sequence[object]],
                          result: Mapping[str, Any],
                          told: Callable[[Sequence[object]], Mapping[str, Any]]) -> AppendResult:
    """`execute`, answering also what `told` reads off the events decided: ids numbered as they are decided (a
    plan's version, a meeting's issues), which the command could not name. Decided again on a conflict, the
    answer is told again before the append keeps it for replays."""
    answered = dict(result)

    def deciding(state: S) -> Sequence[object]:
        events = decide(state)
        answered.update(told(events))
        return events

    return await execute(unit, decider, stream_id, deciding, answered)


def answer(appended: AppendResult, service: str) -> dict[str, Any]:
    """A command's answer: its result plus the position a consistency token is made of."""
    return {**appended.result, "position": {"service": service, "stream_id": appended.stream_id,
                                            "version": appended.version}}


CommandHandler = Callable[[Any, Unit], Awaitable[AppendResult]]
def command_endpoints(service: str, store: EventStore, routes: Mapping[type[Any], CommandHandler],
                      today: Callable[[], date] = china_today) -> dict[str, Handler]:
    """One NATS endpoint per command type; the body becomes the command, plus actor, today and a new id."""

    def endpoint(command_type: type[Any], handler: CommandHandler) -> Handler:
        adapter: TypeAdapter[Any] = TypeAdapter(command_type)
        new_id: str | None = getattr(command_type, "new_id", None)

        async def handle(body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
            def fingerprint() -> str:
                return hashlib.sha256(json.dumps([command_type.__name__, body], sort_keys=True,
                                                 default=str).encode()).hexdigest()

            fields = {**body, "actor": request.actor, "today": today()}
            if new_id is not None and not fields.get(new_id):
                fields[new_id] = str(uuid.uuid4())
            command = adapter.validate_python(fields)
            unit = Unit(store=store, request=request, fingerprint=fingerprint)
            return answer(await handler(command, unit), service)

        return handle

    return {endpoint_name(t): endpoint(t, h) for t, h in routes.items()}
