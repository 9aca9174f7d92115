"""transferWorkerCases: when a worker leaves, the station head hands all their open cases to another worker."""

from __future__ import annotations

import strawberry

from gateway.consistency import PreviousToken
from gateway.context import Context
from gateway.mutations.run import run_command
from gateway.types.errors import result_union
from gateway.types.payloads import TransferWorkerCasesPayload


@strawberry.input
class TransferWorkerCasesInput:
    station_id: strawberry.ID
    from_worker_id: str
    to_worker_id: str


TransferWorkerCasesResult = result_union("TransferWorkerCasesResult", TransferWorkerCasesPayload)


async def transfer_worker_cases(info: strawberry.Info[Context, None], input: TransferWorkerCasesInput,
                                idempotency_key: str | None = None,
                                consistency_token: PreviousToken = None) -> TransferWorkerCasesResult:  # type: ignore[valid-type]
    return await run_command(
        info, "cases", "transfer_worker_cases", input, idempotency_key,
        lambda data, token: TransferWorkerCasesPayload(
            transferred_case_ids=[strawberry.ID(i) for i in data["transferred_case_ids"]], consistency_token=token),
        consistency_token)
