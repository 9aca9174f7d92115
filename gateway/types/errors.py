"""Typed, user-facing errors that mutations return in their result unions."""

from __future__ import annotations

from typing import Annotated, Union

import strawberry

from shared.contracts.errors import DomainError


@strawberry.interface(description="A refusal the user can act on, in Chinese and English")
class UserError:
    code: str
    field: str | None = strawberry.field(description="The input field at fault, when there is one")
    message: str = strawberry.field(description="中文说明 (the same as messageZh)")
    message_zh: str
    message_en: str


@strawberry.type(description="A field's value is missing or malformed")
class InvalidInput(UserError):
    pass


@strawberry.type(description="The thing named does not exist, or is not yours to see")
class NotFound(UserError):
    pass


@strawberry.type(description="Your role or stations do not cover this")
class Forbidden(UserError):
    pass


@strawberry.type(description="The bearer token is missing, malformed or expired")
class Unauthenticated(UserError):
    pass


@strawberry.type(description="The case is closed: nothing more can be recorded on it")
class CaseAlreadyClosed(UserError):
    pass


@strawberry.type(description="Someone changed the same record at the same moment; reload and retry")
class ConcurrencyConflict(UserError):
    pass


@strawberry.type(description="The idempotency key was used before for a different command")
class IdempotencyKeyReused(UserError):
    pass


@strawberry.type(description="The value (an ID number) already belongs to another recipient, named in the message")
class AlreadyRegistered(UserError):
    pass


@strawberry.type(description="The recipient's personal data was erased; nothing more is recorded for them")
class RecipientWasErased(UserError):
    pass


@strawberry.type(description="The recipient was a duplicate merged into another; the message names which to use")
class RecipientWasMerged(UserError):
    pass


@strawberry.type(description="A step came before the one it needs (no plan before assessment…); the message says which")
class StageOutOfOrder(UserError):
    pass


@strawberry.type(description="What it would record is too large to be carried to the read side; nothing was saved")
class RecordTooLarge(UserError):
    pass


@strawberry.type(description="Another rule of the domain refused the command")
class Rejected(UserError):
    pass


_BY_CODE: dict[str, type[UserError]] = {
    "invalid_input": InvalidInput,
    "not_found": NotFound,
    "unknown_recipient": NotFound,
    "forbidden": Forbidden,
    "unauthenticated": Unauthenticated,
    "invalid_token": Unauthenticated,
    "token_expired": Unauthenticated,
    "unknown_role": Unauthenticated,
    "case_already_closed": CaseAlreadyClosed,
    "concurrency_conflict": ConcurrencyConflict,
    "idempotency_key_reused": IdempotencyKeyReused,
    "already_registered": AlreadyRegistered,
    "recipient_erased": RecipientWasErased,
    "recipient_merged": RecipientWasMerged,
    "stage_order": StageOutOfOrder,
    "record_too_large": RecordTooLarge,
}

ERROR_TYPES = (InvalidInput, NotFound, Forbidden, Unauthenticated, CaseAlreadyClosed, ConcurrencyConflict,
               IdempotencyKeyReused, AlreadyRegistered, RecipientWasErased, RecipientWasMerged, StageOutOfOrder,
               RecordTooLarge, Rejected)


def user_error(error: DomainError) -> UserError:
    """The GraphQL type for a refusal, chosen by its code."""
    data = error.as_dict()
    kind = _BY_CODE.get(data["code"], Rejected)
    return kind(code=data["code"], field=data["field"], message=data["message_zh"], message_zh=data["message_zh"],
                message_en=data["message_en"])


def result_union(name: str, payload: type[object]) -> object:
    """`<payload> | <every user error>` as a named GraphQL union, for one mutation's result."""
    return Annotated[Union[(payload, *ERROR_TYPES)], strawberry.union(name)]
