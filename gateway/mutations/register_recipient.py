"""registerRecipient: register a resident as a service recipient (服务对象)."""

from __future__ import annotations

from datetime import date

import strawberry

from gateway.context import Context
from gateway.mutations.run import run_command
from gateway.types.enums import Gender, RecipientCategory
from gateway.types.errors import result_union
from gateway.types.payloads import RecipientRegistered


@strawberry.input
class RegisterRecipientInput:
    station_id: strawberry.ID
    name: str
    gender: Gender
    birth_year: int
    community: str
    categories: list[RecipientCategory] = strawberry.field(default_factory=list)
    id_number: str | None = strawberry.field(default=None, description="居民身份证号码, checked (GB 11643)")
    phone: str | None = None
    address: str | None = None
    consent_given_on: date | None = strawberry.field(
        default=None, description="Date of the separate consent that ID number, phone or address need")
    consent_purpose: str | None = None
    consent_by_guardian: bool = strawberry.field(default=False, description="Required for a child under 14")
    recipient_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


RegisterRecipientResult = result_union("RegisterRecipientResult", RecipientRegistered)


async def register_recipient(info: strawberry.Info[Context, None], input: RegisterRecipientInput,
                             idempotency_key: str | None = None) -> RegisterRecipientResult:  # type: ignore[valid-type]
    return await run_command(info, "cases", "register_recipient", input, idempotency_key,
                             lambda data, token: RecipientRegistered(recipient_id=data["recipient_id"],
                                                                     consistency_token=token))
