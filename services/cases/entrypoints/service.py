"""The cases service process."""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path

import asyncpg

from services.cases.adapters.lookups import CaseLookups
from services.cases.application import imports, session_pages, views
from services.cases.application.followed import FOLLOWED, FollowedStations
from services.cases.application.handlers import ROUTES, NoStations, routes, transferring
from services.cases.application.search import recipient_search_of
from services.cases.domain.commands import TransferWorkerCases
from shared.application import command_endpoints
from shared.config import ServiceSettings
from shared.eventstore import EventStore
from shared.eventstore.postgres import PostgresEventStore
from shared.migrations import EVENT_STORE_MIGRATIONS, migrate
from shared.runtime import Handler
from shared.service import until_stopped, write_service

MIGRATIONS = Path(__file__).parents[1] / "migrations"
log = logging.getLogger(__name__)


def endpoints(store: EventStore, pool: asyncpg.Pool | None = None) -> dict[str, Handler]:
    """A NATS endpoint per command (intake looks up the stations this service follows, when it has a pool to
    read them from), and the queries only this service can answer (it holds the keys). With a pool, the store
    keeps the keyed search index with every append, and finding recipients and duplicate hints use it; and the
    lookup tables (adapters/lookups.py) that transferring a worker's cases, finishing a roster and listing a
    station's imports read."""
    search = None if pool is None else recipient_search_of(store, pool)
    found = {} if search is None else {"find_recipients": search.find_recipients,
                                       "recipient_potential_matches": search.recipient_matches}
    handlers = ROUTES if pool is None else routes(FollowedStations(pool), search)
    imports_at: imports.ImportsAt = imports.EVERY_IMPORT
    if pool is not None and isinstance(store, PostgresEventStore):
        lookups = CaseLookups(pool)
        store.keep("lookups", lookups)
        handlers, imports_at = {**handlers, TransferWorkerCases: transferring(lookups)}, lookups
    return {
        **command_endpoints("cases", store, handlers),
        **command_endpoints("cases", store, imports.import_routes(NoStations() if pool is None
                                                                  else FollowedStations(pool), imports_at)),
        "import_status": partial(imports.import_status, store),
        "imports": partial(imports.station_imports, store, imports_at=imports_at),
        **found,
        "recipients": partial(views.recipients, store),
        "recipient_unmasked": partial(views.recipient_unmasked, store),
        "case_narratives": partial(views.case_narratives, store),
        "case_sessions": partial(session_pages.case_sessions, store),
        "case_sessions_batch": partial(session_pages.case_sessions_batch, store),
    }


async def filled(settings: ServiceSettings) -> dict[str, int]:
    """Before the service takes commands: the lookup tables an installation older than them has empty, filled
    from its events (each only when empty while the store holds streams of its type): those filled, their rows."""
    await migrate(settings.database_url, [EVENT_STORE_MIGRATIONS, MIGRATIONS])
    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=4)
    try:
        filled = await CaseLookups(pool).fill_if_empty(PostgresEventStore(pool, settings.data_key))
        if filled:
            log.info("filled the lookup tables %s from the store", filled)
        return filled
    finally:
        await pool.close()


async def main() -> None:
    settings = ServiceSettings.from_env("cases")
    await filled(settings)
    async with write_service(settings, MIGRATIONS, endpoints, "Case work and service recipients (个案与服务对象)",
                             follows=FOLLOWED):
        await until_stopped()
