"""The event store on PostgreSQL (asyncpg)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID, uuid4

import asyncpg

from shared.china import utc_now
from shared.contracts import decode_event, event_class
from shared.eventstore.protocol import (
    AppendResult,
    AppendsOneByMany,
    ConcurrencyConflict,
    EventMetadata,
    IdempotencyKeyReused,
    IdempotentCommand,
    RecordedEvent,
    StreamAppend,
    ValueAlreadyRegistered,
)
from shared.eventstore.sealing import erased_person, opened_data, sealed_data, unique_claims
from shared.eventstore.sizing import EventSizeLimit
from shared.eventstore.snapshots import Snapshot, SnapshotSettings, StateCache, StateKind, Tail
from shared.kernel.search_terms import TermKey
from shared.personal import claim_of, joint_key, new_key, open_json, seal_json, unwrap, wrap

NOTIFY_CHANNEL = "hemiao_events"
log = logging.getLogger(__name__)

_SELECT = """
    SELECT global_position, stream_id, stream_type, version, event_id, type, schema_version,
           data, metadata, recorded_at
    FROM events
"""


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
    the whole command back. Derived, so rebuilt from the store when in doubt."""

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
        self.snapshot_settings = snapshots or SnapshotSettings.from_environment()
        self.states = StateCache(self.snapshot_settings.cached_states)
        """The states this process last loaded or decided (see shared.eventstore.snapshots)."""

    def keep(self, name: str, derived: DerivedRows) -> None:
        """Keep these derived rows with every append from now on (once per name)."""
        self._derived[name] = derived

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
                    keys[person_id] = await self._key(conn, person_id, create=False)
                return keys[person_id]

            return [record_from_row(row, await opened_data(row["type"], json.loads(row["data"]), key_of))
                    for row in rows]

    async def read_after(self, stream_id: str, version: int, persons: frozenset[str]) -> list[RecordedEvent] | None:
        async with self._pool.acquire() as conn:
            keys = await self._keys(conn, persons)
            if keys is None:
                return None
            rows = await conn.fetch(_SELECT + " WHERE stream_id = $1 AND version > $2 ORDER BY version",
                                    stream_id, version)
            return await self._opened(conn, rows, dict(keys))

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
        if len(rows) != len(persons):
            return None
        return {row["person_id"]: unwrap(self._data_key, row["person_id"], bytes(row["wrapped"])) for row in rows}

    async def _opened(self, conn: asyncpg.Connection, rows: Sequence[asyncpg.Record],
                      keys: dict[str, bytes | None]) -> list[RecordedEvent]:
        async def key_of(person_id: str) -> bytes | None:
            if person_id not in keys:
                keys[person_id] = await self._key(conn, person_id, create=False)
            return keys[person_id]

        return [record_from_row(row, await opened_data(row["type"], json.loads(row["data"]), key_of))
                for row in rows]

    async def stream_ids(self, stream_type: str) -> list[str]:
        rows = await self._pool.fetch("SELECT stream_id FROM events WHERE stream_type = $1 AND version = 1"
                                      " ORDER BY global_position", stream_type)
        return [row["stream_id"] for row in rows]

    async def _key(self, conn: asyncpg.Connection, person_id: str, *, create: bool) -> bytes | None:
        if self._data_key is None:
            raise RuntimeError("personal data needs the service's data key (HEMIAO_DATA_KEY)")
        wrapped = await conn.fetchval("SELECT wrapped FROM person_keys WHERE person_id = $1", person_id)
        if wrapped is None and create:
            await conn.execute("INSERT INTO person_keys (person_id, wrapped) VALUES ($1, $2)"
                               " ON CONFLICT (person_id) DO NOTHING",
                               person_id, wrap(self._data_key, person_id, new_key()))
            wrapped = await conn.fetchval("SELECT wrapped FROM person_keys WHERE person_id = $1", person_id)
        return None if wrapped is None else unwrap(self._data_key, person_id, bytes(wrapped))

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
                    keys[person_id] = await self._key(conn, person_id, create=False)
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

    async def _key_for(self, conn: asyncpg.Connection, person_id: str) -> bytes:
        key = await self._key(conn, person_id, create=True)
        assert key is not None
        return key

    async def append_all(self, appends: Sequence[StreamAppend], metadata: EventMetadata, *, result: dict[str, Any],
                         idempotency: IdempotentCommand | None = None) -> AppendResult:
        last = appends[-1]
        event_ids: list[UUID] = []
        try:
            async with self._pool.acquire() as conn, conn.transaction():
                for each in appends:
                    event_ids += await self._write(conn, each, metadata)
                version = last.expected_version + len(last.events)
                if idempotency is not None:
                    await conn.execute(
                        "INSERT INTO idempotency_keys (key, fingerprint, stream_id, version, event_ids, result)"
                        " VALUES ($1, $2, $3, $4, $5, $6::jsonb)",
                        idempotency.key, idempotency.fingerprint, last.stream_id, version, event_ids,
                        json.dumps(result, ensure_ascii=False))
                for stream_type in dict.fromkeys(a.stream_type for a in appends if a.events):
                    await conn.execute("SELECT pg_notify($1, $2)", NOTIFY_CHANNEL, stream_type)
                await self._before_commit()
            self.states.forget(filter(None, (erased_person(e) for a in appends for e in a.events)))
        except asyncpg.UniqueViolationError as error:
            if error.constraint_name == "idempotency_keys_pkey" and idempotency is not None:
                replay = await self.idempotent_result(idempotency)
                if replay is not None:
                    return replay
            raise ConcurrencyConflict(last.stream_id, last.expected_version) from error
        return AppendResult(stream_id=last.stream_id, version=version, event_ids=tuple(event_ids), result=result)

    async def _write(self, conn: asyncpg.Connection, append: StreamAppend, metadata: EventMetadata) -> list[UUID]:
        """One stream's events, its unique claims and erasures, inside the caller's transaction."""
        stream_id, expected_version = append.stream_id, append.expected_version
        current = await conn.fetchval("SELECT coalesce(max(version), 0) FROM events WHERE stream_id = $1", stream_id)
        if current != expected_version:
            raise ConcurrencyConflict(stream_id, expected_version)
        event_ids = [uuid4() for _ in append.events]
        recorded_at = self._clock()
        rows = []
        for offset, (event_id, payload) in enumerate(zip(event_ids, append.events, strict=True), start=1):
            registration = event_class(type(payload).__name__)
            data = json.dumps(await sealed_data(payload, lambda person: self._key_for(conn, person)),
                              ensure_ascii=False)
            if self._size_limit is not None:  # raising here rolls back the whole command: keys, claims, all
                self._size_limit.check(data, stream_id=stream_id, stream_type=append.stream_type,
                                       type_name=registration.type_name, metadata=metadata)
            rows.append((stream_id, append.stream_type, expected_version + offset, event_id, registration.type_name,
                         registration.schema_version, data, json.dumps(metadata.as_dict(), ensure_ascii=False),
                         recorded_at))
        await conn.executemany(
            "INSERT INTO events (stream_id, stream_type, version, event_id, type, schema_version,"
            " data, metadata, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9)", rows)
        for payload in append.events:
            for claim, owner, field in unique_claims(payload, self._claim):
                await self._claim_value(conn, claim, owner, field)
        for person_id in filter(None, map(erased_person, append.events)):
            await conn.execute("DELETE FROM person_keys WHERE person_id = $1", person_id)
            await conn.execute("DELETE FROM unique_claims WHERE owner = $1", person_id)
            await conn.execute("DELETE FROM snapshots WHERE persons @> ARRAY[$1::text]", person_id)
            self.states.forget([person_id])  # now, and again after the commit (a load may cache it meanwhile)
        for derived in self._derived.values():
            await derived.write(conn, append)
        return event_ids

    async def _before_commit(self) -> None:
        """A seam for fault tests: hold a transaction open, or fail it, after its rows are written."""

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
