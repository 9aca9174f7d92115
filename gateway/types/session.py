"""Sessions and referrals of a case, with their sealed words, as the cases service shows them."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry

from gateway.context import Context
from gateway.types.enums import ReferralOutcome, ReferralService, RelationshipStage, SessionMode
from gateway.types.pages import Connection, Edge, PageInfo


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


CaseSessionConnection = Connection[CaseSession]


async def case_sessions(context: Context, case_id: str, first: int, after: str | None) -> CaseSessionConnection:
    """`first` sessions after `after`, asked of the cases service in as many answers as their words need, each
    with the sessions of the page's other cases (one request for them all)."""
    edges: list[Edge[CaseSession]] = []
    cursor = after
    page: dict[str, Any] | None = {"has_next_page": True, "end_cursor": after, "total_count": 0}
    while page is not None and page["has_next_page"] and len(edges) < first:
        page = await context.loaders.case_sessions.load((case_id, first - len(edges), cursor))
        edges += [] if page is None else [Edge(cursor=e["cursor"], node=CaseSession.from_view(e["node"]))
                                          for e in page["edges"]]
        cursor = edges[-1].cursor if edges else cursor  # a page cut short to nothing: after the same cursor
    if page is None:  # not the caller's to see (or unknown): as the case's other words, nothing
        return Connection(edges=[], page_info=PageInfo(has_next_page=False, end_cursor=None), total_count=0)
    return Connection(edges=edges, page_info=PageInfo(has_next_page=page["has_next_page"],
                                                      end_cursor=edges[-1].cursor if edges else after),
                      total_count=page["total_count"])


@strawberry.type(description="转介 A referral and, once it came back, the agency's answer")
class Referral:
    id: strawberry.ID
    agency: str
    service: ReferralService
    referred_on: date
    reason: str | None
    outcome: ReferralOutcome | None
    feedback: str | None
    received_on: date | None

    @classmethod
    def from_view(cls, view: dict[str, Any]) -> Referral:
        return cls(id=strawberry.ID(view["referral_id"]), agency=view["agency"],
                   service=ReferralService(view["service"]), referred_on=date.fromisoformat(view["referred_on"]),
                   reason=view["reason"], outcome=view["outcome"] and ReferralOutcome(view["outcome"]),
                   feedback=view["feedback"],
                   received_on=view["received_on"] and date.fromisoformat(view["received_on"]))
