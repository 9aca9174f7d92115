"""A volunteer found by a search, and a volunteer a registration probably repeats."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry


@strawberry.type(description="志愿者查找结果: ID number and contact masked and birth date hidden, unless searched "
                             "with a purpose by station staff (then in clear, and recorded in volunteerDataReads)")
class FoundVolunteer:
    volunteer_id: strawberry.ID
    station_id: strawberry.ID
    name: str | None
    id_number: str | None = strawberry.field(description="Masked (1101**********002X) unless searched with a purpose")
    contact: str | None = strawberry.field(description="Masked (138****8000) unless searched with a purpose")
    birth_date: date | None = strawberry.field(description="Hidden unless searched with a purpose")
    masked: bool

    @classmethod
    def from_view(cls, view: dict[str, Any]) -> FoundVolunteer:
        return cls(volunteer_id=strawberry.ID(view["volunteer_id"]), station_id=strawberry.ID(view["station_id"]),
                   name=view["name"], id_number=view["id_number"], contact=view["contact"],
                   birth_date=view["birth_date"] and date.fromisoformat(view["birth_date"]), masked=view["masked"])


@strawberry.type(description="The volunteers found, at most 20, and the token of the audit rows the search recorded")
class FoundVolunteers:
    volunteers: list[FoundVolunteer]
    consistency_token: str | None = strawberry.field(
        description="With a search that found someone: pass to volunteerDataReads to read its audit rows")


@strawberry.type(description="A volunteer of the station the one registered probably is (Primero's potential match): "
                             "the registration is made all the same, for the station to merge or not")
class PotentialVolunteerMatch:
    volunteer_id: strawberry.ID
    likelihood: float = strawberry.field(description="0 to 1: the same ID number 1; the same name, birth year and "
                                                     "gender 0.85; the same phone 0.6")
    reasons: list[str] = strawberry.field(description="same_id_number, same_name, same_birth_year, same_gender, "
                                                      "same_phone")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> PotentialVolunteerMatch:
        return cls(volunteer_id=strawberry.ID(row["volunteer_id"]), likelihood=row["likelihood"],
                   reasons=list(row["reasons"]))
