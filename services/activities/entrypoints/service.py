"""The activities service process."""

from __future__ import annotations

from pathlib import Path

from services.activities.application.handlers import ROUTES
from shared.application import command_endpoints
from shared.config import ServiceSettings
from shared.service import until_stopped, write_service

MIGRATIONS = Path(__file__).parents[1] / "migrations"


async def main() -> None:
    settings = ServiceSettings.from_env("activities")
    async with write_service(settings, MIGRATIONS, lambda store: command_endpoints("activities", store, ROUTES),
                             "Stations, staff and the station's work (社工站与活动)"):
        await until_stopped()
