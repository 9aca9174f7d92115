"""What a successful mutation answers: the ids it made and a consistency token.

Each is named `<MutationName>Payload`, Relay's convention, never after the event the write records: a front end's
`... on RecordCaseSessionPayload` cannot be confused with the `CaseSessionRecorded` event of a subscription.
"""

from __future__ import annotations

import strawberry

from gateway.types.matches import IntakeWarning, PotentialMatch

TOKEN = "Pass to a query to read this write (and the writes of the token this one was given)"


@strawberry.type
class RegisterRecipientPayload:
    recipient_id: strawberry.ID
    consistency_token: str = strawberry.field(description=TOKEN)
    potential_matches: list[PotentialMatch] = strawberry.field(
        default_factory=list, description="Records of the station this one probably duplicates, likeliest first: "
                                          "the registration succeeded; a front end may offer to merge")


@strawberry.type
class UpdateRecipientPayload:
    recipient_id: strawberry.ID
    consistency_token: str = strawberry.field(description=TOKEN)


@strawberry.type(description="The duplicate was merged into the recipient")
class MergeRecipientsPayload:
    recipient_id: strawberry.ID
    duplicate_id: strawberry.ID
    consistency_token: str = strawberry.field(description=TOKEN)


@strawberry.type
class EraseRecipientPayload:
    recipient_id: strawberry.ID
    consistency_token: str = strawberry.field(description=TOKEN)
    erased_duplicate_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="The records merged into this one, erased with it (the same person)")


@strawberry.type
class OpenCasePayload:
    case_id: strawberry.ID
    consistency_token: str = strawberry.field(description=TOKEN)
    warnings: list[IntakeWarning] = strawberry.field(
        default_factory=list, description="The case was opened; already_has_open_case names a case still open")


@strawberry.type
class RecordCaseSessionPayload:
    case_id: strawberry.ID
    session_id: strawberry.ID
    consistency_token: str = strawberry.field(description=TOKEN)


@strawberry.type(description="A case changed (assessed, a plan drafted, submitted, approved or returned)")
class CaseChanged:
    case_id: strawberry.ID
    referral_id: strawberry.ID | None = strawberry.field(
        default=None, description="referCase: the referral made, for recordReferralFeedback")
    plan_version: int | None = strawberry.field(
        default=None, description="draftServicePlan: the version drafted, for approveServicePlan or returnServicePlan")
    goal_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="draftServicePlan: the plan's goals in their order, for evaluateCase")
    consistency_token: str = strawberry.field(description=TOKEN)


@strawberry.type(description="Every open case of a worker who leaves went to another worker")
class TransferWorkerCasesPayload:
    transferred_case_ids: list[strawberry.ID]
    consistency_token: str = strawberry.field(description=TOKEN)
