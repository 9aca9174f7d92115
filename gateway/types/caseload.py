"""A case's timeline, workers' caseloads and overdue items, as reporting computes them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import strawberry

from gateway.types.enums import RecipientCategory
from gateway.types.planning import CaseStage, RiskLevel


@strawberry.type(description="One event of a case: the day it happened, when it was recorded and by whom (the "
                              "words stay sealed)")
class TimelineEntry:
    version: int
    event_type: str
    recorded_at: datetime = strawberry.field(description="When it was entered into hemiao")
    actor: str = strawberry.field(description="Who entered it")
    happened_on: date = strawberry.field(description="The day it happened (a visit's, a plan's approval's, …); a late"
                                                     " entry (补录) has it days before recordedAt")


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


@strawberry.type
class StageCount:
    stage: CaseStage
    count: int


@strawberry.type(description="risk null: not assessed yet")
class RiskCount:
    risk: RiskLevel | None
    count: int


@strawberry.type(description="A case counts once under each category its recipient is in")
class CategoryCount:
    category: RecipientCategory
    count: int


@strawberry.type(description="Cases of recipients of one community of the street, however their records wrote it; "
                             "or of a text that names none (communityId null)")
class CommunityCount:
    community: str = strawberry.field(description="The community's registered name; the text when unresolved")
    community_id: strawberry.ID | None
    count: int


@strawberry.type(description="A station's cases counted by stage, by risk level and by the recipient's category")
class CaseBreakdown:
    station_id: strawberry.ID
    by_stage: list[StageCount]
    by_risk: list[RiskCount]
    by_category: list[CategoryCount]
    by_community: list[CommunityCount] = strawberry.field(description="By the recipient's community")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> CaseBreakdown:
        return cls(station_id=strawberry.ID(row["station_id"]),
                   by_stage=[StageCount(stage=CaseStage(c["key"]), count=c["count"]) for c in row["stage"]],
                   by_risk=[RiskCount(risk=None if c["key"] == "not_assessed" else RiskLevel(c["key"]),
                                      count=c["count"]) for c in row["risk"]],
                   by_category=[CategoryCount(category=RecipientCategory(c["key"]), count=c["count"])
                                for c in row["category"]],
                   by_community=[CommunityCount(community=c["key"], community_id=c["community_id"] and
                                                strawberry.ID(c["community_id"]), count=c["count"])
                                 for c in row.get("community", [])])
