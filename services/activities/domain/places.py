"""Streets with their communities, and stations: the places the work happens in."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from services.activities.domain.commands import (
    AddCommunity,
    AddCompound,
    AwardContract,
    CloseStation,
    OpenStation,
    RegisterOperator,
    RegisterStreet,
)
from services.activities.domain.errors import (
    AlreadyExists,
    BadDivisionCode,
    BadStationCode,
    ContractOverlaps,
    EndsBeforeStart,
    NoCommunityNamed,
    NotFoundHere,
    StationIsClosed,
    StreetNotFound,
)
from services.activities.domain.rules import require_bureau
from shared.contracts.activities import (
    CodedPlace,
    CommunityAdded,
    CompoundAdded,
    ContractAwarded,
    DivisionCodeClaimed,
    OperatorRegistered,
    StationClosed,
    StationOpened,
    StreetRegistered,
)
from shared.kernel.places import (
    community_code_problem,
    community_key,
    community_reference,
    district_code_problem,
    street_code_problem,
)
from shared.rules import require_items, require_not_future, require_text

_CODE = re.compile(r"[A-Z]{2,6}")


@dataclass(frozen=True)
class Street:
    registered: bool = False
    district_code: str | None = None
    division_code: str | None = None
    community_names: frozenset[str] = frozenset()
    """Each community's `community_key`: "一力 社区" is "一力社区"."""
    community_ids: frozenset[str] = frozenset()
    compounds: frozenset[tuple[str, str]] = frozenset()
    """(community id, compound name)"""
    compound_ids: frozenset[str] = frozenset()
    communities: tuple[Community, ...] = ()
    """The street's communities in the order they were added: what a record's community is resolved against."""


@dataclass(frozen=True)
class Community:
    community_id: str
    name: str
    division_code: str | None = None


@dataclass(frozen=True)
class Operator:
    registered: bool = False
    contracts: tuple[tuple[str, tuple[str, ...], date, date], ...] = ()
    """(contract id, street ids, from, until) of each contract."""


OPERATOR = Operator()


@dataclass(frozen=True)
class Station:
    opened: bool = False
    code: str = ""
    closed: bool = False
    street_id: str = ""
    opened_on: date | None = None


def community_named(street: Street, community_id: str | None, text: str, field: str = "community",
                    required: bool = True, id_field: str = "communityId") -> tuple[str | None, str]:
    """The (community id, name) a record of the street's station is of: `community_id`, or the street's community
    `text` names (its name as people write it, "一力 社区" for 一力社区, or its 12-digit division code); given
    both, they must agree. The name is the community's registered one. A street with no communities the service
    knows of (registered before them) takes the text as given, with no id: reporting lists it as unresolved, it is
    not guessed. Neither given is refused when `required`, and is (None, "") when not."""
    if community_id is None and not text.strip():
        if required:
            raise NoCommunityNamed(field)
        return None, ""
    chosen, name = community_reference(text, community_id, [
        {"community_id": c.community_id, "name": c.name, "division_code": c.division_code}
        for c in street.communities], field, id_field)
    return chosen, name or ""


def require_open(station: Station, station_id: str, field: str = "stationId") -> None:
    """The station exists and has not been closed: new work can be recorded there."""
    if not station.opened:
        raise NotFoundHere("社工站", "station", station_id, field)
    if station.closed:
        raise StationIsClosed(station_id, field)


STREET = Street()
STATION = Station()


@dataclass(frozen=True)
class Claim:
    """Who holds a 12-digit division code: its stream is `division_code-<code>`."""

    place: CodedPlace | None = None
    place_id: str = ""


UNCLAIMED = Claim()


def decide_street(command: RegisterStreet | AddCommunity | AddCompound, state: Street,
                  claim: Claim = UNCLAIMED) -> list[object]:
    """`claim` is the holder of the command's division code, if it names one (see `decide_coded`)."""
    require_bureau(command.actor)
    match command:
        case RegisterStreet():
            if state.registered:
                raise AlreadyExists("街道", "The street", "streetId")
            district_code, division_code = _street_codes(command, claim)
            return [StreetRegistered(street_id=command.street_id, name=command.name.strip(),
                                     district=command.district.strip(), district_code=district_code,
                                     division_code=division_code)]
        case AddCommunity():
            if not state.registered:
                raise StreetNotFound(command.street_id)
            name = require_text("name", command.name)
            if community_key(name) in state.community_names:
                raise AlreadyExists(f"社区 {name}", f"Community {name}", "name")
            code = command.division_code
            if code is not None:
                _require_code("divisionCode", code, community_code_problem(code, state.division_code))
                _require_unclaimed(code, claim)
            return [CommunityAdded(street_id=command.street_id, community_id=command.community_id,
                                   name=name, kind=command.kind, division_code=code)]
        case AddCompound():
            if not state.registered:
                raise StreetNotFound(command.street_id)
            if command.community_id not in state.community_ids:
                raise NotFoundHere("社区", "community", command.community_id, "communityId")
            name = require_text("name", command.name)
            if command.compound_id in state.compound_ids:
                raise AlreadyExists(f"小区 {command.compound_id}", f"Compound {command.compound_id}", "compoundId")
            if (command.community_id, name) in state.compounds:
                raise AlreadyExists(f"小区 {name}", f"Compound {name}", "name")
            return [CompoundAdded(street_id=command.street_id, community_id=command.community_id,
                                  compound_id=command.compound_id, name=name)]


def _street_codes(command: RegisterStreet, claim: Claim) -> tuple[str | None, str | None]:
    district_code, division_code = command.district_code, command.division_code
    if district_code is not None:
        _require_code("districtCode", district_code, district_code_problem(district_code))
    if division_code is not None:
        _require_code("divisionCode", division_code, street_code_problem(division_code, district_code))
        _require_unclaimed(division_code, claim)
    return district_code, division_code


def _require_code(field: str, code: str, problem: tuple[str, str] | None) -> None:
    if problem is not None:
        raise BadDivisionCode(field, code, problem)


def _require_unclaimed(code: str, claim: Claim) -> None:
    if claim.place is not None:
        what_zh = "街道" if claim.place is CodedPlace.STREET else "社区"
        raise AlreadyExists(f"统计用区划代码 {code}（已属于{what_zh} {claim.place_id}）",
                            f"Division code {code} (held by {claim.place.value} {claim.place_id})", "divisionCode")


def decide_coded(command: RegisterStreet | AddCommunity, street: Street,
                 claim: Claim) -> tuple[list[object], list[object]]:
    """A street or community with a division code: the code's stream takes it, the street records it, both or
    neither (the events of the code's stream, then the street's)."""
    events = decide_street(command, street, claim)
    code = command.division_code
    assert code is not None, "decide_coded is for a command naming a division code"
    place, place_id = ((CodedPlace.STREET, command.street_id) if isinstance(command, RegisterStreet)
                       else (CodedPlace.COMMUNITY, command.community_id))
    return [DivisionCodeClaimed(code=code, place=place, place_id=place_id, street_id=command.street_id)], events


def evolve_claim(state: Claim, event: object) -> Claim:
    match event:
        case DivisionCodeClaimed(place=place, place_id=place_id):
            return Claim(place=place, place_id=place_id)
    return state


def evolve_street(state: Street, event: object) -> Street:
    match event:
        case StreetRegistered(district_code=district_code, division_code=division_code):
            return replace(state, registered=True, district_code=district_code, division_code=division_code)
        case CommunityAdded(name=name, community_id=community_id, division_code=code):
            return replace(state, community_names=state.community_names | {community_key(name)},
                           community_ids=state.community_ids | {community_id},
                           communities=(*state.communities, Community(community_id, name, code)))
        case CompoundAdded(community_id=community_id, name=name, compound_id=compound_id):
            return replace(state, compounds=state.compounds | {(community_id, name)},
                           compound_ids=state.compound_ids | {compound_id})
    return state


Contract = tuple[str, tuple[str, ...], date, date]
"""(contract id, street ids, from, until)"""


def decide_operator(command: RegisterOperator | AwardContract, streets: dict[str, Street],
                    state: Operator, every_contract: tuple[Contract, ...] = ()) -> list[object]:
    """The bureau registers operating organisations and awards them contracts for streets' stations.
    `every_contract` is every organisation's: a street is under one contract at a time."""
    require_bureau(command.actor)
    match command:
        case RegisterOperator():
            if state.registered:
                raise AlreadyExists("运营机构", "The organisation", "operatorId")
            return [OperatorRegistered(operator_id=command.operator_id, name=require_text("name", command.name))]
        case AwardContract():
            if not state.registered:
                raise NotFoundHere("运营机构", "organisation", command.operator_id, "operatorId")
            if command.ends_on < command.starts_on:
                raise EndsBeforeStart("endsOn")
            chosen = require_items("streetIds", command.street_ids)
            if any(contract_id == command.contract_id for contract_id, *_ in every_contract):
                raise AlreadyExists(f"合同 {command.contract_id}", f"Contract {command.contract_id}", "contractId")
            for street_id in chosen:
                if not streets.get(street_id, STREET).registered:
                    raise StreetNotFound(street_id)
                for contract_id, street_ids, starts_on, ends_on in (*state.contracts, *every_contract):
                    if street_id in street_ids and starts_on <= command.ends_on and command.starts_on <= ends_on:
                        raise ContractOverlaps(street_id, contract_id)
            return [ContractAwarded(operator_id=command.operator_id, contract_id=command.contract_id,
                                    street_ids=chosen, starts_on=command.starts_on, ends_on=command.ends_on,
                                    awarded_by=command.actor.subject)]


def evolve_operator(state: Operator, event: object) -> Operator:
    match event:
        case OperatorRegistered():
            return replace(state, registered=True)
        case ContractAwarded(contract_id=contract_id, street_ids=street_ids, starts_on=starts_on, ends_on=ends_on):
            return replace(state, contracts=(*state.contracts, (contract_id, street_ids, starts_on, ends_on)))
    return state


def open_station(command: OpenStation, street: Street, state: Station,
                 others: tuple[Station, ...] = ()) -> list[object]:
    """One open station per street, each with its own code; `others` are the stations already opened."""
    require_bureau(command.actor)
    if state.opened:
        raise AlreadyExists("社工站", "The station", "stationId")
    if not street.registered:
        raise StreetNotFound(command.street_id)
    if not _CODE.fullmatch(command.code):
        raise BadStationCode(command.code)
    if any(s.street_id == command.street_id and not s.closed for s in others):
        raise AlreadyExists("该街道的社工站", "The street's station", "streetId")
    if any(s.code == command.code for s in others):
        raise AlreadyExists(f"社工站代码 {command.code}", f"Station code {command.code}", "code")
    return [StationOpened(station_id=command.station_id, street_id=command.street_id, name=command.name.strip(),
                          code=command.code, opened_on=command.opened_on)]


def close_station(command: CloseStation, state: Station) -> list[object]:
    require_bureau(command.actor)
    require_open(state, command.station_id)
    require_not_future("closedOn", command.closed_on, command.today)
    return [StationClosed(station_id=command.station_id, closed_on=command.closed_on,
                          reason=require_text("reason", command.reason))]


def evolve_station(state: Station, event: object) -> Station:
    """Targets set on the station's stream change nothing deciding needs."""
    match event:
        case StationOpened(code=code, street_id=street_id, opened_on=opened_on):
            return Station(opened=True, code=code, street_id=street_id, opened_on=opened_on)
        case StationClosed():
            return replace(state, closed=True)
    return state
