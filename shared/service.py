"""The life of a service process: connect, migrate, serve, stop cleanly on SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import asyncpg
import uvloop
from nats.aio.client import Client
from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.errors import ServiceUnavailableError

from shared import logs, tracing
from shared.config import ServiceSettings
from shared.consumer import Projection, StreamConsumer, adopt_unversioned
from shared.eventstore.postgres import PostgresEventStore
from shared.eventstore.sizing import EventSizeLimit
from shared.http import EmbeddedUvicorn, database_check, embedded_server, health_app, listening_socket, nats_check
from shared.migrations import CONSUMER_MIGRATIONS, EVENT_STORE_MIGRATIONS, migrate
from shared.natsio import connect, ensure_event_stream
from shared.pg import CONNECT_SECONDS, StoreConnection
from shared.relay import Relay, RelayState
from shared.relay_status import relay_metrics, relay_status, relay_status_endpoint
from shared.runtime import Handler, serve

log = logging.getLogger(__name__)


@dataclass
class WriteService:
    """A running write service: its pool, store, NATS client, relay and endpoints."""

    settings: ServiceSettings
    pool: asyncpg.Pool
    nc: Client
    relay: Relay
    store: PostgresEventStore
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    consumers: list[StreamConsumer] = field(default_factory=list)

    async def metrics(self) -> dict[str, tuple[str, Any]]:
        stats = self.relay.stats
        return {
            **relay_metrics(await relay_status(self.pool, self.relay)),
            "hemiao_relay_published_events": ("Events this process's relay has published", stats.published),
            "hemiao_relay_last_global_position": ("Last global position published", stats.last_global_position),
            "hemiao_relay_active": ("1 when this process holds the relay lock",
                                    float(stats.state == RelayState.ACTIVE)),
            "hemiao_nats_connected": ("1 when connected to NATS", float(self.nc.is_connected)),
        }

    async def check_consumers(self) -> str | None:
        idle = [c.name for c in self.consumers if c.stats.state not in ("active", "standby")]
        return f"consumers not running: {', '.join(idle)}" if idle else None

    async def check_relay(self) -> str | None:
        stats = self.relay.stats
        if stats.state == RelayState.BLOCKED:
            return f"blocked: event {stats.blocked_event_id}: {stats.blocked_reason}"
        return None if stats.state in (RelayState.ACTIVE, RelayState.STANDBY) else f"relay: {stats.state.value}"


@contextlib.asynccontextmanager
async def write_service(settings: ServiceSettings, migrations: Path,
                        endpoints: Callable[[PostgresEventStore, asyncpg.Pool], Mapping[str, Handler]],
                        description: str,
                        follows: Mapping[str, Sequence[Projection]] | None = None) -> AsyncIterator[WriteService]:
    """Migrate, connect, start the relay, the endpoints and /healthz; close all of it on exit.

    `follows` names other services' streams whose facts this service keeps for its rules (source → projections),
    each applied by a durable consumer of its own into this service's database.
    """
    listener = listening_socket(settings.http_host, settings.http_port)  # a taken port is said before anything
    settings = replace(settings, http_port=int(listener.getsockname()[1]))  # 0 asked for any free one
    async with contextlib.AsyncExitStack() as stack:  # whatever started is stopped, in reverse, however it ends
        took = StopTimes(settings.service)
        stack.callback(took.log)  # last: how long each step of the stop took
        stack.callback(listener.close)
        await migrate(settings.database_url, [EVENT_STORE_MIGRATIONS, *([CONSUMER_MIGRATIONS] if follows else []),
                                              migrations])
        # No reset query and no idle timer per release: each was a cost of every command (see keeps_no_session).
        # A connection PostgreSQL closed (a restart) is opened anew by the pool when next acquired; its requests
        # meanwhile answer STORE_UNAVAILABLE, told by what StoreConnection noted whether they may have recorded.
        pool = await asyncpg.create_pool(settings.database_url, min_size=2, max_size=20, reset=keeps_no_session,
                                         max_inactive_connection_lifetime=0, connection_class=StoreConnection,
                                         timeout=CONNECT_SECONDS)
        stack.push_async_callback(took.timed, "PostgreSQL pool", pool.close)
        nc = await connect(settings.nats_url, f"hemiao-{settings.service}")
        stack.push_async_callback(took.timed, "NATS drain", close_nats, nc)
        js = nc.jetstream()
        await stream_ensured(js, settings.namespace, settings.service)
        # The bound follows the server the client is connected to now: a reconnect brings its INFO anew.
        store = PostgresEventStore(pool, settings.data_key, EventSizeLimit(lambda: nc.max_payload))
        relay = Relay(settings.database_url, nc, service=settings.service, namespace=settings.namespace)
        running = WriteService(settings=settings, pool=pool, nc=nc, relay=relay, store=store)
        stack.push_async_callback(took.timed, "relay and consumers", cancel_all, running.tasks)
        running.tasks.append(asyncio.create_task(relay.run(), name=f"{settings.service}-relay"))
        for source, followed in (follows or {}).items():
            await stream_ensured(js, settings.namespace, source, owner=False)
            async with pool.acquire() as conn:  # once per process, before its consumer starts
                await adopt_unversioned(conn, followed)
            consumer = StreamConsumer(pool, settings.database_url, js, namespace=settings.namespace, source=source,
                                      projections=followed, consumer=settings.service)
            running.consumers.append(consumer)
            running.tasks.append(asyncio.create_task(consumer.run(), name=consumer.name))
        micro = await serve(nc, service=settings.service, namespace=settings.namespace, version="0.1.0",
                            description=description, auth=settings.auth,
                            endpoints={**endpoints(store, pool), "relay_status": relay_status_endpoint(pool, relay)})
        stack.push_async_callback(took.timed, "requests", micro.stop)
        http = embedded_server(health_app({"database": database_check(pool), "nats": nats_check(nc),
                                           "relay": running.check_relay, "consumers": running.check_consumers},
                                          running.metrics), listener)
        http_task = asyncio.create_task(http.serve(), name=f"{settings.service}-http")
        stack.push_async_callback(took.timed, "health port", stop_http, http, http_task)
        log.info("%s serves %s on NATS (namespace %s); health on http://%s:%d", settings.service,
                 ", ".join(e.name for e in micro.micro.info().endpoints), settings.namespace,
                 settings.http_host, settings.http_port)
        try:
            yield running
        finally:
            log.info("%s stopping", settings.service)


@dataclass
class StopTimes:
    """How long each step of a service's stop took, logged in one line once it has stopped (an operator's answer
    to "why did it take 15 s to stop": docs/operations.md, "Draining on SIGTERM")."""

    service: str
    steps: dict[str, float] = field(default_factory=dict)

    async def timed(self, step: str, stop: Callable[..., Coroutine[Any, Any, Any]], *args: Any) -> None:
        began = time.monotonic()
        try:
            await stop(*args)
        finally:
            self.steps[step] = time.monotonic() - began

    def log(self) -> None:
        if self.steps:
            log.info("%s stopped in %.1f s (%s)", self.service, sum(self.steps.values()),
                     ", ".join(f"{step} {seconds:.2f} s" for step, seconds in self.steps.items()))


STREAM_WAIT_SECONDS = 60.0
"""How long a starting service asks again while JetStream does not answer for its streams, before it exits."""


async def stream_ensured(js: JetStreamContext, namespace: str, service: str, *, owner: bool = True,
                         seconds: float = STREAM_WAIT_SECONDS) -> str:
    """`ensure_event_stream`, asked again while JetStream does not answer: a cluster still electing the stream's
    leader, a node just started, a machine so loaded that the API's 5 s run out (a copy of the cluster test once
    exited there, at its first start). For up to `seconds`, then the error (the supervisor starts it again)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    pause = 0.5
    while True:
        try:
            return await ensure_event_stream(js, namespace, service, owner=owner)
        except (NatsTimeoutError, NoRespondersError, ServiceUnavailableError) as error:
            if loop.time() + pause > deadline:
                raise
            log.warning("JetStream did not answer for the %s stream (%r); asking again in %g s", service, error,
                        pause)
            await asyncio.sleep(pause)
            pause = min(pause * 2, 5.0)


async def keeps_no_session(conn: asyncpg.Connection) -> None:
    """A pool connection given back needs no reset query (a round trip on every release): asyncpg still rolls back
    a transaction left open, and nothing on this pool holds session state (advisory locks, LISTEN and settings are
    taken on connections of their own: shared.election, the relay, migrations)."""


async def close_nats(nc: Client) -> None:
    await nc.drain() if nc.is_connected else await nc.close()


async def stop_http(server: EmbeddedUvicorn, task: asyncio.Task[None]) -> None:
    """Let uvicorn close its sockets itself, then make sure it is gone."""
    server.should_exit = True
    with contextlib.suppress(Exception):
        await asyncio.wait_for(asyncio.shield(task), timeout=5)
    await cancel_all([task])


async def cancel_all(tasks: list[asyncio.Task[Any]]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def until_stopped() -> None:
    """Wait for SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


def run_forever(main: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """The `python -m services.X` entry: logging and tracing (as HEMIAO_LOG_FORMAT and HEMIAO_OTLP_ENDPOINT say),
    then the service until a signal, on uvloop's event loop, as the gateway's uvicorn runs (asyncpg, nats-py and
    uvicorn all run on it; bench/GATEWAY.md has what it changed, measured)."""
    logs.configure()
    tracing.configure(f"hemiao-{main.__module__.split('.')[1]}")  # services.cases.entrypoints… -> hemiao-cases
    uvloop.run(main())
