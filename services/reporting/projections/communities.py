"""Which community a read-model row is of: the id the event carries, or else (events recorded before communities
were references, issue 15) the community of the station's street whose name `community_key` compares equal to
the text. No match is no id: the row keeps its text and `unresolved_communities` lists it, never a guess."""

from __future__ import annotations

import asyncpg

from shared.kernel.places import community_key


async def community_of(conn: asyncpg.Connection, station_id: str, community_id: str | None,
                       name: str | None) -> str | None:
    if community_id is not None:
        return community_id
    if not name or not community_key(name):
        return None
    found: str | None = await conn.fetchval(
        "SELECT c.community_id FROM communities c JOIN stations s ON s.street_id = c.street_id"
        " WHERE s.station_id = $1 AND c.name_key = $2 ORDER BY c.community_id LIMIT 1",
        station_id, community_key(name))
    return found
