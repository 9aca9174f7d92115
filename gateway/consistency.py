"""Consistency tokens: the stream positions a mutation produced, opaque to the front end."""

from __future__ import annotations

import base64
import json
from typing import Any

from shared.contracts.errors import InvalidInput, Message


def encode_token(positions: list[dict[str, Any]]) -> str:
    raw = json.dumps([[p["service"], p["stream_id"], p["version"]] for p in positions], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_token(token: str | None) -> list[dict[str, Any]]:
    """The positions inside a token; a malformed token is the caller's error, said plainly."""
    if not token:
        return []
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        return [{"service": str(s), "stream_id": str(i), "version": int(v)} for s, i, v in json.loads(raw)]
    except (ValueError, TypeError) as error:
        raise InvalidInput(Message(zh="一致性令牌 consistencyToken 无效", en="The consistencyToken is not valid"),
                           field="consistencyToken") from error
