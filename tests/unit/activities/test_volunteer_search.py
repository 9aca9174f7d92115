"""Finding volunteers and their likely duplicates, as the activities domain decides them."""

from __future__ import annotations

import pytest

from services.activities.domain.errors import SearchTermNeeded, SearchTermUnusable
from services.activities.domain.volunteer_search import (
    Registrant,
    candidate_searches,
    indexed_terms,
    matches,
    search_of,
)
from shared.kernel.search_terms import Searched

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

ID_NUMBER = "11010519491231002X"
YE = Registrant(name="叶晓兰", gender="女", birth_year=1968, id_number=ID_NUMBER, contact="138 0013 8000")


def test_a_search_names_at_least_one_thing_to_find_by() -> None:
    with pytest.raises(SearchTermNeeded) as refused:
        search_of(" ", None, "")
    assert (refused.value.code, refused.value.field) == ("search_term_needed", "name")
    assert "姓名" in refused.value.message.zh and "name part" in refused.value.message.en


@pytest.mark.parametrize(("name", "id_number", "phone", "field"), [
    ("叶" * 21, None, None, "name"),
    (None, "1101051949", None, "idNumber"),
    (None, None, "8000", "phone"),
    (None, None, "1" * 21, "phone"),
])
def test_a_term_that_cannot_be_found_by_is_refused_at_its_field(name: str | None, id_number: str | None,
                                                                phone: str | None, field: str) -> None:
    with pytest.raises(SearchTermUnusable) as refused:
        search_of(name, id_number, phone)
    assert refused.value.field == field
    assert refused.value.code == "invalid_input"


def test_a_volunteer_holds_every_term_a_search_for_part_of_their_name_or_their_numbers_looks_up() -> None:
    held = indexed_terms(YE.name, YE.id_number, YE.contact)
    for search in (search_of("晓兰", None, None), search_of("叶", None, None), search_of(None, ID_NUMBER.lower(), None),
                   search_of(None, None, "+86 13800138000"), search_of("叶晓", None, "13800138000")):
        assert search.terms() <= held
        assert matches(search, YE.name, YE.id_number, YE.contact)


def test_the_index_holds_no_term_a_search_could_not_make_from_the_volunteer() -> None:
    assert not any(term.startswith("p:") for term in indexed_terms("叶晓兰", None, "微信 ye"))


def test_a_candidate_whose_pairs_are_out_of_order_is_not_a_match() -> None:
    search = search_of("兰叶晓", None, None)
    assert search.terms() <= indexed_terms("晓兰叶晓", None, None)
    assert not matches(search, "叶晓兰", None, None)


def test_every_criterion_given_must_hold() -> None:
    assert not matches(search_of("叶晓兰", None, "13900139000"), YE.name, YE.id_number, YE.contact)


def test_a_search_is_described_in_the_audit_by_what_it_was_by_never_by_its_terms() -> None:
    said = search_of("晓兰", None, "13800138000").described("志愿者", " for volunteers")
    assert "按姓名片段" in said and "by phone" in said
    assert "晓兰" not in said and "13800138000" not in said


def test_a_registration_looks_for_its_duplicates_by_each_of_its_id_number_name_and_phone_alone() -> None:
    assert candidate_searches(YE) == [Searched(id_number=ID_NUMBER), Searched(name="叶晓兰"),
                                      Searched(phone="13800138000")]
