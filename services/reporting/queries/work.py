"""The station's work as lists, and its dashboard and the district overview, computed from what was recorded.

Every figure is counted from the fact tables the projections keep: nothing is typed in. The overviews read them
summed ahead by station and day and month (`station_figures`), sums recounted by each query from the fact tables
wherever an event marked them, so they cannot drift from the records: `counted_figures` counts the same from
every record, and the tests hold the two equal.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import asyncpg

from services.reporting.queries import station_figures
from services.reporting.queries.caseload import as_of
from services.reporting.queries.communities import community_of, resolved
from services.reporting.queries.pages import paged
from services.reporting.queries.periods import Period, asked_period, year_of
from services.reporting.queries.scope import (
    by_station,
    require_visible,
    scope_args,
    station_scope,
    visible_stations,
)
from services.reporting.queries.station_month import month_bounds
from shared.batches import batch_ids, grouped, within_budget
from shared.contracts.errors import InvalidInput, Message
from shared.kernel.places import community_key
from shared.runtime import RequestContext

FIGURES: dict[str, str] = {
    "person_times_direct": "SELECT station_id, sum(count) FROM person_times WHERE {scope} AND reach = 'direct'"
                           " AND day >= $3 AND day < $4 GROUP BY 1",
    "person_times_indirect": "SELECT station_id, sum(count) FROM person_times WHERE {scope} AND reach = 'indirect'"
                             " AND day >= $3 AND day < $4 GROUP BY 1",
    "case_person_times": "SELECT station_id, sum(count) FROM person_times WHERE {scope} AND kind = 'case'"
                         " AND day >= $3 AND day < $4 GROUP BY 1",
    "group_person_times": "SELECT station_id, sum(count) FROM person_times WHERE {scope} AND kind = 'group'"
                          " AND reach = 'direct' AND day >= $3 AND day < $4 GROUP BY 1",
    "activity_person_times": "SELECT station_id, sum(count) FROM person_times WHERE {scope} AND kind = 'activity'"
                             " AND reach = 'direct' AND day >= $3 AND day < $4 GROUP BY 1",
    "people_served": "SELECT station_id, count(DISTINCT person) FROM people_served WHERE {scope}"
                     " AND day >= $3 AND day < $4 GROUP BY 1",
    "cases_opened": "SELECT station_id, count(*) FROM cases WHERE {scope} AND opened_on >= $3 AND opened_on < $4"
                    " GROUP BY 1",
    "cases_closed": "SELECT station_id, count(*) FROM case_periods WHERE {scope} AND closed_on >= $3"
                    " AND closed_on < $4 GROUP BY 1",  # closings (结案) on their day, reopened later or not
    "case_sessions": "SELECT station_id, count(*) FROM case_sessions WHERE {scope} AND held_on >= $3"
                     " AND held_on < $4 GROUP BY 1",
    "groups_planned": "SELECT station_id, count(*) FROM groups WHERE {scope} AND planned_on >= $3"
                      " AND planned_on < $4 GROUP BY 1",
    "groups_meeting": "SELECT station_id, count(DISTINCT group_id) FROM group_sessions WHERE {scope}"
                      " AND held_on >= $3 AND held_on < $4 GROUP BY 1",
    "group_sessions": "SELECT station_id, count(*) FROM group_sessions WHERE {scope} AND held_on >= $3"
                      " AND held_on < $4 GROUP BY 1",
    "activities": "SELECT station_id, count(*) FROM activities WHERE {scope} AND held_on >= $3 AND held_on < $4"
                  " GROUP BY 1",
    "projects": "SELECT station_id, count(*) FROM projects WHERE {scope} AND starts_on < $4 AND ends_on >= $3"
                " GROUP BY 1",
    "surveys": "SELECT station_id, count(*) FROM surveys WHERE {scope} AND starts_on >= $3 AND starts_on < $4"
               " GROUP BY 1",
    "questionnaires_distributed": "SELECT station_id, sum(distributed) FROM surveys WHERE {scope}"
                                  " AND starts_on >= $3 AND starts_on < $4 GROUP BY 1",
    "questionnaires_returned": "SELECT station_id, sum(returned) FROM surveys WHERE {scope}"
                               " AND starts_on >= $3 AND starts_on < $4 GROUP BY 1",
    "publicity": "SELECT station_id, count(*) FROM publicity WHERE {scope} AND published_on >= $3"
                 " AND published_on < $4 GROUP BY 1",
    "volunteers_registered": "SELECT station_id, count(*) FROM volunteers WHERE {scope} AND registered_on >= $3"
                             " AND registered_on < $4 GROUP BY 1",
    "volunteer_hours": "SELECT station_id, sum(hours) FROM volunteer_services WHERE {scope} AND served_on >= $3"
                       " AND served_on < $4 GROUP BY 1",
    "organisations_filed": "SELECT station_id, count(*) FROM organisations WHERE {scope} AND filed_on >= $3"
                           " AND filed_on < $4 GROUP BY 1",
    "supervisions": "SELECT station_id, count(*) FROM supervisions WHERE {scope} AND held_on >= $3"
                    " AND held_on < $4 GROUP BY 1",
    "project_meetings": "SELECT s.station_id, count(*) FROM meetings m JOIN meeting_stations s USING (meeting_id)"
                        f" WHERE {station_scope('s.')} AND (m.starts_at AT TIME ZONE 'Asia/Shanghai')::date >= $3"
                        " AND (m.starts_at AT TIME ZONE 'Asia/Shanghai')::date < $4 GROUP BY 1",
    "issues_raised": "SELECT station_id, count(*) FROM compound_issues WHERE {scope} AND raised_on >= $3"
                     " AND raised_on < $4 GROUP BY 1",
    "issues_resolved": "SELECT station_id, count(*) FROM compound_issues WHERE {scope} AND status = 'resolved'"
                       " AND closed_on >= $3 AND closed_on < $4 GROUP BY 1",
    "trainings": "SELECT station_id, count(*) FROM trainings WHERE {scope} AND held_on >= $3 AND held_on < $4"
                 " GROUP BY 1",
    "volunteer_teams_formed": "SELECT station_id, count(*) FROM volunteer_teams WHERE {scope} AND formed_on >= $3"
                              " AND formed_on < $4 GROUP BY 1",
    "volunteer_leaders_designated": "SELECT station_id, count(*) FROM volunteers WHERE {scope}"
                                    " AND leader_since >= $3 AND leader_since < $4 GROUP BY 1",
    "plans_approved": "SELECT c.station_id, count(*) FROM case_timeline t JOIN cases c USING (case_id)"
                      f" WHERE {station_scope('c.')} AND t.event_type = 'ServicePlanApproved'"
                      " AND t.happened_on >= $3 AND t.happened_on < $4 GROUP BY 1",
    "group_indirect_person_times": "SELECT station_id, sum(count) FROM person_times WHERE {scope}"
                                   " AND kind = 'group' AND reach = 'indirect' AND day >= $3 AND day < $4 GROUP BY 1",
    "organisation_activities": "SELECT station_id, count(*) FROM organisation_activities WHERE {scope}"
                               " AND held_on >= $3 AND held_on < $4 GROUP BY 1",
    "organisation_person_times": "SELECT station_id, sum(count) FROM person_times WHERE {scope}"
                                 " AND kind = 'organisation' AND day >= $3 AND day < $4 GROUP BY 1",
    "activity_volunteer_hours_estimate": "SELECT station_id, sum(volunteer_hours) FROM activities WHERE {scope}"
                                         " AND held_on >= $3 AND held_on < $4 GROUP BY 1",
    "street_meetings": "SELECT station_id, count(*) FROM street_meetings WHERE {scope} AND held_on >= $3"
                       " AND held_on < $4 GROUP BY 1",
}
"""Each figure of a period, per station: ($1 visible stations, $2 one station or null, $3 from, $4 until).
`volunteer_hours` is volunteers' service records (the GraphQL `volunteerServiceHours`);
`activity_volunteer_hours_estimate` the hours typed in with activities, an estimate never added to it."""

HOURS = frozenset({"volunteer_hours", "activity_volunteer_hours_estimate"})
"""The figures in hours (two decimals); every other is a count."""


def _every_figure() -> str:
    """Every figure's query in one statement, a row per (figure, station): one round trip instead of one a figure
    (a dashboard asks for two periods' 30-odd figures). At SIZE 0.02 of `make bench-scale` the statement still takes
    about 40 ms for one station's year: PostgreSQL's work on the union, not the trips, is what is left."""
    return " UNION ALL ".join(f"SELECT '{name}' AS figure, f.station_id, f.value::numeric AS value FROM"
                              f" ({query.format(scope=station_scope())}) AS f(station_id, value)"
                              for name, query in FIGURES.items())


_EVERY_FIGURE = _every_figure()


async def figures(pool: asyncpg.Pool, stations: list[str] | None, station_id: str | None, start: date,
                  end: date, with_people: bool = True) -> dict[str, dict[str, int]]:
    """station id → figure name → value, for [start, end); stations with nothing recorded are absent. Read from
    the sums kept by station and day and month (`station_figures`); `counted_figures` is the same from the
    records, which the sums must always equal. Without `with_people`, people_served is left 0 (a region counts
    its people across its stations)."""
    return _found(await station_figures.figure_rows(pool, stations, station_id, start, end, with_people))


async def figures_and_people(pool: asyncpg.Pool, stations: list[str] | None, start: date, end: date
                             ) -> tuple[dict[str, dict[str, int]], int]:
    """`figures` of these stations for [start, end), and their distinct people in all: both counts of people
    made from the same (station, person) pairs, in the one statement that reads the sums."""
    rows = await station_figures.figure_rows(pool, stations, None, start, end, with_total=True)
    total = next((int(value or 0) for _, station, value in rows if station is None), 0)
    return _found([row for row in rows if row[1] is not None]), total


async def counted_figures(pool: asyncpg.Pool, stations: list[str] | None, station_id: str | None, start: date,
                          end: date) -> dict[str, dict[str, int]]:
    """`figures` counted from every record of the period, each figure by its query of FIGURES."""
    return _found(await pool.fetch(_EVERY_FIGURE, stations, station_id, start, end))


def _found(rows: list[Any]) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    for name, station, value in rows:
        found.setdefault(station, dict.fromkeys(FIGURES, 0))[name] = round(float(value or 0), 2) \
            if name in HOURS else int(value or 0)
    return found


async def publicity_by_level(pool: asyncpg.Pool, stations: list[str] | None, station_id: str | None,
                             start: date, end: date) -> list[dict[str, Any]]:
    sql, stations = by_station(f"SELECT level, count(*) FROM publicity WHERE {station_scope()}"
                                " AND published_on >= $3 AND published_on < $4 GROUP BY 1 ORDER BY 1",
                                stations, station_id)
    rows = await pool.fetch(sql, stations, station_id, start, end)
    return [{"level": r["level"], "count": r["count"]} for r in rows]


async def publicity_breakdown(pool: asyncpg.Pool, stations: list[str] | None, station_id: str | None,
                              start: date, end: date) -> list[dict[str, Any]]:
    """Publicity of [start, end) by kind and level: how many items, and their audience summed over the items
    that counted one (`with_audience` of them; an item with no audience adds nothing, not 0 listeners)."""
    sql, stations = by_station(f"SELECT kind, level, count(*) AS count, coalesce(sum(audience), 0) AS audience,"
                                f" count(audience) AS with_audience FROM publicity WHERE {station_scope()}"
                                " AND published_on >= $3 AND published_on < $4 GROUP BY 1, 2 ORDER BY 1, 2",
                                stations, station_id)
    rows = await pool.fetch(sql, stations, station_id, start, end)
    return [dict(r) for r in rows]


_PROJECT_PROGRESS = """
    SELECT p.project_id, p.station_id, p.name, p.aims, p.target_population, p.communities, p.community_ids,
           p.starts_on, p.ends_on,
           p.planned_groups, p.planned_sessions, p.planned_activities, p.planned_person_times,
           (SELECT count(*) FROM groups g WHERE g.project_id = p.project_id) AS groups,
           (SELECT count(*) FROM group_sessions s WHERE s.project_id = p.project_id) AS group_sessions,
           (SELECT count(*) FROM activities a WHERE a.project_id = p.project_id) AS activities,
           (SELECT count(*) FROM organisation_activities o WHERE o.project_id = p.project_id)
             AS organisation_activities,
           (SELECT coalesce(sum(count), 0) FROM person_times t
             WHERE t.project_id = p.project_id AND t.reach = 'direct') AS person_times_direct,
           (SELECT coalesce(sum(count), 0) FROM person_times t
             WHERE t.project_id = p.project_id AND t.reach = 'indirect') AS person_times_indirect
      FROM projects p
"""
"""Each project with what it planned and its progress over all time (every group, session, activity and
person-time ever recorded against it)."""

_PROGRESS_IN_PERIOD = """
    SELECT p.project_id,
           (SELECT count(*) FROM groups g WHERE g.project_id = p.project_id AND g.planned_on >= $2
             AND g.planned_on < $3) AS groups,
           (SELECT count(*) FROM group_sessions s WHERE s.project_id = p.project_id AND s.held_on >= $2
             AND s.held_on < $3) AS group_sessions,
           (SELECT count(*) FROM activities a WHERE a.project_id = p.project_id AND a.held_on >= $2
             AND a.held_on < $3) AS activities,
           (SELECT count(*) FROM organisation_activities o WHERE o.project_id = p.project_id AND o.held_on >= $2
             AND o.held_on < $3) AS organisation_activities,
           (SELECT coalesce(sum(count), 0) FROM person_times t WHERE t.project_id = p.project_id
             AND t.reach = 'direct' AND t.day >= $2 AND t.day < $3) AS person_times_direct,
           (SELECT coalesce(sum(count), 0) FROM person_times t WHERE t.project_id = p.project_id
             AND t.reach = 'indirect' AND t.day >= $2 AND t.day < $3) AS person_times_indirect
      FROM projects p WHERE p.project_id = ANY($1::text[])
"""
"""The same progress within [$2, $3): groups planned, sessions and activities held, person-times of those days."""


async def progress_in_period(pool: asyncpg.Pool, project_ids: list[str], period: Period
                             ) -> dict[str, dict[str, Any]]:
    rows = await pool.fetch(_PROGRESS_IN_PERIOD, project_ids, period.start, period.end)
    return {r["project_id"]: dict(r) for r in rows}


async def projects(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """Projects with their progress against what they planned, newest first (Relay page)."""
    return await paged(
        pool, body, "project", _PROJECT_PROGRESS.replace("SELECT p.project_id", "SELECT p.seq, p.project_id"),
        f"{station_scope('p.')} AND ($3::int IS NULL OR (extract(year FROM p.starts_on) <= $3"
        " AND extract(year FROM p.ends_on) >= $3)) AND ($4::text IS NULL OR p.project_id = $4)",
        [*scope_args(request.actor, body), body.get("year"), body.get("project_id")],
        seq="p.seq")


async def groups(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """Groups newest first, with members, sessions held, attendance and feedback (Relay page)."""
    return await paged(
        pool, body, "group",
        f"SELECT g.*, {resolved('g.')},"
        " (SELECT count(*) FROM group_members m WHERE m.group_id = g.group_id) AS members,"
        " (SELECT count(*) FROM group_sessions s WHERE s.group_id = g.group_id) AS sessions_held,"
        " (SELECT coalesce(sum(present + walk_ins), 0) FROM group_sessions s WHERE s.group_id = g.group_id)"
        "   AS person_times,"
        " (SELECT coalesce(sum(indirect_beneficiaries), 0) FROM group_sessions s WHERE s.group_id = g.group_id)"
        "   AS indirect_beneficiaries,"
        " (SELECT count(*) FROM group_feedback f WHERE f.group_id = g.group_id) AS feedback_forms,"
        " (SELECT avg(satisfaction)::float FROM group_feedback f WHERE f.group_id = g.group_id) AS satisfaction"
        " FROM groups g",
        f"{station_scope('g.')} AND ($3::text IS NULL OR g.project_id = $3) AND ($4::text IS NULL OR g.phase = $4)"
        " AND ($5::text IS NULL OR g.group_id = $5)",
        [*scope_args(request.actor, body), body.get("project_id"), body.get("phase"),
         body.get("group_id")], seq="g.seq")


async def _sessions_of_groups(pool: asyncpg.Pool, ids: list[str], request: RequestContext
                              ) -> dict[str, list[dict[str, Any]]]:
    rows = await pool.fetch(
        f"SELECT s.*, s.present + s.walk_ins AS attendance FROM group_sessions s WHERE {station_scope('s.')}"
        " AND s.group_id = ANY($3::text[]) ORDER BY s.group_id, s.number", visible_stations(request.actor), None, ids)
    return grouped(ids, rows, "group_id")


async def group_sessions(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    group_id = str(body.get("group_id"))
    return {"sessions": (await _sessions_of_groups(pool, [group_id], request))[group_id]}


async def group_sessions_batch(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """The sessions of each group named (at most 100), in order: a page of groups with their sessions."""
    ids = batch_ids(body, "group_ids")
    return within_budget(ids, (await _sessions_of_groups(pool, ids, request)).__getitem__)


async def activities(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """Community activities, latest first, in a month when asked (Relay page)."""
    start, end = month_bounds(body["month"]) if body.get("month") else (date.min, date.max)
    return await paged(
        pool, body, "activity", f"SELECT a.*, {resolved('a.')} FROM activities a",
        f"{station_scope()} AND ($3::text IS NULL OR project_id = $3) AND held_on >= $4 AND held_on < $5"
        " AND ($6::text IS NULL OR activity_id = $6)",
        [*scope_args(request.actor, body), body.get("project_id"), start, end, body.get("activity_id")])


async def publicity(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """News items and other materials, latest recorded first (Relay page)."""
    return await paged(
        pool, body, "publicity", "SELECT * FROM publicity",
        f"{station_scope()} AND ($3::text IS NULL OR level = $3)"
        " AND ($4::int IS NULL OR extract(year FROM published_on) = $4) AND ($5::text IS NULL OR item_id = $5)",
        [*scope_args(request.actor, body), body.get("level"), body.get("year"), body.get("item_id")])


async def surveys(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """Needs-research campaigns, latest recorded first (Relay page)."""
    return await paged(pool, body, "survey", "SELECT seq, survey_id, station_id, title, method, starts_on, ends_on,"
                       " distributed, returned, needs::text FROM surveys",
                       f"{station_scope()} AND ($3::text IS NULL OR survey_id = $3)",
                       [*scope_args(request.actor, body), body.get("survey_id")])


def _month(body: dict[str, Any]) -> tuple[str, date, date]:
    month = str(body.get("month") or as_of(body).strftime("%Y-%m"))
    start, end = month_bounds(month)
    return month, start, end


def _year(value: Any) -> int:
    return year_of(value).start.year


async def station_dashboard(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """A station's asked period (a month, by default this one; a year; or any range of days), and the month and
    year of its last day: figures, targets against the year's progress, projects (running in the period or that
    year) with their progress in the period and over all time, publicity by level and by kind and level."""
    station_id = str(body.get("station_id", ""))
    require_visible(request.actor, station_id)
    period = asked_period(body)
    month = period.last.strftime("%Y-%m")
    start, end = month_bounds(month)
    year_start, year_end = date(start.year, 1, 1), date(start.year + 1, 1, 1)
    empty = dict.fromkeys(FIGURES, 0)
    in_month = (await figures(pool, None, station_id, start, end)).get(station_id, empty)
    in_year = (await figures(pool, None, station_id, year_start, year_end)).get(station_id, empty)
    in_period = in_month if period == Period(start, end) else in_year if period == Period(year_start, year_end) \
        else (await figures(pool, None, station_id, period.start, period.end)).get(station_id, empty)
    targets = await pool.fetchrow("SELECT projects, groups, activities, person_times FROM station_targets"
                                  " WHERE station_id = $1 AND year = $2", station_id, start.year)
    progress = await pool.fetch(f"{_PROJECT_PROGRESS} WHERE p.station_id = $1 AND p.starts_on < $3"
                                " AND p.ends_on >= $2 ORDER BY p.seq", station_id, min(year_start, period.start),
                                max(year_end, period.end))
    within = await progress_in_period(pool, [r["project_id"] for r in progress], period)
    return {"station_id": station_id, "month": month, "year": start.year, "period": period.answer(),
            "in_period": in_period, "this_month": in_month, "this_year": in_year,
            "targets": None if targets is None else dict(targets),
            "projects": [{**dict(r), "in_period": within[r["project_id"]]} for r in progress],
            "publicity_by_level": await publicity_by_level(pool, None, station_id, year_start, year_end),
            "publicity": await publicity_breakdown(pool, None, station_id, period.start, period.end)}


async def district_overview(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """Every visible station's figures for a year (by default this one), a month or any range of days, and the
    district's totals. The district's distinct people are counted across stations, not added up."""
    period = asked_period(body, default="year")
    start, end = period.start, period.end
    visible = visible_stations(request.actor)
    per_station, people = await figures_and_people(pool, visible, start, end)
    stations = await pool.fetch("SELECT station_id, name, code FROM stations WHERE $1::text[] IS NULL"
                                " OR station_id = ANY($1) ORDER BY code", visible)
    rows = [{"station_id": s["station_id"], "name": s["name"], "code": s["code"],
             **per_station.get(s["station_id"], dict.fromkeys(FIGURES, 0))} for s in stations]
    totals: dict[str, float] = {name: sum(row[name] for row in rows) for name in FIGURES}
    totals.update({name: round(totals[name], 2) for name in HOURS})
    totals["people_served"] = people
    return {"from": start.isoformat(), "to": period.last.isoformat(), "until": end.isoformat(), "stations": rows,
            "totals": totals, "publicity_by_level": await publicity_by_level(pool, visible, None, start, end),
            "publicity": await publicity_breakdown(pool, visible, None, start, end)}


async def person_times(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """Person-times of a year (or a month) by month, station, community, project, kind and reach: the rows
    every other figure of person-times is a sum of."""
    if body.get("month"):
        _, start, end = _month(body)
    else:
        year = _year(body.get("year") or as_of(body).year)
        start, end = date(year, 1, 1), date(year + 1, 1, 1)
    visible, station_id = scope_args(request.actor, body)
    sql, visible = by_station(
        "SELECT to_char(day, 'YYYY-MM') AS month, station_id, coalesce(community_name, '') AS community,"
        " community_ref, project_id, kind, reach, sum(count)::int AS count"
        f" FROM (SELECT p.*, {resolved('p.')} FROM person_times p WHERE {station_scope('p.')} AND p.day >= $3"
        " AND p.day < $4) t"
        " GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(count) > 0 ORDER BY 1, 2, 3, 5 NULLS FIRST, 6, 7, 4",
        visible, station_id)
    rows = await pool.fetch(sql, visible, station_id, start, end)
    return {"rows": [dict(r) for r in rows]}


async def staff(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """The team at the visible stations (those who left too, when asked), with their qualifications, latest
    joined first (Relay page)."""
    return await paged(
        pool, body, "staff",
        "SELECT s.seq, s.staff_id, s.name, s.role, s.station_ids, s.joined_on, s.left_on,"
        " (SELECT coalesce(json_agg(json_build_object('kind', q.kind, 'obtained_on', q.obtained_on,"
        "  'certificate_number', q.certificate_number) ORDER BY q.obtained_on), '[]')::text"
        "  FROM staff_qualifications q WHERE q.staff_id = s.staff_id) AS qualifications FROM staff s",
        "($1::text[] IS NULL OR s.station_ids && $1) AND ($2::text IS NULL OR $2 = ANY(s.station_ids))"
        " AND ($3 OR s.left_on IS NULL) AND ($4::text IS NULL OR s.staff_id = $4)",
        [*scope_args(request.actor, body), bool(body.get("include_left")), body.get("staff_id")], seq="s.seq")


async def resources(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """The resource map of the visible stations, each resource with the projects and activities that used it,
    latest mapped first (Relay page)."""
    return await paged(
        pool, body, "resource",
        f"SELECT r.*, {resolved('r.')}, (SELECT coalesce(json_agg(json_build_object('project_id', u.project_id,"
        " 'activity_id',"
        " u.activity_id, 'used_on', u.used_on) ORDER BY u.used_on), '[]')::text FROM resource_uses u"
        " WHERE u.resource_id = r.resource_id) AS uses FROM resources r",
        f"{station_scope('r.')} AND ($3::text IS NULL OR r.kind = $3) AND ($4::text IS NULL OR r.resource_id = $4)",
        [*scope_args(request.actor, body), body.get("kind"), body.get("resource_id")], seq="r.seq")


async def supervisions(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """Supervision sessions with their actions, latest recorded first (Relay page)."""
    return await paged(
        pool, body, "supervision",
        "SELECT v.*, (SELECT coalesce(json_agg(a ORDER BY a.action_id), '[]')::text FROM supervision_actions a"
        " WHERE a.supervision_id = v.supervision_id) AS actions FROM supervisions v",
        f"{station_scope('v.')} AND ($3::text IS NULL OR v.supervision_id = $3)",
        [*scope_args(request.actor, body), body.get("supervision_id")], seq="v.seq")


async def meetings(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """Project meetings of the visible stations, latest recorded first (Relay page)."""
    return await paged(
        pool, body, "meeting",
        "SELECT m.*, (SELECT array_agg(s.station_id ORDER BY s.station_id) FROM meeting_stations s"
        " WHERE s.meeting_id = m.meeting_id AND ($1::text[] IS NULL OR s.station_id = ANY($1))) AS station_ids"
        " FROM meetings m",
        "EXISTS (SELECT 1 FROM meeting_stations s WHERE s.meeting_id = m.meeting_id AND"
        f" {station_scope('s.')}) AND ($3::text IS NULL OR m.meeting_id = $3)",
        [*scope_args(request.actor, body), body.get("meeting_id")], seq="m.seq")


_VOLUNTEER = """
    SELECT v.*, (SELECT coalesce(sum(hours), 0) FROM volunteer_services s WHERE s.volunteer_id = v.volunteer_id)
             AS total_hours,
           (SELECT count(*) FROM volunteer_services s WHERE s.volunteer_id = v.volunteer_id) AS services,
           (SELECT coalesce(array_agg(t.name ORDER BY t.name), '{}') FROM volunteer_team_members m
             JOIN volunteer_teams t USING (team_id) WHERE m.volunteer_id = v.volunteer_id) AS teams,
           (SELECT coalesce(json_agg(json_build_object('name', t.name, 'hours', t.hours, 'held_on', t.held_on)
             ORDER BY t.held_on), '[]')::text FROM trainings t WHERE v.volunteer_id = ANY(t.attendee_ids))
             AS trainings
      FROM volunteers v
"""


async def volunteers(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """Volunteers with their total hours, teams and trainings, latest registered first (Relay page)."""
    return await paged(
        pool, body, "volunteer", _VOLUNTEER,
        f"{station_scope('v.')} AND ($3::text IS NULL OR v.volunteer_id = $3) AND (NOT $4 OR v.leader_since IS NOT"
        " NULL)", [*scope_args(request.actor, body), body.get("volunteer_id"),
                   bool(body.get("leaders_only"))], seq="v.seq")


async def _services_of_volunteers(pool: asyncpg.Pool, ids: list[str], request: RequestContext
                                  ) -> dict[str, list[dict[str, Any]]]:
    rows = await pool.fetch(
        f"SELECT s.*, t.name AS station_name FROM volunteer_services s JOIN stations t USING (station_id)"
        f" WHERE {station_scope('s.')} AND s.volunteer_id = ANY($3::text[])"
        " ORDER BY s.volunteer_id, s.served_on, s.record_id", visible_stations(request.actor), None, ids)
    return grouped(ids, rows, "volunteer_id")


async def volunteer_services(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """A volunteer's service records, oldest first: what their certificate is made of."""
    volunteer_id = str(body.get("volunteer_id"))
    return {"services": (await _services_of_volunteers(pool, [volunteer_id], request))[volunteer_id]}


async def volunteer_services_batch(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext
                                   ) -> dict[str, Any]:
    """The service records of each volunteer named (at most 100): a page of volunteers with their certificates."""
    ids = batch_ids(body, "volunteer_ids")
    return within_budget(ids, (await _services_of_volunteers(pool, ids, request)).__getitem__)


async def organisations(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """Community social organisations with their activities counted, latest registered first (Relay page)."""
    return await paged(
        pool, body, "organisation",
        f"SELECT o.*, {resolved('o.')},"
        " (SELECT count(*) FROM organisation_activities a WHERE a.organisation_id = o.organisation_id)"
        " AS activities, (SELECT coalesce(sum(participants), 0) FROM organisation_activities a"
        " WHERE a.organisation_id = o.organisation_id) AS participants,"
        " (SELECT count(*) FROM street_meeting_organisations m WHERE m.organisation_id = o.organisation_id)"
        " AS street_meetings_attended FROM organisations o",
        f"{station_scope('o.')} AND ($3::text IS NULL OR {community_of('o.')} = $3 OR o.community_key = $7"
        f" OR EXISTS (SELECT 1 FROM communities c WHERE c.community_id = {community_of('o.')}"
        "  AND (c.name_key = $7 OR c.division_code = $7))) AND ($4::text IS NULL OR o.type = $4)"
        " AND ($5::text IS NULL OR o.status = $5) AND ($6::text IS NULL OR o.organisation_id = $6)",
        [*scope_args(request.actor, body), body.get("community_id") or body.get("community"), body.get("type"),
         body.get("status"), body.get("organisation_id"), community_key(str(body.get("community") or ""))],
        seq="o.seq")


async def organisation_counts(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """How many organisations each community of the visible stations has, by type: all, and those filed."""
    rows = await pool.fetch(
        "SELECT station_id, community_name AS community, community_ref, type, count(*) AS total,"
        " count(*) FILTER (WHERE filing_number IS NOT NULL AND status <> 'dissolved') AS filed"
        f" FROM (SELECT o.*, {resolved('o.')} FROM organisations o WHERE {station_scope('o.')}) o"
        " GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
        *scope_args(request.actor, body))
    return {"counts": [dict(r) for r in rows]}


async def compound_issues(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """Compounds' issues, latest raised first; open ones past their due date (as of a day) stand out."""
    return await paged(
        pool, body, "issue",
        "SELECT i.*, g.property_company, (i.status NOT IN ('resolved', 'escalated') AND i.due_on < $4) AS overdue"
        " FROM compound_issues i JOIN governance g USING (compound_id)",
        f"{station_scope('i.')} AND ($3::text IS NULL OR i.compound_id = $3) AND (NOT $5 OR i.status NOT IN"
        " ('resolved', 'escalated')) AND ($6::text IS NULL OR i.issue_id = $6)",
        [*scope_args(request.actor, body), body.get("compound_id"), as_of(body),
         bool(body.get("open_only")), body.get("issue_id")], seq="i.seq")


async def joint_meetings(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    rows = await pool.fetch(
        f"SELECT * FROM joint_meetings WHERE {station_scope()} AND ($3::text IS NULL OR compound_id = $3)"
        " AND ($4::text IS NULL OR meeting_id = $4) ORDER BY held_on DESC, meeting_id",
        *scope_args(request.actor, body), body.get("compound_id"), body.get("meeting_id"))
    return {"meetings": [dict(r) for r in rows]}


def report_period(kind: str, start: date) -> tuple[date, date]:
    """[start, end) of a daily, weekly or monthly report's period."""
    if kind == "daily":
        return start, start + timedelta(days=1)
    if kind == "weekly":
        return start, start + timedelta(days=7)
    return month_bounds(start.strftime("%Y-%m"))


async def report_figures(pool: asyncpg.Pool, station_id: str, kind: str, start: date) -> dict[str, float]:
    begin, end = report_period(kind, start)
    found = await figures(pool, None, station_id, begin, end)
    return {k: float(v) for k, v in found.get(station_id, dict.fromkeys(FIGURES, 0)).items()}


async def work_report(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """A report's submitted versions, newest first, each with what changed from the one before, the figures as
    they stand now, and where the latest version and now differ (so a report behind the records shows)."""
    station_id = str(body.get("station_id", ""))
    require_visible(request.actor, station_id)
    kind, start = str(body.get("kind")), date.fromisoformat(str(body.get("period_start")))
    rows = await pool.fetch("SELECT version, figures::text, narrative, submitted_by, submitted_on,"
                            " correction_reason FROM work_reports WHERE station_id = $1 AND kind = $2"
                            " AND period_start = $3 ORDER BY version", station_id, kind, start)
    versions: list[dict[str, Any]] = []
    for row in rows:
        version = {**dict(row), "figures": json.loads(row["figures"])}
        before = versions[-1] if versions else None
        # a figure first counted after the version before was locked (organisation_person_times, say) and still 0
        # is no change
        version["changes"] = [] if before is None else [
            {"figure": k, "before": before["figures"].get(k), "after": v}
            for k, v in version["figures"].items() if before["figures"].get(k, 0 if v == 0 else None) != v]
        version["narrative_changed"] = before is not None and before["narrative"] != version["narrative"]
        versions.append(version)
    current = await report_figures(pool, station_id, kind, start)
    # What the bureau sees of a late entry or correction dated in the period: the latest locked figure beside
    # today's count, never the locked one changed (docs/figures.md). Figures the report did not have are no
    # difference.
    locked = versions[-1]["figures"] if versions else {}
    differences = [{"figure": k, "before": locked[k], "after": v} for k, v in current.items()
                   if k in locked and locked[k] != v]
    return {"station_id": station_id, "kind": kind, "period_start": start.isoformat(),
            "period_end": (report_period(kind, start)[1] - timedelta(days=1)).isoformat(),
            "versions": versions[::-1], "current": current, "differences": differences}


async def work_report_figures(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """The figures a report of the period would lock now (what the gateway submits with the narrative)."""
    station_id = str(body.get("station_id", ""))
    require_visible(request.actor, station_id)
    try:
        start = date.fromisoformat(str(body.get("period_start")))
    except ValueError as error:
        raise InvalidInput(Message(zh="periodStart 应写作 YYYY-MM-DD", en="periodStart must be YYYY-MM-DD"),
                           field="periodStart") from error
    return {"figures": await report_figures(pool, station_id, str(body.get("kind")), start)}


async def volunteer_teams(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """Volunteer teams with their members counted and their leaders named by id."""
    rows = await pool.fetch(
        f"SELECT t.*, {resolved('t.')},"
        " (SELECT count(*) FROM volunteer_team_members m WHERE m.team_id = t.team_id) AS members,"
        " (SELECT coalesce(array_agg(m.volunteer_id ORDER BY m.joined_on), '{}') FROM volunteer_team_members m"
        "  WHERE m.team_id = t.team_id AND m.leader) AS leader_ids"
        f" FROM volunteer_teams t WHERE {station_scope('t.')} AND ($3::text IS NULL OR t.team_id = $3)"
        " ORDER BY t.kind, t.name", *scope_args(request.actor, body), body.get("team_id"))
    return {"teams": [dict(r) for r in rows]}
