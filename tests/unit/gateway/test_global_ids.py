"""Global ids: what a client sends back is turned into the raw ids services know, field by field."""

from __future__ import annotations

import uuid

import pytest

from gateway.node.ids import NODE_TYPES, WrongNodeType, global_id, parse, raw_ids

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day


def test_a_global_id_names_its_type_and_raw_id_and_a_raw_uuid_is_not_one() -> None:
    raw = str(uuid.uuid4())

    assert parse(global_id("Case", raw)) == ("Case", raw)
    assert parse(raw) is None and parse("sw-hsp-2") is None and parse(global_id("Nonsense", raw)) is None


def test_global_ids_of_the_right_types_become_raw_ids_in_any_list_or_nested_input() -> None:
    station, case, recipient = (str(uuid.uuid4()) for _ in range(3))

    given = {"station_ids": [global_id("Station", station), station], "case_id": global_id("Case", case),
             "goals": [{"recipient_id": global_id("Recipient", recipient)}], "worker_id": "sw-hsp-1",
             "issue_id": global_id("CompoundIssue", f"{station}/i1")}

    assert raw_ids(given) == {"station_ids": [station, station], "case_id": case,
                              "goals": [{"recipient_id": recipient}], "worker_id": "sw-hsp-1", "issue_id": "i1"}


def test_a_global_id_of_another_type_is_refused_naming_the_field_and_free_text_is_left_alone() -> None:
    group = global_id("Group", str(uuid.uuid4()))

    with pytest.raises(WrongNodeType) as refused:
        raw_ids({"goals": [{"case_id": group}]})
    with pytest.raises(WrongNodeType):
        raw_ids({"session_id": group})  # a field no Node type's id goes in

    assert (refused.value.code, refused.value.field) == ("invalid_input", "goals.0.caseId")
    assert "Group" in refused.value.message.zh and "not of a Group" in refused.value.message.en
    assert raw_ids({"notes": group}) == {"notes": group}
    assert len({global_id(t, "same") for t in NODE_TYPES}) == len(NODE_TYPES)
