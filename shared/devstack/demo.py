"""Demo data: Tianxin District's four stations from the article, a few recipients and cases, and the article's
figures of the stations' work: the needs research (1,844 questionnaires handed out: 505 文源, 357 青园, 495 桂花坪,
487 黑石铺) and 黑石铺's project 童心童乐童成长 (6 groups in five communities, 630 direct and about 300 indirect
person-times).

Loaded through the services' own commands, each with an idempotency key, so a
second load appends nothing.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import date, timedelta
from typing import Any

from shared.contracts import Actor, Role
from shared.runtime import ServiceClient

DISTRICT = "天心区"
DISTRICT_CODE = "430103"
"""天心区's GB/T 2260 code (长沙市 4301, 湖南省 43)."""
_NS = uuid.UUID("6f1c4a52-3a0e-4a57-9d6e-2b8f3f7a0c11")


def demo_id(kind: str, name: str) -> str:
    """A stable id, so tokens printed by `make run` stay valid across restarts."""
    return str(uuid.uuid5(_NS, f"{kind}:{name}"))


STREETS: list[dict[str, Any]] = [
    {"name": "文源街道", "station": "文源街道社工站", "code": "WY", "division_code": "430103010000",
     "communities": {"状元坡社区": "430103010001"}},
    {"name": "青园街道", "station": "青园街道社工站", "code": "QY", "division_code": "430103011000",
     "communities": {"青园社区": "430103011001", "金坡社区": "430103011002"}},
    {"name": "桂花坪街道", "station": "桂花坪街道社工站", "code": "GHP", "division_code": "430103007000",
     "communities": {"九峰苑社区": "430103007001"}},
    {"name": "黑石铺街道", "station": "黑石铺街道社工站", "code": "HSP", "division_code": "430103012000",
     "communities": {"黑石铺社区": "430103012001", "一力社区": "430103012002", "铭安社区": "430103012003",
                     "创谷社区": "430103012004", "披塘村": "430103012201"}},
]
"""The streets with their 12-digit statistical division codes (统计用区划代码: the district's 6 digits, the street's 3,
000) and their communities' (the street's 9, the community's 3; villages from 201). Plausible, not the official
list's: a district loads its own from the statistics bureau's."""

COMPOUNDS = {"GHP": [("九峰苑社区", "绿地公馆")], "HSP": [("一力社区", "一力小区")], "QY": [("青园社区", "青园小区")]}
"""Residential compounds (小区): 绿地公馆 is the article's; 一力小区 and 青园小区 are the demo's."""

DEMO_START = date(2026, 10, 8)
"""Fixed dates, so that a later load sends the very same commands."""

SYSTEM = Actor(subject="hemiao-demo-loader", name="演示数据", role=Role.SYSTEM, station_ids=("*",))


def station_id(code: str) -> str:
    return demo_id("station", code)


def social_worker(code: str) -> Actor:
    return Actor(subject=f"sw-{code.lower()}-1", name=f"{code} 站点社工", role=Role.SOCIAL_WORKER,
                 station_ids=(station_id(code),))


def station_head(code: str) -> Actor:
    return Actor(subject=f"head-{code.lower()}", name=f"{code} 站长", role=Role.STATION_HEAD,
                 station_ids=(station_id(code),))


def supervisor(code: str) -> Actor:
    return Actor(subject=f"sup-{code.lower()}", name=f"{code} 外部督导", role=Role.SUPERVISOR,
                 station_ids=(station_id(code),))


def bureau() -> Actor:
    return Actor(subject="bureau-tianxin-1", name="天心区民政局", role=Role.DISTRICT_BUREAU, station_ids=("*",))


def _commands() -> list[tuple[str, str, dict[str, Any]]]:
    commands: list[tuple[str, str, dict[str, Any]]] = []
    for street in STREETS:
        street_id = demo_id("street", street["name"])
        commands.append(("activities", "register_street",
                         {"street_id": street_id, "name": street["name"], "district": DISTRICT,
                          "district_code": DISTRICT_CODE, "division_code": street["division_code"]}))
        for community, code in street["communities"].items():
            commands.append(("activities", "add_community",
                             {"street_id": street_id, "community_id": demo_id("community", community),
                              "name": community, "kind": "village" if community.endswith("村") else "community",
                              "division_code": code}))
        for community, compound in COMPOUNDS.get(street["code"], ()):
            commands.append(("activities", "add_compound",
                             {"street_id": street_id, "community_id": demo_id("community", community),
                              "compound_id": demo_id("compound", compound), "name": compound}))
        commands.append(("activities", "open_station",
                         {"station_id": station_id(street["code"]), "street_id": street_id, "name": street["station"],
                          "code": street["code"], "opened_on": "2019-01-15"}))
        for person, role in ((station_head(street["code"]), "station_head"),
                             (social_worker(street["code"]), "social_worker")):  # who signs in there, and leads
            commands.append(("activities", "join_staff",
                             {"staff_id": person.subject, "name": person.name, "role": role,
                              "station_ids": [station_id(street["code"])], "joined_on": "2019-01-15"}))
    people = [
        ("WY", "叶某", "male", 1968, "状元坡社区", ["disabled", "subsistence_allowance"],
         "肢体残疾，长期独自在家，对外界不信任", ["home_visit", "condolence_visit", "home_visit"]),
        ("GHP", "周某", "female", 1941, "九峰苑社区", ["elderly_living_alone"],
         "独居高龄老人，行动不便，需要定期探访", ["phone", "home_visit"]),
        ("HSP", "陈某", "female", 1983, "一力社区", ["family_in_difficulty", "subsistence_allowance"],
         "家庭经济困难，孩子暑期无人照看", ["interview"]),
    ]
    more_of: dict[str, dict[str, Any]] = {
        "叶某": {"disability": {"type": "physical", "grade": 2}},
        "陈某": {"household": [{"name": "李某某", "relation": "child", "birth_year": 2015, "note": "小学四年级"}]},
    }
    for offset, (code, name, gender, born, community, categories, problem, sessions) in enumerate(people):
        more = more_of.get(name, {})
        recipient_id, case_id = demo_id("recipient", name), demo_id("case", name)
        opened = DEMO_START + timedelta(days=offset)
        sensitive = {"phone": f"1390000{offset:04d}", "consent_given_on": "2026-10-01",
                     "consent_purpose": "建立个案档案，便于联系与走访"}
        commands.append(("cases", "register_recipient",
                         {"recipient_id": recipient_id, "station_id": station_id(code), "name": name,
                          "gender": gender, "birth_year": born, "community": community,
                          "categories": [{"category": c, "valid_from": "2026-01-01", "source": "civil_affairs_list"}
                                         for c in categories], **sensitive, **more}))
        commands.append(("cases", "open_case",
                         {"case_id": case_id, "recipient_id": recipient_id, "worker_id": social_worker(code).subject,
                          "intake_source": "outreach", "presenting_problem": problem, "opened_on": opened.isoformat()}))
        for n, mode in enumerate(sessions, start=1):
            commands.append(("cases", "record_case_session",
                             {"case_id": case_id, "session_id": demo_id("session", f"{name}-{n}"),
                              "held_on": (opened + timedelta(days=7 * n)).isoformat(), "mode": mode,
                              "duration_minutes": 60, "notes": "定期走访，建立信任关系"}))
    return commands


SURVEYS = {"WY": 505, "QY": 357, "GHP": 495, "HSP": 487}
"""Questionnaires each station handed out in its needs research (the article's figures, 1,844 in all)."""

HSP_GROUPS = [("黑石铺社区", "垃圾分类小卫士", "growth"), ("一力社区", "粘土创意坊", "interest"),
              ("铭安社区", "心灵成长营", "growth"), ("创谷社区", "巧手工坊", "interest"),
              ("披塘村", "创意结合小组", "interest"), ("一力社区", "勇气成长营", "growth")]
MEMBERS_PER_GROUP = 15
WALK_INS = (3, 2, 3, 2, 3, 2)
"""Six sessions a group: 15 members signed in and these walk-ins, 105 person-times a group, 630 for six."""


PARENTS_AT_THE_SHOWING = {"indirect_beneficiaries": 50, "indirect_basis": "组员家长观看结营展示，按签到估算"}
"""黑石铺's ~300 indirect beneficiaries: each group's parents at its last session, on the group and not as an
activity of no one (which would add an activity that never had a participant)."""


def _station_work_commands() -> list[tuple[str, str, dict[str, Any]]]:
    commands: list[tuple[str, str, dict[str, Any]]] = []
    for code, handed_out in SURVEYS.items():
        commands.append(("activities", "set_station_targets", {
            "station_id": station_id(code), "year": 2026, "projects": 2, "groups": 6, "activities": 4,
            "person_times": 1500}))
        commands.append(("activities", "record_survey", {
            "survey_id": demo_id("survey", code), "station_id": station_id(code), "title": "社工站建设需求调研",
            "method": "questionnaire", "starts_on": "2026-03-02", "ends_on": "2026-03-31", "distributed": handed_out,
            "needs": [{"area": "education", "population": "留守儿童", "description": "暑期无人看护，缺少课外活动"},
                      {"area": "social", "population": "独居老人", "description": "缺少陪伴与社会交往"}]}))
    project_id = demo_id("project", "童心童乐童成长")
    commands.append(("activities", "start_project", {
        "project_id": project_id, "station_id": station_id("HSP"), "name": "童心童乐童成长",
        "aims": "充实儿童暑期生活，提升创造力、合作与勇气", "target_population": "6-12 岁儿童",
        "communities": sorted({community for community, _, _ in HSP_GROUPS}), "starts_on": "2026-07-01",
        "ends_on": "2026-12-31",
        "planned": {"groups": 6, "group_sessions": 36, "activities": 0, "person_times": 600}}))
    for g, (community, name, kind) in enumerate(HSP_GROUPS):
        group_id = demo_id("group", name)
        commands.append(("activities", "plan_group", {
            "group_id": group_id, "station_id": station_id("HSP"), "project_id": project_id, "name": name,
            "type": kind, "target_population": "6-12 岁儿童", "community": community,
            "leader_ids": [social_worker("HSP").subject], "planned_sessions": 6, "planned_on": "2026-06-20"}))
        members = [demo_id("member", f"{name}-{n}") for n in range(MEMBERS_PER_GROUP)]
        commands += [("activities", "add_group_member", {"group_id": group_id, "member_id": member,
                                                         "name": f"{community}儿童{n + 1:02d}"})
                     for n, member in enumerate(members)]
        for n, walk_ins in enumerate(WALK_INS):
            held_on = date(2026, 7, 6) + timedelta(days=7 * n + g)
            commands.append(("activities", "record_group_session", {
                "group_id": group_id, "session_id": demo_id("group-session", f"{name}-{n}"),
                "held_on": held_on.isoformat(), "duration_minutes": 90, "place": f"{community}活动室",
                "theme": f"{name} 第 {n + 1} 节", "present_member_ids": members, "walk_ins": walk_ins,
                "goal_attainment": 4, **(PARENTS_AT_THE_SHOWING if n == len(WALK_INS) - 1 else {})}))
        commands.append(("activities", "close_group", {"group_id": group_id, "closed_on": "2026-08-31",
                                                       "summary": "六节全部完成，组员更愿意表达、合作"}))
    commands.append(("activities", "record_publicity", {
        "item_id": demo_id("publicity", "童心童乐童成长"), "station_id": station_id("HSP"), "kind": "news",
        "title": "黑石铺街道社工站“童心童乐童成长”暑期小组圆满结束", "outlet": "天心区融媒体中心",
        "level": "district", "published_on": "2026-09-06", "project_id": project_id}))
    return commands


async def load_demo(client: ServiceClient, token: str) -> int:
    """Send every demo command; returns how many were sent (replays append nothing)."""
    return len(await send_demo(client, token))


async def send_demo(client: ServiceClient, token: str) -> list[dict[str, Any]]:
    """Send every demo command; the position each one's reply names (service, stream, version)."""
    commands = _commands() + _station_work_commands()
    positions: list[dict[str, Any]] = []
    for n, (service, endpoint, payload) in enumerate(commands):
        answer = await client.call(service, endpoint, payload, token=token, idempotency_key=f"demo-{n}")
        positions.append(answer.get("position") or {})
    return positions


async def read_side_has(client: ServiceClient, token: str, positions: list[dict[str, Any]],
                        timeout: float = 60.0) -> bool:
    """Wait, up to `timeout`, until reporting's read models have applied every position (asking its `applied`
    endpoint, as the gateway's waits do); False when they have not by then."""
    wanted: dict[str, int] = {}
    for position in filter(None, positions):
        wanted[position["stream_id"]] = max(int(position["version"]), wanted.get(position["stream_id"], 0))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = await client.call("reporting", "applied", {"stream_ids": sorted(wanted)}, token=token, timeout=15)
        if all(int(answer["applied"].get(stream, 0)) >= version for stream, version in wanted.items()):
            return True
        await asyncio.sleep(0.1)
    return False
