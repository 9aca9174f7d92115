"""A case with 200 sessions of maximum-length notes reads, a page at a time, and so does its station's case list."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from shared.china import china_today
from shared.contracts.errors import DomainError
from tests.e2e.graphql import graphql
from tests.support import BUREAU, System, head, open_case_for, open_station, worker

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

NOTES = "个案服务记录" * 833 + "完毕"  # 5,000 Chinese characters, the most a session's notes may hold
SESSIONS = 200

CASE = """query($id: ID!, $after: String) { case(id: $id) { sessionCount presentingProblem
    sessions(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor }
                                          edges { cursor node { id heldOn notes } } } } }"""
CASES = """query($station: ID!) { cases(stationId: $station, first: 20) { totalCount edges { node {
    caseId sessionCount presentingProblem sessions(first: 5) { totalCount edges { node { notes } } } } } } }"""


async def test_a_case_with_200_sessions_of_the_longest_notes_reads_in_pages_as_the_head_and_as_the_bureau(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    opened = await open_case_for(system, station_id, opened_on=china_today() - timedelta(days=SESSIONS + 10))
    other = await open_case_for(system, station_id)
    recorded = None
    for day in range(SESSIONS):
        recorded = await system.call("cases", "record_case_session", {
            "case_id": opened["case_id"], "held_on": (china_today() - timedelta(days=SESSIONS - day)).isoformat(),
            "mode": "home_visit", "duration_minutes": 45, "notes": NOTES}, worker(station_id))
    assert recorded is not None
    await system.read_models_have(recorded["position"])
    await system.read_models_have(other["position"])

    for reader in (head(station_id), BUREAU):
        first = await graphql(http, CASE, reader, id=opened["case_id"])
        assert "errors" not in first, first["errors"]
        page = first["data"]["case"]["sessions"]
        second = (await graphql(http, CASE, reader, id=opened["case_id"],
                                after=page["pageInfo"]["endCursor"]))["data"]["case"]["sessions"]
        listed = await graphql(http, CASES, reader, station=station_id)
        assert "errors" not in listed, listed["errors"]
        by_id = {e["node"]["caseId"]: e["node"] for e in listed["data"]["cases"]["edges"]}

        assert first["data"]["case"]["sessionCount"] == page["totalCount"] == SESSIONS
        assert len(page["edges"]) == len(second["edges"]) == 100  # a page fills, however many answers it took
        assert page["pageInfo"]["hasNextPage"] and not second["pageInfo"]["hasNextPage"]
        days = [e["node"]["heldOn"] for e in page["edges"] + second["edges"]]
        assert days == sorted(days) and len(set(days)) == SESSIONS
        assert all(e["node"]["notes"] == NOTES for e in page["edges"] + second["edges"])
        assert listed["data"]["cases"]["totalCount"] == 2
        assert by_id[opened["case_id"]]["sessionCount"] == SESSIONS
        assert by_id[opened["case_id"]]["sessions"]["totalCount"] == SESSIONS
        assert [s["node"]["notes"] for s in by_id[opened["case_id"]]["sessions"]["edges"]] == [NOTES] * 5
        assert by_id[other["case_id"]]["sessions"] == {"totalCount": 0, "edges": []}


async def test_the_cases_service_answers_a_case_s_sessions_in_pages_under_a_quarter_of_max_payload(
        system: System) -> None:
    station_id = await open_station(system)
    opened = await open_case_for(system, station_id)
    for _ in range(30):
        await system.call("cases", "record_case_session", {
            "case_id": opened["case_id"], "held_on": china_today().isoformat(), "mode": "phone",
            "duration_minutes": 10, "notes": NOTES}, worker(station_id))

    page = (await system.call("cases", "case_sessions", {"case_id": opened["case_id"], "first": 100},
                              worker(station_id)))["sessions"]
    outside = await system.call("cases", "case_sessions", {"case_id": opened["case_id"]}, worker("station-other"))

    assert 1 <= len(page["edges"]) < 30 and page["has_next_page"] and page["total_count"] == 30
    assert sum(len(e["node"]["notes"].encode()) for e in page["edges"]) <= 256 * 1024
    assert outside == {"sessions": None}
    try:
        await system.call("cases", "case_sessions", {"case_id": opened["case_id"], "first": 101}, worker(station_id))
    except DomainError as refused:
        assert refused.code == "invalid_input" and refused.field == "first"
    else:
        raise AssertionError("a page of 101 sessions was answered")
