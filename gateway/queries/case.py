"""case(id): one case, if the caller may see it."""

from __future__ import annotations

import strawberry

from gateway.consistency import ConsistencyToken
from gateway.context import Context
from gateway.types.case import Case


async def case(info: strawberry.Info[Context, None], id: strawberry.ID,
               consistency_token: ConsistencyToken = None) -> Case | None:
    found = await info.context.query("case", {"case_id": str(id)}, consistency_token)
    return None if found["case"] is None else Case.from_row(found["case"])
