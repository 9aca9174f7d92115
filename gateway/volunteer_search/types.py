"""A volunteer found by a search, and a volunteer a registration probably repeats."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry

from gateway.types.matches import MatchReason


@strawberry.type(description="志愿者查找结果 A volunteer found by name part, ID number or phone: ID number and "
                             "contact masked and birth date hidden (as the volunteer list shows them) unless a purpose "
                             "was given by station staff")
class VolunteerMatch:
    volunteer_id: strawberry.ID
    station_id: strawberry.ID
    name: str | None
    masked: bool
    gender: str
    birth_year: int
    id_number: str | None = strawberry.field(description="Masked (4301**********1234) unless a purpose was given")
    contact: str | None = strawberry.field(description="Masked (138****0000) unless a purpose was given")
    birth_date: date | None = strawberry.field(description="Hidden unless a purpose was given")
    consistency_token: str | None = strawberry.field(
        default=None, description="The token of the audit rows the search recorded, merged with the consistencyToken "
                                  "given: pass it to volunteerDataReads to see the search")

    @classmethod
    def from_answer(cls, view: dict[str, Any], token: str | None) -> VolunteerMatch:
        return cls(volunteer_id=strawberry.ID(view["volunteer_id"]), station_id=strawberry.ID(view["station_id"]),
                   name=view["name"], masked=view["masked"], gender=view["gender"], birth_year=view["birth_year"],
                   id_number=view["id_number"], contact=view["contact"],
                   birth_date=view["birth_date"] and date.fromisoformat(view["birth_date"]), consistency_token=token)


@strawberry.type(description="A volunteer of the station the one registered probably is (Primero's potential match): "
                             "the registration is made all the same, for the station to merge or not")
class PotentialVolunteerMatch:
    volunteer_id: strawberry.ID
    likelihood: float = strawberry.field(description="0 to 1, weighed as the recipients' are: 1 is the same ID number; "
                                                     "at least 0.4 is answered")
    reasons: list[MatchReason] = strawberry.field(description="As a recipient's; SAME_COMMUNITY is the same "
                                                              "residence area")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> PotentialVolunteerMatch:
        return cls(volunteer_id=strawberry.ID(row["volunteer_id"]), likelihood=row["likelihood"],
                   reasons=[MatchReason(r) for r in row["reasons"]])
