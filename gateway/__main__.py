"""`python -m gateway`: serve GraphQL on GATEWAY_HOST:GATEWAY_PORT (127.0.0.1:8000 by default)."""

import os

import uvicorn

from gateway.app import GatewaySettings, create_app
from shared import logs, tracing

logs.configure()  # plain lines, or JSON lines with HEMIAO_LOG_FORMAT=json
tracing.configure("hemiao-gateway")  # on when HEMIAO_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_ENDPOINT) is set
settings = GatewaySettings.from_env()
# uvicorn refuses a WebSocket frame over the body limit itself (1009) before the app sees it
uvicorn.run(create_app(settings), host=os.environ.get("GATEWAY_HOST", "127.0.0.1"),
            port=int(os.environ.get("GATEWAY_PORT", "8000")), log_level="warning",
            ws_max_size=settings.max_body_bytes, log_config=None)  # its lines in the process's format
