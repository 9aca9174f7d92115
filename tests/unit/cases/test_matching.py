"""Duplicate hints: how likely a new record is one already there, and why (Primero's potential matches)."""

from __future__ import annotations

from services.cases.domain.matching import THRESHOLD, MatchReason, Particulars, likelihood, potential_matches

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

    assert [m.recipient_id for m in found] == ["r-same", "r-phone"]
    assert found[0].likelihood > found[1].likelihood
