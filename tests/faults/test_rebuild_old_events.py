"""An old database rebuilds: RecipientRegistered events written at schema version 1 (categories as names, and
the ones stored as v1 after the shape changed, already memberships) are upcast by the write side's fold, by the
live consumers and by a rebuild, which then equals the read models built live. Nothing stored is rewritten."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest

from services.reporting.projections import projections
from shared.contracts.cases import CategoryMembership, CategorySource, RecipientCategory
from shared.devstack.demo import load_demo, station_id
from shared.eventstore import EventMetadata
from shared.eventstore.postgres import PostgresEventStore
from tests.faults.test_rebuild import snapshot, start_rebuild
from tests.support import DATA_KEY, SYSTEM_ACTOR, System, token_for, worker

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

OLD_SHAPE = ["elderly_living_alone", "subsistence_allowance"]
NEW_SHAPE_AT_V1 = [{"category": "disabled", "valid_from": "2025-03-01", "source": "visit"}]


async def insert_v1_registration(system: System, station: str, n: int, categories: list[object]) -> str:
    """A registration as the cases service of before version 2 stored it (no personal data, so nothing sealed);
    the relay publishes it as it publishes every row, with hemiao-schema-version 1."""
    recipient_id = str(uuid.uuid4())
    data = {"recipient_id": recipient_id, "station_id": station, "name": None, "gender": "female",
            "birth_year": 1940 + n, "community": "一力社区", "categories": categories,
            "id_number": None, "phone": None, "address": None, "consent": None}
    metadata = EventMetadata(actor={"subject": f"worker-{n}"}, correlation_id=f"old-{n}").as_dict()
    await system.cases.pool.execute(
        "INSERT INTO events (stream_id, stream_type, version, event_id, type, schema_version, data, metadata)"
        " VALUES ($1, 'recipient', 1, $2, 'RecipientRegistered', 1, $3::jsonb, $4::jsonb)",
        f"recipient-{recipient_id}", uuid.uuid4(), json.dumps(data, ensure_ascii=False), json.dumps(metadata))
    return recipient_id


async def test_a_rebuild_of_a_store_holding_v1_recipient_registrations_equals_the_live_read_models(
        system: System) -> None:
    await load_demo(system.client, token_for(SYSTEM_ACTOR))
    station = station_id("WY")
    old = [await insert_v1_registration(system, station, n, list(OLD_SHAPE)) for n in range(5)]
    between = await insert_v1_registration(system, station, 9, list(NEW_SHAPE_AT_V1))
    stored_before = await system.cases.pool.fetch("SELECT event_id, schema_version, data FROM events"
                                                  " WHERE type = 'RecipientRegistered' ORDER BY global_position")

    # The write side's fold reads them in today's shape, and a case can be opened for an old recipient.
    store = PostgresEventStore(system.cases.pool, DATA_KEY)
    (first,) = await store.read_stream(f"recipient-{old[0]}")
    assert first.schema_version == 1 and first.data["categories"] == OLD_SHAPE  # as stored
    assert first.payload.categories == tuple(CategoryMembership(
        category=RecipientCategory(c), valid_from=date(1940, 1, 1), source=CategorySource.SELF_REPORTED)
        for c in OLD_SHAPE)
    (middle,) = await store.read_stream(f"recipient-{between}")
    assert middle.payload.categories == (CategoryMembership(
        category=RecipientCategory.DISABLED, valid_from=date(2025, 3, 1), source=CategorySource.VISIT),)
    opened = await system.call("cases", "open_case", {
        "recipient_id": old[0], "worker_id": "worker-WY", "intake_source": "outreach",
        "presenting_problem": "独居，需要定期探访", "opened_on": "2026-08-03"}, worker(station, subject="worker-WY"))
    for s in range(3):
        await system.call("cases", "record_case_session", {
            "case_id": opened["case_id"], "held_on": f"2026-08-{4 + s:02d}", "mode": "home_visit",
            "duration_minutes": 30}, worker(station, subject="worker-WY"))

    # The live consumers read the published v1 messages in today's shape.
    await system.read_models_have_everything(timeout=60)
    pool = system.reporting.pool
    categories = {r["recipient_id"]: sorted(r["categories"]) for r in await pool.fetch(
        "SELECT recipient_id, categories FROM recipients WHERE recipient_id = ANY($1::text[])", [*old, between])}
    assert categories == {**{r: sorted(OLD_SHAPE) for r in old}, between: ["disabled"]}
    assert not await pool.fetchval("SELECT count(*) FROM parked_events")
    live = await snapshot(pool)

    outcome = await start_rebuild(system)[0]
    assert outcome.projections == tuple(p.name for p in projections())
    assert outcome.events >= len(stored_before) + 4
    rebuilt = await snapshot(pool)
    assert sum(map(len, rebuilt.values())) > 0
    assert rebuilt == live
    stored_after = await system.cases.pool.fetch("SELECT event_id, schema_version, data FROM events"
                                                 " WHERE type = 'RecipientRegistered' ORDER BY global_position")
    assert [tuple(r) for r in stored_after[: len(stored_before)]] == [tuple(r) for r in stored_before]
