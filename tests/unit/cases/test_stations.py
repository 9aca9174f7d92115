"""Intake at a station as the cases service follows the activities stream: none at a closed station."""

from __future__ import annotations

import pytest

from services.cases.domain import case, recipient
from services.cases.domain.errors import RecipientNotFound, StationIsClosed
from services.cases.domain.stations import FollowedStation
from tests.unit.cases.given import STATION, STRANGER, open_case, register

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

RECIPIENT = recipient.evolve(recipient.INITIAL, recipient.decide(register(), recipient.INITIAL)[0])
CLOSED = FollowedStation(closed=True)


def test_a_recipient_is_registered_at_an_open_station_or_one_not_heard_of_yet() -> None:
    for station in (FollowedStation(), None):
        [event] = recipient.register_at(register(), station, recipient.INITIAL)
        assert event.station_id == STATION  # type: ignore[attr-defined]


def test_no_recipient_is_registered_at_a_closed_station() -> None:
    with pytest.raises(StationIsClosed) as refused:
        recipient.register_at(register(), CLOSED, recipient.INITIAL)
    assert (refused.value.code, refused.value.field) == ("station_closed", "stationId")
    assert refused.value.message.zh and refused.value.message.en


def test_no_case_is_opened_at_a_closed_station() -> None:
    case.open_case_at(open_case(), FollowedStation(), RECIPIENT, 0, case.INITIAL)
    with pytest.raises(StationIsClosed) as refused:
        case.open_case_at(open_case(), CLOSED, RECIPIENT, 0, case.INITIAL)
    assert (refused.value.code, refused.value.field) == ("station_closed", "recipientId")


def test_a_recipient_the_caller_does_not_see_is_not_found_before_the_station_is_judged() -> None:
    with pytest.raises(RecipientNotFound):
        case.open_case_at(open_case(actor=STRANGER), CLOSED, RECIPIENT, 0, case.INITIAL)
