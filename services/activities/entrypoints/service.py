"""The activities service process."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import asyncpg

from services.activities.application import views
from services.activities.application.followed import FOLLOWED, CarriedCases, FollowedRecipients
from services.activities.application.handlers import routes
from services.activities.application.working_calendar import working_calendar_year
from shared.application import command_endpoints
from shared.config import ServiceSettings
from shared.eventstore import EventStore
from shared.runtime import Handler
from shared.service import until_stopped, write_service

MIGRATIONS = Path(__file__).parents[1] / "migrations"


def endpoints(store: EventStore, pool: asyncpg.Pool) -> dict[str, Handler]:
    """A NATS endpoint per command (moving and leaving look up the open cases this service follows, adding a group
    member the recipients), and the resource map's contacts, which only this service can open."""
    return {**command_endpoints("activities", store, routes(CarriedCases(pool), FollowedRecipients(pool))),
            "resource_contacts": partial(views.resource_contacts, store),
            "volunteer_views": partial(views.volunteer_views, store),
            "volunteer_unmasked": partial(views.volunteer_unmasked, store),
            "organisation_leaders": partial(views.organisation_leaders, store),
            "working_calendar": partial(working_calendar_year, store)}


async def main() -> None:
    settings = ServiceSettings.from_env("activities")
    async with write_service(settings, MIGRATIONS, endpoints, "Stations, staff and the station's work (社工站与活动)",
                             follows=FOLLOWED):
        await until_stopped()
