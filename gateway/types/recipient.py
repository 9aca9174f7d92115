"""A service recipient (服务对象), as the cases service shows them: sensitive data masked unless asked for."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry

from gateway.types.enums import Gender, RecipientCategory


@strawberry.type(description="服务对象 A resident the station serves. Null personal fields: erased, or not recorded")
class Recipient:
    id: strawberry.ID
    station_id: strawberry.ID
    name: str | None
    gender: Gender
    birth_year: int
    community: str
    categories: list[RecipientCategory]
    id_number: str | None = strawberry.field(description="Masked (4301**********1234) unless read unmasked")
    phone: str | None = strawberry.field(description="Masked (138****0000) unless read unmasked")
    address: str | None = strawberry.field(description="Only when read unmasked")
    consent_given_on: date | None = strawberry.field(description="When consent to sensitive data was given")
    masked: bool
    erased: bool = strawberry.field(description="The personal data was erased (the right to deletion)")

    @classmethod
    def from_view(cls, view: dict[str, Any]) -> Recipient:
        return cls(id=strawberry.ID(view["recipient_id"]), station_id=strawberry.ID(view["station_id"]),
                   name=view["name"], gender=Gender(view["gender"]), birth_year=view["birth_year"],
                   community=view["community"], categories=[RecipientCategory(c) for c in view["categories"]],
                   id_number=view["id_number"], phone=view["phone"], address=view["address"],
                   consent_given_on=view["consent_given_on"] and date.fromisoformat(view["consent_given_on"]),
                   masked=view["masked"], erased=view["erased"])
