"""PostgreSQL stopped under a service: a command is answered STORE_UNAVAILABLE, bilingual, saying nothing was
recorded (as the gateway gives it), /readyz says the store is down; once it is back the pool reconnects by itself
and the same command with the same idempotency key is recorded, once."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import asyncpg
import httpx
import nats
import pytest

from gateway.context import graphql_error
from services.cases.application.handlers import ROUTES
from services.cases.entrypoints.service import MIGRATIONS
from shared import pg
from shared.application import command_endpoints
from shared.devstack.embedded import EmbeddedPostgres, free_port
from shared.runtime import ServiceClient, StoreUnavailable
from shared.service import write_service
from tests.support import SYSTEM_ACTOR, Servers, settings_for, token_for, wait_until

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

RECIPIENT = {"station_id": "3f2b8c1e-0000-4000-8000-000000000001", "name": "叶某", "gender": "male",
             "birth_year": 1968, "community": "一力社区"}


async def test_a_command_while_postgres_is_down_is_store_unavailable_and_recorded_once_when_sent_again(
        servers: Servers, namespace: str) -> None:
    own = EmbeddedPostgres(servers.root / f"pg-{namespace}", port=free_port(), durable=True)  # stopped: no one else's
    await asyncio.to_thread(own.start)
    nc = await nats.connect(servers.nats.url)
    try:
        settings = replace(settings_for(servers, namespace, "cases"), database_url=own.dsn(f"{namespace}_cases"))
        async with write_service(settings, MIGRATIONS, lambda s, _: command_endpoints("cases", s, ROUTES),
                                 "cases") as cases, httpx.AsyncClient(timeout=5) as http:
            client = ServiceClient(nc, namespace, timeout=10)
            token = token_for(SYSTEM_ACTOR)
            readyz = f"http://127.0.0.1:{cases.settings.http_port}/readyz"
            await client.call("cases", "register_recipient", RECIPIENT, token=token, idempotency_key="first")
            await lost_mid_transaction_recorded_nothing_and_the_pool_reconnects(cases.pool)

            await asyncio.to_thread(own.stop)  # a fast shutdown: every connection of the pool is cut
            down = await http.get(readyz)
            with pytest.raises(StoreUnavailable) as unavailable:
                await client.call("cases", "register_recipient", {**RECIPIENT, "name": "谭某"}, token=token,
                                  idempotency_key="second")

            assert down.status_code == 503 and down.json()["checks"]["database"].startswith("database: ")
            error = unavailable.value
            assert (error.code, error.may_have_committed, error.field) == ("STORE_UNAVAILABLE", False, None)
            assert error.message.zh == "服务 cases 暂时连接不上数据库，register_recipient 未做任何更改，请稍后重试"
            assert "changed nothing" in error.message.en and "try again" in error.message.en
            extensions = graphql_error(error).extensions or {}  # as a mutation answers it, in `errors`
            assert (extensions["code"], extensions["mayHaveCommitted"]) == ("STORE_UNAVAILABLE", False)

            await asyncio.to_thread(own.start)  # the same data, the same port
            await wait_until(lambda: ready(http, readyz), timeout=15, what="/readyz to say ready again")
            assert await cases.pool.fetchval("SELECT count(*) FROM events") == 1  # nothing of the refused one
            again = await client.call("cases", "register_recipient", {**RECIPIENT, "name": "谭某"}, token=token,
                                      idempotency_key="second")
            replayed = await client.call("cases", "register_recipient", {**RECIPIENT, "name": "谭某"}, token=token,
                                         idempotency_key="second")

            assert replayed["recipient_id"] == again["recipient_id"]
            assert await cases.pool.fetchval("SELECT count(*) FROM events") == 2
    finally:
        await nc.close()
        await asyncio.to_thread(own.stop)


async def lost_mid_transaction_recorded_nothing_and_the_pool_reconnects(pool: asyncpg.Pool) -> None:
    """The pool's connections note what a request sends: a transaction cut before its commit recorded nothing, a
    write on its own may have."""
    with pg.tracking() as sent:
        with pytest.raises((asyncpg.PostgresError, asyncpg.InterfaceError, OSError)) as cut:
            async with pool.acquire() as conn, conn.transaction():
                await conn.execute("CREATE TEMPORARY TABLE probe (n int)")
                await conn.execute("INSERT INTO probe VALUES (1)")
                await conn.fetchval("SELECT pg_terminate_backend(pg_backend_pid())")
        failure = pg.connection_failure(cut.value)
        assert failure is not None and sent.used and failure.may_have_committed(sent) is False
    with pg.tracking() as sent:
        await pool.execute("CREATE TEMPORARY TABLE probe (n int); DROP TABLE probe")  # the pool has one to give
        assert sent.committing


async def ready(http: httpx.AsyncClient, url: str) -> bool:
    return (await http.get(url)).status_code == 200
