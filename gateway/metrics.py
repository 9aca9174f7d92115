"""The gateway's Prometheus metrics: GraphQL operations by type, name and outcome, and how long they took."""

from __future__ import annotations

import time
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from strawberry.extensions import SchemaExtension

from shared import tracing

REGISTRY = CollectorRegistry()
OPERATIONS = Counter("hemiao_graphql_operations", "GraphQL operations answered",
                     ["operation", "outcome", "name"], registry=REGISTRY)
DURATION = Histogram("hemiao_graphql_operation_seconds", "Time to answer a GraphQL operation",
                     ["operation", "name"], registry=REGISTRY,
                     buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
MAX_NAME_CHARS = 64
MAX_NAMES = 200
"""Operation names come from clients: past the first MAX_NAMES distinct ones (or longer than MAX_NAME_CHARS)
they are counted as "other", so no client can grow the metrics without bound."""
ANONYMOUS = "anonymous"
OTHER = "other"


class OperationNames:
    """The label of an operation's name: its name while there are fewer than `limit` distinct names, "anonymous"
    for none, "other" past the limit or for an overlong one."""

    def __init__(self, limit: int = MAX_NAMES, max_chars: int = MAX_NAME_CHARS) -> None:
        self.limit = limit
        self.max_chars = max_chars
        self.known: set[str] = set()

    def label(self, name: str | None) -> str:
        if not name:
            return ANONYMOUS
        if name in self.known:
            return name
        if len(name) > self.max_chars or len(self.known) >= self.limit or name in (ANONYMOUS, OTHER):
            return OTHER
        self.known.add(name)
        return name


NAMES = OperationNames()


class OperationMetrics(SchemaExtension):
    """Counts each operation as ok, or error when its answer carries errors, and times it, by its type and name."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        context = self.execution_context
        # operation_type parses the document; a refused document (too many tokens, say) has none
        kind = context.operation_type.value if context.graphql_document is not None else "invalid"
        # the operationName asked for, else the name of the document's first operation
        name = NAMES.label(context.operation_name)
        failed = bool(context.result and context.result.errors) or bool(context.pre_execution_errors)
        OPERATIONS.labels(kind, "error" if failed else "ok", name).inc()
        DURATION.labels(kind, name).observe(time.perf_counter() - started)
        tracing.name_operation(kind, None if name == ANONYMOUS else name)  # the request's span: "mutation OpenCase"


async def metrics_endpoint(_: Request) -> Response:
    return Response(generate_latest(REGISTRY), media_type="text/plain; version=0.0.4; charset=utf-8")
