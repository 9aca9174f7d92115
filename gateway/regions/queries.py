"""regionOverview: the figures of a province, a city or a district, rolled up from its stations."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from gateway.consistency import ConsistencyToken
from gateway.context import Context
from gateway.queries.station_work import FROM, TO
from gateway.regions.types import RegionOverview

DIVISION = "GB/T 2260 code of the region: 43 a province, 4301 a city, 430103 a district"


async def region_overview(info: strawberry.Info[Context, None],
                          division: Annotated[str, strawberry.argument(description=DIVISION)],
                          year: int | None = None,
                          month: Annotated[str | None, strawberry.argument(description="YYYY-MM instead of a year")]
                          = None,
                          from_: Annotated[date | None, strawberry.argument(name="from", description=FROM)] = None,
                          to: Annotated[date | None, strawberry.argument(description=TO)] = None,
                          consistency_token: ConsistencyToken = None) -> RegionOverview:
    found = await info.context.query("region_overview", {
        "division": division, "year": year, "month": month, "from": from_ and from_.isoformat(),
        "to": to and to.isoformat()}, consistency_token)
    return RegionOverview.from_answer(found)
