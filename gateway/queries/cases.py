"""cases: cases, newest first, as a Relay connection, with filters."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.consistency import ConsistencyToken
from gateway.context import Context
from gateway.types.case import CaseConnection, case_connection
from gateway.types.enums import CaseStatus, RecipientCategory
from gateway.types.planning import CaseStage, PlanStatus, RiskLevel


async def cases(info: strawberry.Info[Context, None], station_id: strawberry.ID | None = None,
                status: CaseStatus | None = None, stage: CaseStage | None = None, risk_level: RiskLevel | None = None,
                plan_status: PlanStatus | None = None,
                category: Annotated[RecipientCategory | None, strawberry.argument(
                    description="Cases of recipients in this category")] = None,
                number: Annotated[str | None, strawberry.argument(description="个案编号, e.g. HSP-2026-0042")] = None,
                urgent_flagged: Annotated[bool, strawberry.argument(
                    description="Only open cases whose urgent risk nobody has taken up yet")] = False,
                first: int = 20, after: str | None = None,
                consistency_token: ConsistencyToken = None) -> CaseConnection:
    page = await info.context.query("cases", {
        "station_id": station_id, "status": status, "stage": stage, "risk_level": risk_level,
        "plan_status": plan_status, "category": category, "number": number and number.strip(),
        "urgent_flagged": urgent_flagged, "first": first, "after": after}, consistency_token)
    return case_connection(page)
