"""eraseRecipient: erase a recipient's personal data (the right to deletion); counts and reports stay right."""

from __future__ import annotations

import strawberry

from gateway.consistency import PreviousToken
from gateway.context import Context
from gateway.mutations.run import run_command
from gateway.types.errors import result_union
from gateway.types.payloads import EraseRecipientPayload


@strawberry.input
class EraseRecipientInput:
    recipient_id: strawberry.ID
    reason: str


EraseRecipientResult = result_union("EraseRecipientResult", EraseRecipientPayload)


async def erase_recipient(info: strawberry.Info[Context, None], input: EraseRecipientInput,
                          idempotency_key: str | None = None,
                          consistency_token: PreviousToken = None) -> EraseRecipientResult:  # type: ignore[valid-type]
    return await run_command(info, "cases", "erase_recipient", input, idempotency_key,
                             lambda data, token: EraseRecipientPayload(
                                 recipient_id=data["recipient_id"], consistency_token=token,
                                 erased_duplicate_ids=[strawberry.ID(i) for i in data.get("erased_duplicate_ids", [])]),
                             consistency_token)
