"""The event store: append with an expected version, read a stream, remember idempotent results."""

from shared.eventstore.protocol import (
    AppendResult,
    ConcurrencyConflict,
    EventMetadata,
    EventStore,
    IdempotencyKeyReused,
    IdempotentCommand,
    RecordedEvent,
    StreamAppend,
    ValueAlreadyRegistered,
)

__all__ = [
    "AppendResult",
    "ConcurrencyConflict",
    "EventMetadata",
    "EventStore",
    "IdempotencyKeyReused",
    "IdempotentCommand",
    "RecordedEvent",
    "StreamAppend",
    "ValueAlreadyRegistered",
]
