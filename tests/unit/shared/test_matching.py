"""Duplicate hints: how likely a new record is one already there, and why (Primero's potential matches), weighed
the same for recipients and volunteers (shared.kernel.matching)."""

from __future__ import annotations

from services.activities.domain.volunteer_search import Registrant
from services.activities.domain.volunteer_search import particulars as of_volunteer
from shared.kernel.matching import THRESHOLD, MatchReason, Particulars, likelihood, potential_matches

YE = Particulars(name="叶小红", birth_year=1968, gender="female", community="一力社区", id_number=None,
                 phone="13912345678")


def particulars(**changes: object) -> Particulars:
    return Particulars(**{**YE.__dict__, **changes})  # type: ignore[arg-type]


def test_the_same_id_number_is_the_same_person() -> None:
    score, reasons = likelihood(particulars(id_number="11010519491231002x", name="别名"),
                                particulars(id_number="11010519491231002X"))
    assert score == 1.0
    assert reasons[0] == MatchReason.SAME_ID_NUMBER


def test_the_same_name_birth_year_and_gender_is_likely_the_same_phone_fair_the_name_alone_weak() -> None:
    stranger = Particulars(name="王大明", birth_year=1990, gender="male", community="状元坡社区")
    name_year_gender, _ = likelihood(particulars(phone=None, community="状元坡社区"), particulars(phone=None))
    phone_only, why = likelihood(particulars(name="王大明", birth_year=1990, gender="male", community="状元坡社区"),
                                 YE)
    name_only, _ = likelihood(particulars(birth_year=1990, gender="male", community="状元坡社区", phone=None), YE)

    assert name_year_gender >= 0.7
    assert why == (MatchReason.SAME_PHONE,) and THRESHOLD <= phone_only < name_year_gender
    assert name_only < THRESHOLD
    assert likelihood(stranger, YE) == (0.0, ())
    assert likelihood(particulars(name=" 叶 小红"), YE)[0] == 0.99  # everything but an ID number: never certain


def test_matches_at_the_threshold_come_likeliest_first_and_weak_ones_are_left_out() -> None:
    others = {"r-weak": particulars(birth_year=1990, gender="male", community="状元坡社区", phone=None),
              "r-phone": particulars(name="王大明", birth_year=1990, gender="male", community="状元坡社区"),
              "r-same": YE}

    found = potential_matches(YE, others)

    assert [m.record_id for m in found] == ["r-same", "r-phone"]
    assert found[0].likelihood > found[1].likelihood


VOLUNTEER = Registrant(name="叶晓兰", gender="女", birth_year=1968, id_number="11010519491231002X",
                      contact="138 0013 8000")


def volunteer(**changes: object) -> Particulars:
    return of_volunteer(Registrant(**{**VOLUNTEER.__dict__, "id_number": None, "contact": None, **changes}))  # type: ignore[arg-type]


def test_a_volunteer_is_weighed_as_a_recipient_is() -> None:
    same_id = likelihood(volunteer(name="叶小兰", id_number=VOLUNTEER.id_number), of_volunteer(VOLUNTEER))
    same_person = likelihood(volunteer(name="叶 晓兰"), of_volunteer(VOLUNTEER))
    same_phone = likelihood(volunteer(name="王芳", birth_year=1990, contact="13800138000"), of_volunteer(VOLUNTEER))
    everything_but = likelihood(volunteer(contact="13800138000"), of_volunteer(VOLUNTEER))

    assert same_id[0] == 1.0 and MatchReason.SAME_ID_NUMBER in same_id[1]
    assert same_person == (0.7, (MatchReason.SAME_NAME, MatchReason.SAME_BIRTH_YEAR, MatchReason.SAME_GENDER))
    assert same_phone == (0.55, (MatchReason.SAME_PHONE, MatchReason.SAME_GENDER))
    assert everything_but[0] == 0.99


def test_a_volunteers_name_alone_or_birth_year_and_gender_alone_give_no_hint_and_a_short_contact_is_no_phone() -> None:
    assert likelihood(volunteer(gender="男", birth_year=1990), of_volunteer(VOLUNTEER))[0] < THRESHOLD
    assert likelihood(volunteer(name="王芳"), of_volunteer(VOLUNTEER)) == (0.0, ())
    assert likelihood(volunteer(name="王芳", contact="8000"), volunteer(name="李四", contact="8000")) == (0.0, ())
    assert likelihood(volunteer(residence_area="一力 社区"), volunteer(residence_area="一力社区"))[1][-1] == (
        MatchReason.SAME_COMMUNITY)


def test_volunteers_likeliest_come_first() -> None:
    others = {"a": volunteer(name="王芳", birth_year=1990, contact="13800138000"), "b": of_volunteer(VOLUNTEER)}
    assert [m.record_id for m in potential_matches(of_volunteer(VOLUNTEER), others)] == ["b", "a"]
