"""Rebuilding the read models: from scratch it equals what the live consumers built, queries answer from the
live tables throughout, nothing written during it is lost at the swap, a failed or interrupted rebuild leaves
the live read models serving and correct, and a projection whose code changed version is rebuilt on start."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import asyncpg
import pytest
from nats.aio.msg import Msg

from services.reporting.entrypoints.service import MIGRATIONS, SOURCES, reporting_service, system_status
from services.reporting.projections import Projection, ReceivedEvent, projections
from services.reporting.queries import station_figures
from services.reporting.rebuild import (
    REBUILD_SCHEMA,
    RebuildFailed,
    RebuildProgress,
    RebuildRefused,
    choose,
    rebuild,
)
from shared.config import stream_name
from shared.consumer import StreamConsumer
from shared.contracts import Actor, Role
from shared.devstack.demo import STREETS, load_demo, station_head, station_id
from shared.migrations import migrate
from shared.runtime import RequestContext
from tests.clock import story_day
from tests.support import (
    SYSTEM_ACTOR,
    Servers,
    System,
    join_staff,
    running_system,
    settings_for,
    token_for,
    wait_until,
    worker,
)

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

STATIONS = ("WY", "QY", "GHP", "HSP")
COMMUNITY = {street["code"]: next(iter(street["communities"])) for street in STREETS}
"""A community of each station's street: its records name one (communities are references)."""
RECIPIENTS_PER_STATION = 20
SESSIONS_PER_CASE = 12
GROUPS_PER_STATION = 4
VOLUNTEERS_PER_STATION = 15
SERVICES_PER_VOLUNTEER = 5


async def station_history(system: System, code: str) -> None:
    """A station's year: recipients and their cases with sessions, groups with members and sessions,
    volunteers and their hours, community activities."""
    station, me = station_id(code), worker(station_id(code), subject=f"worker-{code}")
    for n in range(RECIPIENTS_PER_STATION):
        recipient = await system.call("cases", "register_recipient", {
            "station_id": station, "name": f"居民{n:02d}", "gender": "female" if n % 2 else "male",
            "birth_year": 1940 + n, "community": COMMUNITY[code], "categories": [
                {"category": "elderly_living_alone", "valid_from": "2026-01-01", "source": "visit"}]}, me)
        opened = date(2026, 8, 1) + timedelta(days=n)
        case = await system.call("cases", "open_case", {
            "recipient_id": recipient["recipient_id"], "worker_id": me.subject, "intake_source": "outreach",
            "presenting_problem": "独居，需要定期探访", "opened_on": opened.isoformat()}, me)
        for s in range(SESSIONS_PER_CASE):
            await system.call("cases", "record_case_session", {
                "case_id": case["case_id"], "held_on": (opened + timedelta(days=5 * s + 1)).isoformat(),
                "mode": "home_visit", "duration_minutes": 45}, me)
    await join_staff(system, station, me)
    for g in range(GROUPS_PER_STATION):
        group = await system.call("activities", "plan_group", {
            "station_id": station, "name": f"{code} 小组 {g}", "type": "interest", "target_population": "老人",
            "community": COMMUNITY[code], "leader_ids": [me.subject], "planned_sessions": 6,
            "planned_on": "2026-08-01"}, me)
        members = [(await system.call("activities", "add_group_member", {
            "group_id": group["group_id"], "name": f"组员{m}"}, me))["member_id"] for m in range(8)]
        for s in range(6):
            await system.call("activities", "record_group_session", {
                "group_id": group["group_id"], "held_on": (date(2026, 8, 10) + timedelta(days=7 * s + g)).isoformat(),
                "duration_minutes": 90, "place": "活动室", "theme": f"第 {s + 1} 节",
                "present_member_ids": members[: 5 + s % 4], "walk_ins": s % 3, "goal_attainment": 4}, me)
    for v in range(VOLUNTEERS_PER_STATION):
        volunteer = await system.call("activities", "register_volunteer", {
            "station_id": station, "name": f"志愿者{v:02d}", "gender": "female", "age_group": "adult",
            "birth_year": 1980 + v}, station_head(code))
        for s in range(SERVICES_PER_VOLUNTEER):
            await system.call("activities", "record_volunteer_service", {
                "volunteer_id": volunteer["volunteer_id"], "served_on": (date(2026, 11, 2) + timedelta(days=s))
                .isoformat(), "place": "社区广场", "content": "陪伴老人", "hours": 2 + v % 3,
                "organising_unit": f"{code} 社工站", "person_in_charge": "站长"}, station_head(code))
    for a in range(8):
        await system.call("activities", "record_activity", {
            "station_id": station, "community": COMMUNITY[code], "title": f"{code} 活动 {a}", "kind": "education",
            "held_on": (date(2026, 9, 1) + timedelta(days=3 * a)).isoformat(), "place": "广场",
            "direct_participants": 20 + a, "indirect_beneficiaries": 10 * a, "indirect_basis": "按签到估算"}, me)


async def mixed_history(system: System) -> int:
    """The demo data and every station's year on top of it; the events written, once all are in the streams."""
    await load_demo(system.client, token_for(SYSTEM_ACTOR))
    await asyncio.gather(*(station_history(system, code) for code in STATIONS))
    written = await system.events_written()
    js = system.nc.jetstream()

    async def published() -> bool:
        return sum([(await js.stream_info(stream_name(system.namespace, s))).state.messages
                    for s in SOURCES]) >= written

    await wait_until(published, timeout=30, what="every event published")
    return int(written)


async def caught_up(system: System, consumers: list[StreamConsumer]) -> bool:
    js = system.nc.jetstream()
    for consumer in consumers:
        last = (await js.stream_info(stream_name(system.namespace, consumer.stats.source))).state.last_seq
        if consumer.stats.last_stream_seq < last:
            return False
    return True


READ_MODEL_TABLES = [table for projection in projections() for table in projection.tables]


async def snapshot(pool: asyncpg.Pool) -> dict[str, list[tuple[Any, ...]]]:
    """Every read-model table's rows, sorted, without the identity columns (row counters the database hands out
    in the order rows arrive), and every projection's applied versions."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    await station_figures.refresh(pool, None)  # the sums counted ahead, as a query would have them
    # (station_months_basis is bookkeeping: the versions the sums were counted at, none in a database built bare)
    for table in [*(t for t in READ_MODEL_TABLES if t != "station_months_basis"), "applied_versions"]:
        columns = [r["attname"] for r in await pool.fetch(
            "SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped"
            " AND attidentity = '' ORDER BY attnum", f"public.{table}")]
        rows = await pool.fetch(f"SELECT {', '.join(columns)} FROM public.{table}")
        tables[table] = sorted(tuple(map(repr, r.values())) for r in rows)
    return tables


async def table_oids(pool: asyncpg.Pool) -> dict[str, int]:
    """Each read-model table in public, by name, and which table it is."""
    return {r["relname"]: r["oid"] for r in await pool.fetch(
        "SELECT c.relname, c.oid::int AS oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'public' AND c.relname = ANY($1::text[])", READ_MODEL_TABLES)}


class OneByOne(StreamConsumer):
    """The reference the batches are held to: a consumer that applies each event alone (`apply_event`, the
    projections' handlers, no batch handler), as consumers did before batches."""

    async def _apply_together(self, conn: asyncpg.Connection, messages: list[Msg]) -> tuple[int, int]:
        return await self._apply_each(conn, messages)


@contextlib.asynccontextmanager
async def built_live_from_scratch(system: System) -> AsyncIterator[asyncpg.Pool]:
    """A reporting database of its own, built from the first event by live consumers applying one event at a time:
    what the batched live consumers and the rebuild (batches of thousands) must equal."""
    dsn = system.servers.postgres.dsn(f"{system.namespace}_scratch")
    await migrate(dsn, [MIGRATIONS])
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=4)
    consumers = [OneByOne(pool, dsn, system.nc.jetstream(), namespace=system.namespace, source=s,
                          projections=projections(), consumer="scratch", poll_seconds=0.2) for s in SOURCES]
    tasks = [asyncio.create_task(c.run()) for c in consumers]
    try:
        await wait_until(lambda: caught_up(system, consumers), timeout=120, what="built from scratch")
        yield pool
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await pool.close()


STARTED: list[asyncio.Task[Any]] = []
"""The rebuilds the tests started: one a failed test left running is stopped before the next test, which shares
the module's system (and would find it holding the rebuild lock)."""


@pytest.fixture(autouse=True)
async def no_rebuild_left_running() -> AsyncIterator[None]:
    yield
    left = [task for task in STARTED if not task.done()]
    for task in left:
        task.cancel()
    await asyncio.gather(*left, return_exceptions=True)
    STARTED.clear()


def start_rebuild(system: System, chosen: list[Projection] | None = None,
                  every: list[Projection] | None = None) -> tuple[asyncio.Task[Any], list[RebuildProgress]]:
    seen: list[RebuildProgress] = []
    task = asyncio.create_task(rebuild(
        system.reporting.settings.database_url, system.nc.jetstream(), system.namespace, SOURCES,
        every or projections(), chosen or every or projections(),
        on_progress=lambda p: seen.append(dataclasses.replace(p))))
    STARTED.append(task)
    return task, seen


async def direct_person_times(system: System) -> int:
    """The district's direct person-times of 2026, as the bureau's query answers (over views of several tables)."""
    bureau = Actor(subject="bureau", name="区民政局", role=Role.DISTRICT_BUREAU, station_ids=("*",))
    overview = await system.call("reporting", "district_overview", {"year": 2026}, bureau)
    return int(overview["totals"]["person_times_direct"])


@pytest.fixture(scope="module")
async def system(servers: Servers) -> AsyncIterator[System]:
    """One system for the module: its mixed history (some 2,000 events through the real commands) is the slow part,
    and every test here reads or rebuilds it without depending on what another did to it."""
    async with running_system(servers, f"t{uuid.uuid4().hex[:12]}") as running:
        yield running


@pytest.fixture(scope="module")
async def history(system: System) -> int:
    events = await mixed_history(system)
    await wait_until(lambda: caught_up(system, system.reporting.consumers), timeout=60, what="live caught up")
    return events


async def test_a_rebuild_from_scratch_equals_the_read_models_built_live_and_loses_nothing_written_during_it(
        system: System, history: int) -> None:
    pool = system.reporting.pool
    live_tables = await table_oids(pool)
    sessions_before = await pool.fetchval("SELECT count(*) FROM case_sessions")
    direct_before = await direct_person_times(system)
    rebuilding, seen = start_rebuild(system)
    answers, later_sessions, written = [], 0, None
    while not rebuilding.done():  # queries answer from the live tables all along; writes go on
        answers.append(await direct_person_times(system))
        if later_sessions < 20:
            case_id = await pool.fetchval("SELECT case_id FROM cases ORDER BY case_id LIMIT 1")
            station = await pool.fetchval("SELECT station_id FROM cases WHERE case_id = $1", case_id)
            written = await system.call("cases", "record_case_session", {
                "case_id": case_id, "held_on": story_day(20), "mode": "phone", "duration_minutes": 10},
                worker(station))
            later_sessions += 1
        await asyncio.sleep(0.01)
    outcome = rebuilding.result()
    assert written is not None, "the rebuild ended before anything was written during it"
    await system.read_models_have(written["position"], timeout=30)  # the last write, and so all before it
    rebuilt = await snapshot(pool)
    async with built_live_from_scratch(system) as scratch:
        from_scratch = await snapshot(scratch)

    assert history >= 2000, f"only {history} events"
    assert outcome.events >= history and outcome.projections == tuple(p.name for p in projections())
    assert {p.phase for p in seen} >= {"replaying", "swapping"} and seen[-1].total >= history
    assert len(answers) > 3 and min(answers) >= direct_before  # never an empty or a partial table served
    assert later_sessions > 0
    assert len(rebuilt["case_sessions"]) == sessions_before + later_sessions
    assert sum(map(len, rebuilt.values())) > history  # the comparison is over real rows, not empty tables
    assert rebuilt == from_scratch
    swapped = await table_oids(pool)  # every table is a new one: the rows above are the rebuilt ones
    assert set(swapped) == set(live_tables) and not set(swapped.values()) & set(live_tables.values())
    assert not await pool.fetchval("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", REBUILD_SCHEMA)
    built = {r["projection"]: r["version"] for r in await pool.fetch("SELECT * FROM projection_versions")}
    assert built == {p.name: p.version for p in projections()}
    # the views over the swapped tables read the new ones
    assert await pool.fetchval("SELECT sum(count) FROM person_times WHERE kind = 'case'") >= sessions_before


async def test_a_rebuild_that_fails_or_is_interrupted_leaves_the_live_read_models_serving_and_correct(
        system: System, history: int) -> None:
    pool = system.reporting.pool
    live = await snapshot(pool)

    def broken(projection: Projection) -> Projection:  # a projection bug the rebuild meets on one event
        real = projection.handlers["CaseSessionRecorded"]

        async def bug(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
            if event.version == 5:
                raise ValueError("a bug in the new projection")
            await real(conn, event)

        return dataclasses.replace(projection, handlers={**projection.handlers, "CaseSessionRecorded": bug},
                                   batch_handlers={})

    every = [broken(p) if p.name == "cases" else p for p in projections()]
    failing, _ = start_rebuild(system, every=every)
    with pytest.raises(RebuildFailed, match=r"CaseSessionRecorded .*version 5.*a bug in the new projection"):
        await failing
    assert await snapshot(pool) == live

    slow = [dataclasses.replace(p, handlers={t: slowed(h) for t, h in p.handlers.items()}, batch_handlers={})
            for p in projections()]
    interrupted, seen = start_rebuild(system, every=slow)
    await wait_until(lambda: as_true(bool(seen) and seen[-1].done > 200), timeout=30, what="the rebuild under way")
    with pytest.raises(RebuildRefused, match="Another rebuild is running"):
        await rebuild(system.reporting.settings.database_url, system.nc.jetstream(), system.namespace, SOURCES,
                      projections(), projections())
    interrupted.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await interrupted
    assert seen[-1].phase == "replaying" and seen[-1].done < history
    assert await snapshot(pool) == live

    # the live consumers went on all along, and a rerun starts cleanly and swaps in
    case_id = await pool.fetchval("SELECT case_id FROM cases ORDER BY case_id LIMIT 1")
    station = await pool.fetchval("SELECT station_id FROM cases WHERE case_id = $1", case_id)
    written = await system.call("cases", "record_case_session", {
        "case_id": case_id, "held_on": story_day(21), "mode": "phone", "duration_minutes": 10}, worker(station))
    await system.read_models_have(written["position"])
    before_rerun = await table_oids(pool)
    rerun, _ = start_rebuild(system, chosen=choose(projections(), ["cases", "timeline"]))
    outcome = await rerun
    after_rerun = await table_oids(pool)
    assert {t for t in before_rerun if before_rerun[t] != after_rerun[t]} == {
        "recipients", "cases", "case_sessions", "case_periods", "case_timeline"}  # those two projections' tables
    assert outcome.projections == ("cases", "timeline")
    after = await snapshot(pool)
    assert len(after["case_sessions"]) == len(live["case_sessions"]) + 1
    moved = ("case_sessions", "cases", "case_timeline", "applied_versions",  # and the sums the new session is in:
             "station_day_figures", "station_month_figures", "station_month_people", "station_year_people")
    assert {t: rows for t, rows in after.items() if t not in moved} == \
        {t: rows for t, rows in live.items() if t not in moved}


def slowed(handler: Any) -> Any:
    async def slow(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
        await handler(conn, event)
        await asyncio.sleep(0.002)

    return slow


async def as_true(value: bool) -> bool:
    return value


async def test_a_projection_whose_code_changed_version_is_rebuilt_in_the_background_when_reporting_starts(
        system: System, history: int, monkeypatch: pytest.MonkeyPatch) -> None:
    bumped = [dataclasses.replace(p, version=p.version + 1) if p.name == "work" else p for p in projections()]
    versions = {p.name: p.version for p in bumped}
    monkeypatch.setattr("services.reporting.entrypoints.service.projections", lambda: bumped)
    settings = settings_for(system.servers, system.namespace, "reporting")  # a health port of its own
    before = await snapshot(system.reporting.pool)

    async with reporting_service(settings) as upgraded:  # a second process, with the new code, on the same data
        await wait_until(lambda: built_version(upgraded.pool, "work", versions["work"]), timeout=60,
                         what="work rebuilt")
        status = await system_status(upgraded.pool, upgraded.consumers,
                                     RequestContext(actor=SYSTEM_ACTOR, correlation_id="s"), upgraded.rebuilds)

    by_name = {p["name"]: p for p in status["projections"]}
    assert (by_name["work"]["version"], by_name["work"]["built_version"]) == (versions["work"],) * 2
    assert (by_name["cases"]["version"], by_name["cases"]["built_version"]) == (versions["cases"],) * 2
    assert await snapshot(system.reporting.pool) == before  # rebuilt, and the same rows: the code did not change


async def built_version(pool: asyncpg.Pool, name: str, version: int) -> bool:
    return bool(await pool.fetchval("SELECT version = $2 FROM projection_versions WHERE projection = $1", name,
                                    version))


BOOKKEEPING = {"consumer_checkpoints", "applied_versions", "parked_events", "projection_versions", "schema_migrations"}


async def test_every_read_model_table_belongs_to_exactly_one_projection_so_a_rebuild_misses_none(
        system: System) -> None:
    tables = {r["tablename"] for r in await system.reporting.pool.fetch(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    owned = [table for projection in projections() for table in projection.tables]

    assert len(owned) == len(set(owned))
    assert tables - BOOKKEEPING == set(owned)
