"""What every Relay connection shares: one generic page type, named after its node (CaseConnection, …)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

import strawberry

T = TypeVar("T")


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A page of a list, newest first (Relay connection): `first` after the cursor `after`")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int


def page_of(page: dict[str, Any], node: Callable[[dict[str, Any]], T]) -> Connection[T]:
    """A page as reporting answers it (edges of rows, has_next_page, end_cursor, total_count) as a connection."""
    return Connection(edges=[Edge(cursor=e["cursor"], node=node(e["node"])) for e in page["edges"]],
                      page_info=PageInfo(has_next_page=page["has_next_page"], end_cursor=page["end_cursor"]),
                      total_count=page["total_count"])


def first_of(page: dict[str, Any], node: Callable[[dict[str, Any]], T]) -> T | None:
    """The one node a page asked for by id holds, if the caller may see it."""
    return next((node(e["node"]) for e in page["edges"]), None)
