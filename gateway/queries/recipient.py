"""recipient(id): a recipient, masked; with `purpose`, station staff read ID number, phone and address (audited)."""

from __future__ import annotations

import strawberry

from gateway.context import Context
from gateway.types.recipient import Recipient


async def recipient(info: strawberry.Info[Context, None], id: strawberry.ID,
                    purpose: str | None = None) -> Recipient | None:
    if purpose is None:
        view = await info.context.recipients.load(str(id))
    else:
        found = await info.context.query("recipient_unmasked", {"recipient_id": str(id), "purpose": purpose},
                                         service="cases")
        view = found["recipient"]
    return None if view is None else Recipient.from_view(view)
