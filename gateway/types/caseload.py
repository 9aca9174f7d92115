"""A case's timeline, workers' caseloads and overdue items, as reporting computes them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import strawberry


@strawberry.type(description="One event of a case, in order, with who did it (the words stay sealed)")
class TimelineEntry:
    version: int
    event_type: str
    recorded_at: datetime
    actor: str


@strawberry.type(description="一位社工的个案量 A worker's open cases")
class WorkerCaseload:
    station_id: strawberry.ID
    worker_id: str
    open_cases: int
    urgent: int
    urgent_flagged: int = strawberry.field(description="Urgent cases nobody has taken up yet")
    awaiting_approval: int
    overdue: int


@strawberry.enum(description="no session for 30 days; a plan or closing waiting for approval over 7 days")
class OverdueKind(StrEnum):
    NO_SESSION = "no_session"
    PLAN_AWAITING_APPROVAL = "plan_awaiting_approval"
    CLOSING_AWAITING_APPROVAL = "closing_awaiting_approval"


@strawberry.type(description="Something on an open case that has waited too long")
class OverdueItem:
    case_id: strawberry.ID
    station_id: strawberry.ID
    worker_id: str
    kind: OverdueKind
    since: date
