"""A small GraphQL client for the end-to-end tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from shared.china import china_today
from shared.contracts import Actor
from tests.support import BUREAU, System, token_for


async def graphql(http: httpx.AsyncClient, query: str, actor: Actor | None = None, bearer: str | None = None,
                  **variables: Any) -> dict[str, Any]:
    """POST a query as `actor` (or with a raw `bearer` token); variables by keyword."""
    headers = {}
    if bearer is not None:
        headers["Authorization"] = f"Bearer {bearer}"
    elif actor is not None:
        headers["Authorization"] = f"Bearer {token_for(actor)}"
    answer = await http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def member(category: str, valid_from: str = "2026-01-01", source: str = "CIVIL_AFFAIRS_LIST") -> dict[str, str]:
    """A category membership as the registerRecipient input takes it."""
    return {"category": category, "validFrom": valid_from, "source": source}


REGISTER = """
mutation($input: RegisterRecipientInput!) {
  registerRecipient(input: $input) {
    __typename
    ... on RegisterRecipientPayload { recipientId consistencyToken }
    ... on UserError { code field messageZh messageEn }
  }
}"""

OPEN = """
mutation($input: OpenCaseInput!, $key: String) {
  openCase(input: $input, idempotencyKey: $key) {
    __typename
    ... on OpenCasePayload { caseId consistencyToken }
    ... on UserError { code field messageZh messageEn }
  }
}"""

RECORD = """
mutation($input: RecordCaseSessionInput!) {
  recordCaseSession(input: $input) {
    __typename
    ... on RecordCaseSessionPayload { caseId sessionId consistencyToken }
    ... on UserError { code field messageZh messageEn }
  }
}"""

CASES = """
query($stationId: ID, $token: String) {
  cases(stationId: $stationId, first: 10, consistencyToken: $token) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { caseId status sessionCount lastSessionOn recipientName station { name code } } }
  }
}"""

CASE = """
query($id: ID!, $token: String) { case(id: $id, consistencyToken: $token) { caseId status sessionCount } }"""

STATION_MONTH = """
query($stationId: ID!, $month: String!, $token: String) {
  stationMonth(stationId: $stationId, month: $month, consistencyToken: $token) {
    month openCases casesOpened casesClosed sessionsHeld casePersonTimes peopleServed station { name }
  }
}"""

CHANGE = """
mutation($input: %s!) {
  %s(input: $input) {
    __typename
    ... on CaseChanged { caseId referralId planVersion goalIds consistencyToken }
    ... on UserError { code field messageZh messageEn }
  }
}"""


async def change(http: httpx.AsyncClient, actor: Actor, mutation: str, input_type: str,
                 **input_: Any) -> dict[str, Any]:
    """Run one of the case-stage mutations; its CaseChanged or typed error."""
    answer = await graphql(http, CHANGE % (input_type, mutation), actor, input=input_)
    result: dict[str, Any] = answer["data"][mutation]
    return result


async def close_through_every_stage(http: httpx.AsyncClient, worker: Actor, head: Actor, case_id: str, *,
                                    assessed_on: str, evaluated_on: str, closed_on: str) -> str:
    """Assess, plan (drafted, submitted and approved the day of the assessment), evaluate, ask to close and approve
    it; the last consistency token."""
    target = (china_today() + timedelta(days=60)).isoformat()
    steps: list[tuple[Actor, str, str, dict[str, Any]]] = [
        (worker, "assessCase", "AssessCaseInput", {"assessedOn": assessed_on, "riskLevel": "MEDIUM",
                                                   "needs": [{"area": "SOCIAL", "description": "缺少社会支持"}]}),
        (worker, "draftServicePlan", "DraftServicePlanInput", {
            "strategies": "定期上门", "draftedOn": assessed_on,
            "goals": [{"description": "建立信任", "measure": "愿意倾诉", "targetDate": target}]}),
        (worker, "submitServicePlan", "SubmitServicePlanInput", {"submittedOn": assessed_on}),
        (head, "approveServicePlan", "DecideServicePlanInput", {"planVersion": 1, "approvedOn": assessed_on}),
        (worker, "evaluateCase", "EvaluateCaseInput", {"evaluatedOn": evaluated_on, "satisfaction": 5,
                                                       "goalResults": [{"goalId": "v1-g1", "result": "ACHIEVED"}]}),
        (worker, "requestCaseClosing", "RequestCaseClosingInput", {
            "closedOn": closed_on, "reason": "建立专业关系，目标达成", "outcome": "GOALS_MET",
            "followUp": "一个月后回访"}),
        (head, "approveCaseClosing", "DecideCaseClosingInput", {}),
    ]
    token = ""
    for actor, mutation, input_type, fields in steps:
        changed = await change(http, actor, mutation, input_type, caseId=case_id, **fields)
        assert changed["__typename"] == "CaseChanged", (mutation, changed)
        token = changed["consistencyToken"]
    return token


RECORDED = """
mutation($input: %s!) {
  %s(input: $input) {
    __typename
    ... on StationWorkRecorded { id groupId consistencyToken }
    ... on UserError { code field messageZh messageEn }
  }
}"""


async def record(http: httpx.AsyncClient, actor: Actor, mutation: str, input_type: str,
                 **input_: Any) -> dict[str, Any]:
    answer = await graphql(http, RECORDED % (input_type, mutation), actor, input=input_)
    assert "errors" not in answer, answer
    result: dict[str, Any] = answer["data"][mutation]
    return result


async def recorded(http: httpx.AsyncClient, actor: Actor, mutation: str, input_type: str, **input_: Any) -> str:
    result = await record(http, actor, mutation, input_type, **input_)
    assert result["__typename"] == "StationWorkRecorded", (mutation, result)
    return str(result["id"])


async def compound_at(system: System, http: httpx.AsyncClient, station_id: str, name: str) -> str:
    """A residential compound the bureau adds in the station's street and its first community."""
    street_id = (await system.activities.store.read_stream(f"station-{station_id}"))[0].payload.street_id
    community = (await system.activities.store.read_stream(f"street-{street_id}"))[1].payload.community_id
    return await recorded(http, BUREAU, "addCompound", "AddCompoundInput", streetId=street_id,
                          communityId=community, name=name)
