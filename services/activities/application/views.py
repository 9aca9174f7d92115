"""What only this service can show, holding the keys: the contacts on the resource map."""

from __future__ import annotations

from typing import Any

from shared.contracts.activities import ResourceMapped
from shared.eventstore import EventStore
from shared.runtime import RequestContext


async def resource_contacts(store: EventStore, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """Each resource's contact, for callers who may see its station (None otherwise, or once erased)."""
    found: list[str | None] = []
    for resource_id in [str(i) for i in body.get("resource_ids", [])][:200]:
        contact = None
        for recorded in await store.read_stream(f"resource-{resource_id}"):
            if isinstance(recorded.payload, ResourceMapped) and request.actor.may_act_for(recorded.payload.station_id):
                contact = recorded.payload.contact
        found.append(contact)
    return {"contacts": found}
