"""Waiting for the read models to apply a token's positions, outside reporting's request slots.

Reporting answers a query with a token at once, saying whether its read models had the positions. When they did
not, the gateway waits here: one poller per gateway copy asks reporting's cheap `applied` endpoint for every
waiter's positions at once, every `POLL_SECONDS`, so a thousand waiters cost reporting one short request per tick.
Each caller (token subject) waits on at most `PER_CALLER` tokens at a time and the copy on at most `TOTAL`; a
wait beyond either bound, or past `WAIT_SECONDS`, ends at once as not reached, and the answer says it is stale.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from shared.runtime import ServiceClient

log = logging.getLogger(__name__)

WAIT_SECONDS = 5.0
POLL_SECONDS = 0.05
PER_CALLER = 4
TOTAL = 256


@dataclass(frozen=True)
class Waited:
    """How a wait ended: whether the read models reached the positions, and after how long."""

    reached: bool
    waited_ms: int


@dataclass(eq=False)
class _Waiter:
    wanted: dict[str, int]
    bearer: str
    deadline: float
    done: asyncio.Future[bool] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class Waits:
    """The gateway copy's waiters, and the one poller that asks reporting about all of them."""

    def __init__(self, client: ServiceClient, *, timeout: float = WAIT_SECONDS, per_caller: int = PER_CALLER,
                 total: int = TOTAL) -> None:
        self._client = client
        self._timeout = timeout
        self._per_caller = per_caller
        self._total = total
        self._waiters: set[_Waiter] = set()
        self._callers: Counter[str] = Counter()
        self._poller: asyncio.Task[None] | None = None

    async def wait(self, positions: Sequence[dict[str, Any]], caller: str, bearer: str) -> Waited:
        """Wait, bounded, until reporting has applied every position; `bearer` is the caller's own token."""
        if self._callers[caller] >= self._per_caller or len(self._waiters) >= self._total:
            return Waited(reached=False, waited_ms=0)
        started = time.monotonic()
        wanted: dict[str, int] = {}
        for p in positions:
            wanted[str(p["stream_id"])] = max(int(p["version"]), wanted.get(str(p["stream_id"]), 0))
        waiter = _Waiter(wanted=wanted, bearer=bearer, deadline=started + self._timeout)
        self._waiters.add(waiter)
        self._callers[caller] += 1
        if self._poller is None or self._poller.done():
            self._poller = asyncio.create_task(self._poll(), name="gateway-consistency-poller")
        try:  # the poller ends every wait by its deadline; the extra second only guards against a poller gone wrong
            reached = await asyncio.wait_for(waiter.done, self._timeout + 1.0)
        except TimeoutError:
            reached = False
        finally:
            self._waiters.discard(waiter)
            self._callers[caller] -= 1
            if self._callers[caller] <= 0:
                del self._callers[caller]
        return Waited(reached=reached, waited_ms=round((time.monotonic() - started) * 1000))

    async def close(self) -> None:
        """Stop the poller (before the NATS connection it asks on is closed); waits still under way end stale."""
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
        for waiter in self._waiters:
            if not waiter.done.done():
                waiter.done.set_result(False)

    async def _poll(self) -> None:
        while self._waiters:
            await asyncio.sleep(POLL_SECONDS)
            applied = await self._applied()
            now = time.monotonic()
            for waiter in list(self._waiters):
                if waiter.done.done():
                    continue  # its caller went away
                if all(applied.get(stream, 0) >= version for stream, version in waiter.wanted.items()):
                    waiter.done.set_result(True)
                elif now >= waiter.deadline:
                    waiter.done.set_result(False)

    async def _applied(self) -> dict[str, int]:
        """Per stream, the version every read model has; nothing when reporting could not say (the waits go on)."""
        waiters = [w for w in self._waiters if not w.done.done()]
        if not waiters:
            return {}
        wanted: dict[str, int] = {}
        for waiter in waiters:
            for stream, version in waiter.wanted.items():
                wanted[stream] = max(version, wanted.get(stream, 0))
        bearer = max(waiters, key=lambda w: w.deadline).bearer  # the newest caller's token: the least likely expired
        try:
            answer = await self._client.call("reporting", "applied", {"stream_ids": sorted(wanted)}, token=bearer,
                                             timeout=1.0)
            return {str(k): int(v) for k, v in dict(answer["applied"]).items()}
        except Exception:
            log.warning("could not ask reporting what it has applied", exc_info=True)
            return {}
