"""A civil-affairs roster of 2,000 people imported through GraphQL uploads: previewed with seeded errors, each
reported at its row and column; committed; imported again unchanged (nothing appended); a newer roster applied
as exactly its changes; an import stopped half-way resumed with no one twice; and nothing of the file in clear
in the events, the stream, the idempotency keys or the logs."""

from __future__ import annotations

import argparse
import io
import json
import logging
from dataclasses import replace
from typing import Any

import httpx
import openpyxl
import pytest

from shared import import_cli
from shared.china import china_today
from shared.contracts import Actor
from shared.contracts.imports import ImportMode
from shared.imports import commit as importing
from tests.e2e.graphql import graphql
from tests.rosters import Person, as_csv, roster, with_bad_check_digit
from tests.support import System, head, open_station, stream_messages, token_for, worker

pytestmark = pytest.mark.dateless
PLACES = ["一力社区"]
STATUS = """id status rowCount toApply skipped rowsDone registered updated unchanged ended
    refused { row code field }"""
PREVIEW = """mutation($file: Upload!, $s: ID!) { previewImport(kind: ROSTER, stationId: $s, file: $file) {
    __typename ... on PreviewImportPayload { rowCount validRows rowsWithProblems
      problems { row column value code messageZh messageEn } }
    ... on UserError { code field messageZh messageEn } } }"""
COMMIT = f"""mutation($file: Upload!, $s: ID!, $mode: ImportMode!) {{
    commitImport(kind: ROSTER, stationId: $s, file: $file, mode: $mode) {{
    __typename ... on CommitImportPayload {{ import {{ {STATUS} }} alreadyImported
      problems {{ row column value code messageZh messageEn }} }}
    ... on UserError {{ code field messageZh messageEn }} }} }}"""


async def upload(http: httpx.AsyncClient, query: str, content: bytes, headers: dict[str, str] | None = None,
                 **variables: Any) -> httpx.Response:
    """The GraphQL multipart request spec: the operation, the map of files to variables, the file."""
    operations = json.dumps({"query": query, "variables": {"file": None, **variables}})
    return await http.post("/graphql", data={"operations": operations, "map": json.dumps({"0": ["variables.file"]})},
                           files={"0": ("名单.csv", content, "text/csv")}, headers=headers, timeout=120)


async def uploaded(http: httpx.AsyncClient, query: str, content: bytes, station_id: str, actor: Actor | None = None,
                   **variables: Any) -> Any:
    """The mutation's answer; a commit's as its import's status with `problems` and `alreadyImported`."""
    caller = actor or worker(station_id)
    answer = await upload(http, query, content, {"Authorization": f"Bearer {token_for(caller)}"},
                          s=station_id, **variables)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert "errors" not in body, body
    result = next(iter(body["data"].values()))
    if "import" in result:
        return {**result.pop("import"), **result}
    return result


def seeded(people: list[Person]) -> tuple[list[Person], set[tuple[int, str, str]]]:
    """Ten errors, each at a row (the header is row 1, so person i is row i + 2) and column."""
    wrong = list(people)
    expected: set[tuple[int, str, str]] = set()
    for index, change, column, code in (
        (7, with_bad_check_digit, "身份证号码", "bad_id_check_digit"),
        (151, with_bad_check_digit, "身份证号码", "bad_id_check_digit"),
        (302, lambda p: replace(p, categories="五保户、低保"), "类别", "unknown_category"),
        (455, lambda p: replace(p, community="不存在社区"), "社区", "unknown_community"),
        (600, lambda p: replace(p, valid_from=f"{china_today().year + 1}-01-01"), "纳入日期", "date_in_future"),
        (777, lambda p: replace(p, valid_from="去年三月"), "纳入日期", "bad_date"),
        (901, lambda p: replace(p, name=""), "姓名", "required"),
        (1200, lambda p: replace(p, gender="未知"), "性别", "unknown_gender"),
        (1500, lambda p: replace(p, id_number=people[3].id_number), "身份证号码", "duplicate_in_file"),
        (1999, lambda p: replace(p, phone="电话坏了"), "联系电话", "bad_phone"),
    ):
        wrong[index] = change(wrong[index])  # type: ignore[operator]
        expected.add((index + 2, column, code))
    return wrong, expected


async def everything_stored(system: System) -> str:
    events = await system.cases.pool.fetch("SELECT data::text, metadata::text FROM events")
    keys = await system.cases.pool.fetch("SELECT key, result::text FROM idempotency_keys")
    index = await system.cases.pool.fetch("SELECT * FROM recipient_search")
    stream = await stream_messages(system.nc, system.namespace, "cases")
    return json.dumps([[tuple(r) for r in events], [tuple(r) for r in keys], [m["data"] for m in stream],
                       [dict(r) for r in index]], ensure_ascii=False, default=str)


async def test_a_roster_is_previewed_committed_reimported_updated_and_resumed_with_nothing_in_clear(
        system: System, http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    caplog.set_level(logging.INFO)
    station_id = await open_station(system)
    me = worker(station_id)
    people = roster(2000, PLACES)
    template = (await graphql(http, "mutation { importTemplate { ... on ExportReady { url filename } } }",
                              me))["data"]["importTemplate"]
    sheets = openpyxl.load_workbook(io.BytesIO((await http.get(template["url"])).content)).sheetnames

    no_header = await upload(http, PREVIEW, as_csv(people[:3]), s=station_id)
    wrong, expected = seeded(people)
    preview = await uploaded(http, PREVIEW, as_csv(wrong), station_id)
    refused = await uploaded(http, COMMIT, as_csv(wrong), station_id, mode="ALL_OR_NOTHING")
    before = await system.cases.pool.fetchval("SELECT count(*) FROM events")

    assert sheets == ["名单", "填写说明"] and template["filename"].endswith(".xlsx")
    assert no_header.status_code == 400 and no_header.json()["errors"][0]["extensions"]["code"] == \
        "upload_needs_preflight"
    assert {(p["row"], p["column"], p["code"]) for p in preview["problems"]} == expected
    assert (preview["rowCount"], preview["validRows"], preview["rowsWithProblems"]) == (2000, 1990, 10)
    bad = next(p for p in preview["problems"] if p["row"] == 9)
    typed = wrong[7].id_number
    assert (bad["value"], bad["messageZh"]) == (typed[:4] + "*" * 10 + typed[-4:], "校验码不符")
    assert refused["code"] == "import_has_problems" and before == 0

    content = as_csv(people)
    done = await uploaded(http, COMMIT, content, station_id, mode="ALL_OR_NOTHING")
    after_first = await system.cases.pool.fetchval("SELECT count(*) FROM events")
    again = await uploaded(http, COMMIT, content, station_id, mode="ALL_OR_NOTHING")

    assert (done["status"], done["registered"], done["rowsDone"], done["problems"]) == ("FINISHED", 2000, 2000, [])
    assert again["alreadyImported"] and again["id"] == done["id"]
    assert await system.cases.pool.fetchval("SELECT count(*) FROM events") == after_first

    leave, join = people[:30], roster(20, PLACES, start=2000)
    changed = [replace(p, categories="低保、独居老人") for p in people[30:40]]
    newer = [*changed, *people[40:], *join]
    applied = await uploaded(http, COMMIT, as_csv(newer), station_id, mode="ALL_OR_NOTHING")
    recipient_events = await system.cases.pool.fetchval(
        "SELECT count(*) FROM events WHERE stream_type = 'recipient'")

    assert (applied["registered"], applied["updated"], applied["unchanged"], applied["ended"]) == (20, 10, 1960, 30)
    assert recipient_events == 2000 + 20 + 10 + 30
    left = await system.cases.store.read_stream(
        f"recipient-{(await system.cases.store.claimants('id_number', [leave[0].id_number]))[leave[0].id_number]}")
    assert left[-1].payload.categories == () and left[-1].payload.updated_on == china_today()

    later = roster(450, PLACES, start=3000, categories="特困")  # another list: the 低保 people stay as they are
    stopped = later_content = as_csv(later)

    class Stopped(Exception):
        pass

    def stop_after_two_batches(done: int, total: int) -> None:
        if done >= 300:
            raise Stopped

    async def call(service: str, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
        return await system.call(service, endpoint, body, me)

    with pytest.raises(Stopped):
        await importing.commit(call, "roster", station_id, stopped, ImportMode.ALL_OR_NOTHING, china_today(),
                               {"一力社区": "一力社区"}, on_progress=stop_after_two_batches)
    half = (await graphql(http, f"query($s: ID!) {{ imports(stationId: $s) {{ {STATUS} }} }}", me,
                          s=station_id))["data"]["imports"][0]
    resumed = await uploaded(http, COMMIT, later_content, station_id, mode="ALL_OR_NOTHING")
    status = (await graphql(http, f"query($i: ID!) {{ importStatus(importId: $i) {{ {STATUS} }} }}", me,
                            i=resumed["id"]))["data"]["importStatus"]

    assert (half["status"], half["rowsDone"], half["toApply"]) == ("IN_PROGRESS", 300, 450)
    assert (resumed["id"], resumed["status"], resumed["registered"]) == (half["id"], "FINISHED", 450)
    assert status == {k: v for k, v in resumed.items() if k not in ("__typename", "problems", "alreadyImported")}
    assert await system.cases.pool.fetchval(
        "SELECT count(DISTINCT stream_id) FROM events WHERE stream_type = 'recipient'") == 2000 + 20 + 450

    monkeypatch.setenv("NATS_URL", system.servers.nats.url)
    monkeypatch.setenv("HEMIAO_NAMESPACE", system.namespace)
    by_cli = roster(5, PLACES, start=5000, categories="残疾")
    for commit, content in ((False, as_csv(wrong)), (True, as_csv(by_cli))):
        await import_cli.run_import(argparse.Namespace(kind="roster", station="HSP", commit=commit,
                                                       mode="all_or_nothing", import_id=None),
                                    token_for(me), content)
    printed = capsys.readouterr().out

    assert "2000 rows, 1990 without problems, 10 with problems (preview: nothing written)" in printed
    assert wrong[7].id_number[:4] + "*" * 10 + wrong[7].id_number[-4:] in printed and wrong[7].id_number not in printed
    assert "registered 5, updated 0, unchanged 0, ended 0" in printed

    staff_list = "\n".join(["工号,姓名,岗位,入职日期", "sw-import-1,王社工,社工,2024-03-01",
                            "sw-import-2,李社工,社工,2024-03-01", "hd-import-1,张站长,站长,2024-03-01",
                            "sv-import-1,刘督导,总监,2024-03-01"]).encode()
    staffed = [await uploaded(http, COMMIT.replace("kind: ROSTER", "kind: STAFF"), staff_list, station_id,
                              actor=head(station_id), mode="ROW_BY_ROW") for _ in range(2)]

    assert [(s["registered"], s["unchanged"], s["skipped"]) for s in staffed] == [(3, 0, 1), (0, 3, 1)]
    assert [(p["row"], p["column"], p["code"]) for p in staffed[0]["problems"]] == [(5, "岗位", "unknown_role")]

    stored = await everything_stored(system)
    logged = caplog.text
    for p in [*people[::50], *join[::5], *later[::50], *by_cli]:
        for secret in (p.name, p.id_number, p.phone, p.address):
            assert secret not in stored and secret not in logged, f"{secret} is stored or logged in clear"
