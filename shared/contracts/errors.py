"""Errors a user can act on, in Chinese and English.

    DomainError                 a rule of the domain refused the command (code, field, message)
     ├── NotFound               the thing named does not exist (or is not the caller's to see)
     ├── Forbidden              the caller's role or stations do not cover it
     └── InvalidInput           a field's value is malformed
    ConcurrencyConflict         (shared.eventstore) the stream moved on; retried, then reported
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Message:
    """One user-facing message in both of the users' languages."""

    zh: str
    en: str


class DomainError(Exception):
    """A refusal the user can understand and correct."""

    code = "domain_error"

    def __init__(self, message: Message, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message.en)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "field": self.field, "message": self.message.zh,
                "message_zh": self.message.zh, "message_en": self.message.en}


class NotFound(DomainError):
    code = "not_found"


class Forbidden(DomainError):
    code = "forbidden"


class InvalidInput(DomainError):
    code = "invalid_input"


def error_from_dict(data: dict[str, Any]) -> DomainError:
    """Rebuild a typed error received over the wire."""
    kinds: dict[str, type[DomainError]] = {"not_found": NotFound, "forbidden": Forbidden,
                                          "invalid_input": InvalidInput}
    message = Message(zh=str(data.get("message_zh", "")), en=str(data.get("message_en", "")))
    kind = kinds.get(str(data.get("code")), DomainError)
    return kind(message, field=data.get("field"), code=str(data.get("code", "domain_error")))
