"""Keep `make run`'s processes alive: start each, notice one that dies, restart it with back-off, and say so in
one line; stop them all on Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

Launch = Callable[[], "subprocess.Popen[bytes]"]
"""Starts the process (and may wait until it listens); raises when it cannot."""


@dataclass(frozen=True)
class Backoff:
    """1 s, 2 s, 4 s … up to `cap` between restarts; a process that ran `stable_after` seconds starts over at 1 s."""

    first: float = 1.0
    cap: float = 30.0
    stable_after: float = 60.0

    def delay(self, quick_deaths: int) -> float:
        return float(min(self.cap, self.first * 2 ** quick_deaths))


@dataclass
class Child:
    """One supervised process: how to start it, where it logs, and how it is doing."""

    name: str
    launch: Launch
    log: Path
    stop_signal: int = signal.SIGTERM
    stop_last: bool = False
    """Stopped after every other (the servers the services use)."""
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    quick_deaths: int = 0
    restart_at: float | None = None
    restarts: int = 0


def _exit(code: int) -> str:
    if code < 0:
        try:
            return f"exited with code {code} ({signal.Signals(-code).name})"
        except ValueError:
            pass
    return f"exited with code {code}"


class Supervisor:
    """Its children, restarted when they die until `stop_all`."""

    def __init__(self, say: Callable[[str], None], *, backoff: Backoff | None = None,
                 clock: Callable[[], float] = time.monotonic, wall: Callable[[], datetime] = datetime.now) -> None:
        self.children: list[Child] = []
        self._say = say
        self._backoff = backoff or Backoff()
        self._clock = clock
        self._wall = wall
        self._stopping = False

    def start(self, name: str, launch: Launch, log: Path, *, stop_signal: int = signal.SIGTERM,
              stop_last: bool = False) -> Child:
        """Start it now; a failure to start raises (at start-up that ends `make run`)."""
        child = Child(name=name, launch=launch, log=log, stop_signal=stop_signal, stop_last=stop_last)
        child.started_at = self._clock()
        child.process = launch()
        self.children.append(child)
        return child

    def check(self) -> None:
        """One look at every child: a dead one gets its restart scheduled (and one line), a due one is restarted."""
        if self._stopping:
            return
        for child in self.children:
            now = self._clock()
            if child.restart_at is not None:
                if now >= child.restart_at:
                    self._restart(child, now)
            elif child.process is not None and (code := child.process.poll()) is not None:
                self._died(child, now, _exit(code))

    def _died(self, child: Child, now: float, what: str) -> None:
        ran = now - child.started_at
        if ran >= self._backoff.stable_after:
            child.quick_deaths = 0
        delay = self._backoff.delay(child.quick_deaths)
        child.quick_deaths += 1
        child.restart_at = now + delay
        at = (self._wall() + timedelta(seconds=delay)).strftime("%H:%M:%S")
        self._say(f"{child.name} {what} after {ran:.0f} s; restarting in {delay:.0f} s (at {at}); log: {child.log}")

    def _restart(self, child: Child, now: float) -> None:
        child.restart_at = None
        child.started_at = now
        child.restarts += 1
        try:
            child.process = child.launch()
        except Exception as error:  # whatever kept it from starting: try again later
            child.process = None
            self._died(child, self._clock(), f"could not start ({error})")

    def watch(self, interval: float = 0.5) -> None:
        """Check forever (until KeyboardInterrupt, which Ctrl-C raises)."""
        while True:
            self.check()
            time.sleep(interval)

    def stop_all(self, grace: float = 15.0) -> None:
        """Stop every child, no more restarts: the others all at once, then the `stop_last` ones in reverse."""
        self._stopping = True
        first = [c for c in self.children if not c.stop_last]
        last = [c for c in reversed(self.children) if c.stop_last]
        self._stop(list(reversed(first)), grace)
        for child in last:
            self._stop([child], grace)

    def _stop(self, children: list[Child], grace: float) -> None:
        running = [c for c in children if c.process is not None and c.process.poll() is None]
        for child in running:
            assert child.process is not None
            child.process.send_signal(child.stop_signal)
        for child in running:
            assert child.process is not None
            try:
                child.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self._say(f"{child.name} did not stop in {grace:.0f} s; killing it")
                child.process.kill()
                child.process.wait()
