"""The walkthrough pages in docs/, run block by block as a new user would in GraphiQL: the pages stay true."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest

from shared.devstack.demo import bureau, demo_id, social_worker, station_head, station_id, supervisor
from tests.clock import STORY
from tests.e2e.conftest import TOKENS
from tests.e2e.graphql import graphql
from tests.support import System

# The walkthroughs tell November 2026 in its dates, so they run on a day of that month.
pytestmark = pytest.mark.clock(STORY)

DOCS = Path(__file__).parents[2] / "docs"
BLOCK = re.compile(r"```graphql\n(.*?)```", re.S)
USER_ERRORS = {"InvalidInput", "NotFound", "Forbidden", "Rejected", "StageOutOfOrder", "CaseAlreadyClosed"}
ACTORS = {"worker": social_worker("HSP"), "head": station_head("HSP"), "bureau": bureau(),
          "supervisor": supervisor("HSP")}


async def run_page(system: System, http: httpx.AsyncClient, page: str,
                   made: dict[str, tuple[str, str]]) -> tuple[list[str], list[Any], dict[str, Any]]:
    """Every block of the page in order, as its `# as:` actor, with the ids earlier blocks made as variables.
    `made` says which answers make which variable: mutation → (variable, answer field)."""
    street = await system.call("activities", "register_street", {"name": "黑石铺街道", "district": "天心区"})
    opened = await system.call("activities", "open_station", {
        "station_id": station_id("HSP"), "street_id": street["street_id"], "name": "黑石铺街道社工站",
        "code": "HSP", "opened_on": "2019-01-15"})
    await system.read_models_have(opened["position"])
    await system.call("activities", "add_community", {"street_id": street["street_id"], "name": "一力社区",
                                                      "community_id": demo_id("community", "一力社区")})
    await system.call("activities", "add_compound", {
        "street_id": street["street_id"], "community_id": demo_id("community", "一力社区"),
        "compound_id": demo_id("compound", "一力小区"), "name": "一力小区"})
    blocks = BLOCK.findall((DOCS / page).read_text(encoding="utf-8"))
    ids: dict[str, Any] = {"compoundId": demo_id("compound", "一力小区")}
    answers: list[Any] = []
    for block in blocks:
        whose = re.search(r"^# as: (\w+)$", block, re.M)
        expected = re.search(r"^# expect: (\w+)$", block, re.M)
        assert whose is not None, block
        answer = await graphql(http, block, ACTORS[whose[1]], **ids)
        assert "errors" not in answer, (block, answer)
        [(field, result)] = answer["data"].items()
        answers.append(result)
        if re.search(r"^mutation", block, re.M):
            assert result["__typename"] == (expected[1] if expected else result["__typename"]), (block, result)
            assert expected or result["__typename"] not in USER_ERRORS, (block, result)
            for position in TOKENS.open(result.get("consistencyToken")):
                await system.read_models_have(position)
        if field in made:
            variable, key = made[field]
            ids[variable] = result[key]
    return blocks, answers, ids


async def test_the_case_walkthrough_runs_from_intake_to_an_approved_closing(
        system: System, http: httpx.AsyncClient) -> None:
    blocks, _, ids = await run_page(system, http, "case-walkthrough.md", {
        "registerRecipient": ("recipientId", "recipientId"), "openCase": ("caseId", "caseId")})

    assert len(blocks) == 12
    read_back = (await graphql(http, blocks[10], ACTORS["bureau"], caseId=ids["caseId"]))["data"]["case"]
    assert read_back["number"] == "HSP-2026-0001"
    assert (read_back["status"], read_back["stage"], read_back["planStatus"], read_back["closingStatus"]) == (
        "CLOSED", "CLOSED", "APPROVED", "APPROVED")
    assert read_back["recipient"]["phone"] == "138****1234"
    assert [step["actor"] for step in read_back["timeline"]][-2:] == ["sw-hsp-1", "head-hsp"]


async def test_the_station_walkthrough_sets_up_a_project_runs_a_group_and_the_dashboard_adds_up(
        system: System, http: httpx.AsyncClient) -> None:
    blocks, answers, _ = await run_page(system, http, "station-walkthrough.md", {
        "startProject": ("projectId", "id"), "planGroup": ("groupId", "id"), "addGroupMember": ("memberId", "id"),
        "recordActivity": ("activityId", "id")})

    assert len(blocks) == 9
    dashboard, district = answers[-2], answers[-1]
    assert dashboard["thisMonth"] == {"personTimesDirect": 60, "personTimesIndirect": 150, "activities": 1,
                                      "publicity": 1}
    assert dashboard["thisYear"] == {"personTimesDirect": 63, "personTimesIndirect": 150, "peopleServed": 1,
                                     "groupSessions": 1, "activities": 1, "projects": 1}
    assert dashboard["projects"] == [{"name": "小巷汇爱", "progress": {
        "groupSessions": 1, "activities": 1, "personTimesDirect": 63, "personTimesIndirect": 150}}]
    assert district["stations"] == [{"code": "HSP", "figures": {
        "personTimesDirect": 63, "personTimesIndirect": 150, "questionnairesDistributed": 0}}]
    assert district["totals"] == {"personTimesDirect": 63, "personTimesIndirect": 150,
                                  "questionnairesDistributed": 0, "peopleServed": 1}


async def test_the_community_walkthrough_runs_volunteers_organisations_governance_and_the_month(
        system: System, http: httpx.AsyncClient) -> None:
    blocks, answers, _ = await run_page(system, http, "community-walkthrough.md", {
        "registerVolunteer": ("volunteerId", "id"), "registerOrganisation": ("organisationId", "id")})

    assert len(blocks) == 16
    certificate = answers[2]
    assert (certificate["name"], certificate["totalHours"]) == ("刘秀英", 3.0)
    assert certificate["certificate"]["services"][0]["recordingUnit"] == "黑石铺街道社工站"
    assert answers[13] == [{"supervisions": 1, "offlineMeetings": 1, "onlineMeetings": 0,
                            "missing": ["ONLINE_MEETING"], "compliant": False}]
    report = answers[-1]
    assert report["locked"] is True
    assert report["versions"][0]["figures"] == {"supervisions": 1, "projectMeetings": 1, "issuesRaised": 1,
                                                "issuesResolved": 1}


async def test_the_reporting_walkthrough_shows_the_read_sides_health_and_its_links_download_the_reports(
        system: System, http: httpx.AsyncClient) -> None:
    blocks, answers, _ = await run_page(system, http, "reporting-walkthrough.md", {})
    read_models, status, month, cases, district = answers
    month_file = await http.get(month["url"])
    book = openpyxl.load_workbook(io.BytesIO(month_file.content))
    rows = {r[0]: r[1] for r in book.active.iter_rows(min_row=3, values_only=True)}
    case_list = openpyxl.load_workbook(io.BytesIO((await http.get(cases["url"])).content)).active

    assert len(blocks) == 5
    assert {m["name"]: (m["version"], m["builtVersion"], m["rebuilding"]) for m in read_models} == {
        name: (1, 1, None) for name in ("places", "cases", "disclosures", "timeline", "work", "street_meetings")}
    assert {c["consumer"] for c in status} >= {"reporting_cases", "reporting_activities"}
    assert all(c["parked"] == [] for c in status)
    assert (month["__typename"], month["filename"]) == ("ExportReady", "黑石铺街道社工站-2026-11-月报.xlsx")
    assert month_file.status_code == 200 and rows["直接服务人次合计"] == 0  # the page records nothing this month
    assert case_list["A2"].value == "个案编号" and case_list["A3"].value == "共 0 个个案"
    assert district["filename"] == "区级汇总-2026-11.xlsx"
