"""Live updates over graphql-transport-ws, fed by the event stream: what was recorded, when and by whom.

Only the event's kind and where it belongs are sent, never its data: what a subscriber sees of it, they read
with the queries, masked as queries are. A subscriber sees the events of the stations they may see.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Any

import strawberry

from gateway.context import Context, graphql_error
from gateway.node.arguments import raw_argument
from shared.contracts import Actor
from shared.contracts.errors import Forbidden, Message


@strawberry.type(description="Something was recorded: its kind, where, by whom and when (read it with the queries)")
class FeedItem:
    event_type: str
    station_id: strawberry.ID
    stream_id: str
    version: int
    actor: str
    recorded_at: datetime


def _stations(data: dict[str, Any]) -> list[str]:
    if data.get("station_id"):
        return [str(data["station_id"])]
    return [str(s) for s in data.get("station_ids") or []]


def _item(msg: Any, actor: Actor, station_id: str | None) -> FeedItem | None:
    """The message as a feed item, if the caller may see its station (and it is the one asked for)."""
    headers = msg.headers or {}
    try:
        data = json.loads(msg.data)
    except ValueError:
        return None
    seen = [s for s in _stations(data) if actor.may_act_for(s) and (station_id is None or s == station_id)]
    if not seen:
        return None
    return FeedItem(event_type=headers.get("hemiao-event-type", ""), station_id=strawberry.ID(seen[0]),
                    stream_id=headers.get("hemiao-stream-id", ""), version=int(headers.get("hemiao-stream-version", 0)),
                    actor=headers.get("hemiao-actor", ""), recorded_at=datetime.fromisoformat(headers["ce-time"]))


@strawberry.type
class Subscription:
    @strawberry.subscription(description="A station's activity feed: every event of the stations you may see "
                                         "(or of one), as it is published")
    async def station_feed(self, info: strawberry.Info[Context, None],
                           station_id: strawberry.ID | None = None) -> AsyncGenerator[FeedItem, None]:
        actor = info.context.actor()
        station_id = raw_argument(station_id, "station_id")
        if station_id is not None and not actor.may_act_for(str(station_id)):
            # as the queries do: a station the caller may not see is refused, not answered with silence
            raise graphql_error(Forbidden(Message(zh="无权查看该社工站的动态", en="You may not follow that station"),
                                          field="stationId"))
        subscription = await info.context.client.events()
        try:
            async for msg in subscription.messages:
                item = _item(msg, actor, None if station_id is None else str(station_id))
                if item is not None:
                    yield item
        finally:
            await subscription.unsubscribe()

    @strawberry.subscription(description="Every change to one case you may see, as it is published")
    async def case_changes(self, info: strawberry.Info[Context, None],
                           case_id: strawberry.ID) -> AsyncGenerator[FeedItem, None]:
        actor = info.context.actor()
        case_id = raw_argument(case_id, "case_id")
        subscription = await info.context.client.events()
        try:
            async for msg in subscription.messages:
                if (msg.headers or {}).get("hemiao-stream-id") == f"case-{case_id}":
                    item = _item(msg, actor, None)
                    if item is not None:
                        yield item
        finally:
            await subscription.unsubscribe()
