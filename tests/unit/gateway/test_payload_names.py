"""Payload type names are not event names: `... on RecordCaseSessionPayload` is a mutation's answer, never the
`CaseSessionRecorded` event a subscription or the timeline names."""

from __future__ import annotations

import pytest
from graphql import GraphQLNamedType, GraphQLObjectType, GraphQLUnionType, get_named_type

from gateway.schema import schema
from shared.contracts import registered_events

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

SHARED_PAYLOADS = {"CaseChanged", "StationWorkRecorded", "ExportReady"}
"""The payloads several mutations answer alike; every other one is its mutation's `<MutationName>Payload`."""


def payloads() -> dict[str, str]:
    """Each mutation's payload type name (its result union without the user errors), by mutation name."""
    mutation = schema._schema.mutation_type
    assert mutation is not None
    found: dict[str, str] = {}
    for name, field in mutation.fields.items():
        result: GraphQLNamedType = get_named_type(field.type)
        members = result.types if isinstance(result, GraphQLUnionType) else [result]
        [payload] = [m for m in members if isinstance(m, GraphQLObjectType)
                     and "UserError" not in {i.name for i in m.interfaces}]
        found[name] = payload.name
    return found


def test_no_payload_type_is_named_like_an_event() -> None:
    events = {e.type_name for e in registered_events()}
    answered = set(payloads().values())

    assert len(events) > 50 and len(answered) > 5
    assert answered & events == set()


def test_a_payload_is_named_after_its_mutation_unless_several_mutations_share_it() -> None:
    for mutation, payload in payloads().items():
        assert payload in SHARED_PAYLOADS or payload == mutation[0].upper() + mutation[1:] + "Payload", mutation
