"""A street's places and a station's volunteer list imported through GraphQL uploads: the places file for a new
street committed by the bureau and imported again unchanged; a volunteer list of 50 (the national volunteer
system's export) previewed with three seeded errors at their rows and columns, committed row by row, imported
again with no event appended, and nothing of it in clear in the events, the stream, the index or the logs."""

from __future__ import annotations

import json
import logging
from datetime import date
from typing import Any

import httpx
import pytest

from shared.china import china_today
from shared.contracts import Actor
from shared.id_number import check_character
from shared.imports import places, volunteers
from tests.e2e.graphql import graphql
from tests.e2e.test_roster_import import upload
from tests.support import BUREAU, System, open_station, stream_messages, token_for, worker

pytestmark = pytest.mark.dateless
RESULT = """__typename ... on UserError { code field messageZh messageEn }"""
PREVIEW = f"""mutation($file: Upload!, $s: ID, $t: ID) {{ previewImport(kind: KIND, stationId: $s, streetId: $t,
    file: $file) {{ ... on PreviewImportPayload {{ rowCount validRows rowsWithProblems
      problems {{ row column value code messageZh messageEn }} }} {RESULT} }} }}"""
COMMIT = f"""mutation($file: Upload!, $s: ID, $t: ID, $mode: ImportMode!) {{
    commitImport(kind: KIND, stationId: $s, streetId: $t, file: $file, mode: $mode) {{
    ... on CommitImportPayload {{ import {{ id kind status rowCount toApply skipped registered unchanged }}
      problems {{ row column value code }} }} {RESULT} }} }}"""


def table(headers: tuple[str, ...], rows: list[list[str]]) -> bytes:
    return "\n".join(",".join(r) for r in [list(headers), *rows]).encode("utf-8-sig")


async def uploaded(http: httpx.AsyncClient, query: str, content: bytes, actor: Actor, **variables: Any) -> Any:
    """The mutation's answer; a commit's as its import's status with `problems`."""
    answer = await upload(http, query, content, {"Authorization": f"Bearer {token_for(actor)}"}, **variables)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert "errors" not in body, body
    result = next(iter(body["data"].values()))
    return {**result.pop("import"), **result} if "import" in result else result


def volunteer(index: int) -> list[str]:
    born = date(1960 + index % 40, 1 + index % 12, 1 + index % 28)
    first17 = f"430103{born:%Y%m%d}{(index * 2) % 1000:03d}"
    return [f"志{'明华文'[index % 3]}{index:02d}", "女", first17 + check_character(first17), "",
            f"1381234{index:04d}", f"V{index:08d}", f"{born.year + 20}-03-01", "助老、环保"]


async def test_places_and_a_volunteer_list_are_imported_once_and_again_unchanged_with_nothing_in_clear(
        system: System, http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    station_id = await open_station(system)
    street = await system.call("activities", "register_street", {
        "name": "坡子街街道", "district": "天心区", "district_code": "430103", "division_code": "430103020000"},
        BUREAU)
    await system.read_models_have(street["position"])
    places_file = table(places.HEADERS, [
        ["坡子街社区", "430103020001", "社区", "坡子街小区"], ["坡子街社区", "430103020001", "社区", "西牌楼"],
        ["太平街社区", "430103020002", "社区", ""], ["坡子村", "430103020003", "村", "老屋场"],
        ["坡子村", "430103020003", "村", "新屋场"]])
    wrong_places = table(places.HEADERS, [["坡子街社区", "430103010001", "社区", ""], ["太平街社区", "430103020002",
                                                                                  "居委", ""]])

    def of(kind: str, query: str) -> str:
        return query.replace("kind: KIND", f"kind: {kind}")

    checked = await uploaded(http, of("PLACES", PREVIEW), wrong_places, BUREAU, s=None,
                             t=street["street_id"])
    refused = await uploaded(http, of("PLACES", COMMIT), places_file, worker(station_id), s=None,
                             t=street["street_id"], mode="ALL_OR_NOTHING")
    added = await uploaded(http, of("PLACES", COMMIT), places_file, BUREAU, s=None,
                           t=street["street_id"], mode="ALL_OR_NOTHING")
    await system.read_models_have_everything()
    listed = (await graphql(http, "query($t: ID!) { communities(streetId: $t) { name divisionCode kind } }", BUREAU,
                            t=street["street_id"]))["data"]["communities"]
    before = await system.activities.pool.fetchval("SELECT count(*) FROM events")
    again = await uploaded(http, of("PLACES", COMMIT), places_file, BUREAU, s=None,
                           t=street["street_id"], mode="ALL_OR_NOTHING")

    assert [(p["row"], p["column"], p["code"]) for p in checked["problems"]] == [
        (2, "统计用区划代码", "bad_division_code"), (3, "类型", "unknown_community_kind")]
    assert (added["registered"], added["unchanged"], added["problems"]) == (7, 0, []), added
    assert (refused["code"], refused["field"]) == ("not_found", "streetId")  # a worker sees no street but theirs
    assert [(c["name"], c["divisionCode"], c["kind"]) for c in listed] == [
        ("坡子街社区", "430103020001", "COMMUNITY"), ("太平街社区", "430103020002", "COMMUNITY"),
        ("坡子村", "430103020003", "VILLAGE")]
    assert (again["registered"], again["unchanged"]) == (0, 7)
    assert await system.activities.pool.fetchval("SELECT count(*) FROM events") == before

    people = [volunteer(i) for i in range(50)]
    wrong = [list(p) for p in people]
    wrong[4][2] = wrong[4][2][:-1] + ("0" if wrong[4][2][-1] != "0" else "1")
    wrong[17][6] = f"{china_today().year + 1}-01-01"
    wrong[33][2] = people[2][2]
    content = table(volunteers.HEADERS, wrong)
    me = worker(station_id)
    preview = await uploaded(http, of("VOLUNTEER", PREVIEW), content, me, s=station_id, t=None)
    done = await uploaded(http, of("VOLUNTEER", COMMIT), content, me, s=station_id, t=None,
                          mode="ROW_BY_ROW")
    await system.read_models_have_everything()
    before = await system.activities.pool.fetchval("SELECT count(*) FROM events")
    again = await uploaded(http, of("VOLUNTEER", COMMIT), content, me, s=station_id, t=None,
                           mode="ROW_BY_ROW")

    assert {(p["row"], p["column"], p["code"]) for p in preview["problems"]} == {
        (6, "身份证号码", "bad_id_check_digit"), (19, "注册日期", "date_in_future"),
        (35, "身份证号码", "duplicate_in_file")}
    assert all(p[2] not in json.dumps(preview, ensure_ascii=False) for p in people)
    assert (preview["rowCount"], preview["validRows"]) == (50, 47)
    assert (done["kind"], done["registered"], done["skipped"], done["unchanged"]) == ("VOLUNTEER", 47, 3, 0), done
    assert (again["registered"], again["unchanged"]) == (0, 47), again
    assert await system.activities.pool.fetchval("SELECT count(*) FROM events") == before

    events = await system.activities.pool.fetch("SELECT data::text, metadata::text FROM events")
    keys = await system.activities.pool.fetch("SELECT key, result::text FROM idempotency_keys")
    index = await system.activities.pool.fetch("SELECT * FROM volunteer_search_index")
    stream = await stream_messages(system.nc, system.namespace, "activities")
    stored = json.dumps([[tuple(r) for r in events], [tuple(r) for r in keys], [m["data"] for m in stream],
                         [dict(r) for r in index]], ensure_ascii=False, default=str)
    for p in people[::3]:
        for secret in (p[0], p[2], p[4]):
            assert secret not in stored and secret not in caplog.text, f"{secret} is stored or logged in clear"
