"""GraphiQL as the gateway serves it, over HTTP: its own page, only its own assets, and the Headers pane's token
taken from a WebSocket's connection_init as GraphiQL sends it (tests/browser drives the page itself)."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import websockets

from tests.clock import STORY, story_day
from tests.e2e.graphql import recorded
from tests.e2e.test_subscriptions import FEED, next_item
from tests.support import System, open_station, token_for, worker

pytestmark = pytest.mark.dateless  # no day matters to GraphiQL's page and sockets

HTML = {"Accept": "text/html,application/xhtml+xml"}
MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
               ".txt": "text/plain; charset=utf-8"}


async def page(http: httpx.AsyncClient) -> httpx.Response:
    answer = await http.get("/graphql", headers=HTML)
    assert answer.status_code == 200, answer.text
    return answer


async def test_the_graphiql_page_is_hemiaos_own_and_names_only_the_gateways_assets(http: httpx.AsyncClient) -> None:
    answer = await page(http)
    linked = re.findall(r'(?:src|href)="([^"]+)"', answer.text)

    assert answer.headers["content-type"].startswith("text/html")
    assert "hemiao" in answer.text and "Strawberry" not in answer.text
    assert re.findall(r"\w+://", answer.text) == [], "the page names no other host"
    policy = answer.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self';" in policy and "connect-src 'self';" in policy
    assert {re.sub(r"\?v=\w+$", "", url) for url in linked} == {"data:,", *(f"graphiql/assets/{name}" for name in (
        "react.production.min.js", "react-dom.production.min.js", "graphiql.min.js", "graphiql.min.css",
        "plugin-explorer.umd.js", "plugin-explorer.css", "hemiao-graphiql.js", "THIRD_PARTY_LICENSES.txt"))}


async def test_each_asset_comes_with_its_type_a_year_of_cache_gzipped_and_unchanged_answers_304(
        http: httpx.AsyncClient) -> None:
    linked = [url for url in re.findall(r'(?:src|href)="([^"]+)"', (await page(http)).text) if url != "data:,"]

    for url in linked:
        plain = await http.get(f"/{url}", headers={"Accept-Encoding": "identity"})
        gzipped = await http.get(f"/{url}", headers={"Accept-Encoding": "gzip"})
        again = await http.get(f"/{url}", headers={"If-None-Match": plain.headers["etag"]})

        suffix = re.search(r"\.\w+(?=\?)", url)
        assert suffix is not None, url
        assert plain.status_code == 200 and plain.content, url
        assert plain.headers["content-type"] == MEDIA_TYPES[suffix.group()], url
        assert plain.headers["cache-control"] == "public, max-age=31536000, immutable", url
        assert plain.headers["x-content-type-options"] == "nosniff"
        if suffix.group() != ".txt":
            assert gzipped.headers["content-encoding"] == "gzip", url
            assert int(gzipped.headers["content-length"]) < len(plain.content), url
        assert gzipped.content == plain.content, url  # httpx undoes the gzip
        assert (again.status_code, again.content) == (304, b""), url


async def test_an_asset_asked_for_without_its_digest_is_revalidated_and_nothing_else_on_disk_is_served(
        http: httpx.AsyncClient) -> None:
    unpinned = await http.get("/graphiql/assets/graphiql.min.js")
    stale = await http.get("/graphiql/assets/graphiql.min.js?v=0123456789abcdef")
    for name in ("page.py", "page.html", "vendor.sh", "package.json"):
        missing = await http.get(f"/graphiql/assets/{name}")
        assert missing.status_code == 404, name
        assert missing.json()["errors"][0]["extensions"] == {"code": "not_found", "messageZh": "没有这个文件",
                                                             "messageEn": "No such file", "path": name}, name
    for name in ("..%2Fpage.py", "..%2F..%2Fapp.py", "%2E%2E%2Fpage.py"):  # no route even takes these
        assert (await http.get(f"/graphiql/assets/{name}")).status_code == 404, name

    assert unpinned.status_code == 200 and unpinned.headers["cache-control"] == "no-cache"
    assert stale.status_code == 200 and stale.headers["cache-control"] == "no-cache"


@asynccontextmanager
async def graphiql_socket(http: httpx.AsyncClient, headers_pane: dict[str, str]) -> AsyncIterator[Any]:
    """A WebSocket as GraphiQL opens it: no Authorization header, no ?token=, the Headers pane as connection_init."""
    url = str(http.base_url).replace("http://", "ws://") + "/graphql"
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": headers_pane}))
        assert json.loads(await asyncio.wait_for(ws.recv(), timeout=10))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": FEED}}))
        yield ws


@pytest.mark.clock(STORY)
async def test_a_subscription_takes_its_token_only_from_the_headers_pane_sent_as_connection_init(
        system: System, http: httpx.AsyncClient) -> None:
    station = await open_station(system)
    me = worker(station, "sw-hsp-1")
    async with graphiql_socket(http, {"Authorization": f"Bearer {token_for(me)}"}) as ws:
        await asyncio.sleep(0.3)  # the gateway's NATS subscription is in place
        activity_id = await recorded(http, me, "recordActivity", "RecordActivityInput", stationId=station,
                                     community="一力社区", title="中秋游园", kind="FESTIVAL", heldOn=story_day(20),
                                     place="广场", directParticipants=30)
        item = await next_item(ws)

    assert item == {"eventType": "ActivityHeld", "stationId": station, "streamId": f"activity-{activity_id}",
                    "actor": "sw-hsp-1"}


@pytest.mark.parametrize(("headers_pane", "code"), [({}, "unauthenticated"),
                                                   ({"Authorization": "Bearer not-a-token"}, "invalid_token"),
                                                   ({"X-Other": "1"}, "unauthenticated")],
                         ids=["empty", "bad-token", "no-authorization"])
async def test_a_headers_pane_without_a_valid_token_gets_a_coded_bilingual_refusal_on_its_subscription(
        http: httpx.AsyncClient, headers_pane: dict[str, str], code: str) -> None:
    async with graphiql_socket(http, headers_pane) as ws:
        refused = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))

    assert (refused["type"], refused["payload"]["data"]) == ("next", None), refused
    [error] = refused["payload"]["errors"]
    assert error["extensions"]["code"] == code
    assert error["extensions"]["messageZh"] and error["extensions"]["messageEn"]
