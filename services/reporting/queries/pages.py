"""Relay pages of any list: newest (highest `seq`) first, after an opaque cursor, with the total count."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from typing import Any

import asyncpg

from shared.contracts.errors import InvalidInput, Message

MAX_PAGE = 100


def encode_cursor(seq: int, kind: str) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{seq}".encode()).decode()


def decode_cursor(cursor: str, kind: str) -> int:
    try:
        found, _, seq = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if found != kind:
            raise ValueError(found)
        return int(seq)
    except ValueError as error:
        raise InvalidInput(Message(zh="分页游标 after 无效", en="The cursor in `after` is not valid"),
                           field="after") from error


def page_size(body: dict[str, Any]) -> int:
    first = int(body.get("first") or 20)
    if not 1 <= first <= MAX_PAGE:
        raise InvalidInput(Message(zh=f"first 应在 1 到 {MAX_PAGE} 之间", en=f"first must be between 1 and {MAX_PAGE}"),
                           field="first")
    return first


def connection(rows: Sequence[Mapping[str, Any]], first: int, total: int, kind: str) -> dict[str, Any]:
    """A Relay page of rows fetched newest first, one more than asked to tell whether there is a next page."""
    page = rows[:first]
    return {"edges": [{"cursor": encode_cursor(r["seq"], kind), "node": dict(r)} for r in page],
            "has_next_page": len(rows) > first, "end_cursor": encode_cursor(page[-1]["seq"], kind) if page else None,
            "total_count": total}


async def paged(pool: asyncpg.Pool, body: dict[str, Any], kind: str, select: str, where: str,
                args: list[Any], seq: str = "seq") -> dict[str, Any]:
    """A Relay page of `select … WHERE where`, newest (highest `seq`) first, after the body's cursor."""
    first = page_size(body)
    after = decode_cursor(body["after"], kind) if body.get("after") else None
    n = len(args)
    rows = await pool.fetch(f"{select} WHERE {where} AND (${n + 1}::bigint IS NULL OR {seq} < ${n + 1})"
                            f" ORDER BY {seq} DESC LIMIT ${n + 2}", *args, after, first + 1)
    total = await pool.fetchval(f"SELECT count(*) FROM ({select} WHERE {where}) counted", *args)
    return connection(rows, first, total, kind)
