"""systemStatus and readModels: for operators, each read-side consumer's lag and the events it parked, and each
read model's version and rebuild."""

from __future__ import annotations

from datetime import datetime

import strawberry

from gateway.context import Context


@strawberry.type(description="An event a projection could not apply, parked with its error until replayed")
class ParkedEvent:
    stream_id: str
    version: int
    type: str
    error: str
    parked_at: datetime


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


async def system_status(info: strawberry.Info[Context, None]) -> list[ConsumerStatus]:
    found = await info.context.query("system_status", {})
    return [ConsumerStatus(consumer=c["consumer"], state=c["state"], applied_stream_seq=c["applied_stream_seq"],
                           stream_last_seq=c["stream_last_seq"], lag_events=c["lag_events"],
                           lag_seconds=c["lag_seconds"],
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
