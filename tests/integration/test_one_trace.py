"""One openCase mutation over GraphQL gives one trace: gateway → NATS request → cases → append → relay → consumers.

Spans go to an in-memory exporter; the services, the relay, the consumers and a gateway run in this process, as
in the end-to-end tests.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from shared import tracing
from shared.china import china_today
from shared.runtime import CORRELATION_HEADER
from tests.e2e.conftest import gateway
from tests.e2e.graphql import OPEN
from tests.support import System, open_station, stream_messages, token_for, wait_until, worker

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day


@dataclass
class Traced:
    exporter: InMemorySpanExporter
    provider: TracerProvider

    def finished(self, trace_id: int | None = None) -> list[ReadableSpan]:
        return [s for s in self.exporter.get_finished_spans()
                if trace_id is None or (s.context is not None and s.context.trace_id == trace_id)]


@pytest.fixture
def traced() -> Iterator[Traced]:
    """Spans kept in memory once the test turns tracing on; off again after it."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    try:
        yield Traced(exporter, provider)
    finally:
        tracing.disable()
        provider.shutdown()


async def test_one_mutation_gives_one_trace_from_the_gateway_to_the_read_models(
        system: System, traced: Traced) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    recipient = await system.call("cases", "register_recipient", {
        "station_id": station_id, "name": "叶某", "gender": "male", "birth_year": 1968, "community": "一力社区",
        "categories": []}, me)
    await system.read_models_have(recipient["position"])
    tracing.enable(traced.provider)  # from here on: what was written before carries no trace context

    async with gateway(system) as http:
        answer = await http.post("/graphql", headers={"Authorization": f"Bearer {token_for(me)}"}, json={
            "query": OPEN.replace("mutation(", "mutation OpenCase(", 1), "variables": {"input": {
                "recipientId": recipient["recipient_id"], "workerId": me.subject, "intakeSource": "OUTREACH",
                "presentingProblem": "长期独自在家", "openedOn": china_today().isoformat()}}})
        opened = answer.json()["data"]["openCase"]
        assert opened["__typename"] == "OpenCasePayload", opened
        await system.read_models_have_everything()

    [root] = [s for s in traced.finished() if s.name == "mutation OpenCase"]
    assert root.parent is None and root.kind is SpanKind.SERVER
    assert root.attributes is not None and root.attributes["graphql.operation.type"] == "mutation"
    assert root.context is not None
    trace_id = root.context.trace_id

    def applied_by_reporting() -> list[ReadableSpan]:
        return [s for s in traced.finished(trace_id)
                if s.kind is SpanKind.CONSUMER and s.attributes and
                s.attributes.get("messaging.consumer.group.name") == "reporting_cases"]

    async def reporting_applied_all() -> bool:
        return len(applied_by_reporting()) == 2  # the case's register number, then the case

    await wait_until(reporting_applied_all, what="reporting's apply spans")
    tree = traced.finished(trace_id)
    ns = system.namespace
    names = {s.name for s in tree}
    assert {"mutation OpenCase", f"call {ns}.cases.open_case", f"serve {ns}.cases.open_case",
            f"publish {ns}.events.cases.case.opened", f"apply {ns}.events.cases.case.opened"} <= names, names
    assert any(name.startswith("append ") for name in names), names

    # one tree: a single root, every other span's parent in the same trace
    ids = {s.context.span_id for s in tree if s.context is not None}
    assert [s.name for s in tree if s.parent is None] == ["mutation OpenCase"]
    assert all(s.parent.span_id in ids for s in tree if s.parent is not None)

    def parent_of(span: ReadableSpan) -> ReadableSpan:
        assert span.parent is not None
        [parent] = [s for s in tree if s.context is not None and s.context.span_id == span.parent.span_id]
        return parent

    [served] = [s for s in tree if s.name == f"serve {ns}.cases.open_case"]
    assert served.kind is SpanKind.SERVER
    assert parent_of(served).name == f"call {ns}.cases.open_case"
    assert parent_of(parent_of(served)).context == root.context
    assert served.attributes is not None
    assert served.attributes["hemiao.correlation_id"] == answer.headers[CORRELATION_HEADER]
    for applied in applied_by_reporting():
        published = parent_of(applied)
        assert published.kind is SpanKind.PRODUCER and published.name.startswith(f"publish {ns}.events.cases.")
        assert parent_of(published).name.startswith("append ")
        assert parent_of(parent_of(published)).context == served.context

    # the context crossed from the append to the relay in the events' metadata, and on to NATS in their headers
    stored = await system.cases.pool.fetch("SELECT stream_id, metadata::text FROM events ORDER BY global_position")
    traces = [json.loads(row["metadata"]).get("trace") for row in stored]
    assert traces[:-2] == [None] * (len(stored) - 2)  # written before tracing was on: nothing added
    assert all(t is not None and t["traceparent"].split("-")[1] == format(trace_id, "032x") for t in traces[-2:])
    messages = await stream_messages(system.nc, ns, "cases")
    assert ["traceparent" in m["headers"] for m in messages] == [False] * (len(messages) - 2) + [True, True]

