"""streetMeetings: a station's salons and street joint meetings, latest recorded first (Relay connection)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.consistency import ConsistencyToken
from gateway.context import Context
from gateway.street_meetings.types import StreetMeeting
from gateway.types.pages import Connection, page_of
from shared.contracts.activities import StreetMeetingKind


async def street_meetings(info: strawberry.Info[Context, None], station_id: strawberry.ID | None = None,
                          month: Annotated[str | None, strawberry.argument(
                              description="YYYY-MM, China time: held in that month")] = None,
                          kind: StreetMeetingKind | None = None,
                          organisation_id: Annotated[strawberry.ID | None, strawberry.argument(
                              description="Only the meetings this organisation came to")] = None,
                          first: int = 20, after: str | None = None,
                          consistency_token: ConsistencyToken = None) -> Connection[StreetMeeting]:
    page = await info.context.query("street_meetings", {
        "station_id": station_id, "month": month, "kind": kind, "organisation_id": organisation_id,
        "first": first, "after": after}, consistency_token)
    return page_of(page, StreetMeeting.from_row)
