"""A station's month of case work, computed from recorded events."""

from __future__ import annotations

import strawberry

from gateway.context import Context
from gateway.types.station import Station


@strawberry.type(description="一个社工站一个月的个案工作 A station's month of case work")
class StationMonth:
    station_id: strawberry.ID
    month: str
    open_cases: int = strawberry.field(description="Cases open at any time in the month")
    cases_opened: int
    cases_closed: int
    sessions_held: int
    case_person_times: int = strawberry.field(description="人次 served by case work (direct)")
    people_served: int = strawberry.field(description="Distinct recipients seen in the month")

    @strawberry.field
    async def station(self, info: strawberry.Info[Context, None]) -> Station | None:
        row = await info.context.stations.load(str(self.station_id))
        return None if row is None else Station.from_row(row)
