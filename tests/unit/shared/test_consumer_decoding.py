"""A consumer decodes only the types its projections handle (`shared.consumer.received_from` with `handled`): an
event of another type is read from its headers alone, whatever its body or schema version; a handled one decodes,
upcasts and refuses exactly as without `handled`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from services.reporting.projections import projections
from shared.consumer import Projection, handled_types, received_from
from shared.contracts import UnknownSchemaVersion
from tests.contracts.probe import AT, probe_noted

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day


@pytest.fixture
def throwaway() -> Iterator[type[Any]]:
    with probe_noted("tests") as registered:
        yield registered


def headers(kind: str, schema_version: str = "1") -> dict[str, str]:
    return {"hemiao-event-type": kind, "hemiao-stream-id": "probe-p", "hemiao-stream-version": "7",
            "hemiao-schema-version": schema_version, "Nats-Msg-Id": "e-7", "ce-time": "2026-03-01T08:00:00+00:00",
            "hemiao-actor": "sw-1"}


def test_an_unhandled_type_is_read_from_its_headers_and_a_handled_one_decodes_as_before(
        throwaway: type[Any]) -> None:
    handled = handled_types([Projection(name="p", version=1, tables=(), handlers={"ProbeNoted": print})])
    assert handled == {"ProbeNoted"}
    for body in ("{not json", b"\xff\xfe", json.dumps(AT[1])):  # broken, not text, or fine: never read
        for version in ("1", "99", "two"):
            passed = received_from(headers("ProbeShelved", version), body, 3, handled)
            assert (passed.type, passed.payload, passed.stream_id, passed.version, passed.event_id,
                    passed.stream_seq, passed.actor) == ("ProbeShelved", None, "probe-p", 7, "e-7", 3, "sw-1")

    expected = throwaway(probe_id="p", family="王", given="小明", hours=1.5)
    assert received_from(headers("ProbeNoted"), json.dumps(AT[1]), 3, handled).payload == expected
    assert received_from(headers("ProbeNoted", "3"), json.dumps(AT[3]).encode(), 3, handled).payload == expected
    with pytest.raises(json.JSONDecodeError):
        received_from(headers("ProbeNoted"), "{not json", 3, handled)
    with pytest.raises(UnknownSchemaVersion, match="schema version 4, newer than this code's version 3"):
        received_from(headers("ProbeNoted", "4"), json.dumps(AT[3]), 3, handled)
    with pytest.raises(KeyError):  # without `handled` every type is decoded, as before (this one has no contract)
        received_from(headers("ProbeShelved"), json.dumps(AT[1]), 3)


def test_reporting_decodes_every_type_any_of_its_projections_applies_batched_or_not() -> None:
    every = projections()
    assert handled_types(every) == {t for p in every for t in (*p.handlers, *p.batch_handlers)}
    station_months = next(p for p in every if p.name == "station_months")
    assert handled_types([p for p in every if p is not station_months]) == set(station_months.handlers)
