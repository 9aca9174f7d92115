"""recipient(id): a recipient, masked; with `purpose`, station staff read ID number, phone and address (audited)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.context import Context, graphql_error
from gateway.read_after_write.merging import room_for_a_write, with_write
from gateway.types.recipient import Recipient
from shared.contracts.errors import DomainError

AuditedReadToken = Annotated[str | None, strawberry.argument(
    description="With purpose: the client's latest consistencyToken, merged into the answer's consistencyToken "
                "with the audit row the read records (a write). The masked record is always current: nothing waits")]


async def recipient(info: strawberry.Info[Context, None], id: strawberry.ID, purpose: str | None = None,
                    consistency_token: AuditedReadToken = None) -> Recipient | None:
    try:
        if purpose is None:
            info.context.tokens.open(consistency_token)  # refused alike, though a masked read records nothing
        else:
            earlier = await room_for_a_write(info.context, consistency_token)  # an unmasked read records its audit
    except DomainError as error:
        raise graphql_error(error) from error
    if purpose is None:
        view = await info.context.recipients.load(str(id))
        return None if view is None else Recipient.from_view(view)
    found = await info.context.query("recipient_unmasked", {"recipient_id": str(id), "purpose": purpose},
                                     service="cases")
    if found["recipient"] is None:
        return None
    read = Recipient.from_view(found["recipient"])
    if "position" in found:
        read.consistency_token = with_write(info.context, earlier, found["position"])
    elif consistency_token:
        read.consistency_token = info.context.tokens.sign(earlier)  # nothing disclosed: the client's token goes on
    return read
