"""A page's nested fields cost a constant number of service requests, not one per row (no N+1).

The requests are counted on NATS itself: a plain subscription on the services' subjects receives a copy of every
request the gateway sends (the services answer from their queue groups, as always). A page of 5 rows and a page
of 20 cost the same requests, and every row gets its own children.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Awaitable
from typing import Any

import httpx
import pytest
from nats.aio.client import Client

from shared.china import china_today
from shared.contracts.errors import DomainError
from shared.runtime import endpoint_subject
from tests.e2e.graphql import graphql
from tests.support import BUREAU, System, head, join_staff, open_station, worker

pytestmark = pytest.mark.dateless  # how many calls a page costs holds on any day; its dates are only data

GROUPS = """query($s: ID!) { groups(stationId: $s, first: 20) { edges { node {
    name sessionsHeld sessions { number theme attendance } } } } }"""
CASES = """query($s: ID!) { cases(stationId: $s, first: 20) { edges { node {
    workerId sessionCount presentingProblem recipientName station { code } timeline { eventType actor }
    sessions(first: 20) { totalCount edges { node { notes } } }
} } } }"""
VOLUNTEERS = """query($s: ID!) { volunteers(stationId: $s, first: 20) { edges { node {
    residenceArea totalHours certificate { totalHours services { place hours } } } } } }"""
RECIPIENTS = """query($s: ID!) { recipients(stationId: $s, first: 20) { edges { node {
    recipient { birthYear cases(first: 5) { totalCount edges { node { workerId } } } } } } } }"""
STATIONS = "{ stations { code compounds { name } } }"
DISABLED = {"category": "disabled", "valid_from": "2026-01-01", "source": "visit"}


class Requests:
    """Every request sent on a namespace's service subjects (`<namespace>.<service>.<endpoint>`), as NATS
    delivers it to a tap: what a query really cost."""

    def __init__(self, nc: Client, namespace: str) -> None:
        self._nc = nc
        self._subject = endpoint_subject(namespace, "*", "*")

    async def during(self, work: Awaitable[dict[str, Any]]) -> tuple[dict[str, Any], Counter[str], list[Any]]:
        """The answer of `work`, how many requests each endpoint was sent meanwhile, and their bodies."""
        tap = await self._nc.subscribe(self._subject)
        try:
            await self._nc.flush()  # the server has the tap before the first request
            answer = await work
            await self._nc.flush()  # every copy the server sent before now has been read
            seen = [await tap.next_msg(timeout=5) for _ in range(tap.delivered)]
        finally:
            await tap.unsubscribe()
        calls = Counter(m.subject.split(".", 1)[1] for m in seen)
        return answer, calls, [json.loads(m.data) for m in seen]


async def groups_of(system: System, station_id: str, n: int) -> dict[str, int]:
    """`n` groups, the i-th with i % 3 + 1 sessions whose themes name it; their names and session counts."""
    me, today, made = worker(station_id), china_today().isoformat(), {}
    leader = worker(station_id, f"sw-{station_id}")  # a staff id is taken once across the district
    await join_staff(system, station_id, leader)
    for i in range(n):
        group = await system.call("activities", "plan_group", {
            "station_id": station_id, "name": f"小组{i}", "type": "growth", "target_population": "长者",
            "community": "一力社区", "leader_ids": [leader.subject], "planned_sessions": 3}, me)
        for k in range(i % 3 + 1):
            await system.call("activities", "record_group_session", {
                "group_id": group["group_id"], "held_on": today, "duration_minutes": 60, "place": "活动室",
                "theme": f"小组{i}第{k + 1}节", "walk_ins": i + 1}, me)
        made[f"小组{i}"] = i % 3 + 1
    return made


async def cases_of(system: System, station_id: str, n: int) -> dict[str, int]:
    """`n` cases, each opened by its own worker (the i-th for a recipient born in 1940 + i), with i % 3 + 1
    sessions whose notes name that worker."""
    made = {}
    for i in range(n):
        me = worker(station_id, subject=f"worker-{i}")
        recipient = await system.call("cases", "register_recipient", {
            "station_id": station_id, "name": "叶某", "gender": "male", "birth_year": 1940 + i,
            "community": "一力社区", "categories": [DISABLED]}, me)
        opened = await system.call("cases", "open_case", {
            "recipient_id": recipient["recipient_id"], "worker_id": me.subject, "intake_source": "outreach",
            "presenting_problem": f"{me.subject} 长期独自在家", "opened_on": china_today().isoformat()}, me)
        for k in range(i % 3 + 1):
            await system.call("cases", "record_case_session", {
                "case_id": opened["case_id"], "held_on": china_today().isoformat(), "mode": "phone",
                "duration_minutes": 20, "notes": f"{me.subject} 第{k + 1}次"}, me)
        made[me.subject] = i % 3 + 1
    return made


async def volunteers_of(system: System, station_id: str, n: int) -> dict[str, float]:
    """`n` volunteers, the i-th living in 片区i and serving there i % 3 + 1 times: their areas and hours."""
    me, made = worker(station_id), {}
    for i in range(n):
        volunteer = await system.call("activities", "register_volunteer", {
            "station_id": station_id, "name": "刘某某", "gender": "female", "age_group": "adult",
            "birth_year": 1990, "residence_area": f"片区{i}"}, me)
        for _ in range(i % 3 + 1):
            await system.call("activities", "record_volunteer_service", {
                "volunteer_id": volunteer["volunteer_id"], "served_on": china_today().isoformat(),
                "place": f"片区{i}", "content": "陪伴长者", "hours": 1.5, "organising_unit": "社工站",
                "person_in_charge": "王社工"}, me)
        made[f"片区{i}"] = 1.5 * (i % 3 + 1)
    return made


def nodes(answer: dict[str, Any], field: str) -> list[dict[str, Any]]:
    assert "errors" not in answer, answer["errors"]
    return [e["node"] for e in answer["data"][field]["edges"]]


async def test_a_page_of_groups_cases_or_volunteers_costs_the_same_requests_with_5_rows_as_with_20(
        system: System, http: httpx.AsyncClient) -> None:
    requests = Requests(system.nc, system.namespace)
    cost: dict[int, dict[str, Counter[str]]] = {}
    for code, n in (("HSP", 5), ("DTP", 20)):
        station_id = await open_station(system, code)
        groups, cases, volunteers = (await groups_of(system, station_id, n), await cases_of(system, station_id, n),
                                     await volunteers_of(system, station_id, n))
        await system.read_models_have_everything()
        me = head(station_id)

        listed, group_calls, group_bodies = await requests.during(graphql(http, GROUPS, me, s=station_id))
        opened, case_calls, _ = await requests.during(graphql(http, CASES, me, s=station_id))
        served, volunteer_calls, _ = await requests.during(graphql(http, VOLUNTEERS, me, s=station_id))
        cost[n] = {"groups": group_calls, "cases": case_calls, "volunteers": volunteer_calls}

        # every row has its own children, however they were asked for
        assert {g["name"]: g["sessionsHeld"] for g in nodes(listed, "groups")} == groups
        for group in nodes(listed, "groups"):
            assert [s["number"] for s in group["sessions"]] == list(range(1, groups[group["name"]] + 1))
            assert all(s["theme"].startswith(group["name"] + "第") for s in group["sessions"])
        assert {c["workerId"]: c["sessionCount"] for c in nodes(opened, "cases")} == cases
        for case in nodes(opened, "cases"):
            assert case["sessions"]["totalCount"] == len(case["sessions"]["edges"]) == case["sessionCount"]
            assert {s["node"]["notes"].split()[0] for s in case["sessions"]["edges"]} == {case["workerId"]}
            assert {t["actor"] for t in case["timeline"]} == {case["workerId"]}
            assert case["presentingProblem"].split()[0] == case["workerId"]
            assert (case["recipientName"], case["station"]["code"]) == ("叶某", code)
            assert len([t for t in case["timeline"] if "Session" in t["eventType"]]) == case["sessionCount"]
        assert {v["residenceArea"]: v["certificate"]["totalHours"] for v in nodes(served, "volunteers")} == volunteers
        for volunteer in nodes(served, "volunteers"):
            assert {s["place"] for s in volunteer["certificate"]["services"]} == {volunteer["residenceArea"]}
            assert volunteer["totalHours"] == volunteer["certificate"]["totalHours"]
        batch = [b for b in group_bodies if "group_ids" in b]
        assert len(batch) == 1 and len(batch[0]["group_ids"]) == n  # the page's groups, in one request

    assert cost[5] == cost[20]
    assert cost[20]["groups"] == Counter({"reporting.groups": 1, "reporting.group_sessions_batch": 1})
    assert cost[20]["cases"] == Counter({"reporting.cases": 1, "reporting.case_timeline_batch": 1,
                                         "cases.case_sessions_batch": 1, "cases.case_narratives": 1,
                                         "cases.recipients": 1, "reporting.stations": 1})
    assert cost[20]["volunteers"] == Counter({"reporting.volunteers": 1, "reporting.volunteer_services_batch": 1})


async def test_recipients_cases_and_stations_compounds_come_in_one_request_per_page(
        system: System, http: httpx.AsyncClient) -> None:
    requests = Requests(system.nc, system.namespace)
    station_id = await open_station(system, "HSP")
    await open_station(system, "DTP")
    cases = await cases_of(system, station_id, 12)
    await system.read_models_have_everything()

    listed, recipient_calls, _ = await requests.during(graphql(http, RECIPIENTS, head(station_id), s=station_id))
    stations, station_calls, _ = await requests.during(graphql(http, STATIONS, BUREAU))

    recipients = [r["recipient"] for r in nodes(listed, "recipients")]
    assert len(recipients) == 12
    workers = {1940 + i: f"worker-{i}" for i in range(len(cases))}  # a recipient's birth year names its worker
    for recipient in recipients:  # each recipient's own case: the one its worker opened
        assert recipient["cases"]["totalCount"] == 1
        assert [c["node"]["workerId"] for c in recipient["cases"]["edges"]] == [workers[recipient["birthYear"]]]
    assert recipient_calls == Counter({"reporting.recipient_list": 1, "cases.recipients": 1,
                                       "reporting.recipient_cases_batch": 1})
    assert "errors" not in stations, stations["errors"]
    assert [s["code"] for s in stations["data"]["stations"]] == ["DTP", "HSP"]
    assert station_calls == Counter({"reporting.stations": 1, "reporting.compounds_batch": 1})


async def test_a_batch_query_of_more_than_100_ids_is_refused_in_both_languages_and_scoped_to_the_callers_stations(
        system: System) -> None:
    station_id = await open_station(system, "HSP")
    other = await open_station(system, "DTP")
    await join_staff(system, station_id, worker(station_id))
    group = await system.call("activities", "plan_group", {
        "station_id": station_id, "name": "小组", "type": "growth", "target_population": "长者",
        "community": "一力社区", "leader_ids": ["worker-1"], "planned_sessions": 1}, worker(station_id))
    session = await system.call("activities", "record_group_session", {
        "group_id": group["group_id"], "held_on": china_today().isoformat(), "duration_minutes": 60,
        "place": "活动室", "theme": "第一节"}, worker(station_id))
    await system.read_models_have(session["position"])

    with pytest.raises(DomainError) as refused:
        await system.call("reporting", "group_sessions_batch", {"group_ids": [str(n) for n in range(101)]},
                          worker(station_id))
    mine = await system.call("reporting", "group_sessions_batch", {"group_ids": [group["group_id"]]},
                             worker(station_id))
    theirs = await system.call("reporting", "group_sessions_batch", {"group_ids": [group["group_id"]]},
                               worker(other))
    compounds = await system.call("reporting", "compounds_batch", {"station_ids": [station_id, other]},
                                  worker(station_id))

    assert (refused.value.code, refused.value.field) == ("batch_too_large", "group_ids")
    assert "100" in refused.value.message.zh and "at most 100" in refused.value.message.en
    assert [s["theme"] for s in mine["found"][group["group_id"]]] == ["第一节"] and mine["left"] == []
    assert theirs == {"found": {group["group_id"]: []}, "left": [], "consistent": True}  # as the single query
    assert list(compounds["found"]) == [station_id] and compounds["refused"][other]["code"] == "forbidden"


async def test_a_page_of_cases_whose_sessions_exceed_an_answer_reads_whole_in_a_few_requests(
        system: System, http: httpx.AsyncClient) -> None:
    """Twelve cases of six sessions of the longest notes (about 2 MB) do not fit in one answer: the batch cuts
    pages short and the loader asks again for the rest, in a few requests for the whole page."""
    station_id = await open_station(system, "HSP")
    notes = "个案服务记录" * 833 + "完毕"
    for i in range(12):
        me = worker(station_id, subject=f"worker-{i}")
        recipient = await system.call("cases", "register_recipient", {
            "station_id": station_id, "name": "叶某", "gender": "male", "birth_year": 1968, "community": "一力社区",
            "categories": [DISABLED]}, me)
        opened = await system.call("cases", "open_case", {
            "recipient_id": recipient["recipient_id"], "worker_id": me.subject, "intake_source": "outreach",
            "presenting_problem": "长期独自在家", "opened_on": china_today().isoformat()}, me)
        for _ in range(6):
            await system.call("cases", "record_case_session", {
                "case_id": opened["case_id"], "held_on": china_today().isoformat(), "mode": "phone",
                "duration_minutes": 20, "notes": notes}, me)
    await system.read_models_have_everything()

    query = """query($s: ID!) { cases(stationId: $s, first: 20) { edges { node {
        sessions(first: 20) { totalCount edges { node { notes } } } } } } }"""
    read, calls, _ = await Requests(system.nc, system.namespace).during(
        graphql(http, query, head(station_id), s=station_id))

    pages = [c["sessions"] for c in nodes(read, "cases")]
    assert len(pages) == 12 and all(p["totalCount"] == len(p["edges"]) == 6 for p in pages)
    assert all(s["node"]["notes"] == notes for p in pages for s in p["edges"])
    assert 2 <= calls["cases.case_sessions_batch"] <= 12  # about 2 MB in answers of 256 KiB, not one per case
