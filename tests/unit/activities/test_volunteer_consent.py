"""A volunteer's registration: sensitive data only with their separate consent, a child's only with the guardian's,
on the day it happened (never in the future, not before the station opened)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from services.activities.domain import places, volunteers
from services.activities.domain.commands import RegisterVolunteer
from services.activities.domain.errors import (
    ConsentIncomplete,
    DateAfterThe,
    DateBeforeThe,
    VolunteerConsentMissing,
)
from shared.contracts import Actor, Role
from shared.contracts.activities import AgeGroup, StationOpened, VolunteerRegistered
from shared.contracts.consent import SensitiveDataConsent
from shared.id_number import check_character
from shared.rules import DateInFuture

TODAY = date(2026, 9, 10)
WORKER = Actor(subject="sw-1", name="社工", role=Role.SOCIAL_WORKER, station_ids=("s-hsp",))
STATION = places.evolve_station(places.STATION, StationOpened(station_id="s-hsp", street_id="st", name="黑石铺",
                                                              code="HSP", opened_on=date(2019, 1, 15)))
ADULT_ID = "43010319900101123"
CHILD_BIRTH = date(2013, 3, 1)
"""13 on TODAY."""
CHILD_ID = "43010320130301123"
CONSENT = {"consent_given_on": date(2026, 9, 1), "consent_purpose": "志愿服务登记与服务记录"}


def register(**changes: Any) -> RegisterVolunteer:
    fields = {"actor": WORKER, "today": TODAY, "volunteer_id": "v-1", "station_id": "s-hsp", "name": "刘某某",
              "gender": "female", "age_group": AgeGroup.ADULT, "birth_year": 1990}
    return RegisterVolunteer(**{**fields, **changes})


def registered(command: RegisterVolunteer) -> VolunteerRegistered:
    [event] = volunteers.register(command, STATION, volunteers.VOLUNTEER)
    assert isinstance(event, VolunteerRegistered)
    return event


@pytest.mark.parametrize(("sensitive", "field"), [
    ({"id_number": ADULT_ID + check_character(ADULT_ID)}, "idNumber"),
    ({"contact": "13800002222"}, "contact"),
])
def test_an_id_number_or_a_contact_without_the_volunteers_consent_is_refused_naming_it(
        sensitive: dict[str, Any], field: str) -> None:
    with pytest.raises(VolunteerConsentMissing) as refused:
        volunteers.register(register(**sensitive), STATION, volunteers.VOLUNTEER)

    assert (refused.value.code, refused.value.field, refused.value.needed_by) == ("consent_missing",
                                                                                  "consentGivenOn", field)
    assert field in refused.value.message.zh and field in refused.value.message.en
    assert registered(register(**sensitive, **CONSENT)).consent == SensitiveDataConsent(
        given_on=date(2026, 9, 1), purpose="志愿服务登记与服务记录", recorded_by="sw-1", by_guardian=False)


def test_a_consent_needs_both_its_date_and_its_purpose() -> None:
    with pytest.raises(ConsentIncomplete) as refused:
        volunteers.register(register(contact="13800002222", consent_given_on=date(2026, 9, 1)), STATION,
                            volunteers.VOLUNTEER)
    assert (refused.value.code, refused.value.field) == ("consent_missing", "consentPurpose")


def test_a_volunteer_with_nothing_sensitive_needs_no_consent() -> None:
    assert registered(register()).consent is None


def test_a_volunteer_under_14_without_the_guardians_consent_is_refused_even_with_their_own() -> None:
    child = {"birth_year": None, "birth_date": CHILD_BIRTH, "age_group": AgeGroup.YOUTH,
             "id_number": CHILD_ID + check_character(CHILD_ID)}
    with pytest.raises(VolunteerConsentMissing) as nothing:
        volunteers.register(register(**child), STATION, volunteers.VOLUNTEER)
    with pytest.raises(VolunteerConsentMissing) as their_own:
        volunteers.register(register(**child, **CONSENT), STATION, volunteers.VOLUNTEER)
    with pytest.raises(VolunteerConsentMissing) as no_id_number:
        volunteers.register(register(**{**child, "id_number": None}), STATION, volunteers.VOLUNTEER)

    assert (nothing.value.field, their_own.value.field) == ("consentGivenOn", "consentByGuardian")
    assert "监护人" in their_own.value.message.zh and "guardian" in their_own.value.message.en
    assert no_id_number.value.needed_by == "birthYear"


def test_a_volunteer_under_14_with_the_guardians_consent_is_registered() -> None:
    event = registered(register(birth_year=None, birth_date=CHILD_BIRTH, age_group=AgeGroup.YOUTH,
                                id_number=CHILD_ID + check_character(CHILD_ID), consent_by_guardian=True,
                                **CONSENT))

    assert event.consent is not None and event.consent.by_guardian
    assert event.id_number == CHILD_ID + check_character(CHILD_ID)


def test_the_age_is_the_age_on_the_registration_date() -> None:
    """13 on the day they registered, 14 by the day it is entered: still a child's registration."""
    late = register(birth_year=None, birth_date=CHILD_BIRTH, age_group=AgeGroup.YOUTH, today=date(2027, 3, 10),
                    registered_on=date(2027, 2, 20))
    with pytest.raises(VolunteerConsentMissing):
        volunteers.register(late, STATION, volunteers.VOLUNTEER)
    assert registered(register(birth_year=None, birth_date=CHILD_BIRTH, age_group=AgeGroup.YOUTH,
                               today=date(2027, 3, 10), registered_on=date(2027, 3, 1))).consent is None


def test_with_the_birth_year_alone_a_volunteer_is_as_young_as_they_can_be() -> None:
    with pytest.raises(VolunteerConsentMissing):
        volunteers.register(register(birth_year=2012, age_group=AgeGroup.YOUTH), STATION, volunteers.VOLUNTEER)


def test_the_registration_takes_the_day_it_happened_never_in_the_future_nor_before_the_station_opened() -> None:
    assert registered(register()).registered_on == TODAY
    assert registered(register(registered_on=date(2026, 8, 28))).registered_on == date(2026, 8, 28)
    with pytest.raises(DateInFuture) as future:
        volunteers.register(register(registered_on=date(2026, 9, 11)), STATION, volunteers.VOLUNTEER)
    with pytest.raises(DateBeforeThe) as before:
        volunteers.register(register(registered_on=date(2019, 1, 14)), STATION, volunteers.VOLUNTEER)

    assert (future.value.field, before.value.field) == ("registeredOn", "registeredOn")


def test_consent_is_given_by_the_day_the_data_was_taken() -> None:
    with pytest.raises(DateAfterThe) as refused:
        volunteers.register(register(contact="13800002222", registered_on=date(2026, 8, 28), **CONSENT), STATION,
                            volunteers.VOLUNTEER)
    assert refused.value.field == "consentGivenOn"
