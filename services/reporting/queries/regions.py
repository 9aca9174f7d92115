"""Above a district: which stations lie under a division (GB/T 2260), and a region's overview.

A station lies under a division when its street's district code (`streets.district_code`, GB/T 2260, six digits)
begins with it: 43 湖南省, 4301 长沙市, 430103 天心区. Streets registered before codes have none and lie under no
division (a token bounded by a division does not see them; the district bureau without one still does).

The region's overview rolls its children up as `district_overview` rolls up stations: a province's rows are its
cities, a city's its districts, a district's its stations, each with the figures of `work.FIGURES`, and the totals
add them up, except the distinct people served, counted once across the whole region (a resident served at two
stations is one person of the region, as of each station).

Names: reporting keeps no table of GB/T 2260 names. A district is named as its streets were registered
(`streets.district`, 天心区); a city or a province by its code alone.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import asyncpg

from services.reporting.queries import station_figures
from services.reporting.queries.periods import asked_period
from services.reporting.queries.scope import visible_stations
from services.reporting.queries.work import FIGURES, HOURS, figures
from shared.contracts import Actor, Role
from shared.contracts.actor import ALL_STATIONS, LEVELS, division_problem
from shared.contracts.errors import Forbidden, InvalidInput, Message
from shared.runtime import RequestContext

STATIONS_UNDER = ("SELECT s.station_id FROM stations s JOIN streets t USING (street_id)"
                  " WHERE starts_with(t.district_code, $1) ORDER BY s.code")
"""The stations under a division: one join of the places tables, whatever their number."""

REGIONAL_READS = frozenset({
    "stations", "streets", "communities", "community", "communities_batch", "compounds", "compounds_batch",
    "operators", "station_dashboard", "district_overview", "region_overview", "person_times", "projects",
    "monthly_compliance", "work_report", "work_report_figures", "organisation_counts", "case_breakdown",
    "station_month"})
"""What the city bureau and the provincial department may ask reporting: the figures and reports of the
stations under them and the places they lie in, never a person's or a case's record (refused as `forbidden`)."""


async def within_division(pool: asyncpg.Pool, actor: Actor) -> Actor:
    """The actor with the stations of its division listed (those of its token's list, when it lists some):
    one query per request, after which every scope check reads `station_ids` as for any token."""
    if actor.division is None:
        return actor
    under = [r["station_id"] for r in await pool.fetch(STATIONS_UNDER, actor.division)]
    listed = set(actor.station_ids)
    return replace(actor, station_ids=tuple(s for s in under if ALL_STATIONS in listed or s in listed))


def require_regional_read(actor: Actor, query: str) -> None:
    """The regional roles read figures and reports only; anything else is refused, as a write is."""
    if actor.reads_only and query not in REGIONAL_READS:
        raise Forbidden(Message(zh=f"市、省级民政部门只能查看所辖社工站的统计和报表，不能查看或处理“{query}”",
                                en=f"A city or provincial role reads the figures and reports of the stations under"
                                   f" it; it may not read or act on '{query}'"))


def _division(body: dict[str, Any]) -> str:
    code = str(body.get("division") or "")
    problem = division_problem(code)
    if problem is not None:
        raise InvalidInput(Message(zh=f"“division”中的代码 {code} 有误：{problem[0]}",
                                   en=f"The code {code} in division {problem[1]}"),
                           field="division", code="bad_division_code")
    return code


def _require_covers(actor: Actor, division: str) -> None:
    """A region within the caller's division (the whole installation's for the system and a district bureau
    without one); the roles below the district bureau ask for their stations, not regions."""
    if actor.role not in (Role.SYSTEM, Role.DISTRICT_BUREAU, Role.CITY_BUREAU, Role.PROVINCIAL_DEPARTMENT) \
            or not actor.covers_division(division):
        raise Forbidden(Message(zh=f"您无权查看行政区划 {division} 的总览",
                                en=f"You may not see the overview of {division}"), field="division")


MANY = 200
"""Above this many stations in a region, its figures are read for every station and the region's kept."""

_CHILDREN = {
    2: ("left(t.district_code, 4)", "NULL"),
    4: ("t.district_code", "min(t.district)"),
    6: ("s.station_id", "min(s.name)"),
}
"""Per level of the division asked: the child a station lies in, and its name where reporting knows one."""


async def region_overview(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """A province's cities, a city's districts or a district's stations, each with the period's figures (a year
    by default, a month, or any range of days, as `district_overview` takes them), and the region's totals."""
    division = _division(body)
    _require_covers(request.actor, division)
    period = asked_period(body, default="year")
    child, name = _CHILDREN[len(division)]
    visible = visible_stations(request.actor)
    scope = "starts_with(t.district_code, $1) AND ($2::text[] IS NULL OR s.station_id = ANY($2))"
    places = await pool.fetch(
        f"SELECT {child} AS child, {name} AS name, array_agg(s.station_id ORDER BY s.code) AS stations,"
        " min(s.code) AS code, min(coalesce(t.division_code, t.district_code)) AS division"
        f" FROM stations s JOIN streets t USING (street_id) WHERE {scope} GROUP BY 1 ORDER BY 1",
        division, visible)
    stations = [s for place in places for s in place["stations"]]
    # Many stations: every station's figures, of which the region's are kept, costs less than a long list
    # compared with every row; a few: only theirs.
    per_station = await figures(pool, None if len(stations) > MANY else stations, None, period.start, period.end,
                                with_people=False) if stations else {}
    people, everyone = await station_figures.people(  # recounted by `figures` just now
        pool, stations, period.start, period.end,
        child_of={station: place["child"] for place in places for station in place["stations"]})
    regions = []
    for place in places:
        row: dict[str, Any] = dict.fromkeys(FIGURES, 0)
        for station in place["stations"]:
            for figure, value in per_station.get(station, {}).items():
                row[figure] += value
        row.update({figure: round(row[figure], 2) for figure in HOURS}, people_served=people.get(place["child"], 0))
        at_station = len(division) == 6
        regions.append({"division": place["division"] if at_station else place["child"],
                        "name": place["name"] or place["child"], "station_id": place["child"] if at_station else None,
                        "code": place["code"] if at_station else None, **row})
    totals: dict[str, Any] = {figure: sum(r[figure] for r in regions) for figure in FIGURES}
    totals.update({figure: round(totals[figure], 2) for figure in HOURS})
    totals["people_served"] = everyone
    return {"division": division, "level": LEVELS[len(division)], **period.answer(), "regions": regions,
            "totals": totals}
