"""/metrics counts and times GraphQL operations by name, with the names a client can invent kept bounded."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

from gateway.metrics import OperationNames
from tests.e2e.graphql import graphql
from tests.support import System, open_station, worker

pytestmark = pytest.mark.dateless  # counting operations holds on any day


def sample(metrics: str, name: str, labels: str) -> float:
    found = re.search(rf"^{re.escape(name)}{{{re.escape(labels)}}} (\S+)$", metrics, re.MULTILINE)
    assert found is not None, f"{name}{{{labels}}} not in /metrics"
    return float(found.group(1))


async def test_a_named_operation_is_counted_and_timed_by_its_name_and_an_unnamed_one_as_anonymous(
        system: System, http: httpx.AsyncClient) -> None:
    actor = worker(await open_station(system))
    name = f"StationList{uuid.uuid4().hex[:8]}"  # its own name: the registry is the process's, shared by tests
    overlong = "Q" + "x" * 64

    for _ in range(2):
        await graphql(http, f"query {name} {{ stations {{ name }} }}", actor)
    await graphql(http, f"query {name} {{ nothingHere }}", actor)
    await graphql(http, "{ me { name } }", actor)
    await graphql(http, f"query {overlong} {{ me {{ name }} }}", actor)
    metrics = (await http.get("/metrics")).text

    assert sample(metrics, "hemiao_graphql_operations_total", f'name="{name}",operation="query",outcome="ok"') == 2
    assert sample(metrics, "hemiao_graphql_operations_total", f'name="{name}",operation="query",outcome="error"') == 1
    assert sample(metrics, "hemiao_graphql_operation_seconds_count", f'name="{name}",operation="query"') == 3
    assert sample(metrics, "hemiao_graphql_operation_seconds_bucket", f'le="+Inf",name="{name}",operation="query"') == 3
    assert sample(metrics, "hemiao_graphql_operation_seconds_sum", f'name="{name}",operation="query"') > 0
    assert sample(metrics, "hemiao_graphql_operations_total", 'name="anonymous",operation="query",outcome="ok"') >= 1
    assert sample(metrics, "hemiao_graphql_operations_total", 'name="other",operation="query",outcome="ok"') >= 1
    assert overlong not in metrics


def test_past_the_first_distinct_names_or_past_their_length_names_count_as_other() -> None:
    names = OperationNames(limit=2, max_chars=8)

    labels = [names.label(n) for n in ("Cases", None, "", "Groups", "Staff", "Cases", "VeryLongName", "other")]

    assert labels == ["Cases", "anonymous", "anonymous", "Groups", "other", "Cases", "other", "other"]
    assert names.known == {"Cases", "Groups"}
