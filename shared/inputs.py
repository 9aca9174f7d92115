"""Refusing, before any I/O, input no store can hold: characters PostgreSQL or UTF-8 cannot keep, ids that are
not UUIDs, idempotency keys of the wrong form (pure: the service boundary and the gateway both call it)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from shared.contracts.errors import InvalidInput, Message
from shared.contracts.fields import IDEMPOTENCY_KEY, UUID, UUID_IDS

UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
"""NUL (PostgreSQL's text and jsonb refuse it), lone surrogates (UTF-8 cannot encode them), and the other C0
controls but tab and newlines, which no form has and an XLSX export cannot write."""


def camel(name: str) -> str:
    """`next_step` -> `nextStep`: fields are named to users as the GraphQL schema names them."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


class UnstorableCharacter(InvalidInput):
    def __init__(self, field: str, char: str) -> None:
        code = f"U+{ord(char):04X}"
        super().__init__(Message(zh=f"字段 {field} 含有无法保存的字符（{code}）",
                                 en=f"{field} contains a character that cannot be stored ({code})"), field=field)


class NotAUuid(InvalidInput):
    def __init__(self, field: str) -> None:
        super().__init__(Message(zh=f"字段 {field} 应是小写的 UUID（如 3f2b8c1e-…）",
                                 en=f"{field} must be a UUID in lower case (like 3f2b8c1e-…)"), field=field)


class BadIdempotencyKey(InvalidInput):
    def __init__(self) -> None:
        super().__init__(Message(zh="idempotencyKey 应为 1 到 128 个可见的 ASCII 字符",
                                 en="idempotencyKey must be 1 to 128 visible ASCII characters"),
                         field="idempotencyKey")


def _nodes(body: object, name: Callable[[str], str]) -> Iterator[tuple[str, str | None, object]]:
    """Every key and value in the body, with its path and the key it sits under, without recursion (a deep
    body must not be able to exhaust the stack)."""
    stack: list[tuple[str, str | None, object]] = [("", None, body)]
    while stack:
        path, key, value = stack.pop()
        if isinstance(value, list | tuple):
            stack.extend((f"{path}.{i}", key, v) for i, v in enumerate(value))
            continue
        yield path, key, value
        if isinstance(value, dict):
            for k, v in value.items():
                child = f"{path}.{name(str(k))}" if path else name(str(k))
                yield child, None, k
                stack.append((child, str(k), v))


def check_body(body: object, name: Callable[[str], str] = camel) -> None:
    """Raise the refusal of the first unstorable character, or of the first id in a `UUID_IDS` field that is
    not a UUID, naming its field; `name` turns a key into the field's name for users."""
    for path, key, value in _nodes(body, name):
        if isinstance(value, str) and (found := UNSTORABLE.search(value)):
            raise UnstorableCharacter(path or "body", found.group())
        if key in UUID_IDS and value is not None and not (isinstance(value, str) and UUID.fullmatch(value)):
            raise NotAUuid(path)


def check_idempotency_key(key: str | None) -> None:
    if key is not None and not IDEMPOTENCY_KEY.fullmatch(key):
        raise BadIdempotencyKey
