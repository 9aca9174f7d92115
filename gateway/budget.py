"""A per-caller budget of points (a token bucket, as GitHub's API counts query points): every request is charged
at admission and again by what it cost, and a caller below zero is answered 429 before a byte of its body is read.
So no caller can take the one event loop's time, however many requests a second they send."""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gateway.limits import ASGIApp, Message, Receive, Scope, Send, answer, caller
from gateway.refusals import refusal, refusal_body
from shared.config import AuthSettings

ADMISSION = 10
"""Points every request is charged when it is let in, whatever it asks for."""
PENALTY = 1_000
"""Points charged for a body refused as too large or a document refused as too long."""
MAX_CALLERS = 100_000
"""Buckets kept at most; past it the longest untouched is forgotten (most likely full again)."""
SMALL_BODY = 64 * 1024
"""A refused body up to this is read and dropped so the client can read its 429; a larger one is not read."""
SCOPE_KEY = "hemiao.budget"


@dataclass(frozen=True)
class Allowance:
    """How many points a bucket holds when full, and how many it gets back each second."""

    points: float
    per_second: float


@dataclass
class _Bucket:
    level: float
    at: float
    allowance: Allowance

    def refill(self, now: float) -> None:
        self.level = min(self.allowance.points, self.level + (now - self.at) * self.allowance.per_second)
        self.at = now

    def full(self, now: float) -> bool:
        return self.level + (now - self.at) * self.allowance.per_second >= self.allowance.points


class Budgets:
    """Every caller's bucket: signed-in callers ("sub:…") get `signed_in`, anonymous ones (by address) `anonymous`."""

    def __init__(self, signed_in: Allowance, anonymous: Allowance, clock: Callable[[], float] = time.monotonic,
                 max_callers: int = MAX_CALLERS) -> None:
        self.signed_in = signed_in
        self.anonymous = anonymous
        self.clock = clock
        self.max_callers = max_callers
        self.buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def _bucket(self, key: str) -> _Bucket:
        now = self.clock()
        bucket = self.buckets.get(key)
        if bucket is None:
            # forgetting the full ones first: a full bucket is the same as none
            while self.buckets and next(iter(self.buckets.values())).full(now):
                self.buckets.popitem(last=False)
            if len(self.buckets) >= self.max_callers:
                self.buckets.popitem(last=False)
            allowance = self.signed_in if key.startswith("sub:") else self.anonymous
            bucket = self.buckets[key] = _Bucket(allowance.points, now, allowance)
        else:
            self.buckets.move_to_end(key)
        bucket.refill(now)
        return bucket

    def admit(self, key: str, points: float = ADMISSION) -> float | None:
        """Charges `points` and answers None; or, when the bucket is below zero, charges nothing and answers the
        seconds until it is positive again."""
        bucket = self._bucket(key)
        if bucket.level < 0:
            return -bucket.level / bucket.allowance.per_second
        bucket.level -= points
        return None

    def charge(self, key: str, points: float) -> None:
        """Takes `points` from the caller's bucket, which may go below zero: their next request waits."""
        self._bucket(key).level -= points

    def level(self, key: str) -> float:
        return self._bucket(key).level


def charge(scope: Scope, points: float) -> None:
    """Charges the caller of the request in `scope` (nothing when no budget let it in, as over WebSocket)."""
    found: tuple[Budgets, str] | None = scope.get(SCOPE_KEY)
    if found is not None:
        found[0].charge(found[1], points)


def throttled(seconds: int) -> bytes:
    return refusal_body(refusal(
        "too_many_requests", f"请求过于频繁，请在 {seconds} 秒后再试",
        f"Too many requests; try again in {seconds} s", retryAfter=seconds))


class CallerBudget:
    """Charges each HTTP request to `path` ADMISSION points before its body is read, and PENALTY more when it is
    refused as too large (413); a caller below zero is answered 429 with Retry-After and the connection closed."""

    def __init__(self, app: ASGIApp, budgets: Budgets, auth: AuthSettings, path: str = "/graphql") -> None:
        self.app = app
        self.budgets = budgets
        self.auth = auth
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        key = caller(scope, self.auth)
        wait = self.budgets.admit(key)
        if wait is not None:
            seconds = max(1, math.ceil(wait))
            declared = dict(scope["headers"]).get(b"content-length", b"")
            if declared.isdigit() and int(declared) <= SMALL_BODY:
                await _drain(receive)  # cheap, and the client then reads the answer instead of a reset
            await answer(send, 429, throttled(seconds), (b"retry-after", str(seconds).encode()),
                         (b"connection", b"close"))
            return
        scope[SCOPE_KEY] = (self.budgets, key)

        async def charged(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 413:
                self.budgets.charge(key, PENALTY)
            await send(message)

        await self.app(scope, receive, charged)


async def _drain(receive: Receive) -> None:
    more: Any = True
    while more:
        message = await receive()
        more = message["type"] == "http.request" and message.get("more_body", False)
