"""stations: the stations the caller may see; operators: the operating organisations and their contracts."""

from __future__ import annotations

import strawberry

from gateway.consistency import ConsistencyToken
from gateway.context import Context
from gateway.types.station import Operator, Station


async def stations(info: strawberry.Info[Context, None], consistency_token: ConsistencyToken = None) -> list[Station]:
    found = await info.context.query("stations", {}, consistency_token)
    return [Station.from_row(row) for row in found["stations"]]


async def operators(info: strawberry.Info[Context, None], consistency_token: ConsistencyToken = None) -> list[Operator]:
    found = await info.context.query("operators", {}, consistency_token)
    return [Operator.from_row(row) for row in found["operators"]]
