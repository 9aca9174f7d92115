"""ASGI middleware that runs before anything is parsed: a body size limit (HTTP and WebSocket messages) and a
limit on how many requests one caller has in flight (the budget of points is in gateway/budget.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from gateway.refusals import refusal, refusal_body
from shared.auth import bearer, verify_token
from shared.config import AuthSettings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

DRAIN_LIMIT = 64 * 1024 * 1024
"""How much of a refused body is read and thrown away so the client can read its 413 (a socket closed with
unread bytes resets, and the client sees no answer); past it the connection is simply closed."""
MESSAGE_TOO_BIG = 1009
"""The WebSocket close code for a message over the limit (RFC 6455)."""
CALLER_KEY = "hemiao.caller"
VERIFIED_KEY = "hemiao.verified"
"""The request's Authorization header and the Actor its token verified as, kept in the scope: the resolvers'
Context takes it rather than verifying the same token again."""


def caller(scope: Scope, auth: AuthSettings) -> str:
    """Who a request counts against: the verified token's subject, else (anonymous, or a token that does not
    verify) the client's address. Worked out once per request (the budget and the concurrency limit both ask)."""
    known: str | None = scope.get(CALLER_KEY)
    if known is not None:
        return known
    key = None
    authorization = dict(scope["headers"]).get(b"authorization")
    if authorization is not None:
        try:
            header = authorization.decode("latin-1")
            actor = verify_token(bearer(header), auth)
            scope[VERIFIED_KEY] = (header, actor)
            key = "sub:" + actor.subject
        except Exception:
            pass  # a forged or stale token counts against its address, never against the subject it names
    if key is None:
        client = scope.get("client")
        key = "ip:" + (client[0] if client else "unknown")
    scope[CALLER_KEY] = key
    return key


async def _discard(receive: Receive, more: bool) -> None:
    discarded = 0
    while more and discarded < DRAIN_LIMIT:
        message = await receive()
        discarded += len(message.get("body", b""))
        more = message["type"] == "http.request" and message.get("more_body", False)


async def answer(send: Send, status: int, body: bytes, *extra: tuple[bytes, bytes]) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *extra]})
    await send({"type": "http.response.body", "body": body})


def too_large(limit: int) -> bytes:
    return refusal_body(refusal("request_too_large", f"请求过大，上限为 {limit} 字节",
                                f"The request is too large; the limit is {limit} bytes", limit=limit))


class BodyLimit:
    """Refuses an HTTP body over `limit` bytes with 413, by its Content-Length or, chunked, as soon as the bytes
    read pass it; the body is read here, whole, so the app never parses a byte of one that is too large (what is
    left of it is read and dropped unparsed, up to DRAIN_LIMIT).
    A WebSocket message over the limit closes the connection with 1009."""

    def __init__(self, app: ASGIApp, limit: int, upload_limit: int | None = None) -> None:
        self.app = app
        self.limit = limit
        self.upload_limit = upload_limit or limit
        """A multipart upload's (an import's file) instead of `limit`."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket":
            await self.app(scope, self._websocket_receive(receive, send), send)
        else:
            await self.app(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope["headers"])
        upload = headers.get(b"content-type", b"").startswith(b"multipart/form-data")
        limit = self.upload_limit if upload else self.limit
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _discard(receive, True)
            await answer(send, 413, too_large(limit), (b"connection", b"close"))
            return
        chunks: list[bytes] = []
        size, more = 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _discard(receive, message.get("more_body", False))
                await answer(send, 413, too_large(limit), (b"connection", b"close"))
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    def _websocket_receive(self, receive: Receive, send: Send) -> Receive:
        async def checked() -> Message:
            message = await receive()
            if message["type"] == "websocket.receive":
                data = message.get("bytes") or (message.get("text") or "").encode()
                if len(data) > self.limit:
                    await send({"type": "websocket.close", "code": MESSAGE_TOO_BIG,
                                "reason": f"消息过大 / Message over {self.limit} bytes"})
                    return {"type": "websocket.disconnect", "code": MESSAGE_TOO_BIG}
            return message
        return checked


class CallerConcurrency:
    """Answers 429 to an HTTP request to `path` when its caller already has `limit` in flight. The caller is
    the verified token's subject, else (anonymous, or a token that does not verify) the client's address."""

    def __init__(self, app: ASGIApp, limit: int, auth: AuthSettings, path: str = "/graphql") -> None:
        self.app = app
        self.limit = limit
        self.auth = auth
        self.path = path
        self.in_flight: Counter[str] = Counter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        caller_key = caller(scope, self.auth)
        if self.in_flight[caller_key] >= self.limit:
            await answer(send, 429, refusal_body(refusal(
                "too_many_requests", f"同时进行的请求过多，上限为 {self.limit} 个，请稍后再试",
                f"Too many requests in flight; the limit is {self.limit}, try again shortly", limit=self.limit)),
                          (b"retry-after", b"1"))
            return
        self.in_flight[caller_key] += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight[caller_key] -= 1
            if not self.in_flight[caller_key]:
                del self.in_flight[caller_key]
