"""The GraphQL-over-HTTP spec's statuses and media types: application/graphql-response+json answers 400 for
request errors and 401 for an answer that is only a missing or bad token; application/json (and no Accept, or
*/*) answers 200, as the spec's legacy rules say; requests refused before GraphQL runs are coded and bilingual."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.clock import story_day
from tests.e2e.graphql import STATION_MONTH
from tests.support import System, open_station, token_for, worker

pytestmark = pytest.mark.dateless  # the month asked for is data

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
STATIONS = "{ stations { id } }"


async def post(http: httpx.AsyncClient, accept: str, query: str, token: str | None = None,
               **variables: Any) -> httpx.Response:
    headers = {"accept": accept}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    return await http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)


def media(answer: httpx.Response) -> str:
    return answer.headers["content-type"].split(";")[0]


@pytest.mark.parametrize(("query", "variables", "code"), [
    ("{ stations { id }", {}, "syntax_error"),
    ("{ stationz { id } }", {}, "invalid_query"),
    ("query($n: Int!) { cases(first: $n) { totalCount } }", {"n": "ten"}, "invalid_variables"),
])
async def test_a_request_error_is_400_with_no_data_under_graphql_response_json_and_200_under_json(
        http: httpx.AsyncClient, query: str, variables: dict[str, Any], code: str) -> None:
    token = token_for(worker("s-1"))

    modern = await post(http, GRAPHQL_RESPONSE, query, token, **variables)
    legacy = await post(http, JSON, query, token, **variables)

    assert (modern.status_code, media(modern)) == (400, GRAPHQL_RESPONSE)
    assert (legacy.status_code, media(legacy)) == (200, JSON)
    for answer in (modern, legacy):
        assert "data" not in answer.json() and answer.json()["errors"][0]["extensions"]["code"] == code
        assert answer.headers["content-type"].endswith("charset=utf-8")


@pytest.mark.parametrize(("token", "code"), [(None, "unauthenticated"), ("not.a.token", "invalid_token")])
async def test_an_answer_that_is_only_a_missing_or_bad_token_is_401_under_graphql_response_json(
        http: httpx.AsyncClient, token: str | None, code: str) -> None:
    modern = await post(http, GRAPHQL_RESPONSE, STATIONS, token)
    legacy = await post(http, JSON, STATIONS, token)

    assert (modern.status_code, media(modern)) == (401, GRAPHQL_RESPONSE)
    assert "data" not in modern.json() and modern.json()["errors"][0]["extensions"]["code"] == code
    assert (legacy.status_code, media(legacy)) == (200, JSON)
    assert legacy.json()["errors"][0]["extensions"]["code"] == code


async def test_a_refused_field_of_a_valid_request_is_200_under_either_media_type(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    token = token_for(worker("another-station"))

    answers = [await post(http, accept, STATION_MONTH, token, stationId=station_id, month=story_day(1)[:7])
               for accept in (GRAPHQL_RESPONSE, JSON)]

    assert [(a.status_code, media(a)) for a in answers] == [(200, GRAPHQL_RESPONSE), (200, JSON)]
    assert all(a.json()["data"] is None and a.json()["errors"][0]["extensions"]["code"] == "forbidden"
               for a in answers)


@pytest.mark.parametrize(("accept", "expected"), [
    ("*/*", JSON),  # as httpx sends by default; no Accept at all is audited by tests/e2e/test_http_audit.py
    (JSON, JSON),
    (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
    (f"{GRAPHQL_RESPONSE}, {JSON};q=0.9", GRAPHQL_RESPONSE),
    (f"{GRAPHQL_RESPONSE};q=0.5, {JSON}", JSON),
])
async def test_the_answer_has_the_media_type_the_client_prefers(
        http: httpx.AsyncClient, accept: str, expected: str) -> None:
    answer = await post(http, accept, "{ __typename }")

    assert (answer.status_code, media(answer), answer.json()) == (200, expected, {"data": {"__typename": "Query"}})


async def test_a_body_that_is_not_json_is_a_coded_bilingual_400_in_the_media_type_asked_for(
        http: httpx.AsyncClient) -> None:
    answer = await http.post("/graphql", content=b"{not json", headers={
        "content-type": JSON, "accept": GRAPHQL_RESPONSE})

    assert (answer.status_code, media(answer)) == (400, GRAPHQL_RESPONSE)
    assert answer.json() == {"errors": [{"message": "请求体不是有效的 JSON / The body is not valid JSON",
                                         "extensions": {"code": "bad_request", "messageZh": "请求体不是有效的 JSON",
                                                        "messageEn": "The body is not valid JSON"}}]}


async def test_a_mutation_sent_by_get_is_refused_with_405_and_changes_nothing(
        system: System, http: httpx.AsyncClient) -> None:
    before = await system.events_written()

    answer = await http.get("/graphql", params={"query": 'mutation { closeStation(input: {stationId: "x"}) '
                                                         "{ __typename } }"}, headers={"accept": JSON})

    assert (answer.status_code, answer.headers["allow"]) == (405, "GET, POST")
    assert answer.json()["errors"][0]["extensions"]["code"] == "method_not_allowed"
    assert await system.events_written() == before
