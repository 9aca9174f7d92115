"""A case (个案) as the read model shows it."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry

from gateway.context import Context
from gateway.types.enums import CaseOutcome, CaseStatus, IntakeSource
from gateway.types.station import Station


def _day(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(str(value))


@strawberry.type(description="个案 A case of one-to-one work with a recipient")
class Case:
    id: strawberry.ID
    station_id: strawberry.ID
    recipient_id: strawberry.ID
    recipient_name: str | None
    worker_id: str
    intake_source: IntakeSource
    presenting_problem: str
    status: CaseStatus
    opened_on: date
    closed_on: date | None
    close_reason: str | None
    outcome: CaseOutcome | None
    session_count: int
    last_session_on: date | None

    @strawberry.field(description="The station that owns the case")
    async def station(self, info: strawberry.Info[Context, None]) -> Station | None:
        row = await info.context.stations.load(str(self.station_id))
        return None if row is None else Station.from_row(row)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Case:
        return cls(
            id=strawberry.ID(row["case_id"]), station_id=strawberry.ID(row["station_id"]),
            recipient_id=strawberry.ID(row["recipient_id"]), recipient_name=row.get("recipient_name"),
            worker_id=row["worker_id"], intake_source=IntakeSource(row["intake_source"]),
            presenting_problem=row["presenting_problem"], status=CaseStatus(row["status"]),
            opened_on=date.fromisoformat(str(row["opened_on"])), closed_on=_day(row["closed_on"]),
            close_reason=row["close_reason"], outcome=None if row["outcome"] is None else CaseOutcome(row["outcome"]),
            session_count=row["session_count"], last_session_on=_day(row["last_session_on"]),
        )


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class CaseEdge:
    cursor: str
    node: Case


@strawberry.type(description="A page of cases, newest first (Relay connection)")
class CaseConnection:
    edges: list[CaseEdge]
    page_info: PageInfo
    total_count: int
