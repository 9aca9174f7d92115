"""What a measurement yields: counts, rates and latency percentiles."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (fraction in 0..1); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Throughput:
    """A closed-loop run: how many operations completed in the measured window, and how fast."""

    name: str
    clients: int
    window_seconds: float
    ok: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)
    per_second: list[int] = field(default_factory=list)
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        """Successful operations per second over the window."""
        return self.ok / self.window_seconds if self.window_seconds > 0 else math.nan

    @property
    def p50(self) -> float:
        """Median latency in ms."""
        return percentile(self.latencies_ms, 0.50)

    @property
    def p99(self) -> float:
        """99th-percentile latency in ms."""
        return percentile(self.latencies_ms, 0.99)


@dataclass
class Visibility:
    """Mutation answer -> read model shows it, sample by sample."""

    samples_ms: list[float] = field(default_factory=list)
    mutation_ms: list[float] = field(default_factory=list)
    polls: list[int] = field(default_factory=list)
    timeouts: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    poll_interval_ms: float = 0.0
    wall_seconds: float = 0.0

    @property
    def p50(self) -> float:
        """Median latency in ms."""
        return percentile(self.samples_ms, 0.50)

    @property
    def p99(self) -> float:
        """99th-percentile latency in ms."""
        return percentile(self.samples_ms, 0.99)

    def buckets(self, bounds_ms: tuple[float, ...] = (10, 100, 500)) -> dict[str, int]:
        """How many samples fall at or under each bound, and above the last one."""
        edges = [0.0, *bounds_ms]
        counts = {f"{lo:g}–{hi:g} ms": sum(1 for s in self.samples_ms if lo < s <= hi)
                  for lo, hi in pairwise(edges)}
        counts[f"> {bounds_ms[-1]:g} ms"] = sum(1 for s in self.samples_ms if s > bounds_ms[-1])
        return counts

    @property
    def first_poll_hits(self) -> int:
        """Samples already visible on the first read after the answer."""
        return sum(1 for n in self.polls if n == 1)


@dataclass
class Drain:
    """How far the read model was behind the event store when writing stopped, and how long it took to catch up."""

    backlog_events: int = 0
    seconds: float = math.nan
    caught_up: bool = False


@dataclass
class Progress:
    """A backlog worked off: `events` to do; `counted` of them done in `seconds`, the work's own time (the
    process's start-up left out); `since_start` from the process's launch to the end."""

    events: int = 0
    counted: int = 0
    seconds: float = math.nan
    since_start: float = math.nan
    reached: int = 0
    duplicates: int = 0

    @property
    def rate(self) -> float:
        """Events per second over `seconds`."""
        return self.counted / self.seconds if self.seconds and self.seconds > 0 else math.nan
