"""An in-memory event store with the same contract, for unit tests of handlers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from shared.contracts import decode_event, encode_event, event_class
from shared.eventstore.protocol import (
    AppendResult,
    AppendsOneByMany,
    ConcurrencyConflict,
    EventMetadata,
    IdempotencyKeyReused,
    IdempotentCommand,
    PersonErased,
    RecordedEvent,
    StreamAppend,
    ValueAlreadyRegistered,
)
from shared.eventstore.sealing import erased_person, opened_data, sealed_data, unique_claims
from shared.eventstore.sizing import EventSizeLimit, RecordTooLarge
from shared.personal import claim_of, new_key


class InMemoryEventStore(AppendsOneByMany):
    """Streams in a dict; everything is serialised and parsed back, as the real store does."""

    def __init__(self, size_limit: EventSizeLimit | None = None) -> None:
        self._size_limit = size_limit
        self.events: list[RecordedEvent] = []
        self._streams: dict[str, list[RecordedEvent]] = {}
        self._idempotency: dict[str, tuple[str, AppendResult]] = {}
        self.person_keys: dict[str, bytes] = {}
        self.erased: set[str] = set()
        """Persons whose keys an erasure deleted: none is made for them again, nor is anything sealed for them."""
        self.claims: dict[str, str] = {}
        self._fields: dict[str, str] = {}
        self._claim_key = new_key()
        self.stored: dict[UUID, dict[str, Any]] = {}
        """Each event's data as written, personal fields sealed, as the events table holds it."""

    async def read_stream(self, stream_id: str) -> list[RecordedEvent]:
        async def key_of(person_id: str) -> bytes | None:
            return self.person_keys.get(person_id)

        opened = []
        for recorded in self._streams.get(stream_id, []):
            data = await opened_data(recorded.type, self.stored[recorded.event_id], key_of)
            opened.append(replace(recorded, data=data, payload=decode_event(recorded.type, data,
                                                                      recorded.schema_version)))
        return opened

    def _claim(self, field: str, value: str) -> str:
        return claim_of(self._claim_key, field, value)

    async def claimants(self, field: str, values: Sequence[str]) -> dict[str, str]:
        held = {value: self.claims.get(self._claim(field, value)) for value in values}
        return {value: owner for value, owner in held.items() if owner is not None}

    async def read_streams(self, stream_ids: Sequence[str]) -> dict[str, list[RecordedEvent]]:
        return {stream_id: await self.read_stream(stream_id) for stream_id in stream_ids}

    def keyed_digest(self, field: str, value: str) -> str:
        return self._claim(field, value)

    async def stream_ids(self, stream_type: str) -> list[str]:
        return [e.stream_id for e in self.events if e.stream_type == stream_type and e.version == 1]

    async def _key_for(self, person_id: str) -> bytes:
        return self.person_keys.setdefault(person_id, new_key())

    async def append_all(self, appends: Sequence[StreamAppend], metadata: EventMetadata, *, result: dict[str, Any],
                         idempotency: IdempotentCommand | None = None) -> AppendResult:
        last = appends[-1]
        for each in appends:
            if len(self._streams.get(each.stream_id, [])) != each.expected_version:
                raise ConcurrencyConflict(each.stream_id, each.expected_version)
        if idempotency is not None and idempotency.key in self._idempotency:
            raise ConcurrencyConflict(last.stream_id, last.expected_version)
        events = [payload for each in appends for payload in each.events]
        claims = [c for payload in events for c in unique_claims(payload, self._claim)]
        for claim, owner, field in claims:
            if self.claims.get(claim, owner) != owner:
                raise ValueAlreadyRegistered(field, self.claims[claim])
        recorded: list[RecordedEvent] = []
        keys_before = dict(self.person_keys)
        for each in appends:
            for offset, payload in enumerate(each.events, start=1):
                registration = event_class(type(payload).__name__)
                person = registration.person_of(encode_event(payload)) if registration.personal else None
                if person in self.erased:  # as the real store: nothing sealed for an erased person, no key made
                    if any(getattr(payload, field, None) for field in registration.personal):
                        self.person_keys = keys_before
                        raise PersonErased(registration.person or "", str(person))
                    encoded = json.dumps(encode_event(payload), ensure_ascii=False)
                else:
                    encoded = json.dumps(await sealed_data(payload, self._key_for), ensure_ascii=False)
                if self._size_limit is not None:
                    try:
                        self._size_limit.check(encoded, stream_id=each.stream_id, stream_type=each.stream_type,
                                               type_name=registration.type_name, metadata=metadata)
                    except RecordTooLarge:  # as the real store's rollback: no key made for nothing
                        self.person_keys = keys_before
                        raise
                data = json.loads(encoded)
                recorded.append(RecordedEvent(
                    global_position=len(self.events) + len(recorded) + 1, stream_id=each.stream_id,
                    stream_type=each.stream_type, version=each.expected_version + offset, event_id=uuid4(),
                    type=registration.type_name, schema_version=registration.schema_version,
                    payload=decode_event(registration.type_name, data), data=data, metadata=metadata.as_dict(),
                    recorded_at=datetime.now(UTC)))
        for event in recorded:
            self.stored[event.event_id] = event.data
            self._streams.setdefault(event.stream_id, []).append(event)
        for claim, owner, field in claims:  # a person holds one value of a field: a new one frees the old
            self.claims = {c: o for c, o in self.claims.items() if o != owner or self._fields[c] != field}
            self.claims[claim] = owner
            self._fields[claim] = field
        for person_id in filter(None, map(erased_person, events)):
            self.person_keys.pop(person_id, None)
            self.erased.add(person_id)
            self.claims = {c: o for c, o in self.claims.items() if o != person_id}
        self.events.extend(recorded)
        appended = AppendResult(stream_id=last.stream_id, version=last.expected_version + len(last.events),
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
