"""systemStatus: for operators, each read-side consumer's lag and the events it parked."""

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
