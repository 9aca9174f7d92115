"""recipients: a station's recipients, newest first, as a Relay connection, with filters."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.context import Context
from gateway.types.enums import RecipientCategory
from gateway.types.pages import PageInfo
from gateway.types.recipient import RecipientConnection, RecipientEdge, RecipientListItem


async def recipients(info: strawberry.Info[Context, None], station_id: strawberry.ID | None = None,
                     category: RecipientCategory | None = None, community: str | None = None,
                     include_merged: Annotated[bool, strawberry.argument(
                         description="Also list duplicate records merged into another")] = False,
                     first: int = 20, after: str | None = None,
                     consistency_token: str | None = None) -> RecipientConnection:
    page = await info.context.query("recipient_list", {
        "station_id": station_id, "category": category, "community": community, "include_merged": include_merged,
        "first": first, "after": after}, consistency_token)
    return RecipientConnection(
        edges=[RecipientEdge(cursor=e["cursor"], node=RecipientListItem(
            id=strawberry.ID(e["node"]["recipient_id"]), station_id=strawberry.ID(e["node"]["station_id"]),
            community=e["node"]["community"], categories=[RecipientCategory(c) for c in e["node"]["categories"]],
            erased=e["node"]["erased"], merged_into=e["node"]["merged_into"], open_cases=e["node"]["open_cases"]))
            for e in page["edges"]],
        page_info=PageInfo(has_next_page=page["has_next_page"], end_cursor=page["end_cursor"]),
        total_count=page["total_count"])
