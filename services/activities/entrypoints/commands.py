"""The activities service's operator commands: `python -m services.activities reindex`.

`reindex` rebuilds the keyed search index of volunteers (volunteer_search_index) and the lookup tables of
stations, contracts and groups (adapters/lookups.py) from the event store, each in one transaction during which
appends wait: they are derived, and kept live by every append, so this is for an index in doubt (a restore, a bug
fixed, a new data key). It prints what it wrote, never a term.
"""

from __future__ import annotations

import argparse
import asyncio
import json

import asyncpg

from services.activities.adapters.lookups import ActivityLookups
from services.activities.adapters.volunteer_index import VolunteerIndex
from services.activities.entrypoints.service import MIGRATIONS
from shared.config import ServiceSettings
from shared.eventstore.postgres import PostgresEventStore
from shared.migrations import CONSUMER_MIGRATIONS, EVENT_STORE_MIGRATIONS, migrate


async def reindex(settings: ServiceSettings) -> dict[str, int]:
    await migrate(settings.database_url, [EVENT_STORE_MIGRATIONS, CONSUMER_MIGRATIONS, MIGRATIONS])
    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=4)
    try:
        store = PostgresEventStore(pool, settings.data_key)
        rows = await VolunteerIndex(pool, store.search_key("activities")).rebuild(store)
        lookups = await ActivityLookups(pool).rebuild(store)
        return {"search_rows": rows, **{f"{table}_rows": count for table, count in lookups.items()}}
    finally:
        await pool.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.activities",
                                     description="the activities service's commands")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("reindex", help="rebuild the keyed search index of volunteers and the lookup tables"
                                        " from the event store")
    parser.parse_args(argv)
    print(json.dumps(asyncio.run(reindex(ServiceSettings.from_env("activities")))))
    return 0
