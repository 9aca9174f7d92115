"""A private hemiao for the bench: embedded PostgreSQL and NATS in a temp dir, services as processes."""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from shared.devstack.embedded import EmbeddedNats, EmbeddedPostgres, free_port

SERVICES = ("cases", "activities", "reporting")
READY_SECONDS = 90.0
STOP_SECONDS = 15.0


def say(text: str) -> None:
    """One progress line on stdout."""
    print(f"[bench] {text}", flush=True)


@dataclass
class Process:
    """One service process the bench started, with its health URL and log."""

    name: str
    popen: subprocess.Popen[bytes]
    ready_url: str
    log: Path


@dataclass
class BenchStack:
    """Everything the bench starts; `stop()` ends all of it, whatever state it got to."""

    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="hemiao-bench-")))
    namespace: str = field(default_factory=lambda: f"bench-{uuid.uuid4().hex[:10]}")
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(48))
    data_key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    """The cases service's data key, which the bench also holds to write histories through its store."""
    profiled: dict[str, Path] = field(default_factory=dict)
    """Services started under cProfile (bench.profiling), with the file each writes its statistics to."""
    postgres: EmbeddedPostgres | None = None
    nats: EmbeddedNats | None = None
    processes: list[Process] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    gateway_base: str = ""
    exit_codes: dict[str, int] = field(default_factory=dict)
    stop_seconds: dict[str, float] = field(default_factory=dict)
    stopped: bool = False
    stopped_services: dict[str, Process] = field(default_factory=dict)
    profile_refusal: str = ""

    @property
    def log_dir(self) -> Path:
        """Where the services' logs go."""
        return self.root / "log"

    def dsn(self, database: str) -> str:
        """The DSN of a database on the bench's PostgreSQL."""
        assert self.postgres is not None, "PostgreSQL starts first"
        return self.postgres.dsn(database)

    def start_servers(self) -> None:
        """Start PostgreSQL and nats-server on free loopback ports."""
        self.postgres = EmbeddedPostgres(self.root / "pg", port=free_port())
        self.postgres.start()
        say(f"PostgreSQL on 127.0.0.1:{self.postgres.port}")
        self.nats = EmbeddedNats(self.root / "nats", port=free_port())
        self.nats.start()
        say(f"nats-server on {self.nats.url}")

    def _environment(self) -> dict[str, str]:
        """The services' environment: this stack's servers, ports, namespace and secret, nothing inherited."""
        assert self.nats is not None
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("HEMIAO_", "GATEWAY_", "NATS_"))
               and not k.endswith(("_DATABASE_URL", "_HTTP_PORT"))}
        env.update(HEMIAO_VAR_DIR=str(self.root / "var"), HEMIAO_NAMESPACE=self.namespace,
                   HEMIAO_JWT_SECRET=self.secret, HEMIAO_DATA_KEY=base64.b64encode(self.data_key).decode(),
                   HEMIAO_HTTP_HOST="127.0.0.1", NATS_URL=self.nats.url,
                   GATEWAY_HOST="127.0.0.1", GATEWAY_PORT=str(free_port()), PYTHONUNBUFFERED="1",
                   # the benches start reporting on a written backlog and time its drain themselves: it is "ready"
                   # however far behind (else /readyz is 503 until it has caught up, and the start waits on it)
                   HEMIAO_READY_MAX_LAG_EVENTS=str(10**12))
        for service in SERVICES:
            env[f"{service.upper()}_DATABASE_URL"] = self.dsn(f"hemiao_{service}")
            env[f"{service.upper()}_HTTP_PORT"] = str(free_port())
        return env

    def _spawn(self, name: str, module: str, ready_url: str) -> Process:
        """Start `python -m module` with the stack's environment, its output into a log (appended to, so a
        restarted service keeps one log); under cProfile when the service is in `profiled`."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_dir / f"{name}.log"
        command, env = [sys.executable, "-m", module], self.env
        if name in self.profiled:
            command = [sys.executable, "-m", "bench.profiling", module]
            env = {**self.env, "HEMIAO_PROFILE": str(self.profiled[name])}
        with open(log, "ab") as out:
            popen = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT,
                                     start_new_session=True, cwd=Path(__file__).resolve().parents[1])
        process = Process(name=name, popen=popen, ready_url=ready_url, log=log)
        self.processes = [p for p in self.processes if p.name != name] + [process]
        return process

    @staticmethod
    def _wait_ready(process: Process) -> None:
        """Wait until the process answers 200 on /readyz; raise if it exits or takes too long."""
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            if process.popen.poll() is not None:
                raise RuntimeError(f"{process.name} exited with code {process.popen.returncode}; "
                                   f"log: {process.log}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(process.ready_url, timeout=1) as answer:
                    if answer.status == 200:
                        return
            time.sleep(0.2)
        raise RuntimeError(f"{process.name} was not ready within {READY_SECONDS:.0f} s; log: {process.log}")

    def start_services(self) -> None:
        """Start the three services, then the gateway, each waiting for its /readyz (as `make run` does)."""
        self.env = self._environment()
        for service in SERVICES:
            port = self.env[f"{service.upper()}_HTTP_PORT"]
            process = self._spawn(service, f"services.{service}", f"http://127.0.0.1:{port}/readyz")
            self._wait_ready(process)
            say(f"{service} ready (pid {process.popen.pid})")
        base = f"http://127.0.0.1:{self.env['GATEWAY_PORT']}"
        process = self._spawn("gateway", "gateway", f"{base}/readyz")
        self._wait_ready(process)
        self.gateway_base = base
        say(f"gateway ready at {base}/graphql (pid {process.popen.pid})")

    def pid(self, name: str) -> int:
        """The pid of a service process the bench started."""
        return next(p.popen.pid for p in self.processes if p.name == name)

    def stop_service(self, name: str) -> None:
        """Stop one service (SIGTERM, SIGKILL after the grace period) and keep its exit code."""
        process = next(p for p in self.processes if p.name == name)
        if process.popen.poll() is None:
            process.popen.send_signal(signal.SIGTERM)
            try:
                process.popen.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                say(f"{name} did not stop in {STOP_SECONDS:.0f} s; killing it")
                os.killpg(process.popen.pid, signal.SIGKILL)
                process.popen.wait()
        self.processes.remove(process)
        self.stopped_services[name] = process
        say(f"{name} stopped (exit code {process.popen.returncode})")

    def start_service(self, name: str) -> Process:
        """Start a service the bench stopped (or one more time), and wait for its /readyz."""
        port = self.env[f"{name.upper()}_HTTP_PORT"]
        process = self._spawn(name, f"services.{name}", f"http://127.0.0.1:{port}/readyz")
        self.stopped_services.pop(name, None)
        self._wait_ready(process)
        say(f"{name} ready (pid {process.popen.pid})")
        return process

    def check_alive(self) -> None:
        """Raise if any service process has exited."""
        for process in self.processes:
            if process.popen.poll() is not None:
                raise RuntimeError(f"{process.name} exited with code {process.popen.returncode}; "
                                   f"log: {process.log}")

    def pids(self) -> dict[str, int]:
        """Name -> pid of every process the bench started that still runs."""
        found = {p.name: p.popen.pid for p in self.processes if p.popen.poll() is None}
        for name, server in (("postgres", self.postgres), ("nats-server", self.nats)):
            if server is not None and server.process is not None and server.process.poll() is None:
                found[name] = server.process.pid
        return found

    def stop(self) -> None:
        """Stop the services (SIGTERM, then SIGKILL after a grace period), then NATS and PostgreSQL."""
        if self.stopped:
            return
        self.stopped = True
        for sig in (signal.SIGINT, signal.SIGTERM):  # a second Ctrl-C must not cut the shutdown short
            signal.signal(sig, signal.SIG_IGN)
        signalled = time.monotonic()
        for process in reversed(self.processes):
            if process.popen.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    process.popen.send_signal(signal.SIGTERM)
        running = list(self.processes)
        while running and time.monotonic() - signalled < STOP_SECONDS:
            for process in [p for p in running if p.popen.poll() is not None]:
                self.stop_seconds[process.name] = time.monotonic() - signalled
                running.remove(process)
            time.sleep(0.02)
        for process in running:
            say(f"{process.name} did not stop in {STOP_SECONDS:.0f} s; killing it")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.popen.pid, signal.SIGKILL)
            process.popen.wait()
        self.exit_codes.update({p.name: p.popen.returncode for p in self.processes})
        for server in (self.nats, self.postgres):
            if server is not None:
                try:
                    server.stop()
                except Exception as error:  # keep stopping the rest
                    say(f"stopping {type(server).__name__} failed: {error!r}")
        say("stopped every process it started")

    def remove(self) -> None:
        """Delete the temp dir (data, store and logs)."""
        shutil.rmtree(self.root, ignore_errors=True)
