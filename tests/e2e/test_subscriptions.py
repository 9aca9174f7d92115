"""Live updates over graphql-transport-ws: a station's feed gets its own events and nothing of another station."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import websockets

from shared.contracts import Actor
from tests.clock import STORY_YEAR_END
from tests.e2e.graphql import recorded
from tests.support import System, open_case_for, open_station, token_for, worker

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

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
        activity_id = await recorded(http, them, "recordActivity", "RecordActivityInput", stationId=wy,
                                     community="一力社区", title="中秋游园", kind="FESTIVAL", heldOn="2026-09-25",
                                     place="广场", directParticipants=30)
        theirs_first = await next_item(theirs)
        project_id = await recorded(http, me, "startProject", "StartProjectInput", stationId=hsp, name="小巷汇爱",
                                    aims="邻里互助", targetPopulation="独居老人", communities=["一力社区"],
                                    startsOn="2026-01-01", endsOn=STORY_YEAR_END)
        mine_first = await next_item(mine)
        later_id = await recorded(http, them, "recordActivity", "RecordActivityInput", stationId=wy,
                                  community="一力社区", title="重阳敬老", kind="FESTIVAL", heldOn="2026-10-29",
                                  place="广场", directParticipants=20)
        theirs_next = await next_item(theirs)  # after HSP's project: had they been sent it, it would come first

    assert theirs_first == {"eventType": "ActivityHeld", "stationId": wy, "streamId": f"activity-{activity_id}",
                            "actor": "sw-wy-1"}
    # HSP's subscriber was open while WY's activity was recorded: its first item is its own project.
    assert mine_first == {"eventType": "ProjectStarted", "stationId": hsp, "streamId": f"project-{project_id}",
                          "actor": "sw-hsp-1"}
    assert theirs_next["streamId"] == f"activity-{later_id}"


CHANGES = "subscription($case: ID!) { caseChanges(caseId: $case) { eventType stationId streamId actor } }"


def changes_of(http: httpx.AsyncClient, actor: Actor, case_id: str) -> Any:
    return subscribed(http, actor, CHANGES.replace("($case: ID!)", "").replace("$case", f'"{case_id}"'))


async def test_a_case_subscriber_gets_that_cases_changes_only_and_another_station_gets_nothing_of_it(
        system: System, http: httpx.AsyncClient) -> None:
    hsp, wy = await open_station(system), await open_station(system, "WY")
    me, them = worker(hsp, "sw-hsp-1"), worker(wy, "sw-wy-1")
    opened = await open_case_for(system, hsp, me)
    case_id = opened["case_id"]
    await system.read_models_have(opened["position"])  # published before we subscribe: not a change we wait for
    async with changes_of(http, me, case_id) as mine, changes_of(http, them, case_id) as theirs:
        await recorded(http, me, "recordActivity", "RecordActivityInput", stationId=hsp, community="一力社区",
                       title="社区游园", kind="FESTIVAL", heldOn="2026-10-20", place="广场", directParticipants=15)
        session = await http.post("/graphql", json={"query": """mutation($c: ID!) { recordCaseSession(input: {
            caseId: $c, heldOn: "2026-10-21", mode: HOME_VISIT, durationMinutes: 30}) { __typename } }""",
            "variables": {"c": case_id}}, headers={"Authorization": f"Bearer {token_for(me)}"})
        assert session.json()["data"]["recordCaseSession"]["__typename"] == "RecordCaseSessionPayload"
        mine_first = json.loads(await asyncio.wait_for(mine.recv(), timeout=10))["payload"]["data"]["caseChanges"]
        with pytest.raises(TimeoutError):  # the same event reached the gateway for both; theirs was held back
            await asyncio.wait_for(theirs.recv(), timeout=1)

    # the activity came first and went to nobody here: the first change is the case's session
    assert mine_first == {"eventType": "CaseSessionRecorded", "stationId": hsp, "streamId": f"case-{case_id}",
                          "actor": "sw-hsp-1"}


async def test_following_a_station_the_caller_may_not_see_is_refused_not_left_silent(
        system: System, http: httpx.AsyncClient) -> None:
    hsp, wy = await open_station(system), await open_station(system, "WY")
    query = 'subscription { stationFeed(stationId: "%s") { eventType } }'
    async with subscribed(http, worker(hsp, "sw-hsp-1"), query % wy) as theirs, \
            subscribed(http, worker(hsp, "sw-hsp-1"), query % hsp) as mine:
        refused = json.loads(await asyncio.wait_for(theirs.recv(), timeout=10))
        ended = json.loads(await asyncio.wait_for(theirs.recv(), timeout=10))
        await recorded(http, worker(hsp, "sw-hsp-1"), "recordActivity", "RecordActivityInput", stationId=hsp,
                       community="一力社区", title="中秋游园", kind="FESTIVAL", heldOn="2026-09-25", place="广场",
                       directParticipants=30)
        followed = await next_item(mine)

    # graphql-transport-ws: an execution error is a `next` with errors, and the subscription is complete
    assert (refused["type"], refused["payload"]["data"], ended["type"]) == ("next", None, "complete"), refused
    [error] = refused["payload"]["errors"]
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("forbidden", "stationId")
    assert error["extensions"]["messageZh"] and error["extensions"]["messageEn"]
    assert followed["eventType"] == "ActivityHeld", "the caller's own station is followed as before"
