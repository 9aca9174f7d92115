"""`make bench`: start a private hemiao, measure it against raw PostgreSQL inserts, write bench/RESULTS.md."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import math
import signal
import sys
import time
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from types import FrameType
from typing import TypeVar

import asyncpg
import httpx
from nats.aio.client import Client
from nats.js.client import JetStreamContext

from bench import anchors, machine, profiling, report, workloads
from bench.lean_http import LeanClient, Poster
from bench.stack import BenchStack, say
from bench.stats import Progress, Throughput, Visibility
from services.cases.application.handlers import case_stream
from services.reporting.entrypoints.service import SOURCES
from services.reporting.projections import projections
from services.reporting.rebuild import RebuildOutcome, rebuild
from shared.auth import issue_token
from shared.config import stream_name
from shared.consumer import consumer_name
from shared.contracts.errors import DomainError
from shared.devstack.demo import SYSTEM, load_demo, social_worker, station_id
from shared.devstack.embedded import EmbeddedNats
from shared.natsio import connect
from shared.runtime import ServiceClient

T = TypeVar("T")
STATION = "HSP"
STATS_SETTLE_SECONDS = 11.0
"""PostgreSQL flushes an idle backend's statistics within 10 s; xact_rollback is read after that."""
DRAIN_TIMEOUT_SECONDS = 120.0
OPENING_CONCURRENCY = report.OPENING
"""Cases opened at once at the one station while setting up: the station's case register is one stream, and
more at once can run out of conflict retries on today's code (issue 16)."""
POLL_SECONDS = report.POLL_MS / 1000
OPENING_ATTEMPTS = 5
OPENING_REFUSALS: list[int] = []
"""How many openings the service refused with concurrency_conflict (and the bench sent again) while setting up."""


def arguments(argv: list[str] | None) -> argparse.Namespace:
    """The bench's knobs; the defaults keep a run under about six minutes on two cores."""
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients and threads of the throughput runs")
    parser.add_argument("--seconds", type=float, default=12.0, help="measured window of each write-path run")
    parser.add_argument("--reference-seconds", type=float, default=8.0, help="measured window of each anchor run")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured warm-up before each window")
    parser.add_argument("--shared-cases", type=int, default=16, help="cases the contended NATS run spreads over")
    parser.add_argument("--histories", default="10,100,1000", help="events of case history of the latency runs")
    parser.add_argument("--latency-samples", type=int, default=40, help="commands per history of the latency runs")
    parser.add_argument("--jetstream-events", type=int, default=20000, help="messages of the JetStream anchors")
    parser.add_argument("--window", type=int, default=256, help="unacknowledged publishes at most (publish anchor)")
    parser.add_argument("--batch", type=int, default=256, help="messages per fetch (apply anchor)")
    parser.add_argument("--backlog", type=int, default=10000, help="events of the relay and catch-up backlog")
    parser.add_argument("--samples", type=int, default=100, help="samples of the visibility run")
    parser.add_argument("--poll-ms", type=float, default=2.0, help="poll interval of the visibility run")
    parser.add_argument("--visibility-max", type=float, default=30.0, help="time limit of the visibility run, s")
    parser.add_argument("--profiler", choices=("auto", "py-spy", "cprofile", "none"), default="auto",
                        help="how the cases service is profiled in the distinct-cases run (auto: py-spy when it"
                             " can attach, else cProfile inside the process)")
    parser.add_argument("--provisional", action="store_true",
                        help="mark RESULTS.md as provisional (small settings or a loaded machine)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (data and logs) afterwards")
    args = parser.parse_args(argv)
    args.history_levels = sorted({int(h) for h in args.histories.split(",") if h.strip()})
    return args


@contextlib.asynccontextmanager
async def nats_clients(url: str, namespace: str, count: int) -> AsyncIterator[list[ServiceClient]]:
    """`count` service clients, each on its own NATS connection, closed on exit."""
    connections: list[Client] = []
    try:
        for n in range(count):
            connections.append(await connect(url, f"hemiao-bench-{n}"))
        yield [ServiceClient(nc, namespace) for nc in connections]
    finally:
        for nc in connections:
            await nc.close()


@contextlib.asynccontextmanager
async def http_clients(url: str, token: str, count: int, kind: str = "lean") -> AsyncIterator[list[Poster]]:
    """`count` keep-alive HTTP clients of the gateway at `url`, closed on exit: lean ones (bench/lean_http.py, as a
    load tool such as wrk writes requests: the load generator shares the cores with what it measures), or httpx's
    (`kind` "httpx", as a Python front end would)."""
    headers = {"Authorization": f"Bearer {token}"}
    clients: list[httpx.AsyncClient | LeanClient] = [
        httpx.AsyncClient(base_url=url, headers=headers, timeout=30.0) if kind == "httpx"
        else LeanClient(url, headers=headers, timeout=30.0) for _ in range(count)]
    try:
        yield clients
    finally:
        for client in clients:
            await client.aclose()


class Phases:
    """Runs each measurement with CPU accounting and a check that every process still lives."""

    def __init__(self, stack: BenchStack) -> None:
        """Phases of one stack, with no CPU figures yet."""
        self.stack = stack
        self.cpu: dict[str, dict[str, float]] = {}
        self.wall: dict[str, float] = {}

    async def run(self, name: str, measurement: Callable[[], Awaitable[T]]) -> T:
        """Run one measurement and note the CPU each process used meanwhile."""
        say(f"measuring {name} …")
        before, started = machine.cpu_snapshot(self.stack.pids()), time.monotonic()
        result = await measurement()
        self.wall[name] = time.monotonic() - started
        self.cpu[name] = machine.cpu_share(before, machine.cpu_snapshot(self.stack.pids()), self.wall[name])
        self.stack.check_alive()
        return result


async def wait_for_station(client: ServiceClient, token: str, station: str, timeout: float = 60.0) -> None:
    """Wait until reporting lists the station, i.e. the demo data went all the way to the read model."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = await client.call("reporting", "stations", {}, token=token)
        if any(s.get("station_id") == station for s in found["stations"]):
            return
        await asyncio.sleep(0.2)
    raise RuntimeError(f"station {station} did not reach the read model within {timeout:.0f} s")


async def cases_warmed(setup: ServiceClient, system: str, worker: str, count: int, today: date) -> list[str]:
    """The demo loaded and through to reporting, `count` cases opened at the HSP station a month ago, and a session
    recorded on each, so that the cases service holds each case's state as a running service does; the case ids."""
    await load_demo(setup, system)
    await wait_for_station(setup, worker, station_id(STATION))
    cases = await open_cases(setup, worker, count, today - timedelta(days=30))
    for case_id in cases:
        await setup.call("cases", "record_case_session", workloads.session_payload(case_id, today - timedelta(days=1)),
                         token=worker)
    return cases


async def open_cases(client: ServiceClient, token: str, count: int, opened_on: date) -> list[str]:
    """Register `count` recipients at the HSP station and open a case for each, a few at a time; the case ids."""
    slots = asyncio.Semaphore(OPENING_CONCURRENCY)
    refused: list[int] = []

    async def one(n: int) -> str:
        """Register one recipient and open a case for them; the case id."""
        async with slots:
            registered = await client.call("cases", "register_recipient", {
                "station_id": station_id(STATION), "name": f"基准{n:03d}", "gender": "female",
                "birth_year": 1940 + n % 60, "community": "一力社区", "categories": [
                    {"category": "elderly_living_alone", "valid_from": "2026-01-01",
                     "source": "civil_affairs_list"}]},
                token=token)
            for attempt in range(OPENING_ATTEMPTS):
                try:
                    opened = await client.call("cases", "open_case", {
                        "recipient_id": registered["recipient_id"], "worker_id": social_worker(STATION).subject,
                        "intake_source": "outreach", "presenting_problem": "基准测试个案",
                        "opened_on": opened_on.isoformat()}, token=token)
                    return str(opened["case_id"])
                except DomainError as error:  # the register ran out of its retries: nothing was written
                    if error.code != "concurrency_conflict" or attempt == OPENING_ATTEMPTS - 1:
                        raise
                    refused.append(n)
            raise AssertionError("unreachable")

    opened = list(await asyncio.gather(*(one(n) for n in range(count))))
    OPENING_REFUSALS.append(len(refused))
    return opened


async def create_database(admin_dsn: str, name: str) -> None:
    """CREATE DATABASE on the bench's server."""
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def settle_and_count_rollbacks(stack: BenchStack, since: float) -> int:
    """xact_rollback of hemiao_cases once PostgreSQL has flushed the statistics of the phase ended at `since`."""
    await asyncio.sleep(max(0.0, since + STATS_SETTLE_SECONDS - time.monotonic()))
    return await workloads.rollbacks(stack.dsn("postgres"), "hemiao_cases")


async def events_in_store(dsn: str) -> int:
    """Events in a service's event store."""
    conn = await asyncpg.connect(dsn)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM events"))
    finally:
        await conn.close()


async def stream_last(js: JetStreamContext, stream: str) -> int:
    """The last sequence of a JetStream stream."""
    return int((await js.stream_info(stream)).state.last_seq)


async def relayed_everything(stack: BenchStack, js: JetStreamContext, timeout: float = DRAIN_TIMEOUT_SECONDS) -> int:
    """Wait until the cases stream holds every event of the cases store; its last sequence."""
    written = await events_in_store(stack.dsn("hemiao_cases"))
    stream = stream_name(stack.namespace, "cases")
    deadline = time.monotonic() + timeout
    while (last := await stream_last(js, stream)) < written:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the relay published {last} of {written} events within {timeout:.0f} s")
        await asyncio.sleep(0.1)
    return last


async def checkpoint(dsn: str, consumer: str) -> int:
    """The stream sequence a consumer has applied (consumer_checkpoints), 0 before its first."""
    conn = await asyncpg.connect(dsn)
    try:
        return int(await conn.fetchval("SELECT coalesce(max(stream_seq), 0) FROM consumer_checkpoints"
                                       " WHERE consumer = $1", consumer) or 0)
    finally:
        await conn.close()


async def progress_while(start: Callable[[], object], read: Callable[[], Awaitable[int]], base: int, target: int,
                         timeout: float = DRAIN_TIMEOUT_SECONDS) -> Progress:
    """Start something (blocking, in a thread) and, meanwhile, poll `read` until it reaches `target`. The rate
    runs from the last poll that still saw `base` (at most a poll before the work began, so the start-up of the
    process is left out and no event is left out) to the first that saw `target`."""
    result = Progress(events=target - base)
    launched = time.monotonic()
    starting = asyncio.create_task(asyncio.to_thread(start))
    still_at_base = launched
    while True:
        value = await read()
        now = time.monotonic()
        if value <= base:
            still_at_base = now
        result.reached = value
        if value >= target or now - launched > timeout:
            break
        await asyncio.sleep(POLL_SECONDS)
    result.since_start = now - launched
    if result.reached >= target:
        result.counted = target - base
        result.seconds = now - still_at_base
    await starting
    return result


class Checkpoint:
    """Reads one consumer's applied stream sequence (consumer_checkpoints) on a connection of its own."""

    def __init__(self, dsn: str, consumer: str) -> None:
        self.dsn, self.consumer = dsn, consumer
        self.conn: asyncpg.Connection | None = None

    async def __call__(self) -> int:
        """The stream sequence applied, 0 before the first."""
        if self.conn is None:
            self.conn = await asyncpg.connect(self.dsn)
        return int(await self.conn.fetchval("SELECT coalesce(max(stream_seq), 0) FROM consumer_checkpoints"
                                            " WHERE consumer = $1", self.consumer) or 0)

    async def close(self) -> None:
        if self.conn is not None:
            await self.conn.close()


def latency_targets(levels: list[int], samples: int) -> list[tuple[int, int]]:
    """Per history level, the cases to prepare: enough that the samples grow each case's history by a tenth at
    most (one case at 1,000 events, ten samples each on four at 100, one each on 40 at 10)."""
    return [(level, max(1, math.ceil(samples / max(1, level // 10)))) for level in levels]


async def measure(stack: BenchStack, args: argparse.Namespace) -> report.Report:
    """Set up the data, run the anchors, the write path, the relay and the projections, and gather the report."""
    started = datetime.now(UTC)
    assert stack.postgres is not None and stack.nats is not None
    facts = await machine.facts(stack.dsn("postgres"), stack.postgres.bin_dir, EmbeddedNats.binary())
    system = issue_token(stack.secret, SYSTEM, ttl_seconds=7200)
    worker_actor = social_worker(STATION)
    worker = issue_token(stack.secret, worker_actor, ttl_seconds=7200)
    today = datetime.now(UTC).date()
    held_on = today - timedelta(days=1)  # never in the future, whatever China's date is
    cases_dsn, reporting_dsn = stack.dsn("hemiao_cases"), stack.dsn("hemiao_reporting")
    result = report.Report(started=started, facts=facts, config={})
    phases = Phases(stack)
    levels = latency_targets(args.history_levels, args.latency_samples)

    nc = await connect(stack.env["NATS_URL"], "hemiao-bench-setup")
    try:
        js = nc.jetstream()
        setup = ServiceClient(nc, stack.namespace, timeout=60.0)
        sent = await load_demo(setup, system)
        await wait_for_station(setup, worker, station_id(STATION))
        say(f"demo data loaded ({sent} commands) and projected")
        wanted = 2 * args.clients + args.shared_cases + sum(count for _, count in levels) + 1
        case_ids = await open_cases(setup, worker, wanted, today - timedelta(days=30))
        distinct_cases, rest = case_ids[:args.clients], case_ids[args.clients:]
        shared_cases, rest = rest[:args.shared_cases], rest[args.shared_cases:]
        graphql_cases, rest = rest[:args.clients], rest[args.clients:]
        visibility_case, rest = rest[0], rest[1:]
        history_cases: dict[int, list[str]] = {}
        for level, count in levels:
            history_cases[level], rest = rest[:count], rest[count:]
        written = await workloads.sessions_through_store(
            cases_dsn, stack.data_key, worker_actor,
            {c: level for level, cases in history_cases.items() for c in cases}, held_on)
        await relayed_everything(stack, js)
        await workloads.drain(cases_dsn, reporting_dsn, case_ids, DRAIN_TIMEOUT_SECONDS)
        say(f"{len(case_ids)} cases opened at station {STATION}; {written} sessions written through the store to"
            f" bring {sum(c for _, c in levels)} of them to {args.histories} events")

        # ---- anchors ----
        await create_database(stack.dsn("postgres"), "bench_reference")
        result.insert = await phases.run("raw INSERT", lambda: workloads.reference_inserts(
            stack.dsn("bench_reference"), args.clients, args.warmup, args.reference_seconds))
        say(f"raw INSERT {result.insert.rate:,.0f} rows/s")
        await create_database(stack.dsn("postgres"), "bench_eventsourcing")
        result.library = await phases.run("eventsourcing", lambda: asyncio.to_thread(
            anchors.eventsourcing_saves, stack.dsn("bench_eventsourcing"), args.clients, args.warmup,
            args.reference_seconds))
        say(f"eventsourcing app.save {result.library.rate:,.0f} events/s")
        result.publish = await phases.run("JetStream publish", lambda: anchors.jetstream_publish(
            nc, "BENCH_SCRATCH", args.jetstream_events, args.window))
        say(f"JetStream publish_async {result.publish.rate:,.0f} events/s")
        await create_database(stack.dsn("postgres"), "bench_apply")
        result.apply = await phases.run("JetStream fetch + apply", lambda: anchors.jetstream_fetch_apply(
            nc, stack.dsn("bench_apply"), "BENCH_SCRATCH", args.jetstream_events, args.batch))
        say(f"JetStream fetch + batched apply {result.apply.rate:,.0f} events/s")
        await js.delete_stream("BENCH_SCRATCH")

        # ---- write path ----
        rollbacks = await workloads.rollbacks(stack.dsn("postgres"), "hemiao_cases")

        async def over_nats(cases: list[str], distinct: bool, label: str) -> Throughput:
            async with nats_clients(stack.env["NATS_URL"], stack.namespace, args.clients) as clients:
                return await workloads.with_endpoint_busy(
                    nc, stack.namespace, "cases", "record_case_session", workloads.closed_loop(
                        label, args.clients, args.warmup, args.seconds,
                        workloads.nats_commands(clients, worker, cases, held_on, distinct=distinct)))

        async def distinct_profiled() -> Throughput:
            recording = None
            if args.profiler != "none":
                out = stack.profiled.get("cases", stack.root / "cases-profile.txt")
                recording = profiling.Recording(stack.pid("cases"), out, in_process="cases" in stack.profiled)
            try:
                return await over_nats(distinct_cases, True, "NATS, distinct cases")
            finally:
                if recording is not None:
                    result.profile = await asyncio.to_thread(recording.stop)

        result.nats_distinct = await phases.run("NATS distinct", distinct_profiled)
        ended = time.monotonic()
        say(f"NATS on {args.clients} distinct cases: {result.nats_distinct.rate:,.0f} commands/s")
        await workloads.drain(cases_dsn, reporting_dsn, distinct_cases, DRAIN_TIMEOUT_SECONDS)
        after = await settle_and_count_rollbacks(stack, ended)
        result.conflict_retries["NATS distinct"], rollbacks = after - rollbacks, after

        result.nats_shared = await phases.run("NATS shared", lambda: over_nats(shared_cases, False,
                                                                                 "NATS, shared cases"))
        ended = time.monotonic()
        say(f"NATS on {args.shared_cases} shared cases: {result.nats_shared.rate:,.0f} commands/s")
        await workloads.drain(cases_dsn, reporting_dsn, shared_cases, DRAIN_TIMEOUT_SECONDS)
        after = await settle_and_count_rollbacks(stack, ended)
        result.conflict_retries["NATS shared"], rollbacks = after - rollbacks, after

        async def over_graphql() -> Throughput:
            async with http_clients(stack.gateway_base, worker, args.clients) as clients:
                return await workloads.with_endpoint_busy(
                    nc, stack.namespace, "cases", "record_case_session", workloads.closed_loop(
                        "GraphQL, distinct cases", args.clients, args.warmup, args.seconds,
                        workloads.graphql_mutations(clients, graphql_cases, held_on, distinct=True)))

        result.graphql = await phases.run("GraphQL", over_graphql)
        ended = time.monotonic()
        say(f"GraphQL on {args.clients} distinct cases: {result.graphql.rate:,.0f} mutations/s")
        await workloads.drain(cases_dsn, reporting_dsn, graphql_cases, DRAIN_TIMEOUT_SECONDS)
        after = await settle_and_count_rollbacks(stack, ended)
        result.conflict_retries["GraphQL"], rollbacks = after - rollbacks, after

        for level in args.history_levels:
            result.latency[level] = await phases.run(f"latency at {level}", functools.partial(
                workloads.one_at_a_time, setup, worker, history_cases[level], held_on, args.latency_samples))
            say(f"one command at {level} events of history: p50 {result.latency[level].p50:.1f} ms")

        async def visibility() -> Visibility:
            async with http_clients(stack.gateway_base, worker, 1) as (http,):
                return await workloads.visibility(http, setup, worker, visibility_case, held_on, args.samples,
                                                  args.poll_ms / 1000, 10.0, args.visibility_max)

        result.visibility = await phases.run("visibility", visibility)
        say(f"visibility p50 {result.visibility.p50:.1f} ms, p99 {result.visibility.p99:.1f} ms")

        # ---- relay and projections ----
        base = await relayed_everything(stack, js)
        await workloads.drain(cases_dsn, reporting_dsn, case_ids, DRAIN_TIMEOUT_SECONDS)
        applied_base = await checkpoint(reporting_dsn, consumer_name("reporting", "cases"))
        stack.stop_service("reporting")
        stack.stop_service("cases")
        backlog_cases = shared_cases + graphql_cases
        per_case = math.ceil(args.backlog / len(backlog_cases))
        counts = await workloads.stream_versions(cases_dsn, backlog_cases)
        backlog = await workloads.sessions_through_store(
            cases_dsn, stack.data_key, worker_actor, {c: counts[c] + per_case for c in backlog_cases}, held_on,
            chunk=500)
        say(f"{backlog:,} events written with the relay down")
        target = base + backlog
        stream = stream_name(stack.namespace, "cases")
        result.relay = await phases.run("relay drain", lambda: progress_while(
            lambda: stack.start_service("cases"), lambda: stream_last(js, stream), base, target))
        result.relay.duplicates = await stream_last(js, stream) - target
        result.relay_order = await workloads.check_order(
            js, stream, f"{stack.namespace}.events.cases.>", base + 1, target,
            {case_stream(c): v for c, v in counts.items()})
        say(f"relay drained {result.relay.counted:,} events at {result.relay.rate:,.0f} events/s")
        applied = Checkpoint(reporting_dsn, consumer_name("reporting", "cases"))
        try:
            result.catch_up = await phases.run("live catch-up", lambda: progress_while(
                lambda: stack.start_service("reporting"), applied, applied_base, target))
        finally:
            await applied.close()
        say(f"reporting caught up {result.catch_up.counted:,} events at {result.catch_up.rate:,.0f} events/s")

        outcome: RebuildOutcome = await phases.run("rebuild", lambda: rebuild(
            reporting_dsn, js, stack.namespace, SOURCES, projections(), projections()))
        result.rebuild = Progress(events=outcome.events, counted=outcome.events, seconds=outcome.seconds,
                                  reached=outcome.events)
        say(f"rebuild: {outcome.events:,} events in {outcome.seconds:.1f} s, {result.rebuild.rate:,.0f} events/s")
    finally:
        await nc.close()

    result.config = {"namespace": stack.namespace, "clients": str(args.clients), "warmup": f"{args.warmup:g}",
                     "seconds": f"{args.seconds:g}", "reference_seconds": f"{args.reference_seconds:g}",
                     "cases": str(len(case_ids)), "shared_cases": str(args.shared_cases),
                     "histories": ", ".join(f"{level:,} ({count} case{'s' if count > 1 else ''})"
                                            for level, count in levels),
                     "latency_samples": str(args.latency_samples), "jetstream_events": f"{args.jetstream_events:,}",
                     "window": str(args.window), "batch": str(args.batch), "backlog": f"{args.backlog:,}",
                     "samples": str(args.samples), "poll_ms": f"{args.poll_ms:g}",
                     "visibility_max": f"{args.visibility_max:g}", "stats_settle": f"{STATS_SETTLE_SECONDS:g}",
                     "profiler": ("cProfile (py-spy could not attach: " + stack.profile_refusal + ")"
                                  if "cases" in stack.profiled else args.profiler if args.profiler != "auto"
                                  else "py-spy"),
                     "provisional": "yes" if args.provisional else "",
                     "opening_refusals": str(sum(OPENING_REFUSALS))}
    result.cpu, result.wall = phases.cpu, phases.wall
    result.finished = datetime.now(UTC)
    return result


def choose_profiler(stack: BenchStack, args: argparse.Namespace) -> None:
    """Restart the cases service under cProfile when asked to, or when py-spy cannot attach to it."""
    if args.profiler in ("none", "py-spy"):
        return
    refusal = "asked for" if args.profiler == "cprofile" else profiling.py_spy_refusal(stack.pid("cases"))
    if refusal is None:
        return
    say(f"py-spy cannot attach ({refusal}); restarting cases under cProfile")
    stack.profile_refusal = refusal
    stack.stop_service("cases")
    stack.profiled["cases"] = stack.root / "cases.pstats"
    stack.start_service("cases")


def _stop_on_sigterm() -> None:
    """Turn SIGTERM into KeyboardInterrupt, so the finally clause stops everything."""
    def on_signal(signum: int, _frame: FrameType | None) -> None:
        """Raise KeyboardInterrupt once; later signals are ignored."""
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)


def main(argv: list[str] | None = None) -> int:
    """Run the bench; stop everything it started whatever happens; 0 when RESULTS.md was written."""
    args = arguments(argv)
    _stop_on_sigterm()
    stack = BenchStack()
    say(f"working in {stack.root}")
    result: report.Report | None = None
    try:
        stack.start_servers()
        stack.start_services()
        choose_profiler(stack, args)
        result = asyncio.run(measure(stack, args))
    except KeyboardInterrupt:
        say("interrupted")
    except Exception as error:
        say(f"error: {error!r}")
        traceback.print_exc()
    finally:
        stack.stop()
    logs = [*sorted(stack.log_dir.glob("*.log")), stack.root / "postgres.log", stack.root / "nats.log"]
    if result is None:
        for log, found in machine.log_problems(logs).items():
            say(f"{log}: " + "; ".join(f"{count} × {text}" for count, text in found))
        say(f"no results written; data and logs kept in {stack.root}")
        return 1
    result.problems = machine.log_problems(logs)
    result.exit_codes, result.stop_seconds = stack.exit_codes, stack.stop_seconds
    report.write(result)
    print()
    print(report.markdown_table(report.table(result)))
    print()
    say(f"wrote {report.RESULTS}")
    if args.keep:
        say(f"data and logs kept in {stack.root}")
    else:
        stack.remove()
    return 0


if __name__ == "__main__":
    sys.exit(main())
