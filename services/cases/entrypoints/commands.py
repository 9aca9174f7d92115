"""The cases service's operator commands: `python -m services.cases reindex`.

`reindex` rebuilds the keyed search index (recipient_search), the open cases of recipients (recipient_cases) and
the lookup tables (case_workers, import_lookup) from the event store, in transactions during which appends wait:
they are derived, and kept live by every append, so this is for an index in doubt (a restore, a bug fixed). It
prints what it wrote, never a term.
"""

from __future__ import annotations

import argparse
import asyncio
import json

import asyncpg

from services.cases.adapters.lookups import CaseLookups
from services.cases.application.search import RecipientIndex, rebuild
from services.cases.entrypoints.service import MIGRATIONS
from shared.config import ServiceSettings
from shared.eventstore.postgres import PostgresEventStore
from shared.migrations import EVENT_STORE_MIGRATIONS, migrate


async def reindex(settings: ServiceSettings) -> dict[str, int]:
    await migrate(settings.database_url, [EVENT_STORE_MIGRATIONS, MIGRATIONS])
    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=4)
    try:
        store = PostgresEventStore(pool, settings.data_key)
        rebuilt = await rebuild(pool, store, RecipientIndex(store.search_key("cases")))
        lookups = await CaseLookups(pool).rebuild(store)
        return {**rebuilt, **{f"{table}_rows": count for table, count in lookups.items()}}
    finally:
        await pool.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.cases", description="the cases service's commands")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("reindex", help="rebuild the keyed search index of recipients and the lookup tables"
                                        " from the event store")
    parser.parse_args(argv)
    print(json.dumps(asyncio.run(reindex(ServiceSettings.from_env("cases")))))
    return 0
