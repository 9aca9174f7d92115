"""Snapshots and the cache of states: a stream's state at a version, derived from its events so that a command folds
only the events after it. The store stays the truth; both are versioned with their decider (see
shared.application.Decider.version) and thrown away when in doubt.

A state folded from events with a person's sealed fields holds that person's data in clear: its snapshot is sealed
with a key made of the keys of every person its stream names (shared.personal.joint_key), and an erasure deletes
every snapshot naming the person, in its transaction, and evicts the states this process caches of them.

A command decides from this process's cached state without reading it (shared.application): its append checks that
the stream is still at the state's version and that the keys of the persons it names are still there
(StreamAppend.persons), so a state another process's append or erasure has made stale writes nothing, and the
command is decided again from the store.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from shared.contracts import event_class
from shared.eventstore.protocol import RecordedEvent


@dataclass(frozen=True)
class SnapshotSettings:
    """How often a snapshot is taken (every `every` events of a stream) and how many states a process caches."""

    every: int = 50
    cached_states: int = 10_000

    @classmethod
    def from_environment(cls) -> SnapshotSettings:
        """HEMIAO_SNAPSHOT_EVERY and HEMIAO_CACHED_STATES, else the defaults."""
        return cls(every=int(os.environ.get("HEMIAO_SNAPSHOT_EVERY") or cls.every),
                   cached_states=int(os.environ.get("HEMIAO_CACHED_STATES") or cls.cached_states))


@dataclass(frozen=True)
class StateKind:
    """Whose state a snapshot holds: the decider's stream type, version and a fingerprint of its state's shape."""

    decider: str
    version: int
    fingerprint: str


@dataclass(frozen=True, kw_only=True)
class Snapshot:
    """A state at a stream version, JSON-ready, and the persons whose sealed fields it was folded from."""

    version: int
    state: Any
    persons: frozenset[str]


@dataclass(frozen=True, kw_only=True)
class Tail:
    """What loading a stream read: its snapshot (if one of the kind asked was readable) and the events after it."""

    snapshot: Snapshot | None
    events: list[RecordedEvent]


@dataclass(frozen=True, kw_only=True)
class Cached:
    """A state this process holds: its stream version, the persons it names, and the version last snapshotted."""

    version: int
    state: Any
    persons: frozenset[str]
    snapshotted: int


class StateCache:
    """The states last loaded or decided, by (stream, kind), least recently used dropped first. Only a hint: a
    command trusts one because its append checks the version and the persons' keys; a load (`shared.application.
    load`, and a command's retry) reads the events after the cached version and checks that the persons it names are
    not erased."""

    def __init__(self, entries: int) -> None:
        self._entries = entries
        self._states: OrderedDict[tuple[str, StateKind], Cached] = OrderedDict()

    def __len__(self) -> int:
        return len(self._states)

    def get(self, stream_id: str, kind: StateKind) -> Cached | None:
        found = self._states.get((stream_id, kind))
        if found is not None:
            self._states.move_to_end((stream_id, kind))
        return found

    def put(self, stream_id: str, kind: StateKind, cached: Cached) -> None:
        key = (stream_id, kind)
        known = self._states.get(key)
        if known is not None and known.version > cached.version:
            return  # a later state is already here (two commands of this process, one behind)
        self._states[key] = cached
        self._states.move_to_end(key)
        while len(self._states) > self._entries:
            self._states.popitem(last=False)

    def drop(self, stream_id: str, kind: StateKind) -> None:
        self._states.pop((stream_id, kind), None)

    def forget(self, persons: Iterable[str]) -> None:
        """Every state naming one of the persons (erased)."""
        gone = set(persons)
        if gone:
            for key in [k for k, c in self._states.items() if c.persons & gone]:
                del self._states[key]

    def clear(self) -> None:
        self._states.clear()


@runtime_checkable
class KeepsSnapshots(Protocol):
    """An event store that keeps snapshots and a cache of states (the PostgreSQL one)."""

    states: StateCache
    snapshot_settings: SnapshotSettings

    async def read_stream(self, stream_id: str) -> list[RecordedEvent]: ...

    async def read_from_snapshot(self, stream_id: str, kind: StateKind | None) -> Tail:
        """The stream's readable snapshot of this kind, if any, and the events after it (all of them without)."""
        ...

    async def read_after(self, stream_id: str, version: int, persons: frozenset[str]) -> list[RecordedEvent] | None:
        """The stream's events after `version`; None if one of the persons' keys is gone (erased since)."""
        ...

    async def save_snapshot(self, stream_id: str, kind: StateKind, snapshot: Snapshot) -> None:
        """Keep the snapshot (replacing an older one or one of another kind), sealed if it names persons; none is
        kept if one of their keys is gone."""
        ...


def persons_of(events: Sequence[RecordedEvent]) -> frozenset[str]:
    """The persons whose sealed fields these events carry."""
    found: set[str] = set()
    for recorded in events:
        registration = event_class(recorded.type)
        if registration.personal:
            person = registration.person_of(recorded.data)
            if person is not None:
                found.add(person)
    return frozenset(found)


def persons_decided(payloads: Sequence[object]) -> frozenset[str]:
    """The persons whose sealed fields these decided events carry."""
    found: set[str] = set()
    for payload in payloads:
        registration = event_class(type(payload).__name__)
        if registration.personal and registration.person is not None:
            person = getattr(payload, registration.person, None)
            if person is not None:
                found.add(str(person))
    return frozenset(found)
