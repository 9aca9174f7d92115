"""What finding people and the duplicate hints answer: matches of a search, potential matches, intake warnings."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import strawberry

from gateway.types.enums import Gender


@strawberry.enum(description="Why two records are probably one person")
class MatchReason(StrEnum):
    SAME_ID_NUMBER = "same_id_number"
    SAME_NAME = "same_name"
    SAME_PHONE = "same_phone"
    SAME_BIRTH_YEAR = "same_birth_year"
    SAME_GENDER = "same_gender"
    SAME_COMMUNITY = "same_community"


@strawberry.type(description="疑似重复 A record of the station that is probably the same person (offer to merge)")
class PotentialMatch:
    recipient_id: strawberry.ID
    likelihood: float = strawberry.field(description="0 to 1: 1 is the same ID number; at least 0.4 is answered")
    reasons: list[MatchReason]

    @classmethod
    def from_answer(cls, found: dict[str, Any]) -> PotentialMatch:
        return cls(recipient_id=strawberry.ID(found["recipient_id"]), likelihood=float(found["likelihood"]),
                   reasons=[MatchReason(r) for r in found["reasons"]])


def potential_matches(answer: dict[str, Any]) -> list[PotentialMatch]:
    return [PotentialMatch.from_answer(m) for m in answer.get("potential_matches") or []]


@strawberry.type(description="A warning a write succeeded with: already_has_open_case names the open case")
class IntakeWarning:
    code: str
    case_id: strawberry.ID
    message_zh: str
    message_en: str


def intake_warnings(answer: dict[str, Any]) -> list[IntakeWarning]:
    return [IntakeWarning(code=w["code"], case_id=strawberry.ID(w["case_id"]), message_zh=w["message"]["zh"],
                          message_en=w["message"]["en"]) for w in answer.get("warnings") or []]


@strawberry.type(description="A recipient found by name part, ID number or phone; the name masked (叶**) unless a "
                             "purpose was given")
class RecipientMatch:
    recipient_id: strawberry.ID
    station_id: strawberry.ID
    name: str | None
    masked: bool
    community: str
    community_id: strawberry.ID | None = strawberry.field(description="Null when the community was not resolved")
    gender: Gender
    birth_year: int
    open_case_id: strawberry.ID | None = strawberry.field(description="An open case of theirs, if any")
    consistency_token: str | None = strawberry.field(
        default=None, description="The token of the audit row the search recorded, merged with the consistencyToken "
                                  "given: pass it to sensitiveDataReads to see the search")

    @classmethod
    def from_answer(cls, found: dict[str, Any], token: str | None) -> RecipientMatch:
        return cls(recipient_id=strawberry.ID(found["recipient_id"]), station_id=strawberry.ID(found["station_id"]),
                   name=found["name"], masked=found["masked"], community=found["community"],
                   community_id=found.get("community_id") and strawberry.ID(found["community_id"]),
                   gender=Gender(found["gender"]), birth_year=found["birth_year"],
                   open_case_id=found["open_case_id"] and strawberry.ID(found["open_case_id"]),
                   consistency_token=token)
