"""A station's month of case work: open cases, sessions held, person-times and people served."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import asyncpg

from services.reporting.queries.scope import require_visible
from shared.contracts.errors import InvalidInput, Message
from shared.runtime import RequestContext

_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


def month_bounds(month: str) -> tuple[date, date]:
    """First day of the month and first day of the next, for "YYYY-MM"."""
    match = _MONTH.fullmatch(month or "")
    if match is None:
        raise InvalidInput(Message(zh=f"月份 {month} 应写作 YYYY-MM，例如 2026-11",
                                   en=f"Month {month} must be written YYYY-MM, e.g. 2026-11"), field="month")
    year, number = int(match[1]), int(match[2])
    return date(year, number, 1), date(year + number // 12, number % 12 + 1, 1)


async def station_month(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """The month as it happened (docs/figures.md): a case is open in it if one of its open periods overlaps it (one
    closed on the 1st was open that month), and its closings are those dated in it, whatever came after."""
    station_id = str(body.get("station_id", ""))
    require_visible(request.actor, station_id)
    start, end = month_bounds(str(body.get("month", "")))
    row = await pool.fetchrow(
        "SELECT"
        " (SELECT count(DISTINCT case_id) FROM case_periods WHERE station_id = $1 AND opened_on < $3"
        "   AND (closed_on IS NULL OR closed_on >= $2)) AS open_cases,"
        " (SELECT count(*) FROM cases WHERE station_id = $1 AND opened_on >= $2 AND opened_on < $3) AS cases_opened,"
        " (SELECT count(*) FROM case_periods WHERE station_id = $1 AND closed_on >= $2 AND closed_on < $3)"
        "   AS cases_closed,"
        " count(s.session_id) AS sessions_held,"
        " coalesce(sum(s.participants), 0) AS case_person_times,"
        " count(DISTINCT coalesce(r.merged_into, s.recipient_id)) AS people_served"
        " FROM case_sessions s LEFT JOIN recipients r USING (recipient_id)"
        " WHERE s.station_id = $1 AND s.held_on >= $2 AND s.held_on < $3",
        station_id, start, end)
    return {"station_id": station_id, "month": body["month"], **dict(row)}
