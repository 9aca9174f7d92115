"""A service recipient (服务对象), as the cases service shows them: sensitive data masked unless asked for."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from gateway.context import Context
from gateway.node.fields import raw_id_field
from gateway.types.dates import optional_day
from gateway.types.matches import PotentialMatch, potential_matches
from gateway.types.pages import Connection

if TYPE_CHECKING:
    from gateway.types.case import Case
from gateway.types.enums import CategorySource, DisabilityType, Gender, RecipientCategory, Relation


@strawberry.type(description="One category a person is in, since when, and on whose word")
class CategoryMembership:
    category: RecipientCategory
    valid_from: date
    source: CategorySource


@strawberry.type(description="残疾类别和等级 (一级 most severe to 四级); shown only when read unmasked")
class Disability:
    type: DisabilityType
    grade: int


@strawberry.type(description="家庭成员; names masked (李**) unless read unmasked")
class HouseholdMember:
    name: str
    relation: Relation
    birth_year: int | None
    note: str


@strawberry.type(description="监护人 of a minor; name and phone masked unless read unmasked")
class Guardian:
    name: str
    relation: Relation
    phone: str | None


@strawberry.type(description="服务对象 A resident the station serves. Null personal fields: erased, hidden or unknown")
class Recipient(relay.Node):
    id: relay.NodeID[str]
    recipient_id: strawberry.ID = raw_id_field("recipient")
    station_id: strawberry.ID
    name: str | None
    gender: Gender
    birth_year: int
    birth_date: date | None = strawberry.field(description="Only when read unmasked")
    community: str = strawberry.field(description="The community's registered name; as written when unresolved")
    community_id: strawberry.ID | None = strawberry.field(
        default=None, description="The community of the station's street; null when the name was not resolved")
    categories: list[CategoryMembership]
    id_number: str | None = strawberry.field(description="Masked (4301**********1234) unless read unmasked")
    phone: str | None = strawberry.field(description="Masked (138****0000) unless read unmasked")
    address: str | None = strawberry.field(description="Only when read unmasked")
    disability: Disability | None
    household: list[HouseholdMember] | None
    guardian: Guardian | None
    consent_given_on: date | None = strawberry.field(description="When consent to sensitive data was last given")
    consent_by_guardian: bool
    merged_into: strawberry.ID | None = strawberry.field(
        description="Set on a duplicate record: the recipient it was merged into, whose cases now include its own")
    duplicate_ids: list[strawberry.ID] = strawberry.field(description="Duplicate records merged into this one")
    masked: bool
    erased: bool = strawberry.field(description="The personal data was erased (the right to deletion)")
    consistency_token: str | None = strawberry.field(
        default=None, description="Read unmasked (with purpose): the token of the audit row it recorded, merged "
                                  "with the consistencyToken given; pass it to sensitiveDataReads to see the read")

    @strawberry.field(description="Their cases, newest first, with those of duplicates merged into them")
    async def cases(self, info: strawberry.Info[Context, None], first: int = 20, after: str | None = None
                    ) -> Connection[Annotated[Case, strawberry.lazy("gateway.types.case")]]:
        from gateway.types.case import case_connection  # the case type shows its recipient: a cycle

        page = await info.context.loaders.recipient_cases.load((str(self.id), first, after))
        return case_connection(page or {"edges": [], "has_next_page": False, "end_cursor": None, "total_count": 0})

    @strawberry.field(description="疑似重复: records of the station that are probably the same person, likeliest "
                                  "first (computed inside the cases service from its keyed index)")
    async def potential_matches(self, info: strawberry.Info[Context, None]) -> list[PotentialMatch]:
        found = await info.context.query("recipient_potential_matches", {"recipient_id": str(self.id)},
                                         service="cases")
        return potential_matches(found)

    @classmethod
    def from_view(cls, view: dict[str, Any]) -> Recipient:
        disability, guardian = view["disability"], view["guardian"]
        return cls(
            id=strawberry.ID(view["recipient_id"]), station_id=strawberry.ID(view["station_id"]), name=view["name"],
            gender=Gender(view["gender"]), birth_year=view["birth_year"], birth_date=optional_day(view["birth_date"]),
            community=view["community"], community_id=view.get("community_id") and strawberry.ID(view["community_id"]),
            categories=[CategoryMembership(category=RecipientCategory(c["category"]),
                                           valid_from=date.fromisoformat(c["valid_from"]),
                                           source=CategorySource(c["source"])) for c in view["categories"]],
            id_number=view["id_number"], phone=view["phone"], address=view["address"],
            disability=disability and Disability(type=DisabilityType(disability["type"]), grade=disability["grade"]),
            household=None if view["household"] is None else [
                HouseholdMember(name=m["name"], relation=Relation(m["relation"]), birth_year=m["birth_year"],
                                note=m["note"]) for m in view["household"]],
            guardian=guardian and Guardian(name=guardian["name"], relation=Relation(guardian["relation"]),
                                           phone=guardian["phone"]),
            consent_given_on=optional_day(view["consent_given_on"]), consent_by_guardian=view["consent_by_guardian"],
            merged_into=view["merged_into"] and strawberry.ID(view["merged_into"]),
            duplicate_ids=[strawberry.ID(i) for i in view["duplicate_ids"]], masked=view["masked"],
            erased=view["erased"])


@strawberry.type(description="One recipient of a list: the facts reporting holds, and the masked record")
class RecipientListItem:
    id: strawberry.ID
    station_id: strawberry.ID
    community: str = strawberry.field(description="The community's registered name; as written when unresolved")
    community_id: strawberry.ID | None = strawberry.field(description="Null when the name was not resolved")
    categories: list[RecipientCategory]
    erased: bool
    merged_into: strawberry.ID | None
    open_cases: int = strawberry.field(description="Open cases, with those of duplicates merged into them")

    @strawberry.field(description="The recipient, masked (personal fields null when erased)")
    async def recipient(self, info: strawberry.Info[Context, None]) -> Recipient | None:
        view = await info.context.recipients.load(str(self.id))
        return None if view is None else Recipient.from_view(view)
