"""Batch queries: the children of a page's rows in one request (the gateway's DataLoaders), bounded in ids and bytes.

A batch names at most MAX_BATCH ids (a longer one is refused, coded, in both languages) and its answer holds at
most ANSWER_BYTES of rows, except that it always holds the first id's: the ids it leaves out come back in `left`,
for the caller to ask again. So no answer nears NATS's max_payload however many rows each id has, and every
answer makes progress.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from shared.contracts.errors import InvalidInput, Message

MAX_BATCH = 100
"""The most ids one batch query takes: a page's rows (a Relay page holds at most 100)."""
ANSWER_BYTES = 256 * 1024
"""A quarter of NATS's default max_payload: room for the reply's envelope and a lowered limit."""


def _bounded(values: list[Any], field: str) -> list[Any]:
    if len(values) > MAX_BATCH:
        raise InvalidInput(Message(zh=f"一次批量查询最多 {MAX_BATCH} 项，收到 {len(values)} 项",
                                   en=f"A batch query takes at most {MAX_BATCH} items; it was sent {len(values)}"),
                           field=field, code="batch_too_large")
    return values


def batch_ids(body: Mapping[str, Any], field: str) -> list[str]:
    """The ids a batch asks about, each once, in their order; refused over MAX_BATCH."""
    found = body.get(field) or []
    if not isinstance(found, list):
        raise InvalidInput(Message(zh=f"{field} 应为编号列表", en=f"{field} must be a list of ids"), field=field)
    return _bounded(list(dict.fromkeys(str(i) for i in found)), field)


def batch_pages(body: Mapping[str, Any], field: str = "pages") -> list[dict[str, Any]]:
    """The pages a batch asks for (each `{id, first, after}`), in their order; refused over MAX_BATCH."""
    found = body.get(field) or []
    if not isinstance(found, list) or not all(isinstance(p, dict) for p in found):
        raise InvalidInput(Message(zh=f"{field} 应为分页请求列表", en=f"{field} must be a list of page requests"),
                           field=field)
    return _bounded(list(found), field)


def size_of(value: Any) -> int:
    """The bytes of `value` as the answer encodes it."""
    return len(json.dumps(value, ensure_ascii=False, default=str).encode())


def within_budget(ids: Sequence[str], rows_of: Callable[[str], Any]) -> dict[str, Any]:
    """`{"found": {id: rows}, "left": [ids]}`: the ids, in order, whose rows fit in ANSWER_BYTES (the first always
    does), and the rest."""
    found: dict[str, Any] = {}
    used = 0
    for n, key in enumerate(ids):
        rows = rows_of(key)
        used += size_of(rows)
        if found and used > ANSWER_BYTES:
            return {"found": found, "left": list(ids[n:])}
        found[key] = rows
    return {"found": found, "left": []}


def grouped(ids: Sequence[str], rows: Sequence[Mapping[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    """Rows by the id in their `key` column, every id present (an id with none, or not the caller's: empty)."""
    found: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    for row in rows:
        found[str(row[key])].append(dict(row))
    return found
