"""The lookup tables of services/activities/application/lookups.py (migration 0004): a row per station, contract
and group, written from the events as decided in the transaction that appends them, so a rule never reads them a
moment behind; derived, so rebuilt from the store by `python -m services.activities reindex`, and filled at
start-up when a table is empty and the store holds streams of its type (an installation older than the tables)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import asyncpg

from shared.contracts.activities import (
    ContractAwarded,
    GroupClosed,
    GroupLeadersChanged,
    GroupPhase,
    GroupPhaseChanged,
    GroupPlanned,
    StationClosed,
    StationOpened,
)
from shared.eventstore import EventStore
from shared.eventstore.lookups import LookupTables

TABLES = {"station_lookup": "station", "contract_lookup": "operator", "group_lookup": "group"}
"""Each table and the stream type it is derived from."""
WRITES_FOR = (StationOpened, StationClosed, ContractAwarded, GroupPlanned, GroupLeadersChanged, GroupPhaseChanged,
              GroupClosed)
"""The events `apply` writes rows for."""

_FIRST_WRITTEN = "(SELECT global_position FROM events WHERE stream_id = {stream} AND version = 1)"


class ActivityLookups(LookupTables):
    """`Lookups` answered from the tables, kept by the store as derived rows (`store.keep`)."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        super().__init__(pool, TABLES, apply, WRITES_FOR)

    async def stations_sharing(self, store: EventStore, street_id: str, code: str) -> list[str]:
        rows = await self._pool.fetch("SELECT station_id FROM station_lookup WHERE street_id = $1 OR code = $2"
                                      " ORDER BY station_id", street_id, code)
        return [f"station-{row['station_id']}" for row in rows]

    async def operators_holding(self, store: EventStore, contract_id: str, street_ids: Sequence[str]) -> list[str]:
        rows = await self._pool.fetch("SELECT DISTINCT operator_id FROM contract_lookup"
                                      " WHERE contract_id = $1 OR street_ids && $2::text[] ORDER BY operator_id",
                                      contract_id, list(street_ids))
        return [f"operator-{row['operator_id']}" for row in rows]

    async def groups_led(self, store: EventStore, staff_id: str, station_ids: Sequence[str]) -> list[str]:
        rows = await self._pool.fetch(
            "SELECT group_id FROM group_lookup WHERE open AND leader_ids @> ARRAY[$1::text]"
            " AND station_id = ANY($2::text[]) ORDER BY "
            + _FIRST_WRITTEN.format(stream="'group-' || group_id"), staff_id, list(station_ids))
        return [f"group-{row['group_id']}" for row in rows]


async def apply(conn: asyncpg.Connection, events: Iterable[object]) -> None:
    """The rows the events change, in the caller's transaction."""
    for event in events:
        match event:
            case StationOpened() as e:
                await conn.execute(
                    "INSERT INTO station_lookup (station_id, street_id, code, closed) VALUES ($1, $2, $3, false)"
                    " ON CONFLICT (station_id) DO UPDATE SET street_id = $2, code = $3, closed = false",
                    e.station_id, e.street_id, e.code)
            case StationClosed(station_id=station_id):
                await conn.execute("UPDATE station_lookup SET closed = true WHERE station_id = $1", station_id)
            case ContractAwarded() as e:
                await conn.execute(
                    "INSERT INTO contract_lookup (operator_id, contract_id, street_ids) VALUES ($1, $2, $3)"
                    " ON CONFLICT (operator_id, contract_id) DO UPDATE SET street_ids ="
                    " ARRAY(SELECT DISTINCT unnest(contract_lookup.street_ids || $3::text[]))",
                    e.operator_id, e.contract_id, list(e.street_ids))
            case GroupPlanned() as e:
                await conn.execute(
                    "INSERT INTO group_lookup (group_id, station_id, leader_ids, open) VALUES ($1, $2, $3, true)"
                    " ON CONFLICT (group_id) DO UPDATE SET station_id = $2, leader_ids = $3, open = true",
                    e.group_id, e.station_id, list(e.leader_ids))
            case GroupLeadersChanged() as e:
                await conn.execute("UPDATE group_lookup SET leader_ids = $2 WHERE group_id = $1",
                                   e.group_id, list(e.leader_ids))
            case GroupPhaseChanged() as e:
                await conn.execute("UPDATE group_lookup SET open = $2 WHERE group_id = $1",
                                   e.group_id, e.phase != GroupPhase.CLOSED)
            case GroupClosed(group_id=group_id):
                await conn.execute("UPDATE group_lookup SET open = false WHERE group_id = $1", group_id)
