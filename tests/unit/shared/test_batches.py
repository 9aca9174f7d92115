"""Batch queries' bounds: at most 100 ids, and answers that leave out what does not fit, never the first id."""

from __future__ import annotations

import pytest

from shared.batches import ANSWER_BYTES, MAX_BATCH, batch_ids, batch_pages, grouped, within_budget
from shared.contracts.errors import InvalidInput

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day


def test_a_batch_of_more_than_100_ids_is_refused_with_its_code_in_both_languages() -> None:
    with pytest.raises(InvalidInput) as refused:
        batch_ids({"case_ids": [str(n) for n in range(MAX_BATCH + 1)]}, "case_ids")

    assert (refused.value.code, refused.value.field) == ("batch_too_large", "case_ids")
    assert "最多 100 项" in refused.value.message.zh and "at most 100" in refused.value.message.en


def test_a_batch_names_each_id_once_in_its_order_and_a_page_request_must_be_an_object() -> None:
    assert batch_ids({"ids": ["b", "a", "b", 3]}, "ids") == ["b", "a", "3"]
    assert batch_ids({}, "ids") == []
    with pytest.raises(InvalidInput):
        batch_pages({"pages": ["case-1"]})
    with pytest.raises(InvalidInput):
        batch_ids({"ids": "case-1"}, "ids")


def test_an_answer_holds_the_ids_that_fit_and_leaves_the_rest_but_always_holds_the_first() -> None:
    big = "字" * (ANSWER_BYTES // 3)  # a whole answer's bytes in one id's rows
    rows = {"a": [big], "b": [big], "c": ["small"]}

    first = within_budget(["a", "b", "c"], rows.__getitem__)
    rest = within_budget(first["left"], rows.__getitem__)
    small = within_budget(["c"] * 3, rows.__getitem__)

    assert list(first["found"]) == ["a"] and first["left"] == ["b", "c"]
    assert list(rest["found"]) == ["b"] and rest["left"] == ["c"]
    assert small == {"found": {"c": ["small"]}, "left": []}


def test_rows_are_grouped_by_their_id_and_an_id_with_none_has_an_empty_list() -> None:
    found = grouped(["g1", "g2"], [{"group_id": "g1", "n": 1}, {"group_id": "g1", "n": 2}], "group_id")

    assert found == {"g1": [{"group_id": "g1", "n": 1}, {"group_id": "g1", "n": 2}], "g2": []}
