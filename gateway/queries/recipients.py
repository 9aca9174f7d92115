"""recipients: a station's recipients, newest first, as a Relay connection, with filters."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.consistency import ConsistencyToken
from gateway.context import Context
from gateway.types.enums import RecipientCategory
from gateway.types.pages import Connection, page_of
from gateway.types.recipient import RecipientListItem


async def recipients(info: strawberry.Info[Context, None], station_id: strawberry.ID | None = None,
                     category: RecipientCategory | None = None,
                     community: Annotated[str | None, strawberry.argument(
                         description="A community by name (however written) or 12-digit code")] = None,
                     community_id: strawberry.ID | None = None,
                     include_merged: Annotated[bool, strawberry.argument(
                         description="Also list duplicate records merged into another")] = False,
                     first: int = 20, after: str | None = None,
                     consistency_token: ConsistencyToken = None) -> Connection[RecipientListItem]:
    page = await info.context.query("recipient_list", {
        "station_id": station_id, "category": category, "community": community, "community_id": community_id,
        "include_merged": include_merged,
        "first": first, "after": after}, consistency_token)
    return page_of(page, lambda row: RecipientListItem(
        id=strawberry.ID(row["recipient_id"]), station_id=strawberry.ID(row["station_id"]),
        community=row["community"], community_id=row["community_id"] and strawberry.ID(row["community_id"]),
        categories=[RecipientCategory(c) for c in row["categories"]],
        erased=row["erased"], merged_into=row["merged_into"], open_cases=row["open_cases"]))
