"""registerRecipient and updateRecipient: a resident's record as a service recipient (服务对象), and its details."""

from __future__ import annotations

from datetime import date

import strawberry

from gateway.consistency import PreviousToken
from gateway.context import Context
from gateway.mutations.run import run_command
from gateway.types.enums import CategorySource, DisabilityType, Gender, RecipientCategory, RecipientDetail, Relation
from gateway.types.errors import result_union
from gateway.types.matches import potential_matches
from gateway.types.payloads import RegisterRecipientPayload, UpdateRecipientPayload


@strawberry.input(description="One category the person is in, since when, and on whose word")
class CategoryInput:
    category: RecipientCategory
    valid_from: date
    source: CategorySource


@strawberry.input(description="As on the disability certificate (残疾人证): type and grade 1 (most severe) to 4")
class DisabilityInput:
    type: DisabilityType
    grade: int


@strawberry.input
class HouseholdMemberInput:
    name: str
    relation: Relation
    birth_year: int | None = None
    note: str = ""


@strawberry.input(description="监护人: needed for a minor; for a child under 14 the consent must be theirs")
class GuardianInput:
    name: str
    relation: Relation
    phone: str | None = None


CONSENT_ON = "Date of the separate consent that ID number, phone, address, disability or a child's data need"


@strawberry.input
class RegisterRecipientInput:
    station_id: strawberry.ID
    name: str
    gender: Gender
    community: str | None = strawberry.field(
        default=None, description="A community of the station's street: its name as people write it, or its "
                                  "12-digit division code; or give communityId")
    community_id: strawberry.ID | None = strawberry.field(
        default=None, description="The community's id (from `communities`); with `community` too, they must agree")
    birth_date: date | None = strawberry.field(default=None, description="出生日期; or give birthYear alone")
    birth_year: int | None = strawberry.field(default=None, description="When the exact date is not known")
    categories: list[CategoryInput] = strawberry.field(default_factory=list)
    id_number: str | None = strawberry.field(default=None, description="居民身份证号码, checked (GB 11643)")
    phone: str | None = None
    address: str | None = None
    disability: DisabilityInput | None = strawberry.field(default=None, description="With the category DISABLED")
    household: list[HouseholdMemberInput] = strawberry.field(default_factory=list)
    guardian: GuardianInput | None = None
    consent_given_on: date | None = strawberry.field(default=None, description=CONSENT_ON)
    consent_purpose: str | None = None
    consent_by_guardian: bool = strawberry.field(default=False, description="Required for a child under 14")
    recipient_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


@strawberry.input(description="Fields given are set, fields named in `clear` removed, the rest kept")
class UpdateRecipientInput:
    recipient_id: strawberry.ID
    name: str | None = None
    gender: Gender | None = None
    birth_date: date | None = None
    birth_year: int | None = None
    community: str | None = strawberry.field(default=None, description="As in registerRecipient")
    community_id: strawberry.ID | None = strawberry.field(default=None, description="As in registerRecipient")
    categories: list[CategoryInput] | None = strawberry.field(default=None, description="The whole new list")
    id_number: str | None = None
    phone: str | None = None
    address: str | None = None
    disability: DisabilityInput | None = None
    household: list[HouseholdMemberInput] | None = strawberry.field(default=None, description="The whole new list")
    guardian: GuardianInput | None = None
    clear: list[RecipientDetail] = strawberry.field(default_factory=list)
    consent_given_on: date | None = strawberry.field(default=None, description=CONSENT_ON)
    consent_purpose: str | None = None
    consent_by_guardian: bool = False


RegisterRecipientResult = result_union("RegisterRecipientResult", RegisterRecipientPayload)
UpdateRecipientResult = result_union("UpdateRecipientResult", UpdateRecipientPayload)


async def register_recipient(info: strawberry.Info[Context, None], input: RegisterRecipientInput,
                             idempotency_key: str | None = None,
                             consistency_token: PreviousToken = None) -> RegisterRecipientResult:  # type: ignore[valid-type]
    return await run_command(info, "cases", "register_recipient", input, idempotency_key,
                             lambda data, token: RegisterRecipientPayload(
                                 recipient_id=data["recipient_id"], consistency_token=token,
                                 potential_matches=potential_matches(data)),
                             consistency_token)


async def update_recipient(info: strawberry.Info[Context, None], input: UpdateRecipientInput,
                           idempotency_key: str | None = None,
                           consistency_token: PreviousToken = None) -> UpdateRecipientResult:  # type: ignore[valid-type]
    return await run_command(info, "cases", "update_recipient", input, idempotency_key,
                             lambda data, token: UpdateRecipientPayload(recipient_id=data["recipient_id"],
                                                                        consistency_token=token),
                             consistency_token)
