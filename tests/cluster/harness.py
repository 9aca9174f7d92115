"""hemiao as deploy/compose.yaml runs it, as processes on 127.0.0.1: three nats-server nodes in one JetStream
cluster (deploy/nats-cluster.conf), one PostgreSQL, and two copies each of cases, activities, reporting and the
gateway (`python -m …`), each with the environment compose gives it, only hosts, ports and secrets changed.

What an operator does to such a cluster the harness does to its processes: kill a node outright, start it again,
stop a copy with SIGTERM (as compose and Kubernetes do) and start it again, restart PostgreSQL.

NATS's configuration is made in one function, `nats_config`, with compose's users: each process kind
connects as its own NKey user (`python -m shared.natsauth`, deploy/compose.yaml), and the harness itself as an
`operator` user allowed everything, to look at the streams and make the cluster's first records.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from nats.aio.client import Client

from shared.devstack.embedded import EmbeddedNats, EmbeddedPostgres, die_with_parent, free_port
from shared.natsauth import NatsUser, Permissions, authorization_block, ensure_users, new_seed
from shared.natsio import connect
from tests.support import SECRET  # the tokens the tests make verify with it

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SERVICES = ("cases", "activities", "reporting")
PROCESSES = ("cases", "activities", "reporting", "gateway")
MODULES = {"cases": "services.cases", "activities": "services.activities", "reporting": "services.reporting",
           "gateway": "gateway"}
NATS_NODES = 3


def nats_config(name: str, port: int, cluster_port: int, http_port: int, store: Path, routes: list[int],
                users: list[NatsUser]) -> str:
    """deploy/nats-cluster.conf for one node on 127.0.0.1, its addresses and store changed, nothing else; the
    `hemiao-auth.conf` it includes is written beside it, with `users`.

    The one place the harness makes NATS's configuration: credentials (accounts, users, TLS) go here."""
    (store.parent / "hemiao-auth.conf").write_text(authorization_block(users))
    text = (DEPLOY / "nats-cluster.conf").read_text()
    text = text.replace("$NATS_SERVER_NAME", name)
    text = re.sub(r"(?m)^listen: .*$", f"listen: 127.0.0.1:{port}", text)
    text = re.sub(r"(?m)^http: .*$", f"http: 127.0.0.1:{http_port}", text)
    text = re.sub(r"store_dir: \S+", f'store_dir: "{store}"', text)
    text = re.sub(r"(?m)^(\s+)listen: 0\.0\.0\.0:6222$", rf"\g<1>listen: 127.0.0.1:{cluster_port}", text)
    text = re.sub(r"routes: \[[^\]]*\]",
                  "routes: [\n" + "".join(f"    nats-route://127.0.0.1:{r}\n" for r in routes) + "  ]", text)
    return text


@dataclass
class NatsNode:
    """One node of the cluster, started and stopped as an operator would."""

    name: str
    port: int
    cluster_port: int
    http_port: int
    dir: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self, routes: list[int], users: list[NatsUser]) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        config = self.dir / "nats.conf"
        config.write_text(nats_config(self.name, self.port, self.cluster_port, self.http_port, self.dir / "data",
                                      routes, users))
        with open(self.dir / "nats.log", "ab") as out:
            self.process = subprocess.Popen([EmbeddedNats.binary(), "--config", str(config)], stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True,
                                            preexec_fn=die_with_parent(signal.SIGKILL))

    def kill(self) -> None:
        """Gone at once, as a machine that loses power."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def healthy(self) -> bool:
        """/healthz: 200 once JetStream is up and current with the cluster (compose's health check)."""
        return self.health() is None

    def health(self) -> str | None:
        """None when healthy, else what /healthz says is wrong."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.http_port}/healthz", timeout=1) as answer:
                return None if answer.status == 200 else f"status {answer.status}"
        except urllib.error.HTTPError as error:
            with contextlib.suppress(OSError, ValueError):
                return str(json.loads(error.read()).get("error") or error.code)
            return f"status {error.code}"
        except OSError as error:
            return str(error)

    def stuck_stream(self) -> str | None:
        """The stream whose copy on this node failed to apply what the leader sent it and will not become current
        by itself (nats-server's "critical write error" after a kill and catch-up), if /healthz names one."""
        found = re.search(r"stream '\$G > (\w+)' is not current: stream write error", self.health() or "")
        return found.group(1) if found else None


def _resolve(value: Any, secrets: Mapping[str, str]) -> str:
    """compose's interpolation of `${X}`, `${X:-default}` and `${X:?message}` from the harness's values."""

    def one(found: re.Match[str]) -> str:
        name, op, rest = found.group(1), found.group(2), found.group(3) or ""
        if name in secrets:
            return secrets[name]
        if op == ":-":
            return rest
        if op == ":?":
            raise KeyError(f"deploy/compose.yaml needs {name}: {rest}")
        return ""

    return re.sub(r"\$\{(\w+)(:-|:\?)?([^}]*)\}", one, str(value))


def compose_environment(process: str, secrets: Mapping[str, str]) -> dict[str, str]:
    """The environment deploy/compose.yaml gives the process, interpolated (YAML's merge keys included)."""
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return {k: _resolve(v, secrets) for k, v in (compose["services"][process].get("environment") or {}).items()}


@dataclass
class Copy:
    """One copy of a hemiao process."""

    name: str
    process_kind: str
    env: dict[str, str]
    http_port: int
    log: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def readyz(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/readyz"

    def start(self) -> None:
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen([sys.executable, "-m", MODULES[self.process_kind]], env=self.env,
                                            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True, preexec_fn=die_with_parent(signal.SIGTERM))

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with code {self.process.returncode}; see {self.log}")
            try:
                with urllib.request.urlopen(self.readyz, timeout=1) as answer:
                    if answer.status == 200:
                        return
            except (OSError, urllib.error.HTTPError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} not ready within {timeout:.0f} s; see {self.log}")

    def terminate(self) -> None:
        """SIGTERM, without waiting."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def stop(self, timeout: float = 40) -> float:
        """SIGTERM, as compose and Kubernetes stop a container, and the seconds it took to exit."""
        began = time.monotonic()
        self.terminate()
        return self.wait_exit(began, timeout)

    def wait_exit(self, began: float, timeout: float = 40) -> float:
        """The seconds from `began` (its SIGTERM) until it exited; killed, and an error, after `timeout`."""
        if self.process is not None:
            try:
                self.process.wait(timeout=max(timeout - (time.monotonic() - began), 0.1))
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise RuntimeError(f"{self.name} did not stop within {timeout:.0f} s of SIGTERM") from None
        return time.monotonic() - began


@dataclass
class Cluster:
    """The whole topology of deploy/compose.yaml, on 127.0.0.1."""

    root: Path
    namespace: str = "hemiao"
    copies_each: int = 2
    nodes: list[NatsNode] = field(default_factory=list)
    postgres: EmbeddedPostgres | None = None
    copies: list[Copy] = field(default_factory=list)
    users: dict[str, NatsUser] = field(default_factory=dict)
    operator: NatsUser = field(default_factory=lambda: NatsUser("operator", new_seed(), Permissions((">",), (">",))))

    def __post_init__(self) -> None:
        self.users = ensure_users(self.root / "nats-users", self.namespace)  # what compose's .env carries

    @property
    def node_users(self) -> list[NatsUser]:
        """Who each node lets in: every process kind, and the harness."""
        return [*self.users.values(), self.operator]

    async def connect(self) -> Client:
        """The harness's own connection to the cluster, as its operator."""
        return await connect(self.nats_url, "hemiao-cluster-harness", env=self.operator.env())

    @property
    def nats_url(self) -> str:
        return ",".join(node.url for node in self.nodes)

    @property
    def gateways(self) -> list[str]:
        return [f"http://127.0.0.1:{c.http_port}" for c in self.copies if c.process_kind == "gateway"]

    def node(self, name: str) -> NatsNode:
        return next(n for n in self.nodes if n.name == name)

    def start_nats(self) -> None:
        self.nodes = [NatsNode(f"nats-{i + 1}", free_port(), free_port(), free_port(), self.root / f"nats-{i + 1}")
                      for i in range(NATS_NODES)]
        for node in self.nodes:
            node.start(self.routes, self.node_users)
        self.wait_nats_healthy()

    @property
    def routes(self) -> list[int]:
        return [n.cluster_port for n in self.nodes]

    def wait_nats_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not all(node.healthy() for node in self.nodes if node.process and node.process.poll() is None):
            if time.monotonic() > deadline:
                raise RuntimeError(f"the NATS cluster is not healthy within {timeout:.0f} s; see {self.root}")
            time.sleep(0.2)

    def start_postgres(self) -> None:
        self.postgres = EmbeddedPostgres(self.root / "pg", port=free_port(), durable=True)
        self.postgres.start()

    def restart_postgres(self) -> float:
        """PostgreSQL's fast shutdown (every connection cut), then started again on its data: the seconds down."""
        assert self.postgres is not None
        started = time.monotonic()
        self.postgres.stop()
        self.postgres.start()
        return time.monotonic() - started

    def dsn(self, service: str) -> str:
        assert self.postgres is not None
        return self.postgres.dsn(f"hemiao_{service}")

    def environment(self, kind: str, port: int) -> dict[str, str]:
        """compose's environment for the process, with this machine's hosts and ports."""
        secrets = {"HEMIAO_JWT_SECRET": SECRET, "HEMIAO_NAMESPACE": self.namespace,
                   "CASES_DATA_KEY": base64.b64encode(bytes(range(32))).decode(),
                   "ACTIVITIES_DATA_KEY": base64.b64encode(bytes(range(1, 33))).decode(),
                   "HEMIAO_EXPORT_KEY": base64.b64encode(bytes(range(2, 34))).decode(),
                   "CASES_DB_PASSWORD": "", "ACTIVITIES_DB_PASSWORD": "", "REPORTING_DB_PASSWORD": "",
                   **{f"{k.upper()}_NATS_NKEY_SEED": user.seed for k, user in self.users.items()}}
        env = {k: v for k, v in os.environ.items() if not k.startswith(("HEMIAO_", "NATS_", "GATEWAY_"))
               and not k.endswith(("_DATABASE_URL", "_HTTP_PORT"))}
        env.update(compose_environment(kind, secrets))
        env.update({"NATS_URL": self.nats_url, "HEMIAO_HTTP_HOST": "127.0.0.1", "GATEWAY_HOST": "127.0.0.1",
                    "HEMIAO_VAR_DIR": str(self.root / "var"), "PYTHONUNBUFFERED": "1"})
        env.setdefault("HEMIAO_STREAM_REPLICAS", str(NATS_NODES))  # R3 on three nodes (docs/operations.md)
        for service in SERVICES:
            env[f"{service.upper()}_HTTP_PORT"] = str(port if kind == service else free_port())
            if f"{service.upper()}_DATABASE_URL" in env:
                env[f"{service.upper()}_DATABASE_URL"] = self.dsn(service)
        env["GATEWAY_PORT"] = str(port if kind == "gateway" else free_port())
        return env

    def start_processes(self) -> None:
        """Each kind's first copy (it migrates its database), then the second, each waited ready in turn."""
        (self.root / "log").mkdir(parents=True, exist_ok=True)
        for number in range(1, self.copies_each + 1):
            for kind in PROCESSES:
                port = free_port()
                copy = Copy(f"{kind}-{number}", kind, self.environment(kind, port), port,
                            self.root / "log" / f"{kind}-{number}.log")
                copy.start()
                self.copies.append(copy)
            for copy in self.copies[-len(PROCESSES):]:
                copy.wait_ready()

    def rolling_restart(self) -> list[tuple[str, float, float]]:
        """Every copy restarted, one copy of each kind at a time: SIGTERM, wait until it exits, start it again
        and wait until it is ready, while the kind's other copy serves. The kinds go side by side (cases-1 with
        activities-1…), as an orchestrator rolls several deployments at once. Per copy, its name, the seconds
        it took to stop and to be ready again.

        Started from the calling thread, never a short-lived one: a child's parent-death signal fires when the
        thread that started it ends."""
        done: list[tuple[str, float, float]] = []
        for number in range(1, self.copies_each + 1):
            turn = [c for c in self.copies if c.name.endswith(f"-{number}")]
            began = time.monotonic()
            for copy in turn:
                copy.terminate()
            stopped = {copy.name: copy.wait_exit(began) for copy in turn}
            began = time.monotonic()
            for copy in turn:
                copy.start()
            for copy in turn:
                copy.wait_ready()
                done.append((copy.name, stopped[copy.name], time.monotonic() - began))
        return done

    def stop(self) -> None:
        for copy in reversed(self.copies):
            try:
                copy.stop(timeout=20)
            except RuntimeError:
                pass
        for node in self.nodes:
            node.kill()
        if self.postgres is not None:
            self.postgres.stop()

    def logs_about(self, ids: list[str]) -> str:
        """Every line of every copy's log (its earlier runs' included) that names one of `ids` (a correlation id,
        an idempotency key): where a failed request went, and what became of it."""
        out = []
        for copy in self.copies:
            text = copy.log.read_text(errors="replace").splitlines() if copy.log.exists() else []
            out += [f"{copy.name}: {line}" for line in text if any(i in line for i in ids)]
        return "\n".join(out) or f"no log line names {', '.join(ids)}"

    def logs_tail(self, lines: int = 30) -> str:
        """The last lines of every copy's log, for a failure's message."""
        out = []
        for copy in self.copies:
            text = copy.log.read_text(errors="replace").splitlines()[-lines:] if copy.log.exists() else []
            out.append(f"--- {copy.name}\n" + "\n".join(text))
        return "\n".join(out)


def readyz(copy: Copy) -> dict[str, Any]:
    try:
        with urllib.request.urlopen(copy.readyz, timeout=1) as answer:
            return dict(json.loads(answer.read()))
    except urllib.error.HTTPError as error:
        return dict(json.loads(error.read()))
