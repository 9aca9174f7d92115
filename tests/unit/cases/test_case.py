"""The case's rules: intake, sessions, closing."""

from __future__ import annotations

from datetime import date

import pytest

from services.cases.domain import case, recipient
from services.cases.domain.errors import (
    AlreadyRecorded,
    BlankField,
    CaseAlreadyClosed,
    CaseAlreadyOpened,
    CaseNotFound,
    DateBeforeOpening,
    DateInFuture,
    OutOfRange,
    RecipientNotFound,
    RecipientWasErased,
)
from shared.contracts.cases import CaseClosed, CaseNumberAssigned, CaseOpened, CaseOutcome, CaseSessionRecorded
from tests.unit.cases.given import STATION, STRANGER, erase, open_case, record_session, register

[REGISTERED] = recipient.decide(register(), recipient.INITIAL)
RECIPIENT = recipient.evolve(recipient.INITIAL, REGISTERED)


def given(*events: object) -> case.Case:
    state = case.INITIAL
    for event in events:
        state = case.evolve(state, event)
    return state


OPENED = case.open_case(open_case(), RECIPIENT, 0, given())[1][0]
CLOSED = CaseClosed(case_id="c-1", station_id=STATION, closed_on=date(2026, 11, 1), reason="目标达成",
                    outcome=CaseOutcome.GOALS_MET, recipient_id="r-1", approved_by="head-1")


def test_a_case_is_opened_at_the_recipients_station_with_the_next_number_of_its_register() -> None:
    [numbered], [event] = case.open_case(open_case(), RECIPIENT, 41, given())

    assert isinstance(event, CaseOpened)
    assert (event.station_id, event.recipient_id, event.opened_on, event.number) == (
        STATION, "r-1", date(2026, 10, 8), 42)
    assert numbered == CaseNumberAssigned(station_id=STATION, year=2026, number=42, case_id="c-1")


def test_the_register_is_per_station_and_year_of_intake() -> None:
    assert case.register_stream(STATION, 2026) == f"case-register-{STATION}-2026"
    [numbered], _ = case.open_case(open_case(opened_on=date(2025, 12, 30)), RECIPIENT, 0, given())
    assert (numbered.year, numbered.number) == (2025, 1)


def test_a_case_needs_a_registered_recipient() -> None:
    with pytest.raises(RecipientNotFound):
        case.open_case(open_case(), recipient.INITIAL, 0, given())


def test_no_case_is_opened_for_an_erased_recipient() -> None:
    erased = recipient.evolve(RECIPIENT, recipient.decide(erase(), RECIPIENT)[0])
    with pytest.raises(RecipientWasErased):
        case.open_case(open_case(), erased, 0, given())


def test_a_case_cannot_be_opened_twice() -> None:
    with pytest.raises(CaseAlreadyOpened):
        case.open_case(open_case(), RECIPIENT, 0, given(OPENED))


def test_another_stations_recipient_is_not_found_for_opening_a_case_as_one_that_does_not_exist() -> None:
    with pytest.raises(RecipientNotFound) as hidden:
        case.open_case(open_case(actor=STRANGER), RECIPIENT, 0, given())
    with pytest.raises(RecipientNotFound) as missing:
        case.open_case(open_case(actor=STRANGER), recipient.INITIAL, 0, given())
    assert hidden.value.as_dict() == missing.value.as_dict()
    assert hidden.value.field == "recipientId"


def test_a_case_cannot_be_opened_in_the_future() -> None:
    with pytest.raises(DateInFuture) as refused:
        case.open_case(open_case(opened_on=date(2026, 11, 21)), RECIPIENT, 0, given())
    assert refused.value.field == "openedOn"


def test_a_case_needs_a_presenting_problem() -> None:
    with pytest.raises(BlankField):
        case.open_case(open_case(presenting_problem=" "), RECIPIENT, 0, given())


def test_a_session_is_recorded_on_an_open_case() -> None:
    [event] = case.decide(record_session(), given(OPENED))

    assert event == CaseSessionRecorded(case_id="c-1", station_id=STATION, session_id="s-1",
                                        held_on=date(2026, 10, 15), mode=record_session().mode, duration_minutes=60,
                                        participants=1, notes="上门走访", recipient_id="r-1")


def test_a_session_id_is_taken_once_in_a_case() -> None:
    [event] = case.decide(record_session(), given(OPENED))
    with pytest.raises(AlreadyRecorded) as repeated:
        case.decide(record_session(), given(OPENED, event))
    assert repeated.value.field == "sessionId"


def test_no_session_is_recorded_on_a_closed_case() -> None:
    with pytest.raises(CaseAlreadyClosed):
        case.decide(record_session(), given(OPENED, CLOSED))


def test_no_session_is_recorded_on_a_case_that_does_not_exist() -> None:
    with pytest.raises(CaseNotFound):
        case.decide(record_session(), given())


def test_a_session_cannot_be_held_in_the_future() -> None:
    with pytest.raises(DateInFuture):
        case.decide(record_session(held_on=date(2026, 11, 21)), given(OPENED))


def test_a_session_cannot_be_held_before_the_case_was_opened() -> None:
    with pytest.raises(DateBeforeOpening) as refused:
        case.decide(record_session(held_on=date(2026, 10, 1)), given(OPENED))
    assert refused.value.field == "heldOn"


@pytest.mark.parametrize(("field", "value"), [("duration_minutes", 0), ("duration_minutes", 24 * 60 + 1),
                                              ("participants", 0), ("participants", 101)])
def test_a_sessions_duration_and_participants_must_be_plausible(field: str, value: int) -> None:
    with pytest.raises(OutOfRange):
        case.decide(record_session(**{field: value}), given(OPENED))


def test_another_stations_case_is_not_found_for_a_session_as_one_that_does_not_exist() -> None:
    with pytest.raises(CaseNotFound) as hidden:
        case.decide(record_session(actor=STRANGER), given(OPENED))
    with pytest.raises(CaseNotFound) as missing:
        case.decide(record_session(actor=STRANGER), given())
    assert hidden.value.as_dict() == missing.value.as_dict()


def test_evolve_ignores_events_it_does_not_know() -> None:
    assert case.evolve(given(OPENED), object()) == given(OPENED)
