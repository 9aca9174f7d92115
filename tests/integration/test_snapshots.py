"""Snapshots and the cache of states, through the real PostgreSQL store: a state loaded from a snapshot or from the
cache is the one folded from the whole stream, a decider's new version or state shape ignores the old snapshots,
and an erasure leaves none of the person's data in any snapshot."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.cases.application.handlers import CASE, CASE_REGISTER, RECIPIENT, ROUTES, case_stream, recipient_stream
from services.cases.domain import case
from services.cases.domain.commands import RecordCaseSession
from services.cases.domain.state import Case
from shared.application import Decider, command_endpoints, load
from shared.contracts import Actor
from shared.contracts.cases import SessionMode
from shared.contracts.errors import DomainError
from shared.eventstore.postgres import PostgresEventStore
from shared.eventstore.snapshots import SnapshotSettings
from shared.migrations import EVENT_STORE_MIGRATIONS, migrate
from shared.runtime import Handler, RequestContext
from tests.clock import STORY, STORY_YEAR_END, story_day
from tests.support import DATA_KEY, Servers, head, worker

pytestmark = [pytest.mark.dateless, pytest.mark.clock(STORY)]  # its dates are data, of the stories' month

EVERY = 3
STATION = "station-snap"
WORKER = worker(STATION)
HEAD = head(STATION)


@pytest.fixture
async def pool(servers: Servers, namespace: str) -> AsyncIterator[asyncpg.Pool]:
    dsn = servers.postgres.dsn(f"{namespace}_snapshots")
    await migrate(dsn, [EVENT_STORE_MIGRATIONS])
    created = await asyncpg.create_pool(dsn, min_size=1, max_size=4)
    try:
        yield created
    finally:
        await created.close()


def kept(pool: asyncpg.Pool) -> PostgresEventStore:
    """A store of this process that snapshots every EVERY events (each one has its own cache)."""
    return PostgresEventStore(pool, DATA_KEY, snapshots=SnapshotSettings(every=EVERY, cached_states=100))


class Commands:
    """The cases service's command endpoints on a store, called as a station's worker or, if refused, its head."""

    def __init__(self, store: PostgresEventStore) -> None:
        self.endpoints: dict[str, Handler] = command_endpoints("cases", store, ROUTES)

    async def call(self, name: str, body: dict[str, Any], actor: Actor = WORKER) -> dict[str, Any]:
        return dict(await self.endpoints[name](body, RequestContext(actor=actor, correlation_id="c")))

    async def attempt(self, name: str, body: dict[str, Any]) -> dict[str, Any] | None:
        """The command as the worker, else as the head; None if both refuse it (the history stays valid)."""
        for actor in (WORKER, HEAD):
            try:
                return await self.call(name, body, actor)
            except DomainError:
                continue
        return None

    async def register(self, **details: Any) -> str:
        answer = await self.call("register_recipient", {
            "station_id": STATION, "name": "叶某", "gender": "male", "birth_year": 1968, "community": "一力社区",
            "categories": [{"category": "disabled", "valid_from": story_day(1), "source": "visit"}], **details})
        return str(answer["recipient_id"])

    async def open(self, recipient_id: str, problem: str = "长期独自在家") -> str:
        answer = await self.call("open_case", {"recipient_id": recipient_id, "worker_id": WORKER.subject,
                                               "intake_source": "outreach", "presenting_problem": problem,
                                               "opened_on": story_day(1)})
        return str(answer["case_id"])


DAY = st.integers(2, 27).map(story_day)
WORDS = st.text(alphabet="上门走访社区家属情况良好需要跟进", min_size=1, max_size=6)
CONSENT = {"consent_given_on": story_day(1), "consent_purpose": "联系服务对象"}

FILLERS = st.one_of(
    st.builds(lambda d, t: ("case", "record_case_session", {"held_on": d, "mode": "home_visit",
                                                            "duration_minutes": 30, "notes": t}), DAY, WORDS),
    st.builds(lambda n, d, t: ("case", "refer_case", {"referral_id": f"ref-{n}", "agency": "区医院",
                                                      "service": "medical", "reason": t, "referred_on": d,
                                                      "consent_given": True}), st.integers(1, 2), DAY, WORDS),
    st.builds(lambda n, d, t: ("case", "record_referral_feedback", {"referral_id": f"ref-{n}", "outcome": "accepted",
                                                                    "feedback": t, "received_on": d}),
              st.integers(1, 2), DAY, WORDS),
    st.builds(lambda w: ("case", "transfer_case", {"to_worker_id": w}), st.sampled_from(["worker-1", "worker-2"])),
    st.builds(lambda t: ("recipient", "update_recipient", {"name": f"王{t}"}), WORDS),
    st.builds(lambda n: ("recipient", "update_recipient", {"phone": f"1380000{n:04d}", **CONSENT}),
              st.integers(0, 9999)),
    st.builds(lambda t: ("recipient", "update_recipient", {"address": f"一力社区{t}号", **CONSENT}), WORDS),
    st.builds(lambda y: ("recipient", "update_recipient", {"birth_year": y}), st.integers(1930, 1990)),
)
STAGES = 8


def stage(n: int, known: dict[str, Any], returned: bool) -> list[tuple[str, dict[str, Any]]]:
    """The case's n-th step of its course (assessed, planned, evaluated, closed, reopened), on its own day; what
    earlier steps answered (the plan's version and goals) in `known`."""
    day = story_day(3 + 2 * n)
    draft = ("draft_service_plan", {"drafted_on": day, "strategies": "每周家访", "goals": [
        {"description": "按时复诊", "measure": "每月一次", "target_date": STORY_YEAR_END}]})
    version = known.get("plan_version", 1)
    course: list[list[tuple[str, dict[str, Any]]]] = [
        [("assess_case", {"assessed_on": day, "risk_level": "high", "strengths": "乐观",
                          "needs": [{"area": "health", "description": "看病难"}]})],
        [draft],
        [("submit_service_plan", {"submitted_on": day})],
        [("return_service_plan", {"returned_on": day, "plan_version": version, "comment": "再改"}), draft,
         ("submit_service_plan", {"submitted_on": day})] if returned else [],
        [("approve_service_plan", {"approved_on": day, "plan_version": known.get("plan_version", 1)})],
        [("evaluate_case", {"evaluated_on": day, "goal_results": [
            {"goal_id": g, "result": "achieved"} for g in known.get("goal_ids", [])]})],
        [("request_case_closing", {"closed_on": day, "reason": "目标达成", "outcome": "goals_met"}),
         *([("return_case_closing", {"comment": "再跟进"}),
            ("request_case_closing", {"closed_on": day, "reason": "目标达成", "outcome": "goals_met"})]
           if returned else []),
         ("approve_case_closing", {})],
        [("reopen_case", {"reopened_on": day, "reason": "情况反复"})],
    ]
    return course[n]


def decided(state: Case, session_id: str, held_on: str) -> object:
    """What a next command decides on the state: its events, or the code of its refusal."""
    command = RecordCaseSession(actor=WORKER, today=date.fromisoformat(STORY[:10]), case_id="c",
                                session_id=session_id, held_on=date.fromisoformat(held_on),
                                mode=SessionMode.PHONE, duration_minutes=20, notes="电话回访")
    try:
        return case.decide(command, state)
    except DomainError as refused:
        return refused.code


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(reach=st.integers(0, STAGES), returned=st.booleans(),
       fillers=st.lists(st.lists(FILLERS, max_size=3), min_size=STAGES + 1, max_size=STAGES + 1), next_day=DAY)
async def test_a_state_from_a_snapshot_or_the_cache_is_the_one_folded_from_the_whole_stream(
        pool: asyncpg.Pool, reach: int, returned: bool, fillers: list[list[tuple[str, str, dict[str, Any]]]],
        next_day: str) -> None:
    store = kept(pool)
    commands = Commands(store)
    recipient_id = await commands.register(**{"phone": "13800001111", **CONSENT})
    case_id = await commands.open(recipient_id)
    ids = {"case": {"case_id": case_id}, "recipient": {"recipient_id": recipient_id}}
    known: dict[str, Any] = {}
    for n in range(STAGES + 1):
        for target, name, body in fillers[n]:
            await commands.attempt(name, {**ids[target], **body})
        for name, body in stage(n, known, returned) if n < reach else []:
            known.update(await commands.attempt(name, {**ids["case"], **body}) or {})

    streams: list[tuple[Decider[Any], str]] = [(CASE, case_stream(case_id)),
                                               (RECIPIENT, recipient_stream(recipient_id))]
    for decider, stream_id in streams:
        history = await store.read_stream(stream_id)
        folded = decider.fold([e.payload for e in history])
        trusted = store.states.get(stream_id, decider.kind)  # what the next command decides from, unread
        assert trusted is None or (trusted.state, trusted.version) == (folded, len(history)), "trusted"
        assert await load(store, decider, stream_id) == (folded, len(history)), "from the cache"
        assert await load(kept(pool), decider, stream_id) == (folded, len(history)), "from the snapshot and after"
        snapshot = await pool.fetchrow("SELECT stream_version, state::text FROM snapshots WHERE stream_id = $1",
                                       stream_id)
        if len(history) >= EVERY:
            assert snapshot is not None and len(history) - snapshot["stream_version"] < EVERY
            assert "叶某" not in snapshot["state"] and "13800001111" not in snapshot["state"], "sealed"

    # A command decided from the snapshot is the one decided from the whole history.
    history = await store.read_stream(case_stream(case_id))
    from_snapshot, _ = await load(kept(pool), CASE, case_stream(case_id))
    assert decided(from_snapshot, "s-next", next_day) == decided(CASE.fold([e.payload for e in history]), "s-next",
                                                                next_day)
    # Another process appends; this one's cached state is behind, and reads only what came after it.
    await Commands(kept(pool)).attempt("record_case_session", {"case_id": case_id, "held_on": next_day,
                                                              "mode": "phone", "duration_minutes": 20})
    history = await store.read_stream(case_stream(case_id))
    assert await load(store, CASE, case_stream(case_id)) == (CASE.fold([e.payload for e in history]), len(history))
    # Behind again, this one's next command trusts its cached state, conflicts, and is decided on the one read.
    await Commands(kept(pool)).attempt("record_case_session", {"case_id": case_id, "held_on": next_day,
                                                              "mode": "phone", "duration_minutes": 25})
    await commands.attempt("record_case_session", {"case_id": case_id, "held_on": next_day, "mode": "phone",
                                                   "duration_minutes": 15})
    history = await store.read_stream(case_stream(case_id))
    trusted = store.states.get(case_stream(case_id), CASE.kind)  # the stream's, at its version (refused: behind)
    assert trusted is not None and trusted.state == CASE.fold([e.payload for e in history[:trusted.version]])


@dataclasses.dataclass(frozen=True)
class Counted:
    """A register's state of another shape: what a changed state class, its version not raised, looks like."""

    given: int = 0


async def test_a_new_decider_version_or_state_shape_ignores_the_snapshot_and_replaces_it(
        pool: asyncpg.Pool) -> None:
    commands = Commands(kept(pool))
    for _ in range(EVERY + 1):
        await commands.open(await commands.register())
    register = case.register_stream(STATION, int(story_day(1)[:4]))
    row = await pool.fetchrow("SELECT decider_version, stream_version, state::text FROM snapshots"
                              " WHERE stream_id = $1", register)
    assert (row["decider_version"], row["stream_version"], row["state"]) == (1, EVERY, str(EVERY))

    await pool.execute("UPDATE snapshots SET state = '99' WHERE stream_id = $1", register)
    assert await load(kept(pool), CASE_REGISTER, register) == (100, EVERY + 1), "the snapshot is read, if wrong"

    raised = dataclasses.replace(CASE_REGISTER, version=2)
    assert await load(kept(pool), raised, register) == (EVERY + 1, EVERY + 1), "another version's is ignored"
    row = await pool.fetchrow("SELECT decider_version, stream_version, state::text FROM snapshots"
                              " WHERE stream_id = $1", register)
    assert (row["decider_version"], row["stream_version"], row["state"]) == (2, EVERY + 1, str(EVERY + 1))

    reshaped: Decider[Counted] = Decider(stream_type="case_register", initial_state=Counted(),
                                         evolve=lambda counted, _: Counted(counted.given + 1), version=2)
    assert await load(kept(pool), reshaped, register) == (Counted(EVERY + 1), EVERY + 1), "another shape's too"
    assert json.loads(await pool.fetchval("SELECT state::text FROM snapshots WHERE stream_id = $1", register)) == {
        "given": EVERY + 1}


async def test_an_erasure_leaves_no_personal_data_in_any_snapshot(pool: asyncpg.Pool) -> None:
    store = kept(pool)
    commands = Commands(store)
    secret = {"name": "欧阳春晓", "phone": "13912345678", "address": "一力社区梧桐巷七号"}
    recipient_id = await commands.register(**secret, **CONSENT)
    for n in range(EVERY):
        await commands.call("update_recipient", {"recipient_id": recipient_id, "birth_year": 1950 + n})
    case_id = await commands.open(recipient_id, problem="独居失能需送餐")
    for day in range(2, 2 + EVERY):
        await commands.call("record_case_session", {"case_id": case_id, "held_on": story_day(day),
                                                    "mode": "home_visit", "duration_minutes": 30,
                                                    "notes": "梧桐巷家访记录"})
    other = await commands.register(name="另一位", phone="13700000000", **CONSENT)
    for n in range(EVERY):
        await commands.call("update_recipient", {"recipient_id": other, "birth_year": 1960 + n})

    async def raw_snapshots() -> str:
        return json.dumps([dict(r) for r in await pool.fetch("SELECT * FROM snapshots")], default=str,
                          ensure_ascii=False)

    names = {r["stream_id"] for r in await pool.fetch("SELECT stream_id FROM snapshots WHERE $1 = ANY(persons)",
                                                      recipient_id)}
    assert names == {recipient_stream(recipient_id), case_stream(case_id)}
    for plain in (*secret.values(), "独居失能需送餐", "梧桐巷家访记录"):
        assert plain not in await raw_snapshots(), "sealed with the person's key"

    await commands.call("erase_recipient", {"recipient_id": recipient_id, "reason": "本人要求删除"}, HEAD)

    assert await pool.fetchval("SELECT count(*) FROM snapshots WHERE $1 = ANY(persons)", recipient_id) == 0
    assert await pool.fetchval("SELECT count(*) FROM snapshots WHERE stream_id = $1", recipient_stream(other)) == 1
    for plain in (*secret.values(), "独居失能需送餐", "梧桐巷家访记录"):
        assert plain not in await raw_snapshots()
    folded = CASE.fold([e.payload for e in await store.read_stream(case_stream(case_id))])
    assert await load(store, CASE, case_stream(case_id)) == (folded, 1 + EVERY), "folded again from the events"
    assert await load(store, RECIPIENT, recipient_stream(recipient_id)) == (
        RECIPIENT.fold([e.payload for e in await store.read_stream(recipient_stream(recipient_id))]), 2 + EVERY)
    assert await pool.fetchval("SELECT count(*) FROM snapshots WHERE $1 = ANY(persons)", recipient_id) == 0, (
        "an erased person's streams keep no snapshot")


async def test_a_snapshot_whose_key_is_gone_is_ignored(pool: asyncpg.Pool) -> None:
    commands = Commands(kept(pool))
    recipient_id = await commands.register(name="甘某")
    for n in range(EVERY):
        await commands.call("update_recipient", {"recipient_id": recipient_id, "birth_year": 1950 + n})
    stream_id = recipient_stream(recipient_id)
    assert await pool.fetchval("SELECT count(*) FROM snapshots WHERE stream_id = $1", stream_id) == 1

    await pool.execute("DELETE FROM person_keys WHERE person_id = $1", recipient_id)  # as a key lost would be

    fresh = kept(pool)
    state, version = await load(fresh, RECIPIENT, stream_id)
    assert (state, version) == (RECIPIENT.fold([e.payload for e in await fresh.read_stream(stream_id)]), 1 + EVERY)
