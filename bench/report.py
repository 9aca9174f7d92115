"""bench/RESULTS.md and the table printed on stdout."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bench.stats import Drain, Throughput, Visibility, percentile
from shared.application import CONFLICT_ATTEMPTS

RESULTS = Path(__file__).parent / "RESULTS.md"
BACKTICK, QUOTE = "`", "'"
SLOW_SAMPLE_MS = 100.0
SATURATED = 0.9
"""An endpoint busy this share of the phase or more is the bottleneck."""


@dataclass
class Report:
    """Everything one bench run measured and observed."""

    started: datetime
    finished: datetime
    facts: dict[str, str]
    config: dict[str, str]
    reference: Throughput
    nats: Throughput
    graphql: Throughput
    visibility: Visibility
    drains: dict[str, Drain]
    conflict_retries: dict[str, int]
    cpu: dict[str, dict[str, float]]
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


def table(report: Report) -> list[list[str]]:
    """The results table: one row per figure, with its ratio to the raw-insert reference (d)."""
    ref = report.reference
    vis = report.visibility
    rows = [["Measurement", "Result", "Ratio to (d) throughput", "Latency p50 / p99 (ms)",
             "Latency ratio to (d) p50 / p99"]]
    for label, run, unit in (("(d) reference: raw PostgreSQL INSERT, 1 row per transaction", ref, "rows/s"),
                             ("(a) `record_case_session` over NATS request/reply", report.nats, "commands/s"),
                             ("(b) `recordCaseSession` GraphQL mutation over HTTP", report.graphql, "mutations/s")):
        rows.append([f"{label}, {run.clients} clients", f"{_n(run.rate)} {unit}", _ratio(run.rate, ref.rate),
                     f"{_n(run.p50, 2)} / {_n(run.p99, 2)}",
                     f"{_ratio(run.p50, ref.p50)} / {_ratio(run.p99, ref.p99)}"])
    rows.append([f"(c) mutation answer → visible in read model, p50 ({len(vis.samples_ms)} samples)",
                 f"{_n(vis.p50, 2)} ms", "—", "—", f"{_ratio(vis.p50, ref.p50)} of (d) p50"])
    rows.append([f"(c) mutation answer → visible in read model, p99 ({len(vis.samples_ms)} samples)",
                 f"{_n(vis.p99, 2)} ms", "—", "—", f"{_ratio(vis.p99, ref.p99)} of (d) p99"])
    return rows


def markdown_table(rows: list[list[str]]) -> str:
    """Rows as a GitHub-flavoured Markdown table (the first row is the header)."""
    head, *body = rows
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in body]
    return "\n".join(lines)


def _trend(run: Throughput) -> str:
    """Throughput of the first three seconds of the window against the last three."""
    if len(run.per_second) < 6:
        return "n/a"
    first, last = run.per_second[:3], run.per_second[-3:]
    return f"{sum(first) / 3:,.0f}/s in the first 3 s, {sum(last) / 3:,.0f}/s in the last 3 s"


def _endpoint(run: Throughput) -> str:
    """How busy the cases service's endpoint was during a phase."""
    requests, busy, wall = (run.extra.get(k, 0.0) for k in
                            ("endpoint_requests", "endpoint_busy_seconds", "endpoint_wall_seconds"))
    if not requests or not wall:
        return "endpoint statistics unavailable"
    return (f"the cases service's `record_case_session` endpoint served {requests:,.0f} requests and was busy"
            f" {100 * busy / wall:.0f} % of the phase's {wall:.1f} s, {1000 * busy / requests:.2f} ms per command")


def _errors(run: Throughput) -> str:
    """A run's failed requests by kind."""
    return ", ".join(f"{name} × {count}" for name, count in run.errors.most_common()) or "none"


def _method(report: Report) -> str:
    """How each figure was measured, with this run's parameters."""
    c = report.config
    return f"""\
Every figure comes from one run of `make bench` (`python -m bench.run`) on the machine below. The bench
starts its own embedded PostgreSQL and nats-server (JetStream) in a temp dir on free loopback ports, with
namespace `{c['namespace']}` and a fresh HS256 secret, then starts `services.cases`, `services.activities`,
`services.reporting` and `gateway` as four separate processes, exactly as `make run` does, and waits for each
`/readyz`. It loads the demo data (`shared.devstack.demo.load_demo`, SYSTEM token) and registers
{c['cases']} recipients and opens one case for each at the 黑石铺 (HSP) station, as the HSP social worker.
The load generator is the bench process itself (one asyncio loop), on the same {report.facts['nproc']} cores as
everything it measures, so all figures include that contention.

Throughput runs are closed loops: each of the {c['clients']} clients sends its next request as soon as its
previous one is answered. Each run lasts {c['warmup']} s of warm-up plus a measured window of
{c['seconds']} s (reference: {c['reference_seconds']} s); a request counts when its answer arrives inside the
window. Latencies are per request, nearest-rank percentiles.

- **(d) reference**: {c['clients']} asyncpg connections to database `bench_reference` of the same
  PostgreSQL server, each running `INSERT INTO bench_rows (stream_id, data) VALUES ($1, $2::jsonb)` in
  autocommit, i.e. one row per transaction, with an event-sized JSON document. Run first, on the idle stack.
- **(a) NATS commands**: {c['clients']} clients, each its own NATS connection, calling
  `ServiceClient.call("cases", "record_case_session", …)` with the social worker's token. Each command picks
  one of {c['cases_per_phase']} cases at random, so streams are shared and concurrent appends to the same case
  can conflict. Conflicts are retried inside the service (up to {CONFLICT_ATTEMPTS} attempts) and are
  invisible to the caller; the bench counts them as the growth of `pg_stat_database.xact_rollback` of
  `hemiao_cases` over the phase (read after PostgreSQL's statistics flush, {c['stats_settle']} s after it).
- **(b) GraphQL mutations**: {c['clients']} clients, each its own `httpx.AsyncClient` (keep-alive), POSTing
  `recordCaseSession` to `/graphql` with `Authorization: Bearer …`, on another {c['cases_per_phase']} cases
  picked at random. Counted as success only when the result is `CaseSessionRecorded`.
- **(c) visibility latency**: after (a) and (b) have been fully projected, one client sends
  `recordCaseSession` through the gateway, one at a time on one case, and from the moment the mutation's answer
  arrives polls reporting's `case` query straight over NATS (no consistency token) every
  {c['poll_ms']} ms until `session_count` includes the new session; the time from answer to first read that
  shows it is one sample. Up to {c['samples']} samples, at most {c['visibility_max']} s.
- **Read-model catch-up**: at the end of (a) and (b), the number of those cases' events in the event store
  that `applied_versions` of the read model did not yet have, and the time until it had them all.
"""


def render(report: Report) -> str:
    """The whole of RESULTS.md."""
    vis = report.visibility
    lines = [
        "# hemiao bench results",
        "",
        f"Run at {report.started:%Y-%m-%d %H:%M:%S} UTC, finished {report.finished:%H:%M:%S} UTC "
        f"({(report.finished - report.started).total_seconds():.0f} s in all). Written by `make bench`;"
        " every number below is measured, none is typed in.",
        "",
        "## Machine",
        "",
        *(f"- **{name}**: {value}" for name, value in report.facts.items()),
        "",
        "## Method",
        "",
        _method(report),
        "## Results",
        "",
        markdown_table(table(report)),
        "",
        "Ratios: throughput ratio = figure ÷ reference rows/s; latency ratio = figure ÷ the reference"
        " INSERT's latency at the same percentile.",
        "",
        "### Details",
        "",
        f"- (d) reference: {report.reference.ok:,} rows in {report.reference.window_seconds:.0f} s;"
        f" errors: {_errors(report.reference)}; {_trend(report.reference)}.",
        f"- (a) NATS: {report.nats.ok:,} commands; errors: {_errors(report.nats)};"
        f" conflict retries (rolled-back appends): {report.conflict_retries.get('nats', 0):,};"
        f" {_trend(report.nats)}; {_endpoint(report.nats)}.",
        f"- (b) GraphQL: {report.graphql.ok:,} mutations; errors: {_errors(report.graphql)};"
        f" conflict retries (rolled-back appends): {report.conflict_retries.get('graphql', 0):,};"
        f" {_trend(report.graphql)}; {_endpoint(report.graphql)}.",
        _visibility_details(vis),
        *(f"- Read-model catch-up after ({'a' if phase == 'nats' else 'b'}): {d.backlog_events:,} events behind"
          f" when writing stopped; {'caught up in ' + _n(d.seconds, 2) + ' s' if d.caught_up else 'NOT caught up'}."
          for phase, d in report.drains.items()),
        "",
        "### CPU use per phase (% of one core; the machine has "
        f"{report.facts['nproc']} cores, i.e. {100 * int(report.facts['nproc'])} % in all)",
        "",
        _cpu_table(report.cpu),
        "",
        "## Notes",
        "",
        *_notes(report),
        "",
    ]
    return "\n".join(lines)


def _visibility_details(vis: Visibility) -> str:
    """The details line of (c)."""
    mean = sum(vis.samples_ms) / len(vis.samples_ms) if vis.samples_ms else math.nan
    worst = max(vis.samples_ms) if vis.samples_ms else math.nan
    slow = [n for n, s in enumerate(vis.samples_ms, start=1) if s > SLOW_SAMPLE_MS]
    errors = ", ".join(f"{k} × {v}" for k, v in vis.errors.items()) or "none"
    spread = ", ".join(f"{label}: {count}" for label, count in vis.buckets().items())
    return (f"- (c) visibility: {len(vis.samples_ms)} samples in {vis.wall_seconds:.1f} s; mean {_n(mean, 2)} ms,"
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


def _notes(report: Report) -> list[str]:
    """Observations computed from the figures, and the problems found in the logs."""
    notes: list[str] = []
    busiest = {phase: max(shares, key=lambda k: shares[k]) for phase, shares in report.cpu.items() if shares}
    for phase, name in busiest.items():
        notes.append(f"- Busiest process during {phase}: {name} ({report.cpu[phase][name]:.0f} % of one core).")
    for run in (report.nats, report.graphql):
        if len(run.per_second) >= 6 and run.per_second[0] > 0:
            first, last = sum(run.per_second[:3]) / 3, sum(run.per_second[-3:]) / 3
            if last < 0.8 * first:
                notes.append(f"- {run.name}: throughput fell from {first:,.0f}/s to {last:,.0f}/s within the"
                             " window. Each command reads and folds its whole case stream before appending"
                             " (no snapshots), so the cost of a command grows with the case's history.")
    for run in (report.nats, report.graphql):
        requests, busy, wall = (run.extra.get(k, 0.0) for k in
                                ("endpoint_requests", "endpoint_busy_seconds", "endpoint_wall_seconds"))
        if requests and wall and busy / wall >= SATURATED:
            notes.append(
                f"- {run.name}: the cases service's `record_case_session` endpoint was busy"
                f" {100 * busy / wall:.0f} % of the time, so it, not PostgreSQL, set the pace. A `nats.micro`"
                " endpoint is one nats-py subscription, whose callback is awaited before the next message is"
                " taken: one service process runs one command of a kind at a time, throughput is about"
                f" 1 ÷ {1000 * busy / requests:.2f} ms, the pool's other connections sit idle, and no two appends"
                " overlap (hence no conflicts to retry).")
    if report.exit_codes:
        stops = ", ".join(f"{name} exit code {code}"
                          + (f" after {report.stop_seconds[name]:.2f} s" if name in report.stop_seconds
                             else " (killed)")
                          for name, code in report.exit_codes.items())
        notes.append(f"- On SIGTERM at the end: {stops}.")
    if report.problems:
        notes.append("- Warnings and errors in the logs of this run (most frequent first; times, ids and numbers"
                     " shown as #):")
        for log, found in report.problems.items():
            notes.append(f"  - `{log}`:")
            notes.extend(f"    - {count} × `{text.replace(BACKTICK, QUOTE)}`" for count, text in found)
    else:
        notes.append("- No warnings or errors in any service, PostgreSQL or nats-server log of this run.")
    return notes


def write(report: Report, path: Path = RESULTS) -> None:
    """Write RESULTS.md."""
    path.write_text(render(report), encoding="utf-8")
