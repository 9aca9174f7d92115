"""node(id:) and nodes(ids:): any object by its global id, scoped as the query that reads it."""

from __future__ import annotations

import asyncio
from typing import Annotated

import strawberry
from strawberry import relay

from gateway.context import Context, graphql_error
from gateway.node.fetchers import FETCHERS
from gateway.node.ids import NotANodeId, parse
from shared.contracts.errors import DomainError, InvalidInput, Message

MAX_IDS = 100
"""At most this many ids to one nodes(ids:), as at most 100 rows to a page."""


async def _fetch(info: strawberry.Info[Context, None], id: str, field: str) -> relay.Node | None:
    parsed = parse(id)
    if parsed is None:
        raise NotANodeId(field)
    type_name, raw = parsed
    return await FETCHERS[type_name](info, raw)


async def node(info: strawberry.Info[Context, None], id: Annotated[strawberry.ID, strawberry.argument(
        description="A global id, as an object's `id` answers it")]) -> relay.Node | None:
    """The object with this global id; null when the caller may not see it (as the query of its type says)."""
    try:
        return await _fetch(info, str(id), "id")
    except DomainError as error:
        raise graphql_error(error) from error


async def nodes(info: strawberry.Info[Context, None], ids: Annotated[list[strawberry.ID], strawberry.argument(
        description=f"At most {MAX_IDS} global ids")]) -> list[relay.Node | None]:
    """The objects with these global ids, in their order; null where the caller may not see one."""
    try:
        if len(ids) > MAX_IDS:
            raise InvalidInput(Message(zh=f"ids 最多 {MAX_IDS} 个，收到 {len(ids)} 个",
                                       en=f"ids takes at most {MAX_IDS} ids, not {len(ids)}"), field="ids")
        for i, id in enumerate(ids):  # a malformed id refuses the whole list before anything is read
            if parse(str(id)) is None:
                raise NotANodeId(f"ids.{i}")
        unique = list(dict.fromkeys(str(id) for id in ids))  # an id asked for twice is read once
        found = dict(zip(unique, await asyncio.gather(*(_fetch(info, id, "ids") for id in unique)), strict=True))
        return [found[str(id)] for id in ids]
    except DomainError as error:
        raise graphql_error(error) from error
