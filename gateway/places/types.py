"""Streets (街道) and communities (社区, 村) with their official codes: GB/T 2260 for the district, the 12-digit
statistical division code (统计用区划代码) for a street or a community."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry import relay

from gateway.node.fields import raw_id_field
from shared.contracts.activities import CommunityKind

strawberry.enum(CommunityKind, description="社区 COMMUNITY (urban), 村 VILLAGE (rural)")


@strawberry.type(description="街道 A street (or 乡镇 township) of the district, with its official codes")
class Street(relay.Node):
    id: relay.NodeID[str]
    street_id: strawberry.ID = raw_id_field("street")
    name: str
    district: str
    district_code: str | None = strawberry.field(
        description="The district's GB/T 2260 code (430103); null for a street registered before codes")
    division_code: str | None = strawberry.field(
        description="The street's 12-digit 统计用区划代码 (430103010000); null for one registered before codes")
    station_id: strawberry.ID | None = strawberry.field(description="The street's open station, if it has one")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Street:
        return cls(id=strawberry.ID(row["street_id"]), name=row["name"], district=row["district"],
                   district_code=row["district_code"], division_code=row["division_code"],
                   station_id=row.get("station_id") and strawberry.ID(row["station_id"]))


@strawberry.type(description="社区 or 村 A community or village of a street, with its division code")
class Community(relay.Node):
    id: relay.NodeID[str]
    community_id: strawberry.ID = raw_id_field("community")
    street_id: strawberry.ID
    name: str
    division_code: str | None = strawberry.field(
        description="The community's 12-digit 统计用区划代码 (430103010001); null for one added before codes")
    kind: CommunityKind

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Community:
        return cls(id=strawberry.ID(row["community_id"]), street_id=strawberry.ID(row["street_id"]),
                   name=row["name"], division_code=row["division_code"], kind=CommunityKind(row["kind"]))
