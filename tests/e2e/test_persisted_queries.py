"""Persisted queries as Apollo clients send them (a sha256 hash first, the document only when the server lacks it),
and the allow-list mode in which only a manifest's operations run, over HTTP and the WebSocket alike."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from gateway.persisted import load_manifest
from gateway.persisted.manifest import manifest_of
from gateway.schema import MAX_QUERY_CHARS
from tests.e2e.conftest import gateway
from tests.support import System, open_station, token_for, worker

pytestmark = pytest.mark.dateless  # a document's hash holds on any day

ME = "query Me { me { name role } }"
STATIONS = "query Stations { stations { name } }"


def sha(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def persisted(document: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha(document)}}


async def post(http: httpx.AsyncClient, token: str, query: str | None = None,
               extensions: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"extensions": extensions} if extensions else {}
    if query is not None:
        body["query"] = query
    answer = await http.post("/graphql", json=body, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def code(answer: dict[str, Any]) -> str:
    error = answer["errors"][0]
    assert error["extensions"]["messageZh"] and error["extensions"]["messageEn"], error
    return str(error["extensions"]["code"])


async def test_a_hash_the_gateway_has_not_seen_is_asked_for_then_sent_with_its_document_then_runs_alone(
        system: System, http: httpx.AsyncClient) -> None:
    token = token_for(worker(await open_station(system)))

    missing = await post(http, token, extensions=persisted(ME))
    sent = await post(http, token, ME, persisted(ME))
    by_hash = await post(http, token, extensions=persisted(ME))
    by_get = await http.get("/graphql", params={"extensions": json.dumps(persisted(ME)), "operationName": "Me"},
                            headers={"Authorization": f"Bearer {token}", "Accept": "*/*"})
    ide = await http.get("/graphql", headers={"Accept": "text/html"})

    assert code(missing) == "PERSISTED_QUERY_NOT_FOUND" and missing.get("data") is None
    assert missing["errors"][0]["extensions"]["sha256Hash"] == sha(ME)
    assert sent["data"]["me"]["role"] == "social_worker" and "errors" not in sent
    assert by_hash == sent
    assert by_get.status_code == 200 and by_get.json() == sent  # JSON, not GraphiQL's page
    assert ide.status_code == 200 and ide.headers["content-type"].startswith("text/html")  # which a browser gets


async def test_a_hash_that_is_not_the_documents_is_refused_and_nothing_is_remembered(
        system: System, http: httpx.AsyncClient) -> None:
    token = token_for(worker(await open_station(system)))
    other = "query Other { me { name } }"

    mismatched = await post(http, token, ME, persisted(other))
    afterwards = await post(http, token, extensions=persisted(other))
    bad_version = await post(http, token, ME, {"persistedQuery": {"version": 2, "sha256Hash": sha(ME)}})
    bad_hash = await post(http, token, ME, {"persistedQuery": {"version": 1, "sha256Hash": "abc"}})

    assert code(mismatched) == "PERSISTED_QUERY_HASH_MISMATCH" and mismatched.get("data") is None
    assert code(afterwards) == "PERSISTED_QUERY_NOT_FOUND"
    assert code(bad_version) == code(bad_hash) == "PERSISTED_QUERY_INVALID"


async def test_only_a_document_that_validates_is_remembered_and_the_store_keeps_the_most_recently_used(
        system: System) -> None:
    token = token_for(worker(await open_station(system)))
    invalid = "query Nope { nothingHere }"
    long = "query Long { me { name } }" + " " * MAX_QUERY_CHARS
    documents = [f"query Q{n} {{ me {{ name }} }}" for n in range(3)]
    async with gateway(system, persisted_queries_max=2) as http:
        refused = await post(http, token, invalid, persisted(invalid))
        too_long = await post(http, token, long, persisted(long))
        forgotten = [await post(http, token, extensions=persisted(d)) for d in (invalid, long)]
        for document in documents:
            await post(http, token, document, persisted(document))
        await post(http, token, extensions=persisted(documents[1]))  # used again: Q2 is now the least recent
        await post(http, token, "query Q3 { me { name } }", persisted("query Q3 { me { name } }"))
        kept = [await post(http, token, extensions=persisted(d)) for d in documents]

    assert refused.get("data") is None and "nothingHere" in refused["errors"][0]["message"]
    assert code(too_long) == "query_too_large"
    assert [code(a) for a in forgotten] == ["PERSISTED_QUERY_NOT_FOUND"] * 2
    assert [code(k) if "errors" in k else "ran" for k in kept] == [
        "PERSISTED_QUERY_NOT_FOUND", "ran", "PERSISTED_QUERY_NOT_FOUND"]


def manifest(tmp_path: Path, *documents: str) -> str:
    """Apollo's persisted-query manifest of `documents`."""
    path = tmp_path / "persisted-query-manifest.json"
    path.write_text(json.dumps({"format": "apollo-persisted-query-manifest", "version": 1, "operations": [
        {"id": sha(d), "name": d.split()[1], "type": "query", "body": d} for d in documents]}), encoding="utf-8")
    return str(path)


async def test_in_allow_list_mode_only_the_manifests_operations_run_by_hash_or_by_their_text(
        system: System, tmp_path: Path) -> None:
    token = token_for(worker(await open_station(system)))
    async with gateway(system, persisted_queries="allowlist", persisted_queries_file=manifest(tmp_path, ME)) as http:
        by_hash = await post(http, token, extensions=persisted(ME))
        by_text = await post(http, token, ME)
        unlisted = await post(http, token, STATIONS)
        unlisted_sent = await post(http, token, STATIONS, persisted(STATIONS))
        unlisted_hash = await post(http, token, extensions=persisted(STATIONS))
        url = str(http.base_url).replace("http://", "ws://") + "/graphql"
        async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
            await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": STATIONS}}))
            over_websocket = json.loads(await ws.recv())

    assert by_hash["data"]["me"]["role"] == "social_worker" and by_text == by_hash
    assert code(unlisted) == code(unlisted_sent) == code(unlisted_hash) == "PERSISTED_QUERY_NOT_IN_LIST"
    assert unlisted.get("data") is None and unlisted["errors"][0]["extensions"]["operationName"] is None
    assert over_websocket["type"] == "error"
    assert over_websocket["payload"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"


async def test_with_persisted_queries_off_a_hash_is_answered_not_supported_and_a_document_runs(
        system: System) -> None:
    token = token_for(worker(await open_station(system)))
    async with gateway(system, persisted_queries="off") as http:
        hashed = await post(http, token, ME, persisted(ME))
        plain = await post(http, token, ME)

    assert code(hashed) == "PERSISTED_QUERY_NOT_SUPPORTED"
    assert plain["data"]["me"]["role"] == "social_worker"


def test_a_manifest_is_read_in_apollos_or_relays_shape_and_a_wrong_one_stops_the_gateway(tmp_path: Path) -> None:
    relay = tmp_path / "relay.json"
    relay.write_text(json.dumps({"5d41402abc4b2a76b9719d911017c592": ME}), encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"operations": [{"id": "x"}]}), encoding="utf-8")
    too_long = tmp_path / "long.json"
    too_long.write_text(json.dumps({"x": "{ me { name } }" + " " * MAX_QUERY_CHARS}), encoding="utf-8")

    assert load_manifest(manifest(tmp_path, ME, STATIONS), MAX_QUERY_CHARS) == {sha(ME): ME, sha(STATIONS): STATIONS}
    assert load_manifest(str(relay), MAX_QUERY_CHARS) == {"5d41402abc4b2a76b9719d911017c592": ME}
    for wrong, why in ((broken, "string id and document"), (too_long, "could never run"),
                       (tmp_path / "missing.json", "does not exist")):
        with pytest.raises(ValueError, match=why):
            load_manifest(str(wrong), MAX_QUERY_CHARS)


def test_an_operator_makes_the_manifest_from_the_front_ends_document_files(tmp_path: Path) -> None:
    document = tmp_path / "me.graphql"
    document.write_text(ME + "\n", encoding="utf-8")
    made = tmp_path / "manifest.json"
    made.write_text(json.dumps(manifest_of([str(document)])), encoding="utf-8")

    assert load_manifest(str(made), MAX_QUERY_CHARS) == {sha(ME + "\n"): ME + "\n"}
    assert json.loads(made.read_text(encoding="utf-8"))["operations"][0]["name"] == "Me"
