"""A starting service asks JetStream again while it does not answer for its streams (a cluster electing leaders, a
loaded machine), and gives up with the error after its bound."""

from __future__ import annotations

from typing import Any

import pytest
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.errors import NotFoundError

from shared.service import stream_ensured

pytestmark = pytest.mark.dateless  # no dates at all


class SlowJetStream:
    """Times out `silent` times, then has no such stream, and makes it."""

    def __init__(self, silent: int) -> None:
        self.silent = silent
        self.asked = 0
        self.added: list[Any] = []

    async def stream_info(self, name: str) -> Any:
        self.asked += 1
        if self.asked <= self.silent:
            raise NatsTimeoutError
        raise NotFoundError

    async def add_stream(self, config: Any) -> None:
        self.added.append(config)


async def test_jetstream_asked_again_until_it_answers_then_the_error_after_the_bound(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HEMIAO_STREAM_REPLICAS", raising=False)
    answers = SlowJetStream(silent=1)  # asked again after half a second
    assert await stream_ensured(answers, "ns", "cases") == "NS_CASES"  # type: ignore[arg-type]
    assert answers.asked == 2 and [c.name for c in answers.added] == ["NS_CASES"]

    never = SlowJetStream(silent=10**6)
    with pytest.raises(NatsTimeoutError):
        await stream_ensured(never, "ns", "cases", seconds=0)  # type: ignore[arg-type]
    assert never.asked == 1 and never.added == []
