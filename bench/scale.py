"""`make bench-scale SIZE=…`: hemiao at province scale (bench/SCALE.md).

Builds a province-shaped year of work (bench.scale_history: 1,900 stations in 122 districts of 14 cities at
SIZE=1.0, about 2,000 events a station, decided by the services' real deciders), seals it as the event store
seals and copies it straight into the cases and activities services' `events` tables before they start. Then
it lets the real stack (bench.stack: the four processes) publish it (the relays drain the backlog) and project
it (reporting's live consumers), rebuilds every read model, and measures the queries a station, a district and
the province ask, and one client's `record_case_session` against the same on a one-station stack in the same
run.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import collections
import inspect
import itertools
import json
import multiprocessing
import os
import secrets
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

import asyncpg
from nats.errors import NoRespondersError

from bench import machine
from bench.scale_history import PROVINCE, SYSTEM, Decided, Place, Province, Work, ident
from bench.stack import BenchStack, say
from bench.stats import percentile
from services.activities.entrypoints import service as activities_service
from services.cases.entrypoints import service as cases_service
from services.reporting.entrypoints.service import SOURCES
from services.reporting.projections import projections
from services.reporting.rebuild import rebuild
from shared.auth import issue_token
from shared.china import china_today
from shared.config import stream_name
from shared.contracts import Actor, Role, event_class
from shared.devstack.embedded import EmbeddedNats
from shared.eventstore import StreamAppend
from shared.eventstore.postgres import DerivedRows, PostgresEventStore
from shared.eventstore.sealing import sealed_data
from shared.migrations import CONSUMER_MIGRATIONS, EVENT_STORE_MIGRATIONS, migrate
from shared.natsio import connect
from shared.personal import new_key, wrap
from shared.runtime import ServiceClient

RESULTS = Path(__file__).parent / "SCALE.md"
DEFAULT_SIZE = 0.02
"""38 stations in 3 districts (about 75,000 events). Meant to take about 15 minutes on this machine when it is
idle, estimated: SIZE 0.005 took 11 minutes with the load average at 11 (bench/SCALE.md). The lead's recorded
run settles it."""
TINY = 1 / 1900
"""One station: the small stack the command latency is compared with."""
WRITE_SERVICES = {"cases": cases_service, "activities": activities_service}
CALLS = 50
STALLED_SECONDS = 600.0
"""The drain is given up when neither a stream nor a checkpoint of reporting has moved for this long."""
COLUMNS = ("stream_id", "stream_type", "version", "event_id", "type", "schema_version", "data", "metadata",
           "recorded_at")


def size_of(text: str) -> float:
    """SIZE: `province` (1.0), `tiny` (one station) or a fraction of the province."""
    named = {"province": 1.0, "tiny": TINY}
    value = named[text] if text in named else float(text)
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError("SIZE is a fraction of the province in (0, 1], 'province' or 'tiny'")
    return value


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__)
    parser.add_argument("--size", type=size_of, default=DEFAULT_SIZE,
                        help=f"fraction of Hunan's 1,900 stations (default {DEFAULT_SIZE}), or province / tiny")
    parser.add_argument("--calls", type=int, default=CALLS, help="calls of each query and of the command")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="processes deciding and sealing the history (0: the bench process alone)")
    parser.add_argument("--no-small", action="store_true", help="skip the one-station stack compared with")
    parser.add_argument("--output", type=Path, default=RESULTS)
    return parser.parse_args(argv)


class ScaleStack(BenchStack):
    """The bench's stack with a data key of its own, which the bench seals the history with too."""

    data_key: bytes = b""

    def _environment(self) -> dict[str, str]:
        if not self.data_key:
            self.data_key = secrets.token_bytes(32)
        return {**super()._environment(), "HEMIAO_DATA_KEY": base64.b64encode(self.data_key).decode()}


class KeepingStore(PostgresEventStore):
    """The service's store, only to learn which derived rows its endpoints keep with every append."""

    def __init__(self, pool: asyncpg.Pool, data_key: bytes) -> None:
        super().__init__(pool, data_key)
        self.kept: dict[str, DerivedRows] = {}

    def keep(self, name: str, derived: DerivedRows) -> None:
        self.kept[name] = derived
        super().keep(name, derived)


@dataclass
class Sealed:
    """A batch of streams as the store would write them: events rows, the new person keys, and the streams."""

    rows: list[tuple[Any, ...]]
    new_keys: list[tuple[str, bytes]]
    decided: list[Decided]


async def sealed(decided: list[Decided], data_key: bytes, keys: dict[str, bytes]) -> Sealed:
    """The streams' events sealed as PostgresEventStore seals them (`sealed_data`), each person's fields under
    a key of their own, made the first time (`keys`: the persons' keys so far), wrapped with the data key."""
    new_keys: list[tuple[str, bytes]] = []

    async def key_for(person_id: str) -> bytes:
        if person_id not in keys:
            keys[person_id] = new_key()
            new_keys.append((person_id, wrap(data_key, person_id, keys[person_id])))
        return keys[person_id]

    rows = []
    for d in decided:
        metadata = json.dumps({"actor": d.actor.as_metadata(), "correlation_id": str(uuid.uuid4()),
                               "causation_id": None}, ensure_ascii=False)
        recorded_at = datetime.combine(d.day, clock_time(2, 0), UTC)  # 10:00 in China, on the day
        for offset, payload in enumerate(d.events, start=1):
            registration = event_class(type(payload).__name__)
            data = json.dumps(await sealed_data(payload, key_for), ensure_ascii=False)
            rows.append((d.stream_id, d.stream_type, d.expected_version + offset, uuid.uuid4(),
                         registration.type_name, registration.schema_version, data, metadata, recorded_at))
    return Sealed(rows, new_keys, decided)


def by_service(decided: list[Decided]) -> dict[str, list[Decided]]:
    found: dict[str, list[Decided]] = {}
    for d in decided:
        found.setdefault(d.service, []).append(d)
    return found


_WORKER: dict[str, Any] = {}
"""A history worker's province (its places decided) and data key."""


def _start_worker(size: float, today: date, data_key: bytes) -> None:
    province = Province(size, today)
    province.place_streams()
    _WORKER.update(province=province, data_key=data_key)


def _station_sealed(n: int) -> tuple[float, dict[str, Sealed]]:
    """In a worker: station n's year decided and sealed, by service, and the seconds it took."""
    started = time.perf_counter()
    province: Province = _WORKER["province"]
    year = [d for batch in province.station_year(province.places[n]) for d in batch]

    async def seal_all() -> dict[str, Sealed]:
        return {service: await sealed(streams, _WORKER["data_key"], {})
                for service, streams in by_service(year).items()}

    return time.perf_counter() - started, asyncio.run(seal_all())


@dataclass
class Writer:
    """Writes sealed streams into one service's store as its PostgresEventStore would (the same rows, person
    keys and derived rows), a station's streams at a time with COPY."""

    service: str
    pool: asyncpg.Pool
    data_key: bytes
    derived: dict[str, DerivedRows]
    persons: set[str] = field(default_factory=set)
    events: int = 0
    seconds: float = 0.0

    async def write(self, batch: Sealed) -> None:
        started = time.perf_counter()
        again = self.persons.intersection(person for person, _ in batch.new_keys)
        if again:  # a person's events all come from one station's year, or from the places
            raise RuntimeError(f"persons keyed twice in {self.service}: {sorted(again)[:5]}")
        self.persons.update(person for person, _ in batch.new_keys)
        async with self.pool.acquire() as conn, conn.transaction():
            if batch.new_keys:
                await conn.copy_records_to_table("person_keys", records=batch.new_keys,
                                                 columns=("person_id", "wrapped"))
            await conn.copy_records_to_table("events", records=batch.rows, columns=COLUMNS)
            for d in batch.decided:
                append = StreamAppend(stream_id=d.stream_id, stream_type=d.stream_type,
                                      expected_version=d.expected_version, events=d.events)
                for derived in self.derived.values():
                    await derived.write(conn, append)
        self.events += len(batch.rows)
        self.seconds += time.perf_counter() - started


async def writers(stack: ScaleStack) -> dict[str, Writer]:
    """Each write service's database migrated as the service migrates it, and a writer into it."""
    found = {}
    for service, module in WRITE_SERVICES.items():
        dsn = stack.dsn(f"hemiao_{service}")
        await migrate(dsn, [EVENT_STORE_MIGRATIONS, CONSUMER_MIGRATIONS, module.MIGRATIONS])
        pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
        store = KeepingStore(pool, stack.data_key)
        module.endpoints(store, pool)  # the endpoints keep their derived rows (search indexes) in the store
        found[service] = Writer(service, pool, stack.data_key, store.kept)
    return found


@dataclass
class History:
    places: list[Place]
    events: dict[str, int]
    deciding_seconds: float
    writing_seconds: float
    wall_seconds: float
    workers: int


async def write_history(stack: ScaleStack, size: float, today: date, workers: int) -> tuple[History, Province]:
    """The province's year decided and written: the places first, then station by station, each station's year
    decided and sealed in one of `workers` processes (none: in this one) and copied in here, in station order."""
    started = time.perf_counter()
    province = Province(size, today)
    into = await writers(stack)
    deciding = 0.0

    def progress(n: int) -> None:
        if n % 50 == 0 or n == len(province.places):
            written = sum(w.events for w in into.values())
            say(f"history: {n}/{len(province.places)} stations, {written:,} events"
                f" ({written / (time.perf_counter() - started):,.0f} events/s)")

    try:
        for service, streams in by_service(province.place_streams()).items():
            await into[service].write(await sealed(streams, stack.data_key, {}))
        if workers:
            loop = asyncio.get_running_loop()
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                                     initargs=(size, today, stack.data_key)) as pool:
                pending: collections.deque[asyncio.Future[tuple[float, dict[str, Sealed]]]] = collections.deque()
                stations = iter(range(len(province.places)))
                for n in itertools.islice(stations, 2 * workers):
                    pending.append(loop.run_in_executor(pool, _station_sealed, n))
                done = 0
                while pending:
                    seconds, batches = await pending.popleft()
                    for n in itertools.islice(stations, 1):
                        pending.append(loop.run_in_executor(pool, _station_sealed, n))
                    deciding += seconds
                    for service, batch in batches.items():
                        await into[service].write(batch)
                    done += 1
                    progress(done)
        else:
            keys: dict[str, bytes] = {}
            for n, place in enumerate(province.places, start=1):
                decided_at = time.perf_counter()
                year = [d for batch in province.station_year(place) for d in batch]
                batches = {service: await sealed(streams, stack.data_key, keys)
                           for service, streams in by_service(year).items()}
                deciding += time.perf_counter() - decided_at
                for service, batch in batches.items():
                    await into[service].write(batch)
                progress(n)
    finally:
        for writer in into.values():
            await writer.pool.close()
    return History(places=province.places, events={s: w.events for s, w in into.items()},
                   deciding_seconds=deciding, writing_seconds=sum(w.seconds for w in into.values()),
                   wall_seconds=time.perf_counter() - started, workers=workers), province


@dataclass
class Drain:
    """When the relays had published the backlog, and when reporting had applied it."""

    relay_rate: dict[str, float]
    relay_seconds: dict[str, float]
    applied_seconds: float
    applied_rate: float
    events: int
    parked: dict[str, int]


async def first_applied(stack: ScaleStack) -> datetime:
    """When reporting's live consumers had applied their first event (polled every 0.1 s from before the
    services start: reporting starts after the write services, whose relays may be done by then)."""
    while True:
        try:
            conn = await asyncpg.connect(stack.dsn("hemiao_reporting"))
            try:
                while True:
                    if await conn.fetchval("SELECT coalesce(sum(stream_seq), 0) FROM consumer_checkpoints"):
                        return datetime.now(UTC)
                    await asyncio.sleep(0.1)
            finally:
                await conn.close()
        except (OSError, asyncpg.PostgresError):  # the database or its tables are not there yet
            await asyncio.sleep(0.1)


async def parked(stack: ScaleStack) -> dict[str, int]:
    """Events a consumer could not apply and parked, by database (none, when the history is as the services
    would have written it)."""
    found = {}
    for database in ("cases", "activities", "reporting"):
        conn = await asyncpg.connect(stack.dsn(f"hemiao_{database}"))
        try:
            found[database] = int(await conn.fetchval("SELECT count(*) FROM parked_events"))
        finally:
            await conn.close()
    return found


async def drained(stack: ScaleStack, js: Any, events: dict[str, int], spawned: float,
                  applying: asyncio.Task[datetime]) -> Drain:
    """Wait until each service's stream holds its events and reporting has applied both; the relays' rates from
    their streams' first and last message times, reporting's from its first event applied to its last."""
    total = sum(events.values())
    conn = await asyncpg.connect(stack.dsn("hemiao_reporting"))
    seen, moved = None, time.monotonic()
    try:
        while True:
            last = {s: (await js.stream_info(stream_name(stack.namespace, s))).state.last_seq for s in SOURCES}
            applied = dict(await conn.fetch("SELECT consumer, stream_seq FROM consumer_checkpoints"))
            if all(last[s] >= events[s] for s in SOURCES) and all(
                    applied.get(f"reporting_{s}", 0) >= last[s] for s in SOURCES):
                break
            if (last, applied) != seen:
                seen, moved = (last, applied), time.monotonic()
            elif time.monotonic() - moved > STALLED_SECONDS:
                raise RuntimeError(f"nothing published or applied for {STALLED_SECONDS:.0f} s"
                                   f" ({time.monotonic() - spawned:.0f} s after the services started): streams"
                                   f" {last} of {events}, reporting's checkpoints {applied}; logs in {stack.log_dir}")
            stack.check_alive()
            await asyncio.sleep(0.25)
        caught = datetime.now(UTC)
    finally:
        await conn.close()
    rates, seconds = {}, {}
    for s in SOURCES:
        name = stream_name(stack.namespace, s)
        first = (await js.get_msg(name, seq=1)).time
        final = (await js.get_msg(name, seq=last[s])).time
        seconds[s] = (final - first).total_seconds()
        rates[s] = (last[s] - 1) / max(seconds[s], 1e-9)
    applied_seconds = (caught - await applying).total_seconds()
    return Drain(relay_rate=rates, relay_seconds=seconds, applied_seconds=applied_seconds,
                 applied_rate=total / applied_seconds, events=total, parked=await parked(stack))


@dataclass
class Timed:
    """One query's (or the command's) latencies in ms, or why it was not measured."""

    name: str
    how: str
    values: list[float] = field(default_factory=list)
    failures: int = 0
    note: str = ""

    @property
    def p50(self) -> float:
        return percentile(self.values, 0.5)

    @property
    def p99(self) -> float:
        return percentile(self.values, 0.99)

    def line(self) -> str:
        if not self.values:
            return f"{self.name}: {self.note or 'not measured'}"
        return (f"{self.name}: p50 {self.p50:.1f} ms, p99 {self.p99:.1f} ms over {len(self.values)} calls"
                f"{f', {self.failures} failed' if self.failures else ''}{f' ({self.note})' if self.note else ''}")


async def timed(name: str, how: str, calls: int, call: Callable[[int], Awaitable[Any]]) -> Timed:
    """`calls` calls one after another (after two to warm up); a call that fails is counted, not timed."""
    result = Timed(name, how)
    for n in range(calls + 2):
        started = time.perf_counter()
        try:
            await call(n)
        except Exception as error:
            result.failures += 1
            result.note = f"{type(error).__name__}: {str(error)[:120]}"
            if isinstance(error, NoRespondersError):
                result.note = "not built yet (no such reporting endpoint)"
                return result
            continue
        if n >= 2:
            result.values.append((time.perf_counter() - started) * 1000)
    return result


def district_of(places: list[Place]) -> tuple[str, list[str]]:
    """The district with the most stations, and its stations."""
    by_district: dict[str, list[str]] = {}
    for p in places:
        by_district.setdefault(p.district_code, []).append(p.station_id)
    code = max(by_district, key=lambda c: (len(by_district[c]), c))
    return code, by_district[code]


def token_for(secret: str, actor: Actor, division: str | None = None) -> str:
    """A token for the actor, with the division claim of province roles (SPEC16) once `issue_token` takes one."""
    claims: dict[str, Any] = {"division": division} if division and "division" in inspect.signature(
        issue_token).parameters else {}
    return issue_token(secret, actor, ttl_seconds=7200, **claims)


async def queries(client: ServiceClient, stack: ScaleStack, places: list[Place], today: date,
                  calls: int) -> list[Timed]:
    """Each query `calls` times over NATS to reporting, as the gateway asks it, with the tokens named."""
    secret = stack.secret
    system = issue_token(secret, SYSTEM, ttl_seconds=7200)
    code, district_stations = district_of(places)
    bureau = Actor(subject=f"bureau-{code}", name=f"{code} 民政局", role=Role.DISTRICT_BUREAU,
                   station_ids=tuple(district_stations))
    bureau_token = token_for(secret, bureau, division=code)
    station = places[len(places) // 2].station_id
    month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")  # last month: a whole month of work
    year = {"from": (today - timedelta(days=365)).isoformat(), "to": (today - timedelta(days=1)).isoformat()}

    def ask(endpoint: str, body: dict[str, Any], token: str) -> Callable[[int], Awaitable[Any]]:
        return lambda _: client.call("reporting", endpoint, body, token=token, timeout=60)

    # The first overview after the load recounts every station's sums (services/reporting/queries/station_figures):
    # once, timed on its own; the calls timed below read sums already counted.
    started = time.perf_counter()
    await client.call("reporting", "region_overview", {"division": PROVINCE, **year}, token=system, timeout=900)
    found = [Timed(f"first province overview ({PROVINCE}, the year) after the load", "region_overview, SYSTEM token",
                   values=[(time.perf_counter() - started) * 1000],
                   note="one call: it recounts the sums of every station the load marked")]
    found += [
        await timed("stationDashboard (a month)", "station_dashboard, SYSTEM token", calls,
                    ask("station_dashboard", {"station_id": station, "month": month}, system)),
        await timed(f"districtOverview (district {code}, {len(district_stations)} stations, the year)",
                    "district_overview, the district bureau's token", calls,
                    ask("district_overview", year, bureau_token)),
        await timed(f"province overview ({PROVINCE}, the year)", "region_overview, SYSTEM token", calls,
                    ask("region_overview", {"division": PROVINCE, **year}, system)),
    ]
    first = await client.call("reporting", "cases", {"first": 20}, token=system, timeout=60)
    say(f"reporting lists {first['total_count']:,} cases; the history opened {len(places) * Work().cases:,}")
    found.append(await timed("cases page 1 (20, the province)", "cases, SYSTEM token", calls,
                             ask("cases", {"first": 20}, system)))
    cursor, page = first.get("end_cursor"), 1
    while page < 49 and cursor:
        cursor = (await client.call("reporting", "cases", {"first": 20, "after": cursor}, token=system,
                                    timeout=60)).get("end_cursor")
        page += 1
    if page == 49 and cursor:
        found.append(await timed("cases page 50 (by cursor)", "cases, SYSTEM token", calls,
                                 ask("cases", {"first": 20, "after": cursor}, system)))
    else:
        found.append(Timed("cases page 50 (by cursor)", "cases", note=f"only {page} pages of 20 at this size"))
    found.append(Timed("cases listed (a check)", "cases, SYSTEM token", note=(
        f"reporting lists {first['total_count']:,} cases; the history opened {len(places) * Work().cases:,}")))
    found += [
        await timed("caseload (a station)", "caseload, SYSTEM token", calls,
                    ask("caseload", {"station_id": station}, system)),
        await timed("overdue (a station)", "overdue, SYSTEM token", calls,
                    ask("overdue", {"station_id": station}, system)),
        await timed("personTimes by community (a station, this year)", "person_times, SYSTEM token", calls,
                    ask("person_times", {"station_id": station, "year": today.year}, system)),
    ]
    return found


def command_call(client: ServiceClient, stack: ScaleStack, places: list[Place],
                 today: date) -> Callable[[int], Awaitable[Any]]:
    """The n-th `record_case_session` over NATS, as the social worker of the stack's middle station, on its open
    cases in turn (each case's history as the bench wrote it: some 20 to 30 events)."""
    place = places[len(places) // 2]
    worker = Actor(subject=f"sw1-{place.code.lower()}", name="社工", role=Role.SOCIAL_WORKER,
                   station_ids=(place.station_id,))
    token = issue_token(stack.secret, worker, ttl_seconds=7200)
    open_cases = [ident("case", place.n, r) for r in range(0, Work().cases, 2)]

    async def call(n: int) -> Any:
        return await client.call("cases", "record_case_session", {
            "case_id": open_cases[n % len(open_cases)], "held_on": (today - timedelta(days=1)).isoformat(),
            "mode": "phone", "duration_minutes": 20, "notes": "电话回访"}, token=token, timeout=30)

    return call


async def interleaved(calls: int, stacks: dict[str, Callable[[int], Awaitable[Any]]]) -> dict[str, Timed]:
    """The command on each stack in turn, one call at a time (after two each to warm up): both stacks see the
    same machine, whatever else it is doing meanwhile."""
    found = {name: Timed("record_case_session", "cases over NATS, the station's social worker") for name in stacks}
    for n in range(calls + 2):
        for name, call in stacks.items():
            started = time.perf_counter()
            try:
                await call(n)
            except Exception as error:
                found[name].failures += 1
                found[name].note = f"{type(error).__name__}: {str(error)[:120]}"
                continue
            if n >= 2:
                found[name].values.append((time.perf_counter() - started) * 1000)
    return found


@dataclass
class Run:
    size: float
    history: History
    drain: Drain | None = None
    rebuild_events: int = 0
    rebuild_seconds: float = 0.0
    queries: list[Timed] = field(default_factory=list)
    command: Timed | None = None
    facts: dict[str, str] = field(default_factory=dict)
    load: tuple[float, float, float] = (0.0, 0.0, 0.0)


async def measure_stack(stack: ScaleStack, size: float, calls: int, full: bool,
                        workers: int) -> tuple[Run, Any, ServiceClient]:
    """History written, the services started on it, drained, then (full only) rebuilt and queried; the run, and
    the NATS connection and client it was measured with (left open for the command, measured on both stacks
    at once)."""
    today = china_today()
    assert stack.postgres is not None
    stack.data_key = stack.data_key or secrets.token_bytes(32)
    history, _ = await write_history(stack, size, today, workers)
    say(f"history written: {sum(history.events.values()):,} events {history.events} in {history.wall_seconds:.0f} s")
    spawned = time.monotonic()
    applying = asyncio.create_task(first_applied(stack))
    await asyncio.to_thread(stack.start_services)
    run = Run(size=size, history=history)
    run.facts = await machine.facts(stack.dsn("postgres"), stack.postgres.bin_dir, EmbeddedNats.binary())
    nc = await connect(stack.env["NATS_URL"], f"hemiao-bench-scale-{stack.namespace}")
    try:
        js = nc.jetstream()
        run.drain = await drained(stack, js, history.events, spawned, applying)
        say(f"relays: {run.drain.relay_rate}; reporting applied {run.drain.events:,} events in"
            f" {run.drain.applied_seconds:.0f} s ({run.drain.applied_rate:,.0f} events/s)")
        client = ServiceClient(nc, stack.namespace, timeout=60.0)
        if full:
            started = time.perf_counter()
            outcome = await rebuild(stack.dsn("hemiao_reporting"), js, stack.namespace, SOURCES, projections(),
                                    projections())
            run.rebuild_events, run.rebuild_seconds = outcome.events, time.perf_counter() - started
            say(f"rebuild: {outcome.events:,} events in {run.rebuild_seconds:.0f} s")
            run.queries = await queries(client, stack, history.places, today, calls)
            for q in run.queries:
                say(q.line())
    except BaseException:
        await nc.close()
        raise
    return run, nc, client


async def both(args: argparse.Namespace) -> tuple[Run, Run | None]:
    """The one-station stack (unless --no-small), then the province-shaped one beside it, both kept running for
    the command's latency, measured on them in turn."""
    stacks: list[ScaleStack] = []
    connections: list[Any] = []
    built: dict[str, tuple[Run, ServiceClient, ScaleStack]] = {}
    plan = [] if args.no_small else [("one station", TINY, False, 0)]
    try:
        for name, size, full, workers in [*plan, (f"SIZE {args.size:g}", args.size, True, args.workers)]:
            stack = ScaleStack()
            stacks.append(stack)
            say(f"{name}: working in {stack.root}")
            await asyncio.to_thread(stack.start_servers)
            run, nc, client = await measure_stack(stack, size, args.calls, full, workers)
            connections.append(nc)
            built[name] = (run, client, stack)
        today = china_today()
        commands = await interleaved(args.calls, {name: command_call(client, stack, run.history.places, today)
                                                  for name, (run, client, stack) in built.items()})
        load = os.getloadavg()
        for name, (run, _, _) in built.items():
            run.command, run.load = commands[name], load
            say(f"{name}: {run.command.line()}")
        runs = [run for run, _, _ in built.values()]
        return runs[-1], (runs[0] if len(runs) > 1 else None)
    finally:
        for nc in connections:
            await nc.close()
        for stack in reversed(stacks):
            stack.stop()
            stack.remove()


def ms(value: float) -> str:
    return f"{value:,.1f} ms"


def write(path: Path, big: Run, small: Run | None, started: datetime, load_before: tuple[float, ...],
          wall: float) -> None:
    h, d = big.history, big.drain
    assert d is not None
    total = sum(h.events.values())
    stations = len(h.places)
    districts = len({p.district_code for p in h.places})
    cities = len({p.city_code for p in h.places})
    province_events = total / big.size
    written_rate = total / h.wall_seconds
    rebuild_rate = big.rebuild_events / big.rebuild_seconds if big.rebuild_seconds else 0.0
    province_rebuild_min = province_events / rebuild_rate / 60 if rebuild_rate else float("nan")
    facts = "\n".join(f"- **{k}**: {v}" for k, v in big.facts.items())
    rows = "\n".join(
        f"| {q.name} | {q.how} | {ms(q.p50) if q.values else '–'} | {ms(q.p99) if q.values else '–'} |"
        f" {q.note or ''} |" for q in big.queries)
    station_q = [q for q in big.queries if q.values and "province" not in q.name]
    province_q = next((q for q in big.queries if q.name.startswith("province")), None)
    worst = max(station_q, key=lambda q: q.p99) if station_q else None
    worst_line = f"worst: {worst.name}, p99 {ms(worst.p99)}" if worst else "none measured"

    def verdict(ok: bool) -> str:
        return "**met**" if ok else "**short**"

    targets = [
        f"- Station and district queries p99 ≤ 100 ms: {verdict(worst is not None and worst.p99 <= 100)} at SIZE"
        f" {big.size:g} ({worst_line}).",
        "- Province overview p99 ≤ 1 s: " + (
            f"{verdict(province_q.p99 <= 1000)} at SIZE {big.size:g} (p99 {ms(province_q.p99)})."
            if province_q and province_q.values else f"not measured: {province_q.note if province_q else '–'}."),
        f"- Full rebuild of a province year < 15 min: {big.rebuild_events:,} events in {big.rebuild_seconds:.0f} s"
        f" ({rebuild_rate:,.0f} events/s); at that rate a province year (≈{province_events:,.0f} events) takes"
        f" ≈{province_rebuild_min:.0f} min: {verdict(province_rebuild_min < 15)}"
        f"{'' if big.size == 1 else ' (extrapolated, linearly: not measured at the full province)'}.",
    ]
    command = big.command
    rates = ", ".join(f"{s} {d.relay_rate[s]:,.0f}" for s in SOURCES)
    command_ratio = (f"p50 {command.p50 / small.command.p50:.2f}×, p99 {command.p99 / small.command.p99:.2f}×"
                     if command and command.values and small and small.command and small.command.values
                     else "not compared")
    compare = ""
    if command and command.values and small and small.command and small.command.values:
        compare = (f"| `record_case_session` at SIZE {big.size:g} ({stations} stations, {total:,} events) |"
                   f" {ms(command.p50)} | {ms(command.p99)} |\n"
                   f"| `record_case_session`, one-station stack ({sum(small.history.events.values()):,} events) |"
                   f" {ms(small.command.p50)} | {ms(small.command.p99)} |\n"
                   f"| ratio (province-shaped / small) | {command.p50 / small.command.p50:.2f}× |"
                   f" {command.p99 / small.command.p99:.2f}× |")
    elif command:
        compare = f"| `record_case_session` | {command.line()} | |"
    district_word, city_word = ("district" if districts == 1 else "districts"), ("city" if cities == 1 else "cities")
    loaded = (f"load average {load_before[0]:.2f} / {load_before[1]:.2f} / {load_before[2]:.2f} at the start and"
              f" {big.load[0]:.2f} / {big.load[1]:.2f} / {big.load[2]:.2f} at the end, on 2 cores")
    provisional = "" if big.size == 1 else (
        f"\n**Provisional**: SIZE {big.size:g} is not the province, and the machine was busy with other work (the"
        " load averages above, on 2 cores): these are not the recorded figures. The recorded run is the lead's, at"
        " SIZE=province.\n")
    path.write_text(f"""# hemiao at province scale (`make bench-scale`)

Run at {started:%Y-%m-%d %H:%M} UTC by `python -m bench.scale --size {big.size:g}` (`make bench-scale
SIZE={big.size:g}`), {wall / 60:.0f} minutes in all, {loaded}; every number below is measured in that run.
{provisional}
## Machine

{facts}

## Method

- **History**: Hunan ({PROVINCE}) at SIZE {big.size:g}: {stations:,} stations in {districts} {district_word} of
  {cities} {city_word} (1,900 in 122 of 14 at SIZE 1), each on its own street (12-digit statistical code under its
  6-digit district) with 4 communities, 3 staff, and a year of work up to yesterday: 80 recipients, 42 cases
  (each assessed, planned, its plan submitted and approved, a session a week; half evaluated and closed),
  4 groups of 10 members with 10 sessions and their sign-ins, 24 activities, 30 volunteers with 10 services
  each. {total:,} events ({', '.join(f'{s} {n:,}' for s, n in h.events.items())}; {total / stations:,.0f} a
  station). Every event was decided by the services' domain functions (`bench/scale_history.py`) from a
  command and the state folded from its stream, sealed with `shared.eventstore.sealing.sealed_data` under a
  person key of its own (in `person_keys`, wrapped with the stack's data key), with the derived rows the
  services' endpoints keep (search indexes), and copied into each service's `events` table with COPY, one
  transaction per station and service, before the services started: {h.wall_seconds:.0f} s in all
  ({written_rate:,.0f} events/s; deciding and sealing {h.deciding_seconds:.0f} s of CPU
  {f"in {h.workers} worker processes" if h.workers else "in the bench process"}, copying
  {h.writing_seconds:.0f} s).
- **Publish and project**: then the four processes start (`bench/stack.py`). The relays find the backlog and
  publish it; relay throughput is each stream's messages over the time between its first and last message
  (JetStream's own timestamps). Reporting's live consumers apply it meanwhile; their figure is all events over
  the time from their first event applied to the moment both checkpoints reached the streams' ends (both polled,
  every 0.1 and 0.25 s). Reporting starts after the write services, so at small sizes the relays are done
  before it begins; at large ones it can go no faster than the relays. Events parked (a consumer could not apply
  them) after the drain: {d.parked}.
- **Rebuild**: what `make rebuild` runs (`services.reporting.rebuild.rebuild`, every projection), in the bench
  process, while the live consumers run.
- **Queries**: each {max((len(q.values) for q in big.queries[1:]), default=0)} times, one after another after
  two warm-up calls, over NATS to reporting (the request the gateway makes), with the token named; the station
  is the province's middle one, the district the one with most stations, periods the last whole month or the
  year of work (from a year ago to yesterday).
- **Command**: one client's `record_case_session` over NATS on the open cases of one station, one call at a
  time, on this stack and on a one-station stack (SIZE tiny, the same history per station) built first and
  kept running beside it: the calls go to one stack and the other in turn, so both see the same machine.

## Results

| What | Figure |
|---|---|
| History written (decided, sealed, copied) | {total:,} events in {h.wall_seconds:.0f} s: {written_rate:,.0f} events/s |
{chr(10).join(f'| Relay drain, {s} | {d.relay_rate[s]:,.0f} events/s ({d.relay_seconds[s]:.0f} s) |' for s in SOURCES)}
| Reporting live catch-up | {d.events:,} events in {d.applied_seconds:.0f} s: {d.applied_rate:,.0f} events/s |
| Full rebuild | {big.rebuild_events:,} events in {big.rebuild_seconds:.0f} s: {rebuild_rate:,.0f} events/s |

| Query | How | p50 | p99 | Note |
|---|---|---|---|---|
{rows}

| Command (one client) | p50 | p99 |
|---|---|---|
{compare}

## Targets at province size

{chr(10).join(targets)}

## What the figures say, and what the history leaves out

- The drain and the rebuild are the stack's own rates at this size: relays {rates}, reporting live
  {d.applied_rate:,.0f} and rebuild {rebuild_rate:,.0f} events/s, against the 5,000 events/s issue 16 asks of
  each; the rebuild time above is theirs, scaled to the province's events.
- The command's cost at this size against the one-station stack: {command_ratio}. Each case's history is the
  same in both (20 to 30 events); what differs is everything else in the store and in reporting. The calls
  alternate between the two stacks, so a change of load falls on both.
- The dashboard and the overviews read each station's figures summed ahead by day and by month (migration 0032,
  `services/reporting/queries/station_figures.py`), recounted from the fact tables where events marked them: the
  load marks every station, so the first overview after it recounts them all (its own row above, one call); the
  calls timed after it read sums already counted. Under live writes each query first recounts what was marked
  at its stations since the last (for a new session, that station's month).
- Left out of the history: ID numbers (so no unique claims), group members linked to recipients, projects,
  publicity, surveys, supervision and meetings. The derived rows written with it are those the services'
  endpoints keep in the store (`store.keep`: the search indexes, and any lookup wired in the same way); a
  lookup table kept otherwise would be empty for the bulk-written streams.
""")


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    started = datetime.now(UTC)
    load_before = os.getloadavg()
    say(f"load average {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}")
    began = time.monotonic()
    big, small = asyncio.run(both(args))
    write(args.output, big, small, started, load_before, time.monotonic() - began)
    say(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
