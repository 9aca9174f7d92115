"""The measured workloads: NATS commands, GraphQL mutations, read-model visibility, raw inserts."""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import date
from typing import Any

import asyncpg
from nats.aio.client import Client
from pydantic import TypeAdapter

from bench.lean_http import Poster
from bench.stats import Drain, Throughput, Visibility
from services.cases.application.handlers import CASE, case_stream
from services.cases.domain import case
from services.cases.domain.commands import RecordCaseSession
from shared.application import load
from shared.china import china_today
from shared.contracts.actor import Actor
from shared.contracts.errors import DomainError
from shared.eventstore import EventMetadata, StreamAppend
from shared.eventstore.postgres import PostgresEventStore
from shared.runtime import ServiceClient

Operation = Callable[[int], Awaitable[str | None]]
"""One operation of client n: None when it succeeded, else a short label of what went wrong."""

RECORD_SESSION = """
mutation Record($input: RecordCaseSessionInput!) {
  recordCaseSession(input: $input) {
    __typename
    ... on RecordCaseSessionPayload { sessionId consistencyToken }
    ... on UserError { code messageEn }
  }
}
"""

REFERENCE_TABLE = """
CREATE TABLE IF NOT EXISTS bench_rows (
    id bigserial PRIMARY KEY,
    stream_id text NOT NULL,
    data jsonb NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
)
"""


def _label(error: BaseException) -> str:
    """A short name for what went wrong."""
    if isinstance(error, DomainError):
        return error.code
    if isinstance(error, TimeoutError | asyncio.TimeoutError):
        return "timeout"
    return type(error).__name__


async def closed_loop(name: str, clients: int, warmup: float, seconds: float, operation: Operation) -> Throughput:
    """Run `clients` loops of `operation` back to back; count what completes inside the measured window."""
    loop_start = time.monotonic()
    window_start = loop_start + warmup
    window_end = window_start + seconds
    done: list[tuple[float, float, str | None]] = []

    async def client(n: int) -> None:
        """One client: request after request until the window closes."""
        while (started := time.monotonic()) < window_end:
            try:
                outcome = await operation(n)
            except Exception as error:
                outcome = _label(error)
            done.append((started, time.monotonic(), outcome))

    await asyncio.gather(*(client(n) for n in range(clients)))
    result = Throughput(name=name, clients=clients, window_seconds=seconds,
                        per_second=[0] * max(1, round(seconds)))
    for started, ended, outcome in done:
        if not window_start <= ended < window_end:
            continue
        if outcome is None:
            result.ok += 1
            result.latencies_ms.append((ended - started) * 1000)
            result.per_second[min(int(ended - window_start), len(result.per_second) - 1)] += 1
        else:
            result.errors[outcome] += 1
    return result


def session_payload(case_id: str, held_on: date) -> dict[str, Any]:
    """The command body of one case session (the service makes the session id)."""
    return {"case_id": case_id, "held_on": held_on.isoformat(), "mode": "home_visit", "duration_minutes": 45,
            "participants": 1, "notes": "基准测试 bench"}


def _case_of(case_ids: Sequence[str], distinct: bool, seed: int) -> Callable[[int], str]:
    """Client n's case for its next command: its own (distinct) or one drawn at random from all (shared)."""
    rng = random.Random(seed)
    return (lambda n: case_ids[n]) if distinct else (lambda _n: rng.choice(case_ids))


def nats_commands(clients: Sequence[ServiceClient], token: str, case_ids: Sequence[str],
                  held_on: date, *, distinct: bool = False, seed: int = 1) -> Operation:
    """record_case_session straight over NATS: client n on case n (distinct), or on a case drawn at random for
    every command (shared)."""
    case_of = _case_of(case_ids, distinct, seed)

    async def operation(n: int) -> str | None:
        """One request of client n."""
        await clients[n].call("cases", "record_case_session", session_payload(case_of(n), held_on), token=token)
        return None

    return operation


def graphql_variables(case_id: str, held_on: date) -> dict[str, Any]:
    """The variables of the recordCaseSession mutation."""
    return {"input": {"caseId": case_id, "heldOn": held_on.isoformat(), "mode": "HOME_VISIT",
                      "durationMinutes": 45, "participants": 1, "notes": "基准测试 bench"}}


async def post_mutation(http: Poster, case_id: str, held_on: date) -> str | None:
    """Send one recordCaseSession; None when it was recorded, else the error's name."""
    request = {"query": RECORD_SESSION, "variables": graphql_variables(case_id, held_on)}
    answer = await http.post("/graphql", json=request)
    if answer.status_code != 200:
        return f"http_{answer.status_code}"
    body = answer.json()
    if body.get("errors"):
        return f"graphql:{body['errors'][0].get('message', '?')}"
    result = body["data"]["recordCaseSession"]
    if result["__typename"] == "RecordCaseSessionPayload":
        return None
    return str(result.get("code") or result["__typename"])


def graphql_mutations(clients: Sequence[Poster], case_ids: Sequence[str], held_on: date, *,
                      distinct: bool = False, seed: int = 2) -> Operation:
    """recordCaseSession over HTTP through the gateway: client n on case n (distinct), or on a case drawn at
    random for every mutation."""
    case_of = _case_of(case_ids, distinct, seed)

    async def operation(n: int) -> str | None:
        """One request of client n."""
        return await post_mutation(clients[n], case_of(n), held_on)

    return operation


async def visibility(http: Poster, reporting: ServiceClient, token: str, case_id: str, held_on: date,
                     samples: int, poll_interval: float, sample_timeout: float, max_seconds: float) -> Visibility:
    """After each mutation's answer, poll reporting's `case` query (no consistency token) until it counts it."""
    result = Visibility(poll_interval_ms=poll_interval * 1000)
    started = time.monotonic()

    async def session_count() -> int:
        """The case's session count as the read model has it now."""
        found = await reporting.call("reporting", "case", {"case_id": case_id}, token=token)
        return int(found["case"]["session_count"]) if found["case"] else 0

    expected = await session_count()
    for _ in range(samples):
        if time.monotonic() - started > max_seconds:
            break
        sent = time.monotonic()
        outcome = await post_mutation(http, case_id, held_on)
        answered = time.monotonic()
        if outcome is not None:
            result.errors[outcome] += 1
            continue
        result.mutation_ms.append((answered - sent) * 1000)
        expected += 1
        polls = 0
        while True:
            polls += 1
            if await session_count() >= expected:
                result.samples_ms.append((time.monotonic() - answered) * 1000)
                result.polls.append(polls)
                break
            if time.monotonic() - answered > sample_timeout:
                result.timeouts += 1
                expected = await session_count()
                break
            await asyncio.sleep(poll_interval)
    result.wall_seconds = time.monotonic() - started
    return result


async def one_at_a_time(client: ServiceClient, token: str, case_ids: Sequence[str], held_on: date,
                        samples: int) -> Throughput:
    """One client, one record_case_session at a time over NATS, going round the cases; each command's latency."""
    result = Throughput(name="latency", clients=1, window_seconds=0.0)
    started = time.monotonic()
    for n in range(samples):
        sent = time.perf_counter()
        try:
            await client.call("cases", "record_case_session", session_payload(case_ids[n % len(case_ids)], held_on),
                              token=token)
        except Exception as error:
            result.errors[_label(error)] += 1
            continue
        result.ok += 1
        result.latencies_ms.append((time.perf_counter() - sent) * 1000)
    result.window_seconds = time.monotonic() - started
    return result


async def reference_inserts(dsn: str, clients: int, warmup: float, seconds: float) -> Throughput:
    """Raw INSERTs of an event-sized JSON row, one row per transaction (autocommit), on `clients` connections."""
    setup = await asyncpg.connect(dsn)
    try:
        await setup.execute(REFERENCE_TABLE)
    finally:
        await setup.close()
    connections = [await asyncpg.connect(dsn) for _ in range(clients)]
    data = json.dumps({"case_id": str(uuid.uuid4()), "held_on": "2026-11-01", "mode": "home_visit",
                       "duration_minutes": 45, "participants": 1, "notes": "基准测试 bench"}, ensure_ascii=False)

    async def operation(n: int) -> str | None:
        """One request of client n."""
        await connections[n].execute("INSERT INTO bench_rows (stream_id, data) VALUES ($1, $2::jsonb)",
                                     f"ref-{n}", data)
        return None

    try:
        return await closed_loop("reference", clients, warmup, seconds, operation)
    finally:
        for conn in connections:
            await conn.close()


async def read_model_lag(cases_dsn: str, reporting_dsn: str, case_ids: Sequence[str]) -> int:
    """Events of these cases in the event store that the read model has not applied yet."""
    streams = [case_stream(c) for c in case_ids]
    cases = await asyncpg.connect(cases_dsn)
    reporting = await asyncpg.connect(reporting_dsn)
    try:
        written = dict(await cases.fetch("SELECT stream_id, max(version) FROM events"
                                         " WHERE stream_id = ANY($1) GROUP BY stream_id", streams))
        applied = dict(await reporting.fetch("SELECT stream_id, min(version) FROM applied_versions"
                                             " WHERE stream_id = ANY($1) GROUP BY stream_id", streams))
    finally:
        await cases.close()
        await reporting.close()
    return sum(max(0, int(v) - int(applied.get(s, 0))) for s, v in written.items())


async def drain(cases_dsn: str, reporting_dsn: str, case_ids: Sequence[str], timeout: float) -> Drain:
    """Wait until the read model has applied every event of these cases; say how far behind it was."""
    started = time.monotonic()
    result = Drain(backlog_events=await read_model_lag(cases_dsn, reporting_dsn, case_ids))
    lag = result.backlog_events
    while lag > 0 and time.monotonic() - started < timeout:
        await asyncio.sleep(0.05)
        lag = await read_model_lag(cases_dsn, reporting_dsn, case_ids)
    result.caught_up = lag == 0
    result.seconds = time.monotonic() - started if result.caught_up else float("nan")
    return result


async def rollbacks(dsn: str, database: str) -> int:
    """Rolled-back transactions of a database so far (PostgreSQL's cumulative statistics)."""
    conn = await asyncpg.connect(dsn)
    try:
        return int(await conn.fetchval("SELECT xact_rollback FROM pg_stat_database WHERE datname = $1", database))
    finally:
        await conn.close()


async def endpoint_busy(nc: Client, namespace: str, service: str, endpoint: str) -> tuple[int, float]:
    """Requests served and seconds spent so far by one `nats.micro` endpoint (from `$SRV.STATS`)."""
    reply = await nc.request(f"$SRV.STATS.{namespace}-{service}", b"", timeout=5.0)
    for found in json.loads(reply.data).get("endpoints", []):
        if found.get("name") == endpoint:
            return int(found.get("num_requests", 0)), int(found.get("processing_time", 0)) / 1e9
    return 0, 0.0


async def with_endpoint_busy(nc: Client, namespace: str, service: str, endpoint: str,
                             run: Awaitable[Throughput]) -> Throughput:
    """Run a throughput measurement and add how busy the service's endpoint was meanwhile (`extra`)."""
    requests_before, busy_before = await endpoint_busy(nc, namespace, service, endpoint)
    started = time.monotonic()
    result = await run
    wall = time.monotonic() - started
    requests_after, busy_after = await endpoint_busy(nc, namespace, service, endpoint)
    result.extra.update(endpoint_requests=requests_after - requests_before,
                        endpoint_busy_seconds=busy_after - busy_before, endpoint_wall_seconds=wall)
    return result


async def sessions_through_store(dsn: str, data_key: bytes, actor: Actor, targets: Mapping[str, int],
                                 held_on: date, chunk: int = 250) -> int:
    """Bring each case to `targets[case_id]` events of history by writing sessions straight through the cases
    service's event store: each decided by the real decider against the state the previous ones left
    (`case.decide`, then `CASE.evolve`), sealed as the service seals them, appended `chunk` events per
    transaction with the stream's version checked. The service's relay publishes them as it publishes its
    own. Answers the events written."""
    adapter: TypeAdapter[RecordCaseSession] = TypeAdapter(RecordCaseSession)
    metadata = EventMetadata(actor=actor.as_metadata(), correlation_id=f"bench-{uuid.uuid4()}")
    today = china_today()
    written = 0
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
    try:
        store = PostgresEventStore(pool, data_key)
        for case_id, target in targets.items():
            stream = case_stream(case_id)
            state, version = await load(store, CASE, stream)
            pending: list[object] = []
            while version + len(pending) < target:
                command = adapter.validate_python({
                    **session_payload(case_id, held_on), "actor": actor, "today": today,
                    "session_id": str(uuid.uuid4())})
                for decided in case.decide(command, state):
                    state = CASE.evolve(state, decided)
                    pending.append(decided)
                if len(pending) >= chunk or version + len(pending) >= target:
                    await store.append_all([StreamAppend(stream_id=stream, stream_type=CASE.stream_type,
                                                         expected_version=version, events=pending)],
                                           metadata, result={})
                    version, written, pending = version + len(pending), written + len(pending), []
    finally:
        await pool.close()
    return written


async def stream_versions(dsn: str, case_ids: Sequence[str]) -> dict[str, int]:
    """Each case's stream version (its events so far) in the cases store."""
    conn = await asyncpg.connect(dsn)
    try:
        found = dict(await conn.fetch("SELECT stream_id, max(version) FROM events WHERE stream_id = ANY($1)"
                                      " GROUP BY stream_id", [case_stream(c) for c in case_ids]))
    finally:
        await conn.close()
    return {c: int(found.get(case_stream(c), 0)) for c in case_ids}


async def check_order(js: Any, stream: str, subject: str, first_seq: int, last_seq: int,
                      versions_before: Mapping[str, int]) -> dict[str, int]:
    """Read the stream from `first_seq` to `last_seq` and check what the relay published there: every event once
    (`Nats-Msg-Id` unique), and each stream's events in order, without gaps, from the version it had before."""
    from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

    subscription = await js.pull_subscribe(subject, stream=stream, config=ConsumerConfig(
        deliver_policy=DeliverPolicy.BY_START_SEQUENCE, opt_start_seq=first_seq, ack_policy=AckPolicy.NONE))
    seen: set[str] = set()
    expected = dict(versions_before)
    found = {"read": 0, "duplicates": 0, "out_of_order": 0}
    try:
        while found["read"] < last_seq - first_seq + 1:
            for message in await subscription.fetch(min(1000, last_seq - first_seq + 1 - found["read"]), timeout=10):
                found["read"] += 1
                headers = message.headers or {}
                event_id, stream_id = headers.get("Nats-Msg-Id", ""), headers.get("hemiao-stream-id", "")
                version = int(headers.get("hemiao-stream-version", "0"))
                if event_id in seen:
                    found["duplicates"] += 1
                seen.add(event_id)
                if stream_id in expected and version != expected[stream_id] + 1:
                    found["out_of_order"] += 1
                expected[stream_id] = version
    finally:
        await subscription.unsubscribe()
    return found
