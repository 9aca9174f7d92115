"""The published language: event payloads every service may read, defined once.

An event type is a frozen dataclass registered with `event(...)`. Its subject,
CloudEvents type and JSON Schema all derive from the registration, so the
producer, the consumers and the AsyncAPI catalogue cannot disagree.
"""

from shared.contracts import activities, cases, imports
from shared.contracts.actor import Actor, Role
from shared.contracts.registry import (
    EventType,
    UnknownSchemaVersion,
    decode_event,
    encode_event,
    event,
    event_class,
    registered_events,
    upcast,
)

__all__ = [
    "Actor",
    "EventType",
    "Role",
    "UnknownSchemaVersion",
    "activities",
    "cases",
    "decode_event",
    "encode_event",
    "event",
    "event_class",
    "imports",
    "registered_events",
    "upcast",
]
