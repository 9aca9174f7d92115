"""mergeRecipients: one person registered twice becomes one record; the duplicate's cases count as theirs."""

from __future__ import annotations

import strawberry

from gateway.consistency import PreviousToken
from gateway.context import Context
from gateway.mutations.run import run_command
from gateway.types.errors import result_union
from gateway.types.payloads import MergeRecipientsPayload


@strawberry.input
class MergeRecipientsInput:
    recipient_id: strawberry.ID = strawberry.field(description="The record that stays")
    duplicate_id: strawberry.ID = strawberry.field(description="The duplicate, merged into it and closed to changes")
    reason: str


MergeRecipientsResult = result_union("MergeRecipientsResult", MergeRecipientsPayload)


async def merge_recipients(info: strawberry.Info[Context, None], input: MergeRecipientsInput,
                           idempotency_key: str | None = None,
                           consistency_token: PreviousToken = None) -> MergeRecipientsResult:  # type: ignore[valid-type]
    return await run_command(info, "cases", "merge_recipients", input, idempotency_key,
                             lambda data, token: MergeRecipientsPayload(recipient_id=data["recipient_id"],
                                                                        duplicate_id=data["duplicate_id"],
                                                                        consistency_token=token),
                             consistency_token)
