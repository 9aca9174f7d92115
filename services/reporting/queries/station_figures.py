"""The figures of `work.FIGURES` for any stations and range of days, read from sums kept by station and day and
by station and month (migration 0032), recounted from the fact tables where the station_months projection marked
them changed.

A range of days is read as its whole months (`station_month_figures`) and the days at its ends
(`station_day_figures`): a province's year is some twelve rows a station and figure, whatever its number of
records. The sums are those of the figures' own queries: each additive figure's query of `work.FIGURES` is
grouped by its day instead of bounded by the range (`DAILY`), so a sum and the query it replaces cannot differ.
What is no sum is counted over the range itself: distinct people as a set (`station_month_people` for whole
months, the `people_served` rows of the days at the ends), and the groups that met and the projects running from
their own tables, a few rows a station.

Recounting: the marks of the stations asked about are taken (deleted) in a transaction that writes their new
sums, a hundred stations at a time, before the figures are read; a query that waits on another's recount reads
after it committed. A recount replaces the sums of each marked station's range of months (every month for a mark
of every month) by what the fact tables hold now.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

import asyncpg

from services.reporting.projections.station_months import EVERY_MONTH
from services.reporting.queries.scope import station_scope

NOT_SUMS = frozenset({"people_served", "groups_meeting", "projects"})
"""Figures of a period that are not the sum of its days' (distinct people, distinct groups, projects running)."""

CHUNK = 100
"""Stations recounted in one transaction."""
RECOUNT_LOCK = 72_0032
"""Recounts take turns (two that took overlapping marks in another order would deadlock)."""

_BOUNDED = re.compile(r" AND (?P<day>.+?) >= \$3 AND (?P=day) < \$4 GROUP BY 1$")


def daily(query: str) -> str:
    """A figure's query of a range ($3, $4) grouped by station and day instead: `SELECT station, day, value`."""
    match = _BOUNDED.search(query)
    if match is None:
        raise ValueError(f"not a figure bounded by its day: {query}")
    day = match["day"]
    head, _, rest = query.partition(", ")
    return f"{head}, ({day})::date AS day, {rest[: match.start() - len(head) - 2]}" \
           f" AND {day} >= $3 AND {day} < $4 GROUP BY 1, 2"


def _daily_statement() -> str:
    from services.reporting.queries.work import FIGURES

    return " UNION ALL ".join(
        f"SELECT f.station_id, f.day, '{name}' AS figure, f.value::numeric AS value FROM"
        f" ({daily(query).format(scope=station_scope())}) AS f(station_id, day, value)"
        for name, query in FIGURES.items() if name not in NOT_SUMS)


_DAILY: str | None = None


def daily_statement() -> str:
    """Every additive figure's rows by (station, day, figure), for $1 stations, $2 null, [$3, $4)."""
    global _DAILY
    if _DAILY is None:
        _DAILY = _daily_statement()
    return _DAILY


_BASIS = ("SELECT coalesce(string_agg(projection || ':' || version, ',' ORDER BY projection), '')"
          " FROM projection_versions WHERE projection <> 'station_months'")
"""The versions of the projections the fact tables are built by. A rebuild at the same version builds the same
rows (tests/faults/test_rebuild.py), so only another version has every station recounted."""


async def _check_basis(conn: asyncpg.Connection) -> None:
    """Every station marked when the fact tables were rebuilt by another version of their projections (or never
    counted) since the sums were: a rebuild of those alone swaps their tables in under sums it did not mark."""
    basis = await conn.fetchval(_BASIS)
    if await conn.fetchval("SELECT basis FROM station_months_basis") == basis:
        return
    async with conn.transaction():
        kept = await conn.fetchval("SELECT basis FROM station_months_basis FOR UPDATE")
        if kept == basis:
            return
        await mark_everything(conn)
        await conn.execute("INSERT INTO station_months_basis (only_row, basis) VALUES (true, $1)"
                           " ON CONFLICT (only_row) DO UPDATE SET basis = excluded.basis", basis)


async def mark_everything(conn: asyncpg.Connection) -> None:
    """Every station's every month to be recounted (after the fact tables were written other than by events)."""
    await conn.execute(
        "INSERT INTO station_months_stale (station_id, month) SELECT DISTINCT station_id, $1::date FROM"
        " (SELECT station_id FROM stations UNION SELECT station_id FROM station_day_figures"
        "  UNION SELECT station_id FROM station_month_people) s", EVERY_MONTH)


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


async def _recount(conn: asyncpg.Connection, stations: list[str]) -> None:
    """Take the marks of these stations and write their sums again, in one transaction."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", RECOUNT_LOCK)  # recounts one after another
        marks = await conn.fetch("DELETE FROM station_months_stale WHERE station_id = ANY($1::text[])"
                                 " RETURNING station_id, month", stations)
        ranges: dict[tuple[date, date], list[str]] = {}
        for station in sorted({m["station_id"] for m in marks}):
            months = [m["month"] for m in marks if m["station_id"] == station]
            start, end = (date.min, date.max) if EVERY_MONTH in months else (min(months),
                                                                              _next_month(max(months)))
            ranges.setdefault((start, end), []).append(station)
        for (start, end), chosen in ranges.items():
            for table, column in (("station_day_figures", "day"), ("station_month_figures", "month"),
                                  ("station_month_people", "month")):
                await conn.execute(f"DELETE FROM {table} WHERE station_id = ANY($1::text[]) AND {column} >= $2"
                                   f" AND {column} < $3", chosen, start, end)
            await conn.execute("INSERT INTO station_day_figures (station_id, day, figure, value)"
                               f" SELECT station_id, day, figure, value FROM ({daily_statement()}) d",
                               chosen, None, start, end)
            await conn.execute(
                "INSERT INTO station_month_figures (station_id, month, figure, value)"
                " SELECT station_id, date_trunc('month', day)::date, figure, sum(value) FROM station_day_figures"
                " WHERE station_id = ANY($1::text[]) AND day >= $2 AND day < $3 GROUP BY 1, 2, 3", chosen, start, end)
            await conn.execute(
                "INSERT INTO station_month_people (station_id, month, person)"
                " SELECT DISTINCT station_id, date_trunc('month', day)::date, person FROM people_served"
                " WHERE station_id = ANY($1::text[]) AND day >= $2 AND day < $3", chosen, start, end)


async def refresh(pool: asyncpg.Pool, stations: Sequence[str] | None) -> None:
    """Recount what is marked at these stations (None: every station) before their figures are read."""
    async with pool.acquire() as conn:
        await _check_basis(conn)
        marked = [r["station_id"] for r in await conn.fetch(
            "SELECT DISTINCT station_id FROM station_months_stale WHERE $1::text[] IS NULL"
            " OR station_id = ANY($1) ORDER BY 1", None if stations is None else list(stations))]
        for n in range(0, len(marked), CHUNK):
            await _recount(conn, marked[n:n + CHUNK])


def whole_months(start: date, end: date) -> tuple[date, date]:
    """The whole months within [start, end), as [first, last): empty (first == last == end) when there are none."""
    first = start if start.day == 1 else _next_month(start)
    last = end.replace(day=1)
    return (first, last) if first < last else (end, end)


def _people_rows(scope: str) -> str:
    """The people of [$3, $4) at the stations of `scope`: by month within [$5, $6), by day at the ends (each end
    a range of its own, not an OR of the two, so that each is an index scan of the view's tables)."""
    return (f"SELECT station_id, person FROM station_month_people WHERE {scope} AND month >= $5 AND month < $6"
            f" UNION ALL SELECT station_id, person FROM people_served WHERE {scope} AND day >= $3 AND day < $5"
            f" UNION ALL SELECT station_id, person FROM people_served WHERE {scope} AND day >= $6 AND day < $4")


def _figures_statement(with_people: bool) -> str:
    from services.reporting.queries.work import FIGURES

    scope = station_scope()
    sums = (f"SELECT figure, station_id, sum(value) AS value FROM ("
            f"SELECT station_id, figure, value FROM station_month_figures WHERE {scope} AND month >= $5"
            " AND month < $6 UNION ALL"
            f" SELECT station_id, figure, value FROM station_day_figures WHERE {scope} AND day >= $3 AND day < $5"
            " UNION ALL"
            f" SELECT station_id, figure, value FROM station_day_figures WHERE {scope} AND day >= $6 AND day < $4"
            ") s GROUP BY 1, 2")
    counted = " UNION ALL ".join(
        f"SELECT '{name}' AS figure, f.station_id, f.value::numeric AS value FROM"
        f" ({FIGURES[name].format(scope=scope)}) AS f(station_id, value)"
        for name in sorted(NOT_SUMS - {"people_served"}))
    people = f"SELECT 'people_served', station_id, count(DISTINCT person)::numeric FROM ({_people_rows(scope)}) p" \
             " GROUP BY 2"
    return f"{sums} UNION ALL {counted}{f' UNION ALL {people}' if with_people else ''}"


_FIGURES: dict[bool, str] = {}


async def figure_rows(pool: asyncpg.Pool, stations: list[str] | None, station_id: str | None, start: date,
                      end: date, with_people: bool = True) -> list[Any]:
    """(figure, station, value) rows of [start, end), as the figures' own queries give them; without
    people_served when not `with_people` (a region counts its people by child, `people`)."""
    if with_people not in _FIGURES:
        _FIGURES[with_people] = _figures_statement(with_people)
    await refresh(pool, [station_id] if station_id is not None else stations)
    first, last = whole_months(start, end)
    return list(await pool.fetch(_FIGURES[with_people], stations, station_id, start, end, first, last))


async def people(pool: asyncpg.Pool, stations: list[str] | None, start: date, end: date,
                 child_of: dict[str, str] | None = None) -> tuple[dict[str, int], int]:
    """Distinct people of [start, end) at these stations (None: every one): per child (station → child, each
    child's people counted once across its stations; by station when none given) and in all."""
    first, last = whole_months(start, end)
    chosen = list(child_of) if child_of is not None else stations
    await refresh(pool, chosen)
    if child_of is None:
        key, join, args = "p.station_id", "", []
    else:
        key = "c.child"
        join = " JOIN unnest($7::text[], $8::text[]) AS c(station_id, child) USING (station_id)"
        args = [list(child_of), list(child_of.values())]
    # each (child, person) once, in one hashed pass; then the people of each child, and of all
    rows = await pool.fetch(
        f"WITH seen AS MATERIALIZED (SELECT {key} AS child, p.person FROM ({_people_rows(station_scope())}) p{join}"
        " GROUP BY 1, 2) SELECT child, false AS total, count(*) AS people FROM seen GROUP BY 1"
        " UNION ALL SELECT NULL, true, count(DISTINCT person) FROM seen",
        chosen, None, start, end, first, last, *args)
    by_child = {r["child"]: int(r["people"]) for r in rows if not r["total"]}
    total = next((int(r["people"]) for r in rows if r["total"]), 0)
    return by_child, total
