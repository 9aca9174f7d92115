"""recordCaseSession: record a session held on an open case."""

from __future__ import annotations

from datetime import date

import strawberry

from gateway.consistency import PreviousToken
from gateway.context import Context
from gateway.mutations.run import run_command
from gateway.types.enums import RelationshipStage, SessionMode
from gateway.types.errors import result_union
from gateway.types.payloads import RecordCaseSessionPayload


@strawberry.input
class RecordCaseSessionInput:
    case_id: strawberry.ID
    held_on: date
    mode: SessionMode
    duration_minutes: int
    participants: int = 1
    notes: str = ""
    location: str = ""
    content: str = strawberry.field(default="", description="服务内容")
    analysis: str = strawberry.field(default="", description="分析")
    next_step: str = strawberry.field(default="", description="下一步")
    relationship_stage: RelationshipStage | None = strawberry.field(
        default=None, description="不信任 → 接纳 → 专业关系, as the worker judges it after this session")
    session_id: strawberry.ID | None = strawberry.field(default=None, description="Omit to have one made")


RecordCaseSessionResult = result_union("RecordCaseSessionResult", RecordCaseSessionPayload)


async def record_case_session(info: strawberry.Info[Context, None], input: RecordCaseSessionInput,
                              idempotency_key: str | None = None,
                              consistency_token: PreviousToken = None) -> RecordCaseSessionResult:  # type: ignore[valid-type]
    return await run_command(info, "cases", "record_case_session", input, idempotency_key,
                             lambda data, token: RecordCaseSessionPayload(case_id=data["case_id"],
                                                                          session_id=data["session_id"],
                                                                          consistency_token=token),
                             consistency_token)
