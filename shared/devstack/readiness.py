"""When `make run` counts a process as started: its `/readyz` answers JSON. Ready (200) is best; not ready (503 with
its checks, say a relay blocked by one event) still counts, and the checks that are not ok are the reason to show."""

from __future__ import annotations

import contextlib
import json
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

SETTLE_SECONDS = 5.0
"""How long a not-ready answer may stay so before it counts (a service is briefly not ready while it connects)."""


class NotStarted(RuntimeError):
    """The process exited, or nothing answered its `/readyz` in time."""


def probe(url: str) -> tuple[int, dict[str, Any]] | None:
    """The status and JSON body `/readyz` answers; None when nothing answers with JSON."""
    try:
        with urllib.request.urlopen(url, timeout=1) as answer:
            return answer.status, _json(answer.read())
    except urllib.error.HTTPError as error:  # 503: not ready, and its body says why
        with contextlib.suppress(ValueError, OSError):
            return error.code, _json(error.read())
        return None
    except (OSError, ValueError):
        return None


def _json(raw: bytes) -> dict[str, Any]:
    body = json.loads(raw)
    if not isinstance(body, dict):
        raise ValueError("not a JSON object")
    return body


def not_ok(body: dict[str, Any]) -> list[str]:
    """The checks of a `/readyz` body that are not ok, as `name: problem`."""
    checks = body.get("checks")
    if not isinstance(checks, dict):
        return [f"status: {body.get('status', 'not_ready')}"]
    return [f"{name}: {problem}" for name, problem in checks.items() if problem != "ok"]


def wait_started(name: str, url: str, process: subprocess.Popen[bytes], log: Path, *, timeout: float = 60,
                 settle: float = SETTLE_SECONDS) -> list[str]:
    """[] once `/readyz` says ready; the checks not ok once it has said not ready for `settle` seconds (or at the
    timeout); NotStarted when the process exits first or nothing answered within the timeout."""
    deadline = time.monotonic() + timeout
    first_not_ready: float | None = None
    problems: list[str] = []
    while True:
        if process.poll() is not None:
            raise NotStarted(f"{name} exited with code {process.returncode}; see {log}")
        answer = probe(url)
        now = time.monotonic()
        if answer is not None:
            status, body = answer
            if status == 200:
                return []
            problems = not_ok(body)
            first_not_ready = first_not_ready if first_not_ready is not None else now
            if now - first_not_ready >= settle:
                return problems
        if now >= deadline:
            if first_not_ready is not None:
                return problems
            raise NotStarted(f"{name} did not answer {url} within {timeout:.0f} s; see {log}")
        time.sleep(0.2)
