"""The generated documents say what the code does: a change to either without the other fails here."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from gateway.schema import schema
from shared.contracts import registered_events
from shared.contracts.asyncapi import catalogue, render
from shared.contracts.examples import EXAMPLES

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

ROOT = Path(__file__).parents[3]


def test_schema_graphql_is_the_schema_the_gateway_serves() -> None:
    assert (ROOT / "schema.graphql").read_text() == schema.as_str() + "\n", "run `make schema` and commit"


def test_the_asyncapi_document_is_generated_from_the_registered_events() -> None:
    assert (ROOT / "docs" / "events.asyncapi.yaml").read_text() == render(), "run `make asyncapi` and commit"


def test_every_event_has_a_channel_and_an_example() -> None:
    document = catalogue()
    addresses = {c["address"] for c in document["channels"].values()}
    assert addresses == {e.subject for e in registered_events()}
    assert {type(e).__name__ for e in EXAMPLES} == {e.type_name for e in registered_events()}
    assert yaml.safe_load(render())["asyncapi"] == "3.0.0"
