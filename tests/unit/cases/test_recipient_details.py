"""A recipient's details: birth, categories, disability, household and guardian; updates and merges."""

from __future__ import annotations

from datetime import date

import pytest

from services.cases.domain import case, recipient
from services.cases.domain.commands import MergeRecipients, UpdateRecipient
from services.cases.domain.errors import (
    BirthUnknown,
    BirthYearMismatch,
    BlankField,
    CannotMerge,
    ChildCategoryForAdult,
    ConsentMissing,
    DateInFuture,
    DisabilityWithoutCategory,
    DuplicateCategory,
    GuardianMissing,
    InvalidIdNumber,
    NotClearable,
    NothingToChange,
    OutOfRange,
    RecipientNotFound,
    RecipientWasErased,
    RecipientWasMerged,
    SetAndCleared,
)
from shared.contracts.cases import (
    Disability,
    DisabilityType,
    HouseholdMember,
    RecipientCategory,
    RecipientDuplicateMerged,
    RecipientMergedInto,
    RecipientRegistered,
    RecipientUpdated,
    Relation,
)
from shared.id_number import check_character
from tests.unit.cases.given import (
    GRANDMOTHER,
    OTHER_STATION,
    STRANGER,
    TODAY,
    WORKER,
    erase,
    member,
    open_case,
    register,
)

CONSENT = {"consent_given_on": date(2026, 10, 1), "consent_purpose": "建立个案档案"}
GUARDIAN_CONSENT = {**CONSENT, "consent_by_guardian": True}
CHILD = {"birth_date": date(2016, 5, 1), "birth_year": None, "guardian": GRANDMOTHER,
         "categories": (member(RecipientCategory.LEFT_BEHIND_CHILD),)}


def state_of(*events: object) -> recipient.Recipient:
    state = recipient.INITIAL
    for event in events:
        state = recipient.evolve(state, event)
    return state


def registered(**changes: object) -> recipient.Recipient:
    return state_of(*recipient.decide(register(**changes), recipient.INITIAL))


def update(**changes: object) -> UpdateRecipient:
    return UpdateRecipient(**{"actor": WORKER, "today": TODAY, "recipient_id": "r-1", **changes})  # type: ignore[arg-type]


# registering

def test_the_birth_year_comes_from_the_birth_date() -> None:
    [event] = recipient.decide(register(birth_year=None, birth_date=date(1968, 3, 9)), recipient.INITIAL)
    assert isinstance(event, RecipientRegistered) and (event.birth_year, event.birth_date) == (1968, date(1968, 3, 9))


@pytest.mark.parametrize(("changes", "error", "field"), [
    ({"birth_year": None}, BirthUnknown, "birthYear"),
    ({"birth_year": 1969, "birth_date": date(1968, 3, 9)}, BirthYearMismatch, "birthDate"),
    ({"birth_year": None, "birth_date": date(2026, 12, 1)}, DateInFuture, "birthDate"),
    ({"categories": (member(RecipientCategory.DISABLED), member(RecipientCategory.DISABLED, date(2025, 1, 1)))},
     DuplicateCategory, "categories"),
    ({"categories": (member(RecipientCategory.DISABLED, date(2026, 12, 1)),)}, DateInFuture, "categories.validFrom"),
    ({"categories": (member(RecipientCategory.CHILD_IN_DIFFICULTY),)}, ChildCategoryForAdult, "categories"),
    ({"categories": (), "disability": Disability(type=DisabilityType.PHYSICAL, grade=2), **CONSENT},
     DisabilityWithoutCategory, "disability"),
    ({"disability": Disability(type=DisabilityType.PHYSICAL, grade=5), **CONSENT}, OutOfRange, "disability.grade"),
    ({"household": (HouseholdMember(name=" ", relation=Relation.SPOUSE),)}, BlankField, "household.name"),
])
def test_details_that_cannot_be_right_are_refused_naming_the_field(changes: dict[str, object], error: type[Exception],
                                                                   field: str) -> None:
    with pytest.raises(error) as refused:
        recipient.decide(register(**changes), recipient.INITIAL)
    assert getattr(refused.value, "field", None) == field


def test_a_disability_is_sensitive_and_needs_consent() -> None:
    with pytest.raises(ConsentMissing):
        recipient.decide(register(disability=Disability(type=DisabilityType.VISUAL, grade=1)), recipient.INITIAL)
    [event] = recipient.decide(register(disability=Disability(type=DisabilityType.VISUAL, grade=1), **CONSENT),
                               recipient.INITIAL)
    assert isinstance(event, RecipientRegistered) and event.disability == Disability(type=DisabilityType.VISUAL,
                                                                                     grade=1)


def test_a_minor_needs_a_guardian() -> None:
    with pytest.raises(GuardianMissing) as refused:
        recipient.decide(register(birth_year=2010, categories=()), recipient.INITIAL)
    assert refused.value.field == "guardian"


def test_anything_about_a_child_under_14_needs_the_guardians_consent_even_without_an_id_number_or_phone() -> None:
    with pytest.raises(ConsentMissing):
        recipient.decide(register(**CHILD), recipient.INITIAL)
    with pytest.raises(ConsentMissing):
        recipient.decide(register(**CHILD, **CONSENT), recipient.INITIAL)

    [event] = recipient.decide(register(**CHILD, **GUARDIAN_CONSENT), recipient.INITIAL)

    assert isinstance(event, RecipientRegistered) and event.guardian == GRANDMOTHER


def test_with_the_birth_year_alone_a_child_is_taken_at_the_youngest_age_they_can_be() -> None:
    # Born in 2012, the child may still be 13 on 20 November 2026: the guardian's consent is needed.
    with pytest.raises(ConsentMissing):
        recipient.decide(register(birth_year=2012, guardian=GRANDMOTHER, categories=()), recipient.INITIAL)
    # With the date known to be before 20 November, they are 14.
    recipient.decide(register(birth_year=None, birth_date=date(2012, 1, 2), guardian=GRANDMOTHER, categories=()),
                     recipient.INITIAL)


def test_an_id_number_must_carry_the_birth_date_when_it_is_known() -> None:
    base = "43010319680101123"
    with pytest.raises(InvalidIdNumber):
        recipient.decide(register(birth_year=None, birth_date=date(1968, 1, 2), id_number=base + check_character(base),
                                  **CONSENT), recipient.INITIAL)


# updating

def test_an_update_records_only_what_it_sets_and_clears() -> None:
    state = registered(phone="13912345678", **CONSENT)

    [event] = recipient.decide(update(community="状元坡社区", clear=("phone",)), state)

    assert isinstance(event, RecipientUpdated)
    assert event.changed == ("community", "phone")
    assert (event.community, event.phone, event.name) == ("状元坡社区", None, None)


@pytest.mark.parametrize(("changes", "error"), [
    ({}, NothingToChange),
    ({"clear": ("name",)}, NotClearable),
    ({"phone": "13912345678", "clear": ("phone",)}, SetAndCleared),
])
def test_an_update_must_say_clearly_what_changes(changes: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        recipient.decide(update(**changes), registered())


def test_sensitive_data_added_later_needs_consent_then_or_before() -> None:
    with pytest.raises(ConsentMissing):
        recipient.decide(update(phone="13912345678"), registered())

    [with_consent] = recipient.decide(update(phone="13912345678", **CONSENT), registered())
    consented = state_of(*recipient.decide(register(), recipient.INITIAL), with_consent)
    [later] = recipient.decide(update(address="天心区一力社区3栋"), consented)

    assert isinstance(later, RecipientUpdated) and later.address == "天心区一力社区3栋"


def test_categories_and_the_disability_on_record_must_agree() -> None:
    state = registered(disability=Disability(type=DisabilityType.HEARING, grade=3), **CONSENT)

    with pytest.raises(DisabilityWithoutCategory):
        recipient.decide(update(categories=(member(RecipientCategory.ELDERLY_LIVING_ALONE),)), state)
    [event] = recipient.decide(update(categories=(member(RecipientCategory.ELDERLY_LIVING_ALONE),),
                                      clear=("disability",)), state)
    assert isinstance(event, RecipientUpdated) and event.changed == ("categories", "disability")


def test_a_minors_guardian_cannot_be_cleared() -> None:
    state = registered(**CHILD, **GUARDIAN_CONSENT)
    with pytest.raises(GuardianMissing):
        recipient.decide(update(clear=("guardian",)), state)


def test_an_update_for_another_stations_recipient_is_not_found_as_one_that_does_not_exist() -> None:
    with pytest.raises(RecipientNotFound) as hidden:
        recipient.decide(update(actor=STRANGER, community="状元坡社区"), registered())
    with pytest.raises(RecipientNotFound) as missing:
        recipient.decide(update(actor=STRANGER, community="状元坡社区"), recipient.INITIAL)
    assert hidden.value.as_dict() == missing.value.as_dict()


def test_an_erased_recipient_takes_no_update() -> None:
    state = registered()
    erased = state_of(*recipient.decide(register(), recipient.INITIAL), *recipient.decide(erase(), state))
    with pytest.raises(RecipientWasErased):
        recipient.decide(update(community="状元坡社区"), erased)


# merging

def merge(**changes: object) -> MergeRecipients:
    fields = {"actor": WORKER, "today": TODAY, "recipient_id": "r-1", "duplicate_id": "r-2",
              "reason": "同一人登记了两次"}
    return MergeRecipients(**{**fields, **changes})  # type: ignore[arg-type]


def test_a_duplicate_is_merged_into_the_record_that_stays() -> None:
    duplicate_events, survivor_events = recipient.merge(merge(), registered(), registered(recipient_id="r-2"))

    assert duplicate_events == [RecipientMergedInto(recipient_id="r-2", station_id="station-hsp",
                                                    into_recipient_id="r-1", merged_on=TODAY,
                                                    reason="同一人登记了两次")]
    assert survivor_events == [RecipientDuplicateMerged(recipient_id="r-1", station_id="station-hsp",
                                                        duplicate_id="r-2", merged_on=TODAY)]


def test_a_merged_duplicate_takes_no_update_and_no_new_case_and_names_the_record_to_use() -> None:
    [merged_into] = recipient.merge(merge(), registered(), registered(recipient_id="r-2"))[0]
    duplicate = state_of(*recipient.decide(register(recipient_id="r-2"), recipient.INITIAL), merged_into)

    with pytest.raises(RecipientWasMerged) as refused:
        recipient.decide(update(recipient_id="r-2", community="状元坡社区"), duplicate)
    assert "r-1" in refused.value.message.en
    with pytest.raises(RecipientWasMerged):
        case.open_case(open_case(recipient_id="r-2"), duplicate, 0, case.INITIAL)
    with pytest.raises(CannotMerge):
        recipient.merge(merge(recipient_id="r-3"), registered(recipient_id="r-3"), duplicate)


@pytest.mark.parametrize("changes", [{"duplicate_id": "r-1"}, {}])
def test_a_record_is_not_merged_into_itself_nor_across_stations(changes: dict[str, object]) -> None:
    other = state_of(*recipient.decide(register(recipient_id="r-2", station_id=OTHER_STATION,
                                                actor=STRANGER), recipient.INITIAL))
    with pytest.raises(CannotMerge):
        recipient.merge(merge(**changes), registered(), other if not changes else registered())
