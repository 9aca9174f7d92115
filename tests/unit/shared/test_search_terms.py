"""The keyed search terms: a name is found by any part of it, an ID number and a phone by their normal form,
and only keyed digests (which reveal no term) are what an index holds."""

from __future__ import annotations

import pytest

from shared.kernel.search_terms import (
    DIGEST_BYTES,
    TermKey,
    id_number_term,
    name_contains,
    name_query_terms,
    name_terms,
    normalise_name,
    phone_term,
)

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day


def test_a_name_is_normalised_without_spaces_full_width_or_latin_capitals() -> None:
    assert normalise_name(" 叶 某某 ") == "叶某某"
    assert normalise_name("Ａｙｉ　Ｍａ") == "ayima"  # full-width letters and the ideographic space


def test_a_name_is_indexed_under_its_characters_and_adjacent_pairs() -> None:
    assert name_terms("叶小 红") == {"n:叶", "n:小", "n:红", "n:叶小", "n:小红"}
    assert name_terms("叶") == {"n:叶"}


def test_a_part_of_a_name_looks_up_its_pairs_or_its_one_character_and_they_are_all_in_the_name() -> None:
    assert name_query_terms("小红") == {"n:小红"}
    assert name_query_terms("叶小红") == {"n:叶小", "n:小红"}
    assert name_query_terms(" 红 ") == {"n:红"}
    assert name_query_terms("  ") == set()
    for part in ("叶", "小红", "叶小红", "叶小"):
        assert name_query_terms(part) <= name_terms("叶小红")
    assert not name_query_terms("红叶") <= name_terms("叶小红")


def test_a_candidate_is_confirmed_only_when_the_part_is_in_the_name_in_order() -> None:
    # "叶某叶" holds the pairs 叶某 and 某叶, so "某叶某" is a candidate for it, but not a match.
    assert name_query_terms("某叶某") <= name_terms("叶某叶")
    assert not name_contains("叶某叶", "某叶某")
    assert name_contains("叶 某叶", "某叶")
    assert not name_contains("叶某", " ")


def test_an_id_number_and_a_phone_have_one_term_whatever_their_spelling() -> None:
    assert id_number_term("11010519491231002x") == id_number_term(" 11010519491231002X") == "i:11010519491231002X"
    assert phone_term("+86 138-0013-8000") == phone_term("13800138000") == "p:13800138000"
    assert phone_term("021-6543 2100") == "p:02165432100"


def test_digests_are_keyed_truncated_and_per_service() -> None:
    data_key = bytes(range(32))
    cases, activities = TermKey.for_service(data_key, "cases"), TermKey.for_service(data_key, "activities")
    digest = cases.digest("n:叶某")

    assert len(digest) == DIGEST_BYTES
    assert digest == TermKey.for_service(data_key, "cases").digest("n:叶某")
    assert digest != activities.digest("n:叶某")
    assert digest != TermKey.for_service(bytes(32), "cases").digest("n:叶某")
    assert "叶".encode() not in digest and "叶" not in repr(cases)
    assert cases.digests({"n:a", "n:b"}) == sorted([cases.digest("n:a"), cases.digest("n:b")])


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError):
        TermKey(b"short")
