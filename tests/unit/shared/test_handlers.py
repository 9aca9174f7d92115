"""Handlers over the in-memory store: idempotency and retries on a concurrency conflict."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest

from services.cases.application.handlers import ROUTES
from shared.application import CommandConflict, command_endpoints
from shared.contracts import Actor, Role
from shared.eventstore import AppendResult, ConcurrencyConflict, EventMetadata, IdempotencyKeyReused, StreamAppend
from shared.eventstore.memory import InMemoryEventStore
from shared.runtime import RequestContext

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

WORKER = Actor(subject="sw-1", name="社工", role=Role.SOCIAL_WORKER, station_ids=("s-1",))
RECIPIENT = {"station_id": "s-1", "name": "叶某", "gender": "male", "birth_year": 1968, "community": "一力社区"}


def request(key: str | None = None) -> RequestContext:
    return RequestContext(actor=WORKER, correlation_id="corr-1", idempotency_key=key)


def endpoints(store: InMemoryEventStore) -> dict[str, Any]:
    return command_endpoints("cases", store, ROUTES, today=lambda: date(2026, 11, 20))


async def test_a_command_answers_its_ids_and_the_position_of_its_events() -> None:
    store = InMemoryEventStore()

    answer = await endpoints(store)["register_recipient"](RECIPIENT, request())

    assert answer["position"] == {"service": "cases", "stream_id": f"recipient-{answer['recipient_id']}",
                                  "version": 1}
    assert store.events[0].metadata["actor"]["subject"] == "sw-1"
    assert store.events[0].metadata["correlation_id"] == "corr-1"


async def test_a_repeated_idempotency_key_replays_the_answer_and_appends_nothing() -> None:
    store = InMemoryEventStore()
    first = await endpoints(store)["register_recipient"](RECIPIENT, request("k"))
    again = await endpoints(store)["register_recipient"](RECIPIENT, request("k"))

    assert again == first
    assert len(store.events) == 1
    with pytest.raises(IdempotencyKeyReused):
        await endpoints(store)["register_recipient"]({**RECIPIENT, "name": "周某"}, request("k"))


class ConflictingStore(InMemoryEventStore):
    """Loses the race a given number of times, as if another writer had just appended."""

    def __init__(self, conflicts: int) -> None:
        super().__init__()
        self.conflicts = conflicts
        self.attempts = 0

    async def append_all(self, appends: Sequence[StreamAppend], metadata: EventMetadata,
                         **kwargs: Any) -> AppendResult:
        self.attempts += 1
        if self.conflicts:
            self.conflicts -= 1
            raise ConcurrencyConflict(appends[-1].stream_id, appends[-1].expected_version)
        return await super().append_all(appends, metadata, **kwargs)


async def test_a_conflict_is_retried_against_the_new_state() -> None:
    store = ConflictingStore(conflicts=2)

    await endpoints(store)["register_recipient"](RECIPIENT, request())

    assert store.attempts == 3
    assert len(store.events) == 1


async def test_a_conflict_that_keeps_happening_is_reported_as_a_typed_error() -> None:
    store = ConflictingStore(conflicts=100)

    with pytest.raises(CommandConflict) as refused:
        await endpoints(store)["register_recipient"](RECIPIENT, request())

    assert refused.value.code == "concurrency_conflict"
    assert store.events == []
