"""The activities service process."""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path

import asyncpg

from services.activities.adapters.lookups import ActivityLookups
from services.activities.adapters.volunteer_index import VolunteerIndex
from services.activities.application import views, volunteer_search
from services.activities.application.followed import FOLLOWED, CarriedCases, FollowedRecipients
from services.activities.application.handlers import routes
from services.activities.application.volunteer_search import VolunteersOnRecord
from services.activities.application.working_calendar import working_calendar_year
from shared.application import command_endpoints
from shared.config import ServiceSettings
from shared.eventstore.postgres import PostgresEventStore
from shared.migrations import CONSUMER_MIGRATIONS, EVENT_STORE_MIGRATIONS, migrate
from shared.runtime import Handler
from shared.service import until_stopped, write_service

MIGRATIONS = Path(__file__).parents[1] / "migrations"
log = logging.getLogger(__name__)


def volunteer_index(store: PostgresEventStore, pool: asyncpg.Pool) -> VolunteerIndex:
    """The volunteers' search index under this service's search key (derived from its data key)."""
    return VolunteerIndex(pool, store.search_key("activities"))


def endpoints(store: PostgresEventStore, pool: asyncpg.Pool) -> dict[str, Handler]:
    """A NATS endpoint per command (moving and leaving look up the open cases this service follows, adding a group
    member the recipients, registering a volunteer the likely duplicates), the resource map's contacts and the
    volunteers' personal data, which only this service can open, and the volunteer search, whose index is kept
    in each append's transaction, as are the lookups of stations, contracts and groups that opening a station,
    awarding a contract and staff moving or leaving read (adapters/lookups.py)."""
    index = volunteer_index(store, pool)
    store.keep("volunteer_search_index", index)
    lookups = ActivityLookups(pool)
    store.keep("lookups", lookups)
    return {**command_endpoints("activities", store, routes(CarriedCases(pool), FollowedRecipients(pool),
                                                            VolunteersOnRecord(index), lookups)),
            "find_volunteers": partial(volunteer_search.find_volunteers, store, index),
            "resource_contacts": partial(views.resource_contacts, store),
            "volunteer_views": partial(views.volunteer_views, store),
            "volunteer_unmasked": partial(views.volunteer_unmasked, store),
            "organisation_leaders": partial(views.organisation_leaders, store),
            "working_calendar": partial(working_calendar_year, store)}


async def filled(settings: ServiceSettings) -> dict[str, int]:
    """Before the service takes commands: the lookup tables an installation older than them has empty, filled
    from its events (each table is filled only when empty while the store holds streams of its type)."""
    await migrate(settings.database_url, [EVENT_STORE_MIGRATIONS, CONSUMER_MIGRATIONS, MIGRATIONS])
    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=4)
    try:
        filled = await ActivityLookups(pool).fill_if_empty(PostgresEventStore(pool, settings.data_key))
        if filled:
            log.info("filled the lookup tables %s from the store", filled)
        return filled
    finally:
        await pool.close()


async def main() -> None:
    settings = ServiceSettings.from_env("activities")
    await filled(settings)
    async with write_service(settings, MIGRATIONS, endpoints, "Stations, staff and the station's work (社工站与活动)",
                             follows=FOLLOWED):
        await until_stopped()

