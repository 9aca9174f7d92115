"""Refusals of the gateway's own limits: GraphQL errors with a code and both languages, never a bare string."""

from __future__ import annotations

import json
from typing import Any

from graphql import GraphQLError


def refusal(code: str, zh: str, en: str, **extensions: Any) -> GraphQLError:
    """A GraphQL error saying `zh / en`, with the code, both messages and any figures in `extensions`."""
    return GraphQLError(f"{zh} / {en}", extensions={"code": code, "messageZh": zh, "messageEn": en, **extensions})


def refusal_body(error: GraphQLError) -> bytes:
    """A GraphQL-shaped JSON answer holding only this error, for refusals made before GraphQL runs."""
    return json.dumps({"errors": [error.formatted]}, ensure_ascii=False).encode()


def recoded(error: GraphQLError, code: str, zh: str, en: str, **extensions: Any) -> GraphQLError:
    """`error` where it was (locations, path), saying `zh / en` with the code and both messages."""
    told = refusal(code, zh, en, **extensions)
    return GraphQLError(told.message, nodes=error.nodes, source=error.source, positions=error.positions,
                        path=error.path, original_error=error.original_error, extensions=told.extensions)
