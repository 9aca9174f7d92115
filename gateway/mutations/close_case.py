"""closeCase: close an open case (结案)."""

from __future__ import annotations

from datetime import date

import strawberry

from gateway.context import Context
from gateway.mutations.run import run_command
from gateway.types.enums import CaseOutcome
from gateway.types.errors import result_union
from gateway.types.payloads import CaseClosed


@strawberry.input
class CloseCaseInput:
    case_id: strawberry.ID
    closed_on: date
    reason: str
    outcome: CaseOutcome


CloseCaseResult = result_union("CloseCaseResult", CaseClosed)


async def close_case(info: strawberry.Info[Context, None], input: CloseCaseInput,
                     idempotency_key: str | None = None) -> CloseCaseResult:  # type: ignore[valid-type]
    return await run_command(info, "cases", "close_case", input, idempotency_key,
                             lambda data, token: CaseClosed(case_id=data["case_id"], consistency_token=token))
