"""What only this service can show, holding the keys: the contacts on the resource map, volunteers' personal data
(masked, or unmasked for station staff who say why, audited as recipients' are)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from shared.application import Decider, Unit, answer, execute
from shared.contracts import Role
from shared.contracts.activities import (
    VOLUNTEER_PERSONAL,
    OrganisationRegistered,
    ResourceMapped,
    VolunteerDataDisclosed,
    VolunteerErased,
    VolunteerRegistered,
)
from shared.contracts.errors import Forbidden, InvalidInput, Message
from shared.eventstore import EventStore
from shared.id_number import masked
from shared.masking import masked_phone
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


VOLUNTEER_UNMASKED = ("birth_date", "id_number", "contact")
"""What a masked view of a volunteer hides or masks, and what reading unmasked discloses (and records): the sealed
data but the name (VOLUNTEER_PERSONAL), as a recipient's."""
MAY_UNMASK = (Role.SOCIAL_WORKER, Role.STATION_HEAD)
"""Station staff read their own station's volunteers' data unmasked; nobody else does (as for recipients)."""
DISCLOSURES = Decider(stream_type="volunteer_disclosure", initial_state=0, evolve=lambda seen, _: seen + 1)
"""A volunteer's audit trail of unmasked reads: appended to, never decided on."""


async def volunteer_view(store: EventStore, volunteer_id: str, request: RequestContext) -> dict[str, Any] | None:
    """A volunteer's sealed data in clear, and their consent, for readers of their station (None otherwise);
    after erasure every personal field is None."""
    view: dict[str, Any] | None = None
    for recorded in await store.read_stream(f"volunteer-{volunteer_id}"):
        match recorded.payload:
            case VolunteerRegistered() as e if request.actor.may_act_for(e.station_id):
                view = {"volunteer_id": e.volunteer_id, "station_id": e.station_id, "name": e.name,
                        "gender": e.gender, "birth_year": e.birth_year,
                        "birth_date": e.birth_date and e.birth_date.isoformat(), "id_number": e.id_number,
                        "contact": e.contact, "consent_given_on": e.consent and e.consent.given_on.isoformat(),
                        "consent_purpose": e.consent and e.consent.purpose,
                        "consent_by_guardian": bool(e.consent and e.consent.by_guardian), "erased": False,
                        "masked": False}
            case VolunteerErased() if view is not None:
                view = {**view, **dict.fromkeys(VOLUNTEER_PERSONAL), "erased": True}
    return view


def masked_view(view: dict[str, Any]) -> dict[str, Any]:
    """ID number and contact masked, birth date hidden (as a recipient's are)."""
    return {**view, "masked": True, "birth_date": None, "id_number": view["id_number"] and masked(view["id_number"]),
            "contact": view["contact"] and masked_phone(view["contact"])}


async def volunteer_views(store: EventStore, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """Each volunteer's name, with ID number and contact masked and birth date hidden, for readers of their
    station (None otherwise); after erasure, every personal field is None."""
    found: list[dict[str, Any] | None] = []
    for volunteer_id in [str(i) for i in body.get("volunteer_ids", [])][:200]:
        view = await volunteer_view(store, volunteer_id, request)
        found.append(None if view is None else masked_view(view))
    return {"volunteers": found}


async def volunteer_unmasked(store: EventStore, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """One volunteer with ID number, contact and birth date in clear, for station staff who say why; audited
    (VolunteerDataDisclosed), answering the audit's position when something was disclosed."""
    purpose = str(body.get("purpose") or "").strip()
    if not purpose:
        raise InvalidInput(Message(zh="查看完整敏感信息须说明用途", en="Say why you need the unmasked data (purpose)"),
                           field="purpose")
    view = await volunteer_view(store, str(body.get("volunteer_id", "")), request)
    if view is None:
        return {"volunteer": None}
    if request.actor.role not in MAY_UNMASK:
        raise Forbidden(Message(zh="您的角色不能查看志愿者完整的身份证号、联系方式和出生日期",
                                en="Your role may not read volunteers' ID numbers, contacts and birth dates unmasked"),
                        field="unmasked")
    disclosed = tuple(f for f in VOLUNTEER_UNMASKED if view[f])
    if not disclosed:
        return {"volunteer": view}
    event = VolunteerDataDisclosed(volunteer_id=view["volunteer_id"], station_id=view["station_id"],
                                   fields=disclosed, purpose=purpose, read_by=request.actor.subject,
                                   read_by_role=request.actor.role.value, read_at=datetime.now(UTC))
    appended = await execute(Unit(store=store, request=request, fingerprint=""), DISCLOSURES,
                             f"volunteer_disclosures-{view['volunteer_id']}", lambda _: [event], {})
    return {"volunteer": view, "position": answer(appended, "activities")["position"]}


async def organisation_leaders(store: EventStore, body: dict[str, Any], request: RequestContext) -> dict[str, Any]:
    """Each organisation's leader, for readers of its station (None otherwise)."""
    return {"leaders": await _registered_fields(store, body.get("organisation_ids", []), "organisation",
                                                OrganisationRegistered, "leader", request)}
