"""Consistency tokens: the stream positions a mutation produced, signed by the gateway, opaque to the front end.

A token is `<payload>.<mac>`: the payload is base64url of `[[service, stream_id, version], …]`, the mac the first
16 bytes of HMAC-SHA256 over the payload under a key derived from the export key (so every gateway copy that
shares HEMIAO_EXPORT_KEY signs and checks the same tokens). Only positions a service answered are ever signed, so
a token names a position that exists; it is checked before anything waits on it.

One token per client: positions of both write services ride in one token. A write given the client's latest token
answers a token merged from it and the write's own position (`merge`), so a front end keeps only its last token,
whichever service the last write went to; a token of one write (the only kind before merging) opens as before.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Annotated, Any

import strawberry
from strawberry.extensions import SchemaExtension

from shared.contracts.errors import DomainError, InvalidInput, Message

MAX_POSITIONS = 8
"""The most streams one token carries: reporting's `applied` question is bounded for 256 waiters of 8 streams."""
MAX_STREAM_ID_CHARS = 200
MAX_TOKEN_CHARS = 3072
"""Longer than any token of MAX_POSITIONS streams this gateway signs, so a merged token always opens again."""
SERVICES = ("cases", "activities")
"""The write services whose positions a token may carry (the ones reporting's read models follow)."""
_MAC_BYTES = 16
_DOMAIN = b"hemiao consistency token v1"

TOKEN_DESCRIPTION = (
    "A write's consistencyToken: the answer waits up to 5 s for the read models to have that write. A token this "
    "gateway did not sign, or a malformed one, is refused (invalid_input on consistencyToken) before any wait. "
    "The response tells what came of it in extensions.consistency = {stale, waitedMs}: stale is true when the wait "
    "ran out, or the caller already waited on 4 tokens, and the answer is older than the token. The token of the "
    "client's last write is enough, whichever service it went to, when each write was given the one before.")

ConsistencyToken = Annotated[str | None, strawberry.argument(description=TOKEN_DESCRIPTION)]
"""The `consistencyToken` argument of every query, with what it does."""

PREVIOUS_TOKEN_DESCRIPTION = (
    "The client's latest consistencyToken, of any write: the answer's token carries it too. Past "
    f"{MAX_POSITIONS} unread streams the write is refused (consistency_token_full), nothing recorded")

PreviousToken = Annotated[str | None, strawberry.argument(description=PREVIOUS_TOKEN_DESCRIPTION)]
"""The `consistencyToken` argument of every mutation: the token to merge the write's position into."""


def token_key(export_key: bytes) -> bytes:
    """The key tokens are signed with: derived from the export key, so it never signs a link and vice versa."""
    return hmac.new(export_key, _DOMAIN, hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


Position = dict[str, Any]
"""`{"service", "stream_id", "version"}`: a stream's version a write produced."""


def _refused() -> InvalidInput:
    return InvalidInput(Message(zh="一致性令牌 consistencyToken 无效，请使用写入操作返回的令牌",
                                en="The consistencyToken is not valid; pass the token a write answered"),
                        field="consistencyToken")


def too_many_streams(count: int) -> DomainError:
    """The refusal of a token that would carry more streams than MAX_POSITIONS."""
    return DomainError(Message(
        zh=f"一致性令牌 consistencyToken 包含 {count} 条尚未读到的记录流，上限为 {MAX_POSITIONS} 条：请先用它查询一次，"
           "待数据读到后再提交",
        en=f"The consistencyToken would carry {count} streams the read models do not have yet, over the limit of "
           f"{MAX_POSITIONS}: read with it once, then write again"),
        field="consistencyToken", code="consistency_token_full")


def merge(*tokens: list[Position]) -> list[Position]:
    """Each stream once, at the highest version any of the tokens' positions names; the order they came in."""
    merged: dict[tuple[str, str], Position] = {}
    for positions in tokens:
        for p in positions:
            key = (str(p["service"]), str(p["stream_id"]))
            if int(p["version"]) > 0 and int(p["version"]) > int(merged.get(key, {"version": 0})["version"]):
                merged[key] = {"service": key[0], "stream_id": key[1], "version": int(p["version"])}
    return list(merged.values())


class ConsistencyTokens:
    """Signs the positions of a write into a token, and opens a token back into positions only if it signed it."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def _mac(self, payload: str) -> bytes:
        return hmac.new(self._key, payload.encode(), hashlib.sha256).digest()[:_MAC_BYTES]

    def sign(self, positions: list[Position]) -> str:
        """A token of the positions (none: a token that waits on nothing); more than MAX_POSITIONS is refused."""
        if len(positions) > MAX_POSITIONS:
            raise too_many_streams(len(positions))
        raw = json.dumps([[p["service"], p["stream_id"], p["version"]] for p in positions], separators=(",", ":"))
        payload = _b64(raw.encode())
        return f"{payload}.{_b64(self._mac(payload))}"

    def open(self, token: str | None) -> list[Position]:
        """The positions inside a token this gateway signed; anything else is the caller's error, said plainly."""
        if not token:
            return []
        payload, dot, mac = token.partition(".")
        if len(token) > MAX_TOKEN_CHARS or not dot:
            raise _refused()
        try:
            if not hmac.compare_digest(_unb64(mac), self._mac(payload)):
                raise _refused()
            positions = [{"service": s, "stream_id": i, "version": v} for s, i, v in json.loads(_unb64(payload))]
        except (ValueError, TypeError, binascii.Error) as error:
            raise _refused() from error
        if len(positions) > MAX_POSITIONS or not all(_sound(p) for p in positions):
            raise _refused()  # a key that signed this would be broken; still never wait on it
        return positions


def _sound(position: Position) -> bool:
    version = position["version"]
    return (position["service"] in SERVICES and isinstance(position["stream_id"], str)
            and 0 < len(position["stream_id"]) <= MAX_STREAM_ID_CHARS and isinstance(version, int)
            and not isinstance(version, bool) and 0 < version < 2**63)


@dataclass
class Freshness:
    """What one request's waits came to: whether any answer is stale, and the longest wait."""

    asked: bool = False
    stale: bool = False
    waited_ms: int = 0

    def note(self, *, stale: bool, waited_ms: int) -> None:
        self.asked = True
        self.stale = self.stale or stale
        self.waited_ms = max(self.waited_ms, waited_ms)


class ConsistencyReport(SchemaExtension):
    """Puts `extensions.consistency` in a response whose resolvers waited on a token: a stale one says it is."""

    def get_results(self) -> dict[str, Any]:
        freshness = getattr(self.execution_context.context, "freshness", None)
        if not isinstance(freshness, Freshness) or not freshness.asked:
            return {}
        return {"consistency": {"stale": freshness.stale, "waitedMs": freshness.waited_ms}}
