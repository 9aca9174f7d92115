"""Helpers the integration, fault and end-to-end tests share."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import nats
from nats.aio.client import Client
from nats.js.api import ConsumerConfig, DeliverPolicy

from services.activities.application.followed import FOLLOWED as ACTIVITIES_FOLLOW
from services.activities.entrypoints.service import MIGRATIONS as ACTIVITIES_MIGRATIONS
from services.activities.entrypoints.service import endpoints as activities_endpoints
from services.cases.application.followed import FOLLOWED as CASES_FOLLOW
from services.cases.entrypoints.service import MIGRATIONS as CASES_MIGRATIONS
from services.cases.entrypoints.service import endpoints as cases_endpoints
from services.reporting.entrypoints.service import ReportingService, reporting_service
from shared.auth import issue_token
from shared.config import AuthSettings, ServiceSettings, stream_name
from shared.contracts import Actor, Role
from shared.devstack.embedded import EmbeddedNats, EmbeddedPostgres
from shared.runtime import ServiceClient
from shared.service import WriteService, write_service

SECRET = "test-secret-that-is-long-enough-for-hs256-keys"
AUTH = AuthSettings(secret=SECRET)
DATA_KEY = bytes(range(32))


@dataclass
class Servers:
    postgres: EmbeddedPostgres
    nats: EmbeddedNats
    root: Path


def token_for(actor: Actor) -> str:
    return issue_token(SECRET, actor)


SYSTEM_ACTOR = Actor(subject="test-system", name="测试", role=Role.SYSTEM, station_ids=("*",))


def worker(station_id: str, subject: str = "worker-1") -> Actor:
    return Actor(subject=subject, name="社工", role=Role.SOCIAL_WORKER, station_ids=(station_id,))


def head(station_id: str) -> Actor:
    return Actor(subject="head-1", name="站长", role=Role.STATION_HEAD, station_ids=(station_id,))


BUREAU = Actor(subject="bureau-1", name="民政局", role=Role.DISTRICT_BUREAU, station_ids=("*",))


def settings_for(servers: Servers, namespace: str, service: str, nats_url: str | None = None) -> ServiceSettings:
    return ServiceSettings(service=service, database_url=servers.postgres.dsn(f"{namespace}_{service}"),
                           nats_url=nats_url or servers.nats.url, namespace=namespace, http_host="127.0.0.1",
                           http_port=0, auth=AUTH, data_key=DATA_KEY)


@dataclass
class System:
    """The services running in-process for one test, and a client to call them over NATS."""

    namespace: str
    servers: Servers
    cases: WriteService
    activities: WriteService
    reporting: ReportingService
    client: ServiceClient
    nc: Client

    async def call(self, service: str, endpoint: str, payload: dict[str, Any], actor: Actor = SYSTEM_ACTOR,
                   **kwargs: Any) -> dict[str, Any]:
        return await self.client.call(service, endpoint, payload, token=token_for(actor), **kwargs)

    async def read_models_have(self, position: dict[str, Any], timeout: float = 10) -> None:
        await wait_until(lambda: applied(self.reporting.pool, position), timeout)

    async def events_written(self) -> int:
        """Events in both write services' stores."""
        return sum([await service.pool.fetchval("SELECT count(*) FROM events")
                    for service in (self.cases, self.activities)])

    async def read_models_have_everything(self, timeout: float = 30) -> None:
        """Wait until the read models have each write service's last event (and so every one before it)."""
        for service in (self.cases, self.activities):
            last = await service.pool.fetchrow("SELECT stream_id, version FROM events"
                                               " ORDER BY global_position DESC LIMIT 1")
            if last is not None:
                await self.read_models_have({"stream_id": last["stream_id"], "version": last["version"]}, timeout)


async def applied(pool: asyncpg.Pool, position: dict[str, Any]) -> bool:
    version = await pool.fetchval("SELECT min(version) FROM applied_versions WHERE stream_id = $1",
                                  position["stream_id"])
    return version is not None and version >= position["version"]


async def wait_until(check: Callable[[], Awaitable[bool]], timeout: float = 10, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {timeout} s")
        await asyncio.sleep(0.02)


@contextlib.asynccontextmanager
async def running_system(servers: Servers, namespace: str) -> AsyncIterator[System]:
    cases_settings = settings_for(servers, namespace, "cases")
    activities_settings = settings_for(servers, namespace, "activities")
    async with (
        write_service(cases_settings, CASES_MIGRATIONS, cases_endpoints, "cases", follows=CASES_FOLLOW) as cases,
        write_service(activities_settings, ACTIVITIES_MIGRATIONS,
                      activities_endpoints, "activities", follows=ACTIVITIES_FOLLOW) as activities,
        reporting_service(settings_for(servers, namespace, "reporting")) as reporting,
    ):
        nc = await nats.connect(servers.nats.url)
        try:
            yield System(namespace=namespace, servers=servers, cases=cases, activities=activities,
                         reporting=reporting, client=ServiceClient(nc, namespace), nc=nc)
        finally:
            await nc.close()


async def open_station(system: System, code: str = "HSP", communities: tuple[str, ...] = ("一力社区",)) -> str:
    """A street with its communities (one, 一力社区, unless told) and its station; returns the station id. The
    station's records name one of these communities."""
    street = await system.call("activities", "register_street", {"name": f"{code}街道", "district": "天心区"})
    for community in communities:
        await system.call("activities", "add_community", {"street_id": street["street_id"], "name": community})
    station = await system.call("activities", "open_station",
                                {"street_id": street["street_id"], "name": f"{code}街道社工站", "code": code,
                                 "opened_on": "2019-01-15"})
    await system.read_models_have(station["position"])  # so that a case's station is never shown as unknown
    return str(station["station_id"])


async def join_staff(system: System, station_id: str, *people: Actor) -> None:
    """These people join the station's staff (a group's leaders must be its current staff), read back."""
    for person in people:
        role = "station_head" if person.role == Role.STATION_HEAD else "social_worker"
        joined = await system.call("activities", "join_staff", {
            "staff_id": person.subject, "name": person.name, "role": role, "station_ids": [station_id],
            "joined_on": "2019-01-15"})
        await system.read_models_have(joined["position"])


async def open_case_for(system: System, station_id: str, actor: Actor | None = None,
                        opened_on: date = date(2026, 10, 8)) -> dict[str, Any]:
    actor = actor or worker(station_id)
    recipient = await system.call("cases", "register_recipient",
                                  {"station_id": station_id, "name": "叶某", "gender": "male", "birth_year": 1968,
                                   "community": "一力社区", "categories": [
                                       {"category": "disabled", "valid_from": "2026-01-01", "source": "visit"}]},
                                  actor)
    return await system.call("cases", "open_case",
                             {"recipient_id": recipient["recipient_id"], "worker_id": actor.subject,
                              "intake_source": "outreach", "presenting_problem": "长期独自在家",
                              "opened_on": opened_on.isoformat()}, actor)


async def stream_messages(nc: Client, namespace: str, service: str) -> list[dict[str, Any]]:
    """Every message now in a service's JetStream stream, in stream order, as headers plus data."""
    js = nc.jetstream()
    stream = stream_name(namespace, service)
    info = await js.stream_info(stream)
    if info.state.messages == 0:
        return []
    subscription = await js.pull_subscribe(f"{namespace}.events.{service}.>", stream=stream,
                                           config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL))
    found: list[dict[str, Any]] = []
    deadline = time.monotonic() + 60
    while len(found) < info.state.messages:
        try:
            batch = await subscription.fetch(min(500, info.state.messages - len(found)), timeout=5)
        except nats.errors.TimeoutError:  # a loaded machine: ask again, up to the deadline
            if time.monotonic() > deadline:
                raise
            continue
        for msg in batch:
            await msg.ack()
            found.append({"seq": msg.metadata.sequence.stream, "headers": dict(msg.headers or {}),
                          "data": json.loads(msg.data)})
    await subscription.unsubscribe()
    return found
