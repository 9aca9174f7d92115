"""Each service's small HTTP app: /healthz, /readyz and /metrics (Prometheus text)."""

from __future__ import annotations

import contextlib
import inspect
import socket
from collections.abc import Awaitable, Callable, Iterator, Mapping
from typing import Any

import asyncpg
import uvicorn
from nats.aio.client import Client
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

ReadinessCheck = Callable[[], Awaitable[str | None]]
"""A check answers None when ready, or what is wrong."""

Metrics = Mapping[str, tuple[str, float | Mapping[tuple[tuple[str, str], ...], float]]]
"""name -> (help, value) or name -> (help, {labels: value})."""

MetricsSource = Callable[[], Metrics | Awaitable[Metrics]]
"""Metrics now, or (read from the database, say) once awaited."""


def database_check(pool: asyncpg.Pool) -> ReadinessCheck:
    async def check() -> str | None:
        try:
            await pool.fetchval("SELECT 1")
            return None
        except Exception as error:
            return f"database: {type(error).__name__}"

    return check


def nats_check(nc: Client) -> ReadinessCheck:
    async def check() -> str | None:
        return None if nc.is_connected else "nats: not connected"

    return check


class _ValuesCollector(Collector):
    def __init__(self, values: Metrics) -> None:
        self._values = values

    def collect(self) -> Iterator[Metric]:
        for name, (help_text, value) in self._values.items():
            if isinstance(value, Mapping):
                label_names = [k for k, _ in next(iter(value), ())]
                family = GaugeMetricFamily(name, help_text, labels=label_names)
                for labels, v in value.items():
                    family.add_metric([lv for _, lv in labels], v)
            else:
                family = GaugeMetricFamily(name, help_text, value=value)
            yield family


def health_app(checks: Mapping[str, ReadinessCheck], metrics: MetricsSource) -> Starlette:
    """/healthz says the process lives; /readyz runs every check; /metrics renders the source."""

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(_: Request) -> Response:
        results = {name: await check() for name, check in checks.items()}
        ready = all(problem is None for problem in results.values())
        body = {"status": "ready" if ready else "not_ready",
                "checks": {name: problem or "ok" for name, problem in results.items()}}
        return JSONResponse(body, status_code=200 if ready else 503)

    async def metrics_endpoint(_: Request) -> Response:
        values = metrics()
        registry = CollectorRegistry()  # one per scrape: the values were read for it, some of them awaited
        registry.register(_ValuesCollector(await values if inspect.isawaitable(values) else values))
        return Response(generate_latest(registry), media_type="text/plain; version=0.0.4; charset=utf-8")

    return Starlette(routes=[Route("/healthz", healthz), Route("/readyz", readyz),
                             Route("/metrics", metrics_endpoint)])


class PortTaken(RuntimeError):
    """The address a server was told to listen on is in use or not ours (端口已被占用或不可用)."""


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound now to `host:port`, so the address is ours from here on; port 0 lets the system choose one.

    Binding before anything starts means a taken port is said at once, by name, instead of surfacing as uvicorn's
    exit inside a task; and with port 0 two test runs side by side cannot pick the same port.
    """
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise PortTaken(f"无法监听 {host}:{port}（{error.strerror}）/ cannot listen on {host}:{port} "
                        f"({error.strerror})") from error
    return sock


class EmbeddedUvicorn(uvicorn.Server):
    """A uvicorn server that runs inside a service's own event loop, on a socket bound when it was made, and leaves
    its signals alone."""

    def __init__(self, config: uvicorn.Config, sock: socket.socket) -> None:
        super().__init__(config)
        self.socket = sock

    @property
    def port(self) -> int:
        return int(self.socket.getsockname()[1])

    async def serve(self, sockets: list[socket.socket] | None = None) -> None:
        await super().serve(sockets or [self.socket])

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def embedded_server(app: Starlette, sock: socket.socket, **config: Any) -> EmbeddedUvicorn:
    """A server for `app` on `sock` (from `listening_socket`); `config` goes to uvicorn."""
    host, port = sock.getsockname()[:2]
    # log_config None: uvicorn's lines go to the process's own handler (shared/logs.py: plain or JSON), not its own
    options: dict[str, Any] = {"log_level": "warning", "access_log": False, "lifespan": "off", "log_config": None,
                               **config}
    return EmbeddedUvicorn(uvicorn.Config(app, host=host, port=port, **options), sock)
