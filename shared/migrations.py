"""Apply a service's SQL migrations in order, once each, under an advisory lock."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import asyncpg

from shared import pg

EVENT_STORE_MIGRATIONS = Path(__file__).parent / "eventstore" / "migrations"
CONSUMER_MIGRATIONS = Path(__file__).parent / "consumer_migrations"
"""For a write service that follows another service's stream (see shared.consumer)."""
_LOCK = 72_0001


async def ensure_database(dsn: str) -> None:
    """Create the DSN's database on its server if it does not exist yet."""
    base, _, rest = dsn.rpartition("/")
    name, _, query = rest.partition("?")
    admin = await asyncpg.connect(f"{base}/postgres" + (f"?{query}" if query else ""))
    try:
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await admin.execute(f'CREATE DATABASE "{name}"')
    except asyncpg.DuplicateDatabaseError:
        pass  # another copy of the service created it at the same moment
    finally:
        await pg.close(admin)


async def migrate(dsn: str, folders: Sequence[Path]) -> list[str]:
    """Run every `*.sql` of the folders not yet applied; returns what was applied now."""
    await ensure_database(dsn)
    conn = await asyncpg.connect(dsn)
    applied_now: list[str] = []
    try:
        await conn.execute("SELECT pg_advisory_lock($1)", _LOCK)
        await conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations"
                           " (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())")
        done = {r["name"] for r in await conn.fetch("SELECT name FROM schema_migrations")}
        for folder in folders:
            for path in sorted(folder.glob("*.sql")):
                name = f"{folder.parent.name}/{path.name}"
                if name in done:
                    continue
                async with conn.transaction():
                    await conn.execute(path.read_text())
                    await conn.execute("INSERT INTO schema_migrations (name) VALUES ($1)", name)
                applied_now.append(name)
    finally:
        await pg.close(conn)
    return applied_now
