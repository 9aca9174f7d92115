"""The figures of `work.FIGURES` for any stations and range of days, read from sums kept by station and day and
by station and month (migration 0032), recounted from the fact tables where the station_months projection marked
them changed.

A range of days is read as its whole months (`station_month_figures`) and the days at its ends
(`station_day_figures`): a province's year is some twelve rows a station and figure, whatever its number of
records. The sums are those of the figures' own queries: each additive figure's query of `work.FIGURES` is
grouped by its day instead of bounded by the range (`DAILY`), so a sum and the query it replaces cannot differ.
What is no sum is counted over the range itself: distinct people as a set, and the groups that met and the
projects running from their own tables, a few rows a station. The people are read from `station_year_people`
(migration 0033): one row a station, year and person with the days of the year they were served as a bitmap, of
which a range keeps the rows whose days meet its own in that year: at a province's year some 160,000 rows, where
a row a person and month (`station_month_people`, still kept) and the day rows of the months at the ends were
millions.

Stations asked by name are read through each table's station index (`scope.listed`): a list is never null, so
the plan PostgreSQL keeps for a statement after its first calls still reads only those stations' rows. The
people of a request are gathered once, as (station, person) pairs, and counted from them by station and in all.

Recounting: the marks of the stations asked about are taken (deleted) in a transaction that writes their new
sums, a hundred stations at a time, before the figures are read; a query that waits on another's recount reads
after it committed. A recount replaces the sums of each marked station's range of months (every month for a mark
of every month), and its people's rows of the whole years that range lies in, by what the fact tables hold now:
the marks are summed up by station in the statement that takes them, and each table is deleted from and written
to in one statement for all the stations taken. Statements over many stations are given more memory (`WORK_MEM`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import asyncpg

from services.reporting.projections.station_months import EVERY_MONTH
from services.reporting.queries.scope import listed, station_scope

log = logging.getLogger(__name__)

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

_MARKED = ("SELECT (SELECT basis FROM station_months_basis) IS NOT DISTINCT FROM ({basis}) AS counted,"
           " ARRAY(SELECT DISTINCT station_id FROM station_months_stale WHERE {scope} ORDER BY 1) AS marked,"
           " 'station_day_figures'::regclass::oid AS sums")
MARKED = {False: _MARKED.format(basis=_BASIS, scope="$1::text[] IS NULL"),
          True: _MARKED.format(basis=_BASIS, scope="station_id = ANY($1::text[])")}
"""Whether the sums were counted from the fact tables as they are built now, the stations marked among $1
(every station: null), and which table holds the sums now (`SUMS`): one round trip when nothing is left to recount."""

SUMS = "SELECT 'station_day_figures'::regclass::oid"
"""The table the day sums are in now. A rebuild swaps the station_months tables in all at once (new tables, new
oids), empty of sums and with every station marked: a read after a recount of the tables before is read again."""
SWAPPED_RETRIES = 3
"""How many times a read whose sums were swapped under it (between its recount and its statement) is made again."""


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
        "  UNION SELECT station_id FROM station_month_people UNION SELECT station_id FROM station_year_people) s",
        EVERY_MONTH)


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


_TAKE = ("WITH taken AS (DELETE FROM station_months_stale WHERE station_id = ANY($1::text[])"
         " RETURNING station_id, month)"
         " SELECT station_id, bool_or(month = $2) AS every, min(month) AS first, max(month) AS last FROM taken"
         " GROUP BY 1 ORDER BY 1")
"""The marks of these stations taken, summed up by station: whether one stands for every month, and the first
and last month marked (a load leaves a mark an event, millions at a province, which need not leave the server)."""



def _ranges(starts: int, untils: int) -> str:
    """Each station taken ($1) with its range of days [start, until) to recount (the arrays ${starts}, ${untils})."""
    return f"unnest($1::text[], ${starts}::date[], ${untils}::date[]) AS r(station_id, start, until)"


_WITHIN = "{column} >= r.start AND {column} < r.until AND {table}station_id = ANY($1::text[]) AND {column} >= $2" \
          " AND {column} < $3"
"""Within each station's own range, and (for the index) within the stations taken and the widest range ($2, $3)."""


def _recount_statements() -> tuple[str, ...]:
    """The statements of a recount: three deletes, then the days' sums, the months', and the months' people; each
    reads ($1 stations, $2 and $3 the widest range, $4 and $5 each station's), the days' ($1, $2 null, $3 and $4
    the widest range, $5 and $6 each station's) as the figures' own queries number them."""
    deletes = tuple(f"DELETE FROM {table} t USING {_ranges(4, 5)} WHERE t.station_id = r.station_id AND"
                    f" {_WITHIN.format(column=f't.{column}', table='t.')}"
                    for table, column in (("station_day_figures", "day"), ("station_month_figures", "month"),
                                          ("station_month_people", "month")))
    # Each figure's query reads the stations taken over the widest of their ranges, of which each station keeps
    # its own: a load's, a rebuild's and a merge's marks are every month; a session's, its month.
    days = ("INSERT INTO station_day_figures (station_id, day, figure, value) SELECT d.station_id, d.day, d.figure,"
            f" d.value FROM ({listed(daily_statement())}) d JOIN {_ranges(5, 6)} ON d.station_id = r.station_id"
            " AND d.day >= r.start AND d.day < r.until")
    months = ("INSERT INTO station_month_figures (station_id, month, figure, value) SELECT t.station_id,"
              f" date_trunc('month', t.day)::date, t.figure, sum(t.value) FROM station_day_figures t JOIN"
              f" {_ranges(4, 5)} ON t.station_id = r.station_id AND {_WITHIN.format(column='t.day', table='t.')}"
              " GROUP BY 1, 2, 3")
    people = ("INSERT INTO station_month_people (station_id, month, person) SELECT DISTINCT p.station_id,"
              f" date_trunc('month', p.day)::date, p.person FROM people_served p JOIN {_ranges(4, 5)}"
              f" ON p.station_id = r.station_id AND {_WITHIN.format(column='p.day', table='p.')}")
    return (*deletes, days, months, people)


def _years_statements() -> tuple[str, str]:
    """The recount of `station_year_people`: each station's rows of the whole years of its range deleted, then
    written from the `people_served` rows of those years, the days a person was served as the bits of their
    row ($1 stations, $2 and $3 the widest range of years as days, $4 and $5 each station's)."""
    delete = (f"DELETE FROM station_year_people t USING {_ranges(4, 5)} WHERE t.station_id = r.station_id"
              " AND t.station_id = ANY($1::text[]) AND make_date(t.year, 1, 1) >= r.start"
              " AND make_date(t.year, 1, 1) < r.until AND t.year >= extract(year FROM $2::date)"
              " AND make_date(t.year, 1, 1) < $3::date")
    insert = ("INSERT INTO station_year_people (station_id, year, person, days) SELECT p.station_id,"
              f" extract(year FROM p.day)::int, p.person, bit_or({_DAY_BIT.format(day='p.day')})"
              f" FROM people_served p JOIN {_ranges(4, 5)} ON p.station_id = r.station_id"
              f" AND {_WITHIN.format(column='p.day', table='p.')} GROUP BY 1, 2, 3")
    return delete, insert


_DAY_BIT = "(B'1'::bit(366) >> (extract(doy FROM {day})::int - 1))"
"""The bit of a day in its year's bitmap: the first bit for 1 January."""


def _whole_years(start: date, until: date) -> tuple[date, date]:
    """The whole years holding [start, until), as [first day, day after): a station's rows are by year."""
    if until == date.max:
        return date(start.year, 1, 1), until
    last = until - timedelta(days=1)
    return date(start.year, 1, 1), date(last.year + 1, 1, 1) if last.year < date.max.year else date.max


_RECOUNT: tuple[str, ...] = ()
_YEARS: tuple[str, ...] = ()


async def _recount(conn: asyncpg.Connection, stations: list[str]) -> None:
    """Take the marks of these stations and write their sums again, in one transaction."""
    global _RECOUNT, _YEARS
    if not _RECOUNT:
        _RECOUNT, _YEARS = _recount_statements(), _years_statements()
    *deletes, days, months, people = _RECOUNT
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", RECOUNT_LOCK)  # recounts one after another
        taken = await conn.fetch(_TAKE, stations, EVERY_MONTH)
        if not taken:
            return
        chosen = [m["station_id"] for m in taken]
        starts = [date.min if m["every"] else m["first"] for m in taken]
        untils = [date.max if m["every"] else _next_month(m["last"]) for m in taken]
        widest = (chosen, min(starts), max(untils), starts, untils)
        for statement in deletes:
            await conn.execute(statement, *widest)
        await conn.execute(days, chosen, None, *widest[1:])
        await conn.execute(months, *widest)
        await conn.execute(people, *widest)
        years = [_whole_years(start, until) for start, until in zip(starts, untils, strict=True)]
        year_starts, year_untils = [y[0] for y in years], [y[1] for y in years]
        for statement in _YEARS:
            await conn.execute(statement, chosen, min(year_starts), max(year_untils), year_starts, year_untils)


async def _refresh(conn: asyncpg.Connection, stations: Sequence[str] | None) -> int:
    """Recount what is marked at these stations; the oid of the sums' table recounted (`SUMS`)."""
    listing = None if stations is None else list(stations)
    counted, marked, sums = await conn.fetchrow(MARKED[listing is not None], listing)
    if not counted:
        await _check_basis(conn)
        _, marked, sums = await conn.fetchrow(MARKED[listing is not None], listing)
    for n in range(0, len(marked), CHUNK):
        await _recount(conn, marked[n:n + CHUNK])
    return int(sums)


async def refresh(pool: asyncpg.Pool, stations: Sequence[str] | None) -> None:
    """Recount what is marked at these stations (None: every station) before their figures are read."""
    async with pool.acquire() as conn:
        await _refresh(conn, stations)


def whole_months(start: date, end: date) -> tuple[date, date]:
    """The whole months within [start, end), as [first, last): empty (first == last == end) when there are none."""
    first = start if start.day == 1 else _next_month(start)
    last = end.replace(day=1)
    return (first, last) if first < last else (end, end)


def _listing(stations: Sequence[str] | None, station_id: str | None) -> list[str] | None:
    """The stations to read ($1): those listed, narrowed to the one asked when one is; None for every station."""
    if station_id is not None:
        return [station_id] if stations is None or station_id in stations else []
    return None if stations is None else sorted(set(stations))


def _scope(is_listed: bool) -> str:
    return listed(station_scope()) if is_listed else station_scope()


def _people_rows(scope: str) -> str:
    """The people of [$3, $4) at the stations of `scope`: the rows of `station_year_people` of each year the range
    meets whose days meet the range's days in that year (the range's mask: its days' bits of that year)."""
    bounds = ("SELECT year, greatest($3::date, make_date(year, 1, 1)) - make_date(year, 1, 1) AS lo,"
              " least($4::date, make_date(year + 1, 1, 1)) - make_date(year, 1, 1) AS hi FROM"
              " generate_series(extract(year FROM $3::date)::int, extract(year FROM $4::date - 1)::int) AS g(year)")
    masks = ("SELECT b.year, (repeat('0', b.lo) || repeat('1', b.hi - b.lo) || repeat('0', 366 - b.hi))::bit(366)"
             f" AS mask FROM ({bounds}) b WHERE b.lo < b.hi OFFSET 0")  # a mask a year, not one a row: not flattened
    return (f"SELECT y.station_id, y.person FROM ({masks}) k JOIN station_year_people y ON y.year = k.year"
            f" WHERE {scope} AND bit_count(y.days & k.mask) > 0")


def _seen(scope: str, by_child: bool = False) -> str:
    """Each (station, person) of the period once, in one hashed pass: what every count of people is made of; with
    `by_child`, each (child, person) instead ($5 stations, $6 their children), the stations' rows joined to
    their children as they are read."""
    # compared as bytes ("C"): the same pairs, sorted or hashed without the locale's collation
    rows = f"({_people_rows(scope)}) p"
    if by_child:
        rows += " JOIN unnest($5::text[], $6::text[]) AS c(station_id, child) USING (station_id)"
    return (f"WITH seen AS MATERIALIZED (SELECT {'c.child' if by_child else 'p.station_id'} COLLATE \"C\""
            f" AS station_id, p.person COLLATE \"C\" AS person FROM {rows} GROUP BY 1, 2) ")


_EVERYONE = "SELECT count(*) FROM (SELECT person FROM seen GROUP BY 1) e"
"""The distinct people of all the pairs (hashed, as `count(DISTINCT ...)` would sort them)."""


def _figures_statement(is_listed: bool, with_people: bool, with_total: bool) -> str:
    from services.reporting.queries.work import FIGURES

    scope = _scope(is_listed)
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
    if not with_people:
        return f"{sums} UNION ALL {counted}"
    people = "SELECT 'people_served', station_id, count(*)::numeric FROM seen GROUP BY 2"
    total = f" UNION ALL SELECT 'people_served', NULL, ({_EVERYONE})::numeric" if with_total else ""
    return f"{_seen(scope)}{sums} UNION ALL {counted} UNION ALL {people}{total}"


_FIGURES: dict[tuple[bool, bool, bool], str] = {}


async def figure_rows(pool: asyncpg.Pool, stations: list[str] | None, station_id: str | None, start: date,
                      end: date, with_people: bool = True, with_total: bool = False) -> list[Any]:
    """(figure, station, value) rows of [start, end), as the figures' own queries give them; without
    people_served when not `with_people` (a region counts its people by child, `people`); with `with_total`, a
    row ('people_served', None, n) of the distinct people of all the stations, counted from the same pairs."""
    listing = _listing(stations, station_id)
    key = (listing is not None, with_people, with_total and with_people)
    if key not in _FIGURES:
        _FIGURES[key] = _figures_statement(*key)
    first, last = whole_months(start, end)
    async with pool.acquire() as conn:
        return await _fetch(conn, listing, _FIGURES[key], listing, station_id, start, end, first, last)


MANY = 200
"""Above this many stations (or for every one), a statement of the figures or the people is given `WORK_MEM`."""
WORK_MEM = "64MB"
"""What a statement over many stations may hash and sort in memory: at a province's year, the sums of some
280,000 month rows by station and figure, the 150,000 (station, person) pairs of its people and their distinct
count, which spill to disk in batches at the server's default (4MB, twice that for hashing). Bounded, and for
that statement's transaction alone (`SET LOCAL`)."""


async def _fetch(conn: asyncpg.Connection, stations: list[str] | None, statement: str, *args: Any) -> list[Any]:
    """The rows of a statement of these stations, read after their marks are recounted; with `WORK_MEM` when they
    are many. The statement and a look at which table holds the sums are one transaction: the statement's locks
    keep a rebuild from swapping the tables until it ends, so the look names the tables it read. When they are not
    the ones recounted (a rebuild swapped in its tables, whose sums are yet to be counted, in between), it is
    recounted and read again: an empty or partial sum is never served."""
    many = stations is None or len(stations) > MANY
    rows: list[Any] = []
    for _ in range(SWAPPED_RETRIES):
        recounted = await _refresh(conn, stations)
        async with conn.transaction():
            if many:
                await conn.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
            rows = list(await conn.fetch(statement, *args))
            read = await conn.fetchval(SUMS)
        if read == recounted:
            break
        log.info("the station sums were swapped in by a rebuild while they were read; reading them again")
    return rows


def _people_statement(is_listed: bool, by_child: bool) -> str:
    """The people of each child ($5 stations, $6 their children; each station its own child when none are given)
    and of all, from the pairs of `_seen`."""
    return (f"{_seen(_scope(is_listed), by_child)}SELECT station_id AS child, false AS total, count(*) AS people"
            f" FROM seen GROUP BY 1 UNION ALL SELECT NULL, true, ({_EVERYONE})")


async def people(pool: asyncpg.Pool, stations: list[str] | None, start: date, end: date,
                 child_of: dict[str, str] | None = None) -> tuple[dict[str, int], int]:
    """Distinct people of [start, end) at these stations (None: every one): per child (station → child, each
    child's people counted once across its stations; by station when none given) and in all. What is marked is
    recounted first (one round trip when nothing is: a region's caller has just had it recounted)."""
    chosen = _listing(list(child_of) if child_of is not None else stations, None)
    args = [] if child_of is None else [list(child_of), list(child_of.values())]
    async with pool.acquire() as conn:
        rows = await _fetch(conn, chosen, _people_statement(chosen is not None, child_of is not None),
                            chosen, None, start, end, *args)
    by_child = {r["child"]: int(r["people"]) for r in rows if not r["total"]}
    total = next((int(r["people"]) for r in rows if r["total"]), 0)
    return by_child, total
