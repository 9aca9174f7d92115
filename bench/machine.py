"""Facts about the machine and the software under test, CPU use per process, and problems in the logs."""

from __future__ import annotations

import contextlib
import os
import platform
import re
import subprocess
import sys
from collections import Counter
from importlib import metadata
from pathlib import Path

import asyncpg
import psutil

MACHINE = "machine busy"
OTHERS = "other processes on the machine"
LIBRARIES = ("nats-py", "asyncpg", "strawberry-graphql", "starlette", "uvicorn", "uvloop", "httptools", "httpx",
             "pydantic")


def _cpuinfo_model() -> str:
    """The CPU model name from /proc/cpuinfo."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _ram_gib() -> float:
    """Total RAM in GiB."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    return float(psutil.virtual_memory().total) / 1024**3


def _version_of(command: list[str]) -> str:
    """The first line a program prints about its version."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)
    except OSError as error:
        return f"unknown ({error})"
    return (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr) else "unknown"


async def facts(dsn: str, postgres_bin: Path, nats_binary: str) -> dict[str, str]:
    """nproc, CPU, RAM, OS, Python, PostgreSQL (and its durability settings), nats-server, libraries."""
    conn = await asyncpg.connect(dsn)
    try:
        server = await conn.fetchval("SHOW server_version")
        settings = {name: await conn.fetchval(f"SHOW {name}")
                    for name in ("fsync", "synchronous_commit", "wal_sync_method", "shared_buffers",
                                 "max_connections")}
    finally:
        await conn.close()
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "nproc": str(affinity),
        "CPU": _cpuinfo_model(),
        "RAM": f"{_ram_gib():.1f} GiB",
        "Load average at start (1, 5, 15 min)": ", ".join(f"{x:.2f}" for x in os.getloadavg()),
        "OS": platform.platform(),
        "Python": sys.version.split()[0],
        "PostgreSQL": f"{server} (embedded; {_version_of([str(postgres_bin / 'postgres'), '--version'])})",
        "PostgreSQL settings": ", ".join(f"{k}={v}" for k, v in settings.items()),
        "nats-server": _version_of([nats_binary, "--version"]),
        "Libraries": ", ".join(f"{name} {_installed(name)}" for name in LIBRARIES),
    }


def _installed(distribution: str) -> str:
    """The installed version of a distribution, or "?"."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "?"


def _cpu_seconds(process: psutil.Process, with_children: bool) -> float:
    """User plus system CPU seconds of a process, optionally with its children."""
    times = process.cpu_times()
    total = float(times.user + times.system)
    if with_children:
        total += times.children_user + times.children_system  # children that already exited
        for child in process.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                child_times = child.cpu_times()
                total += child_times.user + child_times.system
    return total


def cpu_snapshot(pids: dict[str, int]) -> dict[str, float]:
    """CPU seconds used so far by each named process (PostgreSQL with its backends), and by the bench itself."""
    snapshot: dict[str, float] = {}
    for name, pid in pids.items():
        with contextlib.suppress(psutil.Error):
            snapshot[name] = _cpu_seconds(psutil.Process(pid), with_children=name == "postgres")
    snapshot["bench (load generator)"] = _cpu_seconds(psutil.Process(), with_children=False)
    machine = psutil.cpu_times()
    snapshot[MACHINE] = float(machine.user + machine.nice + machine.system + getattr(machine, "irq", 0.0)
                              + getattr(machine, "softirq", 0.0) + getattr(machine, "steal", 0.0))
    return snapshot


def cpu_share(before: dict[str, float], after: dict[str, float], wall: float) -> dict[str, float]:
    """Per process, CPU used between two snapshots as a percentage of one core; plus what nobody of ours used."""
    if wall <= 0:
        return {}
    share = {name: 100 * (after[name] - before.get(name, 0.0)) / wall for name in after if name != MACHINE}
    busy = 100 * (after[MACHINE] - before[MACHINE]) / wall
    share[OTHERS] = max(0.0, busy - sum(share.values()))
    return share


_PROBLEM = re.compile(r"\b(ERROR|CRITICAL|FATAL|PANIC|WARNING)\b|\[(ERR|WRN|FTL)\]")
_MASKS = (re.compile(r"\d{4}[-/]\d\d[-/]\d\d[ T]\d\d:\d\d:\d\d([.,]\d+)?( UTC)?"),
          re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
          re.compile(r"\b\d+\b"))


def _masked(line: str) -> str:
    """A log line with times, uuids and numbers replaced by #."""
    for mask in _MASKS:
        line = mask.sub("#", line)
    return line.strip()[:220]


def log_problems(logs: list[Path], top: int = 6) -> dict[str, list[tuple[int, str]]]:
    """Per log file, its most frequent warning/error lines and exceptions (times, ids, numbers masked)."""
    found: dict[str, list[tuple[int, str]]] = {}
    for log in logs:
        if not log.exists():
            continue
        seen: Counter[str] = Counter()
        in_traceback = False
        with open(log, encoding="utf-8", errors="replace") as lines:
            for line in lines:
                if line.startswith("Traceback"):
                    in_traceback = True
                elif in_traceback and line.strip() and not line[0].isspace() \
                        and not line.startswith("During handling") and not line.startswith("The above"):
                    seen[f"exception: {_masked(line)}"] += 1
                    in_traceback = False
                elif _PROBLEM.search(line):
                    seen[_masked(line)] += 1
        if seen:
            found[log.name] = [(count, text) for text, count in seen.most_common(top)]
    return found
