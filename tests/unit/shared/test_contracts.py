"""The published language: names, subjects and round trips of every event type."""

from __future__ import annotations

import re
from datetime import date

import pytest

from shared.contracts import decode_event, encode_event, registered_events
from shared.contracts.cases import CaseSessionRecorded, SessionMode

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day


def test_every_event_has_a_snake_case_subject_and_a_versioned_cloudevents_type() -> None:
    events = registered_events()
    assert len(events) >= 7
    for registered in events:
        assert re.fullmatch(r"hemiao\.events\.(cases|activities)\.[a-z_]+\.[a-z_]+", registered.subject)
        assert re.fullmatch(r"cn\.hemiao\.(cases|activities)\.[a-z_]+\.v\d+", registered.ce_type)
        assert registered.description, f"{registered.type_name} needs a docstring: it documents the contract"


def test_subjects_follow_the_namespace() -> None:
    [registered] = [e for e in registered_events() if e.cls is CaseSessionRecorded]
    assert registered.subject_in("t1") == "t1.events.cases.case.session_recorded"


def test_an_event_survives_json_and_back() -> None:
    event = CaseSessionRecorded(case_id="c", station_id="s", session_id="x", held_on=date(2026, 10, 1),
                                mode=SessionMode.PHONE, duration_minutes=30, participants=2, notes="电访")

    data = encode_event(event)

    assert data["held_on"] == "2026-10-01"
    assert data["mode"] == "phone"
    assert decode_event("CaseSessionRecorded", data) == event
