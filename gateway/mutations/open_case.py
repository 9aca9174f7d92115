"""openCase: take in a case (接案) for a registered recipient."""

from __future__ import annotations

from datetime import date

import strawberry

from gateway.consistency import PreviousToken
from gateway.context import Context
from gateway.mutations.run import run_command
from gateway.types.enums import IntakeSource
from gateway.types.errors import result_union
from gateway.types.matches import intake_warnings
from gateway.types.payloads import OpenCasePayload


@strawberry.input
class OpenCaseInput:
    recipient_id: strawberry.ID
    worker_id: str
    intake_source: IntakeSource
    presenting_problem: str
    opened_on: date
    case_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


OpenCaseResult = result_union("OpenCaseResult", OpenCasePayload)


async def open_case(info: strawberry.Info[Context, None], input: OpenCaseInput,
                    idempotency_key: str | None = None,
                    consistency_token: PreviousToken = None) -> OpenCaseResult:  # type: ignore[valid-type]
    return await run_command(info, "cases", "open_case", input, idempotency_key,
                             lambda data, token: OpenCasePayload(case_id=data["case_id"], consistency_token=token,
                                                                 warnings=intake_warnings(data)),
                             consistency_token)
