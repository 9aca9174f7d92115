"""A case (个案) as the read model shows it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry
from strawberry import relay

from gateway.context import Context
from gateway.node.fields import raw_id_field
from gateway.types.caseload import TimelineEntry
from gateway.types.dates import optional_day
from gateway.types.enums import CaseOutcome, CaseStatus, IntakeSource, RelationshipStage
from gateway.types.pages import Connection, page_of
from gateway.types.planning import (
    Assessment,
    CaseStage,
    ClosingRequest,
    ClosingStatus,
    Evaluation,
    PlanStatus,
    RiskLevel,
    ServicePlan,
)
from gateway.types.recipient import Recipient
from gateway.types.session import CaseSessionConnection, Referral, case_sessions
from gateway.types.station import Station


@strawberry.type(description="紧急风险提示: an urgent assessment flags the case to the station head until taken up")
class UrgentFlag:
    raised_on: date = strawberry.field(description="The day of the urgent assessment")
    acknowledged_by: str | None = strawberry.field(description="Who took it up (null: still waiting)")
    acknowledged_on: date | None


@strawberry.type(description="个案 A case of one-to-one work with a recipient")
class Case(relay.Node):
    id: relay.NodeID[str]
    case_id: strawberry.ID = raw_id_field("case")
    number: str | None = strawberry.field(
        description="个案编号, per station and year of intake: HSP-2026-0042 (null for cases opened before numbering)")
    station_id: strawberry.ID
    recipient_id: strawberry.ID
    worker_id: str
    intake_source: IntakeSource
    status: CaseStatus
    opened_on: date
    closed_on: date | None
    outcome: CaseOutcome | None
    session_count: int
    last_session_on: date | None
    stage: CaseStage
    risk_level: RiskLevel | None = strawberry.field(description="From the latest assessment; URGENT is flagged")
    plan_version: int = strawberry.field(description="Latest service plan version (0: none yet)")
    plan_status: PlanStatus
    approved_plan_version: int = strawberry.field(description="The version in force (0: none approved)")
    closing_status: ClosingStatus
    relationship_stage: RelationshipStage | None = strawberry.field(
        description="不信任 → 接纳 → 专业关系, as of the latest session that said")
    urgent_flag: UrgentFlag | None = strawberry.field(description="Set while the latest assessment is urgent")

    @strawberry.field(description="转介: every referral and its answer")
    async def referrals(self, info: strawberry.Info[Context, None]) -> list[Referral]:
        narrative = await info.context.narratives.load(str(self.id))
        return [] if narrative is None else [Referral.from_view(v) for v in narrative["referrals"]]

    @strawberry.field(description="The sessions, oldest first, with their words: `first` (at most 100) after the"
                                  " cursor `after`")
    async def sessions(self, info: strawberry.Info[Context, None], first: int = 20,
                       after: str | None = None) -> CaseSessionConnection:
        return await case_sessions(info.context, str(self.id), first, after)

    @strawberry.field(description="Every event of the case in the order it happened (then as recorded), with when it "
                                  "was recorded and by whom")
    async def timeline(self, info: strawberry.Info[Context, None]) -> list[TimelineEntry]:
        found = await info.context.loaders.case_timelines.load(str(self.id))
        return [TimelineEntry(version=r["version"], event_type=r["event_type"], actor=r["actor"],
                              recorded_at=datetime.fromisoformat(str(r["recorded_at"])),
                              happened_on=date.fromisoformat(str(r["happened_on"]))) for r in found]

    @strawberry.field(description="评估 of the plan in force")
    async def evaluation(self, info: strawberry.Info[Context, None]) -> Evaluation | None:
        narrative = await info.context.narratives.load(str(self.id))
        found = None if narrative is None else narrative["evaluation"]
        return None if found is None else Evaluation.from_view(found)

    @strawberry.field(description="The latest request to close, approved or not")
    async def closing_request(self, info: strawberry.Info[Context, None]) -> ClosingRequest | None:
        narrative = await info.context.narratives.load(str(self.id))
        found = None if narrative is None else narrative["closing"]
        return None if found is None else ClosingRequest(closed_on=date.fromisoformat(found["closed_on"]),
                                                         outcome=found["outcome"], reason=found["reason"],
                                                         follow_up=found["follow_up"], comment=found["comment"])

    @strawberry.field(description="The latest assessment (预估)")
    async def assessment(self, info: strawberry.Info[Context, None]) -> Assessment | None:
        narrative = await info.context.narratives.load(str(self.id))
        found = None if narrative is None else narrative["assessment"]
        return None if found is None else Assessment.from_view(found)

    @strawberry.field(description="Every version of the service plan, oldest first")
    async def service_plans(self, info: strawberry.Info[Context, None]) -> list[ServicePlan]:
        narrative = await info.context.narratives.load(str(self.id))
        return [] if narrative is None else [ServicePlan.from_view(p) for p in narrative["plans"]]

    @strawberry.field(description="The station that owns the case")
    async def station(self, info: strawberry.Info[Context, None]) -> Station | None:
        row = await info.context.stations.load(str(self.station_id))
        return None if row is None else Station.from_row(row)

    @strawberry.field(description="The recipient, masked (null when erased)")
    async def recipient(self, info: strawberry.Info[Context, None]) -> Recipient | None:
        view = await info.context.recipients.load(str(self.recipient_id))
        return None if view is None else Recipient.from_view(view)

    @strawberry.field(description="The recipient's name (null when erased)")
    async def recipient_name(self, info: strawberry.Info[Context, None]) -> str | None:
        view = await info.context.recipients.load(str(self.recipient_id))
        return None if view is None else view["name"]

    @strawberry.field(description="接案时的主要问题 (null when the recipient was erased)")
    async def presenting_problem(self, info: strawberry.Info[Context, None]) -> str | None:
        narrative = await info.context.narratives.load(str(self.id))
        return None if narrative is None else narrative["presenting_problem"]

    @strawberry.field(description="结案原因 (null while open, or when the recipient was erased)")
    async def close_reason(self, info: strawberry.Info[Context, None]) -> str | None:
        narrative = await info.context.narratives.load(str(self.id))
        return None if narrative is None else narrative["close_reason"]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Case:
        return cls(
            id=strawberry.ID(row["case_id"]), station_id=strawberry.ID(row["station_id"]),
            recipient_id=strawberry.ID(row["recipient_id"]), worker_id=row["worker_id"],
            intake_source=IntakeSource(row["intake_source"]), status=CaseStatus(row["status"]),
            opened_on=date.fromisoformat(str(row["opened_on"])), closed_on=optional_day(row["closed_on"]),
            outcome=None if row["outcome"] is None else CaseOutcome(row["outcome"]),
            session_count=row["session_count"], last_session_on=optional_day(row["last_session_on"]),
            stage=CaseStage(row["stage"]), risk_level=row["risk_level"] and RiskLevel(row["risk_level"]),
            plan_version=row["plan_version"], plan_status=PlanStatus(row["plan_status"]),
            approved_plan_version=row["approved_plan_version"], closing_status=ClosingStatus(row["closing_status"]),
            relationship_stage=row["relationship_stage"] and RelationshipStage(row["relationship_stage"]),
            number=row["case_number"],
            urgent_flag=None if row["urgent_since"] is None else UrgentFlag(
                raised_on=date.fromisoformat(str(row["urgent_since"])),
                acknowledged_by=row["urgent_acknowledged_by"],
                acknowledged_on=optional_day(row["urgent_acknowledged_on"])),
        )


CaseConnection = Connection[Case]


def case_connection(page: dict[str, Any]) -> CaseConnection:
    """A page from reporting's `cases` query as a connection."""
    return page_of(page, Case.from_row)
