"""The per-caller budget on its own, with a clock the test moves: refill, charges, refusal and its wait, the bound."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gateway.budget import ADMISSION, PENALTY, Allowance, Budgets, CallerBudget, charge
from tests.support import AUTH

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def budgets(clock: Clock, max_callers: int = 100) -> Budgets:
    return Budgets(Allowance(points=100, per_second=10), Allowance(points=20, per_second=1), clock=clock,
                   max_callers=max_callers)


def test_a_new_caller_starts_full_and_each_admission_takes_its_points() -> None:
    table = budgets(Clock())

    assert table.admit("sub:a", 30) is None
    assert table.admit("ip:1.2.3.4", 5) is None

    assert table.level("sub:a") == 70
    assert table.level("ip:1.2.3.4") == 15


def test_a_bucket_refills_at_its_rate_and_never_past_full() -> None:
    clock = Clock()
    table = budgets(clock)
    table.charge("sub:a", 90)

    clock.now += 3
    assert table.level("sub:a") == 40
    clock.now += 3600
    assert table.level("sub:a") == 100


def test_a_caller_below_zero_is_refused_uncharged_with_the_seconds_until_it_is_positive_again() -> None:
    clock = Clock()
    table = budgets(clock)
    assert table.admit("sub:a", 10) is None
    table.charge("sub:a", 115)  # a costly query: -25

    assert table.admit("sub:a", 10) == 2.5
    assert table.level("sub:a") == -25
    clock.now += 2.5
    assert table.admit("sub:a", 10) is None  # at zero again: let in, and below zero once more
    assert table.level("sub:a") == -10


def test_a_caller_at_zero_or_above_is_let_in_even_if_the_charge_takes_it_below() -> None:
    table = budgets(Clock())

    assert table.admit("sub:a", 100) is None
    assert table.admit("sub:a", 10) is None
    assert table.admit("sub:a", 10) == 1.0


def test_one_callers_debt_is_theirs_alone() -> None:
    table = budgets(Clock())
    table.charge("sub:a", 1000)

    assert table.admit("sub:a") is not None
    assert table.admit("sub:b") is None
    assert table.admit("ip:127.0.0.1") is None


def test_the_table_forgets_full_buckets_and_past_its_bound_the_longest_untouched() -> None:
    clock = Clock()
    table = budgets(clock, max_callers=3)
    for key in ("sub:a", "sub:b", "sub:c"):
        table.charge(key, 1000)
        clock.now += 1
    table.level("sub:a")  # touched: now the newest

    table.charge("sub:d", 1000)
    assert list(table.buckets) == ["sub:c", "sub:a", "sub:d"]  # b, the longest untouched, forgotten

    clock.now += 3600  # all full again
    table.level("sub:e")
    assert list(table.buckets) == ["sub:e"]


async def test_a_request_of_a_caller_below_zero_is_answered_429_and_never_reaches_the_app() -> None:
    clock = Clock()
    table = budgets(clock)
    table.charge("ip:10.0.0.1", 23)  # -3 on an anonymous 1 point a second
    reached: list[Any] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        reached.append(scope)

    sent: list[Any] = []

    async def send(message: Any) -> None:
        sent.append(message)

    async def receive() -> Any:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    scope = {"type": "http", "path": "/graphql", "headers": [(b"content-length", b"2")], "client": ("10.0.0.1", 1)}
    await (CallerBudget(app, table, AUTH)(scope, receive, send))

    assert reached == []
    assert sent[0]["status"] == 429
    assert (b"retry-after", b"3") in sent[0]["headers"] and (b"connection", b"close") in sent[0]["headers"]
    assert json.loads(sent[1]["body"])["errors"][0]["extensions"] == {
        "code": "too_many_requests", "retryAfter": 3, "messageZh": "请求过于频繁，请在 3 秒后再试",
        "messageEn": "Too many requests; try again in 3 s"}
    assert table.level("ip:10.0.0.1") == -3


async def test_an_admitted_request_is_charged_its_admission_what_it_costs_and_a_penalty_when_refused_as_too_large(
        ) -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        charge(scope, 7)
        await send({"type": "http.response.start", "status": 413, "headers": []})

    async def send(message: Any) -> None:
        pass

    async def receive() -> Any:
        raise AssertionError("the budget reads no body")

    scope = {"type": "http", "path": "/graphql", "headers": [], "client": ("10.0.0.2", 1)}
    await (CallerBudget(app, Budgets(Allowance(100, 10), Allowance(5000, 1), clock=Clock()), AUTH)(
        scope, receive, send))
    charge({}, 1_000_000)  # a request no budget let in (a WebSocket) charges no one

    assert scope["hemiao.budget"][0].level("ip:10.0.0.2") == 5000 - ADMISSION - 7 - PENALTY
