"""A recipient's community is a community of the station's street: named, coded or given by id, recorded as one."""

from __future__ import annotations

import pytest

from services.cases.domain import recipient
from services.cases.domain.commands import UpdateRecipient
from services.cases.domain.errors import BlankField
from shared.contracts.cases import RecipientRegistered, RecipientUpdated
from shared.kernel.matching import MatchReason, Particulars, likelihood
from shared.kernel.places import CommunitiesDisagree, UnknownCommunity
from tests.unit.cases.given import TODAY, WORKER, register

STREET = ({"community_id": "c-yili", "name": "一力社区", "division_code": "430103012002"},
          {"community_id": "c-mingan", "name": "铭安社区", "division_code": "430103012003"})
"""The communities of the station's street, as the cases service follows them."""


def registered_at(street: tuple[dict[str, str], ...] = STREET, **changes: object) -> RecipientRegistered:
    [event] = recipient.register(register(**changes), recipient.INITIAL, street)
    assert isinstance(event, RecipientRegistered)
    return event


@pytest.mark.parametrize("named", [{"community": "一力社区"}, {"community": " 一力 社区 "},
                                   {"community": "一力\u3000社区"}, {"community": "430103012002"},
                                   {"community": None, "community_id": "c-yili"},
                                   {"community": "一力 社区", "community_id": "c-yili"}])
def test_a_community_however_written_is_recorded_as_the_streets_one_by_id_and_registered_name(
        named: dict[str, object]) -> None:
    event = registered_at(**named)

    assert (event.community_id, event.community) == ("c-yili", "一力社区")


@pytest.mark.parametrize(("named", "error", "field"), [
    ({"community": "坡子街社区"}, UnknownCommunity, "community"),
    ({"community": None, "community_id": "c-elsewhere"}, UnknownCommunity, "communityId"),
    ({"community": "铭安社区", "community_id": "c-yili"}, CommunitiesDisagree, "community"),
    ({"community": None}, BlankField, "community"),
    ({"community": "  "}, BlankField, "community"),
])
def test_a_community_not_of_the_street_or_named_two_ways_at_odds_is_refused_naming_the_field(
        named: dict[str, object], error: type[Exception], field: str) -> None:
    with pytest.raises(error) as refused:
        registered_at(**named)

    assert getattr(refused.value, "field", None) == field
    assert refused.value.message.zh and refused.value.message.en  # type: ignore[attr-defined]


def test_at_a_street_whose_communities_are_not_known_the_text_is_kept_unresolved_and_an_id_is_refused() -> None:
    event = registered_at((), community=" 一力 社区 ")

    assert (event.community_id, event.community) == (None, "一力 社区")
    with pytest.raises(UnknownCommunity) as refused:
        registered_at((), community=None, community_id="c-yili")
    assert refused.value.field == "communityId"


def test_an_update_moves_the_recipient_to_a_community_of_the_street_and_refuses_one_not_of_it() -> None:
    state = recipient.evolve(recipient.INITIAL, registered_at())

    def update(**changes: object) -> list[object]:
        command = UpdateRecipient(actor=WORKER, today=TODAY, recipient_id="r-1", **changes)  # type: ignore[arg-type]
        return recipient.update(command, state, STREET)

    [by_code] = update(community="430103012003")
    [by_id] = update(community_id="c-mingan")
    assert isinstance(by_code, RecipientUpdated) and isinstance(by_id, RecipientUpdated)
    assert (by_code.community_id, by_code.community, by_code.changed) == ("c-mingan", "铭安社区", ("community",))
    assert (by_id.community_id, by_id.community) == ("c-mingan", "铭安社区")
    with pytest.raises(UnknownCommunity):
        update(community="状元坡社区")


def test_two_records_with_community_ids_are_of_one_community_by_id_not_by_text() -> None:
    ye = Particulars(name="叶某", birth_year=1968, gender="male", community="一力社区", community_id="c-yili")
    written_otherwise = Particulars(name="叶某", birth_year=1968, gender="male", community="一力 社区")
    same_text_other_id = Particulars(name="叶某", birth_year=1968, gender="male", community="一力社区",
                                     community_id="c-other")

    assert MatchReason.SAME_COMMUNITY in likelihood(ye, written_otherwise)[1]
    assert MatchReason.SAME_COMMUNITY not in likelihood(ye, same_text_other_id)[1]
