"""The timeline dates every case event by the day it happened: each event type names its date field once."""

from __future__ import annotations

import dataclasses
import typing
from datetime import UTC, date, datetime

from services.reporting.projections.timeline import HAPPENED_ON, happened_on
from shared.consumer import ReceivedEvent
from shared.contracts import registered_events
from shared.contracts.examples import EXAMPLES

CASE_EVENTS = {e.type_name: e.cls for e in registered_events() if e.service == "cases" and e.aggregate == "case"}


def test_every_case_event_names_the_field_of_the_day_it_happened_and_that_field_is_a_date() -> None:
    assert set(HAPPENED_ON) == set(CASE_EVENTS), "map a new case event's business date in HAPPENED_ON"
    for name, field in HAPPENED_ON.items():
        if field is not None:
            hints = typing.get_type_hints(CASE_EVENTS[name])
            assert field in {f.name for f in dataclasses.fields(CASE_EVENTS[name])} and hints[field] is date, name


def test_an_event_entered_days_late_happened_on_its_own_day_and_one_without_a_date_on_the_day_recorded() -> None:
    recorded = datetime(2026, 6, 25, 17, 30, tzinfo=UTC)  # 26 June in China
    for cls in CASE_EVENTS.values():
        example = next(e for e in EXAMPLES if isinstance(e, cls))
        event = ReceivedEvent(type=cls.__name__, payload=example, stream_id="case-c-1", version=1, event_id="e",
                              stream_seq=1, recorded_at=recorded, actor="sw-1")
        field = HAPPENED_ON[cls.__name__]
        assert happened_on(event) == (getattr(example, field) if field else date(2026, 6, 26))
    unknown = ReceivedEvent(type="CaseSomethingNew", payload=object(), stream_id="case-c-1", version=1,
                            event_id="e", stream_seq=1, recorded_at=recorded, actor="sw-1")
    assert happened_on(unknown) == date(2026, 6, 26)
