"""Finding volunteers by part of the name, ID number or phone within the caller's stations, and the volunteers a
registration probably repeats: candidates from the keyed index, confirmed against their opened data here, the
only place that holds the keys. Every search is recorded, found or not (VolunteersSearched), and each volunteer
shown unmasked in their audit of reads."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from services.activities.adapters.volunteer_index import VolunteerIndex
from services.activities.application.views import (
    DISCLOSURES,
    MAY_UNMASK,
    VOLUNTEER_UNMASKED,
    masked_view,
    volunteer_view,
)
from services.activities.domain.volunteer_search import (
    Registrant,
    candidate_searches,
    matches,
    particulars,
    require_purpose,
    search_of,
)
from shared.application import Unit, answer, execute
from shared.contracts.activities import (
    VolunteerDataDisclosed,
    VolunteerErased,
    VolunteerRegistered,
    VolunteersSearched,
)
from shared.contracts.errors import Forbidden, InvalidInput, Message
from shared.eventstore import EventStore
from shared.kernel.matching import PotentialMatch, potential_matches
from shared.kernel.search_terms import Searched
from shared.rules import require_station
from shared.runtime import RequestContext

log = logging.getLogger(__name__)

FOUND_AT_MOST = 20
"""A search answers a few people to choose from, never a list to scroll."""


RAW_LONGEST = 200
"""Any term, before it is normalised and checked for its own bounds (the domain's)."""
HINT_CANDIDATES = 50
"""Records a registration's hints open at most (a common name at a large station), as the recipients' do."""


def _text(body: dict[str, Any], key: str, field: str) -> str | None:
    """A term of the request as text, of a length worth normalising."""
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > RAW_LONGEST:
        raise InvalidInput(Message(zh=f"{field} 应为不超过 {RAW_LONGEST} 个字符的文字",
                                   en=f"{field} must be text of at most {RAW_LONGEST} characters"), field=field)
    return value


def _scope(request: RequestContext, station_id: str | None) -> tuple[str, ...] | None:
    """The stations searched: the one named, if the caller sees it; else all of the caller's (None: every one)."""
    if station_id:
        require_station(request.actor, station_id)
        return (station_id,)
    return None if request.actor.sees_every_station else request.actor.station_ids


async def find_volunteers(store: EventStore, index: VolunteerIndex, body: dict[str, Any],
                          request: RequestContext) -> dict[str, Any]:
    """Up to 20 volunteers of the caller's stations matching every criterion given: masked as the volunteer list
    is (the name shown, ID number and contact masked, birth date hidden), or in clear for station staff who say
    why (`purpose`). Every search is recorded (VolunteersSearched), and each one shown unmasked in their audit of
    reads (VolunteerDataDisclosed), with how they were searched for, never the term."""
    search = search_of(_text(body, "name", "name"), _text(body, "id_number", "idNumber"),
                       _text(body, "phone", "phone"))
    purpose = require_purpose(_text(body, "purpose", "purpose"))
    if purpose and request.actor.role not in MAY_UNMASK:
        raise Forbidden(Message(zh="您的角色不能查看志愿者完整的身份证号、联系方式和出生日期",
                                en="Your role may not read volunteers' ID numbers, contacts and birth dates unmasked"),
                        field="purpose")
    stations = _scope(request, body.get("station_id"))
    found: list[dict[str, Any]] = []
    for volunteer_id in await index.candidates(stations, search.terms()):
        view = await volunteer_view(store, volunteer_id, request)
        if view is not None and not view["erased"] and matches(search, view["name"], view["id_number"],
                                                               view["contact"]):
            found.append(view)
        if len(found) == FOUND_AT_MOST:
            break
    log.info("find_volunteers by %s: %d found (%s)", request.actor.subject, len(found),
             "unmasked" if purpose else "masked")
    return {"volunteers": found if purpose else [masked_view(view) for view in found],
            "position": await _recorded(store, found, search, purpose, stations, request)}


async def _recorded(store: EventStore, found: list[dict[str, Any]], search: Searched, purpose: str,
                    stations: tuple[str, ...] | None, request: RequestContext) -> dict[str, Any]:
    """Every search, found or not, in one append: VolunteersSearched (who, where, by what and never the term,
    which ids), and an audit row per volunteer shown unmasked; answering its position, to read the audit back at
    once."""
    read_at = datetime.now(UTC)
    audit: list[object] = [VolunteersSearched(
        station_ids=tuple(stations or ()), every_station=stations is None, criteria=search.criteria(),
        purpose=purpose, found=tuple(view["volunteer_id"] for view in found), searched_by=request.actor.subject,
        searched_by_role=request.actor.role.value, searched_at=read_at)]
    if purpose:
        said = f"{purpose}（{search.described('志愿者', ' for volunteers')}）"
        audit += [VolunteerDataDisclosed(
            volunteer_id=view["volunteer_id"], station_id=view["station_id"],
            fields=tuple(f for f in VOLUNTEER_UNMASKED if view[f]), purpose=said, read_by=request.actor.subject,
            read_by_role=request.actor.role.value, read_at=read_at) for view in found]
    # A stream of its own per search, as the recipients' search has: one append, whatever the volunteers' own
    # trails of reads hold already.
    appended = await execute(Unit(store=store, request=request, fingerprint=""), DISCLOSURES,
                             f"volunteer_disclosures-search-{uuid4()}", lambda _: audit, {})
    return dict(answer(appended, "activities")["position"])


class VolunteersOnRecord:
    """The volunteers already on record that a registration probably repeats, from the index."""

    def __init__(self, index: VolunteerIndex) -> None:
        self._index = index

    async def like(self, store: EventStore, station_id: str, new: Registrant) -> list[PotentialMatch]:
        """The likeliest few at the station (the only one the registering staff see the volunteers of)."""
        ids: dict[str, None] = {}
        for search in candidate_searches(new):
            ids.update(dict.fromkeys(await self._index.candidates((station_id,), search.terms(),
                                                                  HINT_CANDIDATES)))
        known = {volunteer_id: particulars(registrant) for volunteer_id in list(ids)[:HINT_CANDIDATES]
                 if (registrant := await on_record(store, volunteer_id)) is not None}
        return potential_matches(particulars(new), known)


async def on_record(store: EventStore, volunteer_id: str) -> Registrant | None:
    """A volunteer as a duplicate is judged by; None once erased."""
    known: Registrant | None = None
    for recorded in await store.read_stream(f"volunteer-{volunteer_id}"):
        match recorded.payload:
            case VolunteerRegistered() as e:
                known = Registrant(name=e.name, gender=e.gender, birth_year=e.birth_year, id_number=e.id_number,
                                   contact=e.contact, residence_area=e.residence_area)
            case VolunteerErased():
                known = None
    return known
