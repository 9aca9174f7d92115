"""A street-level meeting as reporting keeps it, with the organisations that came."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import strawberry
from strawberry import relay

from gateway.node.fields import raw_id_field
from gateway.types.dates import day
from gateway.types.work import OrganisationType, Stakeholder
from shared.contracts.activities import StreetMeetingKind

strawberry.enum(StreetMeetingKind, description="社会组织沙龙 salon, 工作联席会议 joint meeting of the street")


@strawberry.type(description="A community social organisation that came to a street-level meeting")
class AttendingOrganisation:
    organisation_id: strawberry.ID
    name: str
    community: str
    type: OrganisationType | None


@strawberry.type(description="街道层面会议 A meeting the station convened at street level: 黑石聚力会's salon of "
                             "community social organisations, or the street's joint meeting")
class StreetMeeting(relay.Node):
    id: relay.NodeID[str]
    meeting_id: strawberry.ID = raw_id_field("meeting")
    station_id: strawberry.ID
    kind: StreetMeetingKind
    title: str
    held_on: date
    organisations: list[AttendingOrganisation] = strawberry.field(description="The organisations that came, in "
                                                                              "the order recorded")
    present: list[Stakeholder] = strawberry.field(description="Who else was there, by kind (社工站, 街道办, 居委会, "
                                                              "在职党员…)")
    agenda: list[str]
    minutes: str
    project_id: strawberry.ID | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> StreetMeeting:
        return cls(id=strawberry.ID(row["meeting_id"]), station_id=strawberry.ID(row["station_id"]),
                   kind=StreetMeetingKind(row["kind"]), title=row["title"], held_on=day(row["held_on"]),
                   organisations=[AttendingOrganisation(
                       organisation_id=strawberry.ID(o["organisation_id"]), name=o["name"] or "",
                       community=o["community"] or "", type=o["type"] and OrganisationType(o["type"]))
                       for o in json.loads(row["organisations"])],
                   present=[Stakeholder(p) for p in row["present"]], agenda=list(row["agenda"]),
                   minutes=row["minutes"], project_id=row["project_id"] and strawberry.ID(row["project_id"]))
