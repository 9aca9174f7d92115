"""`make run`: the whole system on one machine, on embedded PostgreSQL and NATS unless told otherwise.

Starts what is missing, migrates (each service does its own), starts the three
services and the gateway as separate processes, loads the demo data once,
prints where GraphiQL is and development tokens, and on Ctrl-C stops every
process it started, the servers included.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request

from shared.auth import issue_token
from shared.config import SERVICE_HTTP_PORTS, development_secret, var_dir
from shared.devstack.demo import (
    SYSTEM,
    bureau,
    demo_id,
    load_demo,
    social_worker,
    station_head,
    station_id,
    supervisor,
)
from shared.devstack.embedded import EmbeddedNats, EmbeddedPostgres, die_with_parent
from shared.natsio import connect
from shared.runtime import ServiceClient

SERVICES = ("cases", "activities", "reporting")
DATABASE_VARIABLES = {s: f"{s.upper()}_DATABASE_URL" for s in SERVICES}


def _say(text: str) -> None:
    print(f"[hemiao] {text}", flush=True)


def _wait_until_ready(name: str, url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with code {process.returncode}; see var/log/{name}.log")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url, timeout=1) as answer:
                if answer.status == 200:
                    return
        time.sleep(0.2)
    raise RuntimeError(f"{name} was not ready within {seconds:.0f} s; see var/log/{name}.log")


class Stack:
    """Everything `make run` started, stopped in reverse order."""

    def __init__(self) -> None:
        self.var = var_dir()
        self.postgres: EmbeddedPostgres | None = None
        self.nats: EmbeddedNats | None = None
        self.processes: list[tuple[str, subprocess.Popen[bytes]]] = []
        self.env = dict(os.environ, HEMIAO_VAR_DIR=str(self.var), PYTHONUNBUFFERED="1")

    def start_servers(self) -> None:
        if not all(os.environ.get(v) for v in DATABASE_VARIABLES.values()):
            port = int(os.environ.get("HEMIAO_PG_PORT", "5432"))
            self.postgres = EmbeddedPostgres(self.var / "pg", port=port)
            self.postgres.start()
            _say(f"PostgreSQL 18 (embedded) on 127.0.0.1:{port}, data in {self.var / 'pg'}")
            for service, variable in DATABASE_VARIABLES.items():
                self.env.setdefault(variable, self.postgres.dsn(f"hemiao_{service}"))
        if not os.environ.get("NATS_URL"):
            port = int(os.environ.get("HEMIAO_NATS_PORT", "4222"))
            self.nats = EmbeddedNats(self.var / "nats", port=port)
            self.nats.start()
            self.env["NATS_URL"] = self.nats.url
            _say(f"nats-server with JetStream (embedded) on {self.nats.url}, store in {self.var / 'nats'}")

    def start(self, name: str, module: str) -> subprocess.Popen[bytes]:
        logs = self.var / "log"
        logs.mkdir(parents=True, exist_ok=True)
        with open(logs / f"{name}.log", "ab") as log:
            process = subprocess.Popen([sys.executable, "-m", module], env=self.env, stdout=log,
                                       stderr=subprocess.STDOUT, start_new_session=True,
                                       preexec_fn=die_with_parent(signal.SIGTERM))
        self.processes.append((name, process))
        return process

    def start_services(self) -> str:
        host = os.environ.get("HEMIAO_HTTP_HOST", "127.0.0.1")
        for service in SERVICES:
            process = self.start(service, f"services.{service}")
            port = int(self.env.get(f"{service.upper()}_HTTP_PORT", SERVICE_HTTP_PORTS[service]))
            _wait_until_ready(service, f"http://{host}:{port}/readyz", process)
            _say(f"{service} is ready (health on http://{host}:{port}/readyz)")
        gateway_host = self.env.get("GATEWAY_HOST", "127.0.0.1")
        gateway_port = self.env.get("GATEWAY_PORT", "8000")
        process = self.start("gateway", "gateway")
        _wait_until_ready("gateway", f"http://{gateway_host}:{gateway_port}/readyz", process)
        return f"http://{gateway_host}:{gateway_port}/graphql"

    def stop(self) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM):  # a second Ctrl-C must not cut the shutdown short
            signal.signal(sig, signal.SIG_IGN)
        for _, process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for name, process in reversed(self.processes):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                _say(f"{name} did not stop in 15 s; killing it")
                process.kill()
                process.wait()
        if self.nats is not None:
            self.nats.stop()
        if self.postgres is not None:
            self.postgres.stop()
        _say("stopped everything it started")


async def _load_demo_once(stack: Stack) -> None:
    marker = stack.var / "demo-loaded"
    if marker.exists():
        _say("demo data already loaded")
        return
    nc = await connect(stack.env["NATS_URL"], "hemiao-demo-loader")
    try:
        token = issue_token(development_secret(), SYSTEM, ttl_seconds=600)
        sent = await load_demo(ServiceClient(nc, stack.env.get("HEMIAO_NAMESPACE", "hemiao")), token)
    finally:
        await nc.close()
    marker.write_text("loaded\n")
    _say(f"demo data loaded: {sent} commands (四个天心区社工站: 文源, 青园, 桂花坪, 黑石铺)")


def _print_welcome(graphiql: str) -> None:
    secret = development_secret()
    worker = issue_token(secret, social_worker("HSP"))
    head = issue_token(secret, station_head("HSP"))
    supervising = issue_token(secret, supervisor("HSP"))
    district = issue_token(secret, bureau())
    print(f"""
  hemiao is running.

  GraphiQL:  {graphiql}
  In GraphiQL's "Headers" pane paste one of these (valid 30 days):

  黑石铺街道社工站 social worker (station {station_id("HSP")}):
    {{"Authorization": "Bearer {worker}"}}

  黑石铺街道社工站 station head, who approves plans and closings and takes up urgent risks:
    {{"Authorization": "Bearer {head}"}}

  黑石铺街道社工站's external supervisor (督导):
    {{"Authorization": "Bearer {supervising}"}}
  (黑石铺's demo compound 一力小区 is {demo_id("compound", "一力小区")})

  District bureau (天心区民政局, every station):
    {{"Authorization": "Bearer {district}"}}

  Logs in {var_dir() / "log"}.  Ctrl-C stops everything.
""", flush=True)


def main() -> None:
    stack = Stack()
    stopping = False

    def on_signal(signum: int, _frame: object) -> None:
        nonlocal stopping
        if not stopping:
            stopping = True
            raise KeyboardInterrupt

    # Installed explicitly: a shell that starts us in the background leaves SIGINT ignored.
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        stack.start_servers()
        graphiql = stack.start_services()
        asyncio.run(_load_demo_once(stack))
        _print_welcome(graphiql)
        while True:
            for name, process in stack.processes:
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited with code {process.returncode}; see var/log/{name}.log")
            time.sleep(0.5)
    except KeyboardInterrupt:
        _say("stopping…")
    except RuntimeError as error:
        _say(f"error: {error}")
        stack.stop()
        sys.exit(1)
    stack.stop()


if __name__ == "__main__":
    main()
