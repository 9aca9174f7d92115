"""caseload and overdue: what each worker carries, and what waits too long."""

from __future__ import annotations

from datetime import date

import strawberry

from gateway.context import Context
from gateway.types.caseload import OverdueItem, OverdueKind, WorkerCaseload


async def caseload(info: strawberry.Info[Context, None], station_id: strawberry.ID | None = None,
                   consistency_token: str | None = None) -> list[WorkerCaseload]:
    found = await info.context.query("caseload", {"station_id": station_id}, consistency_token)
    return [WorkerCaseload(station_id=strawberry.ID(r["station_id"]), worker_id=r["worker_id"],
                           open_cases=r["open_cases"], urgent=r["urgent"], awaiting_approval=r["awaiting_approval"],
                           overdue=r["overdue"]) for r in found["caseload"]]


async def overdue(info: strawberry.Info[Context, None], station_id: strawberry.ID | None = None,
                  consistency_token: str | None = None) -> list[OverdueItem]:
    found = await info.context.query("overdue", {"station_id": station_id}, consistency_token)
    return [OverdueItem(case_id=strawberry.ID(r["case_id"]), station_id=strawberry.ID(r["station_id"]),
                        worker_id=r["worker_id"], kind=OverdueKind(r["kind"]),
                        since=date.fromisoformat(str(r["since"]))) for r in found["overdue"]]
