"""caseload and overdue: what each worker carries, and what waits too long."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from gateway.consistency import ConsistencyToken
from gateway.context import Context
from gateway.types.caseload import CaseBreakdown, OverdueItem, OverdueKind, WorkerCaseload
from gateway.types.enums import CaseStatus

AS_OF = "The day to judge on (default today, China time), e.g. a month's last day"


async def caseload(info: strawberry.Info[Context, None], station_id: strawberry.ID | None = None,
                   as_of: Annotated[date | None, strawberry.argument(description=AS_OF)] = None,
                   consistency_token: ConsistencyToken = None) -> list[WorkerCaseload]:
    found = await info.context.query("caseload", {"station_id": station_id, "as_of": as_of and as_of.isoformat()},
                                     consistency_token)
    return [WorkerCaseload(station_id=strawberry.ID(r["station_id"]), worker_id=r["worker_id"],
                           open_cases=r["open_cases"], urgent=r["urgent"], urgent_flagged=r["urgent_flagged"],
                           awaiting_approval=r["awaiting_approval"], overdue=r["overdue"]) for r in found["caseload"]]


async def overdue(info: strawberry.Info[Context, None], station_id: strawberry.ID | None = None,
                  as_of: Annotated[date | None, strawberry.argument(description=AS_OF)] = None,
                  consistency_token: ConsistencyToken = None) -> list[OverdueItem]:
    found = await info.context.query("overdue", {"station_id": station_id, "as_of": as_of and as_of.isoformat()},
                                     consistency_token)
    return [OverdueItem(case_id=strawberry.ID(r["case_id"]), station_id=strawberry.ID(r["station_id"]),
                        worker_id=r["worker_id"], kind=OverdueKind(r["kind"]),
                        since=date.fromisoformat(str(r["since"]))) for r in found["overdue"]]


async def case_breakdown(info: strawberry.Info[Context, None], station_id: strawberry.ID | None = None,
                         status: CaseStatus = CaseStatus.OPEN,
                         consistency_token: ConsistencyToken = None) -> list[CaseBreakdown]:
    found = await info.context.query("case_breakdown", {"station_id": station_id, "status": status.value},
                                     consistency_token)
    return [CaseBreakdown.from_row(row) for row in found["stations"]]
