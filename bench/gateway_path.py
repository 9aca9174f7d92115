"""The gateway's own cost of a `recordCaseSession` mutation, in-process: no uvicorn, no NATS, no service.

`python -m bench.gateway_path [--requests N] [--profile out.prof]` builds the real gateway app (every middleware,
extension and guard), replaces only the NATS connection by one that answers each command at once as the cases
service would, and sends it N mutations straight through ASGI, one at a time. It prints the gateway's CPU time per
mutation (process time, so another process's load does not count) and, with --profile, the top of a cProfile.

It measures what the gateway itself spends: the full bench (`bench.run`'s GraphQL phase) adds the HTTP server, the
NATS round trip and the service."""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import time
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from bench.workloads import RECORD_SESSION, graphql_variables
from gateway.app import GatewaySettings, HemiaoGraphQL, create_app
from gateway.waits import Waits
from shared.auth import issue_token
from shared.config import AuthSettings
from shared.contracts import Actor, Role
from shared.runtime import ServiceClient

SECRET = "a-bench-secret-that-is-long-enough-for-hs256"
WORKER = Actor(subject="bench-sw", name="基准社工", role=Role.SOCIAL_WORKER, station_ids=("station-hsp",))


@dataclass
class Reply:
    data: bytes


class AnsweringNats:
    """Stands in for the NATS connection: answers every command as the cases service does, at once."""

    def __init__(self) -> None:
        self.requests = 0

    async def request(self, subject: str, body: bytes, timeout: float, headers: dict[str, str]) -> Reply:
        self.requests += 1
        command = json.loads(body)
        return Reply(json.dumps({"data": {
            "case_id": command["case_id"], "session_id": str(uuid.uuid4()),
            "position": {"service": "cases", "stream_id": f"case-{command['case_id']}", "version": self.requests}}},
            ensure_ascii=False).encode())


def gateway_app() -> tuple[Any, AnsweringNats]:
    """The gateway's app as `python -m gateway` makes it, with its NATS client answering in-process."""
    settings = GatewaySettings(nats_url="nats://unused", namespace="bench", auth=AuthSettings(secret=SECRET))
    app = create_app(settings)
    graphql = next(route.app for route in app.routes if getattr(route, "path", "") == "/graphql"
                   and isinstance(getattr(route, "app", None), HemiaoGraphQL))
    nats = AnsweringNats()
    graphql.client = ServiceClient(nats, settings.namespace)  # type: ignore[arg-type]
    graphql.waits = Waits(graphql.client)
    return app, nats


async def post(app: Any, token: str, body: bytes) -> tuple[int, bytes]:
    """One POST /graphql through the ASGI app (its middleware included); the status and the body answered."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/graphql", "raw_path": b"/graphql", "query_string": b"", "root_path": "",
             "headers": [(b"host", b"127.0.0.1:8000"), (b"content-type", b"application/json"),
                         (b"accept", b"application/json"), (b"authorization", f"Bearer {token}".encode()),
                         (b"content-length", str(len(body)).encode())],
             "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000), "state": {}}
    sent = False
    status = 0
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


async def run(requests: int, profile: str | None) -> None:
    app, nats = gateway_app()
    token = issue_token(SECRET, WORKER)
    held_on = date(2000, 1, 3)
    bodies = [json.dumps({"query": RECORD_SESSION, "variables": graphql_variables(f"case-{n % 8}", held_on)},
                         ensure_ascii=False).encode() for n in range(requests)]
    for body in bodies[:50]:  # warm: documents parsed and validated once, first-call paths taken
        status, answer = await post(app, token, body)
        assert status == 200 and b"RecordCaseSessionPayload" in answer, answer
    profiler = cProfile.Profile() if profile else None
    started, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    for body in bodies:
        status, answer = await post(app, token, body)
        if status != 200 or b"RecordCaseSessionPayload" not in answer:
            raise SystemExit(f"unexpected answer {status}: {answer[:300]!r}")
    if profiler:
        profiler.disable()
    wall, used = time.perf_counter() - started, time.process_time() - cpu
    print(f"{requests} mutations: {1000 * used / requests:.3f} ms of CPU each, {1000 * wall / requests:.3f} ms"
          f" wall each ({requests / wall:,.0f}/s in one process, one at a time); {nats.requests} commands sent")
    if profiler and profile:
        profiler.dump_stats(profile)
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.gateway_path", description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--profile", default=None, help="write a cProfile here and print its top")
    args = parser.parse_args(argv)
    asyncio.run(run(args.requests, args.profile))


if __name__ == "__main__":
    main()
