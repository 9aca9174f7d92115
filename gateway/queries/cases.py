"""cases: a station's cases, newest first, as a Relay connection."""

from __future__ import annotations

import strawberry

from gateway.context import Context
from gateway.types.case import Case, CaseConnection, CaseEdge, PageInfo
from gateway.types.enums import CaseStatus
from gateway.types.planning import CaseStage, PlanStatus, RiskLevel


async def cases(info: strawberry.Info[Context, None], station_id: strawberry.ID | None = None,
                status: CaseStatus | None = None, stage: CaseStage | None = None, risk_level: RiskLevel | None = None,
                plan_status: PlanStatus | None = None, first: int = 20, after: str | None = None,
                consistency_token: str | None = None) -> CaseConnection:
    page = await info.context.query("cases", {"station_id": station_id, "status": status, "stage": stage,
                                              "risk_level": risk_level, "plan_status": plan_status, "first": first,
                                              "after": after}, consistency_token)
    return CaseConnection(edges=[CaseEdge(cursor=e["cursor"], node=Case.from_row(e["node"])) for e in page["edges"]],
                          page_info=PageInfo(has_next_page=page["has_next_page"], end_cursor=page["end_cursor"]),
                          total_count=page["total_count"])
