"""Who reads and who changes a case: every role, on its own station and on another."""

from __future__ import annotations

import httpx
import pytest

from shared.contracts import Actor, Role
from tests.e2e.graphql import RECORD, graphql
from tests.support import System, open_case_for, open_station

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

READ = """query($id: ID!, $r: ID!) { case(id: $id) { id } recipient(id: $r) { id } }"""
UPDATE = """mutation($input: UpdateRecipientInput!) { updateRecipient(input: $input) { __typename } }"""

# role: (reads own, changes own, reads other, changes other)
EXPECTED = {
    Role.SOCIAL_WORKER: (True, True, False, False),
    Role.STATION_HEAD: (True, True, False, False),
    Role.SUPERVISOR: (True, False, False, False),
    Role.PROJECT_DIRECTOR: (True, False, False, False),
    Role.DISTRICT_BUREAU: (True, False, True, False),
}


def member(role: Role, station_id: str) -> Actor:
    stations = ("*",) if role == Role.DISTRICT_BUREAU else (station_id,)
    return Actor(subject=f"{role.value}-1", name=role.value, role=role, station_ids=stations)


async def test_every_role_reads_and_changes_exactly_what_it_may(system: System, http: httpx.AsyncClient) -> None:
    own_station, other_station = await open_station(system), await open_station(system, "WY")
    own = await open_case_for(system, own_station)
    other = await open_case_for(system, other_station)
    await system.read_models_have(other["position"])
    recipients = {
        case_id: (await system.cases.store.read_stream(f"case-{case_id}"))[0].payload.recipient_id
        for case_id in (own["case_id"], other["case_id"])}

    seen = {}
    for role in EXPECTED:
        actor = member(role, own_station)
        outcome = []
        for case in (own, other):
            read = await graphql(http, READ, actor, id=case["case_id"], r=recipients[case["case_id"]])
            changed = (await graphql(http, RECORD, actor, input={
                "caseId": case["case_id"], "heldOn": "2026-10-20", "mode": "PHONE", "durationMinutes": 10,
            }))["data"]["recordCaseSession"]
            updated = (await graphql(http, UPDATE, actor, input={
                "recipientId": recipients[case["case_id"]], "community": "一力社区"}))["data"]["updateRecipient"]
            readable = read["data"]["case"] is not None and read["data"]["recipient"] is not None
            outcome += [readable, changed["__typename"] == "RecordCaseSessionPayload"]
            # A record the caller cannot read is not found for changes too; one they read but may not change
            # is forbidden.
            refused = "Forbidden" if readable else "NotFound"
            assert changed["__typename"] in ("RecordCaseSessionPayload", refused), (role, changed)
            assert updated["__typename"] == ("UpdateRecipientPayload" if outcome[-1] else refused), (role, updated)
        seen[role] = (outcome[0], outcome[1], outcome[2], outcome[3])

    assert seen == EXPECTED
