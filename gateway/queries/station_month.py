"""stationMonth: a station's case-work figures for one month (YYYY-MM, China Standard Time)."""

from __future__ import annotations

import strawberry

from gateway.consistency import ConsistencyToken
from gateway.context import Context
from gateway.types.station_month import StationMonth


async def station_month(info: strawberry.Info[Context, None], station_id: strawberry.ID, month: str,
                        consistency_token: ConsistencyToken = None) -> StationMonth:
    row = await info.context.query("station_month", {"station_id": str(station_id), "month": month},
                                   consistency_token)
    return StationMonth(station_id=strawberry.ID(row["station_id"]), month=row["month"], open_cases=row["open_cases"],
                        cases_opened=row["cases_opened"], cases_closed=row["cases_closed"],
                        sessions_held=row["sessions_held"], case_person_times=row["case_person_times"],
                        people_served=row["people_served"])
