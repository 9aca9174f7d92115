"""A station's case register is hot: every case opened at the station takes its next number. Openings in one
process queue for it (Decider.hot) instead of conflicting, so fifty at once all succeed, numbered 1 to 50."""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.support import System, open_case_for, open_station

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day


async def test_fifty_cases_opened_at_once_at_one_station_are_numbered_one_to_fifty(system: System) -> None:
    station_id = await open_station(system)

    opened = await asyncio.gather(*(open_case_for(system, station_id) for _ in range(50)))

    assert len({o["case_id"] for o in opened}) == 50, "every opening succeeded"
    rows = await system.cases.pool.fetch("SELECT data FROM events WHERE type = 'CaseNumberAssigned'")
    numbers = sorted(json.loads(r["data"])["number"] for r in rows)
    assert numbers == list(range(1, 51)), "none skipped, none given twice"
    by_case = {json.loads(r["data"])["case_id"] for r in rows}
    assert by_case == {o["case_id"] for o in opened}
