"""What both event stores do with personal data: seal it on the way in, open it on the way out."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from shared.contracts import encode_event, event_class
from shared.personal import open_fields, seal_fields

KeyFor = Callable[[str], Awaitable[bytes]]
"""The person's key, made the first time it is asked for."""

KeyOf = Callable[[str], Awaitable[bytes | None]]
"""The person's key, or None once the person has been erased."""


async def sealed_data(payload: object, key_for: KeyFor) -> dict[str, Any]:
    """The payload as JSON-ready data, its personal fields sealed."""
    registration = event_class(type(payload).__name__)
    data = encode_event(payload)
    person = registration.person_of(data)
    if not registration.personal or person is None:
        return data
    return seal_fields(data, registration.personal, person, await key_for(person))


async def opened_data(type_name: str, data: dict[str, Any], key_of: KeyOf) -> dict[str, Any]:
    """Stored data with its personal fields opened (None where the person was erased)."""
    registration = event_class(type_name)
    person = registration.person_of(data)
    if not registration.personal or person is None:
        return data
    return open_fields(data, registration.personal, person, await key_of(person))


def erased_person(payload: object) -> str | None:
    """The person whose key an event deletes, if it is an erasure."""
    registration = event_class(type(payload).__name__)
    return None if registration.erases is None else str(getattr(payload, registration.erases))


def unique_claims(payload: object, claim: Callable[[str, str], str]) -> list[tuple[str, str, str]]:
    """(claim, owner, field) for each value of the event that no other person may hold."""
    registration = event_class(type(payload).__name__)
    if not registration.unique:
        return []
    data = encode_event(payload)
    owner = registration.person_of(data)
    if owner is None:
        return []
    return [(claim(field, str(data[field])), owner, field) for field in registration.unique if data.get(field)]
