"""A batch applied at once (`apply_events`, with the projections' batch handlers) leaves every read model as the
same events applied one by one (`apply_event`): on a mixed history of many streams whose batches hold several
events of one stream and events of many streams, interleaved; a redelivered batch changes nothing; a batch stops
before an event that came before its predecessor, and a rebuild's batch keeps it until the predecessor comes."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import pytest

from services.reporting.entrypoints.service import MIGRATIONS
from services.reporting.projections import projections
from shared.consumer import APPLIED, SEEN, ReceivedEvent, apply_event, apply_events
from shared.contracts import examples
from shared.contracts.activities import (
    ActivityHeld,
    GroupMemberJoined,
    GroupPlanned,
    GroupSessionHeld,
    VolunteerRegistered,
    VolunteerServiceRecorded,
)
from shared.contracts.cases import CaseOpened, CaseSessionRecorded, RecipientRegistered, RelationshipStage
from shared.migrations import migrate
from tests.support import Servers

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

EXAMPLE = {type(e): e for e in examples.EXAMPLES}
STATION = examples.STATION
DAY = date(2026, 3, 2)
AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def like(kind: type[Any], **fields: Any) -> Any:
    return dataclasses.replace(EXAMPLE[kind], **fields)


def stream(stream_id: str, payloads: list[Any]) -> list[ReceivedEvent]:
    return [ReceivedEvent(type=type(p).__name__, payload=p, stream_id=stream_id, version=n, event_id=f"{stream_id}/{n}",
                          stream_seq=0, recorded_at=AT + timedelta(minutes=n), actor="sw-1")
            for n, p in enumerate(payloads, start=1)]


def mixed_history(seed: int = 16) -> list[ReceivedEvent]:
    """Cases with many sessions (stages now and then, days not in order), groups with members and sessions,
    volunteers with services, activities: each stream in version order, the streams shuffled together."""
    streams: list[list[ReceivedEvent]] = []
    chance = random.Random(seed)
    for c in range(12):
        recipient, case = f"r-{c}", f"c-{c}"
        streams.append(stream(f"recipient-{recipient}", [like(RecipientRegistered, recipient_id=recipient)]))
        sessions = [like(CaseSessionRecorded, case_id=case, recipient_id=recipient, session_id=f"{case}-s{s}",
                         held_on=DAY + timedelta(days=chance.randrange(60)), duration_minutes=30 + s,
                         relationship_stage=chance.choice([None, None, *RelationshipStage]))
                    for s in range(chance.randrange(3, 15))]
        streams.append(stream(f"case-{case}", [like(CaseOpened, case_id=case, recipient_id=recipient, number=c + 1),
                                               *sessions]))
    for g in range(4):
        group = f"g-{g}"
        members = [f"{group}-m{m}" for m in range(6)]
        streams.append(stream(f"group-{group}", [
            like(GroupPlanned, group_id=group),
            *(like(GroupMemberJoined, group_id=group, member_id=m) for m in members),
            *(like(GroupSessionHeld, group_id=group, session_id=f"{group}-s{s}", number=s + 1,
                   present_member_ids=tuple(members[: 2 + s % 4]) if s != 2 else ()) for s in range(6))]))
    for v in range(5):
        volunteer = f"v-{v}"
        streams.append(stream(f"volunteer-{volunteer}", [
            like(VolunteerRegistered, volunteer_id=volunteer),
            *(like(VolunteerServiceRecorded, volunteer_id=volunteer, record_id=f"{volunteer}-r{s}")
              for s in range(4))]))
    for a in range(10):
        streams.append(stream(f"activity-a-{a}", [like(ActivityHeld, activity_id=f"a-{a}", title=f"活动 {a}")]))
    history: list[ReceivedEvent] = []
    waiting = [list(s) for s in streams]
    while waiting:
        pick = chance.randrange(len(waiting))
        history.append(waiting[pick].pop(0))
        if not waiting[pick]:
            waiting.pop(pick)
    return history


@pytest.fixture
async def databases(servers: Servers, namespace: str) -> AsyncIterator[tuple[asyncpg.Connection, asyncpg.Connection]]:
    """Two empty reporting databases: one fed event by event, one in batches."""
    conns = []
    for name in ("one_by_one", "batched"):
        dsn = servers.postgres.dsn(f"{namespace}_{name}")
        await migrate(dsn, [MIGRATIONS])
        conns.append(await asyncpg.connect(dsn))
    try:
        yield conns[0], conns[1]
    finally:
        for conn in conns:
            await conn.close()


TABLES = [table for projection in projections() for table in projection.tables]


async def snapshot(conn: asyncpg.Connection) -> dict[str, list[tuple[str, ...]]]:
    """Every read-model table's rows, sorted, without identity columns, and the applied versions; and the order
    the activities were numbered in."""
    tables: dict[str, list[tuple[str, ...]]] = {}
    for table in [*TABLES, "applied_versions"]:
        columns = [r["attname"] for r in await conn.fetch(
            "SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped"
            " AND attidentity = '' ORDER BY attnum", table)]
        tables[table] = sorted(tuple(map(repr, r.values())) for r in await conn.fetch(
            f"SELECT {', '.join(columns)} FROM {table}"))
    tables["activities in order"] = [(r["activity_id"],) for r in await conn.fetch(
        "SELECT activity_id FROM activities ORDER BY seq")]
    return tables


async def test_batches_of_many_streams_and_of_several_events_of_a_stream_equal_events_applied_one_by_one(
        databases: tuple[asyncpg.Connection, asyncpg.Connection]) -> None:
    one_by_one, batched = databases
    history = mixed_history()
    every = projections()
    for event in history:
        async with one_by_one.transaction():
            assert await apply_event(one_by_one, event, every) == APPLIED
    batches = [history[n:n + 40] for n in range(0, len(history), 40)]
    for batch in batches:
        async with batched.transaction():
            assert await apply_events(batched, batch, every) == [APPLIED] * len(batch)
    async with batched.transaction():  # a batch redelivered after a crash before its acks: passed over
        assert await apply_events(batched, batches[2], every) == [SEEN] * len(batches[2])

    # the batches did hold several events of one stream, and events of many streams
    assert max(max(sum(e.stream_id == s for e in b) for s in {e.stream_id for e in b}) for b in batches) >= 3
    assert min(len({e.stream_id for e in b}) for b in batches[:-1]) >= 10
    expected = await snapshot(one_by_one)
    assert len(expected["case_sessions"]) > 50 and len(expected["group_attendance"]) > 20
    assert await snapshot(batched) == expected
    sessions = await batched.fetch("SELECT case_id, session_count, last_session_on, relationship_stage FROM cases"
                                   " ORDER BY case_id")
    assert sessions == await one_by_one.fetch("SELECT case_id, session_count, last_session_on, relationship_stage"
                                              " FROM cases ORDER BY case_id")


async def test_a_batch_stops_before_an_event_that_came_early_and_a_rebuild_keeps_it_until_its_predecessor_comes(
        databases: tuple[asyncpg.Connection, asyncpg.Connection]) -> None:
    live, rebuilt = databases
    every = projections()
    case = [e for e in mixed_history() if e.stream_id == "case-c-0"]
    other = [e for e in mixed_history() if e.stream_id == "recipient-r-0"]
    early = [*other, case[0], case[2], case[1]]  # version 3 came before 2

    async with live.transaction():
        assert await apply_events(live, early, every) == [APPLIED, APPLIED]  # stopped at version 3
    assert await live.fetchval("SELECT max(version) FROM applied_versions WHERE stream_id = 'case-c-0'") == 1
    assert await live.fetchval("SELECT count(*) FROM case_sessions") == 0

    waiting: dict[str, dict[int, ReceivedEvent]] = {}
    async with rebuilt.transaction():
        await apply_events(rebuilt, early[:-1], every, waiting=waiting)
    assert list(waiting) == ["case-c-0"]
    async with rebuilt.transaction():
        await apply_events(rebuilt, early[-1:], every, waiting=waiting)  # version 2, then the kept 3
    assert waiting == {}
    assert await rebuilt.fetchval("SELECT max(version) FROM applied_versions WHERE stream_id = 'case-c-0'") == 3
    assert await rebuilt.fetchval("SELECT session_count FROM cases WHERE case_id = 'c-0'") == 2
