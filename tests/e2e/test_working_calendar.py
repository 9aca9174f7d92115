"""The working calendar over GraphQL: a record made after National Day is late by China's working days, not
Monday to Friday; the bureau declares a year nobody knows (a station's worker may not), and the flag then says it
counted by the calendar."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import time_machine

from shared.contracts import Actor
from shared.id_number import check_character
from shared.kernel.working_days import PACKAGE_YEARS
from tests.clock import instant
from tests.e2e.graphql import graphql, record, recorded
from tests.support import BUREAU, System, open_station, worker

UNKNOWN = max(PACKAGE_YEARS) + 1
"""A year the installed chinese-calendar does not know yet."""
BASE = "43010319900101123"
SERVICES = """query($id: ID!, $t: String) { volunteer(id: $id, consistencyToken: $t) {
  certificate { services { content servedOn recordedOn late lateBasis } } } }"""
CALENDAR = """query($year: Int!, $month: Int) { workingCalendar(year: $year, month: $month) {
  year source packageKnows notice declaredOn days { day kind working holiday source packageKind } } }"""
DECLARE = """mutation($input: %s!) { %s(input: $input) {
  __typename ... on %sPayload { year consistencyToken } ... on UserError { code field messageZh messageEn } } }"""


async def _volunteer(system: System, http: httpx.AsyncClient, registered: str) -> tuple[Actor, str]:
    """A station and a volunteer of it, registered at an instant before the services."""
    with time_machine.travel(instant(registered), tick=True):
        station_id = await open_station(system)
        me = worker(station_id)
        volunteer_id = await recorded(http, me, "registerVolunteer", "RegisterVolunteerInput", stationId=station_id,
                                      name="刘某某", gender="female", ageGroup="ADULT", birthYear=1990,
                                      idNumber=BASE + check_character(BASE), contact="13800002222",
                                      consentGivenOn=registered[:10], consentPurpose="志愿服务登记")
    return me, volunteer_id


async def _serve(http: httpx.AsyncClient, me: Actor, volunteer_id: str, served_on: str, content: str) -> str:
    done = await record(http, me, "recordVolunteerService", "RecordVolunteerServiceInput", volunteerId=volunteer_id,
                        servedOn=served_on, place="一力社区", content=content, hours=2,
                        organisingUnit="黑石铺街道社工站", personInCharge="王社工")
    assert done["__typename"] == "StationWorkRecorded", done
    return str(done["consistencyToken"])


async def _declaring(http: httpx.AsyncClient, actor: Actor, mutation: str, **input_: Any) -> dict[str, Any]:
    kind = mutation[0].upper() + mutation[1:]
    answer = await graphql(http, DECLARE % (f"{kind}Input", mutation, kind), actor, input=input_)
    assert "errors" not in answer, answer
    result: dict[str, Any] = answer["data"][mutation]
    return result


@pytest.mark.clock("2025-10-15T10:00:00+08:00")
async def test_a_service_recorded_after_national_day_is_not_late_and_says_it_counted_by_the_calendar(
        system: System, http: httpx.AsyncClient) -> None:
    me, volunteer_id = await _volunteer(system, http, "2025-09-29T10:00:00+08:00")

    token = await _serve(http, me, volunteer_id, "2025-09-30", "国庆前的敬老服务")

    services = (await graphql(http, SERVICES, me, id=volunteer_id, t=token))["data"]["volunteer"]["certificate"]
    assert services["services"] == [{"content": "国庆前的敬老服务", "servedOn": "2025-09-30",
                                     "recordedOn": "2025-10-15", "late": False, "lateBasis": "CALENDAR"}]
    october = (await graphql(http, CALENDAR, me, year=2025, month=10))["data"]["workingCalendar"]
    days = {d["day"]: d for d in october["days"]}
    assert (october["source"], october["packageKnows"], len(days)) == ("PACKAGE", True, 31)
    assert days["2025-10-01"] == {"day": "2025-10-01", "kind": "HOLIDAY", "working": False, "holiday": "国庆节",
                                  "source": "PACKAGE", "packageKind": None}
    assert (days["2025-10-11"]["kind"], days["2025-10-11"]["working"]) == ("MAKE_UP_WORKDAY", True)


@pytest.mark.clock(f"{UNKNOWN}-10-15T10:00:00+08:00")
async def test_the_bureau_declares_a_year_nobody_knows_and_a_station_worker_may_not(
        system: System, http: httpx.AsyncClient) -> None:
    me, volunteer_id = await _volunteer(system, http, f"{UNKNOWN}-09-27T10:00:00+08:00")
    served_on = f"{UNKNOWN}-09-30"
    saturday = next(f"{UNKNOWN}-10-{d:02d}" for d in range(8, 15)
                    if instant(f"{UNKNOWN}-10-{d:02d}T12:00:00+08:00").weekday() == 5)
    arrangement = {"year": UNKNOWN, "holidays": [{"name": "国庆节", "firstDay": f"{UNKNOWN}-10-01",
                                                  "lastDay": f"{UNKNOWN}-10-07"}],
                   "makeUpWorkdays": [saturday], "notice": "国办发明电〔2026〕9号"}
    await _serve(http, me, volunteer_id, served_on, "声明前录入")

    refused = await _declaring(http, me, "declareWorkingYear", **arrangement)
    declared = await _declaring(http, BUREAU, "declareWorkingYear", **arrangement)
    again = await _declaring(http, BUREAU, "declareWorkingYear", **arrangement)
    token = await _serve(http, me, volunteer_id, served_on, "声明后录入")

    assert (refused["__typename"], refused["code"]) == ("Forbidden", "forbidden")
    assert "区民政局" in refused["messageZh"] and "调休" in refused["messageZh"]
    assert "Only the district bureau" in refused["messageEn"]
    assert (declared["__typename"], declared["year"]) == ("DeclareWorkingYearPayload", UNKNOWN)
    assert (again["code"], again["field"]) == ("already_exists", "year")
    services = (await graphql(http, SERVICES, me, id=volunteer_id, t=token))["data"]["volunteer"]["certificate"]
    assert {s["content"]: (s["late"], s["lateBasis"]) for s in services["services"]} == {
        "声明前录入": (True, "WEEKDAYS_ONLY"),  # Monday to Friday counted eleven days; kept as it was decided
        "声明后录入": (False, "CALENDAR")}
    october = (await graphql(http, CALENDAR, me, year=UNKNOWN, month=10))["data"]["workingCalendar"]
    days = {d["day"]: d for d in october["days"]}
    assert (october["source"], october["packageKnows"], october["notice"]) == ("BUREAU", False, "国办发明电〔2026〕9号")
    assert (days[f"{UNKNOWN}-10-02"]["kind"], days[f"{UNKNOWN}-10-02"]["source"]) == ("HOLIDAY", "BUREAU")
    assert (days[saturday]["kind"], days[saturday]["working"]) == ("MAKE_UP_WORKDAY", True)

    corrected = await _declaring(http, BUREAU, "correctWorkingYear", **{**arrangement, "makeUpWorkdays": []},
                                 reason="调休日录错了")
    after = (await graphql(http, CALENDAR, me, year=UNKNOWN, month=10))["data"]["workingCalendar"]
    assert corrected["__typename"] == "CorrectWorkingYearPayload"
    assert {d["day"]: d["kind"] for d in after["days"]}[saturday] == "WEEKEND"
