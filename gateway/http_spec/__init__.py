"""The GraphQL-over-HTTP spec's answers: application/graphql-response+json when the client accepts it, with the
status codes it gives request errors (400), a missing or bad token (401) and refused requests; application/json
with 200 for older clients, as the spec's legacy rules say."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError

from gateway.errors.codes import AUTH_ERRORS, REQUEST_ERRORS
from gateway.refusals import refusal

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
STATUS_KEY = "hemiao.http_status"
"""Where the status chosen for a result waits, in the request's scope, for the response to be made."""


def preferred_media_type(accept: str | None) -> str:
    """The client's preferred of the two media types; none named (no Accept, `*/*`) is application/json."""
    weights = {GRAPHQL_RESPONSE: 0.0, JSON: 0.0}
    for entry in (accept or "").split(","):
        media, *params = (part.strip() for part in entry.split(";"))
        weight = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if media.lower() in weights:
            weights[media.lower()] = max(weights[media.lower()], weight)
    return GRAPHQL_RESPONSE if weights[GRAPHQL_RESPONSE] > 0 and weights[GRAPHQL_RESPONSE] >= weights[JSON] else JSON


def _codes(body: dict[str, Any]) -> set[str]:
    return {str((error.get("extensions") or {}).get("code")) for error in body.get("errors") or ()}


def answered(body: dict[str, Any], media_type: str) -> int:
    """The status of a GraphQL answer, with `data` dropped from `body` when the request as a whole was refused
    (the GraphQL spec's request errors have no `data`)."""
    codes = _codes(body)
    if not codes:
        return 200
    data = body.get("data")
    if data is None and codes <= REQUEST_ERRORS:
        body.pop("data", None)
        return 400 if media_type == GRAPHQL_RESPONSE else 200
    if media_type == GRAPHQL_RESPONSE and codes <= AUTH_ERRORS and (data is None or not any(data.values())):
        body.pop("data", None)
        return 401
    return 200


_HTTP_REFUSALS: dict[str, tuple[str, str, str]] = {
    "Unable to parse request body as JSON": ("bad_request", "请求体不是有效的 JSON", "The body is not valid JSON"),
    "Unsupported content type": (
        "bad_request", "不支持该请求内容类型，请以 JSON 发送", "Unsupported content type; send application/json"),
    "No GraphQL query found in the request": ("bad_request", "请求中没有 GraphQL 查询", "The request has no query"),
    "The GraphQL operation's `query` must be a string or null, if provided.": (
        "bad_request", "查询须是字符串", "The query must be a string"),
    "The GraphQL operation's `variables` must be an object or null, if provided.": (
        "bad_request", "变量须是一个对象", "The variables must be an object"),
    "The GraphQL operation's `extensions` must be an object or null, if provided.": (
        "bad_request", "扩展须是一个对象", "The extensions must be an object"),
    "mutations are not allowed when using GET": (
        "method_not_allowed", "变更须用 POST 请求发送，不能用 GET", "Mutations are sent by POST, never GET"),
    "subscriptions are not allowed when using GET": (
        "method_not_allowed", "订阅须用 WebSocket 或 POST 发送，不能用 GET", "Subscriptions are not sent by GET"),
}


def http_refusal(status: int, reason: str) -> tuple[int, GraphQLError]:
    """A refusal of the HTTP request before GraphQL runs (strawberry's HTTPException), coded and bilingual."""
    code, zh, en = _HTTP_REFUSALS.get(reason, ("bad_request", "请求格式不正确", reason))
    if reason.startswith("Unknown operation named"):
        code, zh, en = "invalid_query", "文档中没有请求所指名称的操作", reason
    return (405 if code == "method_not_allowed" else status), refusal(code, zh, en)
