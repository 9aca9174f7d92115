"""The district's reference consumer (examples/district_consumer) against a real stack: its SQLite figures of
person-times per station and month equal GraphQL's `personTimes`, once, twice, and after a redelivery."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import nats
import pytest

from examples.district_consumer.consumer import PersonTimes, consume
from tests.clock import STORY, STORY_MONTH, story_day
from tests.e2e.conftest import TOKENS
from tests.e2e.graphql import RECORD, graphql, record, recorded
from tests.support import System, join_staff, open_case_for, open_station, worker

pytestmark = pytest.mark.clock(STORY)

LAST_MONTH = (datetime.strptime(STORY_MONTH, "%Y-%m") - timedelta(days=1)).strftime("%Y-%m")
"""The month before the story's, over on any day the suite runs."""

PERSON_TIMES = """query($station: ID!, $month: String!) {
  personTimes(stationId: $station, month: $month) { kind reach count } }"""


async def record_work(system: System, http: httpx.AsyncClient, code: str, scale: int) -> tuple[str, list[str]]:
    """A case session last month, a group session and an activity in each month; the station and tokens."""
    station_id = await open_station(system, code)
    me, leader = worker(station_id), worker(station_id, f"sw-{code.lower()}-1")
    await join_staff(system, station_id, leader)  # a staff id is taken once across the district
    case = await open_case_for(system, station_id)
    session = (await graphql(http, RECORD, me, input={
        "caseId": case["case_id"], "heldOn": f"{LAST_MONTH}-20", "mode": "HOME_VISIT", "durationMinutes": 30,
        "participants": 1 + scale}))["data"]["recordCaseSession"]
    assert session["__typename"] == "RecordCaseSessionPayload", session
    group_id = await recorded(http, me, "planGroup", "PlanGroupInput", stationId=station_id, name="长者健康小组",
                              type="SUPPORT", targetPopulation="独居老人", community="一力社区",
                              leaderIds=[leader.subject], plannedSessions=4)
    members = [await recorded(http, me, "addGroupMember", "AddGroupMemberInput", groupId=group_id,
                              name=f"组员{n}") for n in range(3)]
    for held_on, present, walk_ins in ((f"{LAST_MONTH}-22", members[:2], scale), (story_day(3), members, 1)):
        await recorded(http, me, "recordGroupSession", "RecordGroupSessionInput", groupId=group_id, heldOn=held_on,
                       durationMinutes=60, place="活动室", theme="健康讲座", presentMemberIds=present,
                       walkIns=walk_ins, goalAttainment=4)
    last = {}
    for held_on, direct in ((f"{LAST_MONTH}-25", 10 * scale), (story_day(12), 7 + scale)):
        last = await record(http, me, "recordActivity", "RecordActivityInput", stationId=station_id,
                            community="一力社区", title="重阳节活动", kind="FESTIVAL", heldOn=held_on, place="广场",
                            directParticipants=direct, indirectBeneficiaries=3 * direct, indirectBasis="家庭人数",
                            volunteers=2, volunteerHours=4)
    return station_id, [session["consistencyToken"], last["consistencyToken"]]


async def read_models_have(system: System, tokens: list[str]) -> None:
    for token in tokens:
        for position in TOKENS.open(token):
            await system.read_models_have(position)


async def after_the_last_message(system: System) -> datetime:
    """Just after the newest message of the namespace's two streams, as the NATS server timed it."""
    nc = await nats.connect(system.servers.nats.url, connect_timeout=5)
    try:
        js = nc.jetstream(timeout=5)
        times = []
        for service in ("cases", "activities"):
            stream = f"{system.namespace}_{service}".upper().replace("-", "_")
            last = await js.get_msg(stream, (await js.stream_info(stream)).state.last_seq)
            assert last.time is not None
            times.append(last.time)
        return max(times) + timedelta(milliseconds=1)
    finally:
        await nc.close()


async def graphql_figures(http: httpx.AsyncClient, station_id: str) -> dict[tuple[str, str, str, str], int]:
    figures: Counter[tuple[str, str, str, str]] = Counter()
    for month in (LAST_MONTH, STORY_MONTH):
        answer = await graphql(http, PERSON_TIMES, worker(station_id), station=station_id, month=month)
        assert "errors" not in answer, answer
        for row in answer["data"]["personTimes"]:
            figures[station_id, month, row["kind"].lower(), row["reach"].lower()] += row["count"]
    return dict(figures)


async def test_the_reference_consumers_figures_equal_graphqls_once_twice_and_after_redelivery(
        system: System, http: httpx.AsyncClient, tmp_path: Path) -> None:
    first, first_tokens = await record_work(system, http, "HSP", 1)
    await read_models_have(system, first_tokens)
    since = await after_the_last_message(system)  # the first station's work is all in the streams by now
    second, second_tokens = await record_work(system, http, "WJL", 2)
    await read_models_have(system, second_tokens)
    expected = await graphql_figures(http, first) | await graphql_figures(http, second)
    assert {(s, m) for s, m, _, _ in expected} == {(s, m) for s in (first, second) for m in (LAST_MONTH, STORY_MONTH)}
    assert expected[first, LAST_MONTH, "case", "direct"] == 2
    assert expected[second, STORY_MONTH, "group", "direct"] == 4

    db = str(tmp_path / "district.sqlite")
    url, namespace = system.servers.nats.url, system.namespace

    def mirrored() -> dict[tuple[str, str, str, str], int]:
        mirror = PersonTimes(db)
        try:
            return {key: count for key, count in mirror.figures().items() if key[0] in (first, second)}
        finally:
            mirror.close()

    tally = await consume(url, namespace, db, durable="district-test", until_idle=1.5, fetch_timeout=0.5)
    assert mirrored() == expected
    assert tally.applied == 2 * (1 + 2 + 2) and tally.bad == 0 and tally.unknown_versions == 0
    assert tally.ignored > 0  # stations, recipients, groups…: read past, acked, not counted

    again = await consume(url, namespace, db, durable="district-test", until_idle=1.0, fetch_timeout=0.5)
    assert again.by_stream == {} and mirrored() == expected  # the server kept its checkpoint: nothing again

    # A new durable redelivers every message with the same ce-ids: the processed ids keep the figures as they are.
    replayed = await consume(url, namespace, db, durable="district-replay", until_idle=1.5, fetch_timeout=0.5)
    assert replayed.applied == 0 and replayed.duplicates == sum(tally.by_stream.values())
    assert mirrored() == expected

    # From a time: a new durable over a new file, starting after the first station's work, sees the second's only.
    db = str(tmp_path / "since.sqlite")
    await consume(url, namespace, db, durable="district-since", since=since, until_idle=1.5, fetch_timeout=0.5)
    assert mirrored() == {key: count for key, count in expected.items() if key[0] == second}


def test_the_consumer_skips_and_counts_unknown_versions_and_bad_messages_and_counts_an_event_once(
        tmp_path: Path) -> None:
    mirror = PersonTimes(str(tmp_path / "district.sqlite"))

    def headers(ce_id: str, ce_type: str) -> dict[str, str]:
        return {"ce-specversion": "1.0", "ce-id": ce_id, "ce-source": "/hemiao/activities", "ce-type": ce_type,
                "ce-time": f"{STORY_MONTH}-03T02:00:00+00:00", "ce-datacontenttype": "application/json"}

    body = (f'{{"station_id": "s1", "held_on": "{LAST_MONTH}-22", "present_member_ids": ["m1", "m2"],'
            ' "walk_ins": 1}').encode()
    try:
        mirror.apply("T_ACTIVITIES", 1, headers("e1", "cn.hemiao.activities.group_session_held.v1"), body)
        mirror.apply("T_ACTIVITIES", 1, headers("e1", "cn.hemiao.activities.group_session_held.v1"), body)
        mirror.apply("T_ACTIVITIES", 2, headers("e2", "cn.hemiao.activities.group_session_held.v9"), body)
        mirror.apply("T_ACTIVITIES", 3, headers("e3", "cn.hemiao.activities.group_session_held.v1"), b"{not json")
        mirror.apply("T_ACTIVITIES", 4, headers("e4", "cn.hemiao.activities.group_session_held.v1"), b"{}")
        mirror.apply("T_ACTIVITIES", 5, headers("e5", "cn.hemiao.activities.group_planned.v1"), b"{}")
        assert mirror.figures() == {("s1", LAST_MONTH, "group", "direct"): 3}
        assert (mirror.tally.applied, mirror.tally.duplicates, mirror.tally.unknown_versions, mirror.tally.bad,
                mirror.tally.ignored) == (1, 1, 1, 2, 1)
        assert mirror.db.execute("SELECT seq FROM checkpoints").fetchall() == [(5,)]
    finally:
        mirror.close()
