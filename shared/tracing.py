"""OpenTelemetry tracing: one trace per request, from the gateway to the consumers that apply its events.

The path of a mutation, and the span each part makes:
```
gateway   graphql (SERVER)                          gateway/app.py, per HTTP GraphQL request
            call hemiao.cases.record_case_session (CLIENT)     shared/runtime.py ServiceClient.call
cases         serve hemiao.cases.record_case_session (SERVER)  shared/runtime.py _answer
                append case (INTERNAL)                         shared/application.py
relay             publish hemiao.events.cases… (PRODUCER)      shared/relay.py, per event
reporting           apply hemiao.events.cases… (CONSUMER)      shared/consumer.py, per event of a batch
```
Each hop carries the W3C trace context (`traceparent`, `tracestate`): in NATS headers of a request and of a
published event, and, across the gap between an append and its publication (another task, maybe another copy of
the service, maybe days later when NATS was down), in the event's metadata (`EventMetadata.trace`), from which
the relay copies it into the message's headers.

Why our own switch rather than the API's no-op tracer alone: with no SDK installed the API's spans cost little,
but extracting and injecting headers, and a span per event in the relay and the consumers, still cost on the
paths that move thousands of events a second. So when tracing is off (no exporter configured: the default)
every helper here returns at its first line, and nothing is added to headers or metadata. It is on when
`HEMIAO_OTLP_ENDPOINT` (or the standard `OTEL_EXPORTER_OTLP_ENDPOINT`) names an OTLP/HTTP collector
(`configure`, at a process's start), or when a test hands it a tracer provider (`enable`).

Only the OpenTelemetry API is imported here at first; the SDK and the exporter are imported by `configure`, when
they are used.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from typing import Any

from opentelemetry import trace
from opentelemetry.trace import Span, Status, StatusCode, Tracer, TracerProvider
from opentelemetry.trace import SpanKind as SpanKind  # re-exported: the callers name a span's kind by it
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

TRACE_HEADERS = ("traceparent", "tracestate")
"""The W3C trace context's headers: what a request, an event's metadata and a published message carry."""

_PROPAGATOR = TraceContextTextMapPropagator()
_tracer: Tracer | None = None
"""The tracer spans are made with; None: tracing is off."""


def is_on() -> bool:
    return _tracer is not None


def enable(provider: TracerProvider) -> None:
    """Trace with this provider's tracer (a test's, with an in-memory exporter; or `configure`'s)."""
    global _tracer
    _tracer = provider.get_tracer("hemiao")


def disable() -> None:
    """Tracing off again: every helper does nothing."""
    global _tracer
    _tracer = None


def otlp_endpoint(env: Mapping[str, str] = os.environ) -> str | None:
    """The OTLP/HTTP traces URL the settings give, None when tracing is off. Like the standard variable, the
    endpoint is the collector's base URL (`http://collector:4318`); `/v1/traces` is added unless it is there."""
    base = (env.get("HEMIAO_OTLP_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or "").strip()
    if not base:
        return None
    return base if base.rstrip("/").endswith("/v1/traces") else f"{base.rstrip('/')}/v1/traces"


def configure(service_name: str, env: Mapping[str, str] = os.environ) -> bool:
    """At a process's start: the SDK with the OTLP/HTTP exporter (spans sent in batches, in the background) when an
    endpoint is set, also as the global provider, so that libraries' own instrumentation joins the traces. Whether
    tracing is on. `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES` are honoured as the SDK reads them."""
    endpoint = otlp_endpoint(env)
    if endpoint is None:
        return False
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider as SdkTracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    resource = Resource.create({SERVICE_NAME: env.get("OTEL_SERVICE_NAME") or service_name})
    provider = SdkTracerProvider(resource=resource)  # flushed and shut down at exit (atexit)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    trace.set_tracer_provider(provider)
    enable(provider)
    return True


_OFF: contextlib.nullcontext[None] = contextlib.nullcontext()
"""What `span` and `applying` give when tracing is off: one object, made once, entered for nothing."""


def span(name: str, *, kind: SpanKind = SpanKind.INTERNAL, parent: Mapping[str, str] | None = None,
         attributes: Mapping[str, Any] | None = None) -> contextlib.AbstractContextManager[Span | None]:
    """A span, current inside the block: a child of the context in `parent` (headers that may carry a
    `traceparent`) when given, else of the current span. None, and nothing done, when tracing is off. An exception
    leaving the block is recorded on it and marks it failed."""
    if _tracer is None:
        return _OFF
    context = _PROPAGATOR.extract(parent) if parent is not None else None
    return _tracer.start_as_current_span(name, context=context, kind=kind, attributes=attributes)


def inject(headers: MutableMapping[str, str]) -> None:
    """Put the current span's context in these headers (a NATS request's, a published event's)."""
    if _tracer is not None:
        _PROPAGATOR.inject(headers)


def carrier() -> dict[str, str] | None:
    """The current span's context as an event's metadata keeps it (`traceparent`, and `tracestate` if any); None
    when tracing is off or no span is current."""
    if _tracer is None:
        return None
    headers: dict[str, str] = {}
    _PROPAGATOR.inject(headers)
    return headers or None


def trace_ids() -> tuple[str, str] | None:
    """The current span's trace and span ids in hex (for a log line), None when there is none."""
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return format(context.trace_id, "032x"), format(context.span_id, "016x")


def annotate(key: str, value: str) -> None:
    """Set an attribute on the current span (the request's correlation id, say), if tracing is on."""
    if _tracer is not None:
        trace.get_current_span().set_attribute(key, value)


def name_operation(kind: str, name: str | None) -> None:
    """Name the current span (the gateway's of a GraphQL request) after its operation, as OpenTelemetry's GraphQL
    conventions do: `mutation OpenCase`, or `mutation` for an anonymous one. `name` must be of few distinct values
    (the metrics' label of it, capped)."""
    if _tracer is not None:
        current = trace.get_current_span()
        current.update_name(f"{kind} {name}" if name else kind)
        current.set_attribute("graphql.operation.type", kind)
        if name:
            current.set_attribute("graphql.operation.name", name)


def failed(made: Span | None, code: str) -> None:
    """Mark the span failed with a refusal's or an error's code (a refused command is still an answer)."""
    if made is not None:
        made.set_attribute("hemiao.error_code", code)
        if code == "internal":
            made.set_status(Status(StatusCode.ERROR, code))


def applying(consumer: str, messages: Iterable[Any]) -> contextlib.AbstractContextManager[None]:
    """Around the transaction that applies a batch: one CONSUMER span per message that carries a trace context,
    a child of it, so each event's trace shows where it was applied. The batch is one transaction, so each span
    lasts as long as the whole batch; one that fails marks them all failed."""
    return _OFF if _tracer is None else _applying(_tracer, consumer, messages)


@contextlib.contextmanager
def _applying(tracer: Tracer, consumer: str, messages: Iterable[Any]) -> Iterator[None]:
    spans = []
    for msg in messages:
        headers = msg.headers or {}
        if "traceparent" not in headers:
            continue
        spans.append(tracer.start_span(f"apply {msg.subject}", context=_PROPAGATOR.extract(headers),
                                        kind=SpanKind.CONSUMER, attributes={
                                            "messaging.system": "nats", "messaging.destination.name": msg.subject,
                                            "messaging.consumer.group.name": consumer,
                                            "hemiao.event_type": headers.get("hemiao-event-type", ""),
                                            "hemiao.stream_id": headers.get("hemiao-stream-id", "")}))
    try:
        yield
    except BaseException as error:
        for each in spans:
            each.record_exception(error)
            each.set_status(Status(StatusCode.ERROR, type(error).__name__))
        raise
    finally:
        for each in spans:
            each.end()
