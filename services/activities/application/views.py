"""What only this service can show, holding the keys: the contacts on the resource map, volunteers' names."""

from __future__ import annotations

from typing import Any

from shared.contracts.activities import (
    OrganisationRegistered,
    ResourceMapped,
    VolunteerErased,
    VolunteerRegistered,
)
from shared.eventstore import EventStore
from shared.id_number import masked
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


async def volunteer_views(store: EventStore, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """Each volunteer's name, with ID number and contact masked, for readers of their station (None otherwise);
    after erasure, every personal field is None."""
    found: list[dict[str, Any] | None] = []
    for volunteer_id in [str(i) for i in body.get("volunteer_ids", [])][:200]:
        view: dict[str, Any] | None = None
        for recorded in await store.read_stream(f"volunteer-{volunteer_id}"):
            match recorded.payload:
                case VolunteerRegistered() as e if request.actor.may_act_for(e.station_id):
                    view = {"name": e.name, "id_number": e.id_number and masked(e.id_number),
                            "contact": e.contact and masked(e.contact), "erased": False}
                case VolunteerErased() if view is not None:
                    view = {"name": None, "id_number": None, "contact": None, "erased": True}
        found.append(view)
    return {"volunteers": found}


async def organisation_leaders(store: EventStore, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """Each organisation's leader, for readers of its station (None otherwise)."""
    found: list[str | None] = []
    for organisation_id in [str(i) for i in body.get("organisation_ids", [])][:200]:
        leader = None
        for recorded in await store.read_stream(f"organisation-{organisation_id}"):
            if isinstance(recorded.payload, OrganisationRegistered) and request.actor.may_act_for(
                    recorded.payload.station_id):
                leader = recorded.payload.leader
        found.append(leader)
    return {"leaders": found}
