"""Over GraphQL, input no store can hold is refused as `invalid_input` naming its field, and nothing changes."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest

from shared.contracts import Actor
from tests.e2e.graphql import CASE, CASES, OPEN, RECORD, graphql
from tests.support import System, open_case_for, open_station, token_for, worker

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day


async def raw(http: httpx.AsyncClient, actor: Actor, query: str, **variables: Any) -> dict[str, Any]:
    """POST with the body JSON-escaped as most clients send it, so that a lone surrogate travels as `\\ud800`."""
    answer = await http.post("/graphql", content=json.dumps({"query": query, "variables": variables}),
                             headers={"Authorization": f"Bearer {token_for(actor)}",
                                      "Content-Type": "application/json"})
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def session(case_id: str, **fields: Any) -> dict[str, Any]:
    return {"caseId": case_id, "heldOn": "2026-10-09", "mode": "PHONE", "durationMinutes": 20, **fields}


async def test_session_notes_over_five_thousand_characters_are_refused_and_nothing_is_recorded(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    case_id = (await open_case_for(system, station_id, me))["case_id"]
    before = await system.events_written()

    answer = await graphql(http, RECORD, me, input=session(case_id, notes="记" * 5001))

    assert answer["data"]["recordCaseSession"] == {
        "__typename": "InvalidInput", "code": "invalid_input", "field": "notes",
        "messageZh": "字段 notes 最多 5000 个字符", "messageEn": "notes may have at most 5,000 characters"}
    assert await system.events_written() == before


async def test_a_nul_or_a_lone_surrogate_in_a_variable_or_a_literal_is_refused_before_any_service_is_asked(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    case_id = (await open_case_for(system, station_id, me))["case_id"]
    before = await system.events_written()
    literal = ('mutation { recordCaseSession(input: {caseId: "' + case_id + '", heldOn: "2026-10-09", mode: PHONE,'
               ' durationMinutes: 20, notes: "前\\u0000后"}) { __typename } }')

    answers = [await raw(http, me, RECORD, input=session(case_id, notes="前\u0000后")),
               await raw(http, me, RECORD, input=session(case_id, notes="半个\ud800字")),
               await raw(http, me, literal),
               await raw(http, me, CASES, stationId="\ud800")]

    assert [(a["data"], a["errors"][0]["extensions"]["code"], a["errors"][0]["extensions"]["field"])
            for a in answers] == [(None, "invalid_input", "input.notes"), (None, "invalid_input", "input.notes"),
                                  (None, "invalid_input", "input.notes"), (None, "invalid_input", "stationId")]
    assert "U+D800" in answers[1]["errors"][0]["extensions"]["messageEn"]
    assert "无法保存" in answers[0]["errors"][0]["extensions"]["messageZh"]
    assert await system.events_written() == before


async def test_an_id_that_is_not_a_uuid_is_refused_as_invalid_input_in_a_mutation_and_a_query(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    before = await system.events_written()

    recorded = await graphql(http, RECORD, me, input=session("no-such-case"))
    read = await graphql(http, CASE, me, id="../../etc")

    assert recorded["data"]["recordCaseSession"]["__typename"] == "InvalidInput"
    assert recorded["data"]["recordCaseSession"]["field"] == "caseId"
    assert recorded["data"]["recordCaseSession"]["messageEn"] == "caseId must be a UUID in lower case (like 3f2b8c1e-…)"
    assert read["errors"][0]["extensions"]["code"] == "invalid_input"
    assert read["errors"][0]["extensions"]["field"] == "caseId"
    assert await system.events_written() == before


async def test_an_idempotency_key_of_the_wrong_form_is_refused_and_no_case_is_opened(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    recipient = await system.call("cases", "register_recipient", {
        "station_id": station_id, "name": "叶某", "gender": "male", "birth_year": 1968, "community": "一力社区"}, me)
    opening = {"recipientId": recipient["recipient_id"], "workerId": me.subject, "intakeSource": "OUTREACH",
               "presentingProblem": "独居", "openedOn": "2026-10-08"}
    before = await system.events_written()

    answers = [(await graphql(http, OPEN, me, input=opening, key=key))["data"]["openCase"]
               for key in ["带中文", "has space", "k" * 129]]

    assert [(a["__typename"], a["field"]) for a in answers] == [("InvalidInput", "idempotencyKey")] * 3
    assert await system.events_written() == before
    again = (await graphql(http, OPEN, me, input=opening, key=str(uuid.uuid4())))["data"]["openCase"]
    assert again["__typename"] == "OpenCasePayload"
