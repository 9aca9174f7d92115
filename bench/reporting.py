"""`make bench-reporting`: how fast reporting rebuilds every read model and catches up with a backlog, each
beside the batched-apply anchor of the same run (a JetStream fetch of 256 and one upsert and checkpoint per
batch); where the rebuild's time goes (cProfile); what queries see meanwhile; and how soon a live subscriber hears
of a mutation. Starts a private hemiao (as `make run` does), writes bench/REPORTING.md."""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import dataclasses
import io
import json
import os
import pstats
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import websockets
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from bench import machine
from bench.stack import BenchStack, say
from bench.stats import percentile
from services.reporting.entrypoints.service import MIGRATIONS, SOURCES
from services.reporting.projections import projections
from services.reporting.rebuild import RebuildOutcome, RebuildProgress, SourceReader, rebuild
from shared.auth import issue_token
from shared.config import stream_name
from shared.consumer import StreamConsumer
from shared.devstack.demo import STREETS, SYSTEM, bureau, load_demo, social_worker, station_head, station_id
from shared.devstack.embedded import EmbeddedNats
from shared.migrations import migrate
from shared.natsio import connect
from shared.runtime import ServiceClient

RESULTS = Path(__file__).parent / "REPORTING.md"
STATIONS = ("WY", "QY", "GHP", "HSP")
COMMUNITY = {street["code"]: next(iter(street["communities"])) for street in STREETS}
"""A community of each station's street: its records name one (communities are references)."""
ANCHOR_BATCH = 256
PROFILE_TOP = 15


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.reporting", description=__doc__)
    parser.add_argument("--cases", type=int, default=40, help="cases per station, on top of the demo data")
    parser.add_argument("--sessions", type=int, default=25, help="sessions per case")
    parser.add_argument("--volunteers", type=int, default=20, help="volunteers per station, 5 services each")
    parser.add_argument("--groups", type=int, default=4, help="groups per station, 8 members and 6 sessions each")
    parser.add_argument("--provisional", action="store_true",
                        help="say in the results that the machine was busy with other work (figures to be retaken)")
    parser.add_argument("--no-profile", dest="profile", action="store_false",
                        help="skip the second rebuild, under cProfile")
    parser.add_argument("--clients", type=int, default=8, help="concurrent writers while loading the history")
    parser.add_argument("--samples", type=int, default=100, help="subscription latency samples")
    return parser.parse_args(argv)


@dataclass
class Latencies:
    values: list[float] = field(default_factory=list)
    failures: int = 0

    def line(self) -> str:
        return (f"{len(self.values)} answers, {self.failures} failed; p50 {percentile(self.values, 0.5):.1f} ms,"
                f" p99 {percentile(self.values, 0.99):.1f} ms, max {max(self.values, default=float('nan')):.1f} ms")


async def history(client: ServiceClient, secret: str, args: argparse.Namespace) -> None:
    """Every station's cases with their sessions, and volunteers with their hours, written by `clients`
    writers at once."""
    work: asyncio.Queue[tuple[str, str, dict[str, Any], str]] = asyncio.Queue()
    for code in STATIONS:
        token = issue_token(secret, social_worker(code), ttl_seconds=7200)
        for n in range(args.cases):
            work.put_nowait(("case", code, {"n": n}, token))
        for n in range(args.volunteers):
            work.put_nowait(("volunteer", code, {"n": n}, token))
        for n in range(args.groups):
            work.put_nowait(("group", code, {"n": n}, token))

    async def writer() -> None:
        while not work.empty():
            kind, code, item, token = work.get_nowait()
            if kind == "case":
                recipient = await client.call("cases", "register_recipient", {
                    "station_id": station_id(code), "name": f"居民{item['n']:03d}", "gender": "female",
                    "birth_year": 1940 + item["n"] % 50, "community": COMMUNITY[code], "categories": [
                        {"category": "elderly_living_alone", "valid_from": "2026-01-01", "source": "visit"}]},
                    token=token)
                opened = date(2026, 1, 5) + timedelta(days=item["n"] % 60)
                case = await client.call("cases", "open_case", {
                    "recipient_id": recipient["recipient_id"], "worker_id": social_worker(code).subject,
                    "intake_source": "outreach", "presenting_problem": "定期探访", "opened_on": opened.isoformat()},
                    token=token)
                for s in range(args.sessions):
                    await client.call("cases", "record_case_session", {
                        "case_id": case["case_id"], "held_on": (opened + timedelta(days=7 * s)).isoformat(),
                        "mode": "home_visit", "duration_minutes": 45}, token=token)
            elif kind == "group":
                group = await client.call("activities", "plan_group", {
                    "station_id": station_id(code), "name": f"{code} 小组 {item['n']}", "type": "interest",
                    "target_population": "老人", "community": COMMUNITY[code],
                    "leader_ids": [social_worker(code).subject], "planned_sessions": 6, "planned_on": "2026-08-01"},
                    token=token)
                members = [(await client.call("activities", "add_group_member", {
                    "group_id": group["group_id"], "name": f"组员{m}"}, token=token))["member_id"] for m in range(8)]
                for s in range(6):
                    await client.call("activities", "record_group_session", {
                        "group_id": group["group_id"],
                        "held_on": (date(2026, 8, 10) + timedelta(days=7 * s + item["n"])).isoformat(),
                        "duration_minutes": 90, "place": "活动室", "theme": f"第 {s + 1} 节",
                        "present_member_ids": members[: 5 + s % 4], "walk_ins": s % 3, "goal_attainment": 4},
                        token=token)
            else:
                head = issue_token(secret, station_head(code), ttl_seconds=7200)
                volunteer = await client.call("activities", "register_volunteer", {
                    "station_id": station_id(code), "name": f"志愿者{item['n']:03d}", "gender": "female",
                    "age_group": "adult", "birth_year": 1980}, token=head)
                for s in range(5):
                    await client.call("activities", "record_volunteer_service", {
                        "volunteer_id": volunteer["volunteer_id"],
                        "served_on": (date(2026, 10, 5) + timedelta(days=s)).isoformat(), "place": "社区广场",
                        "content": "陪伴老人", "hours": 2, "organising_unit": "社工站", "person_in_charge": "站长"},
                        token=head)

    await asyncio.gather(*(writer() for _ in range(args.clients)))


async def caught_up(stack: BenchStack, js: Any) -> int:
    """Wait until every event written is in its stream and reporting has applied both streams to their ends;
    the events in them."""
    written = 0
    for source in SOURCES:
        store = await asyncpg.connect(stack.dsn(f"hemiao_{source}"))
        try:
            written += await store.fetchval("SELECT count(*) FROM events")
        finally:
            await store.close()
    conn = await asyncpg.connect(stack.dsn("hemiao_reporting"))
    try:
        while True:
            last = {s: (await js.stream_info(stream_name(stack.namespace, s))).state.last_seq for s in SOURCES}
            applied = dict(await conn.fetch("SELECT consumer, stream_seq FROM consumer_checkpoints"))
            if sum(last.values()) >= written and all(applied.get(f"reporting_{s}", 0) >= seq
                                                     for s, seq in last.items()):
                return sum(last.values())
            await asyncio.sleep(0.2)
    finally:
        await conn.close()


async def stream_ends(stack: BenchStack, js: Any) -> dict[str, int]:
    return {s: int((await js.stream_info(stream_name(stack.namespace, s))).state.last_seq) for s in SOURCES}


async def catch_up(stack: BenchStack, js: Any, *, fetch_ahead: bool = True) -> tuple[int, float, float]:
    """Reporting's live consumers (StreamConsumer, batches of 256 as in the service), in this process, on a
    reporting database of their own that has applied nothing: every event of both streams was written while they
    were stopped. The events, the seconds from their start until both have applied their stream to its end, and
    of those the seconds until the first batch was applied (the election, the durable consumer made).
    `fetch_ahead=False`: each batch fetched only once the one before is applied (as before fetching ahead)."""
    name = "catchup" if fetch_ahead else "catchupturns"
    dsn = stack.dsn(f"hemiao_{name}")
    await migrate(dsn, [MIGRATIONS])
    ends = await stream_ends(stack, js)
    pool = await asyncpg.create_pool(dsn, min_size=2, max_size=4)
    consumers = [StreamConsumer(pool, dsn, js, namespace=stack.namespace, source=s, projections=projections(),
                                consumer=name, poll_seconds=0.2) for s in SOURCES]
    for consumer in consumers:
        consumer.fetch_ahead = fetch_ahead
    started = time.monotonic()
    tasks = [asyncio.create_task(c.run()) for c in consumers]
    first = None
    try:
        while not all(c.stats.last_stream_seq >= ends[c.stats.source] for c in consumers):
            if first is None and any(c.stats.applied for c in consumers):
                first = time.monotonic() - started
            await asyncio.sleep(0.01)
        return sum(ends.values()), time.monotonic() - started, first or 0.0
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await pool.close()


async def anchor(stack: BenchStack, js: Any) -> tuple[int, float]:
    """The batched-apply anchor: both streams read from their first event at once, as the rebuild reads them,
    each by a pull consumer fetching 256 at a time; per batch one transaction with one upsert of the batch's
    streams' versions and one checkpoint update. The events and the seconds."""
    dsn = stack.dsn("hemiao_anchor")
    setup = await asyncpg.connect(stack.dsn("postgres"))
    try:
        await setup.execute("CREATE DATABASE hemiao_anchor")
    finally:
        await setup.close()
    ends = await stream_ends(stack, js)
    conns = [await asyncpg.connect(dsn) for _ in SOURCES]
    await conns[0].execute("CREATE TABLE applied (stream_id text PRIMARY KEY, version integer NOT NULL);"
                           " CREATE TABLE checkpoints (source text PRIMARY KEY, stream_seq bigint NOT NULL)")
    await conns[0].execute("INSERT INTO checkpoints SELECT unnest($1::text[]), 0", list(SOURCES))

    async def read(source: str, conn: asyncpg.Connection) -> None:
        subscription = await js.pull_subscribe(
            f"{stack.namespace}.events.{source}.>", stream=stream_name(stack.namespace, source),
            config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL, ack_policy=AckPolicy.NONE))
        position, pending = 0, ends[source]
        try:
            while position < ends[source]:
                try:  # no more than there are, as the consumers do (a fetch waits for a batch it cannot fill)
                    messages = await subscription.fetch(max(1, min(ANCHOR_BATCH, pending)), timeout=1.0)
                except TimeoutError:
                    continue
                pending = messages[-1].metadata.num_pending
                versions: dict[str, int] = {}
                for msg in messages:
                    headers = msg.headers or {}
                    versions[headers["hemiao-stream-id"]] = int(headers["hemiao-stream-version"])
                position = messages[-1].metadata.sequence.stream
                async with conn.transaction():
                    await conn.execute(
                        "INSERT INTO applied (stream_id, version) SELECT * FROM unnest($1::text[], $2::integer[])"
                        " ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version",
                        list(versions), list(versions.values()))
                    await conn.execute("UPDATE checkpoints SET stream_seq = $2 WHERE source = $1", source, position)
        finally:
            await subscription.unsubscribe()

    started = time.monotonic()
    try:
        await asyncio.gather(*(read(source, conn) for source, conn in zip(SOURCES, conns, strict=True)))
        return sum(ends.values()), time.monotonic() - started
    finally:
        for conn in conns:
            await conn.close()


async def profiled_rebuild(stack: BenchStack, js: Any, *, batch_handlers: bool) -> tuple[RebuildOutcome, list[str]]:
    """A rebuild of every projection under cProfile (with the projections' batch handlers, or with their per-event
    handlers alone, as before batch handlers): its top entries by own time, and by cumulative time."""
    chosen = projections() if batch_handlers else [dataclasses.replace(p, batch_handlers={}) for p in projections()]
    profile = cProfile.Profile()
    profile.enable()
    try:
        outcome = await rebuild(stack.dsn("hemiao_reporting"), js, stack.namespace, SOURCES, chosen, chosen)
    finally:
        profile.disable()
    lines = []
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).strip_dirs().sort_stats(order).print_stats(PROFILE_TOP)
        text = out.getvalue()
        lines.append(text[text.index("ncalls"):].rstrip() if "ncalls" in text else text.rstrip())
    return outcome, lines


async def query_loop(client: ServiceClient, token: str, until: asyncio.Event) -> Latencies:
    """The bureau's district overview, asked again as soon as answered, until told to stop."""
    seen = Latencies()
    while not until.is_set():
        started = time.perf_counter()
        try:
            await client.call("reporting", "district_overview", {"year": 2026}, token=token)
            seen.values.append((time.perf_counter() - started) * 1000)
        except Exception as error:
            if not seen.failures:
                say(f"district_overview failed: {error!r}")
            seen.failures += 1
            await asyncio.sleep(0.05)  # a call that fails at once must not keep the rest of the bench from running
    return seen


async def subscription_latency(stack: BenchStack, samples: int) -> tuple[Latencies, Latencies]:
    """From a mutation's answer (and from its sending) to its item on the station feed of a subscriber."""
    worker = social_worker("HSP")
    token = issue_token(stack.secret, worker, ttl_seconds=3600)
    after_answer, after_send = Latencies(), Latencies()
    url = stack.gateway_base.replace("http://", "ws://") + "/graphql"
    mutation = """mutation($input: RecordActivityInput!) { recordActivity(input: $input) { __typename } }"""
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws, \
            httpx.AsyncClient(base_url=stack.gateway_base, headers={"Authorization": f"Bearer {token}"}) as http:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}))
        await ws.recv()
        await ws.send(json.dumps({"id": "1", "type": "subscribe",
                                  "payload": {"query": "subscription { stationFeed { eventType streamId } }"}}))
        await asyncio.sleep(0.5)
        for n in range(samples):
            sent = time.perf_counter()
            answer = await http.post("/graphql", json={"query": mutation, "variables": {"input": {
                "stationId": station_id("HSP"), "community": "一力社区", "title": f"测速活动 {n}", "kind": "EDUCATION",
                "heldOn": "2026-11-01", "place": "广场", "directParticipants": 10}}})
            answered = time.perf_counter()
            assert answer.json()["data"]["recordActivity"]["__typename"] == "StationWorkRecorded", answer.text
            item = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
            arrived = time.perf_counter()
            assert item["payload"]["data"]["stationFeed"]["eventType"] == "ActivityHeld", item
            after_answer.values.append((arrived - answered) * 1000)
            after_send.values.append((arrived - sent) * 1000)
    return after_answer, after_send


async def measure(stack: BenchStack, args: argparse.Namespace) -> dict[str, Any]:
    assert stack.postgres is not None
    facts = await machine.facts(stack.dsn("postgres"), stack.postgres.bin_dir, EmbeddedNats.binary())
    nc = await connect(stack.env["NATS_URL"], "hemiao-bench-reporting")
    try:
        js = nc.jetstream()
        client = ServiceClient(nc, stack.namespace, timeout=30.0)
        await load_demo(client, issue_token(stack.secret, SYSTEM, ttl_seconds=3600))
        loading = time.monotonic()
        await history(client, stack.secret, args)
        events = await caught_up(stack, js)
        say(f"history written and applied live: {events} events in {time.monotonic() - loading:.0f} s")
        reader = issue_token(stack.secret, bureau(), ttl_seconds=3600)

        idle_stop = asyncio.Event()
        idle_task = asyncio.create_task(query_loop(client, reader, idle_stop))
        await asyncio.sleep(10)
        idle_stop.set()
        idle = await idle_task
        say(f"queries, idle: {idle.line()}")

        phases: dict[str, float] = {}
        replayed: dict[str, int] = {}

        def note(progress: RebuildProgress) -> None:
            phases.setdefault(progress.phase, time.monotonic())
            replayed.setdefault(progress.phase, progress.done)

        busy_stop = asyncio.Event()
        busy_task = asyncio.create_task(query_loop(client, reader, busy_stop))
        outcome: RebuildOutcome = await rebuild(stack.dsn("hemiao_reporting"), js, stack.namespace, SOURCES,
                                                projections(), projections(), on_progress=note)
        busy_stop.set()
        during = await busy_task
        swap = phases.get("done", 0) - phases.get("swapping", 0)
        replay = (replayed.get("swapping", 0), phases.get("swapping", 0) - phases.get("replaying", 0))
        say(f"rebuild: {outcome.events} events in {outcome.seconds:.1f} s, of which the replay {replay[0]} in"
            f" {replay[1]:.2f} s; swap phase {swap * 1000:.0f} ms of which locked {outcome.locked_seconds * 1000:.0f}"
            f" ms; queries meanwhile: {during.line()}")

        anchored, anchor_seconds = await anchor(stack, js)
        say(f"anchor (fetch {ANCHOR_BATCH}, one upsert and a checkpoint per batch): {anchored} events in"
            f" {anchor_seconds:.2f} s, {anchored / anchor_seconds:,.0f} events/s")
        caught, catch_up_seconds, catch_up_start = await catch_up(stack, js)
        say(f"live catch-up: {caught} events in {catch_up_seconds:.2f} s, {caught / catch_up_seconds:,.0f} events/s;"
            f" the first batch applied after {catch_up_start:.2f} s")
        alone_phases: dict[str, tuple[float, int]] = {}

        def note_alone(progress: RebuildProgress) -> None:
            alone_phases.setdefault(progress.phase, (time.monotonic(), progress.done))

        alone: RebuildOutcome = await rebuild(stack.dsn("hemiao_reporting"), js, stack.namespace, SOURCES,
                                              projections(), projections(), on_progress=note_alone)
        alone_replay = (alone_phases["swapping"][1], alone_phases["swapping"][0] - alone_phases["replaying"][0])
        say(f"rebuild, no queries: {alone.events} events in {alone.seconds:.1f} s, of which the replay"
            f" {alone_replay[0]} in {alone_replay[1]:.2f} s")
        # the same two, fetching in turn (each batch only once the one before is applied), as before fetching ahead
        turns_caught = await catch_up(stack, js, fetch_ahead=False)
        say(f"live catch-up, fetching in turn: {turns_caught[0]} events in {turns_caught[1]:.2f} s,"
            f" {turns_caught[0] / turns_caught[1]:,.0f} events/s")
        turns_phases: dict[str, tuple[float, int]] = {}

        def note_turns(progress: RebuildProgress) -> None:
            turns_phases.setdefault(progress.phase, (time.monotonic(), progress.done))

        SourceReader.fetch_ahead = False
        try:
            turns: RebuildOutcome = await rebuild(stack.dsn("hemiao_reporting"), js, stack.namespace, SOURCES,
                                                  projections(), projections(), on_progress=note_turns)
        finally:
            SourceReader.fetch_ahead = True
        turns_replay = (turns_phases["swapping"][1], turns_phases["swapping"][0] - turns_phases["replaying"][0])
        say(f"rebuild, fetching in turn: {turns.events} events in {turns.seconds:.1f} s, of which the replay"
            f" {turns_replay[0]} in {turns_replay[1]:.2f} s")
        profile: list[str] = []
        if args.profile:
            for batched in (False, True):
                profiled, lines = await profiled_rebuild(stack, js, batch_handlers=batched)
                say(f"rebuild under cProfile, {'with' if batched else 'without'} batch handlers: {profiled.events}"
                    f" events in {profiled.seconds:.1f} s")
                print(lines[0], flush=True)
                profile += [f"{profiled.events:,} events in {profiled.seconds:.1f} s under cProfile", *lines]

        after_answer, after_send = await subscription_latency(stack, args.samples)
        say(f"subscription: after the answer {after_answer.line()}")
    finally:
        await nc.close()
    return {"facts": facts, "events": events, "idle": idle, "during": during, "outcome": outcome, "swap": swap,
            "after_answer": after_answer, "after_send": after_send, "args": args,
            "anchor": (anchored, anchor_seconds), "replay": replay,
            "alone": alone, "alone_replay": alone_replay, "catch_up": (caught, catch_up_seconds, catch_up_start),
            "turns": turns, "turns_replay": turns_replay, "turns_caught": turns_caught,
            "profile": profile,
            "load_after": os.getloadavg()}


def throughput(events: int, seconds: float, anchor_rate: float | None = None) -> str:
    rate = events / seconds
    ratio = "" if anchor_rate is None else f", {rate / anchor_rate:.2f} × the anchor"
    return f"{events:,} in {seconds:.2f} s: **{rate:,.0f} events/s**{ratio}"


def write(result: dict[str, Any], started: datetime) -> None:
    outcome: RebuildOutcome = result["outcome"]
    args = result["args"]
    facts = "\n".join(f"- **{k}**: {v}" for k, v in result["facts"].items())
    anchored, anchor_seconds = result["anchor"]
    caught, catch_up_seconds, catch_up_start = result["catch_up"]
    replay: tuple[int, float] = result["replay"]
    alone: RebuildOutcome = result["alone"]
    alone_replay: tuple[int, float] = result["alone_replay"]
    turns: RebuildOutcome = result["turns"]
    anchor_rate = anchored / anchor_seconds
    load = ", ".join(f"{v:.2f}" for v in result["load_after"])
    provisional = "" if not args.provisional else """

**Provisional figures**: taken while other work loaded this 2-core machine (the load averages below; the 15-minute
one says what went before), so every absolute figure is low and noisy; the ratios to the anchor, measured in
the same minutes, say more. The recorded run is made on a quiet machine."""
    profile = "" if not result["profile"] else f"""
## Where the rebuild's time goes

Two more rebuilds of every projection, under cProfile (which slows them), in the bench process: first with the
projections' per-event handlers alone (batches of 2,000, the applied versions held in memory and written once, but
each event's own statements: what the batch handlers were chosen from), then with their batch handlers. For each,
the top {PROFILE_TOP} entries by own time, then by cumulative time. Time the bench process spends waiting for
PostgreSQL and NATS shows as the event loop's `select`.

Per-event handlers: {result["profile"][0]}.

```
{result["profile"][1]}
```

```
{result["profile"][2]}
```

With batch handlers: {result["profile"][3]}.

```
{result["profile"][4]}
```

```
{result["profile"][5]}
```
"""
    RESULTS.write_text(f"""# hemiao reporting bench results

Run at {started:%Y-%m-%d %H:%M:%S} UTC by `make bench-reporting` (`python -m bench.reporting`); every number is
measured in that run, none is typed in.{provisional}

## Machine

{facts}
- **Load average at the end (1, 5, 15 min)**: {load}

## Method

The bench starts its own embedded PostgreSQL and nats-server and the four processes, as `make run` does, loads
the demo data, then writes a history on top with {args.clients} concurrent writers over NATS: at each of the 4
stations {args.cases} recipients with a case each and {args.sessions} sessions per case, {args.groups} groups
with 8 members and 6 sessions each, and {args.volunteers} volunteers with 5 services each. It waits until
reporting's live consumers have applied both streams to their ends ({result['events']} events in all).

- **Queries, idle**: for 10 s, one client asks reporting's `district_overview` (the bureau's year: every figure
  of every station, over the person-times views) over NATS, again as soon as it is answered.
- **Rebuild**: the bench process runs what `hemiao reporting rebuild` runs (`services.reporting.rebuild.rebuild`),
  for all {len(outcome.projections)} projections, while the live consumers run and the same query loop goes on.
  The swap phase runs from the end of the replay to the commit: a last catch-up and `ANALYZE` of the new tables,
  unlocked, then the transaction that holds the live consumers (and, at its end, the tables and views) while it
  catches up to them, moves the tables and recreates the views. "Locked" is that transaction alone. The whole
  rebuild includes the fixed costs of making the new tables (every migration, in their schema) and of the swap;
  the replay phase is the events alone.
- **Anchor, batched apply**: both streams read from their first event at once by pull consumers fetching
  {ANCHOR_BATCH} at a time, and per batch one transaction with one upsert of its streams' versions and one
  checkpoint update: what applying batches costs with no read model behind it. Every throughput below is also
  given as a ratio to it.
- **The rebuild alone**: the same rebuild again, right after the anchor and the catch-up and with no query
  loop, so that it runs in the conditions they ran in: its throughput is the one held to the targets.
- **Live catch-up**: reporting's `StreamConsumer`s (batches of 256, acks, parking checks, as in the service), in
  the bench process, on a reporting database of their own that has applied nothing: every event of both streams
  was written while they were stopped. From their start until both have applied their stream to its end.
- **Fetching ahead, and in turn**: the consumers and the rebuild fetch (and decode) the next batch while one is
  applied. The catch-up and the rebuild alone are run once more with that turned off (each batch fetched only
  once the one before is applied, as before), right after, to show what it gains.
- **Subscription**: one graphql-transport-ws client subscribes to `stationFeed` as the 黑石铺 social worker; then,
  {args.samples} times, one at a time, `recordActivity` is posted to the gateway and the bench waits for its item
  on the feed. "After the answer" is the wait for the item once the answer is in; an item that came before the
  answer (the relay publishes as soon as the command commits) was already waiting, and counts as about 0 ms.
  "After it was sent" is the whole time a user waits, from the mutation leaving the client to its item arriving.

## Results

| Measurement | Result |
|---|---|
| Anchor: fetch {ANCHOR_BATCH}, one upsert and a checkpoint per batch | {throughput(anchored, anchor_seconds)} |
| Live catch-up of every event | {throughput(caught, catch_up_seconds, anchor_rate)} |
| Of it, before the first batch was applied (election, durable consumer) | {catch_up_start:.2f} s |
| The rebuild alone, from its start to the swap's commit | {throughput(alone.events, alone.seconds, anchor_rate)} |
| Of it, the replay (every event read and applied into the new tables) | {throughput(*alone_replay, anchor_rate)} |
| Live catch-up, fetching in turn (as before) | {throughput(*result["turns_caught"][:2], anchor_rate)} |
| The rebuild alone, fetching in turn (as before) | {throughput(turns.events, turns.seconds, anchor_rate)} |
| Of it, the replay | {throughput(*result["turns_replay"], anchor_rate)} |
| The rebuild while the query loop runs, start to commit | {throughput(outcome.events, outcome.seconds, anchor_rate)} |
| Of it, the replay | {throughput(*replay, anchor_rate)} |
| The swap phase | {result['swap'] * 1000:.0f} ms, {outcome.swap_attempts} attempt(s) |
| Of it, locked (consumers wait; queries only for the table moves at its end) | {outcome.locked_seconds * 1000:.0f} ms |
| `district_overview`, idle | {result['idle'].line()} |
| `district_overview`, during the rebuild | {result['during'].line()} |
| Feed item after the mutation's answer | {result['after_answer'].line()} |
| Feed item after the mutation was sent | {result['after_send'].line()} |

Targets: rebuild and live catch-up at least 5,000 events/s and at least 0.5 × the anchor.
{profile}""")


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    started = datetime.now(UTC)
    stack = BenchStack()
    say(f"working in {stack.root}")
    try:
        stack.start_servers()
        stack.start_services()
        result = asyncio.run(measure(stack, args))
    finally:
        stack.stop()
    write(result, started)
    say(f"written to {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
