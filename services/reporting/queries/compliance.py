"""一督二会 each month: per station one supervision, one offline and one online project meeting; what is missing.

The month of a supervision is its date; the month of a meeting is its start in China Standard Time, so a
meeting at 2026-10-31 17:00 UTC (01:00 on 1 November in Changsha) counts for November.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

import asyncpg

from services.reporting.queries.scope import scope_args, station_scope
from services.reporting.queries.station_month import month_bounds
from shared.china import china_day
from shared.runtime import RequestContext

REQUIRED = ("supervision", "offline_meeting", "online_meeting")


def monthly_compliance(month: str, station_ids: list[str], supervisions: list[tuple[str, date]],
                       meetings: list[tuple[str, str, datetime]]) -> list[dict[str, Any]]:
    """Each station's count of what the month requires, and what is missing (pure: the rule itself)."""
    start, end = month_bounds(month)
    seen: Counter[tuple[str, str]] = Counter()
    for station_id, held_on in supervisions:
        if start <= held_on < end:
            seen[station_id, "supervision"] += 1
    for station_id, mode, starts_at in meetings:
        if start <= china_day(starts_at) < end:
            seen[station_id, f"{mode}_meeting"] += 1
    return [{"station_id": station_id, **{f"{kind}s": seen[station_id, kind] for kind in REQUIRED},
             "missing": [kind for kind in REQUIRED if not seen[station_id, kind]]} for station_id in station_ids]


async def compliance(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    month = str(body.get("month", ""))
    start, end = month_bounds(month)
    visible, station_id = scope_args(request.actor, body)
    scope = station_scope()
    stations = [r["station_id"] for r in await pool.fetch(
        f"SELECT station_id FROM stations WHERE {scope} AND opened_on < $3 AND (closed_on IS NULL OR closed_on >= $4)"
        " ORDER BY code", visible, station_id, end, start)]
    supervisions = await pool.fetch(f"SELECT station_id, held_on FROM supervisions WHERE {scope}"
                                    " AND held_on >= $3 AND held_on < $4", visible, station_id, start, end)
    meetings = await pool.fetch(
        f"SELECT s.station_id, m.mode, m.starts_at FROM meetings m JOIN meeting_stations s USING (meeting_id)"
        f" WHERE {station_scope('s.')} AND m.starts_at >= $3 AND m.starts_at < $4",
        visible, station_id, datetime.combine(start - timedelta(days=1), datetime.min.time()).astimezone(),
        datetime.combine(end + timedelta(days=1), datetime.min.time()).astimezone())
    return {"month": month, "stations": monthly_compliance(
        month, stations, [(r["station_id"], r["held_on"]) for r in supervisions],
        [(r["station_id"], r["mode"], r["starts_at"]) for r in meetings])}
