"""Demo data: Tianxin District's four stations from the article, a few recipients and cases.

Loaded through the services' own commands, each with an idempotency key, so a
second load appends nothing.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from shared.contracts import Actor, Role
from shared.runtime import ServiceClient

DISTRICT = "天心区"
_NS = uuid.UUID("6f1c4a52-3a0e-4a57-9d6e-2b8f3f7a0c11")


def demo_id(kind: str, name: str) -> str:
    """A stable id, so tokens printed by `make run` stay valid across restarts."""
    return str(uuid.uuid5(_NS, f"{kind}:{name}"))


STREETS: list[dict[str, Any]] = [
    {"name": "文源街道", "station": "文源街道社工站", "code": "WY", "communities": ["状元坡社区"]},
    {"name": "青园街道", "station": "青园街道社工站", "code": "QY", "communities": []},
    {"name": "桂花坪街道", "station": "桂花坪街道社工站", "code": "GHP", "communities": ["九峰苑社区"]},
    {"name": "黑石铺街道", "station": "黑石铺街道社工站", "code": "HSP",
     "communities": ["黑石铺社区", "一力社区", "铭安社区", "创谷社区", "披塘村"]},
]

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


def bureau() -> Actor:
    return Actor(subject="bureau-tianxin-1", name="天心区民政局", role=Role.DISTRICT_BUREAU, station_ids=("*",))


def _commands() -> list[tuple[str, str, dict[str, Any]]]:
    commands: list[tuple[str, str, dict[str, Any]]] = []
    for street in STREETS:
        street_id = demo_id("street", street["name"])
        commands.append(("activities", "register_street",
                         {"street_id": street_id, "name": street["name"], "district": DISTRICT}))
        for community in street["communities"]:
            commands.append(("activities", "add_community",
                             {"street_id": street_id, "community_id": demo_id("community", community),
                              "name": community, "kind": "village" if community.endswith("村") else "community"}))
        commands.append(("activities", "open_station",
                         {"station_id": station_id(street["code"]), "street_id": street_id, "name": street["station"],
                          "code": street["code"], "opened_on": "2019-01-15"}))
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


async def load_demo(client: ServiceClient, token: str) -> int:
    """Send every demo command; returns how many were sent (replays append nothing)."""
    commands = _commands()
    for n, (service, endpoint, payload) in enumerate(commands):
        await client.call(service, endpoint, payload, token=token, idempotency_key=f"demo-{n}")
    return len(commands)
