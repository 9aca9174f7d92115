"""declareWorkingYear and correctWorkingYear: the district bureau's arrangement of a year, whole."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry

from gateway.mutations.run import command_resolver
from gateway.types.errors import result_union


@strawberry.input(description="A holiday period as the notice gives it (春节：2月6日至13日), both days included")
class HolidayPeriodInput:
    name: str
    first_day: date
    last_day: date


@strawberry.input(description="A year's public holidays and make-up working days (调休上班, weekend days worked), "
                              "as the State Council's notice gives them")
class DeclareWorkingYearInput:
    year: int
    holidays: list[HolidayPeriodInput]
    make_up_workdays: list[date] = strawberry.field(default_factory=list)
    notice: str = strawberry.field(default="", description="The notice's number, 国办发明电〔2026〕9号")


@strawberry.input(description="The year's whole arrangement again, replacing the one declared, and why")
class CorrectWorkingYearInput:
    year: int
    holidays: list[HolidayPeriodInput]
    reason: str
    make_up_workdays: list[date] = strawberry.field(default_factory=list)
    notice: str = ""


@strawberry.type(description="The year declared: read it back with workingCalendar(year:)")
class DeclareWorkingYearPayload:
    year: int
    consistency_token: str = strawberry.field(description="Pass to a query to read this write")


@strawberry.type(description="The year corrected: read it back with workingCalendar(year:)")
class CorrectWorkingYearPayload:
    year: int
    consistency_token: str = strawberry.field(description="Pass to a query to read this write")


def _answered(payload: type[DeclareWorkingYearPayload | CorrectWorkingYearPayload]) -> Any:
    def answer(data: dict[str, Any], token: str) -> DeclareWorkingYearPayload | CorrectWorkingYearPayload:
        return payload(year=int(data["year"]), consistency_token=token)
    return answer


declare_working_year = command_resolver(
    "activities", "declare_working_year", DeclareWorkingYearInput,
    result_union("DeclareWorkingYearResult", DeclareWorkingYearPayload), _answered(DeclareWorkingYearPayload))
correct_working_year = command_resolver(
    "activities", "correct_working_year", CorrectWorkingYearInput,
    result_union("CorrectWorkingYearResult", CorrectWorkingYearPayload), _answered(CorrectWorkingYearPayload))
