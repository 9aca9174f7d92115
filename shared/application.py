"""Running a decider against the event store: load, decide, append, retry on conflict."""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import reduce
from typing import Any, Generic, TypeVar

from pydantic import TypeAdapter

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
from shared.runtime import Handler, RequestContext, endpoint_name

S = TypeVar("S")

CONFLICT_ATTEMPTS = 10
"""Enough for a station's case register with ten cases opened in the same instant (a test shows it)."""
MAX_BACKOFF_SECONDS = 0.25


class CommandConflict(DomainError):
    code = "concurrency_conflict"

    def __init__(self, stream_id: str) -> None:
        super().__init__(Message(zh="该记录正被他人同时修改，请刷新后重试",
                                 en=f"{stream_id} was changed by someone else at the same time; reload and retry"))


@dataclass(frozen=True, kw_only=True)
class Decider(Generic[S]):
    """An aggregate's pure write model: its stream type, initial state and evolve."""

    stream_type: str
    initial_state: S
    evolve: Callable[[S, Any], S]

    def fold(self, payloads: Sequence[object]) -> S:
        return reduce(self.evolve, payloads, self.initial_state)


@dataclass(frozen=True, kw_only=True)
class Unit:
    """What a handler needs to run one command: the store, who asked, and what exactly they asked."""

    store: EventStore
    request: RequestContext
    fingerprint: str

    def metadata(self) -> EventMetadata:
        return EventMetadata(actor=self.request.actor.as_metadata(), correlation_id=self.request.correlation_id)

    def idempotency(self) -> IdempotentCommand | None:
        key = self.request.idempotency_key
        if key is None:
            return None
        return IdempotentCommand(key=f"{self.request.actor.subject}:{key}", fingerprint=self.fingerprint)


async def load(store: EventStore, decider: Decider[S], stream_id: str) -> tuple[S, int]:
    """The aggregate's current state and version."""
    history = await store.read_stream(stream_id)
    return decider.fold([e.payload for e in history]), len(history)


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
    for attempt in range(CONFLICT_ATTEMPTS):
        loaded = [await load(unit.store, decider, stream_id) for decider, stream_id in streams]
        decided = decide([state for state, _ in loaded])
        appends = [StreamAppend(stream_id=stream_id, stream_type=decider.stream_type, expected_version=version,
                                events=events)
                   for (decider, stream_id), (_, version), events in zip(streams, loaded, decided, strict=True)]
        try:
            return await unit.store.append_all(appends, unit.metadata(), result=dict(result), idempotency=idempotency)
        except ConcurrencyConflict:
            await asyncio.sleep(random.uniform(0, min(0.005 * 2**attempt, MAX_BACKOFF_SECONDS)))
    raise CommandConflict(streams[-1][1])


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
            fingerprint = hashlib.sha256(json.dumps([command_type.__name__, body], sort_keys=True,
                                                    default=str).encode()).hexdigest()
            fields = {**body, "actor": request.actor, "today": today()}
            if new_id is not None and not fields.get(new_id):
                fields[new_id] = str(uuid.uuid4())
            command = adapter.validate_python(fields)
            unit = Unit(store=store, request=request, fingerprint=fingerprint)
            return answer(await handler(command, unit), service)

        return handle

    return {endpoint_name(t): endpoint(t, h) for t, h in routes.items()}
