"""bench/RESULTS.md and the table printed on stdout."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bench.anchors import Batched
from bench.profiling import Profile
from bench.stats import Progress, Throughput, Visibility, percentile
from shared.application import CONFLICT_ATTEMPTS

RESULTS = Path(__file__).parent / "RESULTS.md"
BACKTICK, QUOTE = "`", "'"
SLOW_SAMPLE_MS = 100.0
SCALE = "`make bench-scale` (bench/SCALE.md)"
OPENING = 4
POLL_MS = 20.0


@dataclass
class Report:
    """Everything one bench run measured and observed."""

    started: datetime
    facts: dict[str, str]
    config: dict[str, str]
    finished: datetime | None = None
    insert: Throughput | None = None
    library: Throughput | None = None
    publish: Batched | None = None
    apply: Batched | None = None
    nats_distinct: Throughput | None = None
    nats_shared: Throughput | None = None
    graphql: Throughput | None = None
    latency: dict[int, Throughput] = field(default_factory=dict)
    visibility: Visibility | None = None
    relay: Progress | None = None
    relay_order: dict[str, int] = field(default_factory=dict)
    catch_up: Progress | None = None
    rebuild: Progress | None = None
    profile: Profile | None = None
    conflict_retries: dict[str, int] = field(default_factory=dict)
    cpu: dict[str, dict[str, float]] = field(default_factory=dict)
    wall: dict[str, float] = field(default_factory=dict)
    problems: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    exit_codes: dict[str, int] = field(default_factory=dict)
    stop_seconds: dict[str, float] = field(default_factory=dict)


def _n(value: float, digits: int = 1) -> str:
    """A number with thousands separators, or n/a."""
    return "n/a" if math.isnan(value) else f"{value:,.{digits}f}"


def _ratio(value: float, reference: float) -> str:
    """value ÷ reference as "N×", or n/a."""
    if math.isnan(value) or math.isnan(reference) or reference == 0:
        return "n/a"
    return f"{value / reference:.3f}×"


def _rate(x: Throughput | Batched | Progress | None) -> float:
    return math.nan if x is None else x.rate


def _p50(x: Throughput | None) -> float:
    return math.nan if x is None else x.p50


def table(r: Report) -> list[list[str]]:
    """The results: one row per figure, with its anchor and its ratio to it."""
    insert, library, publish, apply = _rate(r.insert), _rate(r.library), _rate(r.publish), _rate(r.apply)
    insert_p50 = _p50(r.insert)
    rows = [["Figure", "Result", "Latency p50 / p99 (ms)", "Anchor", "Ratio to its anchor"]]

    def throughput(label: str, run: Throughput | None, unit: str, anchor: str, anchor_rate: float) -> None:
        if run is None:
            return
        rows.append([label, f"{_n(run.rate)} {unit}", f"{_n(run.p50, 2)} / {_n(run.p99, 2)}", anchor,
                     _ratio(run.rate, anchor_rate)])

    def backlog(label: str, run: Progress | Batched | None, anchor: str, anchor_rate: float) -> None:
        if run is None:
            return
        rows.append([label, f"{_n(run.rate)} events/s", "—", anchor, _ratio(run.rate, anchor_rate)])

    throughput(f"**Anchor** raw PostgreSQL INSERT, one row per transaction, {_clients(r.insert)} connections",
               r.insert, "rows/s", "—", math.nan)
    throughput(f"**Anchor** `eventsourcing` 9.5.6 PostgreSQL `app.save`, one event per save, "
               f"{_clients(r.library)} threads", r.library, "events/s", "raw INSERT", insert)
    backlog(f"**Anchor** JetStream `publish_async`, window {r.config.get('window', '?')}", r.publish, "—", math.nan)
    backlog(f"**Anchor** JetStream fetch of {r.config.get('batch', '?')} + one upsert + checkpoint per batch",
            r.apply, "—", math.nan)
    throughput(f"`record_case_session` over NATS, {_clients(r.nats_distinct)} clients on distinct cases",
               r.nats_distinct, "commands/s", "`eventsourcing` app.save", library)
    throughput(f"`record_case_session` over NATS, {_clients(r.nats_shared)} clients on"
               f" {r.config.get('shared_cases', '?')} shared cases", r.nats_shared, "commands/s",
               "`eventsourcing` app.save", library)
    throughput(f"`recordCaseSession` over GraphQL, {_clients(r.graphql)} clients on distinct cases", r.graphql,
               "mutations/s", "`eventsourcing` app.save", library)
    for level, run in r.latency.items():
        rows.append([f"One command, one client, case with {level:,} events", f"p50 {_n(run.p50, 2)} ms",
                     f"{_n(run.p50, 2)} / {_n(run.p99, 2)}", "raw INSERT p50", _ratio(run.p50, insert_p50)])
    if r.visibility is not None:
        rows.append(["Mutation answered → visible in the read model", f"p50 {_n(r.visibility.p50, 2)} ms",
                     f"{_n(r.visibility.p50, 2)} / {_n(r.visibility.p99, 2)}", "raw INSERT p50",
                     _ratio(r.visibility.p50, insert_p50)])
    backlog("Relay drain of a backlog written while the relay was down", r.relay, "JetStream publish_async",
            publish)
    backlog("Reporting live catch-up of that backlog", r.catch_up, "JetStream fetch + batched apply", apply)
    backlog("Rebuild of every read model (`services.reporting.rebuild.rebuild`)", r.rebuild,
            "JetStream fetch + batched apply", apply)
    return rows


def _clients(run: Throughput | None) -> str:
    return "?" if run is None else str(run.clients)


def _verdict(value: float, goal: float, unit: str, *, at_most: bool = False) -> str:
    """met, or short by how much."""
    if math.isnan(value) or math.isnan(goal):
        return "not measured in this run"
    if (value <= goal) if at_most else (value >= goal):
        return f"**met** ({_n(value, 2 if unit == '×' else 0)}{unit} against {_n(goal, 2 if unit == '×' else 0)}{unit})"
    if at_most:
        return f"**short**: {_n(value, 2)}{unit}, {_n(value / goal, 2)}× the limit of {_n(goal, 2)}{unit}"
    digits = 2 if unit == "×" else 0
    return (f"**short** by {_n(goal - value, digits)}{unit}: {_n(value, digits)}{unit}"
            f" is {100 * value / goal:.0f} % of {_n(goal, digits)}{unit}")


def targets(r: Report) -> list[str]:
    """Each target of issue 16 and where this run stands against it."""
    lines: list[str] = []
    levels = sorted(r.latency)
    if levels:
        low, high = r.latency[levels[0]], r.latency[levels[-1]]
        lines.append(f"- Per-command latency at {levels[-1]:,} events within 1.2× of that at {levels[0]:,} (p50):"
                     f" {_verdict(high.p50 / low.p50, 1.2, '×', at_most=True)}.")
    nats, library, graphql = _rate(r.nats_distinct), _rate(r.library), _rate(r.graphql)
    lines.append(f"- NATS commands on distinct cases at least the `eventsourcing` library's figure:"
                 f" {_verdict(nats, library, '/s')}.")
    lines.append(f"- NATS commands on distinct cases at least 1,000/s: {_verdict(nats, 1000.0, '/s')}.")
    lines.append(f"- GraphQL at least half the NATS figure: {_verdict(graphql, nats / 2, '/s')}.")
    apply = _rate(r.apply)
    for label, run in (("Rebuild", r.rebuild), ("Live catch-up", r.catch_up)):
        rate = _rate(run)
        lines.append(f"- {label} at least 5,000 events/s: {_verdict(rate, 5000.0, '/s')}; at least half the batched"
                     f" apply anchor: {_verdict(rate, apply / 2, '/s')}.")
    lines.append(f"- Relay drain at least 5,000 events/s: {_verdict(_rate(r.relay), 5000.0, '/s')}.")
    lines.append(f"- At province size (station- and district-level queries p99 ≤ 100 ms, the province overview"
                 f" p99 ≤ 1 s, a full rebuild of a province year under 15 minutes): measured by {SCALE}, not here.")
    return lines


ONE_CORE = 85.0
"""A process at this share of one core or more is taken to be bound by it: each hemiao process runs its Python on
one thread (one asyncio loop), so it can use one core at most, however many the machine has."""


def budget(r: Report) -> list[str]:
    """Why each throughput stands where it does: the CPU each process spent per request in its phase (psutil, the
    table below), what the machine's cores allow at that cost, and what the target would allow per request.

    A closed-loop phase's requests are its rate over the phase's wall time (warm-up included, as the CPU is); a
    backlog's are its events, over the phase's wall time, which includes the process's start (so the cost per
    event is an upper bound there)."""
    cores = int(r.facts.get("nproc", "1") or 1)
    lines: list[str] = []
    runs = (("NATS commands on distinct cases", "NATS distinct", r.nats_distinct, 1000.0, "command"),
            ("GraphQL mutations", "GraphQL", r.graphql, _rate(r.nats_distinct) / 2, "mutation"),
            ("Live catch-up", "live catch-up", r.catch_up, 5000.0, "event"),
            ("Rebuild (it runs in the bench process)", "rebuild", r.rebuild, 5000.0, "event"))
    for label, phase, run, goal, unit in runs:
        rate, shares, wall = _rate(run), r.cpu.get(phase) or {}, r.wall.get(phase, math.nan)
        if run is None or math.isnan(rate) or rate <= 0 or not shares or math.isnan(goal) or math.isnan(wall):
            continue
        served = run.counted if isinstance(run, Progress) else rate * wall
        if served <= 0:
            continue

        def ms(share: float, served: float = served, wall: float = wall) -> float:
            """A share of one core over the phase, as milliseconds of CPU per request."""
            return 1000 * share / 100 * wall / served

        total = sum(shares.values())
        spent = sorted(((name, ms(share)) for name, share in shares.items() if share >= 1), key=lambda x: -x[1])
        busiest, most = max(shares.items(), key=lambda item: item[1])
        backlog = isinstance(run, Progress)
        line = (f"- **{label}**: {_n(rate, 0)}/s against {_n(goal, 0)}/s"
                f" ({'met' if rate >= goal else 'short'}). The machine was {total / cores:.0f} % busy"
                f" ({total:.0f} % of {100 * cores} %). Per {unit} the processes spent"
                f" {'at most ' if backlog else ''}{_n(ms(total), 2)} ms of CPU in all: "
                + ", ".join(f"{name} {_n(cost, 2)}" for name, cost in spent) + " ms"
                + (f" (the phase's {_n(wall, 2)} s include {_n(wall - run.seconds, 2)} s before the work began, a"
                   " process's start: so these are upper bounds)." if isinstance(run, Progress) else
                   f". At that cost {cores} cores allow at most {_n(1000 * cores / ms(total), 0)}/s;")
                + f" {_n(goal, 0)}/s would need {_n(1000 * cores / goal, 2)} ms per {unit} in all.")
        if most >= ONE_CORE:
            line += f" {busiest} used {most:.0f} % of one core, all its one thread can: it is the bound."
        elif total < ONE_CORE * cores:
            line += (f" Neither the machine nor any one process was at its limit (the busiest, {busiest}, at"
                     f" {most:.0f} % of a core): the work waits between processes, each idle while another works.")
        lines.append(line)
    return lines


def markdown_table(rows: list[list[str]]) -> str:
    """Rows as a GitHub-flavoured Markdown table (the first row is the header)."""
    head, *body = rows
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in body]
    return "\n".join(lines)


def _trend(run: Throughput) -> str:
    """Throughput of the first three seconds of the window against the last three."""
    if len(run.per_second) < 6:
        return "window too short for a trend"
    first, last = run.per_second[:3], run.per_second[-3:]
    return f"{sum(first) / 3:,.0f}/s in the first 3 s, {sum(last) / 3:,.0f}/s in the last 3 s"


def _errors(run: Throughput) -> str:
    """A run's failed requests by kind."""
    return ", ".join(f"{name} × {count}" for name, count in run.errors.most_common()) or "none"


def _visibility_details(vis: Visibility) -> str:
    """The details line of (c)."""
    mean = sum(vis.samples_ms) / len(vis.samples_ms) if vis.samples_ms else math.nan
    worst = max(vis.samples_ms) if vis.samples_ms else math.nan
    slow = [n for n, s in enumerate(vis.samples_ms, start=1) if s > SLOW_SAMPLE_MS]
    errors = ", ".join(f"{k} × {v}" for k, v in vis.errors.items()) or "none"
    spread = ", ".join(f"{label}: {count}" for label, count in vis.buckets().items())
    return (f"- Visibility: {len(vis.samples_ms)} samples in {vis.wall_seconds:.1f} s; mean {_n(mean, 2)} ms,"
            f" max {_n(worst, 2)} ms; distribution: {spread}; visible on the first poll in {vis.first_poll_hits}"
            f" samples; samples over {SLOW_SAMPLE_MS:g} ms were numbers {', '.join(map(str, slow)) or 'none'};"
            f" timeouts:"
            f" {vis.timeouts}; mutation errors: {errors}; the mutation itself (one client at a time) took"
            f" p50 {_n(percentile(vis.mutation_ms, 0.5), 2)} ms, p99 {_n(percentile(vis.mutation_ms, 0.99), 2)} ms.")


def _cpu_table(cpu: dict[str, dict[str, float]]) -> str:
    """CPU per process and phase as a Markdown table."""
    names = sorted({name for shares in cpu.values() for name in shares})
    rows = [["Process", *cpu]]
    rows += [[name, *(_n(shares.get(name, math.nan), 0) for shares in cpu.values())] for name in names]
    rows.append(["**total**", *(_n(sum(shares.values()), 0) for shares in cpu.values())])
    return markdown_table(rows)


def _method(r: Report) -> str:
    """How each figure was measured, with this run's parameters."""
    c = r.config
    return f"""\
Every figure comes from one run of `make bench` (`python -m bench.run`). The bench starts its own embedded
PostgreSQL and nats-server (JetStream) in a temp dir on free loopback ports (namespace `{c.get('namespace')}`, a
fresh HS256 secret and data key), then `services.cases`, `services.activities`, `services.reporting` and the
`gateway` as four processes, as `make run` does. It loads the demo data and opens {c.get('cases')} cases at the
黑石铺 (HSP) station as its social worker, {OPENING} at a time (the service refused
{c.get('opening_refusals')} of those openings with `concurrency_conflict`, its retries on the station's case
register exhausted, and the bench sent them again). The load generator is the bench process itself (one
asyncio loop, plus threads for the library anchor), on the same {r.facts.get('nproc')} cores as everything it
measures. Closed loops: each client sends its next request when its previous one is answered; {c.get('warmup')} s
of warm-up, then a window of {c.get('seconds')} s (anchors: {c.get('reference_seconds')} s); a request counts when
its answer arrives inside the window. Percentiles are nearest-rank.

Anchors, on the same servers in the same run:
- **raw INSERT**: {c.get('clients')} asyncpg connections, `INSERT INTO bench_rows (stream_id, data)` of an
  event-sized JSON document in autocommit (one row per transaction), database `bench_reference`.
- **`eventsourcing` app.save**: the library's `Application` with `PERSISTENCE_MODULE=eventsourcing.postgres`
  on its own database `bench_eventsourcing`; {c.get('clients')} threads, each with an aggregate of its own,
  record one event of a case session's size and `app.save` it, back to back (the library checks the version and
  writes its notification log in each save).
- **JetStream publish**: {c.get('jetstream_events')} event-sized messages to a scratch file stream with
  `publish_async`, at most {c.get('window')} unacknowledged, each with a `Nats-Msg-Id` as the relay sends;
  timed to the last PubAck.
- **JetStream fetch + batched apply**: a durable pull consumer reads that stream from the start,
  {c.get('batch')} messages per fetch; each batch is one transaction (one set-based upsert of per-case rows
  with `unnest`, then the checkpoint row), then one ack for the batch.

hemiao:
- **NATS, distinct cases**: {c.get('clients')} clients, each its own NATS connection, `record_case_session` on a
  case of its own: no two commands on one stream. The cases service is profiled meanwhile
  (profiler: {c.get('profiler')}).
- **NATS, shared cases**: the same, each command on one of {c.get('shared_cases')} cases drawn at random:
  concurrent appends to a case conflict and are retried in the service (up to {CONFLICT_ATTEMPTS} attempts);
  retries are counted as the growth of `pg_stat_database.xact_rollback` of `hemiao_cases` over the phase
  (read {c.get('stats_settle')} s after it, when PostgreSQL has flushed its statistics).
- **GraphQL**: {c.get('clients')} keep-alive HTTP/1.1 clients POST `recordCaseSession` to the gateway, each on a
  case of its own; a success is a `RecordCaseSessionPayload`. The clients are `bench/lean_http.py` (the request's
  bytes written by hand, as wrk writes them), not httpx, whose 5 ms of CPU a request the gateway and the services
  on the same two cores would lose (bench/GATEWAY.md).
- **One command at N events of history**: one client, {c.get('latency_samples')} commands one at a time, going
  round cases prepared with N events each (cases prepared: {c.get('histories')}), so that the samples add a tenth
  at most to a case's history. The histories are written straight through the cases service's event store by
  the real decider (`case.decide`, `CASE.evolve`, sealed as the service seals), a few hundred events per append,
  and published by the service's relay.
- **Visibility**: one client sends `recordCaseSession` through the gateway, one at a time, and from the answer
  polls reporting's `case` query over NATS every {c.get('poll_ms')} ms until the session is counted; up to
  {c.get('samples')} samples, at most {c.get('visibility_max')} s.
- **Relay drain**: with every event published and projected, reporting and then cases are stopped (SIGTERM);
  {c.get('backlog')} sessions are written through the store with no relay running, spread over the shared and
  GraphQL cases; cases is started again and its relay publishes the backlog. The bench polls the stream's last
  sequence every {POLL_MS:g} ms; the rate is the whole backlog over the time from the last poll that saw none
  of it published to the first that saw all of it (the process's start-up is left out, up to one poll of the
  work may be in; the time from launch is given beside it). The stream must
  end exactly at the store's count, and reading the backlog back must find every event id once and each case's
  events in order from the version it had before, without a gap.
- **Live catch-up**: then reporting is started; its `reporting_cases` checkpoint (`consumer_checkpoints`) is
  polled in the same way until it reaches the stream's end.
- **Rebuild**: the bench process runs `services.reporting.rebuild.rebuild` for every projection (as
  `bench/reporting.py` does) over everything the run wrote, while the live consumers run.
"""


def _throughput_details(label: str, run: Throughput | None, retries: int | None, cpu: dict[str, float] | None,
                        wall: float | None) -> str:
    """One details line of a closed-loop run, with the cases process's CPU per command."""
    if run is None:
        return f"- {label}: not measured."
    line = f"- {label}: {run.ok:,} in {run.window_seconds:g} s; errors: {_errors(run)}; {_trend(run)}"
    if retries is not None:
        line += f"; conflict retries (rolled-back transactions of `hemiao_cases`): {retries:,}"
    requests = run.extra.get("endpoint_requests", 0.0)
    if cpu is not None and wall and requests:
        share = cpu.get("cases", math.nan)
        line += (f"; the cases process used {_n(share, 0)} % of a core, {_n(10 * share * wall / requests, 2)} ms of CPU"
                 f" per command over the {requests:,.0f} it served (`$SRV.STATS` count, psutil CPU)")
    return line + "."


def _profile(r: Report) -> list[str]:
    """The profile's top entries as a table."""
    p = r.profile
    if p is None:
        return ["No profile was taken (`--profiler none`)."]
    if p.error:
        return [f"The profile failed: {p.error}"]
    unit = "samples" if p.tool == "py-spy" else "calls"
    lines = [f"{p.tool}, the cases process during the distinct-cases NATS run ({p.samples:,} {unit}). Own: share"
             " of the samples in the function itself; inclusive: with what it called." if p.tool == "py-spy" else
             f"{p.tool}, the cases process's main thread during the distinct-cases NATS run ({p.samples:,} calls)."
             " Own: share of the profiled time in the function itself; inclusive: with what it called.", "",
             markdown_table([["#", "Function (file)", "Own %", "Inclusive %"],
                             *[[str(n), f"`{name}`", f"{own:.1f}", f"{total:.1f}"]
                               for n, (name, own, total) in enumerate(p.entries, start=1)]])]
    return lines


def _backlog_details(label: str, run: Progress | None) -> str:
    if run is None:
        return f"- {label}: not measured."
    line = (f"- {label}: {run.events:,} events in {_n(run.seconds, 2)} s; done {_n(run.since_start, 2)} s after"
            " the process was launched")
    if run.reached < run.events:
        line += f"; NOT done: reached {run.reached:,}"
    return line + "."


def _anchor_details(r: Report) -> str:
    """The details line of the anchors."""
    parts = []
    if r.insert:
        parts.append(f"raw INSERT {r.insert.ok:,} rows, errors: {_errors(r.insert)}")
    if r.library:
        parts.append(f"`eventsourcing` {r.library.ok:,} saves, errors: {_errors(r.library)}")
    if r.publish:
        parts.append(f"JetStream publish {r.publish.events:,} messages in {_n(r.publish.seconds, 2)} s")
    if r.apply:
        parts.append(f"fetch + apply {r.apply.events:,} in {_n(r.apply.seconds, 2)} s")
    return "- Anchors: " + "; ".join(parts) + "."


def render(r: Report) -> str:
    """The whole of RESULTS.md."""
    finished = r.finished or r.started
    provisional = r.config.get("provisional") == "yes"
    lines = [
        "# hemiao bench results",
        "",
        *([f"**Provisional**: taken at small settings on a machine loaded by other work (load average at the start:"
           f" {r.facts.get('Load average at start (1, 5, 15 min)')}); the recorded run is made on a quiet machine"
           " with the defaults.", ""] if provisional else []),
        f"Run at {r.started:%Y-%m-%d %H:%M:%S} UTC, finished {finished:%H:%M:%S} UTC"
        f" ({(finished - r.started).total_seconds():.0f} s in all). Written by `make bench`; every number below is"
        " measured in that run, none is typed in.",
        "",
        "## Results",
        "",
        markdown_table(table(r)),
        "",
        "Ratios: a throughput ÷ its anchor's; a latency ÷ the raw INSERT's p50.",
        "",
        "## Targets of issue 16",
        "",
        *targets(r),
        "",
        "### Why: the CPU each figure cost",
        "",
        "From the CPU table below (psutil, each process over its phase's wall time, warm-up included) divided by the"
        " phase's rate. The load generator is on the same cores and counted: it is part of what the machine spent.",
        "",
        *budget(r),
        "",
        "## Details",
        "",
        _anchor_details(r),
        *(_throughput_details(label, run, r.conflict_retries.get(phase), r.cpu.get(phase), r.wall.get(phase))
          for label, run, phase in (("NATS, distinct cases", r.nats_distinct, "NATS distinct"),
                                    ("NATS, shared cases", r.nats_shared, "NATS shared"),
                                    ("GraphQL, distinct cases", r.graphql, "GraphQL"))),
        *(f"- One command at {level:,} events: {run.ok} samples, p50 {_n(run.p50, 2)} ms, p99 {_n(run.p99, 2)} ms,"
          f" errors: {_errors(run)}." for level, run in r.latency.items()),
        *([_visibility_details(r.visibility)] if r.visibility else []),
        _backlog_details("Relay drain", r.relay),
        *([f"- The stream ended {r.relay.duplicates:+,} messages from the store's count"
           f" ({'no duplicates' if r.relay.duplicates == 0 else 'DUPLICATES or missing events'}). Read back:"
           f" {r.relay_order.get('read', 0):,} messages, {r.relay_order.get('duplicates', 0)} with an event id"
           f" seen before, {r.relay_order.get('out_of_order', 0)} out of their stream's order or after a gap."]
          if r.relay else []),
        _backlog_details("Live catch-up", r.catch_up),
        *([f"- Rebuild: {r.rebuild.events:,} events in {_n(r.rebuild.seconds, 2)} s."] if r.rebuild else []),
        "",
        "### Where the cases service spends its CPU",
        "",
        *_profile(r),
        "",
        "### CPU use per phase (% of one core; the machine has "
        f"{r.facts.get('nproc')} cores, i.e. {100 * int(r.facts.get('nproc', '1'))} % in all)",
        "",
        _cpu_table(r.cpu),
        "",
        "## Machine",
        "",
        *(f"- **{name}**: {value}" for name, value in r.facts.items()),
        "",
        "## Method",
        "",
        _method(r),
        "## Notes",
        "",
        *_notes(r),
        "",
    ]
    return "\n".join(lines)


def _notes(r: Report) -> list[str]:
    """Observations computed from the figures, and the problems found in the logs."""
    notes = ["- Earlier versions of this file said the cases endpoint was \"busy 0 %, 0.03 ms per command\" while"
             " the process used most of a core. That figure was `processing_time` from `nats.micro`'s `$SRV.STATS`,"
             " which times the endpoint's callback only; hemiao's callback (`Endpoints.dispatch` in"
             " `shared/runtime.py`) takes a slot and starts a task that does the work, and returns at once. So it"
             " timed the hand-over, not the command. The CPU per command above is the process's own CPU time"
             " (psutil) over the commands it served."]
    if r.profile is not None and r.profile.entries:
        name, own, _ = r.profile.entries[0]
        notes.append(f"- The profile's largest own entry is `{name}`, {own:.0f} % of the cases process's"
                     f" {'samples' if r.profile.tool == 'py-spy' else 'profiled time'} in the distinct-cases run.")
    for phase, shares in r.cpu.items():
        if shares:
            name = max(shares, key=lambda k: shares[k])
            notes.append(f"- Busiest process during {phase}: {name} ({shares[name]:.0f} % of one core).")
    if r.exit_codes:
        stops = ", ".join(f"{name} exit code {code}"
                          + (f" after {r.stop_seconds[name]:.2f} s" if name in r.stop_seconds else " (killed)")
                          for name, code in r.exit_codes.items())
        notes.append(f"- On SIGTERM at the end: {stops}.")
    if r.problems:
        notes.append("- Warnings and errors in the logs of this run (most frequent first; times, ids and numbers"
                     " shown as #):")
        for log, found in r.problems.items():
            notes.append(f"  - `{log}`:")
            notes.extend(f"    - {count} × `{text.replace(BACKTICK, QUOTE)}`" for count, text in found)
    else:
        notes.append("- No warnings or errors in any service, PostgreSQL or nats-server log of this run.")
    return notes


def write(report: Report, path: Path = RESULTS) -> None:
    """Write RESULTS.md."""
    path.write_text(render(report), encoding="utf-8")
