"""The codes the gateway itself answers with, and what each means for the HTTP answer. Codes of the services'
refusals (DomainError subclasses and `code="…"`) are not restated here: docs/errors.md lists both, and
tests/unit/gateway/test_error_table.py finds every one in the source."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    """One code, and whether it refuses the request as a whole (no `data`: 400 under graphql-response+json, or
    the status of a refusal made before GraphQL runs, docs/errors.md says which)."""

    name: str
    request_error: bool = False


GATEWAY_CODES: tuple[Code, ...] = (
    Code("syntax_error", request_error=True),
    Code("invalid_query", request_error=True),
    Code("invalid_value", request_error=True),
    Code("unknown_enum_value", request_error=True),
    Code("invalid_variables", request_error=True),
    Code("introspection_disabled", request_error=True),
    Code("query_too_deep", request_error=True),
    Code("too_many_aliases", request_error=True),
    Code("too_many_tokens", request_error=True),
    Code("query_too_large", request_error=True),
    Code("query_too_costly", request_error=True),
    Code("bad_request", request_error=True),
    Code("method_not_allowed", request_error=True),
    Code("request_too_large", request_error=True),
    Code("too_many_requests", request_error=True),
    Code("upload_needs_preflight", request_error=True),
    Code("unauthenticated"),
    Code("invalid_token"),
    Code("token_expired"),
    Code("unknown_role"),
    Code("internal"),
    Code("not_found"),  # a GraphiQL asset the gateway does not have (the services' not_found is documented too)
    Code("export_link_expired"),
    # Automatic persisted queries (gateway/persisted), in Apollo's spelling: a hash the gateway lacks, or hashes
    # switched off, are answered 200 as Apollo Server does, for its clients then resend the document or stop hashing
    Code("PERSISTED_QUERY_NOT_FOUND"),
    Code("PERSISTED_QUERY_NOT_SUPPORTED"),
    Code("PERSISTED_QUERY_NOT_IN_LIST", request_error=True),
    Code("PERSISTED_QUERY_HASH_MISMATCH", request_error=True),
    Code("PERSISTED_QUERY_INVALID", request_error=True),
)
REQUEST_ERRORS = frozenset(code.name for code in GATEWAY_CODES if code.request_error)
"""Refusals of the request as a whole (parse, validation, variables, limits): the answer has no `data`."""
AUTH_ERRORS = frozenset({"unauthenticated", "invalid_token", "token_expired", "unknown_role"})
"""A missing or bad token: answered 401 under graphql-response+json when it is all the answer says."""
