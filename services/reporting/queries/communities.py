"""Which community a read-model row is of, told when it is read (see migration 0028's `community_of`), and the
community texts in use that name none of their street's: listed, never guessed."""

from __future__ import annotations

from typing import Any

import asyncpg

from services.reporting.queries.scope import scope_args, station_scope
from shared.runtime import RequestContext


def community_of(prefix: str = "") -> str:
    """SQL for the id of the community a row (`prefix` names its table) is of; NULL when its text names none."""
    return f"community_of({prefix}station_id, {prefix}community_id, {prefix}community_key)"


def resolved(prefix: str) -> str:
    """The select-list columns `community_ref` (the row's community's id, or NULL) and `community_name` (its
    registered name; the row's own text when it names none). `prefix` names the row's table, so that its columns
    are never taken for the communities' own."""
    return (f"{community_of(prefix)} AS community_ref, coalesce((SELECT named.name FROM communities named"
            f" WHERE named.community_id = {community_of(prefix)}), {prefix}community) AS community_name")


USES: dict[str, str] = {
    "recipient": "SELECT station_id, community, community_id, community_key FROM recipients",
    "group": "SELECT station_id, community, community_id, community_key FROM groups",
    "activity": "SELECT station_id, community, community_id, community_key FROM activities",
    "resource": "SELECT station_id, community, community_id, community_key FROM resources",
    "volunteer_team": "SELECT station_id, community, community_id, community_key FROM volunteer_teams",
    "organisation": "SELECT station_id, community, community_id, community_key FROM organisations",
    "project": "SELECT station_id, u.community, NULL::text, u.community_key FROM projects,"
               " unnest(communities, community_keys) AS u(community, community_key) WHERE community_ids = '{}'",
}
"""Every read-model table whose rows name a community, by the kind of record: (station, text, id, key) of each
row. A table that comes to name one is one line here."""


async def unresolved_communities(pool: asyncpg.Pool, body: dict[str, Any], request: RequestContext
                                 ) -> dict[str, Any]:
    """Each community text in use at the visible stations (or the one asked) that names no community of its
    station's street, with the kind of record it is used in and how many records: to be corrected, not guessed."""
    uses = " UNION ALL ".join(f"SELECT '{kind}' AS kind, * FROM ({select}) AS {kind}_rows"
                              for kind, select in USES.items())
    rows = await pool.fetch(
        f"SELECT station_id, community, kind, count(*)::int AS records FROM ({uses})"
        f" AS used(kind, station_id, community, community_id, community_key)"
        f" WHERE {station_scope()} AND community <> '' AND {community_of()} IS NULL"
        " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3", *scope_args(request.actor, body))
    return {"unresolved": [dict(r) for r in rows]}
