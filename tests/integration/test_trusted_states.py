"""Commands decided from a state this process cached, without reading it again: the append is the check. Two
`PostgresEventStore`s on one database stand for two copies of the cases service. Another copy's append makes the
command be decided again from the store; another copy's erasure of a person the cached state names leaves no data
of theirs written, no key made for them anew, none in any snapshot; a replay answers the one result; and derived
rows decide whether an append needs a transaction by what they say they write."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest

from services.cases.application.handlers import CASE, case_stream
from shared.application import load
from shared.contracts.cases import CaseSessionRecorded
from shared.contracts.errors import DomainError
from shared.eventstore import StreamAppend
from shared.eventstore.postgres import PostgresEventStore
from shared.eventstore.snapshots import SnapshotSettings
from shared.migrations import EVENT_STORE_MIGRATIONS, migrate
from shared.runtime import RequestContext
from shared.service import keeps_no_session
from tests.clock import STORY, story_day
from tests.integration.test_snapshots import CONSENT, HEAD, WORKER, Commands
from tests.support import DATA_KEY, Servers

pytestmark = [pytest.mark.dateless, pytest.mark.clock(STORY)]  # its dates are data, of the stories' month

SECRET = {"name": "欧阳春晓", "phone": "13912345678", "address": "一力社区梧桐巷七号"}
NOTES = "梧桐巷家访：情绪低落"
LATE_NOTES = "删除后又写的记录"


@pytest.fixture
async def dsn(servers: Servers, namespace: str) -> str:
    made = servers.postgres.dsn(f"{namespace}_trusted")
    await migrate(made, [EVENT_STORE_MIGRATIONS])
    return made


@pytest.fixture
async def pool(dsn: str) -> AsyncIterator[asyncpg.Pool]:
    created = await asyncpg.create_pool(dsn, min_size=1, max_size=4)
    try:
        yield created
    finally:
        await created.close()


def copy(pool: asyncpg.Pool) -> PostgresEventStore:
    """A copy of the service: a store with its own cache of states and known keys."""
    return PostgresEventStore(pool, DATA_KEY, snapshots=SnapshotSettings(every=3, cached_states=100))


def session(case_id: str, day: int, notes: str | None = NOTES) -> dict[str, Any]:
    return {"case_id": case_id, "held_on": story_day(day), "mode": "home_visit", "duration_minutes": 30,
            **({"notes": notes} if notes is not None else {})}


def counting(pool: asyncpg.Pool) -> list[str]:
    """Every statement sent on the pool's open connections from now on."""
    queries: list[str] = []
    for holder in pool._holders:
        if holder._con is not None:
            holder._con.add_query_logger(lambda logged: queries.append(logged.query))
    return queries


async def test_another_copys_append_makes_the_command_read_and_decide_again(pool: asyncpg.Pool) -> None:
    this, other = copy(pool), copy(pool)
    here, there = Commands(this), Commands(other)
    case_id = await here.open(await here.register(**SECRET, **CONSENT))
    await here.call("record_case_session", session(case_id, 2))  # this copy's cached state: version 2

    await there.call("record_case_session", session(case_id, 3))  # the other copy appends version 3
    answered = await here.call("record_case_session", session(case_id, 4))  # decided on version 2: conflicts

    history = await this.read_stream(case_stream(case_id))
    assert answered["position"]["version"] == len(history) == 4
    assert [e.version for e in history] == [1, 2, 3, 4]
    sessions = [e.payload.session_id for e in history if isinstance(e.payload, CaseSessionRecorded)]
    assert len(sessions) == len(set(sessions)) == 3, "nothing doubled"
    cached = this.states.get(case_stream(case_id), CASE.kind)
    assert cached is not None and (cached.state, cached.version) == (CASE.fold([e.payload for e in history]), 4)
    assert await load(copy(pool), CASE, case_stream(case_id)) == (cached.state, 4)


async def test_another_copys_erasure_leaves_no_data_of_the_person_and_makes_no_key(pool: asyncpg.Pool) -> None:
    this, other, evicted = copy(pool), copy(pool), copy(pool)
    here = Commands(this)
    recipient_id = await here.register(**SECRET, **CONSENT)
    case_id = await here.open(recipient_id, problem="独居失能需送餐")
    await here.call("record_case_session", session(case_id, 2))
    await Commands(evicted).call("record_case_session", session(case_id, 3))
    await here.call("record_case_session", session(case_id, 4))  # both copies cache the case, knowing the key
    evicted._known_keys.forget([recipient_id])  # as if pushed out of its known keys: its append needs the transaction
    versions = 4

    await Commands(other).call("erase_recipient", {"recipient_id": recipient_id, "reason": "本人要求删除"}, HEAD)

    for store in (this, evicted):
        with pytest.raises(DomainError) as refused:
            await Commands(store).call("record_case_session", session(case_id, 5, LATE_NOTES))
        assert (refused.value.code, refused.value.field) == ("recipient_erased", "recipientId")
        assert refused.value.message.en == f"Recipient {recipient_id} was erased; nothing more can be recorded for them"
    # What carries none of their data is still recorded, from the state folded again (their fields None).
    answered = await Commands(evicted).call("record_case_session", session(case_id, 6, notes=None))
    transferred = await here.call("transfer_case", {"case_id": case_id, "to_worker_id": "worker-2"}, HEAD)
    assert (answered["position"]["version"], transferred["position"]["version"]) == (versions + 1, versions + 2)

    assert await pool.fetchval("SELECT count(*) FROM person_keys WHERE person_id = $1", recipient_id) == 0
    rows = json.dumps([dict(r) for r in await pool.fetch("SELECT data::text, metadata::text FROM events")],
                      ensure_ascii=False)
    snapshots = json.dumps([dict(r) for r in await pool.fetch("SELECT state::text, persons FROM snapshots")],
                           default=str, ensure_ascii=False)
    for plain in (*SECRET.values(), "独居失能需送餐", NOTES, LATE_NOTES):
        assert plain not in rows and plain not in snapshots
    assert await pool.fetchval("SELECT count(*) FROM snapshots WHERE $1 = ANY(persons)", recipient_id) == 0
    history = await this.read_stream(case_stream(case_id))
    assert len(history) == versions + 2
    assert not any(getattr(e.payload, "notes", None) for e in history), "every note unreadable"
    for store in (this, evicted):
        cached = store.states.get(case_stream(case_id), CASE.kind)
        assert cached is None or cached.state == CASE.fold([e.payload for e in history[:cached.version]])


async def test_an_idempotent_replay_answers_the_one_result_from_either_copy(pool: asyncpg.Pool) -> None:
    this, other = copy(pool), copy(pool)
    here = Commands(this)
    case_id = await here.open(await here.register(**SECRET, **CONSENT))
    await here.call("record_case_session", session(case_id, 2))

    async def recorded(store: PostgresEventStore) -> dict[str, Any]:
        endpoint = Commands(store).endpoints["record_case_session"]
        return dict(await endpoint(session(case_id, 3), RequestContext(actor=WORKER, correlation_id="c",
                                                                       idempotency_key="k-1")))

    first = await recorded(this)
    assert [await recorded(this), await recorded(other)] == [first, first]
    assert len(await this.read_stream(case_stream(case_id))) == 3


class SessionRows:
    """A derived writer of one event type: a row per session recorded."""

    writes_for = frozenset({CaseSessionRecorded.__name__})

    async def write(self, conn: asyncpg.Connection, append: StreamAppend) -> None:
        for payload in append.events:
            if isinstance(payload, CaseSessionRecorded):
                await conn.execute("INSERT INTO derived_sessions (session_id) VALUES ($1)", payload.session_id)


async def test_derived_rows_take_the_transaction_only_for_the_events_they_write_for(dsn: str) -> None:
    # One connection, all of it counted, released as the services release theirs (no reset query).
    single = await asyncpg.create_pool(dsn, min_size=1, max_size=1, reset=keeps_no_session)
    try:
        await single.execute("CREATE TABLE derived_sessions (session_id text PRIMARY KEY)")
        store = PostgresEventStore(single, DATA_KEY, snapshots=SnapshotSettings(every=1_000))  # none taken here
        store.keep("sessions", SessionRows())
        commands = Commands(store)
        case_id = await commands.open(await commands.register(**SECRET, **CONSENT))
        await commands.call("transfer_case", {"case_id": case_id, "to_worker_id": "worker-2"}, HEAD)  # prepared

        queries = counting(single)
        await commands.call("transfer_case", {"case_id": case_id, "to_worker_id": "worker-1"}, HEAD)
        transferred = list(queries)
        queries.clear()
        recorded = await commands.call("record_case_session", session(case_id, 2))
        assert len(transferred) == 1 and "BEGIN" not in " ".join(transferred).upper(), transferred
        assert any(q.strip().upper().startswith("BEGIN") for q in queries), queries
        assert await single.fetchval("SELECT array_agg(session_id) FROM derived_sessions") == [recorded["session_id"]]
    finally:
        await single.close()


async def test_an_erasure_written_before_the_record_of_erasures_is_recorded_by_its_migration(
        pool: asyncpg.Pool) -> None:
    """A store of before migration 0008 holds erasure events and no erased_persons: the migration records each
    from its event, so that no copy takes the erased person for one never keyed and makes them a key."""
    here = Commands(copy(pool))
    recipient_id = await here.register(**SECRET, **CONSENT)
    case_id = await here.open(recipient_id)
    await here.call("erase_recipient", {"recipient_id": recipient_id, "reason": "本人要求删除"}, HEAD)
    await pool.execute("DROP TABLE erased_persons")  # the store as it was before the migration

    await pool.execute((EVENT_STORE_MIGRATIONS / "0008_erased_persons.sql").read_text())

    assert [r["person_id"] for r in await pool.fetch("SELECT person_id FROM erased_persons")] == [recipient_id]
    with pytest.raises(DomainError) as refused:
        await Commands(copy(pool)).call("record_case_session", session(case_id, 5, LATE_NOTES))
    assert refused.value.code == "recipient_erased"
    assert await pool.fetchval("SELECT count(*) FROM person_keys WHERE person_id = $1", recipient_id) == 0
