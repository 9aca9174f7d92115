"""Sensitive data needs valid values and consent; erasure is for the station head or the bureau, once."""

from __future__ import annotations

from datetime import date

import pytest

from services.cases.domain import recipient
from services.cases.domain.errors import (
    ConsentMissing,
    InvalidIdNumber,
    InvalidPhone,
    NotAllowedToErase,
    RecipientAlreadyErased,
    RecipientNotFound,
)
from shared.contracts.cases import RecipientDuplicateMerged, RecipientErased, RecipientRegistered
from shared.id_number import check_character, masked, valid_id_number
from tests.unit.cases.given import GRANDMOTHER, TODAY, WORKER, erase, register

BASE = "43010319680101123"
ID_NUMBER = BASE + check_character(BASE)
CONSENT = {"consent_given_on": date(2026, 10, 1), "consent_purpose": "建立个案档案"}


def test_check_characters_follow_gb_11643() -> None:
    assert check_character("11010519491231002") == "X"  # the standard's own example
    assert valid_id_number("11010519491231002x", 1949) == "11010519491231002X"


@pytest.mark.parametrize(("number", "says"), [
    ("4301031968010112", "17 位数字"),
    (BASE + ("0" if check_character(BASE) != "0" else "1"), "校验码"),
    ("43010319680231123" + check_character("43010319680231123"), "出生日期"),
    ("43010319700101123" + check_character("43010319700101123"), "出生年份"),
])
def test_a_wrong_id_number_is_refused_saying_what_is_wrong(number: str, says: str) -> None:
    with pytest.raises(InvalidIdNumber) as refused:
        recipient.decide(register(id_number=number, **CONSENT), recipient.INITIAL)
    assert says in refused.value.message.zh
    assert refused.value.field == "idNumber"


def test_sensitive_data_with_consent_is_recorded_with_the_consent() -> None:
    [event] = recipient.decide(register(id_number=ID_NUMBER, phone="139-1234-5678", **CONSENT), recipient.INITIAL)

    assert isinstance(event, RecipientRegistered)
    assert event.id_number == ID_NUMBER
    assert event.consent is not None and event.consent.recorded_by == WORKER.subject


def test_sensitive_data_without_consent_is_refused() -> None:
    with pytest.raises(ConsentMissing) as refused:
        recipient.decide(register(phone="13912345678"), recipient.INITIAL)
    assert refused.value.field == "consent"
    with pytest.raises(ConsentMissing):
        recipient.decide(register(address="一力社区", consent_given_on=date(2026, 10, 1)), recipient.INITIAL)


def test_a_childs_sensitive_data_needs_the_guardians_consent() -> None:
    child = {"birth_year": 2016, "phone": "13912345678", "categories": (), "guardian": GRANDMOTHER, **CONSENT}
    with pytest.raises(ConsentMissing) as refused:
        recipient.decide(register(**child), recipient.INITIAL)
    assert "监护人" in refused.value.message.zh
    [event] = recipient.decide(register(**child, consent_by_guardian=True), recipient.INITIAL)
    assert isinstance(event, RecipientRegistered) and event.consent and event.consent.by_guardian


def test_a_malformed_phone_is_refused() -> None:
    with pytest.raises(InvalidPhone):
        recipient.decide(register(phone="call me", **CONSENT), recipient.INITIAL)


def test_the_station_head_erases_a_recipient_once() -> None:
    state = recipient.evolve(recipient.INITIAL, recipient.decide(register(), recipient.INITIAL)[0])

    [erased] = recipient.decide(erase(), state)

    assert isinstance(erased, RecipientErased)
    with pytest.raises(RecipientAlreadyErased):
        recipient.decide(erase(), recipient.evolve(state, erased))
    with pytest.raises(NotAllowedToErase):
        recipient.decide(erase(actor=WORKER), state)
    with pytest.raises(RecipientNotFound):
        recipient.decide(erase(), recipient.INITIAL)


def test_masking_keeps_the_first_and_last_four() -> None:
    assert masked(ID_NUMBER) == "4301" + "*" * 10 + ID_NUMBER[-4:]


def _merged(survivor: recipient.Recipient, duplicate_id: str) -> recipient.Recipient:
    return recipient.evolve(survivor, RecipientDuplicateMerged(recipient_id="r-1", station_id=survivor.station_id,
                                                               duplicate_id=duplicate_id, merged_on=TODAY))


def test_erasing_a_recipient_erases_every_record_merged_into_them() -> None:
    survivor = _merged(recipient.evolve(recipient.INITIAL, recipient.decide(register(), recipient.INITIAL)[0]), "r-2")
    duplicate = recipient.evolve(recipient.INITIAL, recipient.decide(register(recipient_id="r-2"),
                                                                     recipient.INITIAL)[0])

    [theirs], its = recipient.erase_with_duplicates(erase(), survivor, {"r-2": duplicate})

    assert survivor.duplicates == ("r-2",)
    assert [(e.recipient_id, e.reason) for e in [*theirs, *its] if isinstance(e, RecipientErased)] == [
        ("r-2", "本人要求删除"), ("r-1", "本人要求删除")]


def test_a_recipient_erased_before_their_duplicates_were_is_erased_again_only_in_them() -> None:
    survivor = _merged(recipient.evolve(recipient.INITIAL, recipient.decide(register(), recipient.INITIAL)[0]), "r-2")
    erased = recipient.evolve(survivor, recipient.decide(erase(), survivor)[0])
    duplicate = recipient.evolve(recipient.INITIAL, recipient.decide(register(recipient_id="r-2"),
                                                                     recipient.INITIAL)[0])

    [theirs], its = recipient.erase_with_duplicates(erase(), erased, {"r-2": duplicate})

    assert (len(theirs), its) == (1, [])
    with pytest.raises(RecipientAlreadyErased):
        recipient.erase_with_duplicates(erase(), erased, {"r-2": recipient.evolve(duplicate, theirs[0])})
    with pytest.raises(NotAllowedToErase):
        recipient.erase_with_duplicates(erase(actor=WORKER), survivor, {"r-2": duplicate})
