"""streets, communities, community and compounds: the district's places with their ids and official codes."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.consistency import ConsistencyToken
from gateway.context import Context
from gateway.places.types import Community, Street
from gateway.types.station import Compound


async def streets(info: strawberry.Info[Context, None], consistency_token: ConsistencyToken = None) -> list[Street]:
    found = await info.context.query("streets", {}, consistency_token)
    return [Street.from_row(row) for row in found["streets"]]


async def communities(info: strawberry.Info[Context, None], street_id: strawberry.ID | None = None,
                      station_id: strawberry.ID | None = None,
                      consistency_token: ConsistencyToken = None) -> list[Community]:
    found = await info.context.query("communities", {"street_id": street_id, "station_id": station_id},
                                     consistency_token)
    return [Community.from_row(row) for row in found["communities"]]


async def community(info: strawberry.Info[Context, None],
                    text: Annotated[str, strawberry.argument(
                        description="The community's name (spaces and full-width forms aside) or 12-digit code")],
                    street_id: strawberry.ID | None = None, station_id: strawberry.ID | None = None,
                    consistency_token: ConsistencyToken = None) -> Community:
    found = await info.context.query("community", {"street_id": street_id, "station_id": station_id, "text": text},
                                     consistency_token)
    return Community.from_row(found["community"])


async def compounds(info: strawberry.Info[Context, None], station_id: strawberry.ID,
                    consistency_token: ConsistencyToken = None) -> list[Compound]:
    found = await info.context.query("compounds", {"station_id": station_id}, consistency_token)
    return [Compound.from_row(row) for row in found["compounds"]]
