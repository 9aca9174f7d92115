"""Per-request guards of what an answer may tell: unexpected errors masked with the request's correlation id,
and, in production, no introspection or field suggestions for anonymous callers."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import MaskErrors, SchemaExtension

from gateway.refusals import refusal

INTERNAL_ZH = "服务内部出错"
INTERNAL_EN = "Internal error"


def is_unexpected(error: GraphQLError) -> bool:
    """Mask what the user cannot act on: any exception that is not a deliberate GraphQL error."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


def correlation_id(context: object) -> str | None:
    """The request's correlation id, as the gateway's Context carries it (the same id reaches the services)."""
    value = getattr(context, "correlation_id", None)
    return None if value is None else str(value)


class MaskInternalErrors(MaskErrors):
    """Answers an unexpected error as `internal` with the request's correlation id, never the exception's text.
    Given to the schema as a class, so every request has its own (a shared one read whichever request's result
    was last set, and leaked the text of the others)."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = refusal("internal", INTERNAL_ZH, INTERNAL_EN,
                         correlationId=correlation_id(self.execution_context.context))
        return GraphQLError(masked.message, nodes=error.nodes, source=error.source, positions=error.positions,
                            path=error.path, extensions=masked.extensions)


def _anonymous(context: object) -> bool:
    actor = getattr(context, "actor", None)
    if actor is None:
        return True
    try:
        actor()
    except GraphQLError:
        return True
    return False


def hides_schema(context: object) -> bool:
    """In production (the Context says so), an anonymous caller is told nothing of what the schema holds."""
    return bool(getattr(context, "production", False)) and _anonymous(context)


class HideSchemaFromAnonymous(SchemaExtension):
    """In production, an anonymous caller gets no introspection (and, from gateway/errors, no suggestions)."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        if hides_schema(context.context):
            context.validation_rules = (*context.validation_rules, NoSchemaIntrospectionCustomRule)
        yield
