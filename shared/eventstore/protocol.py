"""The event store port, its value types and its errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from shared.contracts.errors import DomainError, Message


class ConcurrencyConflict(Exception):
    """The stream's version is not the one the command was decided against."""

    def __init__(self, stream_id: str, expected_version: int) -> None:
        super().__init__(f"stream {stream_id} is past version {expected_version}")
        self.stream_id = stream_id
        self.expected_version = expected_version


class PersonsErased(ConcurrencyConflict):
    """The state a command was decided from names persons whose keys are gone (erased since it was folded): it may
    hold their data in clear. Nothing was written; the store has forgotten its states naming them, and the command
    is decided again from the store, where their sealed fields now read as None."""

    def __init__(self, stream_id: str, expected_version: int, persons: frozenset[str]) -> None:
        super().__init__(stream_id, expected_version)
        self.persons = persons


class PersonErased(DomainError):
    """Personal data for a person whose key was deleted (erased): none is sealed for them again, and no new key is
    made for them."""

    code = "recipient_erased"

    def __init__(self, person_field: str, person_id: str) -> None:
        if person_field == "volunteer_id":
            super().__init__(Message(zh=f"志愿者 {person_id} 的个人信息已删除，不能再记录",
                                     en=f"Volunteer {person_id} was erased; nothing more is recorded for them"),
                             field="volunteerId", code="volunteer_erased")
        else:
            name = "".join(w.title() if i else w for i, w in enumerate(person_field.split("_")))
            super().__init__(Message(zh=f"服务对象 {person_id} 的个人信息已删除，不能再为其记录",
                                     en=f"Recipient {person_id} was erased; nothing more can be recorded for them"),
                             field=name)
        self.person_id = person_id


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"

    def __init__(self) -> None:
        super().__init__(
            Message(zh="该幂等键已用于另一条不同的命令",
                    en="This idempotency key was already used for a different command"),
            field="idempotencyKey",
        )


class ValueAlreadyRegistered(DomainError):
    """A value that must be one person's (an ID number) already belongs to another."""

    code = "already_registered"

    def __init__(self, field: str, owner: str) -> None:
        name = "".join(w.title() if i else w for i, w in enumerate(field.split("_")))
        super().__init__(Message(zh=f"该{_LABELS.get(field, field)}已登记，见服务对象 {owner}",
                                 en=f"This {field.replace('_', ' ')} is already registered: see {owner}"),
                         field=name)
        self.owner = owner


_LABELS = {"id_number": "身份证号码"}


@dataclass(frozen=True, kw_only=True)
class EventMetadata:
    """Who caused the events and in answer to what."""

    actor: dict[str, Any]
    correlation_id: str
    causation_id: str | None = None
    trace: dict[str, str] | None = None
    """The W3C trace context (`traceparent`, `tracestate`) of the append, when tracing is on (shared/tracing.py)."""

    def as_dict(self) -> dict[str, Any]:
        return {"actor": self.actor, "correlation_id": self.correlation_id, "causation_id": self.causation_id,
                **({"trace": self.trace} if self.trace else {})}


@dataclass(frozen=True, kw_only=True)
class IdempotentCommand:
    """A command's idempotency key, scoped to its caller, and a fingerprint of what it asked."""

    key: str
    fingerprint: str


@dataclass(frozen=True, kw_only=True)
class RecordedEvent:
    """An event as stored: its place in the stream and in the store, and its payload."""

    global_position: int
    stream_id: str
    stream_type: str
    version: int
    event_id: UUID
    type: str
    schema_version: int
    payload: Any
    data: dict[str, Any]
    metadata: dict[str, Any]
    recorded_at: datetime


@dataclass(frozen=True, kw_only=True)
class AppendResult:
    """What an append produced; its `result` is what the command answers, now and on replays."""

    stream_id: str
    version: int
    event_ids: tuple[UUID, ...] = ()
    result: dict[str, Any] = field(default_factory=dict)
    replayed: bool = False


@dataclass(frozen=True, kw_only=True)
class StreamAppend:
    """Events for one stream, to be appended after the version they were decided against."""

    stream_id: str
    stream_type: str
    expected_version: int
    events: Sequence[object]
    persons: frozenset[str] = frozenset()
    """The persons the state it was decided from names (Cached.persons). The append checks, under FOR KEY SHARE,
    that the key of each one this process knows is still there (else it writes nothing and raises PersonsErased).
    No key is made again for a person erased (the store's record of erasures, migration 0008); one with no key who
    was never erased (their events carried no sealed field) gets one when an event first seals something of theirs."""


class EventStore(Protocol):
    """Append-only streams of events with optimistic concurrency."""

    async def read_stream(self, stream_id: str) -> list[RecordedEvent]:
        """Every event of the stream, in version order (empty for a new stream)."""
        ...

    async def append(
        self,
        stream_id: str,
        stream_type: str,
        expected_version: int,
        events: Sequence[object],
        metadata: EventMetadata,
        *,
        result: dict[str, Any],
        idempotency: IdempotentCommand | None = None,
    ) -> AppendResult:
        """Append after `expected_version` or raise ConcurrencyConflict; remember the result by key."""
        ...

    async def append_all(
        self,
        appends: Sequence[StreamAppend],
        metadata: EventMetadata,
        *,
        result: dict[str, Any],
        idempotency: IdempotentCommand | None = None,
    ) -> AppendResult:
        """Append to several streams in one transaction, all or none; the answer's position is the last stream's.

        Events are published in the order they are written, so the last stream's version stands for all
        of them in a consistency token: put the stream the caller waits on last.
        """
        ...

    async def idempotent_result(self, idempotency: IdempotentCommand) -> AppendResult | None:
        """The first answer to this key, None if unseen; IdempotencyKeyReused for another command."""
        ...

    async def stream_ids(self, stream_type: str) -> list[str]:
        """Every stream of a type, oldest first: for the rare command that spans them (a worker leaving)."""
        ...

    async def claimants(self, field: str, values: Sequence[str]) -> dict[str, str]:
        """Who holds each of these unique values (ID numbers, as written), by value; a value no one holds is left
        out. Found by their keyed hashes, as appends check them."""
        ...

    async def read_streams(self, stream_ids: Sequence[str]) -> dict[str, list[RecordedEvent]]:
        """`read_stream` of each, at once (an import's batch of people); an empty stream is an empty list."""
        ...

    def keyed_digest(self, field: str, value: str) -> str:
        """The keyed hash a unique value is claimed by: it names the value (in an idempotency key, say) and reveals
        nothing of it."""
        ...


class AppendsOneByMany:
    """`append` as the one-stream case of `append_all` (which the store defines), for a store to inherit."""

    append_all: Callable[..., Awaitable[AppendResult]]

    async def append(self, stream_id: str, stream_type: str, expected_version: int, events: Sequence[object],
                     metadata: EventMetadata, *, result: dict[str, Any],
                     idempotency: IdempotentCommand | None = None) -> AppendResult:
        return await self.append_all([StreamAppend(stream_id=stream_id, stream_type=stream_type,
                                                   expected_version=expected_version, events=events)],
                                     metadata, result=result, idempotency=idempotency)
