"""Every kind of mistake a client can make answers a code and the message in Chinese and English, over real HTTP:
parse, validation, enum values, scalars and variables, each limit, every way a token is wrong, and a refusal of
another station's records. The Chinese message holds no English: only quoted identifiers (“stationz”)."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import httpx
import jwt
import pytest
import websockets

from shared.auth import issue_token
from tests.clock import story_day
from tests.e2e.conftest import gateway
from tests.e2e.graphql import RECORD, STATION_MONTH, graphql
from tests.support import SECRET, System, open_station, token_for, worker

pytestmark = pytest.mark.dateless  # the dates below are data: nothing is recorded

QUOTED = re.compile(r"“[^”]*”")
IDS = re.compile(r"[\w-]*\d[\w-]*")
ENGLISH = re.compile(r"[A-Za-z]{2,}")


def chinese_only(zh: str) -> bool:
    """No English word outside the quoted identifiers (field, type, variable and enum names) and the ids."""
    return ENGLISH.search(IDS.sub("", QUOTED.sub("", zh))) is None


def the_error(body: dict[str, Any], code: str) -> dict[str, Any]:
    assert body.get("errors"), body
    error: dict[str, Any] = body["errors"][0]
    extensions = error["extensions"]
    assert extensions["code"] == code, error
    assert error["message"] == f"{extensions['messageZh']} / {extensions['messageEn']}", error
    assert extensions["messageEn"] and chinese_only(extensions["messageZh"]), extensions["messageZh"]
    return error


def deep(levels: int) -> str:
    return "{ stations " + "{ community { station " * levels + "{ id }" + " } }" * levels + " }"


UNPLACED = {"invalid_variables", "too_many_tokens", "too_many_aliases", "unknown_enum_value"}
"""Refused for the document or variables as a whole: graphql-core gives these no location."""
MISTAKES: list[tuple[str, str, dict[str, Any]]] = [
    ("syntax_error", "{ stations { id }", {}),
    ("invalid_query", "{ stationz { id } }", {}),
    ("invalid_query", "{ case { id } }", {}),
    ("invalid_query", "{ stations { id name(x: 1) } }", {}),
    ("invalid_query", "query($n: Int) { stations { id } }", {}),
    ("invalid_value", "{ cases(first: \"ten\") { totalCount } }", {}),
    ("unknown_enum_value", """mutation { recordCaseSession(input: {caseId: "c", heldOn: "2026-01-02",
        mode: HOMEVISIT, durationMinutes: 10}) { __typename } }""", {}),
    ("unknown_enum_value", RECORD, {"input": {"caseId": "c", "heldOn": story_day(2), "mode": "HOMEVISIT",
                                              "durationMinutes": 10}}),
    ("invalid_variables", "query($n: Int!) { cases(first: $n) { totalCount } }", {"n": "ten"}),
    ("invalid_variables", "query($n: Int!) { cases(first: $n) { totalCount } }", {}),
    ("too_many_aliases", "{ " + " ".join(f"a{i}: __typename" for i in range(40)) + " }", {}),
    ("too_many_tokens", "{ " + " ".join("__typename" for _ in range(2100)) + " }", {}),
]


@pytest.mark.parametrize(("code", "query", "variables"), MISTAKES)
async def test_a_mistake_in_the_document_or_its_variables_answers_its_code_in_both_languages_with_no_data(
        system: System, http: httpx.AsyncClient, code: str, query: str, variables: dict[str, Any]) -> None:
    body = (await http.post("/graphql", json={"query": query, "variables": variables},
                            headers={"authorization": f"Bearer {token_for(worker('s-1'))}"})).json()

    error = the_error(body, code)
    assert "data" not in body
    assert error.get("locations") or code in UNPLACED


async def test_a_document_nested_too_deep_is_refused_as_query_too_deep(http: httpx.AsyncClient) -> None:
    body = (await http.post("/graphql", json={"query": deep(6)},
                            headers={"authorization": f"Bearer {token_for(worker('s-1'))}"})).json()

    assert the_error(body, "query_too_deep")["extensions"]["limit"] == 10


async def test_a_typo_is_answered_with_its_suggestion_in_both_languages_in_development(
        http: httpx.AsyncClient) -> None:
    error = the_error(await graphql(http, "{ stationz { id } }"), "invalid_query")

    assert error["extensions"]["messageZh"] == "类型“Query”上没有字段“stationz”，是否想用：“stations”"
    assert error["extensions"]["messageEn"] == "Cannot query field 'stationz' on type 'Query'. Did you mean 'stations'?"
    assert error["locations"] == [{"line": 1, "column": 3}]


async def test_in_production_an_anonymous_caller_is_told_no_suggestion_in_either_language(system: System) -> None:
    async with gateway(system, production=True) as http:
        error = the_error(await graphql(http, "{ stationz { id } }"), "invalid_query")

    assert "stations" not in error["extensions"]["messageZh"] + error["extensions"]["messageEn"]
    assert "是否" not in error["extensions"]["messageZh"]


TOKENS: list[tuple[str, str | None]] = [
    ("unauthenticated", None),
    ("invalid_token", "not.a.token"),
    ("invalid_token", issue_token("another-secret-of-sufficient-length-456", worker("s-1"))),
    ("token_expired", issue_token(SECRET, worker("s-1"), ttl_seconds=-10)),
    ("unknown_role", jwt.encode({"sub": "x", "role": "mayor", "exp": 9999999999, "iss": "hemiao",
                                 "aud": "hemiao"}, SECRET, algorithm="HS256")),
]


@pytest.mark.parametrize(("code", "token"), TOKENS)
async def test_a_missing_or_bad_token_answers_its_own_code_in_both_languages_without_class_names(
        http: httpx.AsyncClient, code: str, token: str | None) -> None:
    headers = {} if token is None else {"authorization": f"Bearer {token}"}

    body = (await http.post("/graphql", json={"query": "{ stations { id } }"}, headers=headers)).json()

    error = the_error(body, code)
    assert error["extensions"]["field"] == "Authorization"
    assert "Error" not in error["message"]


async def test_a_mutation_with_a_bad_token_answers_the_typed_unauthenticated_result_with_its_code(
        http: httpx.AsyncClient) -> None:
    body = await graphql(http, RECORD, bearer=issue_token(SECRET, worker("s-1"), ttl_seconds=-10), input={
        "caseId": "c", "heldOn": story_day(2), "mode": "PHONE", "durationMinutes": 10})

    refused = body["data"]["recordCaseSession"]
    assert (refused["__typename"], refused["code"]) == ("Unauthenticated", "token_expired")
    assert chinese_only(refused["messageZh"]) and refused["messageEn"]


async def test_another_stations_month_is_refused_as_forbidden_in_both_languages(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)

    body = await graphql(http, STATION_MONTH, worker("another-station"), stationId=station_id,
                         month=story_day(1)[:7])

    the_error(body, "forbidden")


async def test_a_subscription_with_a_mistake_answers_its_code_in_both_languages_over_the_websocket(
        http: httpx.AsyncClient) -> None:
    url = str(http.base_url.join("/graphql")).replace("http://", "ws://")
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init",
                                  "payload": {"Authorization": f"Bearer {token_for(worker('s-1'))}"}}))
        assert json.loads(await asyncio.wait_for(ws.recv(), timeout=10))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe",
                                  "payload": {"query": "subscription { stationFeed { eventTipe } }"}}))
        answer = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))

    assert answer["type"] == "error", answer
    error = the_error({"errors": answer["payload"]}, "invalid_query")
    assert "“eventTipe”" in error["extensions"]["messageZh"]
