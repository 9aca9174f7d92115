"""Streets, communities and stations: only the bureau manages them."""

from __future__ import annotations

from datetime import date

import pytest

from services.activities.domain import places
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
    BadStationCode,
    ContractOverlaps,
    NotFoundHere,
    OnlyTheBureau,
    StationIsClosed,
    StreetNotFound,
)
from shared.contracts import Actor, Role
from shared.contracts.activities import (
    CommunityAdded,
    CommunityKind,
    CompoundAdded,
    StationOpened,
    StreetRegistered,
)

TODAY = date(2026, 11, 20)
BUREAU = Actor(subject="b-1", name="民政局", role=Role.DISTRICT_BUREAU, station_ids=("*",))
WORKER = Actor(subject="sw-1", name="社工", role=Role.SOCIAL_WORKER, station_ids=("s-1",))
REGISTER = RegisterStreet(actor=BUREAU, today=TODAY, street_id="st-1", name="黑石铺街道", district="天心区")
REGISTERED = StreetRegistered(street_id="st-1", name="黑石铺街道", district="天心区")


def street(*events: object) -> places.Street:
    state = places.STREET
    for event in events:
        state = places.evolve_street(state, event)
    return state


def add(name: str) -> AddCommunity:
    return AddCommunity(actor=BUREAU, today=TODAY, street_id="st-1", community_id=f"c-{name}", name=name,
                        kind=CommunityKind.VILLAGE)


def open_station(code: str = "HSP", actor: Actor = BUREAU) -> OpenStation:
    return OpenStation(actor=actor, today=TODAY, station_id="s-1", street_id="st-1", name="黑石铺街道社工站",
                       code=code, opened_on=date(2019, 1, 15))


def test_the_bureau_registers_a_street_and_adds_its_communities() -> None:
    assert places.decide_street(REGISTER, street()) == [REGISTERED]
    assert places.decide_street(add("披塘村"), street(REGISTERED)) == [
        CommunityAdded(street_id="st-1", community_id="c-披塘村", name="披塘村", kind=CommunityKind.VILLAGE)]


def test_a_community_needs_a_registered_street_and_a_name_not_yet_used() -> None:
    with pytest.raises(StreetNotFound):
        places.decide_street(add("披塘村"), street())
    [added] = places.decide_street(add("披塘村"), street(REGISTERED))
    with pytest.raises(AlreadyExists):
        places.decide_street(add("披塘村"), street(REGISTERED, added))


def test_a_social_worker_cannot_manage_places() -> None:
    with pytest.raises(OnlyTheBureau):
        places.decide_street(RegisterStreet(actor=WORKER, today=TODAY, street_id="st-1", name="x", district="y"),
                             street())
    with pytest.raises(OnlyTheBureau):
        places.open_station(open_station(actor=WORKER), street(REGISTERED), places.STATION)


def test_a_station_opens_once_on_a_registered_street_with_a_capital_letter_code() -> None:
    [opened] = places.open_station(open_station(), street(REGISTERED), places.STATION)
    assert isinstance(opened, StationOpened)
    with pytest.raises(AlreadyExists):
        places.open_station(open_station(), street(REGISTERED), places.evolve_station(places.STATION, opened))
    with pytest.raises(StreetNotFound):
        places.open_station(open_station(), street(), places.STATION)
    with pytest.raises(BadStationCode):
        places.open_station(open_station(code="hsp"), street(REGISTERED), places.STATION)


def test_a_compound_belongs_to_a_community_of_the_street_once() -> None:
    state = street(REGISTERED, CommunityAdded(street_id="st-1", community_id="c-1", name="九峰苑社区",
                                              kind=CommunityKind.COMMUNITY))
    add = AddCompound(actor=BUREAU, today=TODAY, street_id="st-1", community_id="c-1", compound_id="cp-1",
                      name="绿地公馆")
    [added] = places.decide_street(add, state)
    assert isinstance(added, CompoundAdded)
    with pytest.raises(AlreadyExists):
        places.decide_street(add, places.evolve_street(state, added))
    with pytest.raises(NotFoundHere):
        places.decide_street(AddCompound(**{**add.__dict__, "community_id": "c-9"}), state)


def test_a_contract_covers_registered_streets_and_never_overlaps_itself_on_one() -> None:
    streets = {"st-1": street(REGISTERED)}
    operator = places.evolve_operator(places.OPERATOR, places.decide_operator(
        RegisterOperator(actor=BUREAU, today=TODAY, operator_id="o-1", name="培源社工"), {}, places.OPERATOR)[0])
    award = AwardContract(actor=BUREAU, today=TODAY, operator_id="o-1", contract_id="k-1", street_ids=("st-1",),
                          starts_on=date(2026, 1, 1), ends_on=date(2027, 12, 31))
    [awarded] = places.decide_operator(award, streets, operator)
    holding = places.evolve_operator(operator, awarded)

    with pytest.raises(ContractOverlaps):
        places.decide_operator(AwardContract(**{**award.__dict__, "contract_id": "k-2",
                                                "starts_on": date(2027, 6, 1), "ends_on": date(2028, 5, 31)}),
                               streets, holding)
    places.decide_operator(AwardContract(**{**award.__dict__, "contract_id": "k-3", "starts_on": date(2028, 1, 1),
                                            "ends_on": date(2029, 12, 31)}), streets, holding)
    with pytest.raises(StreetNotFound):
        places.decide_operator(AwardContract(**{**award.__dict__, "street_ids": ("st-9",)}), streets, operator)
    with pytest.raises(OnlyTheBureau):
        places.decide_operator(AwardContract(**{**award.__dict__, "actor": WORKER}), streets, operator)


def test_a_closed_station_takes_no_new_work() -> None:
    opened = places.evolve_station(places.STATION, StationOpened(station_id="s-1", street_id="st-1", name="站",
                                                                 code="HSP", opened_on=date(2019, 1, 15)))
    close = CloseStation(actor=BUREAU, today=TODAY, station_id="s-1", closed_on=TODAY, reason="街道合并")
    with pytest.raises(OnlyTheBureau):
        places.close_station(CloseStation(**{**close.__dict__, "actor": WORKER}), opened)
    closed = places.evolve_station(opened, places.close_station(close, opened)[0])

    with pytest.raises(StationIsClosed):
        places.require_open(closed, "s-1")
    with pytest.raises(StationIsClosed):
        places.close_station(close, closed)


def test_one_open_station_a_street_each_with_a_code_of_its_own() -> None:
    hsp = places.evolve_station(places.STATION, StationOpened(station_id="s-1", street_id="st-1", name="站",
                                                              code="HSP", opened_on=date(2019, 1, 15)))
    command = OpenStation(actor=BUREAU, today=TODAY, station_id="s-2", street_id="st-1", name="第二个站", code="HSX",
                          opened_on=TODAY)
    with pytest.raises(AlreadyExists) as refused:
        places.open_station(command, street(REGISTERED), places.STATION, (hsp,))
    assert refused.value.field == "streetId"
    with pytest.raises(AlreadyExists):
        places.open_station(OpenStation(**{**command.__dict__, "street_id": "st-2", "code": "HSP"}),
                            street(StreetRegistered(street_id="st-2", name="街", district="区")), places.STATION,
                            (hsp,))


def test_a_street_is_under_one_organisations_contract_at_a_time() -> None:
    streets = {"st-1": street(REGISTERED)}
    other = places.evolve_operator(places.OPERATOR, places.decide_operator(
        RegisterOperator(actor=BUREAU, today=TODAY, operator_id="o-2", name="另一机构"), {}, places.OPERATOR)[0])
    held_by_someone_else = (("k-1", ("st-1",), date(2026, 1, 1), date(2027, 12, 31)),)
    award = AwardContract(actor=BUREAU, today=TODAY, operator_id="o-2", contract_id="k-2", street_ids=("st-1",),
                          starts_on=date(2027, 1, 1), ends_on=date(2027, 6, 30))
    with pytest.raises(ContractOverlaps):
        places.decide_operator(award, streets, other, held_by_someone_else)
    with pytest.raises(AlreadyExists):
        places.decide_operator(AwardContract(**{**award.__dict__, "contract_id": "k-1", "starts_on": date(2028, 1, 1),
                                                "ends_on": date(2028, 6, 30)}), streets, other, held_by_someone_else)
