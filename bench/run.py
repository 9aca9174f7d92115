"""`make bench`: start a private hemiao, measure it against raw PostgreSQL inserts, write bench/RESULTS.md."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from types import FrameType
from typing import TypeVar

import asyncpg
import httpx
from nats.aio.client import Client

from bench import machine, report, workloads
from bench.stack import BenchStack, say
from bench.stats import Drain, Throughput, Visibility
from shared.auth import issue_token
from shared.devstack.demo import SYSTEM, load_demo, social_worker, station_id
from shared.devstack.embedded import EmbeddedNats
from shared.natsio import connect
from shared.runtime import ServiceClient

T = TypeVar("T")
STATION = "HSP"
STATS_SETTLE_SECONDS = 11.0
"""PostgreSQL flushes an idle backend's statistics within 10 s; xact_rollback is read after that."""
DRAIN_TIMEOUT_SECONDS = 60.0


def arguments(argv: list[str] | None) -> argparse.Namespace:
    """The bench's knobs; the defaults keep a run under about three minutes on two cores."""
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients in (a), (b), (d)")
    parser.add_argument("--seconds", type=float, default=15.0, help="measured window of (a) and (b)")
    parser.add_argument("--reference-seconds", type=float, default=10.0, help="measured window of (d)")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured warm-up before each window")
    parser.add_argument("--cases", type=int, default=16, help="cases the clients of (a), and of (b), spread over")
    parser.add_argument("--samples", type=int, default=200, help="samples of (c)")
    parser.add_argument("--poll-ms", type=float, default=2.0, help="poll interval of (c)")
    parser.add_argument("--visibility-max", type=float, default=60.0, help="time limit of (c), in seconds")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (data and logs) afterwards")
    return parser.parse_args(argv)


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
async def http_clients(url: str, token: str, count: int) -> AsyncIterator[list[httpx.AsyncClient]]:
    """`count` keep-alive HTTP clients of the gateway at `url`, closed on exit."""
    clients = [httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30.0)
               for _ in range(count)]
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

    async def run(self, name: str, measurement: Callable[[], Awaitable[T]]) -> T:
        """Run one measurement and note the CPU each process used meanwhile."""
        say(f"measuring {name} …")
        before, started = machine.cpu_snapshot(self.stack.pids()), time.monotonic()
        result = await measurement()
        self.cpu[name] = machine.cpu_share(before, machine.cpu_snapshot(self.stack.pids()),
                                           time.monotonic() - started)
        self.stack.check_alive()
        return result


async def wait_for_station(client: ServiceClient, token: str, station: str, timeout: float = 30.0) -> None:
    """Wait until reporting lists the station, i.e. the demo data went all the way to the read model."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = await client.call("reporting", "stations", {}, token=token)
        if any(s.get("station_id") == station for s in found["stations"]):
            return
        await asyncio.sleep(0.2)
    raise RuntimeError(f"station {station} did not reach the read model within {timeout:.0f} s")


async def open_cases(client: ServiceClient, token: str, count: int, opened_on: date) -> list[str]:
    """Register `count` recipients at the HSP station and open a case for each; the case ids."""
    async def one(n: int) -> str:
        """Register one recipient and open a case for them; the case id."""
        registered = await client.call("cases", "register_recipient", {
            "station_id": station_id(STATION), "name": f"基准{n:03d}", "gender": "female",
            "birth_year": 1940 + n % 60, "community": "一力社区", "categories": [
                {"category": "elderly_living_alone", "valid_from": "2026-01-01", "source": "civil_affairs_list"}]},
            token=token)
        opened = await client.call("cases", "open_case", {
            "recipient_id": registered["recipient_id"], "worker_id": social_worker(STATION).subject,
            "intake_source": "outreach", "presenting_problem": "基准测试个案", "opened_on": opened_on.isoformat()},
            token=token)
        return str(opened["case_id"])

    return list(await asyncio.gather(*(one(n) for n in range(count))))


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


async def measure(stack: BenchStack, args: argparse.Namespace) -> report.Report:
    """Set up the data, run (d), (a), (b) and (c), and gather the report."""
    started = datetime.now(UTC)
    assert stack.postgres is not None and stack.nats is not None
    facts = await machine.facts(stack.dsn("postgres"), stack.postgres.bin_dir, EmbeddedNats.binary())
    system = issue_token(stack.secret, SYSTEM, ttl_seconds=3600)
    worker = issue_token(stack.secret, social_worker(STATION), ttl_seconds=3600)
    today = datetime.now(UTC).date()
    held_on = today - timedelta(days=1)  # never in the future, whatever China's date is
    cases_dsn, reporting_dsn = stack.dsn("hemiao_cases"), stack.dsn("hemiao_reporting")

    nc = await connect(stack.env["NATS_URL"], "hemiao-bench-setup")
    try:
        setup = ServiceClient(nc, stack.namespace, timeout=30.0)
        sent = await load_demo(setup, system)
        await wait_for_station(setup, worker, station_id(STATION))
        say(f"demo data loaded ({sent} commands) and projected")
        case_ids = await open_cases(setup, worker, 2 * args.cases + 1, today - timedelta(days=30))
        nats_cases, graphql_cases, visibility_case = (case_ids[:args.cases], case_ids[args.cases:2 * args.cases],
                                                      case_ids[-1])
        await workloads.drain(cases_dsn, reporting_dsn, case_ids, DRAIN_TIMEOUT_SECONDS)
        say(f"{len(case_ids)} cases opened at station {STATION}")

        phases = Phases(stack)
        await create_database(stack.dsn("postgres"), "bench_reference")
        reference = await phases.run("(d) reference", lambda: workloads.reference_inserts(
            stack.dsn("bench_reference"), args.clients, args.warmup, args.reference_seconds))
        say(f"(d) {reference.rate:,.0f} rows/s")

        drains: dict[str, Drain] = {}
        rollbacks_before = await workloads.rollbacks(stack.dsn("postgres"), "hemiao_cases")

        async def over_nats() -> Throughput:
            """Measurement (a)."""
            async with nats_clients(stack.env["NATS_URL"], stack.namespace, args.clients) as clients:
                return await workloads.with_endpoint_busy(
                    nc, stack.namespace, "cases", "record_case_session", workloads.closed_loop(
                        "(a) NATS commands", args.clients, args.warmup, args.seconds,
                        workloads.nats_commands(clients, worker, nats_cases, held_on)))

        nats_run = await phases.run("(a) NATS", over_nats)
        ended = time.monotonic()
        say(f"(a) {nats_run.rate:,.0f} commands/s")
        drains["nats"] = await workloads.drain(cases_dsn, reporting_dsn, nats_cases, DRAIN_TIMEOUT_SECONDS)
        rollbacks_after_nats = await settle_and_count_rollbacks(stack, ended)

        async def over_graphql() -> Throughput:
            """Measurement (b)."""
            async with http_clients(stack.gateway_base, worker, args.clients) as clients:
                return await workloads.with_endpoint_busy(
                    nc, stack.namespace, "cases", "record_case_session", workloads.closed_loop(
                        "(b) GraphQL mutations", args.clients, args.warmup, args.seconds,
                        workloads.graphql_mutations(clients, graphql_cases, held_on)))

        graphql_run = await phases.run("(b) GraphQL", over_graphql)
        ended = time.monotonic()
        say(f"(b) {graphql_run.rate:,.0f} mutations/s")
        drains["graphql"] = await workloads.drain(cases_dsn, reporting_dsn, graphql_cases, DRAIN_TIMEOUT_SECONDS)
        rollbacks_after_graphql = await settle_and_count_rollbacks(stack, ended)

        async def visibility() -> Visibility:
            """Measurement (c)."""
            async with http_clients(stack.gateway_base, worker, 1) as (http,):
                return await workloads.visibility(http, setup, worker, visibility_case, held_on, args.samples,
                                                  args.poll_ms / 1000, 10.0, args.visibility_max)

        seen = await phases.run("(c) visibility", visibility)
        say(f"(c) p50 {seen.p50:.1f} ms, p99 {seen.p99:.1f} ms")
    finally:
        await nc.close()

    config = {"namespace": stack.namespace, "clients": str(args.clients), "warmup": f"{args.warmup:g}",
              "seconds": f"{args.seconds:g}", "reference_seconds": f"{args.reference_seconds:g}",
              "cases": str(len(case_ids)), "cases_per_phase": str(args.cases), "samples": str(args.samples),
              "poll_ms": f"{args.poll_ms:g}", "visibility_max": f"{args.visibility_max:g}",
              "stats_settle": f"{STATS_SETTLE_SECONDS:g}"}
    return report.Report(
        started=started, finished=datetime.now(UTC), facts=facts, config=config, reference=reference,
        nats=nats_run, graphql=graphql_run, visibility=seen, drains=drains,
        conflict_retries={"nats": rollbacks_after_nats - rollbacks_before,
                          "graphql": rollbacks_after_graphql - rollbacks_after_nats},
        cpu=phases.cpu)


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
        result = asyncio.run(measure(stack, args))
    except KeyboardInterrupt:
        say("interrupted")
    except Exception as error:
        say(f"error: {error!r}")
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
