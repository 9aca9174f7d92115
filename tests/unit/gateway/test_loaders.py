"""The loaders' batch functions: ids left out of an answer are asked again, in as few requests as the answers need."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from graphql import GraphQLError
from strawberry.dataloader import DataLoader

from gateway.loaders.batched import NoProgress, by_id, pages_of
from shared.contracts.errors import DomainError, Forbidden, Message

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day


def refusal(error: DomainError) -> BaseException:
    return GraphQLError(error.message.zh, extensions={"code": error.code})


class TwoAtATime:
    """A service that answers two ids (or pages) per request, as a budget would, and refuses station-x."""

    def __init__(self) -> None:
        self.asked: list[dict[str, Any]] = []

    async def __call__(self, endpoint: str, payload: dict[str, Any], consistency_token: str | None = None,
                       service: str = "reporting") -> dict[str, Any]:
        self.asked.append(payload)
        if "pages" in payload:
            return {"pages": [{"of": p["case_id"], "after": p["after"]} for p in payload["pages"][:2]]}
        ids = [i for i in payload["station_ids"] if i != "station-x"]
        refused = {"station-x": Forbidden(Message(zh="无权", en="No")).as_dict()} if "station-x" in payload[
            "station_ids"] else {}
        return {"found": {i: [f"row of {i}"] for i in ids[:2]}, "left": ids[2:], "refused": refused}


async def test_ids_left_out_of_an_answer_are_asked_again_and_a_refused_one_fails_alone() -> None:
    service = TwoAtATime()
    loader = DataLoader(load_fn=by_id(service, "reporting", "compounds_batch", "station_ids", refusal))

    found = await asyncio.gather(*[loader.load(i) for i in ("s1", "s2", "station-x", "s3", "s1")],
                                 return_exceptions=True)

    assert found[:2] == [["row of s1"], ["row of s2"]] and found[3:] == [["row of s3"], ["row of s1"]]
    assert isinstance(found[2], GraphQLError) and found[2].extensions == {"code": "forbidden"}
    assert [p["station_ids"] for p in service.asked] == [["s1", "s2", "station-x", "s3"], ["s3"]]


async def test_pages_left_out_are_asked_again_in_order() -> None:
    service = TwoAtATime()
    load = pages_of(service, "cases", "case_sessions_batch", "case_id")

    pages = await load([("c1", 5, None), ("c2", 5, "x"), ("c3", 5, None)])

    assert pages == [{"of": "c1", "after": None}, {"of": "c2", "after": "x"}, {"of": "c3", "after": None}]
    assert len(service.asked) == 2


async def test_an_answer_that_answers_nothing_is_an_error_not_an_endless_loop() -> None:
    async def nothing(endpoint: str, payload: dict[str, Any], consistency_token: str | None = None,
                      service: str = "reporting") -> dict[str, Any]:
        return {"found": {}, "left": payload.get("group_ids", []), "pages": []}

    with pytest.raises(NoProgress):
        await by_id(nothing, "reporting", "group_sessions_batch", "group_ids", refusal)(["g1"])
    with pytest.raises(NoProgress):
        await pages_of(nothing, "reporting", "recipient_cases_batch", "recipient_id")([("r1", 5, None)])
