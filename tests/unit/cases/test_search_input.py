"""What a search for recipients takes: at least one term, each within its bounds, refused in both languages at
its field; and what the audit says of it (how they were searched for, never the term)."""

from __future__ import annotations

import pytest

from services.cases.application.search import searched
from services.cases.domain.errors import SearchTermNeeded
from shared.contracts.errors import InvalidInput
from shared.kernel.search_terms import Searched

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day


@pytest.mark.parametrize(("body", "field", "says"), [
    ({}, "name", "至少一项"),
    ({"name": "  "}, "name", "空格"),
    ({"name": "叶" * 21}, "name", "最多 20 个字符"),
    ({"name": 42}, "name", "文字"),
    ({"id_number": "4301031968"}, "idNumber", "18 位"),
    ({"phone": "8000"}, "phone", "7 位数字"),
    ({"phone": "1" * 25}, "phone", "最多 24 个字符"),
])
def test_a_search_without_a_term_or_with_one_out_of_bounds_is_refused_at_its_field(
        body: dict[str, object], field: str, says: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        searched(body)
    assert refused.value.field == field
    assert says in refused.value.message.zh and refused.value.message.en


def test_no_term_has_its_own_code() -> None:
    with pytest.raises(SearchTermNeeded) as refused:
        searched({"name": "", "id_number": None})
    assert refused.value.code == "search_term_needed"


def test_terms_are_normalised_and_the_audit_names_only_their_kinds() -> None:
    asked = searched({"name": " 小 红", "id_number": "11010519491231002x", "phone": "139-1234-5678"})

    assert asked == Searched(name="小红", id_number="11010519491231002X", phone="13912345678")
    assert asked.described() == "查找：按姓名片段、按身份证号、按电话（search by name part, by ID number, by phone）"
    assert asked.holds("叶小红", "11010519491231002X", "+86 13912345678")
    assert not asked.holds("小叶红", "11010519491231002X", "13912345678")
    assert not searched({"name": "小红"}).holds(None, None, None)
