"""NATS with a user per process kind (shared/natsauth.py): the whole system runs on it, each service with its own
credentials as `make run` hands them out, and nobody else can write to hemiao's streams.

One story on one nats-server configured by the generator `make run` uses: connections without credentials or
with an unknown key are refused; forged events from reporting, from cases (on activities' subject) and from the
district integrator are refused by the server and never reach the read models; the integrator reads through its
own durable consumer but cannot delete the stream or take another consumer's name."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import nats
import nats.errors
import pytest
import yaml
from nats.aio.client import Client

from services.activities.application.followed import FOLLOWED as ACTIVITIES_FOLLOW
from services.activities.entrypoints.service import endpoints as activities_endpoints
from services.cases.application.followed import FOLLOWED as CASES_FOLLOW
from services.cases.entrypoints.service import endpoints as cases_endpoints
from services.reporting.entrypoints.service import reporting_service
from shared.config import NatsSettings, stream_name
from shared.devstack.embedded import EmbeddedNats, free_port
from shared.devstack.run import DATABASE_VARIABLES, SERVICES, Stack
from shared.natsauth import NatsUser, authorization_block, ensure_users, new_seed, read_seeds
from shared.natsio import client_options
from shared.runtime import ServiceClient
from shared.service import write_service
from tests.support import (
    ACTIVITIES_MIGRATIONS,
    CASES_MIGRATIONS,
    Servers,
    System,
    open_station,
    settings_for,
)

pytestmark = pytest.mark.dateless

NAMESPACE = f"t{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="module")
def secured(servers: Servers) -> Iterator[tuple[EmbeddedNats, dict[str, NatsUser], Path]]:
    """A nats-server with the authorization block `make run` generates, and the users it names."""
    folder = servers.root / f"nats-auth-{NAMESPACE}"
    users = ensure_users(folder / "users", NAMESPACE)
    server = EmbeddedNats(folder / "nats", port=free_port(), config_text=authorization_block(users.values()))
    server.start()
    try:
        yield server, users, folder / "users"
    finally:
        server.stop()


@contextlib.contextmanager
def nats_env(user: NatsUser) -> Iterator[None]:
    """The process environment of a process of this kind while it starts (it connects at start)."""
    before = os.environ.get("NATS_NKEY_SEED")
    os.environ["NATS_NKEY_SEED"] = user.seed
    try:
        yield
    finally:
        if before is None:
            del os.environ["NATS_NKEY_SEED"]
        else:
            os.environ["NATS_NKEY_SEED"] = before


@contextlib.asynccontextmanager
async def system_on(servers: Servers, nats_url: str, users: dict[str, NatsUser]) -> AsyncIterator[System]:
    """The three services, each connected as its own user, and a client connected as the `tool` user."""
    async with contextlib.AsyncExitStack() as stack:
        def settings(service: str) -> Any:
            return settings_for(servers, NAMESPACE, service, nats_url=nats_url)

        with nats_env(users["cases"]):
            cases = await stack.enter_async_context(write_service(
                settings("cases"), CASES_MIGRATIONS, cases_endpoints, "cases", follows=CASES_FOLLOW))
        with nats_env(users["activities"]):
            activities = await stack.enter_async_context(write_service(
                settings("activities"), ACTIVITIES_MIGRATIONS, activities_endpoints, "activities",
                follows=ACTIVITIES_FOLLOW))
        with nats_env(users["reporting"]):
            reporting = await stack.enter_async_context(reporting_service(settings("reporting")))
        nc = await as_user(nats_url, users["tool"])
        stack.push_async_callback(nc.close)
        yield System(namespace=NAMESPACE, servers=servers, cases=cases, activities=activities, reporting=reporting,
                     client=ServiceClient(nc, NAMESPACE), nc=nc)


async def as_user(url: str, user: NatsUser | None, errors: list[str] | None = None, seed: str | None = None) -> Client:
    """A plain connection (no reconnecting) as this user, or with this seed, or with no credentials at all;
    the server's complaints go into `errors`."""
    async def record(error: Exception) -> None:
        if errors is not None:
            errors.append(str(error))

    env = user.env() if user is not None else ({"NATS_NKEY_SEED": seed} if seed else {})
    nc = Client()
    try:
        await nc.connect(url, allow_reconnect=False, max_reconnect_attempts=0, error_cb=record,
                         **client_options(NatsSettings.from_env(env)))
    except BaseException:
        with contextlib.suppress(Exception):  # a refused client would leave its socket open
            await nc.close()
        if nc._transport is not None:
            nc._transport.close()
        raise
    return nc


async def refused_publish(nc: Client, subject: str, data: bytes, headers: dict[str, str]) -> None:
    with pytest.raises(nats.errors.TimeoutError):  # the server drops it and says why: no PubAck ever comes
        await nc.jetstream().publish(subject, data, headers=headers, timeout=1.0)


async def test_only_hemiao_users_write_and_each_only_its_own(
        servers: Servers, secured: tuple[EmbeddedNats, dict[str, NatsUser], Path]) -> None:
    server, users, folder = secured
    assert read_seeds(folder) == {kind: user.seed for kind, user in users.items()}  # kept for the next start
    server_file = (folder / "auth.conf").read_text()
    assert all(user.seed not in server_file and user.public_key in server_file for user in users.values())

    for seed in (None, new_seed()):  # no credentials; a key the server does not know
        with pytest.raises(nats.errors.Error, match="Authorization Violation"):
            await as_user(server.url, None, seed=seed)

    async with system_on(servers, server.url, users) as system:
        station = await open_station(system, "HSP")  # the three services and the tool, each as itself
        stations = await system.call("reporting", "stations", {})
        assert [s["station_id"] for s in stations["stations"]] == [station]

        # The integrator reads the activities stream through its own durable consumer, and acks.
        said: dict[str, list[str]] = {kind: [] for kind in ("integrator", "reporting", "cases")}
        integrator = await as_user(server.url, users["integrator"], said["integrator"])
        activities_stream = stream_name(NAMESPACE, "activities")
        js = integrator.jetstream()
        subscription = await js.pull_subscribe(f"{NAMESPACE}.events.activities.>", durable="integrator",
                                               stream=activities_stream)
        messages = await subscription.fetch(10, timeout=5)
        for message in messages:
            await message.ack()
        opened = next(m for m in messages if m.subject.endswith(".station.opened"))
        stored = (await js.stream_info(activities_stream)).state.messages

        # A forged station, shaped exactly as the real one, under another id and name.
        forged_id = str(uuid.uuid4())
        body = json.loads(opened.data)
        forged = json.dumps(body).replace(station, forged_id).replace("HSP街道社工站", "伪造社工站").encode()
        headers = {k: v.replace(station, forged_id) for k, v in (opened.headers or {}).items()}
        headers["Nats-Msg-Id"] = str(uuid.uuid4())
        reporting = await as_user(server.url, users["reporting"], said["reporting"])
        cases = await as_user(server.url, users["cases"], said["cases"])
        for forger in (reporting, cases, integrator):
            await refused_publish(forger, opened.subject, forged, headers)
            await forger.publish(opened.subject, forged, headers=headers)  # core NATS: the stream hears it too
            await forger.flush()
        refusing = integrator.jetstream(timeout=1.0)  # a refused request gets no answer at all
        with pytest.raises(nats.errors.TimeoutError):
            await refusing.delete_stream(activities_stream)
        with pytest.raises(nats.errors.TimeoutError):  # another's durable: not the integrator's to take
            await refusing.pull_subscribe(f"{NAMESPACE}.events.activities.>", durable="reporting_activities",
                                    stream=activities_stream)
        with pytest.raises(nats.errors.TimeoutError):  # nor the services' endpoints
            await integrator.request(f"{NAMESPACE}.reporting.stations", b"{}", timeout=1.0)
        for kind, complaints in said.items():
            assert any("permissions violation for publish" in c for c in complaints), (kind, complaints)

        # What comes after is applied; the forged station never is, and the stream holds what the relay sent.
        other = await open_station(system, "QY")
        stations = await system.call("reporting", "stations", {})
        assert sorted(s["station_id"] for s in stations["stations"]) == sorted([station, other])
        assert "伪造社工站" not in json.dumps(stations, ensure_ascii=False)
        written = await system.activities.pool.fetchval("SELECT count(*) FROM events")
        assert (await js.stream_info(activities_stream)).state.messages == written > stored
        for nc in (integrator, reporting, cases):
            await nc.close()


async def test_make_run_hands_each_process_its_own_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`make run`'s stack starts its nats-server with the users it made in var/, and gives each child its own."""
    monkeypatch.setenv("HEMIAO_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("HEMIAO_NATS_PORT", str(free_port()))
    monkeypatch.delenv("NATS_URL", raising=False)
    monkeypatch.delenv("NATS_NKEY_SEED", raising=False)
    for variable in DATABASE_VARIABLES.values():  # a PostgreSQL of its own: the stack starts none
        monkeypatch.setenv(variable, "postgresql://unused")
    stack = Stack()
    stack.start_servers()
    try:
        seeds = {kind: stack.env_of(kind).get("NATS_NKEY_SEED") for kind in (*SERVICES, "gateway", "tool")}
        assert None not in seeds.values() and len(set(seeds.values())) == len(seeds)  # each its own
        assert read_seeds(tmp_path / "nats-auth")["cases"] == seeds["cases"]
        cases = await as_user(stack.env["NATS_URL"], None, seed=seeds["cases"])
        await cases.close()
        with pytest.raises(nats.errors.Error, match="Authorization Violation"):
            await as_user(stack.env["NATS_URL"], None)
    finally:
        stack.supervisor.stop_all()


def test_the_deploy_configurations_take_the_generated_users(tmp_path: Path) -> None:
    """deploy/nats.conf and nats-cluster.conf include the generated hemiao-auth.conf, and nats-server accepts
    them with it (`-t`: the configuration is checked, nothing starts)."""
    users = ensure_users(tmp_path / "users")
    deploy = Path(__file__).resolve().parents[2] / "deploy"
    (tmp_path / "hemiao-auth.conf").write_text((tmp_path / "users" / "auth.conf").read_text())
    for name in ("nats.conf", "nats-cluster.conf"):
        (tmp_path / name).write_text((deploy / name).read_text())
        checked = subprocess.run([EmbeddedNats.binary(), "-c", str(tmp_path / name), "-t"], capture_output=True,
                                 text=True, env={**os.environ, "NATS_SERVER_NAME": "nats-1"}, check=False)
        assert checked.returncode == 0 and "is valid" in checked.stderr + checked.stdout, checked.stderr
    helm = yaml.safe_load((tmp_path / "users" / "helm-values.yaml").read_text())
    keys = [u["nkey"] for u in helm["config"]["merge"]["authorization"]["users"]]
    assert keys == [user.public_key for user in users.values()]
