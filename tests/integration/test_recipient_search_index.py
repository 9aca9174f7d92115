"""The keyed search index of recipients is kept in the transaction of every append that changes a name, an ID
number or a phone (a merged duplicate and an erased person leave it), holds only digests, and rebuilds from the
store to exactly what was kept live."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import asyncpg
import pytest

from services.cases.application import search
from services.cases.application.handlers import NoStations, routes
from services.cases.domain.commands import MergeRecipients, UpdateRecipient
from services.cases.entrypoints.commands import reindex
from services.cases.entrypoints.service import MIGRATIONS
from shared.application import Unit
from shared.eventstore import ValueAlreadyRegistered
from shared.eventstore.postgres import PostgresEventStore
from shared.id_number import check_character
from shared.migrations import EVENT_STORE_MIGRATIONS, migrate
from shared.runtime import RequestContext
from tests.support import DATA_KEY, Servers, settings_for
from tests.unit.cases.given import HEAD, OTHER_STATION, STATION, TODAY, WORKER, erase, open_case, register

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

BASE = "43010319680101123"
ID_NUMBER = BASE + check_character(BASE)
CONSENT = {"consent_given_on": TODAY - timedelta(days=30), "consent_purpose": "建立个案档案"}


@pytest.fixture
async def cases(servers: Servers, namespace: str) -> AsyncIterator[tuple[asyncpg.Pool, PostgresEventStore]]:
    dsn = servers.postgres.dsn(f"{namespace}_cases")
    await migrate(dsn, [EVENT_STORE_MIGRATIONS, MIGRATIONS])
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=4)
    try:
        yield pool, PostgresEventStore(pool, DATA_KEY)
    finally:
        await pool.close()


async def rows(pool: asyncpg.Pool) -> list[tuple[Any, ...]]:
    found = await pool.fetch("SELECT station_id, recipient_id, field, digest FROM recipient_search"
                             " ORDER BY recipient_id, field, digest")
    cases = await pool.fetch("SELECT case_id, recipient_id, station_id, open FROM recipient_cases ORDER BY case_id")
    return [tuple(r) for r in found] + [tuple(c) for c in cases]


async def test_the_index_follows_the_events_holds_only_digests_and_rebuilds_to_what_was_kept(
        cases: tuple[asyncpg.Pool, PostgresEventStore], servers: Servers, namespace: str) -> None:
    pool, store = cases
    finder = search.recipient_search_of(store, pool)
    assert finder is not None
    handlers = routes(NoStations(), finder)

    async def run(command: Any) -> dict[str, Any]:
        unit = Unit(store=store, request=RequestContext(actor=command.actor, correlation_id="t"), fingerprint="")
        return (await handlers[type(command)](command, unit)).result

    await run(register(recipient_id="r-1", name="叶小红", id_number=ID_NUMBER, phone="13912345678", **CONSENT))
    await run(register(recipient_id="r-2", name="叶小明"))
    elsewhere = replace(WORKER, station_ids=(OTHER_STATION,))
    await run(register(actor=elsewhere, station_id=OTHER_STATION, recipient_id="r-3", name="叶小红"))
    again = await run(register(recipient_id="r-4", name="叶 小红", phone="+86-139-1234-5678", **CONSENT))

    assert again["potential_matches"] == [{"recipient_id": "r-1", "likelihood": 0.99, "reasons": [
        "same_name", "same_phone", "same_birth_year", "same_gender", "same_community"]}]
    with pytest.raises(ValueAlreadyRegistered):  # refused in the append's transaction: the index is left as it was
        await run(register(recipient_id="r-5", name="叶小红", id_number=ID_NUMBER, **CONSENT))
    assert await pool.fetchval("SELECT count(*) FROM recipient_search WHERE recipient_id = 'r-5'") == 0
    stored = await pool.fetch("SELECT * FROM recipient_search")
    assert {len(r["digest"]) for r in stored} == {16}
    assert not any(word in str(list(map(dict, stored))) for word in ("叶", "小红", ID_NUMBER, "13912345678"))

    await run(UpdateRecipient(actor=WORKER, today=TODAY, recipient_id="r-2", name="王小明", phone="13800000000",
                              **CONSENT))
    await run(MergeRecipients(actor=WORKER, today=TODAY, recipient_id="r-1", duplicate_id="r-4", reason="同一人"))
    first = await run(open_case(case_id="c-1", recipient_id="r-1"))
    second = await run(open_case(case_id="c-2", recipient_id="r-1"))
    await run(UpdateRecipient(actor=WORKER, today=TODAY, recipient_id="r-1", clear=("phone",)))
    await run(erase(actor=replace(HEAD, station_ids=(OTHER_STATION,)), recipient_id="r-3"))

    assert first["warnings"] == []
    assert [w["code"] for w in second["warnings"]] == ["already_has_open_case"]
    assert second["warnings"][0]["case_id"] == "c-1"
    kept = await rows(pool)
    held = {(r[1], r[2]) for r in kept if len(r) == 4 and isinstance(r[3], bytes)}
    assert held == {("r-1", "n"), ("r-1", "i"), ("r-2", "n"), ("r-2", "p")}  # r-3 erased, r-4 merged, phone cleared
    assert await search._holding_all(pool, [STATION], finder.key.digests(search.name_query_terms("小明")), 20) == [
        "r-2"]
    assert await search._holding_all(pool, [STATION], finder.key.digests(search.name_query_terms("叶小明")), 20) == []

    rebuilt = await reindex(settings_for(servers, namespace, "cases"))  # as `python -m services.cases reindex`

    assert await rows(pool) == kept
    assert rebuilt["case_rows"] == 2
