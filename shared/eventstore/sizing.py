"""How large an event may be: safely under the connected NATS server's max_payload, headers and all.

An event that commits but cannot be published would stop its service's relay for good (it keeps order, so it
never skips it). So the store refuses it before INSERT, when the caller can still be told.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from shared.contracts.errors import DomainError, Message
from shared.eventstore.protocol import EventMetadata

HEADER_ALLOWANCE = 4096
"""Bytes for the relay's CloudEvents headers with their fixed-width values (ids, times, positions: about 1 KiB);
the values whose length varies (stream id, actor, correlation id) are counted event by event."""

MARGIN_DIVISOR = 16
"""A sixteenth of max_payload kept free besides: PostgreSQL's jsonb text differs from our JSON by a few bytes."""


class RecordTooLarge(DomainError):
    """The event a command would write is too large to be published; nothing was written."""

    code = "record_too_large"

    def __init__(self, size: int, bound: int) -> None:
        super().__init__(Message(
            zh=f"记录过大（{size} 字节，上限 {bound} 字节），未保存；请缩短文字或分几次记录",
            en=f"The record is too large to store ({size} bytes; the limit is {bound}); nothing was saved:"
               " shorten its text or record it in parts"))
        self.size = size
        self.bound = bound


@dataclass(frozen=True)
class EventSizeLimit:
    """The bound, read from the NATS server the service is connected to now (it can change on reconnect)."""

    max_payload: Callable[[], int]

    def bound(self) -> int:
        payload = self.max_payload()
        return payload - HEADER_ALLOWANCE - payload // MARGIN_DIVISOR

    def check(self, data_json: str, *, stream_id: str, stream_type: str, type_name: str,
              metadata: EventMetadata) -> None:
        """Raise RecordTooLarge when the event as published (data plus its variable headers) exceeds the bound."""
        variable = "".join((stream_id, stream_id, stream_type, type_name, type_name, metadata.correlation_id,
                            metadata.causation_id or "", str(metadata.actor.get("subject") or "")))
        size = len(data_json.encode()) + len(variable.encode())
        bound = self.bound()
        if size > bound:
            raise RecordTooLarge(size, bound)
