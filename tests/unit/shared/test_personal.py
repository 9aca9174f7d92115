"""Sealing personal fields: only the person's key opens them, and a lost key leaves None."""

from __future__ import annotations

import pytest
from cryptography.exceptions import InvalidTag

from services.cases.domain import recipient
from shared.contracts import decode_event
from shared.eventstore import EventMetadata
from shared.eventstore.memory import InMemoryEventStore
from shared.personal import new_key, open_fields, seal_fields, unwrap, wrap
from tests.unit.cases.given import register

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

FIELDS = ("name", "phone")


def test_a_sealed_field_opens_only_with_its_persons_key_and_its_own_name() -> None:
    key = new_key()
    sealed = seal_fields({"name": "叶某", "phone": None, "community": "一力"}, FIELDS, "r-1", key)

    assert sealed["phone"] is None and sealed["community"] == "一力"
    assert "叶某" not in str(sealed)
    assert open_fields(sealed, FIELDS, "r-1", key)["name"] == "叶某"
    assert open_fields(sealed, FIELDS, "r-1", None)["name"] is None
    with pytest.raises(InvalidTag):
        open_fields(sealed, FIELDS, "r-1", new_key())
    with pytest.raises(InvalidTag):
        open_fields(sealed, FIELDS, "r-2", key)  # the person is bound into the ciphertext
    reader_without_keys = decode_event("RecipientRegistered", {
        **sealed, "recipient_id": "r-1", "station_id": "s", "gender": "male", "birth_year": 1968, "categories": []})
    assert reader_without_keys.name is None and reader_without_keys.community == "一力"


def test_a_structured_personal_field_opens_to_its_value_and_reads_as_none_while_sealed() -> None:
    key = new_key()
    data = {"recipient_id": "r-1", "station_id": "s", "name": "叶某", "gender": "male", "birth_year": 1968,
            "community": "一力", "categories": [], "disability": {"type": "physical", "grade": 2}}
    sealed = seal_fields(data, ("name", "disability"), "r-1", key)

    assert decode_event("RecipientRegistered", sealed).disability is None
    opened = decode_event("RecipientRegistered", open_fields(sealed, ("name", "disability"), "r-1", key))
    assert (opened.disability.type, opened.disability.grade) == ("physical", 2)


def test_person_keys_are_stored_wrapped_by_the_data_key() -> None:
    data_key, key = new_key(), new_key()
    wrapped = wrap(data_key, "r-1", key)

    assert key not in wrapped
    assert unwrap(data_key, "r-1", wrapped) == key
    with pytest.raises(InvalidTag):
        unwrap(data_key, "r-2", wrapped)


async def test_the_in_memory_store_seals_what_it_stores_and_forgets_on_erasure() -> None:
    store = InMemoryEventStore()
    [registered] = recipient.decide(register(), recipient.INITIAL)
    meta = EventMetadata(actor={"subject": "sw-1"}, correlation_id="c")

    appended = await store.append("recipient-r-1", "recipient", 0, [registered], meta, result={})

    assert "叶某" not in str(store.stored[appended.event_ids[0]])
    assert (await store.read_stream("recipient-r-1"))[0].payload.name == "叶某"
    store.person_keys.clear()
    assert (await store.read_stream("recipient-r-1"))[0].payload.name is None


def test_structured_personal_data_is_sealed_as_json_and_opens_to_the_same_structure() -> None:
    key = new_key()
    goals = [{"description": "每周外出一次", "target_date": "2026-12-31"}]

    sealed = seal_fields({"goals": goals}, ("goals",), "r-1", key)

    assert "每周" not in str(sealed)
    assert open_fields(sealed, ("goals",), "r-1", key)["goals"] == goals
