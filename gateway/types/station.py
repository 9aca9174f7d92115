"""A street's social work station (街道社工站)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import strawberry
from strawberry import relay

from gateway.context import Context
from gateway.node.fields import raw_id_field
from gateway.places.types import Community


@strawberry.type(description="小区 A residential compound")
class Compound(relay.Node):
    id: relay.NodeID[str]
    compound_id: strawberry.ID = raw_id_field("compound")
    name: str
    community: str = strawberry.field(description="The community's name")
    community_id: strawberry.ID | None = strawberry.field(default=None, description="The community's raw id")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Compound:
        return cls(id=strawberry.ID(row["compound_id"]), name=row["name"], community=row["community"],
                   community_id=row.get("community_id") and strawberry.ID(row["community_id"]))


@strawberry.type(description="街道社工站 A street's social work station")
class Station(relay.Node):
    id: relay.NodeID[str]
    station_id: strawberry.ID = raw_id_field("station")
    name: str
    code: str
    street_id: strawberry.ID | None = strawberry.field(description="The station's street's raw id")
    street_name: str
    district: str
    communities: list[str] = strawberry.field(
        description="Deprecated: the names only; read communityPlaces for their ids, codes and kinds")
    opened_on: date
    closed_on: date | None = strawberry.field(description="Set once the bureau closed the station")

    @strawberry.field(description="The street's residential compounds (小区), by community")
    async def compounds(self, info: strawberry.Info[Context, None]) -> list[Compound]:
        found = await info.context.loaders.station_compounds.load(str(self.id))
        return [Compound.from_row(r) for r in found]

    @strawberry.field(description="The street's communities (社区) and villages (村), with their ids and codes")
    async def community_places(self, info: strawberry.Info[Context, None]) -> list[Community]:
        found = await info.context.loaders.station_communities.load(str(self.id))
        return [Community.from_row(r) for r in found]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Station:
        return cls(id=strawberry.ID(row["station_id"]), name=row["name"], code=row["code"],
                   street_id=row.get("street_id") and strawberry.ID(row["street_id"]), street_name=row["street_name"],
                   district=row["district"], communities=list(row["communities"]),
                   opened_on=date.fromisoformat(str(row["opened_on"])),
                   closed_on=row.get("closed_on") and date.fromisoformat(str(row["closed_on"])))


@strawberry.type(description="A contract for the stations of some streets")
class Contract:
    id: strawberry.ID
    streets: list[str]
    starts_on: date
    ends_on: date


@strawberry.type(description="运营机构 An operating organisation and its contracts")
class Operator(relay.Node):
    id: relay.NodeID[str]
    operator_id: strawberry.ID = raw_id_field("operator")
    name: str
    contracts: list[Contract]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Operator:
        return cls(id=strawberry.ID(row["operator_id"]), name=row["name"], contracts=[
            Contract(id=strawberry.ID(c["contract_id"]), streets=list(c["streets"] or []),
                     starts_on=date.fromisoformat(c["starts_on"]), ends_on=date.fromisoformat(c["ends_on"]))
            for c in json.loads(row["contracts"])])
