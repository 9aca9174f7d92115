"""Streets, communities and stations, for names and scopes. Version 2: streets' and communities' official
codes, and each community's name as it is compared."""

from __future__ import annotations

import asyncpg

from services.reporting.projections import Projection, Projector, ReceivedEvent
from shared.contracts.activities import (
    CommunityAdded,
    CompoundAdded,
    ContractAwarded,
    OperatorRegistered,
    StationClosed,
    StationOpened,
    StreetRegistered,
)
from shared.kernel.places import community_key


async def street_registered(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    e: StreetRegistered = event.payload
    await conn.execute("INSERT INTO streets (street_id, name, district, district_code, division_code)"
                       " VALUES ($1, $2, $3, $4, $5)", e.street_id, e.name, e.district, e.district_code,
                       e.division_code)


async def community_added(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    e: CommunityAdded = event.payload
    await conn.execute("INSERT INTO communities (community_id, street_id, name, kind, division_code, name_key)"
                       " VALUES ($1, $2, $3, $4, $5, $6)", e.community_id, e.street_id, e.name, e.kind.value,
                       e.division_code, community_key(e.name))


async def station_opened(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    e: StationOpened = event.payload
    await conn.execute("INSERT INTO stations (station_id, street_id, name, code, opened_on)"
                       " VALUES ($1, $2, $3, $4, $5)", e.station_id, e.street_id, e.name, e.code, e.opened_on)


async def organised(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    match event.payload:
        case CompoundAdded() as e:
            await conn.execute("INSERT INTO compounds (compound_id, community_id, street_id, name)"
                               " VALUES ($1, $2, $3, $4)", e.compound_id, e.community_id, e.street_id, e.name)
        case OperatorRegistered() as e:
            await conn.execute("INSERT INTO operators (operator_id, name) VALUES ($1, $2)", e.operator_id, e.name)
        case StationClosed() as e:
            await conn.execute("UPDATE stations SET closed_on = $2 WHERE station_id = $1", e.station_id, e.closed_on)
        case ContractAwarded() as e:
            await conn.execute("INSERT INTO contracts (contract_id, operator_id, street_ids, starts_on, ends_on)"
                               " VALUES ($1, $2, $3, $4, $5)", e.contract_id, e.operator_id, list(e.street_ids),
                               e.starts_on, e.ends_on)


PROJECTORS: dict[str, Projector] = {
    "CompoundAdded": organised,
    "OperatorRegistered": organised,
    "ContractAwarded": organised,
    "StationClosed": organised,
    "StreetRegistered": street_registered,
    "CommunityAdded": community_added,
    "StationOpened": station_opened,
}

PROJECTION = Projection(name="places", version=2, handlers=PROJECTORS,
                        tables=("streets", "communities", "stations", "compounds", "operators", "contracts"))
