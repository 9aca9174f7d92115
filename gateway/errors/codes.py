"""The codes the gateway itself answers with, and what each means for the HTTP answer. Codes of the services'
refusals (DomainError subclasses and `code="…"`) are not restated here: docs/errors.md lists both, and
tests/unit/gateway/test_error_codes.py finds every one in the source."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    """One code: whether it refuses the whole request (no `data`: 400 under graphql-response+json), and the
    HTTP status it is answered with when it is answered before GraphQL runs."""

    name: str
    request_error: bool = False
    status: int = 200


GATEWAY_CODES: tuple[Code, ...] = (
    Code("syntax_error", request_error=True, status=400),
    Code("invalid_query", request_error=True, status=400),
    Code("invalid_value", request_error=True, status=400),
    Code("unknown_enum_value", request_error=True, status=400),
    Code("invalid_variables", request_error=True, status=400),
    Code("introspection_disabled", request_error=True, status=400),
    Code("query_too_deep", request_error=True, status=400),
    Code("too_many_aliases", request_error=True, status=400),
    Code("too_many_tokens", request_error=True, status=400),
    Code("query_too_large", request_error=True, status=400),
    Code("query_too_costly", request_error=True, status=400),
    Code("bad_request", request_error=True, status=400),
    Code("method_not_allowed", request_error=True, status=405),
    Code("request_too_large", request_error=True, status=413),
    Code("too_many_requests", request_error=True, status=429),
    Code("unauthenticated", status=401),
    Code("invalid_token", status=401),
    Code("token_expired", status=401),
    Code("unknown_role", status=401),
    Code("internal", status=500),
)
BY_NAME = {code.name: code for code in GATEWAY_CODES}
REQUEST_ERRORS = frozenset(code.name for code in GATEWAY_CODES if code.request_error)
"""Refusals of the request as a whole (parse, validation, variables, limits): the answer has no `data`."""
AUTH_ERRORS = frozenset({"unauthenticated", "invalid_token", "token_expired", "unknown_role"})
"""A missing or bad token: answered 401 under graphql-response+json when it is all the answer says."""
