"""A region's totals over random places and work (Hypothesis): every additive figure is the sum of the child rows
at each level (province → cities, city → districts, district → stations), and the distinct people served are
counted once across the region, so never more than the rows' sum; a person served at stations of two districts
(written straight into the read model: today's commands keep a person's records at one station) is one.

And the figures read from the sums kept by station and month (`station_figures`) are those counted from every
record, for any stations and any range of days (whole months, days at either end, a few days within a month).
The rows are written straight into the fact tables, so every station is marked to be recounted after each write,
as a rebuild's swap has them; the marks an event makes are the recount oracle's (tests/property).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta

import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.reporting.entrypoints.service import MIGRATIONS
from services.reporting.projections.station_months import EVERY_MONTH
from services.reporting.queries import regions, station_figures
from services.reporting.queries.regions import region_overview
from services.reporting.queries.work import FIGURES, counted_figures, district_overview, figures, figures_and_people
from shared.contracts import Actor, Role
from shared.migrations import migrate
from shared.runtime import RequestContext
from tests.support import SYSTEM_ACTOR, Servers

pytestmark = pytest.mark.dateless  # its days are data, in a year long past

DISTRICTS = ("430103", "430104", "430111", "430202", "430211", "430302")
"""Districts of three cities of 湖南省 (43): 长沙市 4301, 株洲市 4302, 湘潭市 4303."""
FIRST = date(2025, 3, 1)
ADDITIVE = [name for name in FIGURES if name != "people_served"]


@pytest.fixture
async def pool(servers: Servers) -> AsyncIterator[asyncpg.Pool]:
    dsn = servers.postgres.dsn(f"regions_{uuid.uuid4().hex[:8]}")
    await migrate(dsn, [MIGRATIONS])
    created = await asyncpg.create_pool(dsn, min_size=1, max_size=4)
    try:
        yield created
    finally:
        await created.close()


stations = st.lists(st.sampled_from(DISTRICTS), min_size=1, max_size=6)
"""Each station's district (two may share one)."""
sessions = st.lists(st.tuples(st.integers(0, 5), st.integers(0, 4), st.integers(0, 60), st.integers(1, 3)),
                    max_size=25)
"""(station, person, day, participants): a case session, the person's case opened that day at that station."""


async def write(pool: asyncpg.Pool, districts: list[str], held: list[tuple[int, int, int, int]]) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("TRUNCATE stations, streets, cases, case_sessions, recipients, station_day_figures,"
                           " station_month_figures, station_month_people, station_months_stale")
        for n, district in enumerate(districts):
            await conn.execute("INSERT INTO streets (street_id, name, district, district_code, division_code)"
                               " VALUES ($1, $2, $3, $4, $5)", f"street-{n}", f"街道{n}", f"区{district}", district,
                               f"{district}{n + 1:03d}000")
            await conn.execute("INSERT INTO stations (station_id, street_id, name, code, opened_on)"
                               " VALUES ($1, $2, $3, $4, $5)", f"station-{n}", f"street-{n}", f"社工站{n}",
                               f"S{n}", FIRST)
        for number, session in enumerate(held):
            await hold(conn, districts, f"case-{number}", session)
        await station_figures.mark_everything(conn)


async def hold(conn: asyncpg.Connection, districts: list[str], case_id: str, session: tuple[int, int, int, int]
               ) -> tuple[str, date]:
    """A case opened and its one session held, as `sessions` draws them: its station and day."""
    station, person, day, participants = session
    station_id, held_on = f"station-{station % len(districts)}", FIRST + timedelta(days=day)
    await conn.execute("INSERT INTO cases (case_id, station_id, recipient_id, worker_id, intake_source,"
                       " status, opened_on) VALUES ($1, $2, $3, 'w', 'outreach', 'open', $4)",
                       case_id, station_id, f"person-{person}", held_on)
    await conn.execute("INSERT INTO case_sessions (session_id, case_id, station_id, recipient_id, held_on,"
                       " mode, duration_minutes, participants) VALUES ('s1', $1, $2, $3, $4, 'home_visit',"
                       " 40, $5)", case_id, station_id, f"person-{person}", held_on, participants)
    return station_id, held_on


@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(districts=stations, held=sessions)
async def test_region_totals_add_up_their_rows_and_count_each_person_once(
        pool: asyncpg.Pool, districts: list[str], held: list[tuple[int, int, int, int]]) -> None:
    await write(pool, districts, held)
    request = RequestContext(actor=SYSTEM_ACTOR, correlation_id="property")
    people = {(districts[s % len(districts)], p) for s, p, _, _ in held}

    for division in ("43", "4301", "4302", "430103"):
        found = await region_overview(pool, {"division": division, "year": FIRST.year}, request)
        under = {(d, p) for d, p in people if d.startswith(division)}
        totals, rows = found["totals"], found["regions"]

        for figure in ADDITIVE:
            assert totals[figure] == pytest.approx(sum(row[figure] for row in rows)), (division, figure)
        assert totals["people_served"] == len({p for _, p in under})
        assert totals["people_served"] <= sum(row["people_served"] for row in rows)
        assert totals["case_sessions"] == sum(1 for s, _, _, _ in held
                                              if districts[s % len(districts)].startswith(division))
        assert {row["division"][:len(division)] for row in rows} <= {division}
        regions.MANY = 0  # read every station's figures and keep the region's: the same answer
        try:
            assert await region_overview(pool, {"division": division, "year": FIRST.year}, request) == found
        finally:
            regions.MANY = 200


@settings(max_examples=12, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(districts=stations, held=sessions, first=st.integers(-40, 70), days=st.integers(1, 120),
       some=st.booleans())
async def test_the_sums_kept_give_what_every_record_counts(
        pool: asyncpg.Pool, districts: list[str], held: list[tuple[int, int, int, int]], first: int, days: int,
        some: bool) -> None:
    await write(pool, districts, held)
    start = FIRST + timedelta(days=first)
    end = start + timedelta(days=days)
    chosen = [f"station-{n}" for n in range(0, len(districts), 2)] if some else None
    assert await figures(pool, chosen, None, start, end) == await counted_figures(pool, chosen, None, start, end)
    for station in ("station-0", "station-1"):
        assert await figures(pool, None, station, start, end) == await counted_figures(pool, None, station, start,
                                                                                       end)
    counted = await pool.fetchval("SELECT count(DISTINCT person) FROM people_served WHERE ($1::text[] IS NULL"
                                  " OR station_id = ANY($1)) AND day >= $2 AND day < $3", chosen, start, end)
    assert (await station_figures.people(pool, chosen, start, end))[1] == counted
    assert not await pool.fetchval("SELECT count(*) FROM station_months_stale WHERE $1::text[] IS NULL"
                                   " OR station_id = ANY($1)", chosen)


@settings(max_examples=10, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(districts=stations, held=sessions, later=sessions, whole=st.booleans(), days=st.integers(1, 120))
async def test_a_recount_of_the_months_marked_gives_what_every_record_counts_and_each_person_once(
        pool: asyncpg.Pool, districts: list[str], held: list[tuple[int, int, int, int]],
        later: list[tuple[int, int, int, int]], whole: bool, days: int) -> None:
    """The sums counted, then more sessions written with only their month marked (as a session's event marks it),
    and, when `whole`, one station's session taken away with every month of it marked (as a merge marks them): a
    recount of each station's own months, all in one statement a table, gives what every record counts; and the
    district overview's people, by station and in all, are those of the records, counted once."""
    await write(pool, districts, held)
    await station_figures.refresh(pool, None)
    async with pool.acquire() as conn:
        for number, session in enumerate(later):
            station_id, held_on = await hold(conn, districts, f"later-{number}", session)
            await conn.execute("INSERT INTO station_months_stale (station_id, month) VALUES ($1, $2)",
                               station_id, held_on.replace(day=1))
        if whole and await conn.execute("DELETE FROM case_sessions WHERE station_id = 'station-0'") != "DELETE 0":
            await conn.execute("INSERT INTO station_months_stale (station_id, month) VALUES ('station-0', $1)",
                               EVERY_MONTH)
    start = FIRST + timedelta(days=3)
    end = start + timedelta(days=days)
    found, everyone = await figures_and_people(pool, None, start, end)
    assert found == await counted_figures(pool, None, None, start, end)
    assert everyone == await pool.fetchval("SELECT count(DISTINCT person) FROM people_served WHERE day >= $1"
                                           " AND day < $2", start, end)
    request = RequestContext(actor=SYSTEM_ACTOR, correlation_id="property")
    overview = await district_overview(
        pool, {"from": start.isoformat(), "to": (end - timedelta(days=1)).isoformat()}, request)
    assert {row["station_id"]: row["people_served"] for row in overview["stations"]} == {
        f"station-{n}": found.get(f"station-{n}", {}).get("people_served", 0) for n in range(len(districts))}
    assert overview["totals"]["people_served"] == everyone
    assert not await pool.fetchval("SELECT count(*) FROM station_months_stale")


spread = st.lists(st.tuples(st.integers(0, 5), st.integers(0, 4), st.integers(0, 420), st.integers(1, 3)),
                  max_size=25)
"""Sessions as `sessions` draws them, over fourteen months from FIRST: across the new year (day 306)."""


@settings(max_examples=20, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(districts=stations, held=spread, some=st.booleans(), data=st.data())
async def test_the_people_of_any_stations_and_days_are_those_the_records_name(
        pool: asyncpg.Pool, districts: list[str], held: list[tuple[int, int, int, int]], some: bool,
        data: st.DataObject) -> None:
    """The distinct people of a region (by child and in all) and of a district bureau's stations (by station and in
    all), for a range of days that may start and end within a month and span the new year, are those of the
    sessions themselves, counted here in Python: a person once, at however many stations. The ends are drawn
    often on a session's day or next to it, so that a day counted one too many or too few at either end shows."""
    await write(pool, districts, held)
    near = sorted({day + k for _, _, day, _ in held for k in (-1, 0, 1)})
    day = st.one_of(st.sampled_from(near), st.integers(-40, 440)) if near else st.integers(-40, 440)
    first, last = sorted((data.draw(day), data.draw(day)))
    start, end = FIRST + timedelta(days=first), FIRST + timedelta(days=last + 1)
    chosen = [f"station-{n}" for n in range(len(districts)) if not some or n % 2 == 0]
    seen = {(f"station-{s % len(districts)}", f"person-{p}") for s, p, d, _ in held if first <= d <= last}
    district_of = {f"station-{n}": district for n, district in enumerate(districts)}

    def people(at: set[str]) -> int:
        return len({person for station, person in seen if station in at})

    def under(code: str) -> set[str]:
        return {station for station, district in district_of.items() if district.startswith(code)}

    request = RequestContext(actor=SYSTEM_ACTOR, correlation_id="property")
    period = {"from": start.isoformat(), "to": (end - timedelta(days=1)).isoformat()}
    for division in ("43", "4301", "430103"):
        found = await region_overview(pool, {"division": division, **period}, request)
        assert found["totals"]["people_served"] == people(under(division)), division
        for row in found["regions"]:
            at = {row["station_id"]} if len(division) == 6 else under(row["division"])
            assert row["people_served"] == people(at), (division, row["division"])
    bureau = RequestContext(actor=Actor(subject="bureau-2", name="民政局", role=Role.DISTRICT_BUREAU,
                                        station_ids=tuple(chosen)), correlation_id="property")
    overview = await district_overview(pool, period, bureau)
    assert {row["station_id"]: row["people_served"] for row in overview["stations"]} == {
        station: people({station}) for station in chosen}
    assert overview["totals"]["people_served"] == people(set(chosen))
