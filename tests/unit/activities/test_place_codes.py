"""Places carry their official codes: a district's GB/T 2260 code, a street's and a community's 12-digit
statistical division code, each under its parent's and each one place's; community names compared as written."""

from __future__ import annotations

from datetime import date

import pytest

from services.activities.domain import places
from services.activities.domain.commands import AddCommunity, RegisterStreet
from services.activities.domain.errors import AlreadyExists, BadDivisionCode
from shared.contracts import Actor, Role
from shared.contracts.activities import CodedPlace, CommunityAdded, CommunityKind, DivisionCodeClaimed, StreetRegistered
from shared.contracts.registry import decode_event
from shared.kernel.places import community_key

TODAY = date(2026, 11, 20)
BUREAU = Actor(subject="b-1", name="民政局", role=Role.DISTRICT_BUREAU, station_ids=("*",))


def register(district_code: str | None = "430103", division_code: str | None = "430103012000") -> RegisterStreet:
    return RegisterStreet(actor=BUREAU, today=TODAY, street_id="st-1", name="黑石铺街道", district="天心区",
                          district_code=district_code, division_code=division_code)


def add(name: str = "一力社区", code: str | None = "430103012001", community_id: str = "c-1") -> AddCommunity:
    return AddCommunity(actor=BUREAU, today=TODAY, street_id="st-1", community_id=community_id, name=name,
                        kind=CommunityKind.COMMUNITY, division_code=code)


REGISTERED = StreetRegistered(street_id="st-1", name="黑石铺街道", district="天心区", district_code="430103",
                              division_code="430103012000")
STREET = places.evolve_street(places.STREET, REGISTERED)


def test_a_street_registered_with_its_codes_takes_its_division_code() -> None:
    claims, events = places.decide_coded(register(), places.STREET, places.UNCLAIMED)
    assert events == [REGISTERED]
    assert claims == [DivisionCodeClaimed(code="430103012000", place=CodedPlace.STREET, place_id="st-1",
                                          street_id="st-1")]


@pytest.mark.parametrize(("district_code", "division_code", "field", "said"), [
    ("43010", "430103012000", "districtCode", "must be 6 digits"),
    ("430100", "430103012000", "districtCode", "not a district's"),
    ("430103", "43010301200", "divisionCode", "must be 12 digits"),
    ("430103", "430104012000", "divisionCode", "must begin with its district's code 430103"),
    ("430103", "430103012001", "divisionCode", "end in 000"),
    ("430103", "430103000000", "divisionCode", "not 000"),
])
def test_a_street_code_of_the_wrong_shape_or_district_is_refused_naming_the_field(
        district_code: str, division_code: str, field: str, said: str) -> None:
    with pytest.raises(BadDivisionCode) as refused:
        places.decide_coded(register(district_code, division_code), places.STREET, places.UNCLAIMED)
    assert refused.value.code == "bad_division_code"
    assert refused.value.field == field
    assert said in refused.value.message.en
    assert f"“{field}”" in refused.value.message.zh


def test_a_community_code_begins_with_its_streets_nine_digits_and_ends_in_its_own() -> None:
    claims, events = places.decide_coded(add(), STREET, places.UNCLAIMED)
    assert events == [CommunityAdded(street_id="st-1", community_id="c-1", name="一力社区",
                                     kind=CommunityKind.COMMUNITY, division_code="430103012001")]
    assert [c.place for c in claims] == [CodedPlace.COMMUNITY]  # type: ignore[attr-defined]
    for code, said in (("430103011001", "its street's code 430103012"), ("430103012000", "not 000"),
                       ("4301030120011", "12 digits")):
        with pytest.raises(BadDivisionCode, match=said):
            places.decide_coded(add(code=code), STREET, places.UNCLAIMED)


def test_a_code_another_place_holds_is_refused() -> None:
    held = places.evolve_claim(places.UNCLAIMED, DivisionCodeClaimed(
        code="430103012001", place=CodedPlace.COMMUNITY, place_id="c-0", street_id="st-1"))
    with pytest.raises(AlreadyExists) as refused:
        places.decide_coded(add(), STREET, held)
    assert refused.value.field == "divisionCode"
    assert "c-0" in refused.value.message.en


def test_a_community_spelled_with_a_space_or_full_width_is_the_same_community() -> None:
    assert community_key("一力 社区") == community_key("一力社区") == community_key("一力\u3000社区")
    assert community_key("ＡＢ社区") == community_key("AB社区")
    [added] = places.decide_street(add(code=None), STREET)
    with pytest.raises(AlreadyExists) as refused:
        places.decide_street(add("一力 社区", code=None, community_id="c-2"), places.evolve_street(STREET, added))
    assert refused.value.field == "name"


def test_places_registered_before_codes_decode_with_none() -> None:
    old_street = decode_event("StreetRegistered", {"street_id": "st-1", "name": "黑石铺街道", "district": "天心区"}, 1)
    old_community = decode_event("CommunityAdded", {"street_id": "st-1", "community_id": "c-1", "name": "披塘村",
                                                    "kind": "village"}, 1)
    assert old_street == StreetRegistered(street_id="st-1", name="黑石铺街道", district="天心区")
    assert isinstance(old_community, CommunityAdded) and old_community.division_code is None
    old = places.evolve_street(places.STREET, old_street)
    [added] = places.decide_street(add(code="430103012001"), old)  # no street code: the shape alone is checked
    assert added == CommunityAdded(street_id="st-1", community_id="c-1", name="一力社区",
                                   kind=CommunityKind.COMMUNITY, division_code="430103012001")
