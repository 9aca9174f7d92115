"""The volunteer list and the places file: every row checked at its row and column, the values masked, and the
commit's rows as the activities service's commands, an ID number or a place already there left unchanged."""

from __future__ import annotations

import asyncio
import io
from datetime import date
from typing import Any

import pytest

from shared.contracts.errors import DomainError, Message
from shared.contracts.imports import ImportMode
from shared.imports import commit as importing
from shared.imports import places, volunteers
from shared.imports.template import TEMPLATES
from tests.rosters import id_number

pytestmark = pytest.mark.dateless
TODAY = date(2026, 6, 15)
VOLUNTEER_HEADER = ",".join(volunteers.HEADERS)
STREET_CODE = "430103010000"


def volunteer(index: int, born: date = date(1990, 5, 4), registered: str = "2023-04-01", **cells: str) -> str:
    row = {"姓名": f"李志愿{index}", "性别": "女", "身份证号码": id_number(index, born, True), "出生年份": "",
           "联系电话": f"1390000{index:04d}", "志愿者编号": f"V{index:06d}", "注册日期": registered,
           "服务意向": "助老、社区治理", **cells}
    return ",".join(row[h] for h in volunteers.HEADERS)


def csv(header: str, *rows: str) -> bytes:
    return "\n".join([header, *rows]).encode()


def test_each_template_has_an_example_row_that_passes_its_own_check() -> None:
    from openpyxl import load_workbook

    for kind, (filename, make) in TEMPLATES.items():
        content = make()
        checked = importing.check(kind, content, TODAY, {"状元坡社区": "状元坡社区"}, STREET_CODE)
        assert checked.problems == [] and len(checked.rows) == 1, (kind, checked.problems)
        assert filename.endswith(".xlsx") and load_workbook(io.BytesIO(content)).sheetnames[1] == "填写说明"


def test_a_volunteer_row_is_register_volunteers_fields_with_the_national_systems_consent() -> None:
    checked = importing.check("volunteer", csv(VOLUNTEER_HEADER, volunteer(1)), TODAY, None)

    assert checked.problems == []
    [row] = checked.rows
    assert row["gender"] == "female" and row["age_group"] == "adult" and row["birth_date"] == "1990-05-04"
    assert row["consent_given_on"] == "2023-04-01" and row["service_categories"] == ["助老", "社区治理"]
    assert "全国志愿服务信息系统" in volunteers.BASIS


def test_every_problem_of_a_volunteer_list_is_at_its_row_and_column_with_the_value_masked() -> None:
    good = id_number(1, date(1990, 5, 4), True)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    content = csv(VOLUNTEER_HEADER, volunteer(1), volunteer(2, **{"身份证号码": bad}),
                  volunteer(3, registered="2099-01-01"), volunteer(4, **{"身份证号码": good}),
                  volunteer(5, **{"姓名": ""}), volunteer(6, born=date(2018, 1, 1), registered="2025-01-01"),
                  volunteer(7, **{"性别": "未知", "联系电话": "电话坏了"}))

    checked = importing.check("volunteer", content, TODAY, None)

    assert [(p.row, p.column, p.code) for p in checked.problems] == [
        (3, "身份证号码", "bad_id_check_digit"), (4, "注册日期", "date_in_future"),
        (5, "身份证号码", "duplicate_in_file"), (6, "姓名", "required"), (7, "身份证号码", "child_volunteer"),
        (8, "性别", "unknown_gender"), (8, "联系电话", "bad_phone")]
    assert [r["row"] for r in checked.rows] == [2]
    assert all(good not in p.value and bad not in p.value for p in checked.problems)
    assert all(p.zh and p.en for p in checked.problems)


def test_a_places_file_is_checked_against_the_streets_code() -> None:
    header = ",".join(places.HEADERS)
    content = csv(header, "状元坡社区,430103010001,社区,状元坡小区", "状元坡社区,430103010001,社区,东苑",
                  "一力社区,430103010002,社区,", "坡子街村,430103020003,村,", "零号社区,430103010000,社区,",
                  "状元坡社区,430103010009,社区,西苑", "新村,430103010002,村,", "状元坡社区,430103010001,社区,东苑",
                  "望岳社区,430103010004,街区,")

    checked = importing.check("places", content, TODAY, None, STREET_CODE)

    assert [(p.row, p.column, p.code) for p in checked.problems] == [
        (5, "统计用区划代码", "bad_division_code"), (6, "统计用区划代码", "bad_division_code"),
        (7, "统计用区划代码", "conflicts_in_file"), (8, "统计用区划代码", "duplicate_in_file"),
        (9, "小区", "duplicate_in_file"), (10, "类型", "unknown_community_kind")]
    assert "430103010" in checked.problems[0].en
    assert [(r["row"], r["community"], r["kind"], r["compound"]) for r in checked.rows] == [
        (2, "状元坡社区", "community", "状元坡小区"), (3, "状元坡社区", "community", "东苑"),
        (4, "一力社区", "community", None)]


class Service:
    """The activities service as the commit calls it: an ID number is one volunteer's, a name one place's."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.communities: dict[str, str] = {}
        self.compounds: set[tuple[str, str]] = set()
        self.appended = 0

    async def call(self, service: str, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
        if endpoint == "communities":
            return {"communities": [{"community_id": i, "name": n, "division_code": None}
                                    for n, i in self.communities.items()]}
        if endpoint == "register_volunteer":
            assert body["consent_purpose"] == volunteers.BASIS and body["consent_given_on"]
            if body["id_number"] in self.ids:
                raise DomainError(Message(zh="已登记", en="registered"), field="idNumber", code="already_registered")
            self.ids.add(body["id_number"])
        elif endpoint == "add_community":
            self.communities[body["name"]] = f"c{len(self.communities)}"
            self.appended += 1
            return {"community_id": self.communities[body["name"]]}
        elif endpoint == "add_compound":
            if (body["community_id"], body["name"]) in self.compounds:
                raise DomainError(Message(zh="已有", en="exists"), field="name", code="already_exists")
            self.compounds.add((body["community_id"], body["name"]))
        self.appended += 1
        return {}


def test_the_same_volunteer_list_or_places_file_again_registers_and_adds_nothing() -> None:
    service = Service()
    volunteer_list = csv(VOLUNTEER_HEADER, *(volunteer(i) for i in range(1, 6)))
    places_file = csv(",".join(places.HEADERS), "状元坡社区,430103010001,社区,状元坡小区",
                      "状元坡社区,430103010001,社区,东苑", "一力社区,430103010002,社区,")

    def commit(kind: str, content: bytes, target: str) -> dict[str, Any]:
        return asyncio.run(importing.commit(service.call, kind, target, content, ImportMode.ALL_OR_NOTHING, TODAY,
                                            None, street_code=STREET_CODE))

    first = commit("volunteer", volunteer_list, "station-1")
    added = commit("places", places_file, "street-1")
    before = service.appended
    again, added_again = commit("volunteer", volunteer_list, "station-1"), commit("places", places_file, "street-1")

    assert (first["registered"], first["unchanged"]) == (5, 0)
    assert (added["registered"], added["unchanged"]) == (4, 0)  # two communities, two compounds
    assert (again["registered"], again["unchanged"]) == (0, 5)
    assert (added_again["registered"], added_again["unchanged"]) == (0, 4)
    assert service.appended == before
