"""A station's case register is hot: every case opened at the station takes its next number. Openings in one
process queue for it (Decider.hot) instead of conflicting, so fifty at once all succeed, numbered 1 to 50."""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.support import System, open_station, worker

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day


async def test_fifty_cases_opened_at_once_at_one_station_are_numbered_one_to_fifty(system: System) -> None:
    station_id = await open_station(system)
    me = worker(station_id)
    recipients = [await system.call("cases", "register_recipient", {
        "station_id": station_id, "name": f"居民{n}", "gender": "female", "birth_year": 1950, "community": "一力社区"},
        me) for n in range(50)]

    # All queue for the register at once: the last answers after the other 49 appended (a loaded machine's
    # minute, not the client's default ten seconds).
    opened = await asyncio.gather(*(system.call("cases", "open_case", {
        "recipient_id": r["recipient_id"], "worker_id": me.subject, "intake_source": "outreach",
        "presenting_problem": "独居", "opened_on": "2026-10-08"}, me, timeout=60) for r in recipients))

    assert len({o["case_id"] for o in opened}) == 50, "every opening succeeded"
    rows = await system.cases.pool.fetch("SELECT data FROM events WHERE type = 'CaseNumberAssigned'")
    numbers = sorted(json.loads(r["data"])["number"] for r in rows)
    assert numbers == list(range(1, 51)), "none skipped, none given twice"
    by_case = {json.loads(r["data"])["case_id"] for r in rows}
    assert by_case == {o["case_id"] for o in opened}
