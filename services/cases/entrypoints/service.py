"""The cases service process."""

from __future__ import annotations

from pathlib import Path

from services.cases.application.handlers import ROUTES
from shared.application import command_endpoints
from shared.config import ServiceSettings
from shared.service import until_stopped, write_service

MIGRATIONS = Path(__file__).parents[1] / "migrations"


async def main() -> None:
    settings = ServiceSettings.from_env("cases")
    async with write_service(settings, MIGRATIONS, lambda store: command_endpoints("cases", store, ROUTES),
                             "Case work and service recipients (个案与服务对象)"):
        await until_stopped()
