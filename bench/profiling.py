"""A CPU profile of a service process during one phase: py-spy when the machine lets it attach (ptrace), else
cProfile inside the process.

`python -m bench.profiling services.cases` runs the module as `python -m services.cases` would, with cProfile
switched on by SIGUSR1 and off by SIGUSR2, which writes the statistics to the file HEMIAO_PROFILE names. The
bench starts the cases service that way only when py-spy cannot attach."""

from __future__ import annotations

import contextlib
import cProfile
import os
import pstats
import re
import runpy
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

PROFILE_VARIABLE = "HEMIAO_PROFILE"
TOP = 15


@dataclass
class Profile:
    """The top entries of one profile: (function, own share %, inclusive share %), and how it was taken."""

    tool: str
    samples: int = 0
    entries: list[tuple[str, float, float]] = field(default_factory=list)
    error: str = ""


def py_spy() -> str:
    """The py-spy next to this Python (the venv's), else on PATH."""
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else "py-spy"


def py_spy_refusal(pid: int) -> str | None:
    """None when py-spy can read the process's stacks; else what it said."""
    try:
        done = subprocess.run([py_spy(), "dump", "--pid", str(pid)], capture_output=True, text=True, timeout=30,
                              check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return repr(error)
    if done.returncode == 0:
        return None
    return (done.stderr.strip().splitlines() or ["py-spy failed"])[0]


class Recording:
    """One profile under way: a py-spy recorder attached to the pid, or cProfile switched on inside it."""

    def __init__(self, pid: int, out: Path, *, in_process: bool) -> None:
        """Start profiling `pid`; the data goes to `out`."""
        self.pid, self.out, self.in_process = pid, out, in_process
        self.recorder: subprocess.Popen[bytes] | None = None
        self.log = out.with_suffix(".log")
        if in_process:
            os.kill(pid, signal.SIGUSR1)
        else:
            with open(self.log, "wb") as log:
                self.recorder = subprocess.Popen(
                    [py_spy(), "record", "--pid", str(pid), "--format", "raw", "--nolineno", "--rate", "100",
                     "--output", str(out)], stdout=log, stderr=subprocess.STDOUT)

    def stop(self) -> Profile:
        """Stop profiling and read the top entries."""
        if self.in_process:
            os.kill(self.pid, signal.SIGUSR2)
            deadline = time.monotonic() + 30
            while not self.out.exists() and time.monotonic() < deadline:
                time.sleep(0.1)
            return top_cprofile(self.out)
        assert self.recorder is not None
        self.recorder.send_signal(signal.SIGINT)  # py-spy writes what it has on Ctrl-C
        try:
            self.recorder.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.recorder.kill()
        if not self.out.exists():
            tail = self.log.read_text(errors="replace").strip().splitlines()[-1:] if self.log.exists() else []
            return Profile(tool="py-spy", error=(tail or ["py-spy wrote nothing"])[0])
        return top_py_spy(self.out)


_LINE = re.compile(r"^(?P<stack>.*) (?P<count>\d+)$")


ROOT = str(Path(__file__).resolve().parents[1]) + "/"
_LIBRARY = re.compile(r"(?:site-packages|lib/python3\.\d+)/(?P<tail>(?:(?!site-packages/).)*)$")


def short_path(path: str) -> str:
    """A file's path inside the repository, the library or the standard library."""
    found = _LIBRARY.search(path)
    if found:
        return found["tail"]
    return path[len(ROOT):] if path.startswith(ROOT) else path


def _frame(text: str) -> str:
    """py-spy's `handle (/…/shared/application.py)` with the path shortened."""
    head, bracket, tail = text.strip().partition(" (")
    return f"{head} ({short_path(tail.rstrip(')'))})" if bracket else head


def top_py_spy(path: Path, top: int = TOP) -> Profile:
    """py-spy's raw (collapsed-stack) output: per function, the share of samples it was running in (own) and on
    the stack at all (inclusive)."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    samples = 0
    for line in path.read_text(errors="replace").splitlines():
        found = _LINE.match(line.strip())
        if not found:
            continue
        count = int(found["count"])
        frames = [_frame(f) for f in found["stack"].split(";") if f.strip()]
        if not frames:
            continue
        samples += count
        own[frames[-1]] += count
        for name in set(frames):
            inclusive[name] += count
    entries = [(name, 100 * n / samples, 100 * inclusive[name] / samples) for name, n in own.most_common(top)]
    return Profile(tool="py-spy", samples=samples, entries=entries)


def top_cprofile(path: Path, top: int = TOP) -> Profile:
    """cProfile's statistics: per function, its own time and its cumulative time as shares of the total."""
    if not path.exists():
        return Profile(tool="cProfile", error=f"{path} was not written")
    stats = pstats.Stats(str(path))
    total = stats.total_tt or 1.0  # type: ignore[attr-defined]
    rows = []
    for (file, line, name), (_cc, calls, own, cumulative, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append((name if file == "~" else f"{name} ({short_path(file)}:{line})", own, cumulative, calls))
    rows.sort(key=lambda r: r[1], reverse=True)
    return Profile(tool="cProfile", samples=sum(r[3] for r in rows),
                   entries=[(name, 100 * own / total, 100 * cumulative / total) for name, own, cumulative, _ in
                            rows[:top]])


def _serve_profiled(module: str) -> None:
    """Run `module` as __main__ with cProfile switched by SIGUSR1 (on) and SIGUSR2 (off, and write the file)."""
    out = Path(os.environ[PROFILE_VARIABLE])
    profiler = cProfile.Profile()

    def on(_signum: int, _frame: FrameType | None) -> None:
        profiler.enable()

    def off(_signum: int, _frame: FrameType | None) -> None:
        profiler.disable()
        profiler.dump_stats(str(out))

    signal.signal(signal.SIGUSR1, on)
    signal.signal(signal.SIGUSR2, off)
    sys.argv = [module]
    with contextlib.suppress(SystemExit):
        runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    _serve_profiled(sys.argv[1])
