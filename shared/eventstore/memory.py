"""An in-memory event store with the same contract, for unit tests of handlers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from shared.contracts import decode_event, encode_event, event_class
from shared.eventstore.protocol import (
    AppendResult,
    ConcurrencyConflict,
    EventMetadata,
    IdempotencyKeyReused,
    IdempotentCommand,
    RecordedEvent,
)


class InMemoryEventStore:
    """Streams in a dict; everything is serialised and parsed back, as the real store does."""

    def __init__(self) -> None:
        self.events: list[RecordedEvent] = []
        self._streams: dict[str, list[RecordedEvent]] = {}
        self._idempotency: dict[str, tuple[str, AppendResult]] = {}

    async def read_stream(self, stream_id: str) -> list[RecordedEvent]:
        return list(self._streams.get(stream_id, []))

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
        stream = self._streams.setdefault(stream_id, [])
        if len(stream) != expected_version:
            raise ConcurrencyConflict(stream_id, expected_version)
        if idempotency is not None and idempotency.key in self._idempotency:
            raise ConcurrencyConflict(stream_id, expected_version)
        recorded = []
        for offset, payload in enumerate(events, start=1):
            registration = event_class(type(payload).__name__)
            data = json.loads(json.dumps(encode_event(payload)))
            recorded.append(RecordedEvent(
                global_position=len(self.events) + offset, stream_id=stream_id, stream_type=stream_type,
                version=expected_version + offset, event_id=uuid4(), type=registration.type_name,
                schema_version=registration.schema_version, payload=decode_event(registration.type_name, data),
                data=data, metadata=metadata.as_dict(), recorded_at=datetime.now(UTC)))
        stream.extend(recorded)
        self.events.extend(recorded)
        appended = AppendResult(stream_id=stream_id, version=expected_version + len(events),
                                event_ids=tuple(r.event_id for r in recorded), result=result)
        if idempotency is not None:
            self._idempotency[idempotency.key] = (idempotency.fingerprint, appended)
        return appended

    async def idempotent_result(self, idempotency: IdempotentCommand) -> AppendResult | None:
        seen = self._idempotency.get(idempotency.key)
        if seen is None:
            return None
        fingerprint, appended = seen
        if fingerprint != idempotency.fingerprint:
            raise IdempotencyKeyReused()
        return AppendResult(stream_id=appended.stream_id, version=appended.version,
                            event_ids=appended.event_ids, result=appended.result, replayed=True)
