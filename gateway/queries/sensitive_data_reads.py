"""sensitiveDataReads and volunteerDataReads: who read which recipient's (or volunteer's) sensitive data unmasked, and
why; recipientSearches and volunteerSearches: every search for them, found or not."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import strawberry

from gateway.consistency import ConsistencyToken
from gateway.context import Context


@strawberry.type(description="敏感信息查阅记录 An unmasked read of a recipient's sensitive data")
class SensitiveDataRead:
    recipient_id: strawberry.ID
    station_id: strawberry.ID
    fields: list[str]
    purpose: str
    read_by: str
    read_by_role: str
    read_at: datetime


async def sensitive_data_reads(info: strawberry.Info[Context, None], station_id: strawberry.ID | None = None,
                               first: int = 50, consistency_token: ConsistencyToken = None) -> list[SensitiveDataRead]:
    found = await info.context.query("disclosures", {"station_id": station_id, "first": first}, consistency_token)
    return [SensitiveDataRead(recipient_id=strawberry.ID(r["recipient_id"]), station_id=strawberry.ID(r["station_id"]),
                              fields=list(r["fields"]), purpose=r["purpose"], read_by=r["read_by"],
                              read_by_role=r["read_by_role"], read_at=datetime.fromisoformat(str(r["read_at"])))
            for r in found["disclosures"]]


@strawberry.type(description="志愿者敏感信息查阅记录 An unmasked read of a volunteer's ID number, contact, birth date")
class VolunteerDataRead:
    volunteer_id: strawberry.ID
    station_id: strawberry.ID
    fields: list[str]
    purpose: str
    read_by: str
    read_by_role: str
    read_at: datetime


async def volunteer_data_reads(info: strawberry.Info[Context, None], station_id: strawberry.ID | None = None,
                               first: int = 50, consistency_token: ConsistencyToken = None) -> list[VolunteerDataRead]:
    found = await info.context.query("volunteer_disclosures", {"station_id": station_id, "first": first},
                                     consistency_token)
    return [VolunteerDataRead(volunteer_id=strawberry.ID(r["volunteer_id"]), station_id=strawberry.ID(r["station_id"]),
                              fields=list(r["fields"]), purpose=r["purpose"], read_by=r["read_by"],
                              read_by_role=r["read_by_role"], read_at=datetime.fromisoformat(str(r["read_at"])))
            for r in found["disclosures"]]


@strawberry.enum(description="What a search for people was made by (never what was typed)")
class SearchCriterion(StrEnum):
    NAME_PART = "name_part"
    ID_NUMBER = "id_number"
    PHONE = "phone"


@strawberry.type(description="查找记录 A search for recipients or volunteers, whether it found anyone or not: who, "
                             "when, where, by what (never the term), why, and the ids it answered")
class PeopleSearch:
    station_ids: list[strawberry.ID] | None = strawberry.field(
        description="The stations searched; null: every station (a caller who sees them all)")
    criteria: list[SearchCriterion]
    purpose: str | None = strawberry.field(description="The purpose said; null: the results were masked")
    masked: bool
    found_count: int
    found_ids: list[strawberry.ID] = strawberry.field(
        description="The recipients (or volunteers) it answered; those shown unmasked are in sensitiveDataReads "
                    "(volunteerDataReads) too")
    searched_by: str
    searched_by_role: str
    searched_at: datetime

    @classmethod
    def from_row(cls, r: dict[str, Any]) -> PeopleSearch:
        return cls(station_ids=None if r["station_ids"] is None else [strawberry.ID(s) for s in r["station_ids"]],
                   criteria=[SearchCriterion(c) for c in r["criteria"]], purpose=r["purpose"] or None,
                   masked=not r["purpose"], found_count=len(r["found"]),
                   found_ids=[strawberry.ID(i) for i in r["found"]], searched_by=r["searched_by"],
                   searched_by_role=r["searched_by_role"],
                   searched_at=datetime.fromisoformat(str(r["searched_at"])))


async def recipient_searches(info: strawberry.Info[Context, None], station_id: strawberry.ID | None = None,
                             first: int = 50, consistency_token: ConsistencyToken = None) -> list[PeopleSearch]:
    found = await info.context.query("recipient_searches", {"station_id": station_id, "first": first},
                                     consistency_token)
    return [PeopleSearch.from_row(r) for r in found["searches"]]


async def volunteer_searches(info: strawberry.Info[Context, None], station_id: strawberry.ID | None = None,
                             first: int = 50, consistency_token: ConsistencyToken = None) -> list[PeopleSearch]:
    found = await info.context.query("volunteer_searches", {"station_id": station_id, "first": first},
                                     consistency_token)
    return [PeopleSearch.from_row(r) for r in found["searches"]]
