"""Consistency tokens over GraphQL: a forged one is refused before any wait, a wait that runs out says its answer is
stale, a report is not locked behind its token, and callers flooding waits do not stall anyone else."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

import httpx

from shared.china import china_today
from shared.contracts import Actor
from tests.e2e.conftest import TOKENS
from tests.e2e.graphql import CASE, CASES, RECORD, graphql, record
from tests.support import System, head, open_case_for, open_station, worker

FORGED = (base64.urlsafe_b64encode(json.dumps([["cases", "case-1", 10**9]]).encode()).decode().rstrip("=")
          + "." + base64.urlsafe_b64encode(b"not-our-signature").decode().rstrip("="))
"""What an attacker makes: a valid-looking token for version 10^9 under a signature of their own."""


def pause_the_cases_relay(system: System) -> None:
    """From now on cases commits events that reach neither JetStream nor the read models."""
    [relay] = [t for t in system.cases.tasks if t.get_name() == "cases-relay"]
    relay.cancel()


async def session_not_yet_read(system: System, http: httpx.AsyncClient, me: Actor, case_id: str) -> str:
    """A session recorded with the relay paused: the real, signed token of a position the read models lack."""
    await system.read_models_have_everything()  # the case itself is read
    pause_the_cases_relay(system)
    recorded = await graphql(http, RECORD, me, input={"caseId": case_id, "heldOn": china_today().isoformat(),
                                                      "mode": "PHONE", "durationMinutes": 20})
    token: str = recorded["data"]["recordCaseSession"]["consistencyToken"]
    assert [p["stream_id"] for p in TOKENS.open(token)] == [f"case-{case_id}"]
    return token


async def test_a_forged_token_for_a_far_version_is_refused_at_once_on_its_field(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)

    answer = await graphql(http, CASES, me, stationId=station_id, token=FORGED)

    [error] = answer["errors"]
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("invalid_input", "consistencyToken")
    assert error["extensions"]["messageZh"] and error["extensions"]["messageEn"]
    assert answer["data"] is None
    assert "consistency" not in (answer.get("extensions") or {})  # refused before anything waited


async def test_a_forged_token_cannot_submit_a_report_and_nothing_is_recorded(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    before = await system.events_written()

    refused = await record(http, worker(station_id), "submitWorkReport", "SubmitWorkReportInput",
                           stationId=station_id, kind="MONTHLY", periodStart=china_today().replace(day=1).isoformat(),
                           narrative="本月走访", consistencyToken=FORGED)

    assert (refused["__typename"], refused["code"], refused["field"]) == ("InvalidInput", "invalid_input",
                                                                         "consistencyToken")
    assert await system.events_written() == before


async def test_a_token_the_read_models_have_answers_and_says_it_is_not_stale(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    case = await open_case_for(system, station_id, opened_on=china_today())
    recorded = await graphql(http, RECORD, me, input={"caseId": case["case_id"], "heldOn": china_today().isoformat(),
                                                      "mode": "PHONE", "durationMinutes": 20})

    answer = await graphql(http, CASE, me, id=case["case_id"],
                           token=recorded["data"]["recordCaseSession"]["consistencyToken"])

    assert answer["data"]["case"]["sessionCount"] == 1
    assert answer["extensions"]["consistency"]["stale"] is False


async def test_a_wait_that_runs_out_answers_what_there_is_and_says_it_is_stale(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    case = await open_case_for(system, station_id, opened_on=china_today())
    token = await session_not_yet_read(system, http, me, case["case_id"])

    answer = await graphql(http, CASE, me, id=case["case_id"], token=token)

    assert "errors" not in answer, answer
    assert answer["data"]["case"]["sessionCount"] == 0  # the figures before the session...
    consistency = answer["extensions"]["consistency"]
    assert consistency["stale"] is True and consistency["waitedMs"] > 0  # ...said to be so, after a wait


async def test_a_report_is_not_locked_with_figures_behind_its_token_and_nothing_is_recorded(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    case = await open_case_for(system, station_id, opened_on=china_today().replace(day=1))
    token = await session_not_yet_read(system, http, me, case["case_id"])
    reports_before = await system.activities.pool.fetchval("SELECT count(*) FROM events")

    refused = await record(http, me, "submitWorkReport", "SubmitWorkReportInput", stationId=station_id,
                           kind="MONTHLY", periodStart=china_today().replace(day=1).isoformat(),
                           narrative="本月电访一次", consistencyToken=token)

    assert (refused["__typename"], refused["code"], refused["field"]) == ("Rejected", "read_models_behind",
                                                                         "consistencyToken")
    assert refused["messageZh"] and refused["messageEn"]
    assert await system.activities.pool.fetchval("SELECT count(*) FROM events") == reports_before


async def test_many_queries_waiting_on_an_unapplied_token_leave_other_users_cases_queries_answering(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    flooder, colleague = worker(station_id), head(station_id)
    case = await open_case_for(system, station_id, opened_on=china_today())
    token = await session_not_yet_read(system, http, flooder, case["case_id"])

    async def others_list_their_cases() -> list[dict[str, Any]]:
        answers = []
        for _ in range(20):
            answers.append(await graphql(http, CASES, colleague, stationId=station_id))
        return answers

    # 16 callers with 8 queries each: as many as the gateway lets one caller have in flight
    flooders = [worker(station_id, f"flooder-{n}") for n in range(16)]
    flood = asyncio.gather(*(graphql(http, CASE, one, id=case["case_id"], token=token)
                             for one in flooders for _ in range(8)))
    others, flooded = await asyncio.gather(others_list_their_cases(), flood)

    assert all("errors" not in a and a["data"]["cases"]["totalCount"] == 1 for a in others), others
    assert all(a["extensions"]["consistency"]["stale"] is True for a in flooded)
    assert any(a["extensions"]["consistency"]["waitedMs"] == 0 for a in flooded)  # beyond 4 waits: at once
