"""Refusing, before any resolver runs, GraphQL input no store can hold: a NUL or a lone surrogate in a variable
or in a string literal of the document. Left through, a lone surrogate would fail the JSON encoding of the
request to a service and answer `internal`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import ArgumentNode, GraphQLError, ListValueNode, Node, ObjectValueNode, StringValueNode
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from gateway.context import graphql_error
from gateway.document_cache import cached_document
from shared.contracts.errors import DomainError
from shared.inputs import check_body


def _literals(node: Node, path: str) -> Iterator[tuple[str, str]]:
    """Each string literal under an argument's value, with its path (`input.notes`, `ids.2`)."""
    if isinstance(node, StringValueNode):
        yield path, node.value
    elif isinstance(node, ObjectValueNode):
        for field in node.fields:
            yield from _literals(field.value, f"{path}.{field.name.value}")
    elif isinstance(node, ListValueNode):
        for i, value in enumerate(node.values):
            yield from _literals(value, f"{path}.{i}")


def _arguments(node: Any) -> Iterator[ArgumentNode]:
    """Every argument in the document, of fields and directives at any depth, without recursion."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ArgumentNode):
            yield current
            continue
        for key in current.keys:
            child = getattr(current, key, None)
            if isinstance(child, Node):
                stack.append(child)
            elif isinstance(child, tuple | list):
                stack.extend(c for c in child if isinstance(c, Node))


def _refused(body: dict[str, Any]) -> GraphQLError | None:
    try:
        check_body(body, name=str)
    except DomainError as error:
        return graphql_error(error)
    return None


def literals_refusal(document: Node | None) -> GraphQLError | None:
    """The error for the first unstorable character of the document's own string literals (None if none)."""
    return _refused({path: value for argument in (_arguments(document) if document is not None else ())
                     for path, value in _literals(argument.value, argument.name.value)})


def refusal(variables: dict[str, Any] | None, document: Node | None) -> GraphQLError | None:
    """The GraphQL error for the first unstorable character, naming where it is; None when all is storable."""
    return _refused(variables or {}) or literals_refusal(document)


class InputGuard(SchemaExtension):
    """Checks the variables and the document's string literals once the document is parsed, before execution;
    the literals once per document the DocumentCache keeps."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        entry = cached_document(context)
        if entry is not None and entry.document is document:
            refused = _refused(context.variables or {}) or entry.memo(literals_refusal,
                                                                      lambda: literals_refusal(document))
        else:
            refused = refusal(context.variables, document)
        if refused is not None:
            context.result = ExecutionResult(data=None, errors=[refused])
        yield
