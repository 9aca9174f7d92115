"""Registering a recipient."""

from __future__ import annotations

import pytest

from services.cases.domain import recipient
from services.cases.domain.errors import NotYourStation, OutOfRange, RecipientAlreadyRegistered
from shared.contracts.cases import CategorySource, RecipientCategory, RecipientRegistered
from shared.contracts.errors import InvalidInput
from tests.unit.cases.given import STRANGER, member, register


def given(*events: object) -> recipient.Recipient:
    state = recipient.INITIAL
    for event in events:
        state = recipient.evolve(state, event)
    return state


def test_a_new_recipient_is_registered_with_each_category_since_a_date_and_from_a_source() -> None:
    command = register(categories=(member(RecipientCategory.DISABLED, source=CategorySource.VISIT),))

    [event] = recipient.decide(command, given())

    assert event == RecipientRegistered(recipient_id="r-1", station_id="station-hsp", name="叶某",
                                        gender=command.gender, birth_year=1968, community="一力社区",
                                        categories=command.categories, household=())


def test_a_recipient_cannot_be_registered_twice() -> None:
    [registered] = recipient.decide(register(), given())

    with pytest.raises(RecipientAlreadyRegistered):
        recipient.decide(register(), given(registered))


def test_a_worker_cannot_register_for_another_station() -> None:
    with pytest.raises(NotYourStation) as refused:
        recipient.decide(register(actor=STRANGER), given())
    assert refused.value.field == "stationId"


@pytest.mark.parametrize("year", [1899, 2027])
def test_a_birth_year_outside_living_memory_or_in_the_future_is_refused(year: int) -> None:
    with pytest.raises(OutOfRange) as refused:
        recipient.decide(register(birth_year=year), given())
    assert refused.value.field == "birthYear"


def test_a_blank_name_is_refused_in_both_languages() -> None:
    with pytest.raises(InvalidInput) as refused:
        recipient.decide(register(name="  "), given())
    assert refused.value.field == "name"
    assert "不能为空" in refused.value.message.zh
    assert "blank" in refused.value.message.en
