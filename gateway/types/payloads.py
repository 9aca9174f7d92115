"""What a successful mutation answers: the ids it made and a consistency token."""

from __future__ import annotations

import strawberry


@strawberry.type
class RecipientRegistered:
    recipient_id: strawberry.ID
    consistency_token: str = strawberry.field(description="Pass to a query to read this write")


@strawberry.type
class RecipientUpdated:
    recipient_id: strawberry.ID
    consistency_token: str = strawberry.field(description="Pass to a query to read this write")


@strawberry.type(description="The duplicate was merged into the recipient")
class RecipientsMerged:
    recipient_id: strawberry.ID
    duplicate_id: strawberry.ID
    consistency_token: str = strawberry.field(description="Pass to a query to read this write")


@strawberry.type
class RecipientErased:
    recipient_id: strawberry.ID
    consistency_token: str = strawberry.field(description="Pass to a query to read this write")


@strawberry.type
class CaseOpened:
    case_id: strawberry.ID
    consistency_token: str = strawberry.field(description="Pass to a query to read this write")


@strawberry.type
class CaseSessionRecorded:
    case_id: strawberry.ID
    session_id: strawberry.ID
    consistency_token: str = strawberry.field(description="Pass to a query to read this write")


@strawberry.type(description="A case changed (assessed, a plan drafted, submitted, approved or returned)")
class CaseChanged:
    case_id: strawberry.ID
    consistency_token: str = strawberry.field(description="Pass to a query to read this write")


@strawberry.type(description="Every open case of a worker who leaves went to another worker")
class WorkerCasesTransferred:
    transferred_case_ids: list[strawberry.ID]
    consistency_token: str = strawberry.field(description="Pass to a query to read this write")
