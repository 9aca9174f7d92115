"""The parts of snapshots that need no database: the bounded cache of states, the decider's kind (version and the
fingerprint of its state's shape), a state kept and brought back as it was, and the in-memory store without any."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.activities.application.handlers import GROUP, VOLUNTEER
from services.cases.application.handlers import CASE, CASE_REGISTER, RECIPIENT
from services.cases.domain.state import Case, ClosingRequest, Plan
from shared.application import Decider, load
from shared.contracts.cases import CaseOutcome
from shared.eventstore.memory import InMemoryEventStore
from shared.eventstore.snapshots import Cached, StateCache, StateKind

pytestmark = pytest.mark.dateless  # its dates are data

KIND = StateKind(decider="case", version=1, fingerprint="f")


def cached(version: int, *persons: str) -> Cached:
    return Cached(version=version, state=version, persons=frozenset(persons), snapshotted=0)


def test_the_cache_keeps_the_most_recently_used_states_up_to_its_bound() -> None:
    cache = StateCache(entries=2)
    cache.put("a", KIND, cached(1))
    cache.put("b", KIND, cached(1))
    assert cache.get("a", KIND) == cached(1)  # a is now the most recently used
    cache.put("c", KIND, cached(1))

    assert len(cache) == 2
    assert cache.get("b", KIND) is None
    assert cache.get("a", KIND) is not None and cache.get("c", KIND) is not None


def test_the_cache_keeps_the_later_state_and_forgets_an_erased_persons() -> None:
    cache = StateCache(entries=10)
    cache.put("a", KIND, cached(5, "p-1"))
    cache.put("a", KIND, cached(4, "p-1"))
    cache.put("b", KIND, cached(2, "p-2"))
    assert cache.get("a", KIND) == cached(5, "p-1"), "a command one behind does not put back an older state"
    assert cache.get("a", dataclasses.replace(KIND, version=2)) is None, "another decider version's is not seen"

    cache.forget(["p-1"])

    assert cache.get("a", KIND) is None
    assert cache.get("b", KIND) == cached(2, "p-2")


def test_a_deciders_kind_changes_with_its_version_and_its_states_shape() -> None:
    @dataclasses.dataclass(frozen=True)
    class Counted:
        given: int = 0

    @dataclasses.dataclass(frozen=True)
    class Renamed:
        numbers: int = 0

    counted = Decider(stream_type="register", initial_state=Counted(), evolve=lambda c, _: c)
    renamed = Decider(stream_type="register", initial_state=Renamed(), evolve=lambda r, _: r)

    assert counted.kind == dataclasses.replace(counted).kind, "the same decider, the same kind"
    assert dataclasses.replace(counted, version=2).kind != counted.kind
    assert renamed.kind.fingerprint != counted.kind.fingerprint, "a field renamed, the version not raised"


@given(sessions=st.frozensets(st.text(max_size=4), max_size=4), day=st.dates(), problem=st.none() | st.text())
def test_a_case_kept_in_a_snapshot_comes_back_as_it_was(sessions: frozenset[str], day: date,
                                                         problem: str | None) -> None:
    state = Case(opened=True, station_id="s", opened_on=day, session_ids=sessions, plan=Plan(version=2,
                 goal_ids=("g1", "g2"), drafted_on=day), closing=ClosingRequest(closed_on=day,
                                                                                 outcome=CaseOutcome.GOALS_MET,
                                                                                 reason=problem))
    kept = CASE.kept(state)
    assert kept is not None
    assert CASE.from_kept(kept) == state


def test_every_decider_of_the_cases_and_activities_keeps_its_state() -> None:
    deciders: list[Decider[Any]] = [CASE, RECIPIENT, CASE_REGISTER, GROUP, VOLUNTEER]
    for decider in deciders:
        kept = decider.kept(decider.initial_state)
        assert kept is not None, decider.stream_type
        assert decider.from_kept(kept) == decider.initial_state


async def test_the_in_memory_store_keeps_no_snapshots_and_folds_the_stream() -> None:
    store = InMemoryEventStore()
    assert await load(store, CASE_REGISTER, "case-register-s-2026") == (0, 0)
