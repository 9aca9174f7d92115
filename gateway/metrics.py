"""The gateway's Prometheus metrics: GraphQL operations by type and outcome, and how long they took."""

from __future__ import annotations

import time
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from strawberry.extensions import SchemaExtension

REGISTRY = CollectorRegistry()
OPERATIONS = Counter("hemiao_graphql_operations", "GraphQL operations answered",
                     ["operation", "outcome"], registry=REGISTRY)
DURATION = Histogram("hemiao_graphql_operation_seconds", "Time to answer a GraphQL operation",
                     ["operation"], registry=REGISTRY,
                     buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))


class OperationMetrics(SchemaExtension):
    """Counts each operation as ok, or error when its answer carries errors, and times it."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        context = self.execution_context
        # operation_type parses the document; a refused document (too many tokens, say) has none
        kind = context.operation_type.value if context.graphql_document is not None else "invalid"
        failed = bool(context.result and context.result.errors) or bool(context.pre_execution_errors)
        OPERATIONS.labels(kind, "error" if failed else "ok").inc()
        DURATION.labels(kind).observe(time.perf_counter() - started)


async def metrics_endpoint(_: Request) -> Response:
    return Response(generate_latest(REGISTRY), media_type="text/plain; version=0.0.4; charset=utf-8")
