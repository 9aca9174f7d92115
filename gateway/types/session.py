"""A session of case work, with its sealed words, as the cases service shows it."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry

from gateway.types.enums import RelationshipStage, SessionMode


@strawberry.type(description="一次个案服务 (null words when the recipient was erased)")
class CaseSession:
    id: strawberry.ID
    held_on: date
    mode: SessionMode
    duration_minutes: int
    participants: int
    location: str | None
    content: str | None
    analysis: str | None
    next_step: str | None
    notes: str | None
    relationship_stage: RelationshipStage | None

    @classmethod
    def from_view(cls, view: dict[str, Any]) -> CaseSession:
        stage = view["relationship_stage"]
        return cls(id=strawberry.ID(view["session_id"]), held_on=date.fromisoformat(view["held_on"]),
                   mode=SessionMode(view["mode"]), duration_minutes=view["duration_minutes"],
                   participants=view["participants"], location=view["location"], content=view["content"],
                   analysis=view["analysis"], next_step=view["next_step"], notes=view["notes"],
                   relationship_stage=None if stage is None else RelationshipStage(stage))
