"""The gateway's kept documents (gateway/document_cache): an answer from a kept document is the answer without
it, for an anonymous and a signed-in caller; one caller class's validation is never another's; the bound holds."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.consistency import ConsistencyTokens
from gateway.context import Context
from gateway.document_cache import MAX_RULE_SETS, CachedDocument, DocumentCache
from gateway.schema import schema
from shared.auth import issue_token
from shared.config import AuthSettings
from shared.contracts import Actor, Role

pytestmark = pytest.mark.dateless

AUTH = AuthSettings(secret="document-cache-test-secret-long-enough-for-hs256")
WORKER = Actor(subject="worker-1", name="社工", role=Role.SOCIAL_WORKER, station_ids=("st-1",))

INTROSPECTION = "{ __schema { queryType { name } } }"
MISSPELT = "{ stationz { name } }"
UNKNOWN_ARGUMENT = "{ cases(frist: 3) { totalCount } }"
PAGE = "query Page($n: Int) { cases(first: $n) { edges { node { id } } } }"
DOCUMENTS = (INTROSPECTION, MISSPELT, UNKNOWN_ARGUMENT, "{ __typename }", "{ cases(first: 99999) { totalCount } }",
             "{ cases(first: 3) { totalCount } } fragment F on Query { __typename }", "query { a: __typename b: me }")


def context(*, signed_in: bool, production: bool, documents: DocumentCache | None) -> Context:
    authorization = f"Bearer {issue_token(AUTH.secret or '', WORKER)}" if signed_in else None
    return Context(client=None, auth=AUTH, authorization=authorization, request=None,  # type: ignore[arg-type]
                   tokens=ConsistencyTokens(b"k" * 32), waits=None,  # type: ignore[arg-type]
                   production=production, documents=documents)


async def answer(query: str, *, signed_in: bool, production: bool, documents: DocumentCache | None,
                 **variables: Any) -> tuple[Any, list[dict[str, Any]]]:
    """What a caller is told: the data and the errors as the response formats them (correlation ids aside)."""
    result = await schema.execute(query, variable_values=variables or None,
                                  context_value=context(signed_in=signed_in, production=production,
                                                        documents=documents))
    errors = [{**e.formatted, "extensions": {k: v for k, v in (e.formatted.get("extensions") or {}).items()
                                             if k != "correlationId"}} for e in result.errors or ()]
    return result.data, errors


@pytest.mark.parametrize("production", [False, True])
@pytest.mark.parametrize("signed_in", [False, True])
async def test_a_kept_document_is_answered_as_one_parsed_and_validated_anew(signed_in: bool,
                                                                         production: bool) -> None:
    documents = DocumentCache()

    for query in DOCUMENTS:
        uncached = await answer(query, signed_in=signed_in, production=production, documents=None)
        first = await answer(query, signed_in=signed_in, production=production, documents=documents)
        again = await answer(query, signed_in=signed_in, production=production, documents=documents)

        assert first == uncached, query
        assert again == uncached, query
    assert len(documents) == len(DOCUMENTS)


async def test_introspection_refused_to_an_anonymous_caller_stays_refused_whoever_asked_first() -> None:
    documents = DocumentCache()

    signed_in = await answer(INTROSPECTION, signed_in=True, production=True, documents=documents)
    anonymous = await answer(INTROSPECTION, signed_in=False, production=True, documents=documents)
    signed_in_again = await answer(INTROSPECTION, signed_in=True, production=True, documents=documents)
    anonymous_again = await answer(INTROSPECTION, signed_in=False, production=True, documents=documents)

    assert signed_in == signed_in_again == ({"__schema": {"queryType": {"name": "Query"}}}, [])
    assert anonymous[0] is None
    assert {e["extensions"]["code"] for e in anonymous[1]} == {"introspection_disabled"}
    assert anonymous_again == anonymous


async def test_a_suggestion_made_to_a_signed_in_caller_is_never_told_an_anonymous_one() -> None:
    documents = DocumentCache()

    told_signed_in = await answer(MISSPELT, signed_in=True, production=True, documents=documents)
    told_anonymous = await answer(MISSPELT, signed_in=False, production=True, documents=documents)

    assert "Did you mean" in told_signed_in[1][0]["extensions"]["messageEn"]
    assert "Did you mean" not in told_anonymous[1][0]["extensions"]["messageEn"]
    assert told_anonymous == await answer(MISSPELT, signed_in=False, production=True, documents=None)


async def test_a_cost_counted_from_a_variable_is_counted_anew_for_each_request() -> None:
    documents = DocumentCache()

    small = await answer(PAGE, signed_in=False, production=False, documents=documents, n=5)
    large = await answer(PAGE, signed_in=False, production=False, documents=documents, n=50_000)

    assert small[1][0]["extensions"]["code"] == "unauthenticated"
    assert large[1][0]["extensions"]["code"] == "query_too_costly"
    assert large[1][0]["extensions"]["cost"] == 50_000


async def test_the_cache_keeps_at_most_its_bound_least_recently_used_out_first() -> None:
    documents = DocumentCache(3)

    for query in DOCUMENTS[:3]:
        await answer(query, signed_in=True, production=False, documents=documents)
    await answer(DOCUMENTS[0], signed_in=True, production=False, documents=documents)  # used again: kept
    for query in DOCUMENTS[3:]:
        await answer(query, signed_in=True, production=False, documents=documents)

    assert len(documents) == 3
    assert documents.get(DOCUMENTS[1], {"max_tokens": 2000}) is None
    assert [documents.get(q, {"max_tokens": 2000}) is not None for q in DOCUMENTS[-3:]] == [True] * 3


async def test_no_document_is_kept_when_the_bound_is_zero() -> None:
    documents = DocumentCache(0)

    assert await answer(MISSPELT, signed_in=True, production=False, documents=documents) == await answer(
        MISSPELT, signed_in=True, production=False, documents=None)
    assert len(documents) == 0


def test_a_document_keeps_a_bounded_number_of_validation_outcomes() -> None:
    entry = CachedDocument(document=None)  # type: ignore[arg-type]

    for n in range(MAX_RULE_SETS + 3):
        entry.keep_errors((type(f"Rule{n}", (), {}),), [])  # type: ignore[arg-type]

    assert len(entry.validated) == MAX_RULE_SETS


async def test_a_document_refused_while_parsing_is_not_kept() -> None:
    documents = DocumentCache()
    too_many_tokens = "{ " + "__typename " * 2_100 + "}"

    for query in (too_many_tokens, "{ cases(first: 3) { totalCount }"):
        told = await answer(query, signed_in=True, production=False, documents=documents)
        assert told == await answer(query, signed_in=True, production=False, documents=None)
        assert told[1][0]["extensions"]["code"] in ("too_many_tokens", "syntax_error")

    assert len(documents) == 0
