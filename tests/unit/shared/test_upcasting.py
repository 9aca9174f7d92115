"""Upcasting: an event is read in its type's current shape whatever version it was written at, through each
upcaster in turn; the registry refuses a type whose chain has a gap, and an event newer than the code is refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from shared.consumer import received_from
from shared.contracts import UnknownSchemaVersion, decode_event, event, event_class, registered_events, upcast
from shared.contracts.activities import VolunteerRegistered, volunteer_registered_v1_to_v2
from shared.contracts.cases import (
    CategoryMembership,
    CategorySource,
    RecipientCategory,
    RecipientRegistered,
    recipient_registered_v1_to_v2,
)
from tests.contracts.probe import AT, probe_noted, v1_to_v2, v2_to_v3

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

V1_EXAMPLE = Path(__file__).parents[2] / "contracts" / "events" / "RecipientRegistered" / "v1.json"
"""The golden corpus's v1: categories as names."""


@pytest.fixture
def throwaway() -> Iterator[type[Any]]:
    """The test contract at version 3, registered for this test only."""
    with probe_noted("tests") as registered:
        yield registered


def test_each_upcaster_in_turn_brings_an_old_event_to_the_current_shape(throwaway: type[Any]) -> None:
    v1, v2, v3 = AT[1], AT[2], AT[3]
    expected = throwaway(probe_id="p", family="王", given="小明", hours=1.5)
    assert upcast("ProbeNoted", 1, v1) == v3
    assert upcast("ProbeNoted", 2, v2) == v3
    assert upcast("ProbeNoted", 3, v3) == v3
    assert [decode_event("ProbeNoted", d, v) for v, d in ((1, v1), (2, v2), (3, v3))] == [expected] * 3
    assert v1 == {"probe_id": "p", "full_name": "王 小明", "minutes": 90}  # what was stored is not rewritten


def test_the_consumer_reads_the_version_from_the_header_and_takes_1_when_there_is_none(
        throwaway: type[Any]) -> None:
    def headers(version: str | None) -> dict[str, str]:
        h = {"hemiao-event-type": "ProbeNoted", "hemiao-stream-id": "p", "hemiao-stream-version": "1",
             "Nats-Msg-Id": "e-1", "ce-time": "2026-03-01T08:00:00+00:00"}
        return h if version is None else {**h, "hemiao-schema-version": version}

    v1 = json.dumps({"probe_id": "p", "full_name": "王 小明", "minutes": 30})
    v2 = json.dumps({"probe_id": "p", "family": "王", "given": "小明", "minutes": 30})
    expected = throwaway(probe_id="p", family="王", given="小明", hours=0.5)
    assert received_from(headers(None), v1, 1).payload == expected
    assert received_from(headers("1"), v1, 1).payload == expected
    assert received_from(headers("2"), v2, 2).payload == expected
    with pytest.raises(UnknownSchemaVersion, match="schema version 4, newer than this code's version 3"):
        received_from(headers("4"), v2, 3)
    with pytest.raises(UnknownSchemaVersion, match="'two', which is not a version"):
        received_from(headers("two"), v2, 3)


def test_an_event_newer_than_the_code_is_refused_not_read_as_an_older_shape() -> None:
    current = event_class("RecipientRegistered").schema_version
    data = json.loads(V1_EXAMPLE.read_text())
    with pytest.raises(UnknownSchemaVersion, match=f"RecipientRegistered was written at schema version"
                                                   f" {current + 1}, newer than this code's version {current}"):
        decode_event("RecipientRegistered", data, current + 1)
    with pytest.raises(UnknownSchemaVersion, match="not a version"):
        upcast("RecipientRegistered", 0, data)


def test_a_type_whose_upcaster_chain_has_a_gap_is_refused_when_it_is_declared() -> None:
    with pytest.raises(ValueError, match="Gappy is at schema version 3 but has no upcaster from version 2"):
        @event(service="tests", aggregate="probe", name="gappy", version=3, upcasters={1: v1_to_v2})
        @dataclass(frozen=True, kw_only=True)
        class Gappy:
            probe_id: str
    with pytest.raises(ValueError, match="upcasters from version 2 lead past it"):
        @event(service="tests", aggregate="probe", name="beyond", version=2, upcasters={1: v1_to_v2, 2: v2_to_v3})
        @dataclass(frozen=True, kw_only=True)
        class Beyond:
            probe_id: str
    assert "Gappy" not in {e.type_name for e in registered_events()}


def test_every_registered_type_has_an_upcaster_from_each_version_before_its_own() -> None:
    for registered in registered_events():
        assert sorted(registered.upcasters) == list(range(1, registered.schema_version)), registered.type_name


def test_recipient_registered_v1_category_names_become_memberships_with_the_documented_defaults() -> None:
    data = json.loads(V1_EXAMPLE.read_text())
    upcast_data = recipient_registered_v1_to_v2(data)
    assert upcast_data["categories"] == [
        {"category": "family_in_difficulty", "valid_from": "1983-01-01", "source": "self_reported"},
        {"category": "subsistence_allowance", "valid_from": "1983-01-01", "source": "self_reported"}]
    assert data["categories"] == ["family_in_difficulty", "subsistence_allowance"]  # pure: the input is unchanged
    registered = decode_event("RecipientRegistered", data, 1)
    assert isinstance(registered, RecipientRegistered)
    assert registered.categories == (
        CategoryMembership(category=RecipientCategory.FAMILY_IN_DIFFICULTY, valid_from=date(1983, 1, 1),
                           source=CategorySource.SELF_REPORTED),
        CategoryMembership(category=RecipientCategory.SUBSISTENCE_ALLOWANCE, valid_from=date(1983, 1, 1),
                           source=CategorySource.SELF_REPORTED))
    assert registered.birth_year == 1983 and registered.community == "一力社区"


def test_recipient_registered_stored_as_v1_with_memberships_already_passes_through_unchanged() -> None:
    membership = {"category": "disabled", "valid_from": "2026-01-01", "source": "visit"}
    data = {**json.loads(V1_EXAMPLE.read_text()), "categories": [membership]}
    assert recipient_registered_v1_to_v2(data)["categories"] == [membership]
    assert decode_event("RecipientRegistered", data, 1).categories == (CategoryMembership(
        category=RecipientCategory.DISABLED, valid_from=date(2026, 1, 1), source=CategorySource.VISIT),)
    assert recipient_registered_v1_to_v2({**data, "categories": []})["categories"] == []


def test_volunteer_registered_v1_reads_as_taken_with_no_consent_on_record() -> None:
    """v1 recorded no consent: none is invented, the registration reads as one with no consent on record."""
    data = json.loads((V1_EXAMPLE.parents[1] / "VolunteerRegistered" / "v1.json").read_text())
    assert "consent" not in data and volunteer_registered_v1_to_v2(data)["consent"] is None
    registered = decode_event("VolunteerRegistered", data, 1)
    assert isinstance(registered, VolunteerRegistered)
    assert registered.consent is None and registered.contact == "13800002222"
