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


async def _registered_fields(store: EventStore, ids: Any, prefix: str, registered: type, field: str,
                             request: RequestContext) -> list[Any]:
    """For each id (up to 200), one sealed field of its registration event, when the caller may see its
    station (None otherwise)."""
    found: list[Any] = []
    for ident in [str(i) for i in ids][:200]:
        value = None
        for recorded in await store.read_stream(f"{prefix}-{ident}"):
            if isinstance(recorded.payload, registered) and request.actor.may_act_for(recorded.payload.station_id):
                value = getattr(recorded.payload, field)
        found.append(value)
    return found


async def resource_contacts(store: EventStore, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """Each resource's contact, for callers who may see its station (None otherwise)."""
    return {"contacts": await _registered_fields(store, body.get("resource_ids", []), "resource", ResourceMapped,
                                                 "contact", request)}


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
    return {"leaders": await _registered_fields(store, body.get("organisation_ids", []), "organisation",
                                                OrganisationRegistered, "leader", request)}
