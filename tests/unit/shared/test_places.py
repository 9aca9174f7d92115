"""A community named in a roster row or a form, by its name as people write it or by its 12-digit code."""

from __future__ import annotations

import pytest

from shared.kernel.places import UnknownCommunity, resolve_community

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

STREET = [{"community_id": "c-yl", "name": "一力社区", "division_code": "430103012002"},
          {"community_id": "c-pt", "name": "披塘村", "division_code": None}]


@pytest.mark.parametrize(("text", "found"), [("一力社区", "c-yl"), (" 一力 社区 ", "c-yl"), ("一力\u3000社区", "c-yl"),
                                             ("430103012002", "c-yl"), ("４３０１０３０１２００２", "c-yl"),
                                             ("披塘村", "c-pt")])
def test_a_community_is_found_by_its_name_however_spaced_or_by_its_code(text: str, found: str) -> None:
    assert resolve_community(text, STREET) == found


@pytest.mark.parametrize("text", ["一力", "430103012009", "", "  "])
def test_a_name_or_code_of_no_community_of_the_street_is_refused_not_guessed(text: str) -> None:
    with pytest.raises(UnknownCommunity) as refused:
        resolve_community(text, STREET, field="社区")
    assert (refused.value.code, refused.value.field) == ("unknown_community", "社区")
    assert text.strip() in refused.value.message.zh and text.strip() in refused.value.message.en
