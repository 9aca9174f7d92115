"""Streets with their communities, and stations: the places the work happens in."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from services.activities.domain.commands import AddCommunity, OpenStation, RegisterStreet
from services.activities.domain.errors import AlreadyExists, BadStationCode, OnlyTheBureau, StreetNotFound
from shared.contracts import Actor, Role
from shared.contracts.activities import CommunityAdded, StationOpened, StreetRegistered

_CODE = re.compile(r"[A-Z]{2,6}")


@dataclass(frozen=True)
class Street:
    registered: bool = False
    community_names: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Station:
    opened: bool = False
    code: str = ""


STREET = Street()
STATION = Station()


def _require_bureau(actor: Actor) -> None:
    if actor.role not in (Role.DISTRICT_BUREAU, Role.SYSTEM):
        raise OnlyTheBureau()


def decide_street(command: RegisterStreet | AddCommunity, state: Street) -> list[object]:
    _require_bureau(command.actor)
    match command:
        case RegisterStreet():
            if state.registered:
                raise AlreadyExists("街道", "The street", "streetId")
            return [StreetRegistered(street_id=command.street_id, name=command.name.strip(),
                                     district=command.district.strip())]
        case AddCommunity():
            if not state.registered:
                raise StreetNotFound(command.street_id)
            if command.name.strip() in state.community_names:
                raise AlreadyExists(f"社区 {command.name}", f"Community {command.name}", "name")
            return [CommunityAdded(street_id=command.street_id, community_id=command.community_id,
                                   name=command.name.strip(), kind=command.kind)]


def evolve_street(state: Street, event: object) -> Street:
    match event:
        case StreetRegistered():
            return replace(state, registered=True)
        case CommunityAdded(name=name):
            return replace(state, community_names=state.community_names | {name})
    return state


def open_station(command: OpenStation, street: Street, state: Station) -> list[object]:
    _require_bureau(command.actor)
    if state.opened:
        raise AlreadyExists("社工站", "The station", "stationId")
    if not street.registered:
        raise StreetNotFound(command.street_id)
    if not _CODE.fullmatch(command.code):
        raise BadStationCode(command.code)
    return [StationOpened(station_id=command.station_id, street_id=command.street_id, name=command.name.strip(),
                          code=command.code, opened_on=command.opened_on)]


def evolve_station(state: Station, event: object) -> Station:
    """Targets set on the station's stream change nothing deciding needs."""
    return Station(opened=True, code=event.code) if isinstance(event, StationOpened) else state
