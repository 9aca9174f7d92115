"""systemStatus and readModels: for operators, each read-side consumer's lag and the events it parked, the relay
that feeds it (blocked or behind), and each read model's version and rebuild."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

import strawberry

from gateway.context import Context

log = logging.getLogger(__name__)


@strawberry.type(description="An event a projection could not apply, parked with its error until replayed")
class ParkedEvent:
    stream_id: str
    version: int
    type: str
    error: str
    parked_at: datetime


@strawberry.type(description="The relay of a write service: what it has not yet published to its stream, and why")
class RelayStatus:
    service: str
    state: str = strawberry.field(description="active, blocked (NATS refuses its next event: see blockedReason),"
                                              " waiting_for_nats, standby …; unreachable when the service did not"
                                              " answer, and then nothing below is known")
    unpublished_events: int | None = strawberry.field(description="Committed events not yet published")
    oldest_unpublished_seconds: float | None = strawberry.field(
        description="How long the oldest of them has waited (0 when none waits)")
    blocked_event_id: str | None = strawberry.field(
        description="The event NATS refuses; later events wait behind it (docs/operations.md says what to do)")
    blocked_reason: str | None
    blocked_since: datetime | None


def relay_from(service: str, found: dict[str, Any] | None) -> RelayStatus:
    if found is None:
        return RelayStatus(service=service, state="unreachable", unpublished_events=None,
                           oldest_unpublished_seconds=None, blocked_event_id=None, blocked_reason=None,
                           blocked_since=None)
    return RelayStatus(service=service, state=found["state"], unpublished_events=found["unpublished_events"],
                       oldest_unpublished_seconds=found["oldest_unpublished_seconds"],
                       blocked_event_id=found["blocked_event_id"], blocked_reason=found["blocked_reason"],
                       blocked_since=found["blocked_since"] and datetime.fromisoformat(found["blocked_since"]))


async def relay_of(info: strawberry.Info[Context, None], service: str) -> RelayStatus:
    try:
        return relay_from(service, await info.context.query("relay_status", {}, service=service, typed=True))
    except Exception as error:  # a service that does not answer is not well: say so, never leave it out
        log.warning("relay_status of %s: %r", service, error)
        return relay_from(service, None)


@strawberry.type(description="One durable consumer of an event stream, and how far behind it is")
class ConsumerStatus:
    consumer: str
    state: str = strawberry.field(description="active, standby, recovering … (elsewhere: another copy runs it)")
    applied_stream_seq: int
    stream_last_seq: int
    lag_events: int
    lag_seconds: float = strawberry.field(description="Since the last applied event, while events are waiting")
    parked: list[ParkedEvent] = strawberry.field(
        description="Replay with `make replay-parked` once fixed; later events of their streams wait behind them")
    source: str = strawberry.field(description="The write service whose stream it follows")
    relay: RelayStatus = strawberry.field(
        description="That service's relay: events committed there but not yet in the stream are not in lagEvents")


async def system_status(info: strawberry.Info[Context, None]) -> list[ConsumerStatus]:
    found = await info.context.query("system_status", {})
    sources = list(dict.fromkeys(c["source"] for c in found["consumers"]))
    relays = dict(zip(sources, await asyncio.gather(*(relay_of(info, s) for s in sources)), strict=True))
    return [ConsumerStatus(consumer=c["consumer"], state=c["state"], applied_stream_seq=c["applied_stream_seq"],
                           stream_last_seq=c["stream_last_seq"], lag_events=c["lag_events"],
                           lag_seconds=c["lag_seconds"], source=c["source"], relay=relays[c["source"]],
                           parked=[ParkedEvent(stream_id=p["stream_id"], version=p["version"], type=p["type"],
                                               error=p["error"], parked_at=datetime.fromisoformat(p["parked_at"]))
                                   for p in c["parked"]]) for c in found["consumers"]]


@strawberry.type(description="A rebuild under way in the reporting process that answered")
class RebuildUnderWay:
    phase: str = strawberry.field(description="preparing, replaying, swapping, done")
    done: int = strawberry.field(description="Events replayed so far")
    total: int = strawberry.field(description="Events in the streams when the rebuild started")
    events_per_second: float
    seconds_left: float | None


@strawberry.type(description="A read model (projection): its code's version, and the version its live tables were"
                             " built by; they differ until the rebuild reporting starts for it swaps in")
class ReadModelStatus:
    name: str
    version: int = strawberry.field(description="The version of the projection's code")
    built_version: int | None = strawberry.field(description="The version that built the live tables")
    built_at: datetime | None
    rebuilding: RebuildUnderWay | None
    last_error: str | None = strawberry.field(description="Why the last background rebuild of it failed, if it did")


async def read_models(info: strawberry.Info[Context, None]) -> list[ReadModelStatus]:
    found = await info.context.query("system_status", {})
    return [ReadModelStatus(name=p["name"], version=p["version"], built_version=p["built_version"],
                            built_at=datetime.fromisoformat(p["built_at"]) if p["built_at"] else None,
                            rebuilding=RebuildUnderWay(**p["rebuilding"]) if p["rebuilding"] else None,
                            last_error=p["last_error"]) for p in found["projections"]]
