"""docs/case-walkthrough.md, run block by block as a new user would in GraphiQL: the page stays true."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx

from gateway.consistency import decode_token
from shared.devstack.demo import bureau, social_worker, station_head, station_id
from tests.e2e.graphql import graphql
from tests.support import System

PAGE = Path(__file__).parents[2] / "docs" / "case-walkthrough.md"
BLOCK = re.compile(r"```graphql\n(.*?)```", re.S)
USER_ERRORS = {"InvalidInput", "NotFound", "Forbidden", "Rejected", "StageOutOfOrder", "CaseAlreadyClosed"}
MADE = {"registerRecipient": ("recipientId", "recipientId"), "openCase": ("caseId", "caseId")}
"""Which answers make an id the later blocks use as a variable."""


async def test_the_case_walkthrough_runs_from_intake_to_an_approved_closing(
        system: System, http: httpx.AsyncClient) -> None:
    street = await system.call("activities", "register_street", {"name": "黑石铺街道", "district": "天心区"})
    opened = await system.call("activities", "open_station", {
        "station_id": station_id("HSP"), "street_id": street["street_id"], "name": "黑石铺街道社工站",
        "code": "HSP", "opened_on": "2019-01-15"})
    await system.read_models_have(opened["position"])
    actors = {"worker": social_worker("HSP"), "head": station_head("HSP"), "bureau": bureau()}
    blocks = BLOCK.findall(PAGE.read_text(encoding="utf-8"))
    assert len(blocks) == 12
    ids: dict[str, Any] = {}
    answers: list[Any] = []

    for block in blocks:
        whose = re.search(r"^# as: (\w+)$", block, re.M)
        expected = re.search(r"^# expect: (\w+)$", block, re.M)
        assert whose is not None, block
        answer = await graphql(http, block, actors[whose[1]], **ids)
        assert "errors" not in answer, (block, answer)
        [(field, result)] = answer["data"].items()
        answers.append(result)
        if re.search(r"^mutation", block, re.M):
            assert result["__typename"] == (expected[1] if expected else result["__typename"]), (block, result)
            assert expected or result["__typename"] not in USER_ERRORS, (block, result)
        if field in MADE:
            variable, key = MADE[field]
            ids[variable] = result[key]
        if field == "approveCaseClosing":
            for position in decode_token(result["consistencyToken"]):
                await system.read_models_have(position)

    read_back = (await graphql(http, blocks[10], actors["bureau"], caseId=ids["caseId"]))["data"]["case"]
    assert read_back["number"] == "HSP-2026-0001"
    assert (read_back["status"], read_back["stage"], read_back["planStatus"], read_back["closingStatus"]) == (
        "CLOSED", "CLOSED", "APPROVED", "APPROVED")
    assert read_back["recipient"]["phone"] == "138****1234"
    assert [step["actor"] for step in read_back["timeline"]][-2:] == ["sw-hsp-1", "head-hsp"]
