"""Live updates over graphql-transport-ws: a station's feed gets its own events and nothing of another station."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import websockets

from shared.contracts import Actor
from tests.e2e.test_station_work import recorded
from tests.support import System, open_station, token_for, worker

FEED = "subscription { stationFeed { eventType stationId streamId actor } }"


@asynccontextmanager
async def subscribed(http: httpx.AsyncClient, actor: Actor, query: str) -> AsyncIterator[Any]:
    """A standard graphql-transport-ws client: the token in connection_init, then one subscription."""
    url = str(http.base_url).replace("http://", "ws://") + "/graphql"
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token_for(actor)}"}}
        await ws.send(json.dumps(init))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
        await asyncio.sleep(0.3)  # the gateway's NATS subscription is in place
        yield ws


async def next_item(ws: Any) -> dict[str, Any]:
    message = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
    assert message["type"] == "next", message
    item: dict[str, Any] = message["payload"]["data"]["stationFeed"]
    return item


async def test_a_station_feed_gets_its_own_events_as_they_happen_and_nothing_of_another_station(
        system: System, http: httpx.AsyncClient) -> None:
    hsp, wy = await open_station(system), await open_station(system, "WY")
    me, them = worker(hsp, "sw-hsp-1"), worker(wy, "sw-wy-1")
    async with subscribed(http, me, FEED) as mine, subscribed(http, them, FEED) as theirs:
        started = time.monotonic()
        activity_id = await recorded(http, them, "recordActivity", "RecordActivityInput", stationId=wy,
                                     community="一力社区", title="中秋游园", kind="FESTIVAL", heldOn="2026-09-25",
                                     place="广场", directParticipants=30)
        theirs_first = await next_item(theirs)
        project_id = await recorded(http, me, "startProject", "StartProjectInput", stationId=hsp, name="小巷汇爱",
                                    aims="邻里互助", targetPopulation="独居老人", communities=["一力社区"],
                                    startsOn="2026-01-01", endsOn="2026-12-31")
        mine_first = await next_item(mine)
        elapsed = time.monotonic() - started

    assert theirs_first == {"eventType": "ActivityHeld", "stationId": wy, "streamId": f"activity-{activity_id}",
                            "actor": "sw-wy-1"}
    # HSP's subscriber was open while WY's activity was recorded: its first item is its own project.
    assert mine_first == {"eventType": "ProjectStarted", "stationId": hsp, "streamId": f"project-{project_id}",
                          "actor": "sw-hsp-1"}
    print(f"two mutations and their feed items in {elapsed:.2f} s")
