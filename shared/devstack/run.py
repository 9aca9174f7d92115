"""`make run`: the whole system on one machine, on embedded PostgreSQL and NATS unless told otherwise.

Starts what is missing, migrates (each service does its own), starts the three
services as separate processes, loads the demo data once and waits until the
read side has it, only then opens the gateway and prints where GraphiQL is and
development tokens. A process that dies is restarted with back-off (one line
says so); Ctrl-C stops every process it started, the servers included.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys

from shared.auth import issue_token
from shared.config import SERVICE_HTTP_PORTS, development_secret, var_dir
from shared.contracts.errors import DomainError
from shared.devstack.demo import (
    SYSTEM,
    bureau,
    demo_id,
    read_side_has,
    send_demo,
    social_worker,
    station_head,
    station_id,
    supervisor,
)
from shared.devstack.embedded import EmbeddedNats, EmbeddedPostgres, die_with_parent
from shared.devstack.readiness import NotStarted, wait_started
from shared.devstack.supervisor import Supervisor
from shared.natsauth import authorization_block, development_auth_dir, ensure_users
from shared.natsio import connect
from shared.runtime import ServiceClient

SERVICES = ("cases", "activities", "reporting")
DEVELOPMENT_ORIGINS = ",".join(f"http://{host}:{port}" for port in (3000, 5173, 8080) for host in ("localhost",
                                                                                                  "127.0.0.1"))
"""The gateway's CORS origins under `make run` (unless HEMIAO_CORS_ORIGINS says otherwise): the usual ports of
React and Next (3000), Vite (5173) and Vue CLI or webpack (8080)."""
DATABASE_VARIABLES = {s: f"{s.upper()}_DATABASE_URL" for s in SERVICES}


def _say(text: str) -> None:
    print(f"[hemiao] {text}", flush=True)


def _started(name: str, problems: list[str], health: str) -> None:
    if problems:
        why = "; ".join(problems)
        _say(f"{name} 已启动，但 {why} / {name} started, but {why} (see {health})")
    else:
        _say(f"{name} is ready (health on {health})")


class Stack:
    """Everything `make run` started, supervised, and stopped in reverse order."""

    def __init__(self) -> None:
        self.var = var_dir()
        self.logs = self.var / "log"
        self.env = dict(os.environ, HEMIAO_VAR_DIR=str(self.var), PYTHONUNBUFFERED="1")
        self.env.setdefault("HEMIAO_CORS_ORIGINS", DEVELOPMENT_ORIGINS)
        self.supervisor = Supervisor(_say)
        self.nats_env: dict[str, dict[str, str]] = {}
        """Each process kind's own NATS credentials, when the stack started its own nats-server."""

    def start_servers(self) -> None:
        if not all(os.environ.get(v) for v in DATABASE_VARIABLES.values()):
            port = int(os.environ.get("HEMIAO_PG_PORT", "5432"))
            postgres = EmbeddedPostgres(self.var / "pg", port=port)
            self.supervisor.start("PostgreSQL", lambda: _started_server(postgres), self.var / "postgres.log",
                                  stop_signal=signal.SIGINT, stop_last=True)  # SIGINT: PostgreSQL's fast shutdown
            _say(f"PostgreSQL 18 (embedded) on 127.0.0.1:{port}, data in {self.var / 'pg'}")
            for service, variable in DATABASE_VARIABLES.items():
                self.env.setdefault(variable, postgres.dsn(f"hemiao_{service}"))
        if not os.environ.get("NATS_URL"):
            port = int(os.environ.get("HEMIAO_NATS_PORT", "4222"))
            users = ensure_users(development_auth_dir(self.var), self.env.get("HEMIAO_NAMESPACE") or "hemiao")
            self.nats_env = {kind: user.env() for kind, user in users.items()}
            nats = EmbeddedNats(self.var / "nats", port=port, config_text=authorization_block(users.values()))
            self.supervisor.start("nats-server", lambda: _started_server(nats), self.var / "nats.log",
                                  stop_last=True)
            self.env["NATS_URL"] = nats.url
            _say(f"nats-server with JetStream (embedded) on {nats.url}, store in {self.var / 'nats'};"
                 f" a NATS user per process, seeds in {development_auth_dir(self.var)}")

    def start(self, name: str, module: str, health: str) -> None:
        """Start `python -m module`, logging to var/log/<name>.log, and wait until its /readyz answers."""
        self.logs.mkdir(parents=True, exist_ok=True)
        log = self.logs / f"{name}.log"

        def launch() -> subprocess.Popen[bytes]:
            with open(log, "ab") as out:
                return subprocess.Popen([sys.executable, "-m", module], env=self.env_of(name), stdout=out,
                                        stderr=subprocess.STDOUT, start_new_session=True,
                                        preexec_fn=die_with_parent(signal.SIGTERM))

        child = self.supervisor.start(name, launch, log)
        assert child.process is not None
        _started(name, wait_started(name, health, child.process, log), health)

    def env_of(self, kind: str) -> dict[str, str]:
        """The environment of a process of this kind: the stack's, with its own NATS credentials."""
        return {**self.env, **self.nats_env.get(kind, {})}

    def start_services(self) -> None:
        host = os.environ.get("HEMIAO_HTTP_HOST", "127.0.0.1")
        for service in SERVICES:
            port = int(self.env.get(f"{service.upper()}_HTTP_PORT", SERVICE_HTTP_PORTS[service]))
            self.start(service, f"services.{service}", f"http://{host}:{port}/readyz")

    def open_gateway(self) -> str:
        host = self.env.get("GATEWAY_HOST", "127.0.0.1")
        reach = {"0.0.0.0": "127.0.0.1"}.get(host, host)
        base = f"http://{reach}:{self.env.get('GATEWAY_PORT', '8000')}"
        self.start("gateway", "gateway", f"{base}/readyz")
        return f"{base}/graphql"

    def stop(self) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM):  # a second Ctrl-C must not cut the shutdown short
            signal.signal(sig, signal.SIG_IGN)
        self.supervisor.stop_all()
        _say("stopped everything it started")


def _started_server(server: EmbeddedPostgres | EmbeddedNats) -> subprocess.Popen[bytes]:
    server.start()
    assert server.process is not None
    return server.process


async def _load_demo_once(stack: Stack) -> None:
    """Load the demo data (once for this var/) and wait until reporting has it, so the gateway opens on it."""
    marker = stack.var / "demo-loaded"
    if marker.exists():
        _say("demo data already loaded")
        return
    nc = await connect(stack.env["NATS_URL"], "hemiao-demo-loader", env=stack.env_of("tool"))
    try:
        client = ServiceClient(nc, stack.env.get("HEMIAO_NAMESPACE", "hemiao"))
        token = issue_token(development_secret(), SYSTEM, ttl_seconds=600)
        positions = await send_demo(client, token)
        marker.write_text("loaded\n")
        _say(f"demo data loaded: {len(positions)} commands (四个天心区社工站: 文源, 青园, 桂花坪, 黑石铺)")
        try:
            applied = await read_side_has(client, token, positions)
        except DomainError as error:  # reporting refused to say: open anyway, and say so
            _say(f"reporting could not say whether it has the demo data: {error}")
            applied = False
        if not applied:
            _say("报表侧尚未处理完演示数据，数字会随后补上 / reporting has not applied all the demo data yet;"
                 " its figures fill in as it catches up (see systemStatus)")
    finally:
        await nc.close()


def demo_wanted() -> bool:
    """`HEMIAO_DEMO=off` starts an empty installation (docs/onboarding.md): no demo data, only the bureau's token."""
    return os.environ.get("HEMIAO_DEMO", "on").strip().lower() not in ("off", "0", "no", "false")


def _print_empty_welcome(graphiql: str) -> None:
    district = issue_token(development_secret(), bureau())
    print(f"""
  hemiao is running, empty (HEMIAO_DEMO=off): no streets, stations or people yet.

  GraphiQL:  {graphiql}
  The district bureau's token (天心区民政局, valid 30 days), for the Headers pane:
    {{"Authorization": "Bearer {district}"}}
  docs/onboarding.md goes from here to a district with its streets, stations, staff and rosters.

  Logs in {var_dir() / "log"}.  Ctrl-C stops everything.
""", flush=True)


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
        stack.start_services()
        if demo_wanted():
            asyncio.run(_load_demo_once(stack))
            _print_welcome(stack.open_gateway())
        else:
            _print_empty_welcome(stack.open_gateway())
        stack.supervisor.watch()
    except KeyboardInterrupt:
        _say("stopping…")
    except (NotStarted, RuntimeError) as error:
        _say(f"error: {error}")
        stack.stop()
        sys.exit(1)
    stack.stop()


if __name__ == "__main__":
    main()
