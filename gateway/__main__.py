"""`python -m gateway`: serve GraphQL on GATEWAY_HOST:GATEWAY_PORT (127.0.0.1:8000 by default)."""

import asyncio
import os
from types import FrameType

import uvicorn

from gateway.app import GatewaySettings, create_app
from shared import logs, tracing

logs.configure()  # plain lines, or JSON lines with HEMIAO_LOG_FORMAT=json
tracing.configure("hemiao-gateway")  # on when HEMIAO_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_ENDPOINT) is set
settings = GatewaySettings.from_env()
DRAIN_SECONDS = float(os.environ.get("HEMIAO_DRAIN_SECONDS") or "0")
"""How long a stopping gateway keeps serving, saying not ready, before it stops (docs/operations.md)."""
if not 0 <= DRAIN_SECONDS <= 120:
    raise SystemExit(f"HEMIAO_DRAIN_SECONDS 须在 0 至 120 秒之间 / must be from 0 to 120 seconds, not {DRAIN_SECONDS}")


class DrainingServer(uvicorn.Server):
    """uvicorn, stopping as a copy behind a balancer should: at the first SIGTERM (or Ctrl-C) /readyz says
    `draining` for HEMIAO_DRAIN_SECONDS while every request, new or under way, is still answered, so the balancer
    takes the copy out of rotation before its socket closes; then uvicorn's own graceful stop. A second signal
    stops at once."""

    draining = False

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if DRAIN_SECONDS <= 0 or self.draining:
            super().handle_exit(sig, frame)
            return
        self.draining = True
        app.state.draining = True
        loop = asyncio.get_event_loop()
        loop.call_soon_threadsafe(loop.call_later, DRAIN_SECONDS, super().handle_exit, sig, frame)


app = create_app(settings)
# uvicorn refuses a WebSocket frame over the body limit itself (1009) before the app sees it. uvloop and httptools
# (a C event loop and HTTP parser, pinned in pyproject.toml) are named rather than left to uvicorn's "auto", so that
# a missing wheel fails at start instead of running slower.
config = uvicorn.Config(app, host=os.environ.get("GATEWAY_HOST", "127.0.0.1"),
                        port=int(os.environ.get("GATEWAY_PORT", "8000")), log_level="warning",
                        loop="uvloop", http="httptools",
                        ws_max_size=settings.max_body_bytes, log_config=None)  # its lines in the process's format
DrainingServer(config).run()
