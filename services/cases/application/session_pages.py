"""A case's sessions, with their sealed words, a page at a time: a case can have hundreds of them.

The page holds at most `first` sessions and at most PAGE_BYTES of them encoded, so that no answer nears NATS's
max_payload however long the notes; it always holds one session when any is left (a session is one event, and the
store keeps every event well under max_payload). A short page with `has_next_page` asks the caller for the rest.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from services.cases.application.handlers import case_stream
from services.cases.application.views import narrative_of
from shared.contracts.errors import InvalidInput, Message
from shared.eventstore import EventStore
from shared.runtime import RequestContext

MAX_SESSIONS = 100
PAGE_BYTES = 256 * 1024
"""A quarter of NATS's default max_payload: room for the reply's envelope and a lowered limit."""


def session_cursor(position: int) -> str:
    return base64.urlsafe_b64encode(f"session:{position}".encode()).decode()


def after_position(cursor: str | None) -> int:
    """The session position a cursor stands for (0: from the first session)."""
    if not cursor:
        return 0
    try:
        kind, _, position = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind != "session" or int(position) < 0:
            raise ValueError(kind)
        return int(position)
    except ValueError as error:
        raise InvalidInput(Message(zh="分页游标 after 无效", en="The cursor in `after` is not valid"),
                           field="after") from error


def sessions_wanted(body: dict[str, Any]) -> int:
    first = int(body.get("first") or 20)
    if not 1 <= first <= MAX_SESSIONS:
        raise InvalidInput(Message(zh=f"first 应在 1 到 {MAX_SESSIONS} 之间",
                                   en=f"first must be between 1 and {MAX_SESSIONS}"), field="first")
    return first


async def case_sessions(store: EventStore, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """Sessions of one case, oldest first, after the cursor; None for a case the caller may not see."""
    first, after = sessions_wanted(body), after_position(body.get("after"))
    narrative = narrative_of(await store.read_stream(case_stream(str(body.get("case_id", "")))))
    if narrative is None or not request.actor.may_act_for(narrative["station_id"]):
        return {"sessions": None}
    sessions = narrative["sessions"]
    edges: list[dict[str, Any]] = []
    size = 0
    for position, session in enumerate(sessions[after:after + first], start=after + 1):
        size += len(json.dumps(session, ensure_ascii=False).encode())
        if edges and size > PAGE_BYTES:
            break
        edges.append({"cursor": session_cursor(position), "node": session})
    end = after + len(edges)
    return {"sessions": {"edges": edges, "has_next_page": end < len(sessions),
                         "end_cursor": edges[-1]["cursor"] if edges else None, "total_count": len(sessions)}}
