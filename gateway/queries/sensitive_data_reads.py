"""sensitiveDataReads and volunteerDataReads: who read which recipient's (or volunteer's) sensitive data unmasked, and
why."""

from __future__ import annotations

from datetime import datetime

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
