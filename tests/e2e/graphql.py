"""A small GraphQL client for the end-to-end tests."""

from __future__ import annotations

from typing import Any

import httpx

from shared.contracts import Actor
from tests.support import token_for


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


REGISTER = """
mutation($input: RegisterRecipientInput!) {
  registerRecipient(input: $input) {
    __typename
    ... on RecipientRegistered { recipientId consistencyToken }
    ... on UserError { code field messageZh messageEn }
  }
}"""

OPEN = """
mutation($input: OpenCaseInput!, $key: String) {
  openCase(input: $input, idempotencyKey: $key) {
    __typename
    ... on CaseOpened { caseId consistencyToken }
    ... on UserError { code field messageZh messageEn }
  }
}"""

RECORD = """
mutation($input: RecordCaseSessionInput!) {
  recordCaseSession(input: $input) {
    __typename
    ... on CaseSessionRecorded { caseId sessionId consistencyToken }
    ... on UserError { code field messageZh messageEn }
  }
}"""

CLOSE = """
mutation($input: CloseCaseInput!) {
  closeCase(input: $input) {
    __typename
    ... on CaseClosed { caseId consistencyToken }
    ... on UserError { code field messageZh messageEn }
  }
}"""

CASES = """
query($stationId: ID, $token: String) {
  cases(stationId: $stationId, first: 10, consistencyToken: $token) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id status sessionCount lastSessionOn recipientName station { name code } } }
  }
}"""

CASE = """
query($id: ID!, $token: String) { case(id: $id, consistencyToken: $token) { id status sessionCount } }"""

STATION_MONTH = """
query($stationId: ID!, $month: String!, $token: String) {
  stationMonth(stationId: $stationId, month: $month, consistencyToken: $token) {
    month openCases casesOpened casesClosed sessionsHeld casePersonTimes peopleServed station { name }
  }
}"""
