"""The overviews at province size without the pipeline: `python -m bench.overview_scale [--size 1.0]`.

An embedded PostgreSQL, a reporting database migrated as the service migrates it, and the fact tables the
overviews' sums and people are recounted from filled in bulk (INSERT ... SELECT generate_series, no events, no
NATS) in the shapes `bench/scale_history.py` decides: at SIZE 1.0 Hunan's 1,900 stations in 122 districts of 14
cities (`scale_history.shape`), and at each station 80 recipients of whom 42 have a case with 30 weekly sessions,
4 groups of 10 members with 10 weekly sign-ins (the last members absent one week in three), 24 activities and 30
volunteers with 10 services each. The work runs over fifteen months from 1 January of YEAR, so a calendar year and
a year from mid-March across the new year both read full stations.

Every station is then marked and recounted as after a rebuild (`station_figures.refresh`, timed), and the query
functions are called as the reporting service calls them, each 2 times to warm up and then `--calls` times:
`region_overview` of the province and of a city for YEAR and for the mid-month year, `district_overview` of a
district's 16 stations for YEAR, `station_dashboard` of one station for a month. p50 and p99 (of 20 calls the
largest but one) and the load average are printed and written as JSON (`--output`).

With `--explain`, one more call of each is made with `auto_explain` on (ANALYZE, BUFFERS) and the plans of its
statements of more than 20 ms are written beside the JSON (`<output>.plans.txt`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg

from bench.scale_history import shape
from services.reporting.entrypoints.service import MIGRATIONS
from services.reporting.queries import station_figures
from services.reporting.queries.regions import region_overview
from services.reporting.queries.work import district_overview, station_dashboard
from shared.contracts import Actor, Role
from shared.devstack.embedded import EmbeddedPostgres, free_port
from shared.migrations import migrate
from shared.runtime import RequestContext

YEAR = 2025
"""The year of the history (a year long past: the harness's days are data)."""
SPAN = 455
"""Days of work from 1 January of YEAR: fifteen months."""
SYSTEM = Actor(subject="bench-overview", name="规模测试", role=Role.SYSTEM, station_ids=("*",))

FILL = [
    # 80 recipients a station
    "INSERT INTO recipients (recipient_id, station_id, community, categories, erased, community_key)"
    " SELECT s.station_id || ':r' || r, s.station_id, '社区', ARRAY['elderly_living_alone'], false,"
    " 'k' FROM bench_stations s, generate_series(0, 79) r",
    # 42 cases a station, opened 10 days apart, and 30 weekly sessions each (within the span)
    "INSERT INTO cases (case_id, station_id, recipient_id, worker_id, intake_source, status, opened_on,"
    " session_count, stage, plan_version, plan_status, approved_plan_version, closing_status)"
    " SELECT s.station_id || ':c' || r, s.station_id, s.station_id || ':r' || r, 'w', 'outreach',"
    " 'open', $1::date + r * 10, 30, 'service', 1, 'approved', 1, 'none'"
    " FROM bench_stations s, generate_series(0, 41) r",
    "INSERT INTO case_sessions (session_id, case_id, station_id, recipient_id, held_on, mode, duration_minutes,"
    " participants) SELECT 's' || k, s.station_id || ':c' || r, s.station_id, s.station_id || ':r' || r,"
    " $1::date + r * 10 + 4 + 7 * k, 'home_visit', 45, 1"
    " FROM bench_stations s, generate_series(0, 41) r, generate_series(0, 29) k"
    " WHERE r * 10 + 4 + 7 * k < $2",
    # 4 groups a station, planned 100 days apart, 10 members, 10 weekly sessions
    "INSERT INTO groups (group_id, station_id, name, type, target_population, community, leader_ids,"
    " planned_sessions, planned_on, phase) SELECT s.station_id || ':g' || g, s.station_id,"
    " '互助小组', 'mutual_aid', '社区长者', '社区', ARRAY['w'], 10, $1::date + g * 100, 'closed'"
    " FROM bench_stations s, generate_series(0, 3) g",
    "INSERT INTO group_members (group_id, member_id, joined_on) SELECT s.station_id || ':g' || g, 'm' || m,"
    " $1::date + g * 100 FROM bench_stations s, generate_series(0, 3) g, generate_series(0, 9) m",
    "INSERT INTO group_sessions (session_id, group_id, station_id, community, number, held_on, duration_minutes,"
    " theme, expected, present, walk_ins, indirect_beneficiaries, indirect_basis)"
    " SELECT 'gs' || k, s.station_id || ':g' || g, s.station_id, '社区', k + 1, $1::date + g * 100 + 7 * (k + 1),"
    " 90, '活动', 10, 10 - k % 3, k % 4, 0, '' FROM bench_stations s, generate_series(0, 3) g,"
    " generate_series(0, 9) k",
    "INSERT INTO group_attendance (session_id, group_id, member_id) SELECT 'gs' || k, s.station_id || ':g' || g,"
    " 'm' || m FROM bench_stations s, generate_series(0, 3) g, generate_series(0, 9) k, generate_series(0, 9) m"
    " WHERE m < 10 - k % 3",
    # 24 activities a station over the span
    "INSERT INTO activities (activity_id, station_id, community, title, kind, held_on, place, partners,"
    " direct_participants, indirect_beneficiaries, indirect_basis, volunteers, volunteer_hours)"
    " SELECT s.station_id || ':a' || a, s.station_id, '社区', '社区活动', 'outreach',"
    " $1::date + a * ($2 / 24), '社区广场', ARRAY[]::text[], 20 + a % 30, 0, '', 0, 0"
    " FROM bench_stations s, generate_series(0, 23) a",
    # 30 volunteers a station with 10 services each, 25 days apart
    "INSERT INTO volunteers (volunteer_id, station_id, gender, birth_year, age_group, party_member,"
    " residence_area, skills, service_categories, registered_on, erased) SELECT"
    " s.station_id || ':v' || v, s.station_id, 'female', 1970, 'adult', false, '', ARRAY[]::text[],"
    " ARRAY[]::text[], $1::date + v * 4, false FROM bench_stations s, generate_series(0, 29) v",
    "INSERT INTO volunteer_services (volunteer_id, record_id, station_id, served_on, place, content, hours,"
    " organising_unit, person_in_charge, recorded_on, late, late_basis) SELECT s.station_id || ':v' || v,"
    " 'vs' || k, s.station_id, $1::date + v * 4 + 3 + 25 * k, '社区服务点', '陪伴老人', 2.0, '社工站', '站长',"
    " $1::date + v * 4 + 4 + 25 * k, false, '' FROM bench_stations s, generate_series(0, 29) v,"
    " generate_series(0, 9) k",
]


def say(text: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {text}", flush=True)


async def fill(pool: asyncpg.Pool, size: float) -> dict[str, Any]:
    places = shape(size)
    async with pool.acquire() as conn:
        await conn.executemany("INSERT INTO streets (street_id, name, district, district_code, division_code)"
                               " VALUES ($1, $2, $3, $4, $5)",
                               [(p.street_id, f"街道{p.n}", p.district, p.district_code, p.street_code)
                                for p in places])
        await conn.executemany("INSERT INTO stations (station_id, street_id, name, code, opened_on)"
                               " VALUES ($1, $2, $3, $4, $5)",
                               [(p.station_id, p.street_id, f"社工站{p.n}", p.code, date(YEAR - 1, 1, 1))
                                for p in places])
        await conn.execute("CREATE TABLE bench_stations AS SELECT station_id, row_number() OVER"
                           " (ORDER BY code)::int AS n FROM stations")
        for statement in FILL:
            started = time.monotonic()
            args = [date(YEAR, 1, 1), SPAN][: 2 if "$2" in statement else 1 if "$1" in statement else 0]
            status = await conn.execute(statement, *args)
            say(f"{status} in {time.monotonic() - started:.1f} s ({statement[12:statement.index(' (')]})")
        await conn.execute("ANALYZE")
        counts = {table: await conn.fetchval(f"SELECT count(*) FROM {table}")
                  for table in ("stations", "case_sessions", "group_attendance", "volunteer_services")}
        await station_figures.mark_everything(conn)
    started = time.monotonic()
    await station_figures.refresh(pool, None)
    recount = time.monotonic() - started
    async with pool.acquire() as conn:
        await conn.execute("VACUUM ANALYZE")
        for table in ("station_month_people", "station_month_figures", "station_day_figures"):
            counts[table] = await conn.fetchval(f"SELECT count(*) FROM {table}")
        people = await conn.fetchval("SELECT to_regclass('station_year_people') IS NOT NULL")
        if people:
            counts["station_year_people"] = await conn.fetchval("SELECT count(*) FROM station_year_people")
    say(f"recount of every station: {recount:.1f} s; rows {counts}")
    return {"places": places, "recount_s": round(recount, 1), "rows": counts}


async def timed(call: Callable[[], Awaitable[Any]], calls: int) -> dict[str, float]:
    for _ in range(2):
        await call()
    took = []
    for _ in range(calls):
        started = time.perf_counter()
        await call()
        took.append((time.perf_counter() - started) * 1000)
    took.sort()
    return {"p50_ms": round(statistics.median(took), 1), "p99_ms": round(took[max(0, len(took) - 2)], 1),
            "max_ms": round(took[-1], 1)}


def queries(pool: asyncpg.Pool, places: list[Any]) -> dict[str, Callable[[], Awaitable[Any]]]:
    system = RequestContext(actor=SYSTEM, correlation_id="bench-overview")
    district = places[0].district_code
    sixteen = tuple(p.station_id for p in places if p.district_code == district)[:16]
    bureau = RequestContext(actor=Actor(subject="bench-bureau", name="民政局", role=Role.DISTRICT_BUREAU,
                                        station_ids=sixteen), correlation_id="bench-overview")
    rolling = {"from": f"{YEAR}-03-15", "to": f"{YEAR + 1}-03-14"}
    return {
        f"region_overview 43, {YEAR}": lambda: region_overview(pool, {"division": "43", "year": YEAR}, system),
        f"region_overview 43, {YEAR}-03-15 to {YEAR + 1}-03-14":
            lambda: region_overview(pool, {"division": "43", **rolling}, system),
        f"region_overview {places[0].city_code}, {YEAR}":
            lambda: region_overview(pool, {"division": places[0].city_code, "year": YEAR}, system),
        f"district_overview {len(sixteen)} stations, {YEAR}":
            lambda: district_overview(pool, {"year": YEAR}, bureau),
        f"district_overview {len(sixteen)} stations, {YEAR}-03-15 to {YEAR + 1}-03-14":
            lambda: district_overview(pool, rolling, bureau),
        f"station_dashboard, {YEAR}-06": lambda: station_dashboard(
            pool, {"station_id": places[0].station_id, "month": f"{YEAR}-06"}, system),
    }


def _size(path: Path) -> int:
    return path.stat().st_size


def _read_from(path: Path, at: int) -> str:
    with path.open("rb") as f:
        f.seek(at)
        return f.read().decode(errors="replace")


def _write(path: Path, text: str) -> None:
    path.write_text(text)


async def explain(dsn: str, calls: dict[str, Callable[[asyncpg.Pool], Awaitable[Any]]], log: Path,
                  out: Path) -> None:
    async def setup(conn: asyncpg.Connection) -> None:  # at every acquire: the pool resets a released one
        await conn.execute("LOAD 'auto_explain'; SET auto_explain.log_min_duration = 20;"
                           " SET auto_explain.log_analyze = on; SET auto_explain.log_buffers = on;"
                           " SET auto_explain.log_nested_statements = on; SET auto_explain.log_level = warning")

    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2, setup=setup)
    try:
        at = _size(log)
        texts = []
        for name, call in calls.items():
            await call(pool)
            texts.append(f"===== {name}\n{_read_from(log, at)}")
            at = _size(log)
        _write(out, "\n".join(texts))
    finally:
        await pool.close()


async def main(args: argparse.Namespace) -> int:
    root = Path(tempfile.mkdtemp(prefix="hemiao-overview-"))
    postgres = EmbeddedPostgres(root / "pg", port=free_port(), durable=False)
    postgres.start()
    try:
        dsn = postgres.dsn("overview")
        await migrate(dsn, [MIGRATIONS])
        pool = await asyncpg.create_pool(dsn, min_size=1, max_size=4)
        try:
            filled = await fill(pool, args.size)
            results: dict[str, Any] = {"size": args.size, "stations": len(filled["places"]),
                                       "recount_s": filled["recount_s"], "rows": filled["rows"], "queries": {}}
            for name, call in queries(pool, filled["places"]).items():
                results["queries"][name] = figures = await timed(call, args.calls)
                say(f"{name}: p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms, load"
                    f" {os.getloadavg()[0]:.2f}")
            results["load_average"] = [round(x, 2) for x in os.getloadavg()]
            results["answers"] = {name: await call() for name, call in queries(pool, filled["places"]).items()}
        finally:
            await pool.close()
        out = Path(args.output)
        _write(out, json.dumps(results, indent=1, default=str, ensure_ascii=False))
        if args.explain:
            places = filled["places"]
            named = {name: (lambda p, n=name: queries(p, places)[n]()) for name in results["queries"]}
            await explain(dsn, named, root / "postgres.log", out.with_suffix(".plans.txt"))
        say(f"written to {out}")
    finally:
        postgres.stop()
        shutil.rmtree(root, ignore_errors=True)
    return 0


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=float, default=1.0, help="of the province (1.0: 1,900 stations)")
    parser.add_argument("--calls", type=int, default=20, help="timed calls of each query, after 2 to warm up")
    parser.add_argument("--output", default="/tmp/overview_scale.json")
    parser.add_argument("--explain", action="store_true", help="the plans of one more call of each")
    return parser.parse_args()


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main(arguments())))
