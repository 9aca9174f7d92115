"""Routing is data: every command has exactly one handler and one endpoint."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from services.activities.application.handlers import routes as activities_routes
from services.activities.domain import commands as activities_commands
from services.activities.domain import street_meetings, working_calendar
from services.cases.application.handlers import ROUTES as CASES
from services.cases.domain import commands as cases_commands
from shared.application import command_endpoints
from shared.eventstore.memory import InMemoryEventStore

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day


class NoOpenCases:
    async def open_cases(self, worker_id: str, station_ids: tuple[str, ...]) -> list[tuple[str, str, int | None, int]]:
        return []


class NoRecipients:
    async def recipient(self, recipient_id: str) -> None:
        return None


class NoVolunteersOnRecord:
    async def like(self, store: object, station_id: str, new: object) -> list[object]:
        return []


ACTIVITIES = activities_routes(NoOpenCases(), NoRecipients(), NoVolunteersOnRecord())


@pytest.mark.parametrize(("modules", "routes"), [((cases_commands,), CASES),
                                                  ((activities_commands, working_calendar, street_meetings),
                                                   ACTIVITIES)])
def test_every_command_has_exactly_one_handler(modules: tuple[Any, ...], routes: dict[type, object]) -> None:
    """The commands of `commands.py` and of each aggregate's own module (`domain/<aggregate>.py`)."""
    names = {module.__name__ for module in modules}
    commands = {c for module in modules for _, c in inspect.getmembers(module, inspect.isclass)
                if c.__module__ in names and "actor" in getattr(c, "__dataclass_fields__", {})}
    assert commands == set(routes)


def test_each_command_gets_its_own_snake_case_endpoint() -> None:
    endpoints = command_endpoints("cases", InMemoryEventStore(), CASES)
    assert sorted(endpoints) == [
        "acknowledge_urgent_risk", "approve_case_closing", "approve_service_plan", "assess_case",
        "draft_service_plan", "erase_recipient", "evaluate_case", "merge_recipients", "open_case",
        "record_case_session", "record_referral_feedback", "refer_case", "register_recipient", "reopen_case",
        "request_case_closing", "return_case_closing", "return_service_plan", "submit_service_plan", "transfer_case",
        "transfer_worker_cases", "update_recipient"]
