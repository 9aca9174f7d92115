"""One contract, run against the in-memory store and the PostgreSQL store."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from datetime import date

import asyncpg
import pytest

from shared.contracts.activities import GroupFeedbackRecorded, GroupMemberJoined
from shared.contracts.cases import (
    CaseSessionRecorded,
    CategoryMembership,
    CategorySource,
    Gender,
    RecipientCategory,
    RecipientErased,
    RecipientRegistered,
    SessionMode,
)
from shared.eventstore import (
    ConcurrencyConflict,
    EventMetadata,
    EventStore,
    IdempotencyKeyReused,
    IdempotentCommand,
    StreamAppend,
    ValueAlreadyRegistered,
)
from shared.eventstore.memory import InMemoryEventStore
from shared.eventstore.postgres import PostgresEventStore
from shared.eventstore.protocol import PersonErased, PersonsErased
from shared.migrations import EVENT_STORE_MIGRATIONS, migrate
from tests.support import DATA_KEY, Servers

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

META = EventMetadata(actor={"subject": "sw-1"}, correlation_id="c-1")


def registered(n: int) -> RecipientRegistered:
    return RecipientRegistered(recipient_id=f"r-{n}", station_id="s", name="某", gender=Gender.MALE,
                               birth_year=1960, community="一力社区", categories=(CategoryMembership(
                                   category=RecipientCategory.DISABLED, valid_from=date(2026, 1, 1),
                                   source=CategorySource.VISIT),))


@pytest.fixture(params=["memory", "postgres"])
async def store(request: pytest.FixtureRequest, servers: Servers, namespace: str) -> AsyncIterator[EventStore]:
    if request.param == "memory":
        yield InMemoryEventStore()
        return
    dsn = servers.postgres.dsn(f"{namespace}_store")
    await migrate(dsn, [EVENT_STORE_MIGRATIONS])
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=4)
    try:
        yield PostgresEventStore(pool, DATA_KEY)
    finally:
        await pool.close()


async def test_a_new_stream_reads_empty(store: EventStore) -> None:
    assert await store.read_stream("nothing-here") == []


async def test_appended_events_read_back_in_version_order_with_their_metadata(store: EventStore) -> None:
    await store.append("s-1", "recipient", 0, [registered(1), registered(2)], META, result={})
    await store.append("s-1", "recipient", 2, [registered(3)], META, result={})

    events = await store.read_stream("s-1")

    assert [e.version for e in events] == [1, 2, 3]
    assert [e.payload for e in events] == [registered(1), registered(2), registered(3)]
    assert events[0].metadata["correlation_id"] == "c-1"
    assert events[0].type == "RecipientRegistered"
    assert len({e.event_id for e in events}) == 3


async def test_a_stale_expected_version_is_a_conflict_and_appends_nothing(store: EventStore) -> None:
    await store.append("s-1", "recipient", 0, [registered(1)], META, result={})

    with pytest.raises(ConcurrencyConflict):
        await store.append("s-1", "recipient", 0, [registered(2)], META, result={})

    assert [e.payload for e in await store.read_stream("s-1")] == [registered(1)]


async def test_an_idempotency_key_remembers_the_first_result(store: EventStore) -> None:
    key = IdempotentCommand(key="sw-1:k", fingerprint="f1")
    appended = await store.append("s-1", "recipient", 0, [registered(1)], META, result={"id": 1}, idempotency=key)

    replay = await store.idempotent_result(key)

    assert replay is not None and replay.replayed
    assert (replay.result, replay.version, replay.event_ids) == ({"id": 1}, 1, appended.event_ids)
    with pytest.raises(IdempotencyKeyReused):
        await store.idempotent_result(IdempotentCommand(key="sw-1:k", fingerprint="other"))
    assert await store.idempotent_result(IdempotentCommand(key="sw-1:unseen", fingerprint="f1")) is None


async def test_of_two_appends_at_the_same_expected_version_exactly_one_wins(store: EventStore) -> None:
    outcomes = await asyncio.gather(
        store.append("s-1", "recipient", 0, [registered(1)], META, result={}),
        store.append("s-1", "recipient", 0, [registered(2)], META, result={}),
        return_exceptions=True)

    assert sorted(type(o).__name__ for o in outcomes) == ["AppendResult", "ConcurrencyConflict"]
    assert len(await store.read_stream("s-1")) == 1


def with_id_number(n: int, id_number: str) -> RecipientRegistered:
    return RecipientRegistered(recipient_id=f"r-{n}", station_id="s", name="某", gender=Gender.MALE,
                               birth_year=1960, community="一力社区", categories=(), id_number=id_number)


async def test_an_id_number_belongs_to_one_person_until_they_are_erased(store: EventStore) -> None:
    await store.append("recipient-r-1", "recipient", 0, [with_id_number(1, "110105194912310029")], META, result={})

    with pytest.raises(ValueAlreadyRegistered) as taken:
        await store.append("recipient-r-2", "recipient", 0, [with_id_number(2, "110105194912310029")], META,
                           result={})

    assert taken.value.owner == "r-1" and taken.value.field == "idNumber"
    assert await store.read_stream("recipient-r-2") == []
    await store.append("recipient-r-1", "recipient", 1,
                       [RecipientErased(recipient_id="r-1", station_id="s", erased_on=date(2026, 11, 1), reason="x")],
                       META, result={})
    await store.append("recipient-r-2", "recipient", 0, [with_id_number(2, "110105194912310029")], META, result={})
    assert [e.payload.id_number for e in await store.read_stream("recipient-r-2")] == ["110105194912310029"]


async def test_a_new_value_of_a_unique_field_frees_the_old_one(store: EventStore) -> None:
    await store.append("recipient-r-1", "recipient", 0, [with_id_number(1, "110105194912310029")], META, result={})
    await store.append("recipient-r-1", "recipient", 1, [with_id_number(1, "11010519491231002X")], META, result={})

    await store.append("recipient-r-2", "recipient", 0, [with_id_number(2, "110105194912310029")], META, result={})

    with pytest.raises(ValueAlreadyRegistered) as taken:
        await store.append("recipient-r-3", "recipient", 0, [with_id_number(3, "11010519491231002X")], META,
                           result={})
    assert taken.value.owner == "r-1"


async def test_the_holders_of_unique_values_and_several_streams_are_read_at_once(store: EventStore) -> None:
    await store.append("recipient-r-1", "recipient", 0, [with_id_number(1, "110105194912310029")], META, result={})

    held = await store.claimants("id_number", ["110105194912310029", "11010519491231002X"])
    streams = await store.read_streams(["recipient-r-1", "recipient-r-9"])

    assert held == {"110105194912310029": "r-1"}
    assert [e.payload.id_number for e in streams["recipient-r-1"]] == ["110105194912310029"]
    assert streams["recipient-r-9"] == []
    assert store.keyed_digest("id_number", "110105194912310029") != "110105194912310029"


async def test_appends_to_several_streams_land_together_or_not_at_all(store: EventStore) -> None:
    await store.append("s-2", "recipient", 0, [registered(2)], META, result={})

    with pytest.raises(ConcurrencyConflict):
        await store.append_all([StreamAppend(stream_id="s-1", stream_type="recipient", expected_version=0,
                                             events=[registered(1)]),
                                StreamAppend(stream_id="s-2", stream_type="recipient", expected_version=0,
                                             events=[registered(3)])], META, result={})
    assert await store.read_stream("s-1") == []

    appended = await store.append_all(
        [StreamAppend(stream_id="s-1", stream_type="recipient", expected_version=0, events=[registered(1)]),
         StreamAppend(stream_id="s-2", stream_type="recipient", expected_version=1, events=[registered(3)])],
        META, result={"both": True}, idempotency=IdempotentCommand(key="k-2", fingerprint="f"))

    assert (appended.stream_id, appended.version, len(appended.event_ids)) == ("s-2", 2, 2)
    assert [e.payload.recipient_id for e in await store.read_stream("s-1")] == ["r-1"]
    assert [e.payload.recipient_id for e in await store.read_stream("s-2")] == ["r-2", "r-3"]
    replay = await store.idempotent_result(IdempotentCommand(key="k-2", fingerprint="f"))
    assert replay is not None and (replay.stream_id, replay.version, replay.result) == ("s-2", 2, {"both": True})


async def test_streams_of_a_type_are_listed_oldest_first(store: EventStore) -> None:
    for n in (2, 1, 3):
        await store.append(f"recipient-r-{n}", "recipient", 0, [registered(n)], META, result={})
    await store.append("recipient-r-2", "recipient", 1, [registered(4)], META, result={})

    assert await store.stream_ids("recipient") == ["recipient-r-2", "recipient-r-1", "recipient-r-3"]
    assert await store.stream_ids("case") == []


def session(n: int, recipient: str = "r-1") -> CaseSessionRecorded:
    return CaseSessionRecorded(case_id="c-1", station_id="s", session_id=f"cs-{n}", held_on=date(2026, 3, n),
                               mode=SessionMode.HOME_VISIT, duration_minutes=45, participants=1, notes=f"第{n}次",
                               recipient_id=recipient)


async def test_a_conflicting_append_is_refused_as_a_conflict_and_stores_nothing(store: EventStore) -> None:
    """Whether the store writes an append as one statement (a session whose person's key it has read) or in a
    transaction (a registration, which claims unique values): behind the stream, ahead of it, or one stream of
    several, the append is a ConcurrencyConflict and leaves no event and no idempotency key behind."""
    await store.append("recipient-r-1", "recipient", 0, [registered(1)], META, result={})
    await store.append("case-c-1", "case", 0, [session(1)], META, result={})
    assert [e.payload for e in await store.read_stream("case-c-1")] == [session(1)]  # the key is read, and known
    key = IdempotentCommand(key="sw-1:conflict", fingerprint="f")

    for expected in (0, 5):
        with pytest.raises(ConcurrencyConflict) as behind:
            await store.append("case-c-1", "case", expected, [session(2)], META, result={}, idempotency=key)
        assert behind.value.stream_id == "case-c-1" and behind.value.expected_version == expected
        with pytest.raises(ConcurrencyConflict):
            await store.append("recipient-r-1", "recipient", expected, [registered(5)], META, result={},
                               idempotency=key)
    with pytest.raises(ConcurrencyConflict):  # a stream decided on, not written, that changed meanwhile
        await store.append_all([StreamAppend(stream_id="recipient-r-1", stream_type="recipient", expected_version=0,
                                             events=[]),
                                StreamAppend(stream_id="case-c-1", stream_type="case", expected_version=1,
                                             events=[session(3)])], META, result={}, idempotency=key)

    assert [e.payload for e in await store.read_stream("case-c-1")] == [session(1)]
    assert [e.payload for e in await store.read_stream("recipient-r-1")] == [registered(1)]
    assert await store.idempotent_result(key) is None
    appended = await store.append("case-c-1", "case", 1, [session(2)], META, result={"n": 2}, idempotency=key)
    assert appended.version == 2
    replay = await store.idempotent_result(key)
    assert replay is not None and (replay.version, replay.result, replay.event_ids) == (2, {"n": 2},
                                                                                       appended.event_ids)


async def test_nothing_is_sealed_for_an_erased_person_and_no_key_is_made_for_them(store: EventStore) -> None:
    await store.append("recipient-r-1", "recipient", 0, [registered(1)], META, result={})
    await store.append("case-c-1", "case", 0, [session(1)], META, result={})
    await store.append("recipient-r-1", "recipient", 1, [RecipientErased(
        recipient_id="r-1", station_id="s", erased_on=date(2026, 3, 9), reason="本人要求")], META, result={})

    with pytest.raises(PersonErased) as refused:
        await store.append("case-c-1", "case", 1, [session(2)], META, result={})
    await store.append("case-c-1", "case", 1, [dataclasses.replace(session(3), notes=None)], META, result={})

    assert (refused.value.code, refused.value.field) == ("recipient_erased", "recipientId")
    assert [(e.payload.session_id, e.payload.notes) for e in await store.read_stream("case-c-1")] == [
        ("cs-1", None), ("cs-3", None)]
    keys = (store.person_keys if isinstance(store, InMemoryEventStore)
            else {r["person_id"] for r in await store._pool.fetch("SELECT person_id FROM person_keys")})
    assert "r-1" not in keys


async def keys_held(store: EventStore) -> set[str]:
    if isinstance(store, InMemoryEventStore):
        return set(store.person_keys)
    assert isinstance(store, PostgresEventStore)
    return {r["person_id"] for r in await store._pool.fetch("SELECT person_id FROM person_keys")}


def another_copy(store: EventStore) -> EventStore:
    """The same store as another process sees it, knowing no key and no state (the in-memory store: itself)."""
    return PostgresEventStore(store._pool, DATA_KEY) if isinstance(store, PostgresEventStore) else store


async def test_an_erased_person_is_never_keyed_again_by_any_copy_of_the_store(store: EventStore) -> None:
    """The erasure is recorded, not read off a missing key: a copy that never knew the person, asked to seal
    their data (as a case's state names them, or not), makes no key and writes nothing."""
    await store.append("recipient-r-1", "recipient", 0, [registered(1)], META, result={})
    await store.append("case-c-1", "case", 0, [session(1)], META, result={})
    await store.append("recipient-r-1", "recipient", 1, [RecipientErased(
        recipient_id="r-1", station_id="s", erased_on=date(2026, 3, 9), reason="本人要求")], META, result={})
    other = another_copy(store)

    for persons in (frozenset(), frozenset({"r-1"})):
        with pytest.raises(PersonErased):
            try:
                await other.append_all([StreamAppend(stream_id="case-c-1", stream_type="case", expected_version=1,
                                                     events=[session(2)], persons=persons)], META, result={})
            except PersonsErased:  # a state naming them, folded before this copy knew: decided again, refused
                await other.append_all([StreamAppend(stream_id="case-c-1", stream_type="case", expected_version=1,
                                                     events=[session(2)], persons=persons)], META, result={})
        with pytest.raises(PersonErased):
            await other.append("case-c-2", "case", 0, [session(4)], META, result={})

    assert "r-1" not in await keys_held(store)
    assert [e.payload.session_id for e in await store.read_stream("case-c-1")] == ["cs-1"]
    assert await store.read_stream("case-c-2") == []
    if isinstance(store, PostgresEventStore):
        assert await store._pool.fetchval("SELECT array_agg(person_id) FROM erased_persons") == ["r-1"]


async def test_a_key_made_by_an_append_that_conflicted_is_not_taken_for_an_erasure(store: EventStore) -> None:
    """A new member's key made in a transaction that then conflicts is rolled back with it: the retry makes it
    again and records the member (nothing is refused as erased), as two commands adding members to one group at
    once do."""
    await store.append("group-g-1", "group", 0, [joined("g-1", "m-1", "组员甲")], META, result={})

    with pytest.raises(ConcurrencyConflict):  # decided on a version the group has passed: rolled back, key and all
        await store.append("group-g-1", "group", 0, [joined("g-1", "m-2", "组员乙")], META, result={})
    await store.append("group-g-1", "group", 1, [joined("g-1", "m-2", "组员乙")], META, result={})
    await store.append("group-g-1", "group", 2, [joined("g-1", "m-3", None)], META, result={})

    assert [e.payload for e in await another_copy(store).read_stream("group-g-1")] == [
        joined("g-1", "m-1", "组员甲"), joined("g-1", "m-2", "组员乙"), joined("g-1", "m-3", None)]
    assert {"m-1", "m-2", "m-3"} <= await keys_held(store)


def joined(group: str, member: str, name: str | None) -> GroupMemberJoined:
    return GroupMemberJoined(group_id=group, station_id="s", member_id=member, name=name, recipient_id=None,
                             joined_on=date(2026, 3, 2))


async def test_a_member_who_never_had_a_key_is_added_to_a_group_and_keyed_then(store: EventStore) -> None:
    """No key is not erased: a person a stream names whose events carried no sealed field (a store of before,
    or a key never made) gets a key the first time an event seals something of theirs, and it reads back."""
    await store.append("group-g-1", "group", 0, [joined("g-1", "m-1", None)], META, result={})
    if isinstance(store, InMemoryEventStore):
        store.person_keys.pop("m-1")
    else:
        assert isinstance(store, PostgresEventStore)
        await store._pool.execute("DELETE FROM person_keys WHERE person_id = 'm-1'")  # as a store of before held it
    other = another_copy(store)
    feedback = GroupFeedbackRecorded(group_id="g-1", station_id="s", feedback_id="f-1", member_id="m-1",
                                     session_number=1, satisfaction=5, comment="小组让我不再孤单", pre_score=None,
                                     post_score=None, recorded_on=date(2026, 3, 9))

    await other.append("group-g-2", "group", 0, [joined("g-2", "m-1", "组员甲")], META, result={})
    await other.append_all([StreamAppend(stream_id="group-g-1", stream_type="group", expected_version=1,
                                         events=[feedback], persons=frozenset({"m-1"}))], META, result={})

    assert "m-1" in await keys_held(store)
    assert [e.payload for e in await another_copy(store).read_stream("group-g-2")] == [joined("g-2", "m-1", "组员甲")]
    assert [e.payload for e in await another_copy(store).read_stream("group-g-1")] == [
        joined("g-1", "m-1", None), feedback]
    if isinstance(store, PostgresEventStore):
        assert await store._pool.fetchval("SELECT count(*) FROM erased_persons") == 0


async def test_an_append_after_a_key_was_erased_elsewhere_is_sealed_with_a_key_that_opens_it(
        servers: Servers, namespace: str) -> None:
    """A process that knows a person's key must not seal with it once another process erased the person (and a
    new key was made): its one-statement append sees the key changed and writes in a transaction instead."""
    dsn = servers.postgres.dsn(f"{namespace}_store")
    await migrate(dsn, [EVENT_STORE_MIGRATIONS])
    async with asyncpg.create_pool(dsn, min_size=1, max_size=2) as pool:
        here, elsewhere = PostgresEventStore(pool, DATA_KEY), PostgresEventStore(pool, DATA_KEY)
        await here.append("case-c-1", "case", 0, [session(1)], META, result={})
        assert [e.payload for e in await here.read_stream("case-c-1")] == [session(1)]
        await pool.execute("DELETE FROM person_keys WHERE person_id = 'r-1'")  # as an erasure elsewhere does
        await elsewhere.append("case-c-2", "case", 0, [session(9)], META, result={})  # a new key for r-1

        await here.append("case-c-1", "case", 1, [session(2)], META, result={})

        after = await elsewhere.read_after("case-c-1", 1, frozenset({"r-1"}))  # the first is sealed with the old
        assert after is not None and [e.payload for e in after] == [session(2)]
        assert [e.payload for e in await PostgresEventStore(pool, DATA_KEY).read_stream("case-c-2")] == [session(9)]
