"""The event store on PostgreSQL (asyncpg)."""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime
from functools import cached_property
from typing import Any, Protocol
from uuid import UUID, uuid4

import asyncpg

from shared.china import utc_now
from shared.contracts import decode_event, encode_event, event_class
from shared.eventstore.protocol import (
    AppendResult,
    AppendsOneByMany,
    ConcurrencyConflict,
    EventMetadata,
    IdempotencyKeyReused,
    IdempotentCommand,
    PersonErased,
    PersonsErased,
    RecordedEvent,
    StreamAppend,
    ValueAlreadyRegistered,
)
from shared.eventstore.sealing import erased_person, opened_data, unique_claims
from shared.eventstore.sizing import EventSizeLimit
from shared.eventstore.snapshots import Snapshot, SnapshotSettings, StateCache, StateKind, Tail
from shared.kernel.search_terms import TermKey
from shared.personal import claim_of, joint_key, new_key, open_json, seal_fields, seal_json, unwrap, wrap

NOTIFY_CHANNEL = "hemiao_events"
log = logging.getLogger(__name__)

_SELECT = """
    SELECT global_position, stream_id, stream_type, version, event_id, type, schema_version,
           data, metadata, recorded_at
    FROM events
"""


_AFTER_WITH_KEYS = f"""
    WITH keys AS (SELECT array_agg(person_id) AS key_ids, array_agg(wrapped) AS wrapped_keys FROM person_keys
                  WHERE person_id = ANY($3::text[]))
    SELECT keys.key_ids, keys.wrapped_keys, after.*
    FROM keys LEFT JOIN LATERAL ({_SELECT} WHERE stream_id = $1 AND version > $2) AS after ON true
    ORDER BY after.version
"""
"""A cached state's check: its persons' keys (all there, or one was erased) and the events after its version."""

_APPEND_AT_ONCE = """
    WITH streams AS (SELECT s.stream_id, s.expected FROM unnest($1::text[], $2::int[]) AS s (stream_id, expected)),
    follows AS (
        SELECT coalesce(bool_and(
                   (s.expected = 0 OR EXISTS (SELECT 1 FROM events e
                                              WHERE e.stream_id = s.stream_id AND e.version = s.expected))
                   AND NOT EXISTS (SELECT 1 FROM events e
                                   WHERE e.stream_id = s.stream_id AND e.version = s.expected + 1)), true) AS ok
        FROM streams s),
    keys AS (
        SELECT count(*) FILTER (WHERE held.same) = cardinality($3::text[]) AS ok,
               coalesce(array_agg(held.person_id), '{}') AS present
        FROM (SELECT p.person_id, p.wrapped = u.wrapped AS same
              FROM person_keys p JOIN unnest($3::text[], $4::bytea[]) AS u (person_id, wrapped)
                ON p.person_id = u.person_id
              FOR KEY SHARE OF p) AS held),
    go AS (SELECT follows.ok AND keys.ok AS ok FROM follows, keys),
    written AS (
        INSERT INTO events (stream_id, stream_type, version, event_id, type, schema_version, data, metadata,
                            recorded_at)
        SELECT r.stream_id, r.stream_type, r.version, r.event_id, r.type, r.schema_version, r.data, $12::jsonb, $13
        FROM unnest($5::text[], $6::text[], $7::int[], $8::uuid[], $9::text[], $10::int[], $11::jsonb[])
               AS r (stream_id, stream_type, version, event_id, type, schema_version, data)
        WHERE (SELECT ok FROM go)
        RETURNING 1),
    remembered AS (
        INSERT INTO idempotency_keys (key, fingerprint, stream_id, version, event_ids, result)
        SELECT $14, $15, $16, $17, $8, $18::jsonb WHERE $14::text IS NOT NULL AND (SELECT ok FROM go)
        RETURNING 1)
    SELECT follows.ok AS follows, keys.ok AS keys, keys.present FROM follows, keys
"""
"""An append that needs no more than its rows (no unique claims, erasures or derived rows, every person's key
known): one statement, so one round trip and no transaction around it. It writes only if every stream is still at
the version the command was decided against (a concurrent writer of the next version meets the unique key) and the
key of every person checked ($3: those the events are sealed for and those the decided-from states name) is still
the one this process knows (FOR KEY SHARE: an erasure deleting it waits for the statement, or has won); `present`:
the persons checked whose keys are there at all (one checked and not present was erased).

It is sent as _APPEND_CALL: the same statement as the function of migration 0009, planned once per connection
(tests/unit/shared/test_append_function.py holds the two texts equal)."""

_APPEND_CALL = ("SELECT follows_ok AS follows, keys_ok AS keys, present_ids AS present FROM hemiao_append_at_once("
                + ", ".join(f"${n}" for n in range(1, 19)) + ")")


_AT_VERSION = """
    SELECT ($2 = 0 OR EXISTS (SELECT 1 FROM events WHERE stream_id = $1 AND version = $2))
           AND NOT EXISTS (SELECT 1 FROM events WHERE stream_id = $1 AND version = $2 + 1)
"""
"""Whether the stream is at this version (0: it has no events)."""

_INSERT_AFTER = f"""
    WITH written AS (
        INSERT INTO events (stream_id, stream_type, version, event_id, type, schema_version, data, metadata,
                            recorded_at)
        SELECT $1, $10, r.version, r.event_id, r.type, r.schema_version, r.data, $8::jsonb, $9
        FROM unnest($3::int[], $4::uuid[], $5::text[], $6::int[], $7::jsonb[])
               AS r (version, event_id, type, schema_version, data)
        WHERE ({_AT_VERSION.strip()})
        RETURNING 1)
    SELECT count(*) FROM written
"""
"""One stream's events after the version decided against, if it is still there; how many were written."""

_PERSON_LOCK = "SELECT pg_advisory_xact_lock(72, hashtext($1))"
"""Taken by an erasure and by the making of a key, each in its transaction, so that one waits for the other: a key
is never made for a person whose erasure is committing (its erased_persons row not yet seen)."""

_MAKE_KEY = """
    INSERT INTO person_keys (person_id, wrapped)
    SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM erased_persons WHERE person_id = $1)
    ON CONFLICT (person_id) DO NOTHING
    RETURNING wrapped
"""
"""A new key for a person not erased (migration 0008); nothing for one erased."""

_KEY_UNLESS_ERASED = """
    SELECT wrapped FROM person_keys
    WHERE person_id = $1 AND NOT EXISTS (SELECT 1 FROM erased_persons WHERE person_id = $1)
"""

_KEYS_OF_STATES = """
    WITH held AS (SELECT person_id, wrapped FROM person_keys WHERE person_id = ANY($1::text[]) FOR KEY SHARE)
    SELECT person_id, wrapped, false AS erased FROM held
    UNION ALL
    SELECT person_id, NULL, true FROM erased_persons WHERE person_id = ANY($1::text[])
"""
"""The keys of these persons, locked against their deletion, and which of them are erased."""


class KnownKeys:
    """Persons' keys this process has unwrapped, by the wrapped form they are stored in: unwrapping is the CPU of a
    read, and a known key lets an append seal without asking for it. A key is used only as stored now: a read
    compares the stored form, an append's statement checks it (an erased person's key is gone, a new one differs).

    It also knows persons erased: those the erased_persons table (migration 0008) names when an append asked, and
    those erased by this process once the erasure committed. No key is not erased: a person whose events carried no
    sealed field never had one, and gets one when an event first seals something of theirs. For a person known
    erased an append needs no check (no key is ever made for them again) and seals nothing (PersonErased)."""

    def __init__(self, entries: int = 50_000) -> None:
        self._entries = entries
        self._keys: OrderedDict[str, tuple[bytes, bytes] | None] = OrderedDict()

    def put(self, person_id: str, wrapped: bytes, data_key: bytes) -> bytes:
        known = self._keys.get(person_id)
        if known is not None and known[0] == wrapped:
            self._keys.move_to_end(person_id)
            return known[1]
        key = unwrap(data_key, person_id, wrapped)
        self._keys[person_id] = (wrapped, key)
        self._trim()
        return key

    def get(self, person_id: str) -> tuple[bytes, bytes] | None:
        """The person's key as stored and unwrapped, if known (None also for one known erased)."""
        return self._keys.get(person_id)

    def erased(self, person_id: str) -> bool:
        return person_id in self._keys and self._keys[person_id] is None

    def erase(self, persons: Iterable[str]) -> None:
        """Their keys were found gone, or deleted by an erasure that committed."""
        for person_id in persons:
            self._keys[person_id] = None
            self._keys.move_to_end(person_id)
        self._trim()

    def forget(self, persons: Iterable[str]) -> None:
        for person_id in persons:
            self._keys.pop(person_id, None)

    def _trim(self) -> None:
        while len(self._keys) > self._entries:
            self._keys.popitem(last=False)


class _NeedsTransaction(Exception):
    """The append cannot be one statement: the key of a person it seals for or its states name is not known."""


def _needs_transaction(payload: object) -> bool:
    """An event that writes more than its row: it claims unique values or erases a person."""
    registration = event_class(type(payload).__name__)
    return bool(registration.unique) or registration.erases is not None


async def _sealed(payload: object, key_for: Callable[[str], Awaitable[bytes | None]]) -> dict[str, Any]:
    """The payload as JSON-ready data, its personal fields sealed with its person's key (shared.eventstore.sealing's
    `sealed_data`, for a store that knows persons erased: `key_for` answers None for one, and then an event with a
    value in a personal field is refused, one with none (None or empty) is written as it is)."""
    registration = event_class(type(payload).__name__)
    data = encode_event(payload)
    person = registration.person_of(data)
    if not registration.personal or person is None:
        return data
    key = await key_for(person)
    if key is None:
        if any(data.get(field) for field in registration.personal):  # an empty one carries nothing of them
            raise PersonErased(registration.person or "", person)
        return data
    return seal_fields(data, registration.personal, person, key)


def record_from_row(row: asyncpg.Record, data: dict[str, Any]) -> RecordedEvent:
    return RecordedEvent(
        global_position=row["global_position"], stream_id=row["stream_id"],
        stream_type=row["stream_type"], version=row["version"], event_id=row["event_id"],
        type=row["type"], schema_version=row["schema_version"],
        payload=decode_event(row["type"], data, row["schema_version"]),
        data=data, metadata=json.loads(row["metadata"]), recorded_at=row["recorded_at"],
    )


class DerivedRows(Protocol):
    """Rows a service derives from its own events (a keyed search index), written in the transaction that appends
    them, from the events as decided (before sealing): they are never a moment behind, and a failed write rolls
    the whole command back. Derived, so rebuilt from the store when in doubt.

    `writes_for`: the event types (class names) it writes rows for. An append with none of them is not given to
    it, and may be one statement without a transaction; tests/unit/shared/test_derived_rows.py checks each
    declaration against an example of every event."""

    writes_for: frozenset[str]

    async def write(self, conn: asyncpg.Connection, append: StreamAppend) -> None: ...


class PostgresEventStore(AppendsOneByMany):
    """Streams in one `events` table; the unique (stream_id, version) is the concurrency check.

    With a data key it seals the personal fields of the events it writes and
    opens them when it reads (see shared.personal); without one it refuses to
    write personal data at all. With a size limit it refuses, before INSERT, an
    event too large for the relay to publish (see shared.eventstore.sizing).
    """

    def __init__(self, pool: asyncpg.Pool, data_key: bytes | None = None,
                 size_limit: EventSizeLimit | None = None, clock: Callable[[], datetime] = utc_now,
                 snapshots: SnapshotSettings | None = None) -> None:
        self._pool = pool
        self._data_key = data_key
        self._size_limit = size_limit
        self._clock = clock
        self._derived: dict[str, DerivedRows] = {}
        self._derived_types: frozenset[str] = frozenset()
        self.snapshot_settings = snapshots or SnapshotSettings.from_environment()
        self.states = StateCache(self.snapshot_settings.cached_states)
        """The states this process last loaded or decided (see shared.eventstore.snapshots)."""
        self._known_keys = KnownKeys()

    def keep(self, name: str, derived: DerivedRows) -> None:
        """Keep these derived rows with every append of the events it writes for, from now on (once per name)."""
        self._derived[name] = derived
        self._derived_types = frozenset().union(*(each.writes_for for each in self._derived.values()))

    def search_key(self, service: str) -> TermKey:
        """The key of the service's search digests (shared.kernel.search_terms), derived from its data key."""
        if self._data_key is None:
            raise RuntimeError("a search index needs the service's data key (HEMIAO_DATA_KEY)")
        return TermKey.for_service(self._data_key, service)

    async def read_stream(self, stream_id: str) -> list[RecordedEvent]:
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(_SELECT + " WHERE stream_id = $1 ORDER BY version", stream_id)
            keys: dict[str, bytes | None] = {}

            async def key_of(person_id: str) -> bytes | None:
                if person_id not in keys:
                    keys[person_id] = await self._key(conn, person_id)
                return keys[person_id]

            return [record_from_row(row, await opened_data(row["type"], json.loads(row["data"]), key_of))
                    for row in rows]

    async def read_after(self, stream_id: str, version: int, persons: frozenset[str]) -> list[RecordedEvent] | None:
        if persons and self._data_key is None:
            return None
        if not persons:
            async with self._pool.acquire() as conn:
                rows = await conn.fetch(_SELECT + " WHERE stream_id = $1 AND version > $2 ORDER BY version",
                                        stream_id, version)
                return await self._opened(conn, rows, {})
        async with self._pool.acquire() as conn:
            # The persons' keys and the events since, in one round trip: a cached state's whole check.
            rows = await conn.fetch(_AFTER_WITH_KEYS, stream_id, version, list(persons))
            keys = self._unwrapped(rows[0]["key_ids"] or [], rows[0]["wrapped_keys"] or [])
            if len(keys) != len(persons):  # erased since, or never keyed: the caller folds the stream anew
                return None
            return await self._opened(conn, [row for row in rows if row["event_id"] is not None], dict(keys))

    async def read_from_snapshot(self, stream_id: str, kind: StateKind | None) -> Tail:
        snapshot: Snapshot | None = None
        if kind is not None:
            async with self._pool.acquire() as conn:
                row = await conn.fetchrow(
                    "SELECT stream_version, persons, state FROM snapshots WHERE stream_id = $1 AND decider = $2"
                    " AND decider_version = $3 AND fingerprint = $4", stream_id, kind.decider, kind.version,
                    kind.fingerprint)
                keys = None if row is None else await self._keys(conn, frozenset(row["persons"]))
                if row is not None and keys is not None:
                    snapshot = _opened_snapshot(stream_id, row, keys)
                if snapshot is not None:
                    rows = await conn.fetch(_SELECT + " WHERE stream_id = $1 AND version > $2 ORDER BY version",
                                            stream_id, snapshot.version)
                    return Tail(snapshot=snapshot, events=await self._opened(conn, rows, dict(keys or {})))
        # Without a snapshot, the stream as any command reads it (a test's store may watch read_stream).
        return Tail(snapshot=None, events=await self.read_stream(stream_id))

    async def save_snapshot(self, stream_id: str, kind: StateKind, snapshot: Snapshot) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            # FOR SHARE: an erasure deleting one of these keys waits for this snapshot, then deletes it too.
            keys = await self._keys(conn, snapshot.persons, lock=True)
            if keys is None:
                return  # a person is erased: their stream keeps no snapshot
            state = (seal_json(joint_key(keys), snapshot.state, f"snapshot:{stream_id}:{snapshot.version}")
                     if keys else snapshot.state)
            await conn.execute(
                "INSERT INTO snapshots (stream_id, decider, decider_version, fingerprint, stream_version, persons,"
                " state, taken_at) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)"
                " ON CONFLICT (stream_id) DO UPDATE SET decider = EXCLUDED.decider,"
                " decider_version = EXCLUDED.decider_version, fingerprint = EXCLUDED.fingerprint,"
                " stream_version = EXCLUDED.stream_version, persons = EXCLUDED.persons, state = EXCLUDED.state,"
                " taken_at = EXCLUDED.taken_at"
                " WHERE snapshots.stream_version < EXCLUDED.stream_version OR snapshots.decider <> EXCLUDED.decider"
                " OR snapshots.decider_version <> EXCLUDED.decider_version"
                " OR snapshots.fingerprint <> EXCLUDED.fingerprint",
                stream_id, kind.decider, kind.version, kind.fingerprint, snapshot.version, sorted(snapshot.persons),
                json.dumps(state, ensure_ascii=False), self._clock())

    async def _keys(self, conn: asyncpg.Connection, persons: frozenset[str], *,
                    lock: bool = False) -> dict[str, bytes] | None:
        """The persons' keys, or None if one of them is gone."""
        if not persons:
            return {}
        if self._data_key is None:
            return None
        rows = await conn.fetch("SELECT person_id, wrapped FROM person_keys WHERE person_id = ANY($1::text[])"
                                + (" FOR SHARE" if lock else ""), list(persons))
        if len(rows) != len(persons):  # erased, or never keyed
            return None
        return self._unwrapped([row["person_id"] for row in rows], [row["wrapped"] for row in rows])

    def _unwrapped(self, person_ids: Sequence[str], wrapped: Sequence[bytes]) -> dict[str, bytes]:
        """The persons' keys, unwrapped (or as this process unwrapped them before, if stored the same)."""
        assert self._data_key is not None
        return {person_id: self._known_keys.put(person_id, bytes(each), self._data_key)
                for person_id, each in zip(person_ids, wrapped, strict=True)}

    async def _opened(self, conn: asyncpg.Connection, rows: Sequence[asyncpg.Record],
                      keys: dict[str, bytes | None]) -> list[RecordedEvent]:
        async def key_of(person_id: str) -> bytes | None:
            if person_id not in keys:
                keys[person_id] = await self._key(conn, person_id)
            return keys[person_id]

        return [record_from_row(row, await opened_data(row["type"], json.loads(row["data"]), key_of))
                for row in rows]

    async def stream_ids(self, stream_type: str) -> list[str]:
        rows = await self._pool.fetch("SELECT stream_id FROM events WHERE stream_type = $1 AND version = 1"
                                      " ORDER BY global_position", stream_type)
        return [row["stream_id"] for row in rows]

    async def _key(self, conn: asyncpg.Connection, person_id: str, *,
                   made: dict[str, bytes] | None = None) -> bytes | None:
        """The person's key; with `made` (in an append's transaction), made if they have none and are not erased,
        and noted there, not yet known: it is known once the transaction commits (one rolled back made none)."""
        if self._data_key is None:
            raise RuntimeError("personal data needs the service's data key (HEMIAO_DATA_KEY)")
        if made and person_id in made:
            return unwrap(self._data_key, person_id, made[person_id])
        wrapped = await conn.fetchval("SELECT wrapped FROM person_keys WHERE person_id = $1", person_id)
        if wrapped is None and made is not None:
            await conn.execute(_PERSON_LOCK, person_id)
            new = await conn.fetchval(_MAKE_KEY, person_id, wrap(self._data_key, person_id, new_key()))
            if new is not None:
                made[person_id] = bytes(new)
                return unwrap(self._data_key, person_id, bytes(new))
            wrapped = await conn.fetchval(_KEY_UNLESS_ERASED, person_id)
            if wrapped is None:  # erased (migration 0008): no key is made for them again
                self._erased([person_id])
        if wrapped is None:  # erased, or (a read) never keyed
            return None
        return self._known_keys.put(person_id, bytes(wrapped), self._data_key)

    async def claimants(self, field: str, values: Sequence[str]) -> dict[str, str]:
        of_claim = {self._claim(field, value): value for value in values}
        rows = await self._pool.fetch("SELECT claim, owner FROM unique_claims WHERE claim = ANY($1::text[])",
                                      list(of_claim))
        return {of_claim[row["claim"]]: row["owner"] for row in rows}

    async def read_streams(self, stream_ids: Sequence[str]) -> dict[str, list[RecordedEvent]]:
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(_SELECT + " WHERE stream_id = ANY($1::text[]) ORDER BY stream_id, version",
                                    list(stream_ids))
            keys: dict[str, bytes | None] = {}

            async def key_of(person_id: str) -> bytes | None:
                if person_id not in keys:
                    keys[person_id] = await self._key(conn, person_id)
                return keys[person_id]

            found: dict[str, list[RecordedEvent]] = {stream_id: [] for stream_id in stream_ids}
            for row in rows:
                found[row["stream_id"]].append(
                    record_from_row(row, await opened_data(row["type"], json.loads(row["data"]), key_of)))
            return found

    def keyed_digest(self, field: str, value: str) -> str:
        return self._claim(field, value)

    def _claim(self, field: str, value: str) -> str:
        if self._data_key is None:
            raise RuntimeError("unique personal values need the service's data key (HEMIAO_DATA_KEY)")
        return claim_of(self._data_key, field, value)

    @staticmethod
    async def _claim_value(conn: asyncpg.Connection, claim: str, owner: str, field: str) -> None:
        holder = await conn.fetchval(
            "INSERT INTO unique_claims (claim, owner, field) VALUES ($1, $2, $3) ON CONFLICT (claim) DO NOTHING"
            " RETURNING owner", claim, owner, field)
        if holder is None:
            holder = await conn.fetchval("SELECT owner FROM unique_claims WHERE claim = $1", claim)
            if holder != owner:
                raise ValueAlreadyRegistered(field, holder)
        # A person holds one value of a field: a new one (a corrected ID number) frees the old.
        await conn.execute("DELETE FROM unique_claims WHERE owner = $1 AND field = $2 AND claim <> $3",
                           owner, field, claim)

    async def _key_for(self, conn: asyncpg.Connection, person_id: str, made: dict[str, bytes]) -> bytes | None:
        """The person's key, made if they have none (noted in `made`); None if they are erased (nothing is sealed
        for them)."""
        return await self._key(conn, person_id, made=made)

    async def append_all(self, appends: Sequence[StreamAppend], metadata: EventMetadata, *, result: dict[str, Any],
                         idempotency: IdempotentCommand | None = None) -> AppendResult:
        """Appended as one statement where it can be (_APPEND_AT_ONCE), else in a transaction; either checks the
        streams' versions and the keys of the persons the decided-from states name (StreamAppend.persons).

        The erasure path, step by step. A command may be decided from a state this process cached without reading
        the store (shared.application), so the state may hold in clear the data of a person another process has
        erased since. Its append names the state's persons, and:
        - one statement: each person's key this process knows is checked as it knows it, under FOR KEY SHARE (an
          erasure deleting it waits for the statement, or has committed and the key is not found); a person known
          erased needs no check (no key is made for them again) and is sealed nothing; a person whose key is not
          known (erased, or never keyed) sends the append to the transaction. A key not found: nothing is written,
          the erased_persons table says whether they were erased (then known so), every state naming them is
          forgotten, and if a decided-from state names them PersonsErased sends the command to be decided again
          from the store, where their sealed fields read as None (a key only sealed with, not named by the states,
          sends the append to the transaction).
        - in a transaction: the keys of all the states' persons are read FOR KEY SHARE first, with their rows in
          erased_persons; one erased that this process did not know erased is as above (rolled back,
          PersonsErased). One known erased is sealed nothing. A person with no key and no erasure (their events
          carried no sealed field) gets a key as any new person does, unless an erasure of them commits first:
          making a key and erasing take the same per-person lock, and a key is made only while erased_persons
          has no row for them (migration 0008, which records the erasures written before it from their events).
        An event with a value in a personal field of an erased person is refused (PersonErased), without writing.
        """
        last = appends[-1]
        version = last.expected_version + len(last.events)
        try:
            event_ids = await self._append_at_once(appends, metadata, result, idempotency)
            if event_ids is None:
                event_ids = await self._append_in_transaction(appends, metadata, result, idempotency)
            self._erased(filter(None, (erased_person(e) for a in appends for e in a.events)))
        except asyncpg.UniqueViolationError as error:
            if error.constraint_name == "idempotency_keys_pkey" and idempotency is not None:
                replay = await self.idempotent_result(idempotency)
                if replay is not None:
                    return replay
            # The (stream_id, version) key: another command appended the same version first.
            raise ConcurrencyConflict(last.stream_id, last.expected_version) from error
        return AppendResult(stream_id=last.stream_id, version=version, event_ids=tuple(event_ids), result=result)

    async def _append_at_once(self, appends: Sequence[StreamAppend], metadata: EventMetadata, result: dict[str, Any],
                              idempotency: IdempotentCommand | None) -> list[UUID] | None:
        """The append as one statement (_APPEND_AT_ONCE), when nothing but its rows is written; None when it needs
        the transaction (claims, erasures, derived rows, a key not known)."""
        events = [payload for each in appends for payload in each.events]
        if (not events or any(_needs_transaction(payload) for payload in events) or self._holds_commits
                or any(type(payload).__name__ in self._derived_types for payload in events)):
            return None
        checked: dict[str, bytes] = {}

        def known(person_id: str) -> bytes | None:
            """The person's key as this process knows it (to be checked), None if known erased."""
            key = self._known_keys.get(person_id)
            if key is not None:
                checked[person_id] = key[0]
                return key[1]
            if self._known_keys.erased(person_id):
                return None
            raise _NeedsTransaction(person_id)

        async def known_key(person_id: str) -> bytes | None:
            return known(person_id)

        try:
            for each in appends:
                for person_id in each.persons:
                    known(person_id)
            rows = await self._rows(appends, metadata, known_key)
        except _NeedsTransaction:
            return None
        columns = list(zip(*rows, strict=True))
        last = appends[-1]
        async with self._pool.acquire() as conn:
            written = await conn.fetchrow(
                _APPEND_CALL, [a.stream_id for a in appends], [a.expected_version for a in appends],
                list(checked), list(checked.values()), *map(list, columns[:7]),
                json.dumps(metadata.as_dict(), ensure_ascii=False), self._clock(),
                None if idempotency is None else idempotency.key,
                None if idempotency is None else idempotency.fingerprint, last.stream_id,
                last.expected_version + len(last.events), json.dumps(result, ensure_ascii=False))
            assert written is not None
            erased: frozenset[str] = frozenset()
            gone = frozenset(checked) - set(written["present"])
            if not written["keys"] and gone:  # nothing written: a key deleted since this process knew it
                erased = frozenset(await conn.fetchval(
                    "SELECT coalesce(array_agg(person_id), '{}') FROM erased_persons"
                    " WHERE person_id = ANY($1::text[])", list(gone)))
        if not written["keys"]:  # a key deleted (by an erasure, whose row has committed with it) or replaced
            self._erased(erased)
            changed = frozenset(checked) - erased
            self.states.forget(changed)
            self._known_keys.forget(changed)
            named = frozenset[str]().union(*(each.persons for each in appends))
            if named & checked.keys():  # a state it was decided from may hold their data: decide again
                raise PersonsErased(last.stream_id, last.expected_version, frozenset(named & checked.keys()))
            return None  # only keys it seals with: the transaction reads them as they are now
        if not written["follows"]:
            raise ConcurrencyConflict(last.stream_id, last.expected_version)
        return list(columns[3])

    async def _append_in_transaction(self, appends: Sequence[StreamAppend], metadata: EventMetadata,
                                     result: dict[str, Any], idempotency: IdempotentCommand | None) -> list[UUID]:
        last = appends[-1]
        event_ids: list[UUID] = []
        made: dict[str, bytes] = {}
        async with self._pool.acquire() as conn, conn.transaction():
            keys = await self._keys_of_states(conn, appends)
            for each in appends:
                event_ids += await self._write(conn, each, metadata, keys, made)
            if idempotency is not None:
                await conn.execute(
                    "INSERT INTO idempotency_keys (key, fingerprint, stream_id, version, event_ids, result)"
                    " VALUES ($1, $2, $3, $4, $5, $6::jsonb)",
                    idempotency.key, idempotency.fingerprint, last.stream_id, last.expected_version + len(last.events),
                    event_ids, json.dumps(result, ensure_ascii=False))
            # The relay is woken by the events table's trigger (migration 0007), once per statement.
            await self._before_commit()
        for person_id, wrapped in made.items():  # committed: known from now on (made only with a data key)
            assert self._data_key is not None
            self._known_keys.put(person_id, wrapped, self._data_key)
        return event_ids

    async def _keys_of_states(self, conn: asyncpg.Connection,
                              appends: Sequence[StreamAppend]) -> dict[str, bytes | None]:
        """The keys of the persons the decided-from states name, FOR KEY SHARE (an erasure waits for this
        transaction); None for one erased before this process folded the state. One erased that it did not know
        erased: its states naming them are forgotten, and PersonsErased (the caller's transaction rolls back)."""
        persons = frozenset[str]().union(*(each.persons for each in appends))
        if not persons or self._data_key is None:
            return {}
        rows = await conn.fetch(_KEYS_OF_STATES, list(persons))
        erased = frozenset(row["person_id"] for row in rows if row["erased"])
        held = [row for row in rows if not row["erased"] and row["person_id"] not in erased]
        keys: dict[str, bytes | None] = dict(self._unwrapped([row["person_id"] for row in held],
                                                             [row["wrapped"] for row in held]))
        unnoticed = frozenset(p for p in erased if not self._known_keys.erased(p))
        if unnoticed:
            self._erased(unnoticed)  # erased by a transaction that committed
            last = appends[-1]
            raise PersonsErased(last.stream_id, last.expected_version, unnoticed)
        # A person with neither a key nor a row in erased_persons never had a key: `_write` makes one if it seals.
        return {**keys, **dict.fromkeys(erased)}

    async def _rows(self, appends: Sequence[StreamAppend], metadata: EventMetadata,
                    key_for: Callable[[str], Awaitable[bytes | None]]) -> list[tuple[Any, ...]]:
        """The events' rows (stream, type, version, id, type name, schema version, sealed data), each checked
        against the size limit. `key_for`: a person's key, None if they were erased."""
        rows = []
        for append in appends:
            for offset, payload in enumerate(append.events, start=1):
                registration = event_class(type(payload).__name__)
                data = json.dumps(await _sealed(payload, key_for), ensure_ascii=False)
                if self._size_limit is not None:  # raising here rolls back the whole command: keys, claims, all
                    self._size_limit.check(data, stream_id=append.stream_id, stream_type=append.stream_type,
                                           type_name=registration.type_name, metadata=metadata)
                rows.append((append.stream_id, append.stream_type, append.expected_version + offset, uuid4(),
                             registration.type_name, registration.schema_version, data))
        return rows

    async def _write(self, conn: asyncpg.Connection, append: StreamAppend, metadata: EventMetadata,
                     keys: dict[str, bytes | None], made: dict[str, bytes]) -> list[UUID]:
        """One stream's events, its unique claims and erasures, inside the caller's transaction. `keys`: those of
        the persons the decided-from states name (None: erased); any other person not known erased is asked for
        their key, made if they have none and are not erased (`_key`)."""
        stream_id, expected_version = append.stream_id, append.expected_version

        async def key_for(person_id: str) -> bytes | None:
            if person_id in keys:
                return keys[person_id]
            if self._known_keys.erased(person_id):
                return None
            return await self._key_for(conn, person_id, made)

        # The stream must be at the version decided against: past it, the (stream_id, version) key refuses the
        # first row; short of it (never read so), the statement writes nothing. With no events, the check alone.
        rows = await self._rows([append], metadata, key_for)
        if rows:
            columns = [list(column) for column in zip(*rows, strict=True)]
            written = await conn.fetchval(_INSERT_AFTER, stream_id, expected_version, *columns[2:7],
                                          json.dumps(metadata.as_dict(), ensure_ascii=False), self._clock(),
                                          append.stream_type)
        else:
            written = await conn.fetchval(_AT_VERSION, stream_id, expected_version)
        if not written:
            raise ConcurrencyConflict(stream_id, expected_version)
        for payload in append.events:
            for claim, owner, field in unique_claims(payload, self._claim):
                await self._claim_value(conn, claim, owner, field)
        for person_id in filter(None, map(erased_person, append.events)):
            await conn.execute(_PERSON_LOCK, person_id)  # a key being made for them is made first, then deleted
            await conn.execute("INSERT INTO erased_persons (person_id, erased_at) VALUES ($1, $2)"
                               " ON CONFLICT (person_id) DO NOTHING", person_id, self._clock())
            await conn.execute("DELETE FROM person_keys WHERE person_id = $1", person_id)
            await conn.execute("DELETE FROM unique_claims WHERE owner = $1", person_id)
            await conn.execute("DELETE FROM snapshots WHERE persons @> ARRAY[$1::text]", person_id)
            # Forgotten now (a load may cache it meanwhile), known erased once committed (append_all).
            self.states.forget([person_id])
            self._known_keys.forget([person_id])
        for derived in self._derived.values():
            if any(type(payload).__name__ in derived.writes_for for payload in append.events):
                await derived.write(conn, append)
        return [row[3] for row in rows]

    def _erased(self, persons: Iterable[str]) -> None:
        """Erased persons (their keys gone, in a committed state): no state naming them stays cached, and their
        keys are known gone."""
        persons = list(persons)
        self.states.forget(persons)
        self._known_keys.erase(persons)

    async def _before_commit(self) -> None:
        """A seam for fault tests: hold a transaction open, or fail it, after its rows are written. A store that
        overrides it writes every append in a transaction (the one-statement append has none to hold)."""

    @cached_property
    def _holds_commits(self) -> bool:
        return type(self)._before_commit is not PostgresEventStore._before_commit

    async def idempotent_result(self, idempotency: IdempotentCommand) -> AppendResult | None:
        row = await self._pool.fetchrow(
            "SELECT fingerprint, stream_id, version, event_ids, result FROM idempotency_keys WHERE key = $1",
            idempotency.key)
        if row is None:
            return None
        if row["fingerprint"] != idempotency.fingerprint:
            raise IdempotencyKeyReused()
        return AppendResult(stream_id=row["stream_id"], version=row["version"],
                            event_ids=tuple(UUID(str(i)) for i in row["event_ids"]),
                            result=json.loads(row["result"]), replayed=True)


def _opened_snapshot(stream_id: str, row: asyncpg.Record, keys: dict[str, bytes]) -> Snapshot | None:
    """The snapshot's state, opened; None if it cannot be (sealed with keys since replaced): it is ignored."""
    state = json.loads(row["state"])
    if keys:
        try:
            state = open_json(joint_key(keys), state, f"snapshot:{stream_id}:{row['stream_version']}")
        except Exception:  # unreadable is ignored: the stream is folded from its events
            log.warning("snapshot of %s unreadable; folding its events", stream_id)
            return None
    return Snapshot(version=row["stream_version"], state=state, persons=frozenset(row["persons"]))
