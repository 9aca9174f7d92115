"""holdStreetMeeting: the station records a street-level meeting it convened (late entries carry their day)."""

from __future__ import annotations

from datetime import date

import strawberry

from gateway.mutations.station_work import recorder
from gateway.types.work import Stakeholder
from shared.contracts.activities import StreetMeetingKind


@strawberry.input(description="街道层面会议: 黑石聚力会's monthly salon of the street's organisations, or the street's "
                              "joint meeting; the organisations that came must be the station's")
class HoldStreetMeetingInput:
    station_id: strawberry.ID
    title: str
    organisation_ids: list[strawberry.ID] = strawberry.field(description="The station's organisations that came "
                                                                         "(at least one)")
    agenda: list[str]
    minutes: str
    kind: StreetMeetingKind = StreetMeetingKind.SALON
    present: list[Stakeholder] = strawberry.field(
        default_factory=list, description="Who else was there, by kind (社工站, 街道办, 居委会, 在职党员…)")
    held_on: date | None = strawberry.field(default=None, description="Default today (China time); never in the "
                                                                      "future. The month counts it by this day")
    project_id: strawberry.ID | None = None
    meeting_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


hold_street_meeting = recorder("hold_street_meeting", HoldStreetMeetingInput, "meeting_id")
