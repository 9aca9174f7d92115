"""The gateway's waits for the read models: one poll of reporting for all waiters, bounded per caller and in time."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, cast

import pytest

from gateway.waits import Waits
from shared.runtime import ServiceClient

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day


class Reporting:
    """Answers `applied` from a table the test sets, and counts the questions."""

    def __init__(self, applied: dict[str, int] | None = None) -> None:
        self.applied = applied or {}
        self.questions: list[list[str]] = []

    async def call(self, service: str, endpoint: str, payload: Mapping[str, Any], *, token: str,
                   **_: Any) -> dict[str, Any]:
        assert (service, endpoint, token) == ("reporting", "applied", "bearer")
        self.questions.append(list(payload["stream_ids"]))
        return {"applied": {s: self.applied.get(s, 0) for s in payload["stream_ids"]}}


def waits(reporting: Reporting, **bounds: Any) -> Waits:
    return Waits(cast(ServiceClient, reporting), **bounds)


def at(stream: str, version: int) -> list[dict[str, Any]]:
    return [{"service": "cases", "stream_id": stream, "version": version}]


async def test_a_wait_ends_reached_once_reporting_has_applied_the_position() -> None:
    reporting = Reporting({"case-1": 2})
    waiting = asyncio.create_task(waits(reporting).wait(at("case-1", 3), "worker-1", "bearer"))
    while not reporting.questions:
        await asyncio.sleep(0.01)
    reporting.applied["case-1"] = 3

    assert (await waiting).reached is True


async def test_a_wait_for_a_position_never_applied_ends_not_reached_when_its_time_is_up() -> None:
    reporting = Reporting()
    waited = await waits(reporting, timeout=0.2).wait(at("case-1", 10**9), "worker-1", "bearer")
    assert waited.reached is False and reporting.questions


async def test_many_waiters_are_asked_about_in_one_question_to_reporting() -> None:
    reporting = Reporting({f"case-{i}": 1 for i in range(50)})
    shared = waits(reporting, per_caller=50)
    done = await asyncio.gather(*(shared.wait(at(f"case-{i}", 1), "worker-1", "bearer") for i in range(50)))
    assert all(w.reached for w in done)
    assert len(reporting.questions) == 1 and len(reporting.questions[0]) == 50


async def test_a_caller_beyond_four_waits_is_answered_at_once_while_another_caller_still_waits() -> None:
    reporting = Reporting()
    shared = waits(reporting, timeout=0.5)
    held = [asyncio.create_task(shared.wait(at(f"case-{i}", 5), "flooder", "bearer")) for i in range(4)]
    await asyncio.sleep(0)
    beyond = await shared.wait(at("case-9", 5), "flooder", "bearer")
    other = asyncio.create_task(shared.wait(at("case-7", 1), "colleague", "bearer"))
    reporting.applied["case-7"] = 1

    assert (beyond.reached, beyond.waited_ms) == (False, 0) and not reporting.questions
    assert (await other).reached is True
    assert [w.reached for w in await asyncio.gather(*held)] == [False] * 4


async def test_a_caller_whose_waits_ended_may_wait_again() -> None:
    reporting = Reporting({"case-1": 1})
    shared = waits(reporting, per_caller=1)
    assert (await shared.wait(at("case-1", 1), "worker-1", "bearer")).reached
    assert (await shared.wait(at("case-1", 1), "worker-1", "bearer")).reached


async def test_a_wait_whose_caller_went_away_frees_its_place() -> None:
    reporting = Reporting()
    shared = waits(reporting, per_caller=1, timeout=0.3)
    gone = asyncio.create_task(shared.wait(at("case-1", 1), "worker-1", "bearer"))
    await asyncio.sleep(0)
    gone.cancel()
    await asyncio.gather(gone, return_exceptions=True)
    reporting.applied["case-2"] = 1
    assert (await shared.wait(at("case-2", 1), "worker-1", "bearer")).reached


async def test_closing_stops_the_poller_and_ends_the_waits_under_way_as_not_reached() -> None:
    reporting = Reporting()
    shared = waits(reporting)
    waiting = asyncio.create_task(shared.wait(at("case-1", 10**9), "worker-1", "bearer"))
    while not reporting.questions:
        await asyncio.sleep(0.01)
    poller = next(t for t in asyncio.all_tasks() if t.get_name() == "gateway-consistency-poller")

    await shared.close()

    assert poller.cancelled()
    assert (await waiting).reached is False
