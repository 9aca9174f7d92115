"""A batch applied at once (`apply_events`, with the projections' batch handlers) leaves every read model as the
same events applied one by one (`apply_event`): on a mixed history of many streams whose batches hold several
events of one stream and events of many streams, interleaved; a redelivered batch changes nothing; a batch stops
before an event that came before its predecessor, and a rebuild's batch keeps it until the predecessor comes."""

from __future__ import annotations

import dataclasses
import itertools
import random
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.reporting.entrypoints.service import MIGRATIONS
from services.reporting.projections import projections
from services.reporting.queries import station_figures
from shared.consumer import APPLIED, SEEN, HeldVersions, ReceivedEvent, apply_event, apply_events
from shared.contracts import examples
from shared.contracts.activities import (
    ActivityHeld,
    GroupClosed,
    GroupMemberJoined,
    GroupPhase,
    GroupPhaseChanged,
    GroupPlanned,
    GroupSessionHeld,
    VolunteerRegistered,
    VolunteerServiceRecorded,
)
from shared.contracts.cases import (
    CaseAssessed,
    CaseClosed,
    CaseClosingRequested,
    CaseClosingReturned,
    CaseEvaluated,
    CaseOpened,
    CaseReopened,
    CaseSessionRecorded,
    CaseTransferred,
    RecipientErased,
    RecipientMergedInto,
    RecipientRegistered,
    RecipientUpdated,
    RelationshipStage,
    RiskLevel,
    ServicePlanApproved,
    ServicePlanDrafted,
    ServicePlanReturned,
    ServicePlanSubmitted,
)
from shared.migrations import migrate
from tests.support import Servers

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

EXAMPLE: dict[type[Any], Any] = {type(e): e for e in examples.EXAMPLES}
STATION = examples.STATION
DAY = date(2026, 3, 2)
AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def like(kind: type[Any], **fields: Any) -> Any:
    """The example event of the kind, with these fields (those of a case the kind has: `case_id`, `recipient_id`)."""
    has = {f.name for f in dataclasses.fields(kind)}
    return dataclasses.replace(EXAMPLE[kind], **{k: v for k, v in fields.items()
                                                 if k in has or k not in ("case_id", "recipient_id")})


def stream(stream_id: str, payloads: list[Any]) -> list[ReceivedEvent]:
    return [ReceivedEvent(type=type(p).__name__, payload=p, stream_id=stream_id, version=n, event_id=f"{stream_id}/{n}",
                          stream_seq=0, recorded_at=AT + timedelta(minutes=n), actor="sw-1")
            for n, p in enumerate(payloads, start=1)]


def case_life(chance: random.Random, case: str, recipient: str, number: int) -> list[Any]:
    """A case's events in an order its decider could write them: assessed, a plan drafted, returned, submitted and
    approved now and then, sessions (stages now and then, days not in order), an evaluation, a closing asked,
    returned or made, then reopened with more sessions, sometimes handed to another worker."""
    ids = {"case_id": case, "recipient_id": recipient}
    sessions = iter(range(100))

    def some_sessions(most: int) -> list[Any]:
        return [like(CaseSessionRecorded, **ids, session_id=f"{case}-s{s}", duration_minutes=30 + s,
                     held_on=DAY + timedelta(days=chance.randrange(60)),
                     relationship_stage=chance.choice([None, None, *RelationshipStage]))
                for s in [next(sessions) for _ in range(chance.randrange(1, most))]]

    life: list[Any] = [like(CaseOpened, **ids, number=number), *some_sessions(4)]
    if chance.random() < 0.8:
        life.append(like(CaseAssessed, **ids, risk_level=chance.choice(list(RiskLevel))))
    if chance.random() < 0.7:
        life.append(like(ServicePlanDrafted, **ids, plan_version=1))
        if chance.random() < 0.3:
            life.append(like(ServicePlanReturned, **ids, plan_version=1))
        life += [like(ServicePlanSubmitted, **ids, plan_version=1), like(ServicePlanApproved, **ids, plan_version=1)]
    life += some_sessions(8)
    if chance.random() < 0.3:
        life.append(like(CaseTransferred, case_id=case, to_worker_id=f"worker-{number}"))
    if chance.random() < 0.6:
        life.append(like(CaseEvaluated, case_id=case))
        life.append(like(CaseClosingRequested, case_id=case))
        if chance.random() < 0.3:
            life += [like(CaseClosingReturned, case_id=case), like(CaseClosingRequested, case_id=case)]
        life.append(like(CaseClosed, case_id=case, closed_on=DAY + timedelta(days=70)))
        if chance.random() < 0.5:
            life += [like(CaseReopened, **ids, reopened_on=DAY + timedelta(days=80)), *some_sessions(4)]
    return life


def mixed_history(seed: int = 16) -> list[ReceivedEvent]:
    """Cases through their whole life (`case_life`), a recipient merged into another, groups with members,
    sessions and phases, volunteers with services, activities: each stream in version order, the streams shuffled
    together."""
    streams: list[list[ReceivedEvent]] = []
    chance = random.Random(seed)
    for c in range(12):
        recipient, case = f"r-{c}", f"c-{c}"
        merged = [like(RecipientMergedInto, recipient_id=recipient, into_recipient_id="r-0")] if c == 5 else []
        streams.append(stream(f"recipient-{recipient}", [like(RecipientRegistered, recipient_id=recipient),
                                                         *merged]))
        streams.append(stream(f"case-{case}", case_life(chance, case, recipient, c + 1)))
    for g in range(4):
        group = f"g-{g}"
        members = [f"{group}-m{m}" for m in range(6)]
        phases = [like(GroupPhaseChanged, group_id=group, phase=GroupPhase.FORMING)] if g % 2 else []
        ended = [like(GroupPhaseChanged, group_id=group, phase=GroupPhase.ENDING),
                 like(GroupClosed, group_id=group)] if g < 2 else []
        streams.append(stream(f"group-{group}", [
            like(GroupPlanned, group_id=group),
            *(like(GroupMemberJoined, group_id=group, member_id=m) for m in members), *phases,
            *(like(GroupSessionHeld, group_id=group, session_id=f"{group}-s{s}", number=s + 1,
                   present_member_ids=tuple(members[: 2 + s % 4]) if s != 2 else ()) for s in range(6)), *ended]))
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
SETS = {"station_months_stale"}
"""Tables read as sets: a station's month marked twice in one transaction is marked (a batch marks it once)."""


async def snapshot(conn: asyncpg.Connection) -> dict[str, list[tuple[str, ...]]]:
    """Every read-model table's rows, sorted, without identity columns, and the applied versions; and the order
    the rows of each table with an identity column were numbered in."""
    tables: dict[str, list[tuple[str, ...]]] = {}
    for table in [*TABLES, "applied_versions"]:
        columns = [r["attname"] for r in await conn.fetch(
            "SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped"
            " AND attidentity = '' ORDER BY attnum", table)]
        distinct = "DISTINCT " if table in SETS else ""
        tables[table] = sorted(tuple(map(repr, r.values())) for r in await conn.fetch(
            f"SELECT {distinct}{', '.join(columns)} FROM {table}"))
        numbered = await conn.fetchval("SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass"
                                       " AND attidentity <> ''", table)
        if numbered:  # the rows numbered as they came (the order pages show them in): the same order
            tables[f"{table} in order"] = [tuple(map(repr, r.values())) for r in await conn.fetch(
                f"SELECT {', '.join(columns)} FROM {table} ORDER BY {numbered}")]
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
    case = stream("case-c-0", [like(CaseOpened, case_id="c-0", recipient_id="r-0", number=1),
                               *(like(CaseSessionRecorded, case_id="c-0", recipient_id="r-0", session_id=f"c-0-s{s}")
                                 for s in range(2))])
    other = [e for e in mixed_history() if e.stream_id == "recipient-r-0"][:1]
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


async def test_a_rebuilds_batches_with_their_versions_held_in_memory_leave_what_events_one_by_one_leave(
        databases: tuple[asyncpg.Connection, asyncpg.Connection]) -> None:
    one_by_one, rebuilt = databases
    history = mixed_history(seed=2)
    every = projections()
    for event in history:
        async with one_by_one.transaction():
            assert await apply_event(one_by_one, event, every) == APPLIED
    held = HeldVersions([p.name for p in every])
    waiting: dict[str, dict[int, ReceivedEvent]] = {}
    batches = [history[n:n + 60] for n in range(0, len(history), 60)]
    for n, batch in enumerate(batches):
        held.begin()
        if n == 2:  # a batch whose transaction does not commit: its versions are taken back, and it comes again
            with pytest.raises(RuntimeError):
                async with rebuilt.transaction():
                    await apply_events(rebuilt, batch, every, waiting=waiting, held=held)
                    raise RuntimeError("the commit failed")
            held.undo()
            held.begin()
        async with rebuilt.transaction():
            await apply_events(rebuilt, batch, every, waiting=waiting, held=held)
        if n == 3:  # written part way (as before a batch is applied again event by event), then taken up again
            assert await held.write(rebuilt) > 0
            await held.reload(rebuilt, [e.stream_id for e in batch])
    assert waiting == {}
    assert await rebuilt.fetchval("SELECT count(*) FROM applied_versions") < len(every) * len(history)
    await held.write(rebuilt)
    assert await snapshot(rebuilt) == await snapshot(one_by_one)


def at(station: str, payloads: list[Any]) -> list[Any]:
    """The payloads recorded at this station (those that name one)."""
    return [dataclasses.replace(p, station_id=station) if hasattr(p, "station_id") else p for p in payloads]


@st.composite
def crossing_histories(draw: st.DrawFn) -> tuple[list[ReceivedEvent], list[int]]:
    """Streams whose events reach rows of other streams, shuffled together, and where to cut them into batches:
    recipients merged in chains (a merge moves the rows merged into the one merged), updated and erased, whose cases
    are at other stations than theirs (a recipient's events mark their cases' and groups' stations); groups whose
    members are those recipients, with sessions and phases; activities and volunteer services at every station."""
    chance = draw(st.randoms(use_true_random=False))
    stations = [f"st-{n}" for n in range(draw(st.integers(2, 3)))]
    recipients = [f"r-{n}" for n in range(draw(st.integers(3, 6)))]
    streams: list[list[ReceivedEvent]] = []
    number = iter(range(1, 1000))
    for n, recipient in enumerate(recipients):
        home = chance.choice(stations)
        life: list[Any] = [like(RecipientRegistered, recipient_id=recipient)]
        if chance.random() < 0.4:
            life.append(like(RecipientUpdated, recipient_id=recipient, community=f"社区 {n}"))
        if n and chance.random() < 0.6:  # into one registered before it: chains such as r-3 → r-1 → r-0
            into = recipients[n - 1 - chance.randrange(n)]
            life.append(like(RecipientMergedInto, recipient_id=recipient, into_recipient_id=into))
        elif chance.random() < 0.2:
            life.append(like(RecipientErased, recipient_id=recipient))
        streams.append(stream(f"recipient-{recipient}", at(home, life)))
        for c in range(chance.randrange(3)):
            case = f"c-{n}-{c}"
            life = case_life(chance, case, recipient, next(number))
            streams.append(stream(f"case-{case}", at(chance.choice(stations), life)))
    for g in range(draw(st.integers(1, 3))):
        group, station = f"g-{g}", chance.choice(stations)
        members = [(f"{group}-m{m}", chance.choice([None, *recipients])) for m in range(chance.randrange(2, 6))]
        life = [like(GroupPlanned, group_id=group),
                *(like(GroupMemberJoined, group_id=group, member_id=m, recipient_id=r) for m, r in members)]
        if chance.random() < 0.5:
            life.append(like(GroupPhaseChanged, group_id=group, phase=GroupPhase.FORMING))
        life += [like(GroupSessionHeld, group_id=group, session_id=f"{group}-s{s}", number=s + 1,
                      held_on=DAY + timedelta(days=chance.randrange(60)),
                      present_member_ids=tuple(m for m, _ in members[: chance.randrange(len(members) + 1)]))
                 for s in range(chance.randrange(4))]
        if chance.random() < 0.4:
            life += [like(GroupPhaseChanged, group_id=group, phase=GroupPhase.ENDING),
                     like(GroupClosed, group_id=group)]
        streams.append(stream(f"group-{group}", at(station, life)))
    for a in range(chance.randrange(4)):
        streams.append(stream(f"activity-a-{a}", at(chance.choice(stations), [like(
            ActivityHeld, activity_id=f"a-{a}", held_on=DAY + timedelta(days=chance.randrange(60)))])))
    for v in range(chance.randrange(3)):
        streams.append(stream(f"volunteer-v-{v}", at(chance.choice(stations), [
            like(VolunteerRegistered, volunteer_id=f"v-{v}"),
            *(like(VolunteerServiceRecorded, volunteer_id=f"v-{v}", record_id=f"v-{v}-r{s}")
              for s in range(chance.randrange(4)))])))
    history: list[ReceivedEvent] = []
    while streams:
        pick = draw(st.integers(0, len(streams) - 1))
        history.append(streams[pick].pop(0))
        if not streams[pick]:
            streams.pop(pick)
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(history) - 1)), max_size=6)))
    return history, cuts


async def emptied(conn: asyncpg.Connection) -> None:
    await conn.execute(f"TRUNCATE {', '.join([*TABLES, 'applied_versions'])} RESTART IDENTITY")


@settings(max_examples=8, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(drawn=crossing_histories())
async def test_streams_that_reach_each_others_rows_shuffled_and_cut_anywhere_leave_what_one_by_one_leaves(
        databases: tuple[asyncpg.Connection, asyncpg.Connection], drawn: tuple[list[ReceivedEvent], list[int]]) -> None:
    one_by_one, batched = databases
    history, cuts = drawn
    every = projections()
    for conn in databases:
        await emptied(conn)
    for event in history:
        async with one_by_one.transaction():
            assert await apply_event(one_by_one, event, every) == APPLIED
    bounds = [0, *cuts, len(history)]
    for start, end in itertools.pairwise(bounds):
        async with batched.transaction():
            assert await apply_events(batched, history[start:end], every) == [APPLIED] * (end - start)
    marked = {}
    for name, conn in (("one by one", one_by_one), ("batched", batched)):
        marked[name] = set(await conn.fetch("SELECT DISTINCT station_id, month FROM station_months_stale"))
        await station_figures._refresh(conn, None)  # the sums the marks call for, as a query would count them
    assert marked["batched"] >= marked["one by one"]  # a batch marks its recipients' stations after its last event
    assert await snapshot(batched) == await snapshot(one_by_one)
