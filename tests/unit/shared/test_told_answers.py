"""An answer told from the events decided (ids numbered as they are decided): told again on a retry, replayed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest

from shared.application import Decider, Unit, execute_telling
from shared.contracts import Actor, Role
from shared.contracts.activities import IssueRaisedInMeeting, JointMeetingHeld
from shared.eventstore import AppendResult, ConcurrencyConflict, EventMetadata, StreamAppend
from shared.eventstore.memory import InMemoryEventStore
from shared.runtime import RequestContext

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

WORKER = Actor(subject="sw-1", name="社工", role=Role.SOCIAL_WORKER, station_ids=("s-1",))
RAISED = Decider(stream_type="governance", initial_state=0,
                 evolve=lambda raised, event: raised + len(event.raised))
"""How many issues the compound's meetings raised so far: the next one is numbered after them."""


def meeting(raised_so_far: int) -> list[object]:
    return [JointMeetingHeld(
        compound_id="cp-1", station_id="s-1", meeting_id=f"m-{raised_so_far}", held_on=date(2026, 11, 2),
        present=(), agenda=(), minutes="纪要", progressed=(),
        raised=(IssueRaisedInMeeting(issue_id=f"i{raised_so_far + 1}", title="地库漏水", owner="物业",
                                     due_on=date(2026, 11, 16)),))]


def told(events: Sequence[object]) -> dict[str, Any]:
    return {"raised_issue_ids": [i.issue_id for e in events if isinstance(e, JointMeetingHeld) for i in e.raised]}


def unit(store: InMemoryEventStore, key: str | None = None) -> Unit:
    return Unit(store=store, request=RequestContext(actor=WORKER, correlation_id="c", idempotency_key=key),
                fingerprint="hold")


class RacedOnce(InMemoryEventStore):
    """Another writer's meeting lands just before the first append, which then conflicts."""

    raced = False

    async def append_all(self, appends: Sequence[StreamAppend], metadata: EventMetadata,
                         **kwargs: Any) -> AppendResult:
        if not self.raced:
            self.raced = True
            await super().append_all([StreamAppend(stream_id=appends[0].stream_id, stream_type="governance",
                                                   expected_version=0, events=meeting(0))], metadata, result={})
            raise ConcurrencyConflict(appends[0].stream_id, appends[0].expected_version)
        return await super().append_all(appends, metadata, **kwargs)


async def test_the_answer_holds_what_the_decision_numbered() -> None:
    appended = await execute_telling(unit(InMemoryEventStore()), RAISED, "governance-cp-1", meeting,
                                     {"compound_id": "cp-1"}, told)

    assert appended.result == {"compound_id": "cp-1", "raised_issue_ids": ["i1"]}


async def test_a_decision_made_again_after_a_conflict_tells_its_own_numbers() -> None:
    store = RacedOnce()

    appended = await execute_telling(unit(store), RAISED, "governance-cp-1", meeting, {}, told)

    assert appended.result == {"raised_issue_ids": ["i2"]}  # the other writer's meeting raised i1
    assert len(store.events) == 2


async def test_a_replayed_command_answers_the_numbers_it_was_told_first() -> None:
    store = InMemoryEventStore()
    first = await execute_telling(unit(store, "k"), RAISED, "governance-cp-1", meeting, {}, told)

    again = await execute_telling(unit(store, "k"), RAISED, "governance-cp-1", meeting, {}, told)

    assert again.result == first.result == {"raised_issue_ids": ["i1"]}
    assert len(store.events) == 1
