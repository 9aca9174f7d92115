"""registerStreet, addCommunity and openStation: the district bureau sets up its places (addCompound,
closeStation, registerOperator and awardContract are with the station's work)."""

from __future__ import annotations

from datetime import date

import strawberry

from gateway.mutations.station_work import recorder
from shared.contracts.activities import CommunityKind


@strawberry.input(description="街道 (or 乡镇) of the district, with its official codes: both are required")
class RegisterStreetInput:
    name: str
    district: str = strawberry.field(description="The district's name, 天心区")
    district_code: str = strawberry.field(description="GB/T 2260, 6 digits: 430103 for 天心区")
    division_code: str = strawberry.field(
        description="统计用区划代码, 12 digits: the district's 6, the street's 3, then 000 (430103010000)")
    street_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


@strawberry.input(description="社区 or 村 of a street, with its division code (required)")
class AddCommunityInput:
    street_id: strawberry.ID
    name: str = strawberry.field(description="Compared without spaces and full-width forms: 一力 社区 is 一力社区")
    division_code: str = strawberry.field(
        description="统计用区划代码, 12 digits: the street's first 9, then the community's 3 (430103010001)")
    kind: CommunityKind = CommunityKind.COMMUNITY
    community_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


@strawberry.input(description="The street's social work station: one open station a street, each its own code")
class OpenStationInput:
    street_id: strawberry.ID
    name: str
    code: str = strawberry.field(description="2 to 6 capital letters, HSP")
    opened_on: date
    station_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


register_street = recorder("register_street", RegisterStreetInput, "street_id")
add_community = recorder("add_community", AddCommunityInput, "community_id")
open_station = recorder("open_station", OpenStationInput, "station_id")
