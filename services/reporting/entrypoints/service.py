"""The reporting service process: consumers that build the read models, and the queries on them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
from nats.aio.client import Client
from nats.js import JetStreamContext

from services.reporting.projections import projections
from services.reporting.queries import (
    breakdown,
    caseload,
    cases,
    communities,
    compliance,
    disclosures,
    places,
    recipients,
    regions,
    station_figures,
    station_month,
    street_meetings,
    work,
)
from services.reporting.queries.consistency import applied_versions, have_positions, stream_ids_of
from services.reporting.rebuild import Rebuilds, keep_current, stale
from shared.config import ServiceSettings, stream_name
from shared.consumer import StreamConsumer, adopt_unversioned, consumer_name, lag_seconds
from shared.contracts import Role
from shared.contracts.errors import Forbidden, Message
from shared.http import database_check, embedded_server, health_app, listening_socket, nats_check
from shared.migrations import migrate
from shared.natsio import connect
from shared.runtime import Handler, RequestContext, serve
from shared.service import cancel_all, stop_http, stream_ensured, until_stopped

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parents[1] / "migrations"
SOURCES = ("cases", "activities")
READY_MAX_LAG_EVENTS = 10_000
"""Above this many events of a stream not yet in the read models, /readyz says reporting is behind:
`HEMIAO_READY_MAX_LAG_EVENTS` changes it; `HEMIAO_READY_MAX_LAG_SECONDS`, when set, also bounds how long events
may have waited."""


@dataclass(frozen=True)
class LagLimits:
    """How far behind the read models may be while /readyz still says ready."""

    events: int = READY_MAX_LAG_EVENTS
    seconds: float | None = None

    @classmethod
    def from_env(cls) -> LagLimits:
        events = os.environ.get("HEMIAO_READY_MAX_LAG_EVENTS", "").strip()
        seconds = os.environ.get("HEMIAO_READY_MAX_LAG_SECONDS", "").strip()
        try:
            limits = cls(events=int(events) if events else READY_MAX_LAG_EVENTS,
                         seconds=float(seconds) if seconds else None)
        except ValueError:
            raise ValueError("HEMIAO_READY_MAX_LAG_EVENTS must be a whole number of events and"
                             f" HEMIAO_READY_MAX_LAG_SECONDS a number of seconds, not {events!r} and {seconds!r}"
                             ) from None
        if limits.events < 0 or (limits.seconds is not None and limits.seconds < 0):
            raise ValueError("HEMIAO_READY_MAX_LAG_EVENTS and HEMIAO_READY_MAX_LAG_SECONDS cannot be negative")
        return limits


def lag_check(pool: asyncpg.Pool, js: JetStreamContext, namespace: str, limits: LagLimits
              ) -> Callable[[], Awaitable[str | None]]:
    """/readyz's check of the read models: behind when, for a source stream, more events than the limit are not
    yet applied (or, with a limit in seconds, have waited longer). It asks JetStream for the stream's last
    sequence and the database for the consumer's checkpoint, whichever copy is the active consumer: the read
    models every copy answers queries from are the same, so every copy says the same. A copy just started on a
    database that has applied nothing says behind until the active consumer has caught up."""

    async def check() -> str | None:
        try:
            return await behind()
        except Exception as error:
            return f"lag unknown: {type(error).__name__}"

    async def behind() -> str | None:
        rows = {r["consumer"]: r for r in await pool.fetch(
            "SELECT consumer, stream_seq, last_event_at FROM consumer_checkpoints")}
        late = []
        for source in SOURCES:
            last = int((await asyncio.wait_for(js.stream_info(stream_name(namespace, source)), 2.0)).state.last_seq)
            row = rows.get(consumer_name("reporting", source))
            applied = int(row["stream_seq"]) if row else 0
            events = max(last - applied, 0)
            waited = lag_seconds(events, row["last_event_at"] if row else None, datetime.now(UTC))
            if events > limits.events or (limits.seconds is not None and events and waited > limits.seconds):
                late.append(f"{source}: {events} events behind (applied to {applied} of {last},"
                              f" waiting {waited:.0f} s)")
        if not late:
            return None
        return (f"read models behind (more than {limits.events} events"
                f"{'' if limits.seconds is None else f' or {limits.seconds:g} s'}): {'; '.join(late)}")

    return check

Query = Callable[[asyncpg.Pool, dict[str, Any], RequestContext], Awaitable[dict[str, Any]]]
QUERIES: dict[str, Query] = {
    "stations": places.stations,
    "case": cases.case,
    "cases": cases.cases,
    "recipient_list": recipients.recipient_list,
    "station_month": station_month.station_month,
    "disclosures": disclosures.disclosures,
    "volunteer_disclosures": disclosures.volunteer_disclosures,
    "recipient_searches": disclosures.recipient_searches,
    "volunteer_searches": disclosures.volunteer_searches,
    "case_timeline": caseload.case_timeline,
    "caseload": caseload.caseload,
    "overdue": caseload.overdue,
    "case_breakdown": breakdown.case_breakdown,
    "projects": work.projects,
    "groups": work.groups,
    "group_sessions": work.group_sessions,
    "activities": work.activities,
    "publicity": work.publicity,
    "surveys": work.surveys,
    "station_dashboard": work.station_dashboard,
    "district_overview": work.district_overview,
    "region_overview": regions.region_overview,
    "person_times": work.person_times,
    "staff": work.staff,
    "resources": work.resources,
    "compounds": places.compounds,
    "streets": places.streets,
    "communities": places.communities,
    "community": places.community,
    "operators": places.operators,
    "monthly_compliance": compliance.compliance,
    "supervisions": work.supervisions,
    "meetings": work.meetings,
    "volunteers": work.volunteers,
    "volunteer_services": work.volunteer_services,
    "volunteer_teams": work.volunteer_teams,
    "organisations": work.organisations,
    "organisation_counts": work.organisation_counts,
    "unresolved_communities": communities.unresolved_communities,
    "compound_issues": work.compound_issues,
    "joint_meetings": work.joint_meetings,
    "street_meetings": street_meetings.street_meetings,
    "work_report": work.work_report,
    "work_report_figures": work.work_report_figures,
    # batches: a page's rows' children in one request (the gateway's DataLoaders, gateway/loaders)
    "group_sessions_batch": work.group_sessions_batch,
    "volunteer_services_batch": work.volunteer_services_batch,
    "case_timeline_batch": caseload.case_timeline_batch,
    "compounds_batch": places.compounds_batch,
    "communities_batch": places.communities_batch,
    "recipient_cases_batch": cases.recipient_cases_batch,
}


def query_endpoints(pool: asyncpg.Pool, consumers: list[StreamConsumer] | None = None,
                    rebuilds: Rebuilds | None = None) -> dict[str, Handler]:
    """Each query answers at once, saying (`consistent`) whether the read models already had the positions of
    a consistency token; the gateway waits on `applied` if not. `system_status` tells operators how far each
    consumer has got and what it parked."""

    names = [p.name for p in projections()]

    def endpoint(name: str, query: Query) -> Handler:
        async def handle(body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
            regions.require_regional_read(request.actor, name)
            request = replace(request, actor=await regions.within_division(pool, request.actor))
            consistent = await have_positions(pool, body.get("consistency") or [], names)  # before reading
            try:
                answer = await query(pool, body, request)
            except asyncpg.DeadlockDetectedError:  # met a rebuild's swap half-way: read again, from the new tables
                answer = await query(pool, body, request)
            return {**answer, "consistent": consistent}

        return handle

    async def status(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
        return await system_status(pool, consumers or [], request, rebuilds)

    async def applied(body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
        """Per stream asked about, the version all read models have: one short query, for the gateway's waits."""
        return {"applied": await applied_versions(pool, stream_ids_of(body), names)}

    return {**{name: endpoint(name, query) for name, query in QUERIES.items()},
            "system_status": endpoint("system_status", status),
            "applied": applied}


async def system_status(pool: asyncpg.Pool, consumers: list[StreamConsumer], request: RequestContext,
                        rebuilds: Rebuilds | None = None) -> dict[str, Any]:
    """Per consumer: where it is, how far behind its stream (events and seconds), and its parked events; per
    projection: its code's version, the version its live tables were built by, and a rebuild under way.
    For operators: the bureau, the project director and the system."""
    if request.actor.role not in (Role.DISTRICT_BUREAU, Role.PROJECT_DIRECTOR, Role.SYSTEM):
        raise Forbidden(Message(zh="只有区民政局、项目总监或运维可以查看系统状态",
                                en="Only the bureau, the project director or operators see the system's status"))
    live = {c.name: c.stats for c in consumers}
    rows = await pool.fetch("SELECT consumer, stream_seq, applied, last_event_at, updated_at FROM consumer_checkpoints"
                            " ORDER BY consumer")
    parked = await pool.fetch("SELECT consumer, stream_id, version, type, error, parked_at FROM parked_events"
                              " ORDER BY consumer, stream_id, version")
    answer = []
    for row in rows:
        stats = live.get(row["consumer"])
        stream_last = stats.stream_last_seq if stats else row["stream_seq"]
        answer.append({
            "consumer": row["consumer"], "state": stats.state if stats else "elsewhere",
            "source": stats.source if stats else row["consumer"].rpartition("_")[2],
            "applied_stream_seq": row["stream_seq"], "stream_last_seq": max(stream_last, row["stream_seq"]),
            "lag_events": max(stream_last - row["stream_seq"], 0),
            "lag_seconds": lag_seconds(stream_last - row["stream_seq"], row["last_event_at"], datetime.now(UTC)),
            "parked": [{**dict(p), "parked_at": p["parked_at"].isoformat()} for p in parked
                       if p["consumer"] == row["consumer"]]})
    return {"consumers": answer, "projections": await projection_status(pool, rebuilds or Rebuilds())}


async def projection_status(pool: asyncpg.Pool, rebuilds: Rebuilds) -> list[dict[str, Any]]:
    built = {r["projection"]: r for r in await pool.fetch("SELECT * FROM projection_versions")}
    current = rebuilds.current
    answer = []
    for projection in projections():
        row = built.get(projection.name)
        rebuilding = None
        if current is not None and projection.name in current.projections:
            rebuilding = {"phase": current.phase, "done": current.done, "total": current.total,
                          "events_per_second": round(current.events_per_second, 1),
                          "seconds_left": None if current.seconds_left is None else round(current.seconds_left, 1)}
        answer.append({"name": projection.name, "version": projection.version,
                       "built_version": row["version"] if row else None,
                       "built_at": row["built_at"].isoformat() if row else None,
                       "rebuilding": rebuilding,
                       "last_error": None if row and row["version"] == projection.version else rebuilds.last_error})
    return answer


def consumer_metrics(consumers: list[StreamConsumer], rebuilds: Rebuilds) -> dict[str, tuple[str, Any]]:
    def per_source(value: Callable[[StreamConsumer], float]) -> dict[tuple[tuple[str, str], ...], float]:
        return {(("source", c.stats.source),): value(c) for c in consumers}

    return {
        "hemiao_reporting_applied_events": ("Events this process applied", per_source(lambda c: c.stats.applied)),
        "hemiao_reporting_last_stream_seq": ("Last stream sequence applied",
                                             per_source(lambda c: c.stats.last_stream_seq)),
        "hemiao_reporting_consumer_active": ("1 when this process is the active consumer",
                                             per_source(lambda c: float(c.stats.state == "active"))),
        "hemiao_reporting_stream_last_seq": ("The stream's last sequence, as last seen",
                                             per_source(lambda c: c.stats.stream_last_seq)),
        "hemiao_reporting_lag_events": ("Events in the stream not yet applied",
                                        per_source(lambda c: c.stats.lag_events)),
        "hemiao_reporting_lag_seconds": ("How long events have waited: since the last batch applied, while any wait",
                                         per_source(lambda c: lag_seconds(c.stats.lag_events, c.stats.applied_at,
                                                                          datetime.now(UTC)))),
        "hemiao_reporting_parked_events": ("Events parked because a projection could not apply them",
                                           per_source(lambda c: c.stats.parked)),
        "hemiao_reporting_rebuilding": ("1 while this process rebuilds read models in the background",
                                        float(rebuilds.current is not None)),
        "hemiao_reporting_rebuild_failing": ("1 when this process's last background rebuild failed",
                                             float(rebuilds.last_error is not None)),
    }


@dataclass
class ReportingService:
    """A running reporting process: its pool, NATS client and consumers."""

    pool: asyncpg.Pool
    nc: Client
    consumers: list[StreamConsumer]
    rebuilds: Rebuilds
    settings: ServiceSettings


@contextlib.asynccontextmanager
async def reporting_service(settings: ServiceSettings) -> AsyncIterator[ReportingService]:
    """Migrate, start a consumer per source stream, the query endpoints and /healthz; stop them on exit."""
    lag_limits = LagLimits.from_env()  # a wrong setting is said before anything starts
    listener = listening_socket(settings.http_host, settings.http_port)  # a taken port is said before anything
    settings = replace(settings, http_port=int(listener.getsockname()[1]))  # 0 asked for any free one
    async with contextlib.AsyncExitStack() as stack:  # whatever started is stopped, in reverse, however it ends
        stack.callback(listener.close)
        await migrate(settings.database_url, [MIGRATIONS])
        pool = await asyncpg.create_pool(settings.database_url, min_size=2, max_size=20)
        stack.push_async_callback(pool.close)
        nc = await connect(settings.nats_url, "hemiao-reporting")
        stack.push_async_callback(nc.close)
        js = nc.jetstream()
        table = projections()
        for source in SOURCES:
            await stream_ensured(js, settings.namespace, source, owner=False)  # asked again while JetStream elects
        async with pool.acquire() as conn:
            await adopt_unversioned(conn, table)
            outdated = await stale(pool, table)  # before the consumers start: a new database is built live
        rebuilds = Rebuilds()
        consumers = [StreamConsumer(pool, settings.database_url, js, namespace=settings.namespace, source=s,
                                    projections=table) for s in SOURCES]
        tasks = [asyncio.create_task(c.run(), name=c.name) for c in consumers]
        tasks.append(asyncio.create_task(keep_sums_counted(pool, consumers=consumers), name="reporting-sums"))
        stack.push_async_callback(cancel_all, tasks)
        if outdated:
            tasks.append(asyncio.create_task(keep_current(pool, settings.database_url, js, settings.namespace,
                                                          SOURCES, table, rebuilds, outdated),
                                             name="reporting-rebuild"))
        micro = await serve(nc, service="reporting", namespace=settings.namespace, version="0.1.0",
                            description="Read models and reports (报表)",
                            endpoints=query_endpoints(pool, consumers, rebuilds), auth=settings.auth)
        stack.push_async_callback(micro.stop)

        async def check_consumers() -> str | None:
            idle = [c.name for c in consumers if c.stats.state not in ("active", "standby")]
            return f"consumers not running: {', '.join(idle)}" if idle else None

        checks = {"database": database_check(pool), "nats": nats_check(nc), "consumers": check_consumers,
                  "lag": lag_check(pool, js, settings.namespace, lag_limits)}
        http = embedded_server(health_app(checks, lambda: consumer_metrics(consumers, rebuilds)), listener)
        http_task = asyncio.create_task(http.serve(), name="reporting-http")
        stack.push_async_callback(stop_http, http, http_task)
        log.info("reporting serves %s on NATS (namespace %s); health on http://%s:%d",
                 ", ".join(QUERIES), settings.namespace, settings.http_host, settings.http_port)
        yield ReportingService(pool=pool, nc=nc, consumers=consumers, rebuilds=rebuilds, settings=settings)


RECOUNT_EVERY_SECONDS = 1.0
BACKLOG_RECOUNT_SECONDS = 30.0
"""How long the recount waits, at most, while a consumer catches up."""
"""How often reporting recounts, in the background, the station sums that events marked (queries/station_figures)."""


async def keep_sums_counted(pool: asyncpg.Pool, every: float = RECOUNT_EVERY_SECONDS,
                            consumers: Sequence[StreamConsumer] = ()) -> None:
    """Recount what the consumers marked, every `every` seconds, so a query seldom finds anything left to
    recount before it reads (it still recounts what is marked at its stations, so its figures are always the
    records'). While a consumer works through a backlog (more than a batch behind its stream) the recount waits,
    up to BACKLOG_RECOUNT_SECONDS: done every second it would count a station's months again and again while their
    events still come, and take the machine from the catch-up. A failure (the database away) is logged and tried
    again, with a pause growing to 30 s."""
    pause = every
    waited = 0.0
    while True:
        await asyncio.sleep(pause)
        waited += pause
        if waited < BACKLOG_RECOUNT_SECONDS and any(c.stats.lag_events > c.batch_size for c in consumers):
            continue
        waited = 0.0
        try:
            await station_figures.refresh(pool, None)
            pause = every
        except Exception as error:  # never the end of the task: the queries recount anyway
            log.warning("station sums not recounted (%s); trying again in %.0f s", error, min(pause * 2, 30))
            pause = min(pause * 2, 30.0)


async def main() -> None:
    async with reporting_service(ServiceSettings.from_env("reporting")):
        await until_stopped()
