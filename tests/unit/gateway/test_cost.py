"""The cost of a query: pages multiply through nesting, plain lists count as ASSUMED_LIST, edges add nothing."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from graphql import parse, validate

from gateway.cost import ASSUMED_LIST, MAX_COST, query_cost
from gateway.schema import schema

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

ROOT = Path(__file__).resolve().parents[3]
SCHEMA = schema._schema


def cost(query: str, **variables: object) -> int:
    return query_cost(SCHEMA, parse(query), None, variables)


def test_a_page_costs_its_first_and_its_edges_and_nodes_add_nothing() -> None:
    assert cost("{ cases(first: 100) { totalCount edges { cursor node { id status } } } }") == 100


def test_a_page_without_first_costs_its_default_size() -> None:
    assert cost("{ cases { edges { node { id } } } }") == 20
    assert cost("{ sensitiveDataReads { purpose } }") == 50


def test_first_given_as_a_variable_or_a_variable_default_is_what_is_counted() -> None:
    assert cost("query($n: Int!) { cases(first: $n) { edges { node { id } } } }", n=7) == 7
    assert cost("query($n: Int! = 40) { cases(first: $n) { edges { node { id } } } }") == 40


def test_nested_pages_and_lists_multiply() -> None:
    query = ("query($id: ID!) { recipient(id: $id) { cases(first: 30) { edges { node { servicePlans { version }"
             " sessions(first: 50) { edges { node { heldOn } } } } } } } }")
    assert cost(query, id="r") == 30 + 30 * ASSUMED_LIST + 30 * 50


def test_fragments_and_inline_fragments_are_counted_where_they_are_spread() -> None:
    query = """
    query { a: cases(first: 10) { ...page } b: cases(first: 5) { ... on CaseConnection { ...page } } }
    fragment page on CaseConnection { edges { node { servicePlans { version } } } }"""
    assert cost(query) == (10 + 10 * ASSUMED_LIST) + (5 + 5 * ASSUMED_LIST)


def test_three_nested_lists_under_a_page_of_100_are_over_the_limit() -> None:
    assert cost("{ cases(first: 100) { edges { node { servicePlans { goals { description } } } } } }") > MAX_COST


OVER_ON_PURPOSE = {"tests/unit/gateway/test_cost.py", "tests/e2e/test_request_limits.py", "bench/abuse.py",
                   "tests/unit/gateway/test_document_cache.py"}


def _documents() -> list[tuple[str, str]]:
    """Every GraphQL document the tests, benches and docs send (the walkthroughs' code blocks), but for those
    written to be refused."""
    found: list[tuple[str, str]] = []
    for path in [*ROOT.glob("tests/**/*.py"), *ROOT.glob("bench/*.py")]:
        if str(path.relative_to(ROOT)) in OVER_ON_PURPOSE:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "{" in node.value:
                found.append((str(path.relative_to(ROOT)), node.value.replace("%s", "x")))
    for path in [*ROOT.glob("docs/*.md"), ROOT / "README.md"]:
        found += [(str(path.relative_to(ROOT)), m) for m in re.findall(r"```graphql\n(.*?)```", path.read_text(),
                                                                        re.DOTALL)]
    return found


def _valid(text: str) -> bool:
    try:
        return not validate(SCHEMA, parse(text))
    except Exception:  # not GraphQL: any other string with a brace
        return False


DOCUMENTS = [(where, text) for where, text in _documents() if _valid(text)]


def test_the_repository_sends_many_documents() -> None:
    assert len(DOCUMENTS) > 50


@pytest.mark.parametrize(("where", "text"), DOCUMENTS, ids=[f"{w}:{i}" for i, (w, _) in enumerate(DOCUMENTS)])
def test_every_query_the_repository_sends_is_under_the_cost_limit(where: str, text: str) -> None:
    document = parse(text)
    for operation in document.definitions:
        name = getattr(getattr(operation, "name", None), "value", None)
        if getattr(operation, "operation", None) is not None:
            assert query_cost(SCHEMA, document, name, {}) <= MAX_COST, where


def test_nodes_count_a_row_per_id_given_in_the_document_or_a_variable() -> None:
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Case { sessions(first: 100) { totalCount } } } }"

    assert cost('{ nodes(ids: ["a", "b", "c"]) { id } }') == 3
    assert cost(query, ids=["a"] * 100) == 100 + 100 * 100 > MAX_COST
    assert cost('{ node(id: "a") { id ... on Case { sessions(first: 100) { totalCount } } } }') == 100
