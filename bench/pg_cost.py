"""Where PostgreSQL's CPU goes on the write path: `make bench`'s NATS phase (`record_case_session` on distinct
cases) on the bench stack, with `pg_stat_statements` loaded, in a few variants of one sitting (as is, without the
NOTIFY trigger, and figures-only settings such as `synchronous_commit=off`), then EXPLAIN (ANALYZE, BUFFERS, WAL)
of the append, the cached state's check and the relay's reads on a warm events table of realistic size.

It prints, per variant: commands/s, PostgreSQL's CPU per command split by backend (the cases pool, the relay,
the reporting and activities consumers, WAL writer, checkpointer, ...), WAL and commits per command, and per
statement (every database, nested statements of triggers and functions marked): calls, exec and plan time, rows,
shared blocks hit/read/dirtied, WAL bytes and full-page images, and the share of the top-level time.

    .venv/bin/python -m bench.pg_cost [--seconds 10] [--variants as-is,no-trigger,async-commit] [--perf]

Its figures are not the recorded bench: they print the load average, and a loaded machine's are provisional."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import psutil

from bench import workloads
from bench.run import STATION, cases_warmed, nats_clients
from bench.stack import BenchStack, say
from bench.stats import Throughput
from shared import relay
from shared.auth import issue_token
from shared.devstack.demo import SYSTEM, social_worker
from shared.devstack.embedded import EmbeddedNats, EmbeddedPostgres, free_port
from shared.eventstore import postgres as store_sql
from shared.migrations import EVENT_STORE_MIGRATIONS, ensure_database, migrate
from shared.natsio import connect
from shared.runtime import ServiceClient

CASES_DB = "hemiao_cases"
WRITE_DATABASES = ("hemiao_cases", "hemiao_activities")
EXPLAIN_DB = "pgcost_explain"
STATEMENT_SETTINGS = {
    "shared_preload_libraries": "pg_stat_statements",
    "pg_stat_statements.track": "all",  # statements inside functions and triggers too (marked not top level)
    "pg_stat_statements.track_planning": "on",
    "pg_stat_statements.max": "5000",
    "track_io_timing": "on",
    "track_wal_io_timing": "on",
}


@dataclass(frozen=True)
class Variant:
    """One window of the workload, with the server or schema changed for it (and put back after)."""

    name: str
    what: str
    before: tuple[str, ...] = ()
    """Statements run in hemiao_cases before the window (ALTER SYSTEM ones are followed by a reload)."""
    after: tuple[str, ...] = ()


VARIANTS = {
    "as-is": Variant("as-is", "the stack as it is (every migration of this tree)"),
    "no-trigger": Variant(
        "no-trigger", "the NOTIFY trigger disabled (the relay then finds events by its 1 s poll)",
        ("ALTER TABLE events DISABLE TRIGGER events_inserted_notify",),
        ("ALTER TABLE events ENABLE TRIGGER events_inserted_notify",)),
    "async-commit": Variant(
        "async-commit", "synchronous_commit=off (figures only: NOT durable, never a default)",
        ("ALTER SYSTEM SET synchronous_commit = off",), ("ALTER SYSTEM RESET synchronous_commit",)),
    "generic-plans": Variant(
        "generic-plans", "plan_cache_mode=force_generic_plan, server-wide (every database, reporting's too)",
        ("ALTER SYSTEM SET plan_cache_mode = force_generic_plan",), ("ALTER SYSTEM RESET plan_cache_mode",)),
    "commit-delay": Variant(
        "commit-delay", "commit_delay=200 µs, commit_siblings=3 (durable group commit)",
        ("ALTER SYSTEM SET commit_delay = 200", "ALTER SYSTEM SET commit_siblings = 3"),
        ("ALTER SYSTEM RESET commit_delay", "ALTER SYSTEM RESET commit_siblings")),
}


class StatementsPostgres(EmbeddedPostgres):
    """The embedded server with pg_stat_statements loaded: initialised and started once, the settings written with
    ALTER SYSTEM, then restarted (the embedded server takes no extra -c settings)."""

    def start(self) -> None:
        super().start()

        async def configure() -> None:
            conn = await asyncpg.connect(self.dsn())
            try:
                for name, value in STATEMENT_SETTINGS.items():
                    await conn.execute(f"ALTER SYSTEM SET {name} = '{value}'")
            finally:
                await conn.close()

        asyncio.run(configure())
        self.stop()
        super().start()


@dataclass
class PgCostStack(BenchStack):
    """The bench stack, its PostgreSQL with pg_stat_statements; event-store migrations named in `skipped` are
    recorded as applied in the write services' databases before they start, so they never run (the A/B of a
    migration in one sitting)."""

    skipped: tuple[str, ...] = ()

    def start_servers(self) -> None:
        self.postgres = StatementsPostgres(self.root / "pg", port=free_port())
        self.postgres.start()
        say(f"PostgreSQL (pg_stat_statements) on 127.0.0.1:{self.postgres.port}")
        self.nats = EmbeddedNats(self.root / "nats", port=free_port())
        self.nats.start()
        say(f"nats-server on {self.nats.url}")
        if self.skipped:
            asyncio.run(self._skip())

    async def _skip(self) -> None:
        for database in WRITE_DATABASES:
            dsn = self.dsn(database)
            await ensure_database(dsn)
            conn = await asyncpg.connect(dsn)
            try:
                await conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations"
                                   " (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())")
                for name in self.skipped:
                    await conn.execute("INSERT INTO schema_migrations (name) VALUES ($1)", f"eventstore/{name}")
            finally:
                await conn.close()
        say(f"migrations left out: {', '.join(self.skipped)}")


# ---------------------------------------------------------------------------------------------------------------
# CPU per backend


async def backends(conn: asyncpg.Connection) -> dict[int, str]:
    """Each PostgreSQL process, by pid, named by what it serves: the cases pool, the relay, another database's
    clients, or its backend type (walwriter, checkpointer, io worker, ...)."""
    rows = await conn.fetch("SELECT pid, datname, backend_type, coalesce(query, '') AS query FROM pg_stat_activity")
    named: dict[int, str] = {}
    for row in rows:
        if row["backend_type"] != "client backend":
            named[row["pid"]] = row["backend_type"]
            continue
        database = (row["datname"] or "?").removeprefix("hemiao_")
        query = row["query"]
        if row["pid"] == conn.get_server_pid():
            named[row["pid"]] = "pg_cost itself"
        elif row["datname"] in WRITE_DATABASES and ("relay_checkpoint" in query or "pg_snapshot_xmin" in query
                                                    or "LISTEN" in query):
            named[row["pid"]] = f"{database}: relay"
        elif "pg_advisory" in query or "pg_try_advisory" in query:
            named[row["pid"]] = f"{database}: leader election"
        else:
            named[row["pid"]] = f"{database}: pool"
    return named


def cpu_of(pids: dict[int, str]) -> dict[int, float]:
    """User plus system CPU seconds so far of each pid still running."""
    found: dict[int, float] = {}
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            times = psutil.Process(pid).cpu_times()
            found[pid] = float(times.user + times.system)
    return found


def postgres_total(postmaster: int) -> float:
    """CPU seconds of the postmaster and all its children, exited ones included."""
    process = psutil.Process(postmaster)
    times = process.cpu_times()
    total = float(times.user + times.system + times.children_user + times.children_system)
    for child in process.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            each = child.cpu_times()
            total += each.user + each.system
    return total


# ---------------------------------------------------------------------------------------------------------------
# pg_stat_statements and the server's counters


_STATEMENTS = """
    SELECT d.datname, s.toplevel, s.queryid, s.query, s.calls, s.total_exec_time, s.total_plan_time, s.plans,
           s.rows, s.shared_blks_hit, s.shared_blks_read, s.shared_blks_dirtied, s.shared_blks_written,
           s.wal_records, s.wal_fpi, s.wal_bytes::bigint AS wal_bytes
    FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
    WHERE s.calls > 0 AND s.query NOT LIKE '%pg_stat_statements%'
    ORDER BY s.total_exec_time + s.total_plan_time DESC
"""

_COUNTERS = """
    SELECT (SELECT wal_records FROM pg_stat_wal) AS wal_records, (SELECT wal_fpi FROM pg_stat_wal) AS wal_fpi,
           (SELECT wal_bytes::bigint FROM pg_stat_wal) AS wal_bytes,
           (SELECT coalesce(sum(fsyncs), 0)::bigint FROM pg_stat_io WHERE object = 'wal') AS wal_fsyncs,
           (SELECT coalesce(sum(fsync_time), 0)::float8 FROM pg_stat_io WHERE object = 'wal') AS wal_fsync_ms,
           (SELECT xact_commit FROM pg_stat_database WHERE datname = 'hemiao_cases') AS cases_commits,
           (SELECT sum(xact_commit)::bigint FROM pg_stat_database) AS all_commits
"""


def shorter(query: str, width: int = 150) -> str:
    """A statement on one line, cut to `width`."""
    line = " ".join(query.split())
    return line if len(line) <= width else line[: width - 1] + "…"


async def counters(conn: asyncpg.Connection) -> dict[str, float]:
    """The server's cumulative WAL, WAL fsync and commit counters (flushed first)."""
    await conn.execute("SELECT pg_stat_force_next_flush()")
    row = await conn.fetchrow(_COUNTERS)
    assert row is not None
    return {key: float(value or 0) for key, value in row.items()}


# ---------------------------------------------------------------------------------------------------------------
# the workload


@dataclass
class Window:
    """What one variant's window measured."""

    variant: str
    what: str
    commands: int = 0
    seconds: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    errors: dict[str, int] = field(default_factory=dict)
    postgres_cpu_s: float = 0.0
    cpu_by_backend: dict[str, float] = field(default_factory=dict)
    counters: dict[str, float] = field(default_factory=dict)
    statements: list[dict[str, Any]] = field(default_factory=list)
    load_average: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.commands / self.seconds if self.seconds else 0.0

    def per_command(self, value: float) -> float:
        return value / max(1, self.commands)


async def measure_window(stack: BenchStack, admin: asyncpg.Connection, variant: Variant, warmup: float,
                         run: Callable[[], Awaitable[Throughput]]) -> Window:
    """Change the server for the variant, reset the statistics, run the window, read them, put the server back."""
    cases = await asyncpg.connect(stack.dsn(CASES_DB))
    try:
        for statement in variant.before:
            await cases.execute(statement)
        if any(s.startswith("ALTER SYSTEM") for s in variant.before):
            await cases.execute("SELECT pg_reload_conf()")
            await asyncio.sleep(0.5)
        postmaster = stack.pids()["postgres"]
        running = asyncio.ensure_future(run())
        await asyncio.sleep(warmup)  # the statistics and CPU from the window's start: not the warm-up's
        await cases.execute("SELECT pg_stat_statements_reset()")
        named = await backends(admin)
        before_cpu, before_total, before = cpu_of(named), postgres_total(postmaster), await counters(admin)
        started = time.monotonic()
        result = await running
        wall = time.monotonic() - started
        after_cpu, after_total, after = cpu_of(named), postgres_total(postmaster), await counters(admin)
        named.update(await backends(admin))  # names as last seen (a pool's connection may have started since)
        rows = await cases.fetch(_STATEMENTS)
    finally:
        for statement in variant.after:
            await cases.execute(statement)
        if any(s.startswith("ALTER SYSTEM") for s in variant.after):
            await cases.execute("SELECT pg_reload_conf()")
        await cases.close()
    window = Window(variant=variant.name, what=variant.what, load_average=[round(x, 2) for x in os.getloadavg()])
    window.commands, window.seconds = result.ok, result.window_seconds
    window.p50_ms, window.p99_ms, window.errors = result.p50, result.p99, dict(result.errors)
    # from the window's start to the last client's end (a command past the window's end): scaled to the window
    scale = result.window_seconds / wall if wall else 1.0
    window.postgres_cpu_s = (after_total - before_total) * scale
    by_backend: dict[str, float] = {}
    for pid, seconds in after_cpu.items():
        if pid in before_cpu:
            by_backend[named[pid]] = by_backend.get(named[pid], 0.0) + (seconds - before_cpu[pid]) * scale
    by_backend["exited or started during the window"] = window.postgres_cpu_s - sum(by_backend.values())
    window.cpu_by_backend = dict(sorted(by_backend.items(), key=lambda kv: -kv[1]))
    window.counters = {key: after[key] - before[key] for key in after}
    window.statements = [dict(row) for row in rows]
    return window


async def workload(stack: BenchStack, args: argparse.Namespace) -> list[Window]:
    """The NATS phase's set-up, then one window per variant."""
    system = issue_token(stack.secret, SYSTEM, ttl_seconds=7200)
    worker = issue_token(stack.secret, social_worker(STATION), ttl_seconds=7200)
    today = datetime.now(UTC).date()
    held_on = today - timedelta(days=1)
    nc = await connect(stack.env["NATS_URL"], "hemiao-bench-pgcost")
    admin = await asyncpg.connect(stack.dsn(CASES_DB))
    windows: list[Window] = []
    try:
        await admin.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        setup = ServiceClient(nc, stack.namespace, timeout=60.0)
        cases = await cases_warmed(setup, system, worker, args.clients, today)
        async with nats_clients(stack.env["NATS_URL"], stack.namespace, args.clients) as clients:
            for name in args.variants:
                variant = VARIANTS[name]
                say(f"window {name}: {variant.what}")
                recording = PerfRecording(stack) if args.perf and name == "as-is" else None
                window = await measure_window(stack, admin, variant, args.warmup, functools.partial(
                    workloads.closed_loop, f"NATS, distinct cases ({name})", args.clients, args.warmup,
                    args.seconds, workloads.nats_commands(clients, worker, cases, held_on, distinct=True)))
                if recording is not None:
                    window.statements.insert(0, {"perf": recording.stop()})
                windows.append(window)
                await asyncio.sleep(1.0)  # the relay and consumers catch up before the next window
    finally:
        await admin.close()
        await nc.close()
    return windows


class PerfRecording:
    """`perf record` of every PostgreSQL process during the window (when perf is there and may attach)."""

    def __init__(self, stack: BenchStack) -> None:
        self.out = stack.root / "postgres.perf"
        postmaster = psutil.Process(stack.pids()["postgres"])
        pids = [postmaster.pid, *(child.pid for child in postmaster.children(recursive=True))]
        self.popen: subprocess.Popen[bytes] | None = None
        with contextlib.suppress(OSError):
            self.popen = subprocess.Popen(["perf", "record", "-F", "499", "-g", "-o", str(self.out),
                                           "-p", ",".join(map(str, pids))],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self, top: int = 30) -> list[str]:
        """The top symbols by self time."""
        if self.popen is None:
            return ["perf did not start"]
        self.popen.send_signal(2)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=30)
        done = subprocess.run(["perf", "report", "-i", str(self.out), "--no-children", "--sort", "symbol",
                               "--stdio", "-g", "none", "--percent-limit", "0.7"],
                              capture_output=True, text=True, check=False)
        lines = [line.rstrip() for line in done.stdout.splitlines() if line.strip() and not line.startswith("#")]
        return lines[:top]


# ---------------------------------------------------------------------------------------------------------------
# EXPLAIN on a warm table of realistic size, and the rows' sizes


async def sizes(dsn: str) -> dict[str, Any]:
    """The events table's indexes and their sizes, its rows' data and metadata sizes, and its TOAST table."""
    conn = await asyncpg.connect(dsn)
    try:
        indexes = await conn.fetch(
            "SELECT i.relname AS index, pg_get_indexdef(x.indexrelid) AS definition,"
            " pg_relation_size(x.indexrelid) AS bytes FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
            " WHERE x.indrelid = 'events'::regclass ORDER BY i.relname")
        rows = await conn.fetchrow(
            "SELECT count(*) AS events, avg(pg_column_size(data))::int AS data_stored,"
            " avg(octet_length(data::text))::int AS data_text, max(pg_column_size(data)) AS data_max,"
            " avg(pg_column_size(metadata))::int AS metadata_stored, max(pg_column_size(metadata)) AS metadata_max,"
            " count(*) FILTER (WHERE pg_column_size(data) > 2000 OR pg_column_size(metadata) > 2000) AS over_2k,"
            " pg_relation_size('events') AS heap_bytes,"
            " coalesce(pg_relation_size((SELECT reltoastrelid FROM pg_class WHERE relname = 'events')), 0)"
            " AS toast_bytes FROM events")
        types = await conn.fetch("SELECT type, count(*) AS n, avg(pg_column_size(data))::int AS data_stored"
                                 " FROM events GROUP BY type ORDER BY n DESC LIMIT 8")
        tables = await conn.fetch(
            "SELECT relname AS table, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_dead_tup, autovacuum_count"
            " FROM pg_stat_user_tables ORDER BY n_tup_ins + n_tup_upd DESC LIMIT 8")
        return {"indexes": [dict(r) for r in indexes], "rows": dict(rows or {}),
                "types": [dict(r) for r in types], "tables": [dict(r) for r in tables]}
    finally:
        await conn.close()


_FILL = """
    INSERT INTO events (stream_id, stream_type, version, event_id, type, schema_version, data, metadata, recorded_at)
    SELECT 'case-' || md5('pgcost' || (g % $2))::uuid, 'case', g / $2 + 1, gen_random_uuid(), $3, $4, $5::jsonb,
           $6::jsonb, now() - make_interval(secs => $1 - g)
    FROM generate_series(0, $1 - 1) AS g
"""


async def explain(stack: BenchStack, events: int, streams: int, appends: int) -> dict[str, Any]:
    """EXPLAIN (ANALYZE, BUFFERS, WAL) of the append, the check and the relay's reads, on a copy of the event store
    filled with `events` events in `streams` interleaved streams shaped like the cases' session events."""
    dsn = stack.dsn(EXPLAIN_DB)
    await migrate(dsn, [EVENT_STORE_MIGRATIONS])
    source = await asyncpg.connect(stack.dsn(CASES_DB))
    conn = await asyncpg.connect(dsn)
    found: dict[str, Any] = {"events": events, "streams": streams}
    try:
        await conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        sample = await source.fetchrow("SELECT type, schema_version, data::text, metadata::text FROM events"
                                       " WHERE type = 'CaseSessionRecorded' ORDER BY global_position DESC LIMIT 1")
        key = await source.fetchrow("SELECT person_id, wrapped FROM person_keys LIMIT 1")
        assert sample is not None and key is not None, "the workload wrote session events and keys"
        started = time.monotonic()
        await conn.execute(_FILL, events, streams, sample["type"], sample["schema_version"], sample["data"],
                           sample["metadata"])
        await conn.execute("INSERT INTO person_keys (person_id, wrapped) VALUES ($1, $2)", key["person_id"],
                           key["wrapped"])
        await conn.execute("VACUUM (ANALYZE) events")
        await conn.execute("CHECKPOINT")
        found["fill_seconds"] = round(time.monotonic() - started, 1)
        stream = await conn.fetchval("SELECT stream_id FROM events ORDER BY global_position DESC LIMIT 1")
        at = await conn.fetchval("SELECT max(version) FROM events WHERE stream_id = $1", stream)
        last = await conn.fetchrow("SELECT tx_id::text, global_position FROM events ORDER BY global_position DESC"
                                   " LIMIT 1 OFFSET 5")
        assert last is not None

        def append_args(idempotency: bool) -> list[Any]:
            event_id = uuid4()
            return [[stream], [at], [key["person_id"]], [key["wrapped"]], [stream], ["case"], [at + 1], [event_id],
                    [sample["type"]], [sample["schema_version"]], [sample["data"]], sample["metadata"],
                    datetime.now(UTC), f"pgcost-{event_id}" if idempotency else None,
                    "fingerprint" if idempotency else None, stream, at + 1, '{"session_id": "x"}']

        # the store's own statements, as this tree has them (another tree may have changed or dropped them)
        append, check = getattr(store_sql, "_APPEND_AT_ONCE", None), getattr(store_sql, "_AFTER_WITH_KEYS", None)
        statements: dict[str, tuple[str | None, Callable[[], list[Any]]]] = {
            "append (_APPEND_AT_ONCE), no idempotency key": (append, lambda: append_args(False)),
            "append (_APPEND_AT_ONCE), with idempotency key": (append, lambda: append_args(True)),
            "check (_AFTER_WITH_KEYS)": (check, lambda: [stream, at, [key["person_id"]]]),
            "relay read (_UNPUBLISHED, 5 to go)": (_relay_sql("_UNPUBLISHED"),
                                                  lambda: [last["tx_id"], last["global_position"], 1000]),
            "relay held-back check (_HELD_BACK)": (_relay_sql("_HELD_BACK"),
                                                  lambda: [last["tx_id"], last["global_position"]]),
        }
        plans: dict[str, list[str]] = {}
        for name, (sql, arguments) in statements.items():
            if sql is None:
                continue
            lines: list[str] = []
            for _ in range(5):  # warm: the last of five, each rolled back
                tx = conn.transaction()
                await tx.start()
                try:
                    plan = await conn.fetch("EXPLAIN (ANALYZE, BUFFERS, WAL, SETTINGS) " + sql, *arguments())
                finally:
                    await tx.rollback()
                lines = [row[0] for row in plan]
            plans[name] = lines
            if "with idempotency" not in name:
                plans[f"{name.removesuffix(', no idempotency key')}: its generic plan"] = generic_plan(stack, dsn, sql)
        found["plans"] = plans
        if append is not None and appends:
            found["wal"] = await wal_after_checkpoint(conn, append, sample, key, appends)
        found["sizes"] = await sizes(dsn)
    finally:
        await source.close()
        await conn.close()
    return found


def generic_plan(stack: BenchStack, dsn: str, sql: str) -> list[str]:
    """EXPLAIN (GENERIC_PLAN): the plan every execution shares under plan_cache_mode=force_generic_plan. By psql,
    whose simple protocol sends the $n placeholders unbound (asyncpg would ask for their values)."""
    assert stack.postgres is not None
    done = subprocess.run([str(stack.postgres.bin_dir / "psql"), "-X", "-A", "-t", "-d", dsn, "-c",
                           "EXPLAIN (GENERIC_PLAN) " + sql], capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).rstrip().splitlines()


def uuid7() -> UUID:
    """A time-ordered UUID (RFC 9562 version 7): 48 bits of Unix milliseconds, then random bits."""
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10), "big")
    value = (value & ~(0xF << 76)) | (0x7 << 76)  # version 7
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # the RFC variant
    return UUID(int=value)


async def wal_after_checkpoint(conn: asyncpg.Connection, append: str, sample: asyncpg.Record, key: asyncpg.Record,
                               appends: int) -> list[dict[str, Any]]:
    """WAL and full-page images per append in the minutes after a checkpoint (when every page an insert touches
    first is written whole), one event each on streams drawn at random, committed one by one as the store does:
    with random (version 4) event ids as today, with time-ordered (version 7) ones, and without the event id's
    unique index at all."""
    streams = {row["stream_id"]: row["version"] for row in await conn.fetch(
        "SELECT stream_id, max(version) AS version FROM events GROUP BY stream_id")}
    names = list(streams)
    rng = random.Random(7)
    found = []
    for kind in ("uuid4", "uuid7", "no event_id index"):
        if kind == "no event_id index":
            await conn.execute("ALTER TABLE events DROP CONSTRAINT events_event_id_key")
        await conn.execute("CHECKPOINT")
        await conn.execute("SELECT pg_stat_statements_reset()")
        started = time.monotonic()
        for _ in range(appends):
            stream = rng.choice(names)
            at = streams[stream]
            event_id = uuid7() if kind == "uuid7" else uuid4()
            await conn.execute(append, [stream], [at], [key["person_id"]], [key["wrapped"]], [stream], ["case"],
                               [at + 1], [event_id], [sample["type"]], [sample["schema_version"]], [sample["data"]],
                               sample["metadata"], datetime.now(UTC), None, None, stream, at + 1, "{}")
            streams[stream] = at + 1
        seconds = time.monotonic() - started
        row = await conn.fetchrow(
            "SELECT calls, total_exec_time, wal_records, wal_fpi, wal_bytes::bigint AS wal_bytes, shared_blks_dirtied"
            " FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid"
            " WHERE d.datname = current_database() AND s.query LIKE 'WITH streams%' AND s.toplevel")
        assert row is not None
        calls = max(1, row["calls"])
        found.append({"event ids": kind, "appends": row["calls"], "appends/s (one connection)":
                      round(row["calls"] / seconds), "exec ms/append": round(row["total_exec_time"] / calls, 3),
                      "WAL records/append": round(row["wal_records"] / calls, 1),
                      "FPI/append": round(row["wal_fpi"] / calls, 2),
                      "WAL bytes/append": round(row["wal_bytes"] / calls),
                      "pages dirtied/append": round(row["shared_blks_dirtied"] / calls, 2)})
    return found


def _relay_sql(name: str) -> str | None:
    return getattr(relay, name, None)


# ---------------------------------------------------------------------------------------------------------------
# the report


def table(window: Window, top: int) -> list[str]:
    """One window's per-statement table (markdown)."""
    rows = [s for s in window.statements if "perf" not in s]
    total = sum(s["total_exec_time"] + s["total_plan_time"] for s in rows if s["toplevel"]) or 1.0
    lines = ["| db | top | calls/cmd | exec ms (mean) | plan ms (mean) | share | rows/call | hit | read | dirtied"
             " | WAL B/call | FPI | statement |", "|" + "---|" * 13]
    for s in rows[:top]:
        calls = s["calls"] or 1
        lines.append(
            f"| {s['datname'].removeprefix('hemiao_')} | {'y' if s['toplevel'] else 'nested'}"
            f" | {s['calls'] / max(1, window.commands):.2f}"
            f" | {s['total_exec_time']:.0f} ({s['total_exec_time'] / calls:.3f})"
            f" | {s['total_plan_time']:.0f} ({s['total_plan_time'] / max(1, s['plans'] or calls):.3f},"
            f" {s['plans'] / calls:.2f} plans/call)"
            f" | {100 * (s['total_exec_time'] + s['total_plan_time']) / total:.1f} %"
            f" | {s['rows'] / calls:.1f} | {s['shared_blks_hit'] / calls:.1f} | {s['shared_blks_read'] / calls:.2f}"
            f" | {s['shared_blks_dirtied'] / calls:.2f} | {s['wal_bytes'] / calls:.0f} | {s['wal_fpi']}"
            f" | `{shorter(s['query'], 110).replace('|', '/')}` |")
    return lines


def report(windows: list[Window], explained: dict[str, Any] | None, cases_sizes: dict[str, Any],
           args: argparse.Namespace) -> str:
    """The findings as markdown, to paste into bench/PG_COST.md."""
    out = [f"Run at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {args.clients} clients, {args.seconds:.0f} s windows,"
           f" migrations left out: {', '.join(args.skip_migration) or 'none'},"
           f" load average at the end {', '.join(f'{x:.2f}' for x in os.getloadavg())}.", "",
           "| variant | commands/s | p50 ms | p99 ms | PG CPU ms/cmd | PG CPU % of a core | WAL B/cmd | FPI/cmd"
           " | WAL fsyncs/cmd (ms each) | commits/cmd (cases, all dbs) | errors | load |", "|" + "---|" * 12]
    for w in windows:
        c = w.counters
        out.append(f"| {w.variant} | {w.rate:.0f} | {w.p50_ms:.1f} | {w.p99_ms:.1f}"
                   f" | {1000 * w.per_command(w.postgres_cpu_s):.2f}"
                   f" | {100 * w.postgres_cpu_s / max(w.seconds, 1e-9):.0f}"
                   f" | {w.per_command(c['wal_bytes']):.0f} | {w.per_command(c['wal_fpi']):.2f}"
                   f" | {w.per_command(c['wal_fsyncs']):.2f} ({c['wal_fsync_ms'] / max(1.0, c['wal_fsyncs']):.2f})"
                   f" | {w.per_command(c['cases_commits']):.2f}, {w.per_command(c['all_commits']):.2f}"
                   f" | {sum(w.errors.values())} | {w.load_average[0]:.1f} |")
    for w in windows:
        out += ["", f"### {w.variant}: {w.what}", "", "PostgreSQL CPU per command, by backend (ms):", ""]
        out += [f"- {name}: {1000 * w.per_command(seconds):.3f}" for name, seconds in w.cpu_by_backend.items()
                if abs(seconds) >= 0.00001 * max(1, w.commands)]
        perf = next((s["perf"] for s in w.statements if "perf" in s), None)
        if perf:
            out += ["", "perf, PostgreSQL's processes, top symbols by self time:", "", "```", *perf, "```"]
        out += ["", *table(w, args.top)]
    out += ["", "### the cases store after the windows", "", "```",
            json.dumps(cases_sizes, default=str, ensure_ascii=False, indent=1), "```"]
    if explained:
        out += ["", f"### EXPLAIN on {explained['events']:,} events in {explained['streams']:,} streams"
                    f" (filled in {explained['fill_seconds']} s)", ""]
        for name, lines in explained["plans"].items():
            out += [f"{name}:", "", "```", *lines, "```", ""]
        if explained.get("wal"):
            keys = list(explained["wal"][0])
            out += ["WAL in the minutes after a checkpoint, per append (one event, a random stream of the table):",
                    "", "| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
            out += ["| " + " | ".join(str(row[k]) for k in keys) + " |" for row in explained["wal"]]
            out.append("")
        out += ["```", json.dumps(explained["sizes"], default=str, ensure_ascii=False, indent=1), "```"]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pg_cost", description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--variants", default="as-is,no-trigger,commit-delay,async-commit",
                        help=f"comma-separated, of {', '.join(VARIANTS)}")
    parser.add_argument("--explain-events", type=int, default=200_000, help="0: no EXPLAIN phase")
    parser.add_argument("--explain-streams", type=int, default=2_000)
    parser.add_argument("--wal-appends", type=int, default=3_000,
                        help="appends after a checkpoint, per event-id kind, of the WAL experiment (0: none)")
    parser.add_argument("--top", type=int, default=25, help="statements per window in the report")
    parser.add_argument("--perf", action="store_true", help="perf record PostgreSQL during the as-is window")
    parser.add_argument("--out", default="", help="write the markdown report to this file too")
    parser.add_argument("--skip-migration", action="append", default=[],
                        help="an event-store migration (file name) never to run, for an A/B; repeatable")
    args = parser.parse_args(argv)
    args.variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = [v for v in args.variants if v not in VARIANTS]
    if unknown:
        parser.error(f"unknown variants: {', '.join(unknown)}")
    stack = PgCostStack(skipped=tuple(args.skip_migration))
    started = time.monotonic()
    try:
        stack.start_servers()
        stack.start_services()
        windows = asyncio.run(workload(stack, args))
        cases_sizes = asyncio.run(sizes(stack.dsn(CASES_DB)))
        explained = asyncio.run(explain(stack, args.explain_events, args.explain_streams, args.wal_appends)) \
            if args.explain_events else None
    finally:
        stack.stop()
        stack.remove()
    text = report(windows, explained, cases_sizes, args)
    if args.out:
        Path(args.out).write_text(text)
    print(text)
    say(f"done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
