"""Tracing off costs nothing and adds nothing; on, the context travels in headers and metadata; JSON log lines."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from shared import logs, tracing
from shared.eventstore import EventMetadata

pytestmark = pytest.mark.dateless  # no dates at all


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    spans = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    tracing.enable(provider)
    try:
        yield spans
    finally:
        tracing.disable()


def _line(message: str, *args: object) -> dict[str, object]:
    record = logging.LogRecord("hemiao.test", logging.WARNING, __file__, 1, message, args, None)
    line = logs.JsonLines().format(record)
    assert "\n" not in line
    parsed: dict[str, object] = json.loads(line)
    return parsed


def test_off_by_default_nothing_is_traced_nor_added() -> None:
    assert not tracing.is_on()
    headers: dict[str, str] = {}
    with tracing.span("anything", parent={"traceparent": "00-" + "1" * 32 + "-" + "2" * 16 + "-01"}) as made:
        tracing.inject(headers)
        assert made is None
        assert tracing.carrier() is None
    assert headers == {}
    assert EventMetadata(actor={}, correlation_id="c").as_dict() == {"actor": {}, "correlation_id": "c",
                                                                     "causation_id": None}
    assert not tracing.configure("hemiao-test", env={})


def test_the_otlp_endpoint_is_the_collectors_base_url_as_the_standard_variable_is() -> None:
    assert tracing.otlp_endpoint({}) is None
    assert tracing.otlp_endpoint({"HEMIAO_OTLP_ENDPOINT": "http://c:4318"}) == "http://c:4318/v1/traces"
    assert tracing.otlp_endpoint({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318/"}) == "http://c:4318/v1/traces"
    assert tracing.otlp_endpoint({"HEMIAO_OTLP_ENDPOINT": "http://c/v1/traces"}) == "http://c/v1/traces"


def test_a_child_span_continues_the_trace_its_headers_carry(exporter: InMemorySpanExporter) -> None:
    with tracing.span("append"):
        kept = tracing.carrier()
    assert kept is not None and set(kept) == {"traceparent"}
    with tracing.span("publish", parent=kept):
        headers: dict[str, str] = {}
        tracing.inject(headers)
    append, publish = exporter.get_finished_spans()
    assert append.context is not None and publish.context is not None and publish.parent is not None
    assert publish.context.trace_id == append.context.trace_id and publish.parent.span_id == append.context.span_id
    assert headers["traceparent"].startswith(f"00-{publish.context.trace_id:032x}-{publish.context.span_id:016x}-")
    assert EventMetadata(actor={}, correlation_id="c", trace=kept).as_dict()["trace"] == kept


def test_a_json_log_line_names_its_trace_span_and_correlation_id(exporter: InMemorySpanExporter) -> None:
    outside = _line("relay %s is the active relay", "cases")
    assert outside["message"] == "relay cases is the active relay"
    assert outside["level"] == "WARNING" and outside["logger"] == "hemiao.test"
    assert outside["trace_id"] is None and outside["span_id"] is None and outside["correlation_id"] is None
    assert str(outside["time"]).endswith("+00:00")

    with tracing.span("serve"), logs.correlated("c-42"):
        inside = _line("第一行\n第二行")
    [served] = exporter.get_finished_spans()
    assert served.context is not None
    assert inside["message"] == "第一行\n第二行"
    assert inside["trace_id"] == f"{served.context.trace_id:032x}"
    assert inside["span_id"] == f"{served.context.span_id:016x}"
    assert inside["correlation_id"] == "c-42"
    assert logs.correlation_id() is None  # the block's end restores it


def test_a_json_line_carries_the_traceback_and_a_wrong_format_is_refused() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    line = json.loads(logs.JsonLines().format(record))
    assert "ValueError: boom" in line["exception"]
    with pytest.raises(ValueError, match="HEMIAO_LOG_FORMAT"):
        logs.configure({"HEMIAO_LOG_FORMAT": "xml"})


def test_with_an_endpoint_set_a_process_sends_its_spans_over_otlp_http(tmp_path: Path) -> None:
    received: list[tuple[str, str, bytes]] = []

    class Collector(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, self.headers["Content-Type"], body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        script = ("from shared import tracing\n"
                  "assert tracing.configure('hemiao-test')\n"
                  "with tracing.span('serve hemiao.cases.open_case'):\n"
                  "    pass\n")  # the provider flushes at exit
        env = {**os.environ, "HEMIAO_OTLP_ENDPOINT": f"http://127.0.0.1:{server.server_port}"}
        done = subprocess.run([sys.executable, "-c", script], env=env, cwd=Path(__file__).parents[3],
                              capture_output=True, timeout=60)
        assert done.returncode == 0, done.stderr.decode()
    finally:
        server.shutdown()
        server.server_close()
    [(path, content_type, body)] = received
    assert path == "/v1/traces" and content_type == "application/x-protobuf"
    assert b"serve hemiao.cases.open_case" in body and b"hemiao-test" in body
