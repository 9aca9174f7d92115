"""Exports of the demo data: a masked case list, a project's outputs and a volunteer's certificate, each read
back equal to the GraphQL answers; signed links that open only as signed, on any copy of the gateway."""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import openpyxl
import pytest

from gateway.exports.links import ExportStore
from shared.devstack.demo import SYSTEM, bureau, demo_id, load_demo, social_worker, station_head, station_id
from shared.export_cli import ExportError, add_parser
from shared.export_cli import export as export_command
from tests.clock import story_day
from tests.e2e.conftest import EXPORT_KEY, gateway
from tests.e2e.graphql import graphql, recorded
from tests.support import Servers, System, running_system, token_for, wait_until

pytestmark = pytest.mark.dateless  # its dates are data: what it checks holds on any day

EXPORTED = """__typename ... on ExportReady { url filename expiresAt } ... on UserError { code field messageZh }"""


@pytest.fixture(scope="module")
async def system(servers: Servers) -> AsyncIterator[System]:
    """One system for the module, the demo loaded once: each test only adds what no other test reads (a
    volunteer of its own), and the demo's load, the slow part, is the same for all."""
    async with running_system(servers, f"t{uuid.uuid4().hex[:12]}") as running:
        yield running


@pytest.fixture(scope="module")
async def demo(system: System) -> None:
    await load_demo(system.client, token_for(SYSTEM))
    await system.read_models_have_everything()


async def export(http: httpx.AsyncClient, actor: Any, mutation: str, arguments: str) -> dict[str, Any]:
    answer = await graphql(http, f"mutation {{ {mutation}({arguments}) {{ {EXPORTED} }} }}", actor)
    assert "errors" not in answer, answer
    result: dict[str, Any] = answer["data"][mutation]
    return result


async def sheets(http: httpx.AsyncClient, url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet of the XLSX behind the link, from its header row (row 2) on."""
    download = await http.get(url)
    assert download.status_code == 200, download.text
    assert download.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(download.content))
    return {sheet.title: list(sheet.iter_rows(min_row=2, values_only=True)) for sheet in book.worksheets}


CASES = """{ cases(first: 100) { totalCount edges { node { number sessionCount recipientName
    recipient { community categories { category } } } } } }"""


async def test_the_case_list_export_holds_the_callers_cases_as_graphql_lists_them_with_personal_data_masked(
        system: System, http: httpx.AsyncClient, demo: None) -> None:
    listed = [e["node"] for e in (await graphql(http, CASES, bureau()))["data"]["cases"]["edges"]]
    everyone = await export(http, bureau(), "exportCaseList", "format: XLSX")
    [(_, rows)] = (await sheets(http, everyone["url"])).items()
    header, *cases, totals, note = rows
    by_number = {row[0]: dict(zip(header, row, strict=True)) for row in cases}
    hsp = await export(http, social_worker("HSP"), "exportCaseList", f'stationId: "{station_id("HSP")}", format: CSV')
    hsp_rows = list(csv.reader(io.StringIO((await http.get(hsp["url"])).content.decode("utf-8-sig"))))
    theirs = await export(http, social_worker("HSP"), "exportCaseList", f'stationId: "{station_id("WY")}"')
    listed_theirs = await graphql(http, "query($s: ID) { cases(stationId: $s) { totalCount } }", social_worker("HSP"),
                                  s=station_id("WY"))

    layout = openpyxl.load_workbook(io.BytesIO((await http.get(everyone["url"])).content)).active
    assert len(listed) == len(cases) == 3
    assert (layout.column_dimensions["A"].width, layout.column_dimensions["E"].width) == (16, 18)
    assert (layout["G3"].number_format, layout["J3"].number_format) == ("yyyy-mm-dd", "#,##0")
    assert layout["A2"].font.bold and layout.cell(layout.max_row - 1, 1).font.bold  # header and totals
    for case in listed:
        row = by_number[case["number"]]
        assert row["服务对象"] == case["recipientName"][0] + "*" * (len(case["recipientName"]) - 1)
        assert row["服务次数"] == case["sessionCount"] and row["社区"] == case["recipient"]["community"]
    assert by_number[next(c["number"] for c in listed if c["recipientName"] == "叶某")]["类别"] == "残障人士、低保"
    assert totals[0] == "共 3 个个案" and totals[9] == sum(c["sessionCount"] for c in listed)
    assert "身份证号" in note[0]
    assert [r[0] for r in hsp_rows[1:-1]] == [c["number"] for c in listed if c["number"].startswith("HSP")]
    assert "陈某" not in (await http.get(hsp["url"])).content.decode("utf-8-sig")  # masked: 陈*
    assert theirs["__typename"] == "Forbidden"  # as the `cases` query itself refuses it:
    assert listed_theirs["errors"][0]["extensions"]["code"] == "forbidden"


PROJECT = """query($id: ID!) {
  project(id: $id) { name progress { plannedGroups plannedGroupSessions plannedActivities plannedPersonTimes groups
    groupSessions activities personTimesDirect personTimesIndirect } }
  groups(projectId: $id, first: 100) { edges { node { name members sessionsHeld personTimes indirectBeneficiaries } } }
  activities(projectId: $id, first: 100) { edges { node { title directParticipants indirectBeneficiaries } } }
}"""


async def test_a_projects_outputs_read_back_equal_the_project_its_groups_and_its_activities_in_graphql(
        system: System, http: httpx.AsyncClient, demo: None) -> None:
    project_id = demo_id("project", "童心童乐童成长")
    found = (await graphql(http, PROJECT, social_worker("HSP"), id=project_id))["data"]
    made = await export(http, social_worker("HSP"), "exportProjectOutputs", f'projectId: "{project_id}"')
    tables = await sheets(http, made["url"])
    progress = found["project"]["progress"]
    summary = {row[0]: row[1:] for row in tables["项目产出"][1:]}
    groups = {row[0]: row for row in tables["小组"][1:]}
    activities = tables["社区活动"][1:]
    refused = await export(http, social_worker("WY"), "exportProjectOutputs", f'projectId: "{project_id}"')

    assert made["filename"] == "项目产出-童心童乐童成长.xlsx"
    assert summary["小组活动节数"][:2] == (progress["plannedGroupSessions"], progress["groupSessions"]) == (36, 36)
    assert summary["直接服务人次"][:2] == (progress["plannedPersonTimes"], progress["personTimesDirect"])
    assert summary["间接受益人次"][1] == progress["personTimesIndirect"] == 300
    for group in (e["node"] for e in found["groups"]["edges"]):
        assert (groups[group["name"]][3], groups[group["name"]][5], groups[group["name"]][6]) == (
            group["members"], group["sessionsHeld"], group["personTimes"])
    assert groups["合计"][6] == sum(e["node"]["personTimes"] for e in found["groups"]["edges"]) == 630
    assert groups["合计"][7] == sum(e["node"]["indirectBeneficiaries"] for e in found["groups"]["edges"]) == 300
    assert [a[0] for a in activities[:-1]] == [e["node"]["title"] for e in found["activities"]["edges"]]
    assert groups["合计"][7] + activities[-1][4] == progress["personTimesIndirect"]  # the parents are the groups
    assert (refused["__typename"], refused["field"]) == ("NotFound", "projectId")


VOLUNTEER = """query($id: ID!) { volunteer(id: $id) { name idNumber certificate { totalHours
    services { servedOn hours place } } } }"""


async def test_a_volunteers_certificate_reads_back_equal_to_the_certificate_graphql_computes_from_the_records(
        system: System, http: httpx.AsyncClient, demo: None) -> None:
    head = station_head("HSP")
    volunteer_id = await recorded(http, head, "registerVolunteer", "RegisterVolunteerInput",
                                  stationId=station_id("HSP"), name="刘秀英", gender="female", ageGroup="ADULT",
                                  birthYear=1949, idNumber="11010519491231002X", consentGivenOn=story_day(1),
                                  consentPurpose="志愿服务证明")
    for day, hours in ((story_day(2), 3), (story_day(9), 2.5), (story_day(16), 4)):
        await recorded(http, head, "recordVolunteerService", "RecordVolunteerServiceInput", volunteerId=volunteer_id,
                       servedOn=day, place="一力社区广场", content="重阳敬老宴引导与陪伴", hours=hours,
                       organisingUnit="黑石铺街道社工站", personInCharge="站长")

    async def all_recorded() -> bool:
        found = (await graphql(http, VOLUNTEER, head, id=volunteer_id))["data"]["volunteer"]
        return found is not None and len(found["certificate"]["services"]) == 3

    await wait_until(all_recorded, what="the services in the read model")
    certificate = (await graphql(http, VOLUNTEER, head, id=volunteer_id))["data"]["volunteer"]
    made = await export(http, head, "exportVolunteerCertificate", f'volunteerId: "{volunteer_id}"')
    [(title, rows)] = (await sheets(http, made["url"])).items()
    _, *services, totals, holder, _ = rows
    elsewhere = await export(http, station_head("WY"), "exportVolunteerCertificate", f'volunteerId: "{volunteer_id}"')

    assert title == "志愿服务证明" and made["filename"] == "志愿服务证明-刘秀英.xlsx"
    in_graphql = sorted(certificate["certificate"]["services"], key=lambda s: s["servedOn"])
    assert [(str(s[0].date()), s[3]) for s in services] == [(s["servedOn"], s["hours"]) for s in in_graphql]
    assert totals[0] == "累计服务时长" and totals[3] == certificate["certificate"]["totalHours"] == 9.5
    assert certificate["idNumber"] in holder[0] and "11010519491231002X" not in holder[0]
    assert elsewhere["__typename"] == "NotFound"


async def test_a_download_link_opens_on_any_gateway_copy_only_as_it_was_signed(
        system: System, http: httpx.AsyncClient, demo: None) -> None:
    made = await export(http, bureau(), "exportDistrictMonth", 'month: "2026-07", format: CSV')
    path, query = urlsplit(made["url"]).path, parse_qs(urlsplit(made["url"]).query)

    def link(**changed: Any) -> str:
        return f"{changed.pop('path', path)}?{urlencode({k: v[0] for k, v in query.items()} | changed)}"

    async with gateway(system) as elsewhere:  # another copy of the gateway
        there = await elsewhere.get(made["url"])
    later = await http.get(link(expires=int(query["expires"][0]) + 3600))
    renamed = await http.get(link(path=path.rsplit("/", 1)[0] + "/other.csv"))
    unsigned = await http.get(path)
    signer, name = ExportStore(system.nc.jetstream(), system.namespace, EXPORT_KEY), path.split("/")[2]
    signed_anew = await http.get(signer.link(name, made["filename"], int(time.time()) + 60))
    expired = await http.get(signer.link(name, made["filename"], int(time.time()) - 1))

    assert there.status_code == 200 and there.content.decode("utf-8-sig").startswith("社工站,代码,新接个案数")
    assert "attachment" in there.headers["content-disposition"]
    assert [r.status_code for r in (later, renamed, unsigned, expired)] == [404, 404, 404, 404]
    assert signed_anew.status_code == 200  # so the expired link was refused for its time, not its signature
    refused = [r.json()["errors"][0]["extensions"] for r in (later, renamed, unsigned, expired)]
    assert {e["code"] for e in refused} == {"export_link_expired"}
    assert refused[0]["messageZh"] == "该下载链接已失效，请重新导出"
    assert refused[0]["messageEn"] == "The link has expired; export again"


async def test_the_command_line_saves_the_report_the_mutation_makes_and_says_clearly_what_was_missing(
        system: System, http: httpx.AsyncClient, demo: None, tmp_path: Path) -> None:
    def command(*argv: str) -> argparse.Namespace:
        parser = argparse.ArgumentParser()
        add_parser(parser.add_subparsers())
        return parser.parse_args(["export", *argv, "--gateway", str(http.base_url).rstrip("/"),
                                  "--token", token_for(social_worker("HSP"))])

    saved = await asyncio.to_thread(export_command, command(
        "station-month", "--station", "HSP", "--month", "2026-07", "-o", str(tmp_path / "hsp.xlsx")))
    dashboard = (await graphql(http, """query($s: ID!) { stationDashboard(stationId: $s, month: "2026-07") {
        thisMonth { personTimesDirect } } }""", social_worker("HSP"), s=station_id("HSP")))["data"]
    rows = {r[0]: r[1] for r in openpyxl.load_workbook(saved).active.iter_rows(min_row=3, values_only=True)}
    with pytest.raises(ExportError, match="station-month needs --month"):
        export_command(command("station-month", "--station", "HSP"))
    with pytest.raises(ExportError, match="No such station, or not yours: WY"):
        await asyncio.to_thread(export_command, command("cases", "--station", "WY"))

    assert saved == tmp_path / "hsp.xlsx"
    assert rows["直接服务人次合计"] == dashboard["stationDashboard"]["thisMonth"]["personTimesDirect"] == 403
