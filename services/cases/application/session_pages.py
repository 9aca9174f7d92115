"""A case's sessions, with their sealed words, a page at a time: a case can have hundreds of them.

The page holds at most `first` sessions and at most PAGE_BYTES of them encoded, so that no answer nears NATS's
max_payload however long the notes; it always holds one session when any is left (a session is one event, and the
store keeps every event well under max_payload). A short page with `has_next_page` asks the caller for the rest.
"""

from __future__ import annotations

import base64
from typing import Any

from services.cases.application.handlers import case_stream
from services.cases.application.views import narrative_of
from shared.batches import batch_pages, size_of
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


def _page(sessions: list[dict[str, Any]], first: int, after: int, room: int, always_one: bool
          ) -> tuple[dict[str, Any], int]:
    """`first` sessions after position `after` in at most `room` bytes (one regardless, `always_one`), and the
    bytes they took."""
    edges: list[dict[str, Any]] = []
    size = 0
    for position, session in enumerate(sessions[after:after + first], start=after + 1):
        grown = size + size_of(session)
        if grown > room and (edges or not always_one):
            break
        size = grown
        edges.append({"cursor": session_cursor(position), "node": session})
    end = after + len(edges)
    return {"edges": edges, "has_next_page": end < len(sessions),
            "end_cursor": edges[-1]["cursor"] if edges else None, "total_count": len(sessions)}, size


async def _sessions_seen(store: EventStore, case_id: str, request: RequestContext) -> list[dict[str, Any]] | None:
    narrative = narrative_of(await store.read_stream(case_stream(case_id)))
    if narrative is None or not request.actor.may_act_for(narrative["station_id"]):
        return None
    return list(narrative["sessions"])


async def case_sessions(store: EventStore, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """Sessions of one case, oldest first, after the cursor; None for a case the caller may not see."""
    first, after = sessions_wanted(body), after_position(body.get("after"))
    sessions = await _sessions_seen(store, str(body.get("case_id", "")), request)
    return {"sessions": None if sessions is None else _page(sessions, first, after, PAGE_BYTES, True)[0]}


async def case_sessions_batch(store: EventStore, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """A page of sessions for each `{case_id, first, after}` asked (at most 100), in order: a page of cases with
    their sessions. The answer's sessions share PAGE_BYTES, and always hold one of the first page with any left;
    a page cut short says `has_next_page`, for the caller to ask again after its `end_cursor` (null when the page
    is empty: after the same cursor)."""
    asked = [(str(p.get("case_id", "")), sessions_wanted(p), after_position(p.get("after")))
             for p in batch_pages(body)]
    pages: list[dict[str, Any] | None] = []
    used = 0
    for case_id, first, after in asked:
        sessions = await _sessions_seen(store, case_id, request)
        if sessions is None:  # not the caller's to see (or unknown): as `case_sessions`, nothing
            pages.append(None)
            continue
        page, size = _page(sessions, first, after, PAGE_BYTES - used, used == 0)
        used += size
        pages.append(page)
    return {"pages": pages}
