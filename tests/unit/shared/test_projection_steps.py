"""How a batch's due events become calls of a projection's handlers (`steps`): a batch handler's events go together
across events of other streams, never past an earlier event of their own stream; and the versions a rebuild holds
in memory (`HeldVersions`) move, and are taken back, as the table's would."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import asyncpg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.consumer import HeldVersions, Projection, ReceivedEvent, steps

pytestmark = pytest.mark.dateless

AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def ev(stream_id: str, version: int, type_name: str) -> ReceivedEvent:
    return ReceivedEvent(type=type_name, payload=None, stream_id=stream_id, version=version,
                         event_id=f"{stream_id}/{version}", stream_seq=0, recorded_at=AT, actor="sw-1")


async def one(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    """A per-event handler (never called here)."""


async def sessions(conn: asyncpg.Connection, events: Sequence[ReceivedEvent]) -> None:
    """A batch handler of sessions."""


async def openings(conn: asyncpg.Connection, events: Sequence[ReceivedEvent]) -> None:
    """A batch handler of openings."""


PROJECTION = Projection(name="p", version=1, tables=(), handlers={"Opened": one, "Session": one, "Closed": one,
                                                                  "Merged": one},
                        batch_handlers={"Opened": openings, "Session": sessions})


def shape(made: list[object]) -> list[tuple[str, list[str]]]:
    return [(step.batch.__name__ if step.batch else "one", [f"{e.stream_id}/{e.version}" for e in step.events])
            for step in made]  # type: ignore[attr-defined]


def test_a_batch_handlers_events_go_together_past_other_streams_but_never_past_their_own_streams_earlier_events(
        ) -> None:
    events = [ev("a", 1, "Opened"), ev("a", 2, "Session"), ev("b", 1, "Opened"), ev("x", 1, "Merged"),
              ev("b", 2, "Session"), ev("a", 3, "Closed"), ev("a", 4, "Session"), ev("b", 3, "Session"),
              ev("c", 1, "Opened"), ev("y", 1, "Unhandled"), ev("c", 2, "Session")]
    assert shape(steps(PROJECTION, events)) == [
        ("openings", ["a/1", "b/1", "c/1"]),  # c's opening joins the first run: nothing of c came before it
        ("sessions", ["a/2", "b/2"]),  # b's session passes x's merge, another stream's
        ("one", ["x/1"]),
        ("one", ["a/3"]),
        ("sessions", ["a/4", "b/3", "c/2"]),  # after a's closing a new run, never before it; the others join it
    ]


def test_without_batch_handlers_every_event_is_a_call_of_its_own_in_order() -> None:
    events = [ev("a", 1, "Opened"), ev("b", 1, "Opened"), ev("a", 2, "Session")]
    plain = Projection(name="p", version=1, tables=(), handlers=PROJECTION.handlers)
    assert shape(steps(plain, events)) == [("one", ["a/1"]), ("one", ["b/1"]), ("one", ["a/2"])]


def test_held_versions_move_together_and_a_batch_that_did_not_commit_is_taken_back() -> None:
    held = HeldVersions(["p", "q"])
    held.begin()
    held.move({("p", "a"): 2, ("q", "a"): 2, ("p", "b"): 1, ("q", "b"): 1})
    assert held.have(["a", "b", "c"]) == {("p", "a"): 2, ("q", "a"): 2, ("p", "b"): 1, ("q", "b"): 1}
    held.begin()
    held.move({("p", "a"): 3, ("q", "a"): 3, ("p", "c"): 1, ("q", "c"): 1})
    held.undo()  # that batch's transaction rolled back
    assert held.have(["a", "c"]) == {("p", "a"): 2, ("q", "a"): 2}
    with pytest.raises(ValueError, match="parted"):
        held.move({("p", "a"): 3})


TYPES = ("Opened", "Session", "Closed", "Merged", "Unhandled")


@st.composite
def interleaved(draw: st.DrawFn) -> list[ReceivedEvent]:
    """Some streams, each a list of types in its version order, shuffled together keeping each stream's order."""
    streams = [draw(st.lists(st.sampled_from(TYPES), min_size=1, max_size=8)) for _ in range(draw(st.integers(1, 6)))]
    left = [list(enumerate(types, start=1)) for types in streams]
    events = []
    while any(left):
        n = draw(st.sampled_from([n for n, rest in enumerate(left) if rest]))
        version, kind = left[n].pop(0)
        events.append(ev(f"s{n}", version, kind))
    return events


@settings(max_examples=300, deadline=None, database=None)
@given(events=interleaved())
def test_steps_keep_each_streams_order_each_batch_handlers_order_and_every_handled_event_once(
        events: list[ReceivedEvent]) -> None:
    made = steps(PROJECTION, events)
    applied = [(n, e) for n, step in enumerate(made) for e in step.events]
    handled = [e for e in events if e.type in PROJECTION.handlers]
    assert sorted(id(e) for _, e in applied) == sorted(id(e) for e in handled)  # each once; the unhandled none
    for stream_id in {e.stream_id for e in events}:  # a stream's events in their versions' order, never together
        ours = [(n, e.version) for n, e in applied if e.stream_id == stream_id]  # out of order within a call
        assert [v for _, v in ours] == sorted(v for _, v in ours)
    for handler in (openings, sessions, None):  # a batch handler's events (and the per-event calls) in their order
        calls = [e for step in made if step.batch is handler for e in step.events]
        assert calls == [e for e in handled if PROJECTION.batch_handlers.get(e.type) is handler]
    for step in made:
        assert (step.batch is None) == (step.one is not None) and (step.one is None or len(step.events) == 1)
