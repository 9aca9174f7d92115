"""How a process logs: plain lines for a person at a terminal, or JSON lines for a log pipeline.

`HEMIAO_LOG_FORMAT=json` makes every record one JSON object on one line, with `time` (UTC, ISO 8601 to the
millisecond), `level`, `logger`, `message`, the `trace_id` and `span_id` of the span current when it was logged
(shared/tracing.py; null when tracing is off or outside a request) and the `correlation_id` of the request it
belongs to (null outside one), plus `exception` with the traceback when there is one. A collector can then join a
log line to its trace, and an operator find every line of the request a user quotes the correlation id of.
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
from collections.abc import Mapping
from datetime import UTC, datetime

from shared.tracing import trace_ids

PLAIN_FORMAT = "%(asctime)s %(name)s %(levelname)s %(message)s"

_correlation: contextvars.ContextVar[str | None] = contextvars.ContextVar("hemiao_correlation_id", default=None)


def correlation_id() -> str | None:
    """The correlation id of the request being served here, if any."""
    return _correlation.get()


class correlated:  # lower case: used as a function, `with correlated(id):`
    """Log lines inside the block (and in tasks started inside it) carry this correlation id."""

    __slots__ = ("_token", "_value")

    def __init__(self, value: str) -> None:
        self._value = value

    def __enter__(self) -> None:
        self._token = _correlation.set(self._value)

    def __exit__(self, *_: object) -> None:
        _correlation.reset(self._token)


def correlate(value: str) -> None:
    """From here to the end of the current task (a request's), log lines carry this correlation id."""
    _correlation.set(value)


class JsonLines(logging.Formatter):
    """One JSON object per record, on one line (a message's own newlines are escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        ids = trace_ids()
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "trace_id": ids[0] if ids else None,
            "span_id": ids[1] if ids else None,
            "correlation_id": _correlation.get(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.stack_info:
            line["exception"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure(env: Mapping[str, str] = os.environ, level: int = logging.INFO) -> None:
    """A process's logging at its start: JSON lines when `HEMIAO_LOG_FORMAT=json`, else plain lines as before."""
    form = (env.get("HEMIAO_LOG_FORMAT") or "plain").strip().lower()
    if form not in ("plain", "json"):
        raise ValueError(f"HEMIAO_LOG_FORMAT 应为 plain 或 json / HEMIAO_LOG_FORMAT must be plain or json,"
                         f" not {form!r}")
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLines() if form == "json" else logging.Formatter(PLAIN_FORMAT))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    logging.getLogger("nats").setLevel(logging.WARNING)
