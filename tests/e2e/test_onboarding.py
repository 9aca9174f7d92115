"""docs/onboarding.md, run as a new district would run it: from an empty installation, each GraphQL block in
GraphiQL as its `# as:` user, each `# as:` shell block in a shell (the real `hemiao` command, over NATS, with
that user's token), each `# file:` CSV block saved where it says; and what each step answered checked."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path
from typing import Any

import httpx
import jwt
import openpyxl
import pytest

from shared.contracts import Actor, Role
from tests.e2e.conftest import TOKENS
from tests.e2e.graphql import graphql
from tests.support import BUREAU, SECRET, System, token_for

pytestmark = pytest.mark.dateless  # the page's dates (2019, 2024) are data, before any day it runs

PAGE = Path(__file__).parents[2] / "docs" / "onboarding.md"
BLOCK = re.compile(r"```(graphql|sh|csv)\n(.*?)```", re.S)
ANSWERS = {"registerStreet": "streetId", "addCommunity": "communityId", "openStation": "stationId"}
"""Which mutation's id the next blocks take, as which variable (the first community is the compound's)."""


def actor(whose: str, station_id: str | None) -> Actor:
    stations = (station_id,) if station_id else ()
    return {"bureau": BUREAU,
            "head": Actor(subject="head-hsp", name="张站长", role=Role.STATION_HEAD, station_ids=stations),
            "worker": Actor(subject="sw-hsp-1", name="王社工", role=Role.SOCIAL_WORKER, station_ids=stations)}[whose]


async def shell(script: str, system: System, token: str, station_id: str | None, cwd: Path) -> str:
    """The block in bash, as a user's terminal after `make run` would run it (the project's venv on PATH)."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "NATS_URL": system.servers.nats.url, "HEMIAO_NAMESPACE": system.namespace, "HEMIAO_TOKEN": token,
           "HEMIAO_JWT_SECRET": SECRET, "STATION_ID": station_id or "", "COLUMNS": "200"}
    process = await asyncio.create_subprocess_exec("bash", "-euo", "pipefail", "-c", script, cwd=cwd, env=env,
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await asyncio.wait_for(process.communicate(), timeout=100)
    text = out.decode()
    assert process.returncode == 0, (script, text)
    return text


async def test_the_first_day_page_takes_an_empty_installation_to_a_staffed_station_with_its_roster(
        system: System, http: httpx.AsyncClient, tmp_path: Path) -> None:
    ids: dict[str, Any] = {}
    answers: list[Any] = []
    printed: list[str] = []
    for kind, block in BLOCK.findall(PAGE.read_text(encoding="utf-8")):
        if kind == "csv":
            name, content = re.match(r"# file: (\S+)\n(.*)", block, re.S).groups()  # type: ignore[union-attr]
            (tmp_path / name).write_text(content, encoding="utf-8")
            continue
        whose = re.search(r"^# as: (\w+)$", block, re.M)
        if kind == "sh":
            if whose is not None:  # the others start the system, as this test already has
                printed.append(await shell(block, system, token_for(actor(whose[1], ids.get("stationId"))),
                                           ids.get("stationId"), tmp_path))
                await system.read_models_have_everything()  # what the command wrote, as the next step reads it
            continue
        assert whose is not None, block
        answer = await graphql(http, block, actor(whose[1], ids.get("stationId")), **ids)
        assert "errors" not in answer, (block, answer)
        data = answer["data"]
        field, result = next(iter(data.items())) if len(data) == 1 else ("", data)  # a query of several: whole
        answers.append(result)
        if re.search(r"^mutation", block, re.M):
            assert result["__typename"] == "StationWorkRecorded", (block, result)
            for position in TOKENS.open(result["consistencyToken"]):
                await system.read_models_have(position)
            if field in ANSWERS:
                ids.setdefault(ANSWERS[field], result["id"])

    district, masked, unmasked, dashboard = answers[-4:]
    places, token, staff, roster = printed
    head_claims = jwt.decode(token.strip().splitlines()[-1], options={"verify_signature": False})
    staff_sheet = openpyxl.load_workbook(tmp_path / "员工.xlsx").worksheets[0]
    roster_sheet = openpyxl.load_workbook(tmp_path / "名单.xlsx").worksheets[0]

    assert (head_claims["sub"], head_claims["role"]) == ("head-hsp", "station_head")
    assert "4 rows, 4 without problems, 0 with problems (preview: nothing written)" in places
    assert "registered 3, updated 0, unchanged 3" in places and "registered 0, updated 0, unchanged 6" in places
    assert [c.value for c in next(openpyxl.load_workbook(tmp_path / "社区.xlsx").worksheets[0].iter_rows(
        max_row=1))] == ["社区名称", "统计用区划代码", "类型", "小区"]
    assert [c.value for c in next(staff_sheet.iter_rows(max_row=1))] == ["工号", "姓名", "岗位", "入职日期"]
    assert [c.value for c in next(roster_sheet.iter_rows(max_row=1))][:3] == ["姓名", "性别", "身份证号码"]
    assert "2 rows, 2 without problems, 0 with problems (preview: nothing written)" in staff
    assert "registered 2" in staff
    assert "3 rows, 3 without problems, 0 with problems (preview: nothing written)" in roster
    assert "registered 3, updated 0, unchanged 0, ended 0" in roster
    assert roster.count("this file was imported before") == 1
    assert "430103194503120024" not in roster and "13800138001" not in roster
    [station] = district["stations"]
    assert (station["stationId"], station["code"]) == (ids["stationId"], "HSP")
    assert [c["name"] for c in station["communityPlaces"]] == ["一力社区", "铭安社区", "新开铺社区"]
    assert sorted(c["name"] for c in station["compounds"]) == ["一力小区", "状元坡小区", "铭安花园"]
    assert district["streets"][0]["stationId"] == ids["stationId"]
    assert [(m["name"], m["community"]) for m in masked] == [("叶**", "一力社区")]
    assert [(m["name"], m["community"]) for m in unmasked] == [("叶桂兰", "一力社区")]
    assert dashboard["thisMonth"] == {"casesOpened": 0}
    staffed = await system.activities.pool.fetchval(
        "SELECT count(*) FROM events WHERE type = 'StaffJoined'")
    assert staffed == 2
