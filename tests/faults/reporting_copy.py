"""`python -m tests.faults.reporting_copy`: one copy of the reporting service, as `python -m services.reporting`
runs it, for the hand-over test to kill. With `HANDOVER_SLOW_SECONDS` set, the cases projection applies case
sessions one by one, that long each, so that a kill lands while a batch is being applied."""

from __future__ import annotations

import asyncio
import os
from dataclasses import replace

import asyncpg

from services.reporting.entrypoints import service
from services.reporting.projections import Projection, Projector, ReceivedEvent, projections
from shared.config import ServiceSettings


def slowed(seconds: float) -> list[Projection]:
    def slow(real: Projector) -> Projector:
        async def handler(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
            await real(conn, event)
            await asyncio.sleep(seconds)

        return handler

    def change(projection: Projection) -> Projection:
        if projection.name != "cases":
            return projection
        handlers = {**projection.handlers, "CaseSessionRecorded": slow(projection.handlers["CaseSessionRecorded"])}
        batched = {t: h for t, h in projection.batch_handlers.items() if t != "CaseSessionRecorded"}
        return replace(projection, handlers=handlers, batch_handlers=batched)

    return [change(p) for p in projections()]


async def main() -> None:
    slow = float(os.environ.get("HANDOVER_SLOW_SECONDS") or 0)
    if slow:
        table = slowed(slow)
        service.projections = lambda: table  # type: ignore[assignment]  # what the service applies and reports
    async with service.reporting_service(ServiceSettings.from_env("reporting")):
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
