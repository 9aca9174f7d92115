"""Consistency tokens over GraphQL: a forged one is refused before any wait, a wait that runs out says its answer is
stale, a report is not locked behind its token, and callers flooding waits do not stall anyone else. One token per
client: a write given the last token answers one that reads both services' writes, bounded in streams."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
from typing import Any

import httpx

from gateway.consistency import MAX_POSITIONS, token_key
from shared.china import china_today
from shared.contracts import Actor
from tests.e2e.conftest import EXPORT_KEY, TOKENS
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


SESSION = """mutation($input: RecordCaseSessionInput!, $t: String) {
  recordCaseSession(input: $input, consistencyToken: $t) {
    __typename
    ... on RecordCaseSessionPayload { consistencyToken }
    ... on UserError { code field messageZh messageEn }
  }
}"""

ACTIVITY = """mutation($input: RecordActivityInput!, $t: String) {
  recordActivity(input: $input, consistencyToken: $t) {
    __typename
    ... on StationWorkRecorded { id consistencyToken }
    ... on UserError { code field messageZh messageEn }
  }
}"""

BOTH = """query($case: ID!, $station: ID!, $t: String) {
  case(id: $case, consistencyToken: $t) { sessionCount }
  activities(stationId: $station, consistencyToken: $t) { totalCount }
}"""

ACTIVITIES = "query($station: ID!, $t: String) { activities(stationId: $station, consistencyToken: $t) { totalCount } }"

MERGE = "query($tokens: [String!]!) { mergeConsistencyTokens(tokens: $tokens) }"


async def session_on(http: httpx.AsyncClient, me: Actor, case_id: str, token: str | None = None) -> str:
    """Record a session on the case, given the client's token; the token it answers."""
    answer = await graphql(http, SESSION, me, t=token, input={
        "caseId": case_id, "heldOn": china_today().isoformat(), "mode": "PHONE", "durationMinutes": 20})
    result: dict[str, Any] = answer["data"]["recordCaseSession"]
    assert result["__typename"] == "RecordCaseSessionPayload", result
    return str(result["consistencyToken"])


async def activity_at(http: httpx.AsyncClient, me: Actor, station_id: str,
                      token: str | None = None) -> dict[str, Any]:
    """Record a community activity at the station, given the client's token; its payload or refusal."""
    answer = await graphql(http, ACTIVITY, me, t=token, input={
        "stationId": station_id, "community": "一力社区", "title": "重阳节", "kind": "FESTIVAL",
        "heldOn": china_today().isoformat(), "place": "广场", "directParticipants": 10})
    assert "errors" not in answer, answer
    result: dict[str, Any] = answer["data"]["recordActivity"]
    return result


def streams(token: str) -> set[str]:
    return {p["stream_id"] for p in TOKENS.open(token)}


def far_positions(count: int) -> list[dict[str, Any]]:
    """Signed positions of streams the read models will not have: as many as `count`."""
    return [{"service": "cases", "stream_id": f"case-far-{n}", "version": 10**9} for n in range(count)]


async def test_a_write_to_activities_given_the_cases_writes_token_answers_one_token_that_reads_both_fresh(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    case = await open_case_for(system, station_id, opened_on=china_today())

    after_cases = await session_on(http, me, case["case_id"])
    after_both = await activity_at(http, me, station_id, after_cases)
    answer = await graphql(http, BOTH, me, case=case["case_id"], station=station_id,
                           t=after_both["consistencyToken"])

    assert streams(after_both["consistencyToken"]) == {f"case-{case['case_id']}", f"activity-{after_both['id']}"}
    assert answer["data"] == {"case": {"sessionCount": 1}, "activities": {"totalCount": 1}}
    assert answer["extensions"]["consistency"]["stale"] is False


async def test_the_merged_token_waits_for_the_earlier_write_of_the_other_service_too(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    case = await open_case_for(system, station_id, opened_on=china_today())
    unread_session = await session_not_yet_read(system, http, me, case["case_id"])

    after_both = await activity_at(http, me, station_id, unread_session)
    answer = await graphql(http, BOTH, me, case=case["case_id"], station=station_id,
                           t=after_both["consistencyToken"])

    assert answer["data"]["case"]["sessionCount"] == 0  # the cases write never reached the read models...
    assert answer["extensions"]["consistency"]["stale"] is True  # ...and the answer says so, after a wait
    assert answer["extensions"]["consistency"]["waitedMs"] > 0


async def test_a_token_of_one_write_made_before_tokens_merged_is_still_accepted_by_queries_and_writes(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    case = await open_case_for(system, station_id, opened_on=china_today())
    [position] = TOKENS.open(await session_on(http, me, case["case_id"]))
    payload = base64.urlsafe_b64encode(json.dumps([[position["service"], position["stream_id"], position["version"]]],
                                                  separators=(",", ":")).encode()).decode().rstrip("=")
    mac = hmac.new(token_key(EXPORT_KEY), payload.encode(), hashlib.sha256).digest()[:16]
    old = f"{payload}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"  # the first layout, signed by hand

    read = await graphql(http, CASE, me, id=case["case_id"], token=old)
    written = await activity_at(http, me, station_id, old)

    assert read["data"]["case"]["sessionCount"] == 1 and read["extensions"]["consistency"]["stale"] is False
    assert streams(written["consistencyToken"]) == {f"case-{case['case_id']}", f"activity-{written['id']}"}


async def test_a_write_given_a_token_of_too_many_unread_streams_is_refused_and_records_nothing(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    full = TOKENS.sign(far_positions(MAX_POSITIONS))
    before = await system.events_written()

    refused = await activity_at(http, me, station_id, full)

    assert (refused["__typename"], refused["code"], refused["field"]) == ("Rejected", "consistency_token_full",
                                                                         "consistencyToken")
    assert str(MAX_POSITIONS) in refused["messageZh"] and str(MAX_POSITIONS) in refused["messageEn"]
    assert await system.events_written() == before


async def test_tokens_of_more_streams_than_a_token_carries_are_refused_by_queries_and_by_merging(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    half = MAX_POSITIONS // 2 + 1
    too_many = far_positions(MAX_POSITIONS + 1)
    triples = [[p["service"], p["stream_id"], p["version"]] for p in too_many]
    payload = base64.urlsafe_b64encode(json.dumps(triples, separators=(",", ":")).encode()).decode().rstrip("=")
    mac = hmac.new(token_key(EXPORT_KEY), payload.encode(), hashlib.sha256).digest()[:16]
    oversized = f"{payload}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"

    queried = await graphql(http, CASES, me, stationId=station_id, token=oversized)
    merged = await graphql(http, MERGE, me, tokens=[TOKENS.sign(too_many[:half]), TOKENS.sign(too_many[half:])])

    [query_error] = queried["errors"]
    assert (query_error["extensions"]["code"], query_error["extensions"]["field"]) == ("invalid_input",
                                                                                      "consistencyToken")
    [merge_error] = merged["errors"]
    assert (merge_error["extensions"]["code"], merge_error["extensions"]["field"]) == ("consistency_token_full",
                                                                                      "consistencyToken")
    assert merge_error["extensions"]["messageZh"] and merge_error["extensions"]["messageEn"]


async def test_a_client_writing_more_streams_than_a_token_holds_keeps_one_token_as_the_reads_catch_up(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    token: str | None = None
    for _ in range(MAX_POSITIONS + 3):
        written = await activity_at(http, me, station_id, token)
        assert written["__typename"] == "StationWorkRecorded", written
        token = written["consistencyToken"]
        await system.read_models_have_everything()  # so that the earlier streams may leave the token

    assert token is not None and f"activity-{written['id']}" in streams(token)
    assert len(streams(token)) <= MAX_POSITIONS
    answer = await graphql(http, ACTIVITIES, me, station=station_id, t=token)
    assert answer["data"]["activities"]["totalCount"] == MAX_POSITIONS + 3
    assert answer["extensions"]["consistency"]["stale"] is False


async def test_tokens_of_writes_made_side_by_side_merge_into_one_that_reads_both(
        system: System, http: httpx.AsyncClient) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    case = await open_case_for(system, station_id, opened_on=china_today())

    of_cases, of_activities = await asyncio.gather(session_on(http, me, case["case_id"]),
                                                   activity_at(http, me, station_id))
    merged = (await graphql(http, MERGE, me, tokens=[of_cases, of_activities["consistencyToken"]]))["data"]
    answer = await graphql(http, BOTH, me, case=case["case_id"], station=station_id,
                           t=merged["mergeConsistencyTokens"])

    assert streams(merged["mergeConsistencyTokens"]) == streams(of_cases) | streams(of_activities["consistencyToken"])
    assert answer["data"] == {"case": {"sessionCount": 1}, "activities": {"totalCount": 1}}
    assert answer["extensions"]["consistency"]["stale"] is False
