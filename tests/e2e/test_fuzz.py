"""A bounded, seeded fuzz run: every query and mutation of the schema, with arguments hypothesis-graphql makes up,
sent by a social worker to a real gateway in front of the real services. No answer may be `internal` or a 5xx.

The documents are drawn with a fixed seed (`derandomize`), a few per operation, then sent one by one; a failure
names the operation, the document and the answer, so that it can be replayed by hand.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from typing import Any

import graphql
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations, queries

from gateway.schema import schema
from tests.e2e.conftest import gateway
from tests.support import System, open_case_for, open_station, token_for, worker

pytestmark = [pytest.mark.dateless,  # its dates are data: what it checks holds on any day
              pytest.mark.timeout(900)]  # ~600 requests: under a minute alone, minutes on a loaded machine

EXAMPLES_PER_OPERATION = 6
UNTHROTTLED = {"caller_points": 10**12, "caller_points_per_second": 10**12}
"""A fuzzer is no person at a front end: it sends ~600 requests at once, many asking for `first: 2147483647`
(each charged up to 20,000 points), which the default budget would answer 429 and so leave untried."""


def _string(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[graphql.ValueNode]:
    return strategy.map(lambda value: graphql.StringValueNode(value=value.isoformat()))


def documents(known_ids: list[str]) -> list[tuple[str, str]]:
    """(operation, document) pairs: EXAMPLES_PER_OPERATION for each root field of Query and Mutation. An ID is
    as often one of the records the test made (so that commands reach their rules) as anything at all."""
    ids = st.one_of(st.sampled_from([*known_ids, str(uuid.UUID(int=0))]), st.uuids().map(str), st.text(max_size=40))
    scalars = {"ID": ids.map(lambda value: graphql.StringValueNode(value=value)),
               "Date": _string(st.dates()), "DateTime": _string(st.datetimes()), "Time": _string(st.times()),
               # a file comes only in a multipart request's map; written into the document it is a mistake to refuse
               "Upload": st.text(max_size=40).map(lambda value: graphql.StringValueNode(value=value))}
    made: list[tuple[str, str]] = []
    graphql_schema = schema._schema
    for make, root in ((queries, graphql_schema.query_type), (mutations, graphql_schema.mutation_type)):
        assert root is not None
        for name in root.fields:
            made.extend((name, d) for d in _draw(make(graphql_schema, fields=[name], custom_scalars=scalars)))
    return made


def _draw(strategy: st.SearchStrategy[Any]) -> list[str]:
    """EXAMPLES_PER_OPERATION documents of the strategy, the same ones on every run."""
    drawn: list[str] = []

    @settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(document: str) -> None:
        drawn.append(document)

    collect()
    return drawn


def internal_errors(answer: object) -> Iterator[object]:
    """Every error in the answer that is an internal one: by code, or by the masked message."""
    stack = [answer]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("code") == "internal" or str(node.get("message", "")).startswith("服务内部出错"):
                yield node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


async def test_no_generated_query_or_mutation_is_answered_with_an_internal_error_or_a_5xx(
        system: System) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    opened = await open_case_for(system, station_id, me)
    cases = await asyncio.to_thread(documents, [station_id, opened["case_id"], me.subject])
    headers = {"Authorization": f"Bearer {token_for(me)}"}
    failures = []

    async with gateway(system, **UNTHROTTLED) as http:
        for operation, document in cases:
            answer = await http.post("/graphql", content=json.dumps({"query": document}),
                                     headers={**headers, "Content-Type": "application/json"})
            body = answer.json() if answer.headers.get("content-type", "").startswith("application/json") \
                else answer.text
            if answer.status_code >= 500 or answer.status_code == 429 or list(internal_errors(body)):
                failures.append({"operation": operation, "status": answer.status_code, "document": document,
                                 "answer": body})

    assert {o for o, _ in cases} == set(schema._schema.query_type.fields) | set(schema._schema.mutation_type.fields)
    assert failures == [], json.dumps(failures[:5], ensure_ascii=False, indent=1)
