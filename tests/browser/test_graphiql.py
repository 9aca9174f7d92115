"""GraphiQL in a real browser with no internet: a pasted token, a query's answer, and a live stationFeed event."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.async_api import Browser, Page, Request, Route, WebSocket, expect

from tests.browser.conftest import WAIT_MS
from tests.clock import STORY, story_day
from tests.e2e.graphql import recorded
from tests.support import System, open_station, token_for, worker

pytestmark = pytest.mark.dateless  # no day matters to GraphiQL's page and sockets

QUERY = "query Stations { me { name role } stations { name code } }"
FEED = "subscription Feed { stationFeed { eventType stationId streamId actor } }"


class Offline:
    """The page's requests: those to the gateway (127.0.0.1) go through, anything else is refused and noted."""

    def __init__(self) -> None:
        self.refused: list[str] = []
        self.problems: list[str] = []
        self.frames_sent: list[dict[str, object]] = []

    async def route(self, route: Route, request: Request) -> None:
        if urlsplit(request.url).hostname == "127.0.0.1":
            await route.continue_()
        else:
            self.refused.append(request.url)
            await route.abort("internetdisconnected")

    def websocket(self, socket: WebSocket) -> None:
        socket.on("framesent", lambda payload: self.frames_sent.append(json.loads(payload)))

    async def watch(self, page: Page) -> None:
        await page.route("**/*", self.route)
        page.on("websocket", self.websocket)
        page.on("console", lambda message: self.problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: self.problems.append(str(error)))


async def replace_text(page: Page, editor: str, text: str) -> None:
    """Click into a GraphiQL editor, select all and paste `text`, as a person would."""
    await page.locator(f"{editor} .CodeMirror").click()
    await page.keyboard.press("Control+A")
    await page.keyboard.insert_text(text)


async def paste_operation(page: Page, text: str, name: str) -> None:
    """Paste an operation into the query editor and wait, as a person's pause does, for GraphiQL to have parsed it:
    it reads the operation's name 100 ms after an edit, and a click before that runs the previous one."""
    await replace_text(page, ".graphiql-query-editor", text)
    await page.wait_for_function(
        "name => document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.operationName === name",
        arg=name)


async def subscribed(offline: Offline) -> None:
    """Until GraphiQL has sent its subscription over the WebSocket, bounded."""
    for _ in range(100):
        if any(frame.get("type") == "subscribe" for frame in offline.frames_sent):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"GraphiQL sent no subscription; frames: {offline.frames_sent}")


@pytest.mark.clock(STORY)
async def test_graphiql_offline_takes_a_pasted_token_answers_a_query_and_shows_a_live_station_feed_event(
        system: System, http: httpx.AsyncClient, browser: Browser, artifacts: Path) -> None:
    station = await open_station(system)
    me = worker(station, "sw-hsp-1")
    token = token_for(me)
    page = await browser.new_page(viewport={"width": 1400, "height": 900})
    page.set_default_timeout(WAIT_MS)
    offline = Offline()
    await offline.watch(page)
    screenshot = artifacts / "graphiql.png"
    try:
        await page.goto(f"{http.base_url}/graphql")
        await expect(page.locator(".graphiql-container")).to_be_visible()
        headers = "section.graphiql-editor-tool .graphiql-editor:not(.hidden)"
        await expect(page.locator(f"{headers} .CodeMirror")).to_be_visible()  # the Headers pane opens by default
        await replace_text(page, headers, json.dumps({"Authorization": f"Bearer {token}"}))

        await paste_operation(page, QUERY, "Stations")
        await page.locator(".graphiql-execute-button").click()
        response = page.locator(".graphiql-response .CodeMirror-code")
        await expect(response).to_contain_text('"role": "social_worker"')
        await expect(response).to_contain_text('"code": "HSP"')

        await paste_operation(page, FEED, "Feed")
        await page.locator(".graphiql-execute-button").click()
        await subscribed(offline)
        await asyncio.sleep(1)  # the gateway's NATS subscription is in place once the socket has subscribed
        activity_id = await recorded(http, me, "recordActivity", "RecordActivityInput", stationId=station,
                                     community="一力社区", title="中秋游园", kind="FESTIVAL", heldOn=story_day(20),
                                     place="广场", directParticipants=30)
        await expect(response).to_contain_text('"eventType": "ActivityHeld"')
        await expect(response).to_contain_text(f'"streamId": "activity-{activity_id}"')
    finally:
        await page.screenshot(path=screenshot, full_page=True)
        print(f"GraphiQL screenshot: {screenshot}")
        await page.close()

    [init] = [frame for frame in offline.frames_sent if frame.get("type") == "connection_init"]
    assert init["payload"] == {"Authorization": f"Bearer {token}"}  # the Headers pane, as connection_init
    assert offline.refused == [], "the page asked for something beyond the gateway"
    assert offline.problems == [], offline.problems
