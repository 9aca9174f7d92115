"""Street-level meetings of the visible stations, each with the organisations that came, in the order recorded."""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg

from services.reporting.queries.pages import paged
from services.reporting.queries.scope import scope_args, station_scope
from services.reporting.queries.station_month import month_bounds
from shared.runtime import RequestContext

_MEETING = """
    SELECT m.*,
           (SELECT coalesce(json_agg(json_build_object('organisation_id', a.organisation_id, 'name', o.name,
                                                       'community', o.community, 'type', o.type)
                                     ORDER BY a.position), '[]')::text
              FROM street_meeting_organisations a LEFT JOIN organisations o USING (organisation_id)
             WHERE a.meeting_id = m.meeting_id) AS organisations
      FROM street_meetings m
"""


async def street_meetings(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """Meetings latest recorded first, in a month, of a kind or attended by an organisation when asked (Relay
    page): the salons an organisation went to are `organisation_id`'s page."""
    start, end = month_bounds(body["month"]) if body.get("month") else (date.min, date.max)
    return await paged(
        pool, body, "street_meeting", _MEETING,
        f"{station_scope('m.')} AND ($3::text IS NULL OR m.kind = $3) AND m.held_on >= $4 AND m.held_on < $5"
        " AND ($6::text IS NULL OR EXISTS (SELECT 1 FROM street_meeting_organisations a"
        "  WHERE a.meeting_id = m.meeting_id AND a.organisation_id = $6)) AND ($7::text IS NULL OR m.meeting_id = $7)",
        [*scope_args(request.actor, body), body.get("kind"), start, end, body.get("organisation_id"),
         body.get("meeting_id")], seq="m.seq")
