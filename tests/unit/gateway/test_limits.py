"""The ASGI limits on their own: what the app behind them is given, and what the client is answered."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gateway.limits import BodyLimit, Message

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day


class App:
    """An ASGI app that records every message it receives until the peer goes away."""

    def __init__(self) -> None:
        self.received: list[Message] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            self.received.append(message)
            if message["type"] in ("websocket.disconnect", "http.request") and not message.get("more_body"):
                return


def peer(messages: list[Message]) -> tuple[Any, Any, list[Message]]:
    sent: list[Message] = []
    pending = list(messages)

    async def receive() -> Message:
        return pending.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    return receive, send, sent


async def test_a_websocket_message_over_the_limit_closes_with_1009_and_the_app_sees_a_disconnect() -> None:
    app = App()
    receive, send, sent = peer([{"type": "websocket.receive", "text": "小" * 10},
                                {"type": "websocket.receive", "text": "大" * 40}])

    await BodyLimit(app, limit=100)({"type": "websocket"}, receive, send)

    assert app.received == [{"type": "websocket.receive", "text": "小" * 10},
                            {"type": "websocket.disconnect", "code": 1009}]
    assert sent == [{"type": "websocket.close", "code": 1009, "reason": "消息过大 / Message over 100 bytes"}]


async def test_a_chunked_body_under_the_limit_reaches_the_app_whole_and_one_over_it_never_does() -> None:
    under, over = App(), App()
    chunks = [{"type": "http.request", "body": b"a" * 60, "more_body": True},
              {"type": "http.request", "body": b"b" * 30, "more_body": False}]
    receive, send, _ = peer(list(chunks))
    await BodyLimit(under, limit=100)({"type": "http", "headers": []}, receive, send)
    receive, send, sent = peer([*chunks[:1], {**chunks[0]}, chunks[1]])
    await BodyLimit(over, limit=100)({"type": "http", "headers": []}, receive, send)

    assert under.received == [{"type": "http.request", "body": b"a" * 60 + b"b" * 30, "more_body": False}]
    assert over.received == []
    assert sent[0]["status"] == 413
    assert json.loads(sent[1]["body"])["errors"][0]["extensions"]["code"] == "request_too_large"
